"""Injected problems of the visit log (BF-01…14), the loan ledger (JR-01…10) and the relocation ledger (BQ-01…13).

One county workbook carries one instance of every problem of
``tests/samples/injectors_logs.py``; the checker must report each at the cell the
injection names (for the roster rules fed by the visit log: the household's
户主姓名 on its roster row), and no finding of any severity may land on a row no
injection touched. A second, smaller county has too few enterprise loans and
relocated households for all of them: the injectors add clean rows first, and
must still be found.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from addin.check import check_book
from addin.rules.model import Finding, Severity
from addin.settings import Settings
from tests.helpers.injected import clean_rows, matches
from tests.samples import injectors_logs
from tests.samples.generator import INJECTORS, Sample, build_county_workbook

AS_OF = dt.date(2024, 7, 17)

VISIT_RULES = [
    "VS-NO-SIGNATURE", "VS-NO-VISIT-DATE", "VS-VISIT-DATE-NO-DAY", "VS-FUTURE-VISIT", "VS-NO-ACTIONS",
    "VS-SHORT-ACTIONS", "VS-NO-FINDINGS", "VS-NO-SATISFACTION", "VS-COPIED-ACTIONS", "VS-TOO-MANY-VISITS-PER-DAY",
    "VS-CROSS-TOWNSHIP-SAME-DAY", "VS-NO-RECENT-VISIT", "VS-NEVER-VISITED", "VS-HELPER-MISMATCH",
    "VS-VISIT-BEFORE-IDENTIFIED", "VS-NO-REVIEW", "VS-PROXY-SIGNATURE", "VS-CADRE-WEEKLY-VISITS",
]  # fmt: skip
LOAN_RULES = [
    "LN-NO-PROJECT", "LN-NONPRODUCTIVE-PURPOSE", "LN-ENT-NO-LOCAL-BASE", "LN-ENT-NO-WORKSHOP",
    "LN-ENT-LOW-POOR-EMPLOYMENT", "LN-ENT-OVER-CAP", "LN-MICRO-OVER-AMOUNT", "LN-MICRO-OVER-TERM",
    "LN-MICRO-OVER-DURATION", "LN-BORROWER-AGE", "LN-BORROWER-NOT-POOR", "LN-BORROWER-NOT-IN-ROSTER",
    "LN-HH-ATTR-NOT-POOR", "LN-HH-NONPRODUCTIVE", "LN-HH-TO-ENTERPRISE", "LN-HH-DIVIDEND", "LN-OVERDUE",
    "LN-TERM-MISMATCH",
]  # fmt: skip
RELOCATION_RULES = [
    "RL-AREA-OVER-REDLINE", "RL-LARGE-HOUSEHOLD-AREA", "RL-SAME-GROUP", "RL-SAME-GROUP-ACCEPTED", "RL-SAME-VILLAGE",
    "RL-PURCHASE-LUXURY", "RL-PURCHASE-OVERSIZE", "RL-SELF-FUND-HIGH", "RL-DEBT-HIGH", "RL-SITE-BEHIND-SCHEDULE",
    "RL-SCATTERED-SHARE", "RL-OLD-HOUSE-STANDING", "RL-NOT-REGISTERED", "RL-NO-FOLLOWUP", "RL-MOVE-IN-BEFORE-FINISH",
    "RL-ACCEPT-BEFORE-FINISH", "RL-SCATTERED-NOT-MOVED-IN",
]  # fmt: skip
RULES = VISIT_RULES + LOAN_RULES + RELOCATION_RULES

# Rules an injection trips besides its own, on rows it changed:
#   VS-HELPER-MISMATCH on the 党委书记's rows (VS-CADRE-WEEKLY-VISITS: he is nobody's 帮扶责任人),
#   VS-COPIED-ACTIONS on the other four copied rows, RL-AREA-OVER-REDLINE with RL-PURCHASE-OVERSIZE (the same
#   cell), RL-SCATTERED-SHARE on each row turned 分散安置 in a township with few relocated households.
ALSO_EXPECTED = {"VS-HELPER-MISMATCH", "VS-COPIED-ACTIONS", "RL-AREA-OVER-REDLINE", "RL-SCATTERED-SHARE"}


def _check(path: Path, households: int, seed: int) -> tuple[Sample, list[Finding]]:
    sample = build_county_workbook(path, households=households, seed=seed, problems=40, inject_rules=RULES)
    _, findings = check_book(sample.path, settings=Settings(), today=AS_OF)
    return sample, findings


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Sample, list[Finding]]:
    return _check(tmp_path_factory.mktemp("logs") / "county.xlsx", households=300, seed=5)


def test_every_rule_has_its_injector() -> None:
    mine = {rule for rule, fn in INJECTORS.items() if fn.__module__ == injectors_logs.__name__}
    assert mine == set(RULES)


@pytest.mark.parametrize("rule", RULES)
def test_injection_is_reported_at_its_cell(rule: str, checked: tuple[Sample, list[Finding]]) -> None:
    sample, findings = checked
    injections = [i for i in sample.injections if i.rule == rule]
    assert len(injections) == 1
    injection = injections[0]
    assert injection.cell is not None
    hits = [f for f in findings if matches(f, injection)]
    assert hits, (injection, [(f.rule, f.cell, f.message) for f in findings if f.rule == rule])


def test_nothing_on_clean_rows(checked: tuple[Sample, list[Finding]]) -> None:
    """No finding at all, warnings included, on a row no injection touched."""
    sample, findings = checked
    clean = clean_rows(sample)
    assert len(clean) > 1000
    assert not [(f.rule, f.sheet, f.cell, f.message) for f in findings if (f.sheet, f.row) in clean]


def test_side_effects_are_the_known_ones(checked: tuple[Sample, list[Finding]]) -> None:
    """Findings other than the injected ones come only from the rules listed in ALSO_EXPECTED."""
    sample, findings = checked
    extra = [
        (f.rule, f.sheet, f.cell)
        for f in findings
        if not any(matches(f, i) for i in sample.injections) and f.rule not in ALSO_EXPECTED
    ]
    assert not extra, extra


def test_untouched_workbook_isclean_rows(tmp_path: Path) -> None:
    """The same county without injections: none of these rules fires (so each hit above is the injection's)."""
    sample = build_county_workbook(tmp_path / "clean.xlsx", households=300, seed=5, problems=40)
    _, findings = check_book(sample.path, settings=Settings(), today=AS_OF)
    assert not [(f.rule, f.sheet, f.cell) for f in findings if f.rule in RULES]


def test_small_county_gets_extra_rows(tmp_path: Path) -> None:
    """120 households: 12 loans (one of an enterprise) and 4 relocations are too few; added rows carry the rest."""
    sample, findings = _check(tmp_path / "small.xlsx", households=120, seed=2)
    missed = [i for i in sample.injections if not any(matches(f, i) for f in findings)]
    assert not missed, missed
    clean = clean_rows(sample)
    assert not [(f.rule, f.sheet, f.cell, f.message) for f in findings if (f.sheet, f.row) in clean]
    assert not [
        (f.rule, f.sheet, f.cell, f.message)
        for f in findings
        if f.severity is Severity.ERROR
        and f.rule not in ALSO_EXPECTED
        and not any(matches(f, i) for i in sample.injections)
    ]
