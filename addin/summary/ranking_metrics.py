"""What each unit loses points for in a month: domain §4.2 step 4, from the problem facts and the findings.

Every count comes from :mod:`addin.summary.facts` (done, overdue, on time — the
rules' own reading) and from the check's findings (rule refs), never from a
second reading of the ledgers. The month is evaluated at its last day, or at the
as-of date when the month is not over yet ("open items are evaluated at the last
day of the period"); an item completed after that day counts as still open then.

Deductions (weights from :class:`~addin.summary.ranking_settings.Weights`):

* 新发现问题 — problems found in the month (not 无需整改): Σ w_severity × w_source, capped;
* 逾期未整改 — items open and overdue at the evaluation date: w × Σ ceil(days / 30), capped;
* 按期完成 — items whose dated deadline fell in the month (up to the evaluation
  date): w × (1 − done on time / due); nothing due = no deduction;
* 已完成无佐证 — problem rows with a ZG-11 or ZG-12 finding (done without 完成时间
  or 佐证材料): w each, capped;
* townships: 户数据质量 — error-level findings of HH-* rules per household, against
  CFG:dq_norm; 帮扶走访 — share of households with a BF-08 finding (no visit for 30 days);
* departments: 资金拨付 — planned minus actual disbursement % of the projects they are
  项目主管单位 of (:mod:`addin.summary.disbursement`); without a project-funds ledger
  0, and the reason says so.

A problem counts for its township (乡镇 column, else the sheet's reporting
township) and for its department (牵头单位/责任单位), in their separate rankings.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np
import pandas as pd

from addin.errors import UsageError
from addin.ledger.definitions import default_catalog
from addin.ledger.reader import WorkbookLedgers
from addin.rules.model import Finding, Severity
from addin.settings import Settings
from addin.summary.disbursement import department_disbursement
from addin.summary.facts import StatusClass, household_facts, open_mask, problem_facts
from addin.summary.month import Month
from addin.summary.places import PlaceIndex
from addin.summary.ranking import ScorePart, UnitMetrics, num
from addin.summary.ranking_settings import DEPARTMENT, TOWNSHIP, UNKNOWN_SEVERITY, RankingConfig

NO_EVIDENCE_REFS = frozenset({"ZG-11", "ZG-12"})
NO_VISIT_REF = "BF-08"
HOUSEHOLD_REF_PREFIX = "HH-"
NO_PROJECTS = "无项目资金台账，资金拨付差距未计"
SEVERITY_ORDER = ("严重", "较重", "一般")


def evaluation_date(month: Month, as_of: dt.date) -> dt.date:
    """The day the month is judged at: its last day, or ``as_of`` while the month is running."""
    if as_of < month.first_day:
        raise UsageError(
            f"{month.label}还没有开始（参照日期 {as_of.isoformat()}），无法排名", remedy="请检查 --month 与 --as-of"
        )
    return min(month.last_day, as_of)


def problem_severities(books: Sequence[WorkbookLedgers]) -> dict[tuple[str, str, int], str]:
    """(file, sheet, row) → 问题等级 where a problems sheet has that column (blank rows are 一般)."""
    out: dict[tuple[str, str, int], str] = {}
    for book in books:
        for table in book.of_kind("problems"):
            if not table.has("severity"):
                continue
            values, empty = table.values("severity"), table.empty("severity")
            for i, row in enumerate(table.rows.tolist()):
                if not empty[i] and values[i]:
                    out[(table.file, table.sheet, int(row))] = str(values[i])
    return out


def unit_metrics(
    books: Sequence[WorkbookLedgers],
    findings: Sequence[Finding],
    *,
    month: Month,
    as_of: dt.date,
    config: RankingConfig,
    settings: Settings | None = None,
    facts: pd.DataFrame | None = None,
) -> tuple[dict[str, UnitMetrics], list[str]]:
    """Each configured unit's deductions for ``month``, and notes about what could not be attributed.

    ``facts`` are :func:`problem_facts` at the month's evaluation date when the caller has them already
    (they are not changed).
    """
    settings = settings or Settings()
    at = evaluation_date(month, as_of)
    facts = problem_facts(books, today=at, settings=settings) if facts is None else facts.copy()
    notes: list[str] = []
    facts["township_unit"] = _units(facts["township"], config, TOWNSHIP, "乡镇", notes)
    facts["department_unit"] = _units(facts["department"], config, DEPARTMENT, "责任部门", notes)
    severities = problem_severities(books)
    facts["severity"] = [
        severities.get((f, s, int(r)), UNKNOWN_SEVERITY)
        for f, s, r in zip(facts["file"], facts["sheet"], facts["row"], strict=True)
    ]
    no_evidence = {(f.file, f.sheet, f.row) for f in findings if f.ref in NO_EVIDENCE_REFS}
    facts["no_evidence"] = [
        (f, s, int(r)) in no_evidence for f, s, r in zip(facts["file"], facts["sheet"], facts["row"], strict=True)
    ]
    overdue_days = _overdue_days_at(facts, at)
    household_parts = _household_parts(books, findings, config)
    disbursement = department_disbursement(books, at=at, config=config, settings=settings)
    notes.extend(disbursement.notes if disbursement is not None else ())
    out: dict[str, UnitMetrics] = {}
    for unit in config.units:
        column = "township_unit" if unit.unit_type == TOWNSHIP else "department_unit"
        mine = facts[column] == unit.name
        metrics = _problem_metrics(facts[mine], overdue_days[mine.to_numpy()], month, at, config)
        if unit.unit_type == TOWNSHIP:
            metrics.parts.extend(household_parts.get(unit.name, _no_households()))
        else:
            metrics.parts.append(
                disbursement.part(unit.name)
                if disbursement is not None
                else ScorePart("资金拨付", 0.0, f"：{NO_PROJECTS}", counted=False)
            )
        out[unit.name] = metrics
    return out, notes


def _units(names: pd.Series, config: RankingConfig, unit_type: str, what: str, notes: list[str]) -> list[str]:
    """The configured unit each name stands for ("" when none); unlisted names are noted once each."""
    out: list[str] = []
    unknown: Counter[str] = Counter()
    cache: dict[str, str] = {}
    for name in names.tolist():
        if name not in cache:
            unit = config.unit(name) if name else None
            cache[name] = unit.name if unit is not None and unit.unit_type == unit_type else ""
        if name and not cache[name]:
            unknown[name] += 1
        out.append(cache[name])
    for name, n in unknown.most_common():
        notes.append(f"{n} 个问题的{what}“{name}”不在{unit_type}排名名单中，未计入排名")
    return out


def _overdue_days_at(facts: pd.DataFrame, at: dt.date) -> np.ndarray:
    """Days overdue at the evaluation date: PR-OVERDUE's for open items; for items completed after
    that day, the days from the deadline to it (they were still open then)."""
    days = facts["days_overdue"].to_numpy(dtype=float) * facts["overdue"].to_numpy(dtype=bool)
    done_later = (
        (facts["status_class"] == StatusClass.DONE)
        & (pd.to_datetime(facts["done_date"]) > pd.Timestamp(at))
        & (pd.to_datetime(facts["deadline"]) < pd.Timestamp(at))
    ).to_numpy()
    if done_later.any():
        late = (pd.Timestamp(at) - pd.to_datetime(facts["deadline"])).dt.days.to_numpy(dtype=float)
        days = np.where(done_later, late, days)
    return days


def _problem_metrics(
    mine: pd.DataFrame, overdue_days: np.ndarray, month: Month, at: dt.date, config: RankingConfig
) -> UnitMetrics:
    w = config.weights
    metrics = UnitMetrics()
    found = pd.to_datetime(mine["found_date"])
    new = mine[(found >= pd.Timestamp(month.first_day)) & (found <= pd.Timestamp(at))]
    new = new[new["status_class"] != StatusClass.VOID]
    weighted = sum(
        w.severity_weight(sev) * w.source_weight(src)
        for sev, src in zip(new["severity"], new["source_code"], strict=True)
    )
    by_severity = Counter(new["severity"])
    metrics.severe = int(by_severity.get("严重", 0))
    graded = set(by_severity) - {UNKNOWN_SEVERITY}
    detail = "、".join(f"{k}{by_severity[k]}个" for k in SEVERITY_ORDER if k in by_severity) if graded else ""
    metrics.parts.append(
        ScorePart(
            "新发现问题",
            min(w.new_problems_cap, weighted),
            f" {len(new)} 个{f'（{detail}）' if detail else ''}，按严重程度×来源加权 {num(weighted)}"
            + (f"，超过上限按 {num(w.new_problems_cap)} 计" if weighted > w.new_problems_cap else ""),
        )
    )
    late = overdue_days > 0
    months_late = int(sum(math.ceil(d / 30) for d in overdue_days[late]))
    metrics.overdue = int(late.sum())
    points = w.overdue_per_month * months_late
    metrics.parts.append(
        ScorePart(
            "逾期未整改",
            min(w.overdue_cap, points),
            f" {metrics.overdue} 项，合计逾期 {months_late} 个30天"
            + (f"，超过上限按 {num(w.overdue_cap)} 计" if points > w.overdue_cap else ""),
        )
    )
    deadline = pd.to_datetime(mine["deadline"])
    due = mine[
        (deadline >= pd.Timestamp(month.first_day))
        & (deadline <= pd.Timestamp(at))
        & (mine["status_class"] != StatusClass.VOID)
    ]
    if len(due):
        on_time = int(due["done_on_time"].sum())
        metrics.completion_rate = on_time / len(due)
        metrics.parts.append(
            ScorePart(
                "按期完成",
                w.completion * (1 - metrics.completion_rate),
                f"：本月到期 {len(due)} 项，按期完成 {on_time} 项（{metrics.completion_rate:.0%}）",
            )
        )
    else:
        metrics.parts.append(ScorePart("按期完成", 0.0, "：本月没有到期事项"))
    n_bad = int(mine["no_evidence"].sum())
    points = w.no_evidence_each * n_bad
    metrics.parts.append(
        ScorePart(
            "已完成无完成时间或佐证",
            min(w.no_evidence_cap, points),
            f" {n_bad} 项" + (f"，超过上限按 {num(w.no_evidence_cap)} 计" if points > w.no_evidence_cap else ""),
        )
    )
    if (open_mask(mine) & mine["deadline"].isna()).any():
        metrics.notes.append("部分未完成事项没有可识别的整改时限，无法判断是否逾期")
    return metrics


def _no_households() -> list[ScorePart]:
    return [
        ScorePart("户数据质量", 0.0, "：没有该乡镇的户表数据，未计", counted=False),
        ScorePart("帮扶走访", 0.0, "：没有该乡镇的户表数据，未计", counted=False),
    ]


def _household_parts(
    books: Sequence[WorkbookLedgers], findings: Sequence[Finding], config: RankingConfig
) -> dict[str, list[ScorePart]]:
    """Per township: the data-quality and no-recent-visit deductions from household findings."""
    townships = default_catalog().code_list("townships")
    places = PlaceIndex(books, townships)
    households = household_facts(books, places=places)
    if not len(households):
        return {}
    per_town: Counter[str] = Counter()
    for name in households["township"].tolist():
        unit = config.unit(name) if name else None
        if unit is not None and unit.unit_type == TOWNSHIP:
            per_town[unit.name] += 1
    errors: Counter[str] = Counter()
    unvisited: dict[str, set[str]] = defaultdict(set)
    for f in findings:
        is_error = f.severity is Severity.ERROR and f.ref.startswith(HOUSEHOLD_REF_PREFIX)
        if not is_error and f.ref != NO_VISIT_REF:
            continue
        place = places.of_finding(f)
        unit = config.unit(place.township) if place.township else None
        if unit is None or unit.unit_type != TOWNSHIP:
            continue
        if is_error:
            errors[unit.name] += 1
        if f.ref == NO_VISIT_REF:
            unvisited[unit.name].add(place.household or f"{f.file}:{f.sheet}:{f.row}")
    w = config.weights
    out: dict[str, list[ScorePart]] = {}
    for town, n in per_town.items():
        norm = n * w.dq_norm
        dq = w.data_quality * min(1.0, errors[town] / norm)
        share = min(1.0, len(unvisited[town]) / n)
        out[town] = [
            ScorePart(
                "户数据质量",
                dq,
                f"：{n} 户，户表“错误”级问题 {errors[town]} 个（每户 {errors[town] / n:.2f} 个，"
                f"达到每户 {num(w.dq_norm)} 个扣满 {num(w.data_quality)} 分）",
            ),
            ScorePart(
                "帮扶走访",
                w.no_visit * share,
                f"：超过30天无入户帮扶 {len(unvisited[town])} 户，占 {share:.0%}",
            ),
        ]
    return out
