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
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import python_calamine as calamine

from addin.check import check_book
from addin.resources import template_path
from addin.rules.model import Finding, Severity
from addin.settings import Settings
from scripts.make_samples import DEFAULT_SEED, manifest_text
from tests.helpers.injected import matches
from tests.samples.generator import INJECTORS, Sample, build_county_workbook, build_samples

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
    assert rules == set(INJECTORS)


# ---------------------------------------------------------------- (c) a medium county
def test_medium_county_has_only_injected_errors(tmp_path: Path) -> None:
    sample = build_county_workbook(
        tmp_path / "county.xlsx", households=500, seed=13, problems=80, inject_rules=sorted(INJECTORS)
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
