"""Annual outputs from the published months (domain §4.2 step 8, S-9 and S-10 of §4.1).

* the annual ranking: per unit type, by the mean of the unit's monthly ranks in the
  year (fewer is better; ties by the sum of monthly scores, higher first, then by
  name) — the county may instead rank by the sum of scores (``ranking.annual_mode``);
* S-10: units in the annual top 3 in two or three consecutive years ending with this
  one (reserve candidates for county-level posts — the add-in only lists them);
* S-9: the county leaders (包乡县领导 of a township, 分管县领导 of a department, from
  the roster) whose unit had a one-vote veto or a bottom-3 month in the year: their
  appraisal "may not be 优秀 or 称职" — again only a list for the county to decide on.

Everything is computed from :class:`~addin.summary.history.HistoryRow` rows, so a
re-published month changes the annual figures consistently.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from addin.chain.roster import Roster
from addin.summary.history import HistoryRow
from addin.summary.ranking_settings import TOWNSHIP

MODES = ("mean_rank", "score_sum")


@dataclass(frozen=True)
class AnnualResult:
    """One unit's year: its annual rank and what it came from."""

    year: int
    unit: str
    unit_type: str
    rank: int
    months: int  # published months the unit was ranked in
    mean_rank: float
    score_sum: float
    vetoes: tuple[str, ...]  # months with a one-vote veto ("2024-05")
    bottom: tuple[str, ...]  # months in the bottom 3


@dataclass(frozen=True)
class LeaderNote:
    """S-9: a county leader whose township or unit had a veto or a bottom-3 month in the year."""

    leader: str
    unit: str
    unit_type: str
    reasons: tuple[str, ...]


@dataclass
class AnnualReport:
    year: int
    results: list[AnnualResult] = field(default_factory=list)
    consecutive_top3: list[tuple[str, str, tuple[int, ...]]] = field(default_factory=list)  # unit, type, years
    leaders: list[LeaderNote] = field(default_factory=list)
    unnamed: list[str] = field(default_factory=list)  # units with a veto/bottom month whose leader is not in the roster


def _year_results(rows: Sequence[HistoryRow], year: int, mode: str) -> list[AnnualResult]:
    by_unit: dict[tuple[str, str], list[HistoryRow]] = defaultdict(list)
    for r in rows:
        if r.month.startswith(f"{year:04d}-"):
            by_unit[(r.unit_type, r.unit)].append(r)
    draft = []
    for (unit_type, unit), mine in by_unit.items():
        draft.append(
            (
                unit_type,
                unit,
                len(mine),
                statistics.fmean(r.rank for r in mine),
                sum(r.score for r in mine),
                tuple(r.month for r in mine if r.vetoed),
                tuple(r.month for r in mine if r.in_bottom),
            )
        )
    results = []
    for unit_type in sorted({d[0] for d in draft}):
        peers = [d for d in draft if d[0] == unit_type]
        if mode == "score_sum":
            peers.sort(key=lambda d: (-d[4], d[3], d[1]))
        else:
            peers.sort(key=lambda d: (d[3], -d[4], d[1]))
        for n, d in enumerate(peers, start=1):
            results.append(AnnualResult(year, d[1], unit_type, n, d[2], round(d[3], 2), round(d[4], 1), d[5], d[6]))
    return results


def _consecutive_top3(rows: Sequence[HistoryRow], year: int, mode: str) -> list[tuple[str, str, tuple[int, ...]]]:
    """Units in the annual top 3 this year and the year before (and the one before that, when so)."""
    years = sorted({int(r.month[:4]) for r in rows})
    top = {y: {(a.unit_type, a.unit) for a in _year_results(rows, y, mode) if a.rank <= 3} for y in years}
    out = []
    for key in sorted(top.get(year, set())):
        run = [year]
        while run[-1] - 1 in top and key in top[run[-1] - 1] and len(run) < 3:
            run.append(run[-1] - 1)
        if len(run) >= 2:
            out.append((key[1], key[0], tuple(sorted(run))))
    return out


def _leaders(results: Sequence[AnnualResult], roster: Roster) -> tuple[list[LeaderNote], list[str]]:
    notes, unnamed = [], []
    for a in results:
        reasons = [f"{m} 一票否决" for m in a.vetoes] + [f"{m} 后三名" for m in a.bottom if m not in a.vetoes]
        if not reasons:
            continue
        owner = roster.township(a.unit) if a.unit_type == TOWNSHIP else roster.department(a.unit)
        leader = getattr(owner, "county_leader", None) if owner is not None else None
        if leader:
            notes.append(LeaderNote(leader, a.unit, a.unit_type, tuple(sorted(reasons))))
        else:
            unnamed.append(a.unit)
    return notes, unnamed


def annual_report(rows: Sequence[HistoryRow], year: int, *, roster: Roster, mode: str = "mean_rank") -> AnnualReport:
    """The annual ranking, the S-10 list and the S-9 list for ``year`` from the published months."""
    if mode not in MODES:
        raise ValueError(f"annual mode {mode!r}")
    results = _year_results(rows, year, mode)
    leaders, unnamed = _leaders(results, roster)
    return AnnualReport(year, results, _consecutive_top3(rows, year, mode), leaders, unnamed)


def report_sheets(report: AnnualReport) -> list[tuple[str, list[str], list[list[object]]]]:
    """(sheet name, header, rows) of the annual workbook, in Chinese."""
    ranking = [
        [a.unit_type, a.rank, a.unit, a.months, a.mean_rank, a.score_sum, "、".join(a.vetoes), "、".join(a.bottom)]
        for a in report.results
    ]
    top3 = [[unit, unit_type, "、".join(f"{y}年" for y in years)] for unit, unit_type, years in report.consecutive_top3]
    leaders = [[n.leader, n.unit, n.unit_type, "；".join(n.reasons)] for n in report.leaders]
    leaders += [["（花名册中没有此单位的县级领导）", unit, "", ""] for unit in report.unnamed]
    return [
        (
            f"{report.year}年度排名",
            ["单位类型", "年度名次", "单位", "排名月数", "月平均名次", "月得分合计", "一票否决月份", "后三名月份"],
            ranking,
        ),
        ("连续前三名", ["单位", "单位类型", "年度前三名的年份"], top3),
        (
            "县级领导提示",
            ["县级领导", "所包乡镇/分管单位", "单位类型", "原因（年度考核不得评为优秀、称职的参考）"],
            leaders,
        ),
    ]
