"""The one-vote veto candidates of a month, from the "六个一" chain (domain §4.2 step 3).

The trigger ("一个'一'出问题") is the chain's own: :func:`addin.chain.stats.veto_candidates`
(an open problem from a higher-level check, K01–K06 by default, or one marked 重大;
settings ``chain.veto``). This module only applies it to the month and turns the
candidates into :class:`~addin.summary.ranking.Veto` values keyed by ranked unit:

* the items are read as the ledger stood at the evaluation date: a problem found
  after it does not count, and one completed after it was still open then;
* with ``veto_scope = "month"`` (the default) only problems found in the month
  count — "a problem belongs to the period of its found date" (step 1); an older
  one still open keeps costing points as overdue. ``"open"`` counts every problem
  still open at the evaluation date;
* a unit with several candidates is vetoed once, for its lowest-numbered "一"
  (then the earliest item), and the reason says how many items there are.

Owners play no part in the trigger, so no roster is needed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from addin.chain.roster import Roster
from addin.chain.stats import Item, VetoCandidate, problem_items, veto_candidates
from addin.chain.yimap import load_yi_map
from addin.ledger.reader import WorkbookLedgers
from addin.settings import Settings
from addin.summary.facts import StatusClass, problem_facts
from addin.summary.month import Month
from addin.summary.ranking import Veto
from addin.summary.ranking_settings import DEPARTMENT, TOWNSHIP, RankingConfig


def _as_of(
    items: Sequence[Item], done_dates: dict[tuple[str, str, int], dt.date], at: dt.date, since: dt.date | None
) -> list[Item]:
    """The items as they stood at ``at``: found by then (and since ``since``), re-opened when completed after it."""
    out = []
    for item in items:
        if item.found_date is not None and item.found_date > at:
            continue
        if since is not None and (item.found_date is None or item.found_date < since):
            continue
        done = done_dates.get((item.file, item.sheet, item.row))
        if item.status == StatusClass.DONE and done is not None and done > at:
            item = dataclasses.replace(item, status=StatusClass.IN_PROGRESS.value)
        out.append(item)
    return out


def _done_dates(facts: pd.DataFrame) -> dict[tuple[str, str, int], dt.date]:
    dated = facts[facts["done_date"].notna()]
    return {
        (f, s, int(r)): pd.Timestamp(d).date()
        for f, s, r, d in zip(dated["file"], dated["sheet"], dated["row"], dated["done_date"], strict=True)
    }


def _veto(candidates: Sequence[VetoCandidate]) -> Veto:
    first = min(candidates, key=lambda c: (c.yi == 0, c.yi, c.found_date or dt.date.max, c.file, c.row))
    more = f"（该单位共 {len(candidates)} 项）" if len(candidates) > 1 else ""
    where = f"{Path(first.file).name} 工作表“{first.sheet}”第{first.row}行"
    return Veto(yi=first.yi, reason=first.reason + more, item=f"{first.item}（{where}）")


def chain_vetoes(
    books: Sequence[WorkbookLedgers],
    *,
    month: Month,
    at: dt.date,
    settings: Settings,
    config: RankingConfig,
    facts: pd.DataFrame | None = None,
) -> dict[str, Veto]:
    """Unit → veto for every ranked unit the chain names as a veto candidate at the evaluation date ``at``.

    ``facts`` are :func:`problem_facts` of the books at ``at`` when the caller has them already.
    """
    yimap = load_yi_map(settings)
    since = month.first_day if config.veto_scope == "month" else None
    facts = problem_facts(books, today=at, settings=settings) if facts is None else facts
    items = problem_items(books, Roster(), yimap, today=at, settings=settings, facts=facts)
    items = _as_of(items, _done_dates(facts), at, since)
    by_unit: dict[str, list[VetoCandidate]] = {}
    for candidate in veto_candidates(items, yimap):
        unit = config.unit(candidate.unit)
        wanted = TOWNSHIP if candidate.unit_type == "乡镇" else DEPARTMENT
        if unit is not None and unit.unit_type == wanted:
            by_unit.setdefault(unit.name, []).append(candidate)
    return {name: _veto(found) for name, found in by_unit.items()}
