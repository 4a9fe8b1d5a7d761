"""Injectors for the projects, housing, water and monitoring ledgers (templates/rules/{projects,housing,water,
monitoring}.json): one cell of one row, typed the way county staff get it wrong.

They only find rows on the sheets of :mod:`tests.samples.newkinds` (the county workbook has none of these
kinds), so ``RULES`` lists them for that sample and the county workbook leaves them out. Rules skipped: the ones
that need a county setting (``*-UNSET``, PJ-NONPOOR-VILLAGE-FUND, HS-ASSESSOR-UNQUALIFIED, HS-AREA-OUT-OF-RANGE,
MO-NO-MONITORING-LINE), the ones that compare with a household or member ledger the workbook does not hold
(HS-EXITED-IN-DANGER, MO-ILLNESS-NO-PATIENT, MO-JOB-RISK-*, MO-ABLE-ONLY-SOCIAL, PJ-POOR-BENEFIT-OVER-ROSTER),
PJ-NO-PERF-COLUMN (a whole sheet without the column) and PJ-NO-LOCATION (the township column is merged down).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from tests.samples.injectors import InjectContext, NoTarget, Planned, injector
from tests.samples.layout import Record

RULES: list[str] = []


def _register(rule: str) -> Callable[[Callable[[InjectContext], Planned]], Callable[[InjectContext], Planned]]:
    RULES.append(rule)
    return injector(rule)


def _change(
    ctx: InjectContext,
    rule: str,
    kind: str,
    key: str,
    new: Callable[[Record], Any],
    where: Callable[[Record], bool] | None = None,
    *,
    raw: bool = False,
) -> Planned:
    """Pick an unused row of ``kind`` whose ``key`` is filled (and ``where`` holds) and change that cell.

    ``raw`` writes the new value as typed (a blank, a text) instead of through the sheet's style."""
    if not any(kind in p.kinds for p in ctx.plans):
        raise NoTarget(f"{rule}: no {kind} sheet")
    options = ctx.targets(((kind, key),), None if where is None else lambda p, r, k: where(r))
    plan, rec, key = ctx.choose(options, rule)
    value = new(rec)
    if raw:
        rec.raw[key] = value
    else:
        rec.values[key] = value
    return Planned(rule, plan, rec, key, taint=[rec])


# ---------------------------------------------------------------- projects
@_register("PJ-MISSING-ELEMENT")
def pj_missing_element(ctx: InjectContext) -> Planned:
    """项目主管单位 left blank: nobody answers for the money."""
    return _change(ctx, "PJ-MISSING-ELEMENT", "projects", "owner_unit", lambda r: None, raw=True)


@_register("PJ-NO-PERF-TARGET")
def pj_no_perf_target(ctx: InjectContext) -> Planned:
    """No 绩效目标 on one project."""
    return _change(ctx, "PJ-NO-PERF-TARGET", "projects", "perf_target", lambda r: None, raw=True)


@_register("PJ-FUND-SOURCES-MISMATCH")
def pj_sources(ctx: InjectContext) -> Planned:
    """资金规模 retyped after a source changed: the sources no longer add up."""
    planned = _change(ctx, "PJ-FUND-SOURCES-MISMATCH", "projects", "fund_total", lambda r: r.values["fund_total"])
    rec = planned.record
    assert rec is not None
    rec.values["fund_total"] = round(rec.values["fund_total"] + 20, 2)
    if rec.values.get("paid") == rec.values["fund_total"] - 20:
        rec.values["paid"] = rec.values["fund_total"]
    return planned


@_register("PJ-PAID-OVER-FUND")
def pj_paid_over(ctx: InjectContext) -> Planned:
    """More paid out than the project's funds (a 元 figure typed in 万元)."""
    return _change(
        ctx, "PJ-PAID-OVER-FUND", "projects", "paid", lambda r: round(r.values["fund_total"] + 35.5, 2)
    )  # fmt: skip


@_register("PJ-FINISH-BEFORE-START")
def pj_finish_before_start(ctx: InjectContext) -> Planned:
    """竣工 a year before 开工: the year typed wrong."""
    return _change(
        ctx, "PJ-FINISH-BEFORE-START", "projects", "act_end",
        lambda r: r.values["act_start"] - dt.timedelta(days=30), lambda r: bool(r.values.get("accept_date")),
    )  # fmt: skip


@_register("PJ-ACCEPT-BEFORE-FINISH")
def pj_accept_before_finish(ctx: InjectContext) -> Planned:
    """验收 dated before 竣工: the acceptance was backdated."""
    return _change(
        ctx, "PJ-ACCEPT-BEFORE-FINISH", "projects", "accept_date",
        lambda r: r.values["act_end"] - dt.timedelta(days=12),
    )  # fmt: skip


@_register("PJ-POOR-HH-EXCEEDS")
def pj_poor_hh(ctx: InjectContext) -> Planned:
    """受益脱贫户 more than 受益户 (the two columns swapped)."""
    return _change(
        ctx, "PJ-POOR-HH-EXCEEDS", "projects", "poor_benefit", lambda r: r.values["hh_benefit"] + 3
    )  # fmt: skip


@_register("PJ-POOR-PEOPLE-EXCEEDS")
def pj_poor_people(ctx: InjectContext) -> Planned:
    """受益脱贫人口 more than 受益人口."""
    return _change(
        ctx, "PJ-POOR-PEOPLE-EXCEEDS", "projects", "poor_people", lambda r: r.values["people_benefit"] + 15
    )  # fmt: skip


@_register("PJ-INDUSTRY-NO-POOR")
def pj_industry_no_poor(ctx: InjectContext) -> Planned:
    """An industry project that lifts no poor household (受益脱贫户 0)."""
    return _change(
        ctx, "PJ-INDUSTRY-NO-POOR", "projects", "poor_benefit", lambda r: 0,
        lambda r: r.values.get("proj_cat") == "产业发展",
    )  # fmt: skip


@_register("PJ-NOT-PUBLICIZED")
def pj_not_publicized(ctx: InjectContext) -> Planned:
    """公示情况 “未公示” and no 公示时间."""
    planned = _change(ctx, "PJ-NOT-PUBLICIZED", "projects", "publicity", lambda r: "未公示", raw=True)
    assert planned.record is not None
    planned.record.values["publicity_date"] = None
    return planned


@_register("PJ-NOT-FILED")
def pj_not_filed(ctx: InjectContext) -> Planned:
    """An accepted project whose 验收台账 went to the 指挥部 only."""
    return _change(ctx, "PJ-NOT-FILED", "projects", "filing", lambda r: "已报县指挥部办公室", raw=True)


@_register("PJ-NOT-ACCEPTED")
def pj_not_accepted(ctx: InjectContext) -> Planned:
    """Finished months ago and still not accepted (the 验收时间 blank)."""
    planned = _change(
        ctx, "PJ-NOT-ACCEPTED", "projects", "act_end", lambda r: r.values["act_end"],
        lambda r: bool(r.values.get("accept_date")),
    )  # fmt: skip
    assert planned.record is not None
    planned.record.values["accept_date"] = None
    planned.record.values["filing"] = None
    return planned


@_register("PJ-PAID-BEFORE-START")
def pj_paid_before_start(ctx: InjectContext) -> Planned:
    """Money paid out for a project that has not started (no 开工时间)."""
    planned = _change(
        ctx, "PJ-PAID-BEFORE-START", "projects", "paid", lambda r: r.values["paid"],
        lambda r: not r.values.get("act_end"),
    )  # fmt: skip
    assert planned.record is not None
    planned.record.values["act_start"] = None
    return planned


# ---------------------------------------------------------------- housing
def _accepted(r: Record) -> bool:
    return bool(r.values.get("accept_date"))


@_register("HS-KEY-GROUP-NOT-RENOVATED")
def hs_not_renovated(ctx: InjectContext) -> Planned:
    """A 脱贫户's C-grade house still under work: not yet accepted."""
    planned = _change(
        ctx, "HS-KEY-GROUP-NOT-RENOVATED", "housing", "grade", lambda r: "C", lambda r: r.values.get("grade") == "C"
    )  # fmt: skip
    assert planned.record is not None
    v = planned.record.values
    v["finish_date"] = v["accept_date"] = v["paid"] = None
    return planned


@_register("HS-AB-GRADE-SUBSIDISED")
def hs_ab_grade(ctx: InjectContext) -> Planned:
    """A B-grade (basically safe) house that got the 危改 subsidy."""
    planned = _change(ctx, "HS-AB-GRADE-SUBSIDISED", "housing", "subsidy", lambda r: r.values["subsidy"])
    assert planned.record is not None
    planned.record.raw["grade"] = "B"
    return planned


@_register("HS-ASSESSOR-MISSING")
def hs_assessor_missing(ctx: InjectContext) -> Planned:
    """鉴定机构 blank."""
    return _change(ctx, "HS-ASSESSOR-MISSING", "housing", "assessor", lambda r: None, raw=True)


@_register("HS-KITCHEN-NOT-RENOVATED")
def hs_kitchen(ctx: InjectContext) -> Planned:
    """Only the main house renovated, the kitchen left as it was."""
    return _change(ctx, "HS-KITCHEN-NOT-RENOVATED", "housing", "scope", lambda r: "主房、屋面、承重墙", raw=True)


@_register("HS-SURFACE-ONLY")
def hs_surface(ctx: InjectContext) -> Planned:
    """A C-grade house whose “renovation” was new windows and a coat of paint."""
    return _change(
        ctx, "HS-SURFACE-ONLY", "housing", "scope", lambda r: "外墙粉刷、门窗",
        lambda r: r.values.get("method") == "修缮加固",
    )  # fmt: skip


@_register("HS-D-GRADE-ONLY-REPAIRED")
def hs_d_repaired(ctx: InjectContext) -> Planned:
    """A D-grade house only repaired instead of rebuilt."""
    planned = _change(
        ctx, "HS-D-GRADE-ONLY-REPAIRED", "housing", "method", lambda r: "修缮加固", lambda r: r.values["grade"] == "D"
    )  # fmt: skip
    assert planned.record is not None
    planned.record.values["demolished"] = None
    planned.record.values["scope"] = "主房、厨房、承重墙"
    return planned


@_register("HS-OLD-HOUSE-NOT-DEMOLISHED")
def hs_not_demolished(ctx: InjectContext) -> Planned:
    """Rebuilt, and the old dangerous house still standing."""
    return _change(
        ctx, "HS-OLD-HOUSE-NOT-DEMOLISHED", "housing", "demolished", lambda r: False,
        lambda r: r.values.get("demolished") is True,
    )  # fmt: skip


@_register("HS-WORK-BEFORE-ASSESSMENT")
def hs_work_before(ctx: InjectContext) -> Planned:
    """开工 before the house was assessed: the assessment was filled in afterwards."""
    return _change(
        ctx, "HS-WORK-BEFORE-ASSESSMENT", "housing", "start_date",
        lambda r: r.values["assess_date"] - dt.timedelta(days=25),
    )  # fmt: skip


@_register("HS-NOT-PUBLICISED")
def hs_not_publicised(ctx: InjectContext) -> Planned:
    """信息公示 “否”."""
    return _change(ctx, "HS-NOT-PUBLICISED", "housing", "publicity", lambda r: "否", raw=True)


@_register("HS-SUBSIDY-NOT-KEY-GROUP")
def hs_not_key_group(ctx: InjectContext) -> Planned:
    """An ordinary household (一般农户) paid the 危改 subsidy."""
    return _change(ctx, "HS-SUBSIDY-NOT-KEY-GROUP", "housing", "target_type", lambda r: "一般农户", raw=True)


@_register("HS-SUBSIDY-NOT-PAID")
def hs_not_paid(ctx: InjectContext) -> Planned:
    """Accepted years ago and only part of the subsidy paid."""
    return _change(
        ctx, "HS-SUBSIDY-NOT-PAID", "housing", "paid", lambda r: r.values["subsidy"] // 2, _accepted
    )  # fmt: skip


# ---------------------------------------------------------------- water
@_register("WT-WATER-SHORT")
def wt_short(ctx: InjectContext) -> Planned:
    """15 litres a day per person in a 丰水地区."""
    return _change(ctx, "WT-WATER-SHORT", "water", "liters", lambda r: 15)


@_register("WT-INCONVENIENT")
def wt_inconvenient(ctx: InjectContext) -> Planned:
    """Forty minutes to fetch water from a well."""
    return _change(ctx, "WT-INCONVENIENT", "water", "fetch_minutes", lambda r: 40)


@_register("WT-SUPPLY-INTERRUPTED")
def wt_interrupted(ctx: InjectContext) -> Planned:
    """Sixty days a year without water (the dry season)."""
    return _change(ctx, "WT-SUPPLY-INTERRUPTED", "water", "stop_days", lambda r: 60)


@_register("WT-QUALITY-BAD")
def wt_quality(ctx: InjectContext) -> Planned:
    """Turbid water after rain."""
    return _change(ctx, "WT-QUALITY-BAD", "water", "quality_desc", lambda r: "雨后浑浊、有异味", raw=True)


@_register("WT-TARGET-OUT-OF-SCOPE")
def wt_out_of_scope(ctx: InjectContext) -> Planned:
    """An ordinary household on the 饮水改造 list."""
    return _change(ctx, "WT-TARGET-OUT-OF-SCOPE", "water", "target_cat", lambda r: "一般农户", raw=True)


# ---------------------------------------------------------------- monitoring
@_register("MO-TYPE-EMPTY")
def mo_type_empty(ctx: InjectContext) -> Planned:
    return _change(ctx, "MO-TYPE-EMPTY", "monitoring", "monitored_type", lambda r: None, raw=True)


@_register("MO-TYPE-INVALID")
def mo_type_invalid(ctx: InjectContext) -> Planned:
    """A category of the township's own making (“低收入户”)."""
    return _change(ctx, "MO-TYPE-INVALID", "monitoring", "monitored_type", lambda r: "低收入户", raw=True)


@_register("MO-TYPE-VS-HH-TYPE")
def mo_type_vs_hh(ctx: InjectContext) -> Planned:
    """A 脱贫户 recorded as 边缘易致贫户 (a category only 一般农户 can have)."""
    planned = _change(ctx, "MO-TYPE-VS-HH-TYPE", "monitoring", "hh_type", lambda r: r.values["hh_type"])
    assert planned.record is not None
    planned.record.values["monitored_type"] = "边缘易致贫户"
    return planned


@_register("MO-REMOVED-NO-DATE")
def mo_removed_no_date(ctx: InjectContext) -> Planned:
    """风险已消除, and no 消除时间."""
    return _change(
        ctx, "MO-REMOVED-NO-DATE", "monitoring", "remove_date", lambda r: None,
        lambda r: r.values.get("risk_removed") is True, raw=True,
    )  # fmt: skip


@_register("MO-REMOVED-BEFORE-IDENTIFIED")
def mo_removed_before(ctx: InjectContext) -> Planned:
    """消除时间 before 识别监测时间."""
    return _change(
        ctx, "MO-REMOVED-BEFORE-IDENTIFIED", "monitoring", "remove_date",
        lambda r: r.values["monitor_date"] - dt.timedelta(days=60),
    )  # fmt: skip


@_register("MO-ILLNESS-NO-EXPENSE")
def mo_illness_no_expense(ctx: InjectContext) -> Planned:
    """因病 and 合规自付支出 0."""
    planned = _change(ctx, "MO-ILLNESS-NO-EXPENSE", "monitoring", "rigid_expense", lambda r: 0)
    assert planned.record is not None
    planned.record.values.update(risk_removed=False, remove_date=None)
    return planned


@_register("MO-HOUSING-RISK-NO-MEASURE")
def mo_housing_risk(ctx: InjectContext) -> Planned:
    """Monitored for an unsafe house, and no 危房改造 or 搬迁 among the measures."""
    planned = _change(
        ctx, "MO-HOUSING-RISK-NO-MEASURE", "monitoring", "measures", lambda r: "产业扶贫、社会帮扶",
        lambda r: r.values.get("risks") not in ("因病",), raw=True,
    )  # fmt: skip
    assert planned.record is not None
    planned.record.values["risks"] = "因安全住房"
    return planned


@_register("MO-ID-WAGE-ODD")
def mo_wage(ctx: InjectContext) -> Planned:
    """识别时工资性收入 “3.5”: 万元 written in a 元 column."""
    return _change(ctx, "MO-ID-WAGE-ODD", "monitoring", "id_wage", lambda r: 3.5)


@_register("MO-MONITOR-DATE-NO-MONTH")
def mo_no_month(ctx: InjectContext) -> Planned:
    """识别监测时间 “2022年” without a month."""
    return _change(
        ctx, "MO-MONITOR-DATE-NO-MONTH", "monitoring", "monitor_date", lambda r: f"{r.values['monitor_date'].year}年",
        lambda r: not r.values.get("risk_removed"), raw=True,
    )  # fmt: skip


@_register("MO-MONITOR-DATE-FUTURE")
def mo_future(ctx: InjectContext) -> Planned:
    """识别监测时间 after the 填报日期 (2025 typed for 2023)."""
    return _change(
        ctx, "MO-MONITOR-DATE-FUTURE", "monitoring", "monitor_date",
        lambda r: ctx.as_of + dt.timedelta(days=ctx.rng.randint(30, 200)),
        lambda r: not r.values.get("risk_removed"),
    )  # fmt: skip
