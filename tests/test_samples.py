"""The sample ledgers of templates/samples/ and the county generator behind them.

(a) Rebuilding the samples gives the same cells (determinism; compared with
    python-calamine sheet by sheet, values and merged ranges, not bytes) and the
    same manifest.
(b) Each committed sample, checked as of 2024-07-17: every injected problem is
    reported at its cell, no error-level finding lands on a clean row, and every
    sheet is read as the ledger kind(s) it holds, with the header rows it has
    (sheets that are no ledger are skipped).
(c) A medium county workbook with one injection of every kind: no error-level
    finding except the injected ones and their consequences on the same rows.
(d) The samples' 责任体系花名册 (the last sample): one problem per roster rule in
    it, and, with the other samples checked against it (settings ``roster``), the
    village and the helper it leaves out are the only roster findings there.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import python_calamine as calamine

from addin.chain.roster import load_roster
from addin.chain.roster_names import person_names, split_list
from addin.check import check_book
from addin.ledger.text import clean_text
from addin.resources import template_path
from addin.rules.catalog import load_rules
from addin.rules.model import Finding, Severity
from addin.settings import Settings
from scripts.make_samples import DEFAULT_SEED, manifest_text
from tests.helpers.injected import matches
from tests.samples.generator import COUNTY_RULES, INJECTORS, Sample, build_county_workbook, build_samples
from tests.samples.roster import CROSS_RULES, ROSTER_RULES, ROSTER_SAMPLE

AS_OF = dt.date(2024, 7, 17)
SAMPLES = template_path("samples")
MANIFEST: dict[str, Any] = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
ENTRIES = {entry["file"]: entry for entry in MANIFEST["samples"]}


def book_contents(path: Path) -> dict[str, tuple[bool, list[list[Any]], list[Any]]]:
    """Per sheet: visible, cell values, merged ranges."""
    book = calamine.CalamineWorkbook.from_path(str(path))
    out = {}
    try:
        for meta in book.sheets_metadata:
            sheet = book.get_sheet_by_name(meta.name)
            values = sheet.to_python(skip_empty_area=False)
            out[meta.name] = (
                meta.visible == calamine.SheetVisibleEnum.Visible,
                values,
                sorted(sheet.merged_cell_ranges or []),
            )
    finally:
        book.close()
    return out


# ---------------------------------------------------------------- (a) determinism
@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> list[Sample]:
    return build_samples(tmp_path_factory.mktemp("samples"), seed=MANIFEST["seed"])


def test_samples_are_committed() -> None:
    assert MANIFEST["seed"] == DEFAULT_SEED
    assert sorted(p.name for p in SAMPLES.glob("*.xlsx")) == sorted(ENTRIES)


def test_regenerated_samples_have_the_same_cells(rebuilt: list[Sample]) -> None:
    assert sorted(s.path.name for s in rebuilt) == sorted(ENTRIES)
    for sample in rebuilt:
        fresh = book_contents(sample.path)
        committed = book_contents(SAMPLES / sample.path.name)
        assert list(fresh) == list(committed), sample.path.name
        for name in fresh:
            assert fresh[name] == committed[name], f"{sample.path.name} / {name}"


def test_regenerated_manifest_is_the_committed_one(rebuilt: list[Sample]) -> None:
    text = manifest_text(rebuilt, MANIFEST["seed"])
    assert json.loads(text)["samples"] == MANIFEST["samples"]


# ---------------------------------------------------------------- (b) the committed samples, checked
@pytest.fixture(scope="module")
def checked() -> dict[str, tuple[Any, list[Finding]]]:
    return {name: check_book(SAMPLES / name, settings=Settings(), today=AS_OF) for name in ENTRIES}


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_every_injection_is_found(name: str, checked: dict[str, tuple[Any, list[Finding]]]) -> None:
    _, findings = checked[name]
    entry = ENTRIES[name]
    assert entry["injections"], "each sample carries deliberate problems"
    missed = [i for i in entry["injections"] if not any(matches(f, i) for f in findings)]
    assert not missed, missed


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_no_error_on_clean_rows(name: str, checked: dict[str, tuple[Any, list[Finding]]]) -> None:
    _, findings = checked[name]
    clean = {(sheet, row) for sheet, rows in ENTRIES[name]["clean_rows"].items() for row in rows}
    assert clean
    bad = [
        (f.rule, f.sheet, f.cell, f.message)
        for f in findings
        if f.severity is Severity.ERROR and (f.sheet, f.row) in clean
    ]
    assert not bad, bad


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_errors_come_only_from_injections(name: str, checked: dict[str, tuple[Any, list[Finding]]]) -> None:
    """Errors off the clean rows are the injected ones or land on a row an injection changed."""
    _, findings = checked[name]
    entry = ENTRIES[name]
    tainted = {(sheet, r) for sheet, info in entry["sheets"].items() for r in info["tainted_rows"]}
    stray = [
        (f.rule, f.sheet, f.cell, f.message)
        for f in findings
        if f.severity is Severity.ERROR
        and (f.sheet, f.row) not in tainted
        and not any(matches(f, i) for i in entry["injections"])
    ]
    assert not stray, stray


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_sheets_are_read_as_intended(name: str, checked: dict[str, tuple[Any, list[Finding]]]) -> None:
    ledgers, _ = checked[name]
    found: dict[str, list[tuple[str, list[int]]]] = defaultdict(list)
    for table in ledgers.tables:
        found[table.sheet].append((table.kind, table.header_rows))
    skipped = {s.sheet for s in ledgers.skipped}
    for sheet, info in ENTRIES[name]["sheets"].items():
        if not info["kinds"]:
            assert sheet in skipped and sheet not in found, sheet
            continue
        assert sorted(kind for kind, _ in found[sheet]) == info["kinds"], sheet
        for _, header_rows in found[sheet]:
            assert header_rows == info["header_rows"], sheet


def test_samples_cover_the_layouts() -> None:
    """The committed samples show every messy feature the reader must handle."""
    everything = {name: book_contents(SAMPLES / name) for name in ENTRIES}
    texts = [
        str(v)
        for sheets in everything.values()
        for _, values, _ in sheets.values()
        for row in values
        for v in row
        if v not in ("", None)
    ]

    def seen(pred: Any) -> bool:
        return any(pred(t) for t in texts)

    assert seen(lambda t: t.startswith("附件"))
    assert seen(lambda t: t.startswith("（截至"))
    assert seen(lambda t: t.startswith("填报单位（盖章）：")) and seen(lambda t: t.startswith("填报日期："))
    assert seen(lambda t: t.startswith("填报人：")) and seen(lambda t: t.startswith("备注："))
    assert seen(lambda t: t.startswith("一、") and "方面" in t)
    assert seen(lambda t: t.startswith("小计")) and seen(lambda t: t == "合计")
    assert seen(lambda t: "\n" in t)
    assert seen(lambda t: any(c in t for c in "０１２３４５６７８９"))
    assert seen(lambda t: t in ("立行立改", "长期坚持"))
    assert seen(lambda t: t.endswith("月底前"))
    assert seen(lambda t: t in ("√", "×"))
    assert seen(lambda t: t.endswith("万"))
    depths = {len(info["header_rows"]) for e in ENTRIES.values() for info in e["sheets"].values() if info["kinds"]}
    assert {2, 3} <= depths
    hidden = [sheet for sheets in everything.values() for sheet, (visible, _, _) in sheets.items() if not visible]
    assert hidden
    rules = {i["rule"] for e in ENTRIES.values() for i in e["injections"]}
    assert rules - set(ROSTER_RULES) == set(INJECTORS)


# ---------------------------------------------------------------- (c) a medium county
def test_medium_county_has_only_injected_errors(tmp_path: Path) -> None:
    sample = build_county_workbook(
        tmp_path / "county.xlsx", households=500, seed=13, problems=80, inject_rules=COUNTY_RULES
    )
    ledgers, findings = check_book(sample.path, settings=Settings(), today=AS_OF)
    found = {(t.sheet, t.kind) for t in ledgers.tables}
    for sheet, info in sample.sheets.items():
        assert {k for s, k in found if s == sheet} == set(info.kinds), sheet
    for injection in sample.injections:
        assert any(matches(f, vars(injection)) for f in findings), injection
    tainted = {(sheet, r) for sheet, info in sample.sheets.items() for r in info.tainted_rows}
    stray = [
        (f.rule, f.sheet, f.cell, f.message)
        for f in findings
        if f.severity is Severity.ERROR
        and (f.sheet, f.row) not in tainted
        and not any(matches(f, vars(i)) for i in sample.injections)
    ]
    assert not stray, stray
    clean = sum(len(rows) for rows in sample.clean_rows.values())
    assert clean > 1000


# ---------------------------------------------------------------- (d) the roster sample
ROSTER_FILE = SAMPLES / ROSTER_SAMPLE
LEDGER_SAMPLES = sorted(name for name in ENTRIES if name != ROSTER_SAMPLE)


def test_roster_sample_has_one_problem_per_roster_rule() -> None:
    entry = ENTRIES[ROSTER_SAMPLE]
    assert sorted(i["rule"] for i in entry["injections"]) == sorted(ROSTER_RULES)
    assert {i["rule"] for i in entry["cross_injections"]} == set(CROSS_RULES)
    assert {i["file"] for i in entry["cross_injections"]} <= set(LEDGER_SAMPLES)
    catalogue = {t.rule.id for t in load_rules() if t.rule.id.startswith("RS-")}
    assert catalogue == set(ROSTER_RULES) | set(CROSS_RULES)
    kinds = {k for info in entry["sheets"].values() for k in info["kinds"]}
    assert kinds == {f"roster_{k}" for k in ("villages", "households", "townships", "departments", "discipline")}
    village_sheet = entry["sheets"]["村级责任人"]
    assert len(village_sheet["header_rows"]) == 2  # 驻村工作队 over 第一书记 / 队长


@pytest.fixture(scope="module")
def with_roster() -> dict[str, tuple[Any, list[Finding]]]:
    settings = Settings(roster=ROSTER_FILE)
    return {name: check_book(SAMPLES / name, settings=settings, today=AS_OF) for name in LEDGER_SAMPLES}


@pytest.mark.parametrize("name", LEDGER_SAMPLES)
def test_samples_checked_with_the_roster(
    name: str, with_roster: dict[str, tuple[Any, list[Finding]]], checked: dict[str, tuple[Any, list[Finding]]]
) -> None:
    """The omissions are found where the manifest says; any other roster error sits on a row an injection changed;
    the roster changes nothing else."""
    _, findings = with_roster[name]
    expected = [i for i in ENTRIES[ROSTER_SAMPLE]["cross_injections"] if i["file"] == name]
    missed = [i for i in expected if not any(matches(f, i) for f in findings)]
    assert not missed, missed
    tainted = {(sheet, r) for sheet, info in ENTRIES[name]["sheets"].items() for r in info["tainted_rows"]}
    stray = [
        (f.rule, f.sheet, f.cell, f.message)
        for f in findings
        if f.rule.startswith("RS-")
        and f.severity is Severity.ERROR
        and (f.sheet, f.row) not in tainted
        and not any(matches(f, i) for i in expected)
    ]
    assert not stray, stray
    assert all(f.file == str(SAMPLES / name) for f in findings)  # nothing about the roster's own cells
    others = [f for f in findings if not f.rule.startswith("RS-")]
    assert others == checked[name][1]


def test_roster_covers_the_places_people_and_units_of_every_sample(
    with_roster: dict[str, tuple[Any, list[Finding]]],
) -> None:
    """Every township, village, helper and unit the samples name on a row no injection changed is in the
    roster, except what it leaves out on purpose (the values the cross-sheet findings report)."""
    books = {name: ledgers for name, (ledgers, _) in with_roster.items()}
    roster = load_roster(Settings(roster=ROSTER_FILE), list(books.values()), today=AS_OF)
    left_out = {clean_text(f.value) for _, found in with_roster.values() for f in found if f.rule in CROSS_RULES}
    people = roster.people()
    missing: set[str] = set()
    for name, book in books.items():
        tainted = {(sheet, r) for sheet, info in ENTRIES[name]["sheets"].items() for r in info["tainted_rows"]}
        for table in book.tables:
            for i in (i for i in range(len(table)) if (table.sheet, int(table.rows[i])) not in tainted):
                missing |= _not_in_roster(roster, people, table, i)
    assert missing == left_out and len(left_out) == 2


def _not_in_roster(roster: Any, people: set[str], table: Any, i: int) -> set[str]:
    """The township, village, helper and units of one row that the roster does not know."""

    def text(key: str) -> str:
        return "" if not table.has(key) or table.empty(key)[i] else clean_text(table.raw_value(key, i))

    missing = set()
    town, village = text("township"), text("village")
    if town and roster.township(town) is None:
        missing.add(town)
    if town and village and roster.village(town, village) is None:
        missing.add(village)
    missing.update(n for n in person_names(text("helper")) if n not in people)
    for unit in [*split_list(text("resp_unit")), *split_list(text("lead_unit")), text("helper_unit")]:
        if unit and not (roster.department(unit) or roster.township(unit) or roster.village(None, unit)):
            missing.add(unit)
    return missing
