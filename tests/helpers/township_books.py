"""A county's folder of 17 township workbooks, built with the sample generator, for the 汇总 tests.

Each workbook holds one township's rectification ledger and its household roster
(messy layouts: title blocks, merged headers, section rows …). The content is the
generator's clean data, with two deliberate changes whose effect is known without
running any of our code:

* in township number *i* (0-based, county-list order), ``i % 3`` open items are made
  overdue (status 整改中, a dated deadline 10+ days before the as-of date);
* in every third township one exited household is made to live in a dangerous house
  (the generator's own ``HH-EXITED-DANGER-HOUSE`` injector), a "两不愁三保障" gap.

:class:`TownshipBook` keeps the ground truth: the items as written, the number of
households, and which of them are overdue; tests compare the summary with it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.samples import content, ledgers
from tests.samples.generator import Sample, finish
from tests.samples.injectors import InjectContext, Injection, NoTarget, inject
from tests.samples.people import AS_OF, TOWNSHIPS, build_county

DONE = ("已完成", "已销号")


@dataclass
class TownshipBook:
    """One township's workbook and what is known to be in it."""

    path: Path
    township: str
    items: list[dict[str, Any]]
    households: int
    overdue: int
    injections: list[Injection] = field(default_factory=list)

    def count(self, *statuses: str) -> int:
        return sum(1 for it in self.items if it["status"] in statuses)


def _make_overdue(item: dict[str, Any], as_of: dt.date, days: int) -> None:
    """Turn an item into an open one whose dated deadline passed ``days`` days ago."""
    deadline = as_of - dt.timedelta(days=days)
    for key in ("done_date", "evidence", "verifier", "closed", "closed_date", "remark"):
        item.pop(key, None)
    item.update(
        status="整改中",
        deadline=deadline,
        rectify_type="限期整改",
        found_date=deadline - dt.timedelta(days=40),
        progress_text="正在推进，已完成50%",
    )


def write_township_books(
    folder: Path,
    *,
    households_per_township: int = 6,
    problems_per_township: int = 5,
    seed: int = 3,
    as_of: dt.date = AS_OF,
) -> list[TownshipBook]:
    """Write ``<township>台账.xlsx`` for each of the 17 townships into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    county = build_county(rng, households_per_township * len(TOWNSHIPS), villages_per_township=2, as_of=as_of)
    books = []
    for i, town in enumerate(county.townships):
        items = content.problem_items(county, problems_per_township, rng, as_of=as_of, townships=[town])
        for k in range(i % 3):
            _make_overdue(items[k], as_of, days=10 + i + k)
        common = {"messy": True, "as_of": as_of, "people": town.cadres, "reporter": f"{town.name}人民政府"}
        mode = rng.choice(("households", "merged", "repeated"))
        roster = ledgers.roster_plan(town.name, town.households, rng, mode=mode, **common)
        sheets = [ledgers.problems_plan("问题整改台账", items, rng, **common), roster]
        planned = []
        if i % 3 == 0:
            with contextlib.suppress(NoTarget):  # a roster without the housing columns cannot take it
                planned.append(inject(InjectContext([roster], rng, as_of), "HH-EXITED-DANGER-HOUSE", ("households",)))
        sample: Sample = finish(folder / f"{town.name}台账.xlsx", sheets, planned)
        books.append(TownshipBook(sample.path, town.name, items, len(town.households), i % 3, sample.injections))
    return books
