"""The household-roster injectors (tests/samples/injectors_households.py), checked end to end.

One county workbook carries one instance of every household rule the injectors
cover; the checker must report each at the cell the injection names (the header
row for the sheet-level RISK-MONITOR-SHARE), the rule must fire nowhere else on
clean rows, and no error-level finding may land on a row no injection changed.
400 households: HH-CAUSE-HOMOGENEOUS needs a village of 10 households on one sheet,
RISK-MONITOR-SHARE a sheet of 20.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

import tests.samples.injectors_households as area
from addin.check import check_book
from addin.resources import template_path
from addin.rules.model import Finding
from addin.settings import Settings
from tests.helpers.injected import clean_rows, errors_on, matches
from tests.samples.generator import INJECTORS, Sample, build_county_workbook

AS_OF = dt.date(2024, 7, 17)
RULES = sorted(rule for rule, fn in INJECTORS.items() if fn.__module__ == area.__name__)


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Sample, Any, list[Finding]]:
    path = tmp_path_factory.mktemp("households") / "county.xlsx"
    sample = build_county_workbook(path, households=400, seed=5, problems=60, inject_rules=RULES)
    ledgers, findings = check_book(sample.path, settings=Settings(), today=AS_OF)
    return sample, ledgers, findings


def test_every_rule_of_the_area_has_an_injector() -> None:
    skipped = {"HH-CADRE-RELATIVE", "HH-CADRE-RELATIVE-MEMBER"}  # need a settings list of cadre relatives
    # Issue 6 rules, tested on their own messy rosters in tests/test_rules_more_households.py.
    skipped |= {"HH-EXITED-NO-POWER", "HH-GENERAL-ABOVE-LINE", "HH-NO-POVERTY-LINE", "HH-LARGE-HOUSEHOLD"}
    rules = json.loads((template_path("rules") / "households.json").read_text(encoding="utf-8"))["rules"]
    assert {r["id"] for r in rules} - skipped == set(RULES)


@pytest.mark.parametrize("rule", RULES)
def test_injection_is_reported_at_its_cell(rule: str, checked: tuple[Sample, Any, list[Finding]]) -> None:
    sample, _, findings = checked
    injections = [i for i in sample.injections if i.rule == rule]
    assert len(injections) == 1, injections
    (injection,) = injections
    hits = [f for f in findings if matches(f, injection)]
    near = [(f.rule, f.cell, f.message) for f in findings if f.sheet == injection.sheet and f.row == injection.row]
    assert hits, (injection, near)
    clean = clean_rows(sample)
    strays = [(f.sheet, f.cell, f.message) for f in findings if f.rule == rule and (f.sheet, f.row) in clean]
    assert not strays, strays


def test_no_error_on_clean_rows(checked: tuple[Sample, Any, list[Finding]]) -> None:
    sample, _, findings = checked
    clean = clean_rows(sample)
    assert len(clean) > 1000
    bad = errors_on(clean, findings)
    assert not bad, bad


def test_sheets_keep_their_ledgers(checked: tuple[Sample, Any, list[Finding]]) -> None:
    """Columns the injectors add (家庭总收入, 户类型, 耕地面积 …) leave every sheet read as the ledger it is."""
    sample, ledgers, _ = checked
    found: dict[str, set[str]] = {}
    for table in ledgers.tables:
        found.setdefault(table.sheet, set()).add(table.kind)
        assert table.header_rows == sample.sheets[table.sheet].header_rows, table.sheet
    for sheet, info in sample.sheets.items():
        assert found.get(sheet, set()) == set(info.kinds), sheet


def test_injected_workbook_is_deterministic(tmp_path: Path, checked: tuple[Sample, Any, list[Finding]]) -> None:
    sample, _, _ = checked
    again = build_county_workbook(tmp_path / "again.xlsx", households=400, seed=5, problems=60, inject_rules=RULES)
    assert again.injections == sample.injections
