"""Injected problems of the rectification ledger (ZG-01 … ZG-25) and the generic / ID rules.

One small county workbook carries one instance of every problem of
``tests/samples/injectors_problems.py``; the checker must report each at the
cell (or, for sheet-level rules, on the header row) the injection names, and no
error-level finding may land on a row no injection touched.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from addin.check import check_book
from addin.rules.model import Finding
from addin.settings import Settings
from tests.helpers.injected import clean_rows, errors_on, matches
from tests.samples import injectors_problems
from tests.samples.generator import INJECTORS, Sample, build_county_workbook

AS_OF = dt.date(2024, 7, 17)

PROBLEM_RULES = [
    "PR-NO-DESCRIPTION", "PR-CATEGORY-UNMAPPED", "PR-NO-RESP-UNIT", "PR-NO-RESP-PERSON", "PR-NO-LEADER",
    "PR-PERSON-NOT-INDIVIDUAL", "PR-NO-MEASURES", "PR-VAGUE-MEASURES", "PR-NO-DEADLINE", "PR-BAD-DEADLINE",
    "PR-DEADLINE-BEFORE-FOUND", "PR-OVERDUE", "PR-DONE-NO-DATE", "PR-DONE-NO-EVIDENCE", "PR-DONE-DATE-FUTURE",
    "PR-DONE-LATE", "PR-DONE-BEFORE-FOUND", "PR-CLOSED-NO-VERIFIER", "PR-LONG-TERM-NO-STAGES",
    "PR-DONE-STILL-PROGRESSING", "PR-UNDONE-WITH-DATE", "PR-VILLAGE-NO-TOWNSHIP", "PR-NO-SOURCE",
    "PR-IMMEDIATE-OVERDUE", "PR-VOID-NO-REASON",
]  # fmt: skip
GENERIC_RULES = [
    "GEN-MISSING-COLUMN", "GEN-DUPLICATE-COLUMN", "GEN-EARLY-DATE", "GEN-UNKNOWN-TOWNSHIP", "GEN-BAD-PHONE",
    "GEN-MONEY-UNIT", "ID-LENGTH", "ID-CHARS", "ID-BIRTH", "ID-BIRTH-MISMATCH", "ID-PLACEHOLDER",
    "ID-MULTI-HOUSEHOLD", "ID-DUPLICATE-IN-HOUSEHOLD", "ID-PROVINCE", "ID-DISABILITY-CERT",
]  # fmt: skip
RULES = PROBLEM_RULES + GENERIC_RULES


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Sample, list[Finding]]:
    sample = build_county_workbook(
        tmp_path_factory.mktemp("problems") / "county.xlsx", households=120, seed=5, problems=80, inject_rules=RULES
    )
    _, findings = check_book(sample.path, settings=Settings(), today=AS_OF)
    return sample, findings


def test_every_rule_has_its_injector() -> None:
    mine = {rule for rule, fn in INJECTORS.items() if fn.__module__ == injectors_problems.__name__}
    assert mine == set(RULES)


@pytest.mark.parametrize("rule", RULES)
def test_injection_is_reported_at_its_cell(rule: str, checked: tuple[Sample, list[Finding]]) -> None:
    sample, findings = checked
    injections = [i for i in sample.injections if i.rule == rule]
    assert len(injections) == 1
    injection = injections[0]
    hits = [f for f in findings if matches(f, injection)]
    assert hits, (injection, [(f.rule, f.cell, f.message) for f in findings if f.sheet == injection.sheet][:20])


def test_no_error_on_clean_rows(checked: tuple[Sample, list[Finding]]) -> None:
    sample, findings = checked
    clean = clean_rows(sample)
    assert len(clean) > 500
    bad = errors_on(clean, findings)
    assert not bad, bad


def test_injected_rules_fire_nowhere_else(checked: tuple[Sample, list[Finding]]) -> None:
    """Each problem is put in once: its rule (warnings too) reports no clean row."""
    sample, findings = checked
    clean = clean_rows(sample)
    stray = [(f.rule, f.sheet, f.cell, f.message) for f in findings if f.rule in RULES and (f.sheet, f.row) in clean]
    assert not stray, stray


def test_untouched_workbook_isclean_rows(tmp_path: Path) -> None:
    """The same county without injections: none of these rules fires (so each hit above is the injection's)."""
    sample = build_county_workbook(tmp_path / "clean.xlsx", households=120, seed=5, problems=80)
    _, findings = check_book(sample.path, settings=Settings(), today=AS_OF)
    assert not [(f.rule, f.sheet, f.cell) for f in findings if f.rule in RULES]
