"""Every rule's own examples (``examples`` in templates/rules/*.json), checked for real.

The examples are data next to the rule: a failing and a passing row (or workbook)
that docs/rules.md and the 规则说明 sheet show to county staff. This test writes
each one as a real .xlsx — a title line above the header, the header labels the
example uses, dates as real dates, ID-like texts as text — checks it with the same
library call the CLI uses (with the example's as_of and a ``zhenggai.json`` written
next to the workbook), and asserts that the example's own rule fires on every
``fail`` example and stays silent on every ``pass`` example. Other rules may fire.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from addin.check import check_book
from addin.ledger.definitions import LedgerDef, default_catalog
from addin.rules.catalog import default_rules
from addin.rules.docs import example_tables
from addin.rules.model import Rule
from addin.settings import SETTINGS_NAME, load_settings
from tests.helpers.book import AS_OF, SheetSpec, write_book

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DIGITS = re.compile(r"^\d+[Xx]?$")

# Rules that still lack why, fix or a fail/pass example. The list MUST shrink to empty: a rule
# that gets its documentation has to be removed from here (the last test below enforces it).
MISSING_DOCS: list[str] = []


@dataclass(frozen=True)
class Example:
    rule: Rule
    outcome: str  # "fail" or "pass"
    index: int
    data: Mapping[str, Any]

    @property
    def id(self) -> str:
        return f"{self.rule.id}-{self.outcome}{self.index}"


def _examples() -> Iterator[Example]:
    seen: set[str] = set()
    for template in default_rules():
        rule = template.rule
        if rule.id in seen or not rule.examples:
            continue
        seen.add(rule.id)
        for outcome in ("fail", "pass"):
            for i, data in enumerate(rule.examples.get(outcome, [])):
                yield Example(rule, outcome, i, data)


EXAMPLES = list(_examples())


def _cell(value: Any) -> Any:
    if isinstance(value, str) and ISO_DATE.match(value):
        return dt.date.fromisoformat(value)
    return value


def _sheet(kind: str, ledger: LedgerDef, rows: list[Mapping[str, Any]], rule_id: str) -> SheetSpec:
    header = list(dict.fromkeys(h for row in rows for h in row))
    unknown = [h for h in header if ledger.match_header(h) is None]
    assert not unknown, f"{rule_id}: {ledger.label} has no column {unknown}"
    text_columns = [
        c
        for c, h in enumerate(header, start=1)
        if any(isinstance(row.get(h), str) and DIGITS.match(row[h]) for row in rows)
    ]
    return SheetSpec(
        name=ledger.label,
        above=[[f"{ledger.label}（{rule_id} 示例）"]],
        header=header,
        rows=[[_cell(row.get(h)) for h in header] for row in rows],
        text_columns=text_columns,
    )


def write_example(example: Example, folder: Path) -> Path:
    """The example as a real workbook (and its zhenggai.json) in ``folder``; returns the workbook."""
    catalog = default_catalog()
    sheets = example_tables(example.rule, example.data, catalog)
    for kind in sheets:
        assert kind in catalog.ledgers, f"{example.id}: unknown ledger kind {kind!r} (or no kind has these columns)"
    specs = [_sheet(kind, catalog.ledgers[kind], rows, example.rule.id) for kind, rows in sheets.items()]
    settings = dict(example.rule.examples.get("settings", {}))
    # The sheet kinds are named so that a three-column example is read as its ledger, not guessed.
    settings.setdefault("sheet_kinds", {catalog.ledgers[kind].label: kind for kind in sheets})
    (folder / SETTINGS_NAME).write_text(json.dumps(settings, ensure_ascii=False), encoding="utf-8")
    return write_book(folder / f"{example.id}.xlsx", specs)


def example_as_of(rule: Rule) -> dt.date:
    text = rule.examples.get("as_of")
    return dt.date.fromisoformat(text) if text else AS_OF


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_rule_example(example: Example, tmp_path: Path) -> None:
    path = write_example(example, tmp_path)
    settings = load_settings(near=path)
    assert settings.path == tmp_path / SETTINGS_NAME
    ledgers, findings = check_book(path, settings=settings, today=example_as_of(example.rule))
    assert ledgers.tables, f"{example.id}: no ledger read from the example ({ledgers.skipped})"
    own = [f for f in findings if f.rule == example.rule.id]
    if example.outcome == "fail":
        assert own, f"{example.id}: the rule did not fire; other findings: {[f.message for f in findings]}"
    else:
        assert not own, f"{example.id}: the rule fired: {[f'{f.cell} {f.message}' for f in own]}"


# ------------------------------------------------------------------ the catalogue's documentation
def _undocumented() -> list[str]:
    out = []
    for template in default_rules():
        rule = template.rule
        examples = rule.examples
        if not (rule.why and rule.fix and examples.get("fail") and examples.get("pass")):
            out.append(rule.id)
    return sorted(set(out))


def test_every_rule_has_why_fix_and_examples() -> None:
    missing = sorted(set(_undocumented()) - set(MISSING_DOCS))
    assert not missing, f"rules without why/fix/fail/pass examples: {missing}"


def test_the_missing_list_only_names_rules_still_missing() -> None:
    documented = sorted(set(MISSING_DOCS) - set(_undocumented()))
    assert not documented, f"remove from MISSING_DOCS (now documented or gone): {documented}"


def test_examples_exist_and_the_generator_sees_the_three_kinds_of_example() -> None:
    """The machinery is exercised: one-row examples, workbook examples, and a '*' rule."""
    ids = {e.rule.id for e in EXAMPLES}
    assert {"PR-OVERDUE", "GEN-DUPLICATE-ROW", "HH-SIZE-VS-MEMBERS"} <= ids
    assert any("sheets" in e.data for e in EXAMPLES)
    assert any("sheets" not in e.data for e in EXAMPLES)


def test_an_example_row_is_written_with_real_dates_and_text_ids(tmp_path: Path) -> None:
    import openpyxl

    rule = next(t.rule for t in default_rules() if t.rule.id == "PR-OVERDUE")
    row = {
        "问题描述": "张湾村漏评1户",
        "整改时限": "2024-05-31",
        "身份证号": "411523198001010011",
        "整改进度": "整改中",
    }
    path = write_example(Example(rule, "fail", 0, row), tmp_path)
    ws = openpyxl.load_workbook(path)["问题整改台账"]
    assert ws["A1"].value == "问题整改台账（PR-OVERDUE 示例）"
    assert [c.value for c in ws[2]] == list(row)
    assert ws["B3"].value == dt.datetime(2024, 5, 31) and ws["B3"].is_date
    assert ws["C3"].value == "411523198001010011" and ws["C3"].number_format == "@"
    assert json.loads((tmp_path / SETTINGS_NAME).read_text(encoding="utf-8")) == {
        "sheet_kinds": {"问题整改台账": "problems"}
    }
