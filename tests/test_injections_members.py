"""The member and household↔member injectors (tests/samples/injectors_members.py), checked end to end.

One county workbook gets every rule of the module: the rules only a 户表 allows once, first (so the
few 户表 + 人员 households are still free), every other rule twice — the injectors put the first into a
person-per-row roster and the second into a 户表 + 人员 pair. The checker must report each injection at
its cell, raise no error on a clean row, report the module's rules (warnings too) nowhere but on the
rows the injections changed, and still read every sheet as the ledger kinds it holds (the injectors add
columns such as 人员状态 or 供养方式 to some sheets).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from addin.check import check_book
from addin.rules.model import Finding
from addin.settings import Settings
from tests.helpers.injected import clean_rows, errors_on, matches
from tests.samples.generator import Injection, Sample, build_county_workbook
from tests.samples.injectors_members import RULES

AS_OF = dt.date(2024, 7, 17)
SPLIT_ONLY = (
    "HH-ELDER-WITHOUT-PENSION",
    "HH-GENERAL-WITH-DIBAO-INCOME",
    "HH-HEAD-ID-MISMATCH",
    "HH-PENSION-WITHOUT-ELDER",
)
"""Columns only a 户表 has: 户主身份证号 apart from the members' ID column, the transfer-income parts."""
BOTH_LAYOUTS = (
    "HH-SIZE-VS-MEMBERS",
    "HH-DIBAO-NO-MEMBER",
    "HH-NO-HEAD",
    "HH-MULTIPLE-HEADS",
    "HH-HEAD-NAME-MISMATCH",
    "HH-GENERAL-WITH-DIBAO-MEMBER",
    "MB-DEPARTED-COUNTED",
    "MB-RELATION-AGE",
    "MB-REQUIRED-EMPTY",
)


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Sample, Any, list[Finding]]:
    rules = [*SPLIT_ONLY, *(r for r in RULES if r not in SPLIT_ONLY for _ in range(2))]
    path = tmp_path_factory.mktemp("members") / "county.xlsx"
    sample = build_county_workbook(path, households=300, seed=3, problems=40, inject_rules=rules)
    ledgers, findings = check_book(sample.path, settings=Settings(), today=AS_OF)
    return sample, ledgers, findings


def _layout(sample: Sample, i: Injection) -> str:
    return "roster" if len(sample.sheets[i.sheet].kinds) == 2 else "split"


@pytest.mark.parametrize("rule", RULES)
def test_injection_is_reported_at_its_cell(rule: str, checked: tuple[Sample, Any, list[Finding]]) -> None:
    sample, _, findings = checked
    mine = [i for i in sample.injections if i.rule == rule]
    assert len(mine) == (1 if rule in SPLIT_ONLY else 2)
    missed = [i for i in mine if not any(matches(f, i) for f in findings)]
    assert not missed, (missed, [(f.sheet, f.cell, f.message) for f in findings if f.rule == rule])


@pytest.mark.parametrize("rule", BOTH_LAYOUTS)
def test_injected_in_both_layouts(rule: str, checked: tuple[Sample, Any, list[Finding]]) -> None:
    sample, _, _ = checked
    assert {_layout(sample, i) for i in sample.injections if i.rule == rule} == {"roster", "split"}


@pytest.mark.parametrize("rule", SPLIT_ONLY)
def test_split_only_rules_land_on_a_household_sheet(rule: str, checked: tuple[Sample, Any, list[Finding]]) -> None:
    sample, _, _ = checked
    assert [sample.sheets[i.sheet].kinds for i in sample.injections if i.rule == rule] == [["households"]]


def test_no_error_on_clean_rows(checked: tuple[Sample, Any, list[Finding]]) -> None:
    sample, _, findings = checked
    clean = clean_rows(sample)
    assert len(clean) > 1000
    bad = errors_on(clean, findings)
    assert not bad, bad


def test_module_rules_fire_only_on_changed_rows(checked: tuple[Sample, Any, list[Finding]]) -> None:
    """No false positive of these rules (warnings included) on the clean data, the added columns included."""
    sample, _, findings = checked
    tainted = {(sheet, r) for sheet, info in sample.sheets.items() for r in info.tainted_rows}
    stray = [
        (f.rule, f.sheet, f.cell, f.message)
        for f in findings
        if f.rule in RULES and (f.sheet, f.row) not in tainted and not any(matches(f, i) for i in sample.injections)
    ]
    assert not stray, stray


def test_sheets_are_read_as_intended(checked: tuple[Sample, Any, list[Finding]]) -> None:
    sample, ledgers, _ = checked
    found = {(t.sheet, t.kind) for t in ledgers.tables}
    for sheet, info in sample.sheets.items():
        assert {k for s, k in found if s == sheet} == set(info.kinds), sheet


def test_added_columns_are_on_the_sheets(checked: tuple[Sample, Any, list[Finding]]) -> None:
    """人员状态, 公益性岗位, 享受教育资助 and the 特困供养 columns the generator does not write are read as such."""
    _, ledgers, _ = checked
    keys = {k for t in ledgers.tables if t.kind == "members" for k in t.columns}
    assert {"member_status", "public_post", "edu_support", "support_mode", "care_ability", "care_agreement"} <= keys
