"""The bundled problem ledgers name owners that mostly agree with the bundled roster (as real ledgers do).

The samples are cut from one county and its 责任体系花名册; the owners typed on their
problem rows come from the county's own people (tests/samples/owners.py), never from
the add-in. Assigning them with the roster must therefore find most rows consistent,
while a minority of rows (someone else typed, a unit typed as 责任人) still conflicts.
"""

from __future__ import annotations

import datetime as dt

import pytest

from addin.chain.plan import CONFLICT_RULE
from addin.chain.run import assign_workbook
from addin.resources import template_path
from addin.settings import Settings
from tests.samples.roster import ROSTER_SAMPLE

SAMPLES = template_path("samples")
AS_OF = dt.date(2024, 7, 17)
PROBLEM_SAMPLES = ("全县综合台账（问题示例）.xlsx", "县直部门整改台账.xlsx", "沙窝镇台账.xlsx")


@pytest.mark.parametrize("name", PROBLEM_SAMPLES)
def test_most_problem_rows_agree_with_the_roster(name: str) -> None:
    run = assign_workbook(SAMPLES / name, settings=Settings(roster=SAMPLES / ROSTER_SAMPLE), today=AS_OF)
    problem_rows = sum(len(t) for t in run.ledgers.of_kind("problems"))
    conflicting = {(n.sheet, n.row) for p in run.plans for n in p.notes if n.rule == CONFLICT_RULE}
    assert problem_rows >= 30
    assert 0 < len(conflicting) <= 0.35 * problem_rows, (len(conflicting), problem_rows)


def test_the_samples_together_hold_a_realistic_minority_of_conflicts() -> None:
    settings = Settings(roster=SAMPLES / ROSTER_SAMPLE)
    total = conflicts = 0
    for name in PROBLEM_SAMPLES:
        run = assign_workbook(SAMPLES / name, settings=settings, today=AS_OF)
        total += sum(len(t) for t in run.ledgers.of_kind("problems"))
        conflicts += len({(n.sheet, n.row) for p in run.plans for n in p.notes if n.rule == CONFLICT_RULE})
    assert 0.08 * total <= conflicts <= 0.3 * total, (conflicts, total)
