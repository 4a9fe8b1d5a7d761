"""Injectors for the household-roster rules (templates/rules/households.json).

Every generated household is a 脱贫户 (已脱贫（享受政策）) whose incomes add up, whose
exit procedure ran in order and whose measures fit its causes. An injector here
changes one household the way a township clerk would get it wrong, keeping the rest
of the row consistent (when an income figure changes, the totals computed from it
change too, as they would in a sheet with formulas), so that only the rule at hand
fires on the row where possible.

Some rules read columns the roster generator never writes (家庭总收入, 上年/前年人均纯收入,
合规自付支出, 耕地/有效灌溉/林地面积, 户类型). Their injectors first add the column to the
chosen sheet, filled with clean values for every household on it (incomes rising
year on year, small self-paid expenses, irrigated land within farmland, a few 监测户
among the 脱贫户), then falsify one row.

HH-CAUSE-HOMOGENEOUS needs a village of at least 10 households on one sheet and
RISK-MONITOR-SHARE a sheet of at least 20 households (the rules' ``min_village_hh`` and
``min_rows``): counties of fewer than about 340 households have neither (NoTarget).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from addin.ledger.definitions import default_catalog
from tests.samples.injectors import InjectContext, Injection, NoTarget, Planned, injector
from tests.samples.layout import Col, Record, SheetPlan, WrittenSheet

HH = "households"
TRANSFER_PARTS = ("tr_family_planning", "tr_dibao", "tr_tekun", "tr_pension", "tr_eco", "tr_other")
CAPITAL_OR_SKILLS = ("缺技术", "缺资金")
GENERAL_CAUSES = ("缺技术", "缺资金", "因灾", "缺土地", "缺水", "交通条件落后", "自身发展动力不足")
CAUSE_MEASURES = {  # HH-23's cause_measure_map (templates/rules/households.json)
    "因病": ("M05", "M10"),
    "因残": ("M10", "M02", "M05"),
    "因学": ("M04",),
    "因灾": ("M08", "M01", "M10"),
    "缺土地": ("M01", "M02", "M07"),
    "缺水": ("M09", "M12"),
    "缺劳力": ("M10", "M02", "M01"),
    "交通条件落后": ("M12", "M07"),
    "自身发展动力不足": ("M13", "M02", "M03"),
}
MEASURE_ITEMS = {  # a typical item of each measure category, as a clerk writes it
    "M01": ("产业扶贫", "光伏扶贫", "到户增收项目"),
    "M02": ("转移就业", "公益岗位"),
    "M03": ("农村实用技术培训", "雨露计划短期技能培训"),
    "M04": ("教育资助",),
    "M05": ("家庭医生签约", "慢病卡"),
    "M06": ("扶贫小额信贷",),
    "M08": ("危房改造",),
    "M09": ("自来水入户",),
    "M11": ("生态护林员",),
    "M12": ("道路硬化",),
    "M13": ("扶志扶智",),
}
POOR_ATTR = {"一般": "一般贫困户", "低保": "低保贫困户", "特困供养": "特困供养贫困户"}
POVERTY_LINE = {2014: 2800, 2015: 2855, 2016: 3026, 2017: 3335, 2018: 3535, 2019: 3747, 2020: 4000}  # HH-29
MONITORING_LINE = 8050  # RISK-01 as of 2024 (the 2023 value)


# ---------------------------------------------------------------- picking households
def _keys(plan: SheetPlan) -> set[str]:
    return {c.key for c in plan.cols}


def _n(value: Any) -> float:
    return 0 if value is None or value == "" else value


def _year(value: Any) -> int:
    return int(str(value).removesuffix("年"))


def _attr(rec: Record) -> str:
    """一般 / 低保 / 特困供养 (the household model's base attribute)."""
    return rec.ref.attr_base


def _others(ctx: InjectContext) -> set[int]:
    """Households other sheets refer to (a borrower's, a relocated head's): their status must stay."""
    out = set()
    for plan in ctx.plans:
        if plan.kinds[0] in ("loans", "relocation"):
            for rec in plan.records:
                if isinstance(rec.ref, dict) and rec.ref.get("_hh") is not None:
                    out.add(id(rec.ref["_hh"]))
    return out


def households(
    ctx: InjectContext, need: Iterable[str] = (), where: Callable[[SheetPlan, Record], bool] | None = None
) -> list[tuple[SheetPlan, Record]]:
    """Unused household records of sheets having the ``need`` columns, nobody else's row touched.

    When no sheet has them all, the missing columns are added to a sheet that can take them
    (see :data:`ADDABLE`): a roster with 危房等级, 转移性收入 parts or the exit procedure.
    """
    need = list(need)
    protected = _others(ctx)
    found: list[tuple[SheetPlan, Record]] = []
    lacking: dict[int, tuple[SheetPlan, list[tuple[SheetPlan, Record]]]] = {}
    keys = {id(plan): _keys(plan) for plan in ctx.plans}
    for plan, rec in ctx.records(HH):
        if rec.rid in ctx.used or rec.raw or id(rec.ref) in protected:
            continue
        if any(m.rid in ctx.used or m.raw for m in rec.members):
            continue
        missing = [k for k in need if k not in keys[id(plan)]]
        if any(k not in ADDABLE for k in missing) or not (where is None or where(plan, rec)):
            continue
        if missing:
            lacking.setdefault(id(plan), (plan, []))[1].append((plan, rec))
        else:
            found.append((plan, rec))
    if found or not lacking:
        return found
    plans = sorted(lacking.values(), key=lambda o: (o[0].roster is not None, -len(o[1])))
    plan, options = plans[0]
    ensure_cols(plan, need)
    return options


def pick(ctx: InjectContext, rule: str, options: Sequence[tuple[SheetPlan, Record]]) -> tuple[SheetPlan, Record]:
    if not options:
        raise NoTarget(f"{rule}: no suitable household")
    plan, rec = options[ctx.rng.randrange(len(options))]
    ctx.used.add(rec.rid)
    return plan, rec


def visits_of(ctx: InjectContext, recs: Iterable[Record]) -> list[Record]:
    """Rows of the visit log about these households (they name the roster's helper and 识别年度)."""
    ids = {id(r.ref) for r in recs}
    return [
        r
        for plan in ctx.plans
        if plan.kinds[0] == "visits"
        for r in plan.records
        if isinstance(r.ref, dict) and id(r.ref.get("_hh")) in ids
    ]


# ---------------------------------------------------------------- incomes
def settle(rec: Record, transfer: float | None = None) -> None:
    """Recompute 转移性收入 (unless given), 家庭总收入, 家庭纯收入 and 人均纯收入 from the parts."""
    v = rec.values
    before = v["inc_pc"]
    v["inc_transfer"] = sum(_n(v.get(k)) for k in TRANSFER_PARTS) if transfer is None else transfer
    v["inc_total"] = _n(v.get("inc_wage")) + _n(v.get("inc_business")) + _n(v.get("inc_property")) + v["inc_transfer"]
    v["inc_net"] = v["inc_total"] - _n(v.get("exp_business"))
    v["inc_pc"] = round(v["inc_net"] / v["hh_size"], 2)
    for key in ("prev_inc_pc", "prev2_inc_pc"):  # the sheet has the history columns: keep the trend
        if isinstance(v.get(key), float) and before > 0:
            v[key] = round(v[key] * v["inc_pc"] / before, 2)


def business_for(rec: Record, pc: float) -> int | None:
    """The 生产经营性收入 (its expense a fifth of it) giving about ``pc`` per head; None when impossible."""
    v = rec.values
    rest = _n(v.get("inc_wage")) + _n(v.get("inc_property")) + _n(v.get("inc_transfer"))
    business = round((pc * v["hh_size"] - rest) / 0.8, -1)
    return int(business) if business >= 600 else None


def set_business(rec: Record, business: int) -> None:
    rec.values["inc_business"] = business
    rec.values["exp_business"] = round(business * 0.2)
    settle(rec)


# ---------------------------------------------------------------- columns the generator does not write
def insert_col(plan: SheetPlan, col: Col, *, before: str | None = None, after: str | None = None) -> None:
    keys = [c.key for c in plan.cols]
    at = keys.index(before) if before else keys.index(after) + 1 if after else len(keys)
    plan.cols.insert(at, col)


def _like(plan: SheetPlan, key: str) -> Col:
    return next(c for c in plan.cols if c.key == key)


def _money_header(label: str, like: Col) -> str:
    return label if like.group or like.top else f"{label}（元）"


ADDABLE: dict[str, tuple[str, str, str, str | None]] = {
    # key: (header, kind, the column it follows or precedes, the column whose group headers it shares)
    "other_causes": ("其他致贫原因", "text", "after:main_cause", None),
    "tr_family_planning": ("计划生育金", "money", "before:inc_net", "inc_net"),
    "tr_dibao": ("低保金", "money", "before:inc_net", "inc_net"),
    "tr_tekun": ("特困供养金", "money", "before:inc_net", "inc_net"),
    "tr_pension": ("养老保险金", "money", "before:inc_net", "inc_net"),
    "tr_eco": ("生态补偿金", "money", "before:inc_net", "inc_net"),
    "tr_other": ("其他转移性收入", "money", "before:inc_net", "inc_net"),
    "phone": ("户主联系电话", "text", "after:hh_size", None),  # not “联系电话”: a member column too
    "house_grade": ("危房等级", "text", "after:is_danger_house", "is_danger_house"),
    "bank": ("开户银行", "text", "before:helper", None),
    "bank_acct": ("银行卡号", "id", "before:helper", None),
    "eval_date": ("民主评议时间", "date", "after:handbook", None),
    "publicity_date": ("公示时间", "date", "after:eval_date", None),
    "announce_date": ("公告时间", "date", "after:publicity_date", None),
    "exit_signed": ("脱贫确认书（户签字）", "bool", "after:announce_date", None),
}
"""Roster columns of a 户表 a person-per-row roster lacks, and where they go when a rule needs one.
Every household record holds their values already (``ledgers.household_values``)."""


def ensure_cols(plan: SheetPlan, keys: Iterable[str]) -> None:
    """Add the ADDABLE columns among ``keys`` the sheet lacks, with the members of their group."""
    groups = (TRANSFER_PARTS, ("bank", "bank_acct"), ("eval_date", "publicity_date", "announce_date", "exit_signed"))
    wanted = list(keys)
    for group in groups:
        if any(k in wanted for k in group):
            wanted += list(group)
    for key in ADDABLE:  # in canonical order, so that each anchor exists when needed
        if key not in wanted or key in _keys(plan):
            continue
        header, kind, anchor, group_of = ADDABLE[key]
        where, other = anchor.split(":")
        group, top = (_like(plan, group_of).group, _like(plan, group_of).top) if group_of else (None, None)
        if kind == "money" and not (group or top):
            header += "（元）"
        col = Col(key, header, kind, group=group, top=top, household=True, total=kind == "money")
        if where == "after":
            insert_col(plan, col, after=other)
        else:
            insert_col(plan, col, before=other)


def ensure_inc_total(plan: SheetPlan) -> None:
    """家庭总收入 before 家庭纯收入 (every record already holds the figure)."""
    if "inc_total" in _keys(plan):
        return
    net = _like(plan, "inc_net")
    header = _money_header("家庭总收入", net)
    col = Col("inc_total", header, "money", group=net.group, top=net.top, household=True, total=True)
    insert_col(plan, col, before="inc_net")


def history(rec: Record, ctx: InjectContext) -> None:
    """上年 and 前年 人均纯收入: a household whose income grew 5–14 % a year."""
    prev = rec.values["inc_pc"] * ctx.rng.uniform(0.86, 0.95)
    rec.values["prev_inc_pc"] = round(prev, 2)
    rec.values["prev2_inc_pc"] = round(prev * ctx.rng.uniform(0.86, 0.95), 2)


def ensure_history(plan: SheetPlan, ctx: InjectContext, rigid: bool = False) -> None:
    """上年/前年人均纯收入 (and 合规自付支出) after 人均纯收入, clean for every household of the sheet."""
    pc = _like(plan, "inc_pc")
    if "prev_inc_pc" not in _keys(plan):
        for label, key in (("前年人均纯收入", "prev2_inc_pc"), ("上年人均纯收入", "prev_inc_pc")):
            col = Col(key, _money_header(label, pc), "money", group=pc.group, top=pc.top, household=True)
            insert_col(plan, col, after="inc_pc")
        for rec in plan.records:
            history(rec, ctx)
    if rigid and "rigid_expense" not in _keys(plan):
        header = _money_header("合规自付支出", pc)
        col = Col("rigid_expense", header, "money", group=pc.group, top=pc.top, household=True)
        insert_col(plan, col, after="prev2_inc_pc")
        for rec in plan.records:
            rec.values["rigid_expense"] = ctx.rng.choice((None, 0, 0, 200, 450, 800, 1200, 1800, 2600))


def ensure_land(plan: SheetPlan, ctx: InjectContext) -> None:
    """耕地, 有效灌溉 and 林地面积 (亩) before 住房面积: small hill-country holdings."""
    if "land_farm" in _keys(plan):
        return
    for label, key in (
        ("耕地面积（亩）", "land_farm"),
        ("有效灌溉面积（亩）", "land_irrigated"),
        ("林地面积（亩）", "land_forest"),
    ):
        insert_col(plan, Col(key, label, "num", household=True), before="house_area")
    for rec in plan.records:
        farm = round(ctx.rng.uniform(0.6, 6.0), 1)
        rec.values["land_farm"] = farm
        rec.values["land_irrigated"] = round(farm * ctx.rng.uniform(0.3, 1.0), 1)
        rec.values["land_forest"] = ctx.rng.choice((0, 0, round(ctx.rng.uniform(2, 35), 1)))


def ensure_hh_type(plan: SheetPlan, ctx: InjectContext, monitored: bool = True) -> None:
    """户类型 after 脱贫状态: 脱贫户, with a few 监测户 (3–8 % of the people) unless ``monitored`` is false."""
    if "hh_type" in _keys(plan):
        return
    insert_col(plan, Col("hh_type", "户类型", "enum", household=True), after="exit_status")
    for rec in plan.records:
        rec.values["hh_type"] = "脱贫户"
    if not monitored:
        return
    people = sum(r.values["hh_size"] for r in plan.records)
    chosen: list[Record] = []
    for _, rec in sorted(households(ctx, where=lambda p, r: p is plan), key=lambda _: ctx.rng.random()):
        share = (sum(r.values["hh_size"] for r in chosen) + rec.values["hh_size"]) / people
        if share <= 0.08:
            chosen.append(rec)
        if sum(r.values["hh_size"] for r in chosen) / people >= 0.03:
            break
    for rec in chosen:
        rec.values["hh_type"] = "监测户"
        ctx.used.add(rec.rid)


# ---------------------------------------------------------------- measures
CATALOG = default_catalog()


def measure_items(rec: Record) -> list[str]:
    return [m for m in re.split(r"[、，；,;]", rec.values.get("measures") or "") if m]


def measure_code(item: str) -> str:
    hit = CATALOG.code_list("measure").lookup(item)
    return str(hit.attrs.get("code") or "") if hit else ""


def set_measures(rec: Record, items: Sequence[str]) -> None:
    rec.values["measures"] = "、".join(dict.fromkeys(items)) or None


# ---------------------------------------------------------------- 贫困户属性 / 低保 / 特困
@injector("HH-ATTR-EMPTY")
def attr_empty(ctx: InjectContext) -> Planned:
    """贫困户属性 left blank."""
    plan, rec = pick(ctx, "HH-ATTR-EMPTY", households(ctx, ["poor_attr"], lambda p, r: _attr(r) == "一般"))
    rec.values["poor_attr"] = None
    return Planned("HH-ATTR-EMPTY", plan, rec, "poor_attr", taint=[rec])


@injector("HH-ATTR-INVALID")
def attr_invalid(ctx: InjectContext) -> Planned:
    """贫困户属性 filled with something else: the 户类型, or a home-made spelling."""
    plan, rec = pick(ctx, "HH-ATTR-INVALID", households(ctx, ["poor_attr"], lambda p, r: _attr(r) == "一般"))
    rec.values["poor_attr"] = ctx.rng.choice(("脱贫户", "建档立卡户", "一般户脱贫"))
    return Planned("HH-ATTR-INVALID", plan, rec, "poor_attr", taint=[rec])


@injector("HH-ATTR-STATUS-MISMATCH")
def attr_status_mismatch(ctx: InjectContext) -> Planned:
    """已脱贫 but the attribute was never updated: still “一般贫困户”."""
    plan, rec = pick(ctx, "HH-ATTR-STATUS-MISMATCH", households(ctx, ["poor_attr", "exit_status"]))
    rec.values["poor_attr"] = POOR_ATTR[_attr(rec)]
    return Planned("HH-ATTR-STATUS-MISMATCH", plan, rec, "poor_attr", taint=[rec])


@injector("HH-DIBAO-NO-ALLOWANCE")
def dibao_no_allowance(ctx: InjectContext) -> Planned:
    """A 低保户 whose 低保金 was booked under 其他转移性收入: the 低保金 cell is blank."""
    plan, rec = pick(
        ctx,
        "HH-DIBAO-NO-ALLOWANCE",
        households(ctx, ["tr_dibao", "tr_other"], lambda p, r: _attr(r) == "低保" and r.values["tr_dibao"] > 0),
    )
    rec.values["tr_other"] = _n(rec.values["tr_other"]) + rec.values["tr_dibao"]
    rec.values["tr_dibao"] = None
    return Planned("HH-DIBAO-NO-ALLOWANCE", plan, rec, "tr_dibao", taint=[rec])


@injector("HH-TEKUN-NO-ALLOWANCE")
def tekun_no_allowance(ctx: InjectContext) -> Planned:
    """A 特困供养户 whose 供养金 was booked under 其他转移性收入: the 特困供养金 cell is blank."""
    plan, rec = pick(
        ctx,
        "HH-TEKUN-NO-ALLOWANCE",
        households(ctx, ["tr_tekun", "tr_other"], lambda p, r: _attr(r) == "特困供养" and r.values["tr_tekun"] > 0),
    )
    rec.values["tr_other"] = _n(rec.values["tr_other"]) + rec.values["tr_tekun"]
    rec.values["tr_tekun"] = None
    return Planned("HH-TEKUN-NO-ALLOWANCE", plan, rec, "tr_tekun", taint=[rec])


@injector("HH-TEKUN-ALLOWANCE-NOT-TEKUN")
def tekun_allowance_not_tekun(ctx: InjectContext) -> Planned:
    """An ordinary household's 其他转移性收入 (or 养老金) typed one column off, into 特困供养金."""

    def ok(plan: SheetPlan, rec: Record) -> bool:
        v = rec.values
        return _attr(rec) == "一般" and (_n(v["tr_other"]) >= 100 or _n(v["tr_pension"]) >= 100)

    plan, rec = pick(ctx, "HH-TEKUN-ALLOWANCE-NOT-TEKUN", households(ctx, ["tr_tekun", "tr_other", "tr_pension"], ok))
    source = "tr_other" if _n(rec.values["tr_other"]) >= 100 else "tr_pension"
    rec.values["tr_tekun"] = rec.values[source]
    rec.values[source] = None
    return Planned("HH-TEKUN-ALLOWANCE-NOT-TEKUN", plan, rec, "poor_attr", taint=[rec])


@injector("HH-DIBAO-AND-TEKUN")
def dibao_and_tekun(ctx: InjectContext) -> Planned:
    """A 特困供养 person who drew 低保金 for the first months of the year and 供养金 after: both paid."""
    plan, rec = pick(
        ctx,
        "HH-DIBAO-AND-TEKUN",
        households(ctx, ["tr_dibao", "tr_tekun"], lambda p, r: _attr(r) == "特困供养" and r.values["hh_size"] == 1),
    )
    months = ctx.rng.randint(3, 6)
    rec.values["tr_dibao"] = 298 * months
    rec.values["tr_tekun"] = 520 * (12 - months)
    settle(rec)
    return Planned("HH-DIBAO-AND-TEKUN", plan, rec, "tr_tekun", taint=[rec])


# ---------------------------------------------------------------- causes and measures
@injector("HH-CAUSE-EMPTY")
def cause_empty(ctx: InjectContext) -> Planned:
    plan, rec = pick(
        ctx, "HH-CAUSE-EMPTY", households(ctx, ["main_cause"], lambda p, r: r.values["main_cause"] in GENERAL_CAUSES)
    )
    rec.values["main_cause"] = None
    return Planned("HH-CAUSE-EMPTY", plan, rec, "main_cause", taint=[rec])


@injector("HH-CAUSE-INVALID")
def cause_invalid(ctx: InjectContext) -> Planned:
    """A cause not on the list (“年老体弱”), or a 2021 monitoring risk typed for a 脱贫户."""
    plan, rec = pick(
        ctx, "HH-CAUSE-INVALID", households(ctx, ["main_cause"], lambda p, r: r.values["main_cause"] in GENERAL_CAUSES)
    )
    rec.values["main_cause"] = ctx.rng.choice(("年老体弱", "缺发展资金", "因意外事故", "思想观念落后"))
    return Planned("HH-CAUSE-INVALID", plan, rec, "main_cause", taint=[rec])


@injector("HH-OTHER-CAUSES-TOO-MANY")
def other_causes_too_many(ctx: InjectContext) -> Planned:
    """Three 其他致贫原因 where two at most are allowed."""
    plan, rec = pick(ctx, "HH-OTHER-CAUSES-TOO-MANY", households(ctx, ["other_causes", "main_cause"]))
    main = rec.values["main_cause"]
    have = [c for c in (rec.values.get("other_causes") or "").split("、") if c]
    pool = [c for c in GENERAL_CAUSES if c != main and c not in have]
    ctx.rng.shuffle(pool)
    rec.values["other_causes"] = "、".join([*have, *pool][:3])
    return Planned("HH-OTHER-CAUSES-TOO-MANY", plan, rec, "other_causes", taint=[rec])


@injector("HH-OTHER-CAUSE-REPEATS-MAIN")
def other_cause_repeats_main(ctx: InjectContext) -> Planned:
    """The main cause written again among the other causes."""
    plan, rec = pick(ctx, "HH-OTHER-CAUSE-REPEATS-MAIN", households(ctx, ["other_causes", "main_cause"]))
    have = [c for c in (rec.values.get("other_causes") or "").split("、") if c]
    rec.values["other_causes"] = "、".join([rec.values["main_cause"], *have][:2])
    return Planned("HH-OTHER-CAUSE-REPEATS-MAIN", plan, rec, "other_causes", taint=[rec])


@injector("HH-SKILLS-NO-TRAINING")
def skills_no_training(ctx: InjectContext) -> Planned:
    """缺技术, but no training among the measures."""
    plan, rec = pick(
        ctx, "HH-SKILLS-NO-TRAINING", households(ctx, ["measures"], lambda p, r: r.values["main_cause"] == "缺技术")
    )
    items = [m for m in measure_items(rec) if measure_code(m) != "M03"]
    set_measures(rec, items or [ctx.rng.choice(MEASURE_ITEMS["M01"])])
    return Planned("HH-SKILLS-NO-TRAINING", plan, rec, "measures", taint=[rec])


@injector("HH-CAPITAL-NO-FINANCE")
def capital_no_finance(ctx: InjectContext) -> Planned:
    """缺资金, but neither 小额信贷 nor an 产业 project among the measures."""
    plan, rec = pick(
        ctx, "HH-CAPITAL-NO-FINANCE", households(ctx, ["measures"], lambda p, r: r.values["main_cause"] == "缺资金")
    )
    items = [m for m in measure_items(rec) if measure_code(m) not in ("M06", "M01")]
    set_measures(rec, items or [ctx.rng.choice(MEASURE_ITEMS["M02"])])
    return Planned("HH-CAPITAL-NO-FINANCE", plan, rec, "measures", taint=[rec])


@injector("HH-MEASURE-CAUSE-MISMATCH")
def measure_cause_mismatch(ctx: InjectContext) -> Planned:
    """Measures that do nothing about the cause (因病 with only 产业 and 就业)."""
    plan, rec = pick(
        ctx,
        "HH-MEASURE-CAUSE-MISMATCH",
        households(ctx, ["measures"], lambda p, r: _attr(r) == "一般" and r.values["main_cause"] in CAUSE_MEASURES),
    )
    expected = CAUSE_MEASURES[rec.values["main_cause"]]
    codes = [c for c in ("M01", "M02", "M06", "M11", "M12", "M13") if c not in expected]
    picked = ctx.rng.sample(codes, k=2)
    set_measures(rec, [ctx.rng.choice(MEASURE_ITEMS[c]) for c in picked])
    return Planned("HH-MEASURE-CAUSE-MISMATCH", plan, rec, "measures", taint=[rec])


@injector("HH-NO-MEASURES")
def no_measures(ctx: InjectContext) -> Planned:
    """A household fallen back into poverty (返贫) whose measures are not filled in yet."""

    def ok(plan: SheetPlan, rec: Record) -> bool:
        return rec.values["inc_pc"] <= 20000 and rec.values["main_cause"] != "缺劳力"

    plan, rec = pick(ctx, "HH-NO-MEASURES", households(ctx, ["measures", "exit_status", "poor_attr"], ok))
    rec.values["exit_status"] = "返贫"
    rec.values["poor_attr"] = POOR_ATTR[_attr(rec)]
    rec.values["measures"] = None
    return Planned("HH-NO-MEASURES", plan, rec, "measures", taint=[rec])


@injector("HH-CAUSE-HOMOGENEOUS")
def cause_homogeneous(ctx: InjectContext) -> Planned:
    """A village where the clerk put 缺技术/缺资金 for (almost) everybody."""
    protected = _others(ctx)
    options = []
    for plan in ctx.plans:
        if HH not in plan.kinds or "main_cause" not in _keys(plan) or "village" not in _keys(plan):
            continue
        villages: dict[tuple[Any, Any], list[Record]] = {}
        for rec in plan.records:
            if rec.values.get("_kind") == HH:
                villages.setdefault((rec.values.get("township"), rec.values.get("village")), []).append(rec)
        for recs in villages.values():
            causes = [r.raw.get("main_cause", r.values.get("main_cause")) for r in recs]
            filled = [c for c in causes if c]
            free = [
                r
                for r in recs
                if r.rid not in ctx.used
                and not r.raw
                and id(r.ref) not in protected
                and r.values.get("main_cause") not in CAPITAL_OR_SKILLS
                and r.values.get("main_cause") in CAUSE_MEASURES
            ]
            k = sum(1 for c in filled if c in CAPITAL_OR_SKILLS)
            missing = -(-4 * len(filled) // 5) - k  # ceil(0.8 n) − k
            if len(filled) >= 10 and missing <= len(free):
                options.append((plan, recs, free, missing))
    if not options:
        raise NoTarget("HH-CAUSE-HOMOGENEOUS: no village of 10 households on one sheet")
    plan, recs, free, missing = options[ctx.rng.randrange(len(options))]
    changed = ctx.rng.sample(free, k=missing)
    for rec in changed:
        cause = ctx.rng.choice(CAPITAL_OR_SKILLS)
        rec.values["main_cause"] = cause
        others = [c for c in (rec.values.get("other_causes") or "").split("、") if c and c != cause]
        rec.values["other_causes"] = "、".join(others) or None
        fitting = "M03" if cause == "缺技术" else "M06"
        if not any(measure_code(m) == fitting for m in measure_items(rec)):
            set_measures(rec, [*measure_items(rec), ctx.rng.choice(MEASURE_ITEMS[fitting])])
    for rec in recs:
        ctx.used.add(rec.rid)
    first = next(r for r in recs if r.raw.get("main_cause", r.values.get("main_cause")) in CAPITAL_OR_SKILLS)
    return Planned("HH-CAUSE-HOMOGENEOUS", plan, first, "main_cause", taint=[first, *changed])


# ---------------------------------------------------------------- identification and exit
def _exit_year(rec: Record) -> int:
    return _year(rec.values["exit_year"])


@injector("HH-EXIT-TOO-FAST")
def exit_too_fast(ctx: InjectContext) -> Planned:
    """Identified in the spring, marked 脱贫 in December of the same year (years written with months)."""
    plan, rec = pick(ctx, "HH-EXIT-TOO-FAST", households(ctx, ["id_year", "exit_year"]))
    year = _exit_year(rec)
    rec.values["id_year"] = f"{year}年{ctx.rng.randint(2, 5)}月"
    rec.values["exit_year"] = f"{year}年12月"
    return Planned("HH-EXIT-TOO-FAST", plan, rec, "exit_year", taint=[rec, *visits_of(ctx, [rec])])


@injector("HH-EXIT-SAME-YEAR")
def exit_same_year(ctx: InjectContext) -> Planned:
    """识别 and 脱贫 in the same year (years only)."""
    plan, rec = pick(ctx, "HH-EXIT-SAME-YEAR", households(ctx, ["id_year", "exit_year"]))
    rec.values["id_year"] = _exit_year(rec)
    return Planned("HH-EXIT-SAME-YEAR", plan, rec, "exit_year", taint=[rec, *visits_of(ctx, [rec])])


@injector("HH-EXIT-BEFORE-ID")
def exit_before_id(ctx: InjectContext) -> Planned:
    """识别年度 and 脱贫年度 swapped."""
    plan, rec = pick(ctx, "HH-EXIT-BEFORE-ID", households(ctx, ["id_year", "exit_year"]))
    rec.values["id_year"], rec.values["exit_year"] = _exit_year(rec), _year(rec.values["id_year"])
    return Planned("HH-EXIT-BEFORE-ID", plan, rec, "exit_year", taint=[rec, *visits_of(ctx, [rec])])


@injector("HH-EXITED-NO-EXIT-YEAR")
def exited_no_exit_year(ctx: InjectContext) -> Planned:
    plan, rec = pick(ctx, "HH-EXITED-NO-EXIT-YEAR", households(ctx, ["exit_year", "exit_status"]))
    rec.values["exit_year"] = None
    return Planned("HH-EXITED-NO-EXIT-YEAR", plan, rec, "exit_year", taint=[rec])


@injector("HH-POOR-WITH-EXIT-YEAR")
def poor_with_exit_year(ctx: InjectContext) -> Planned:
    """未脱贫 (and a 贫困户 attribute) but a 脱贫年度 filled in."""
    plan, rec = pick(
        ctx,
        "HH-POOR-WITH-EXIT-YEAR",
        households(ctx, ["exit_year", "exit_status", "poor_attr"], lambda p, r: r.values["inc_pc"] <= 20000),
    )
    rec.values["exit_status"] = "未脱贫"
    rec.values["poor_attr"] = POOR_ATTR[_attr(rec)]
    return Planned("HH-POOR-WITH-EXIT-YEAR", plan, rec, "exit_year", taint=[rec])


@injector("HH-EXIT-PROCEDURE-MISSING")
def exit_procedure_missing(ctx: InjectContext) -> Planned:
    """One step of the exit procedure not recorded."""
    keys = ("eval_date", "publicity_date", "announce_date", "exit_signed")
    plan, rec = pick(ctx, "HH-EXIT-PROCEDURE-MISSING", households(ctx, keys))
    key = ctx.rng.choice(keys)
    rec.values[key] = None
    return Planned("HH-EXIT-PROCEDURE-MISSING", plan, rec, key, taint=[rec])


@injector("HH-EXIT-NOT-SIGNED")
def exit_not_signed(ctx: InjectContext) -> Planned:
    plan, rec = pick(ctx, "HH-EXIT-NOT-SIGNED", households(ctx, ["exit_signed"]))
    rec.values["exit_signed"] = False
    return Planned("HH-EXIT-NOT-SIGNED", plan, rec, "exit_signed", taint=[rec])


@injector("HH-EXIT-PROCEDURE-ORDER")
def exit_procedure_order(ctx: InjectContext) -> Planned:
    """公告 dated before the 公示, or the 民主评议 after the 公示 began."""
    plan, rec = pick(ctx, "HH-EXIT-PROCEDURE-ORDER", households(ctx, ["eval_date", "publicity_date", "announce_date"]))
    v = rec.values
    if ctx.rng.random() < 0.5:
        v["announce_date"] = v["publicity_date"] - dt.timedelta(days=ctx.rng.randint(2, 12))
        key = "announce_date"
    else:
        v["eval_date"] = v["publicity_date"] + dt.timedelta(days=ctx.rng.randint(1, 4))
        if v["announce_date"] <= v["eval_date"]:
            v["announce_date"] = v["eval_date"] + dt.timedelta(days=ctx.rng.randint(7, 12))
        key = "publicity_date"
    return Planned("HH-EXIT-PROCEDURE-ORDER", plan, rec, key, taint=[rec])


@injector("HH-EXIT-PUBLICITY-SHORT")
def exit_publicity_short(ctx: InjectContext) -> Planned:
    """公告 a few days after the 公示 began (公示 under 7 days)."""
    plan, rec = pick(ctx, "HH-EXIT-PUBLICITY-SHORT", households(ctx, ["publicity_date", "announce_date"]))
    rec.values["announce_date"] = rec.values["publicity_date"] + dt.timedelta(days=ctx.rng.randint(2, 5))
    return Planned("HH-EXIT-PUBLICITY-SHORT", plan, rec, "announce_date", taint=[rec])


# ---------------------------------------------------------------- 两不愁三保障 of 脱贫户
@injector("HH-EXITED-DANGER-HOUSE")
def exited_danger_house(ctx: InjectContext) -> Planned:
    """A 脱贫户 still living in a dangerous house (是否危房户 是; graded C or D where graded)."""
    plan, rec = pick(ctx, "HH-EXITED-DANGER-HOUSE", households(ctx, ["is_danger_house", "exit_status"]))
    rec.values["is_danger_house"] = True
    if "house_grade" in _keys(plan):
        rec.values["house_grade"] = ctx.rng.choice(("C", "D"))
    return Planned("HH-EXITED-DANGER-HOUSE", plan, rec, "is_danger_house", taint=[rec])


@injector("HH-EXITED-UNSAFE-WATER")
def exited_unsafe_water(ctx: InjectContext) -> Planned:
    """A 脱贫户 with 饮水困难 and 饮水不安全."""
    plan, rec = pick(ctx, "HH-EXITED-UNSAFE-WATER", households(ctx, ["water_difficult", "water_safe", "exit_status"]))
    rec.values["water_difficult"] = True
    rec.values["water_safe"] = False
    return Planned("HH-EXITED-UNSAFE-WATER", plan, rec, "water_difficult", taint=[rec])


@injector("HH-HOUSE-AREA-EMPTY")
def house_area_empty(ctx: InjectContext) -> Planned:
    plan, rec = pick(ctx, "HH-HOUSE-AREA-EMPTY", households(ctx, ["house_area"]))
    rec.values["house_area"] = None
    return Planned("HH-HOUSE-AREA-EMPTY", plan, rec, "house_area", taint=[rec])


@injector("HH-HOUSE-AREA-LARGE")
def house_area_large(ctx: InjectContext) -> Planned:
    """A 0 too many (“1200” for 120 ㎡)."""
    plan, rec = pick(ctx, "HH-HOUSE-AREA-LARGE", households(ctx, ["house_area"]))
    rec.values["house_area"] = max(rec.values["house_area"] * 10, 520.0)
    return Planned("HH-HOUSE-AREA-LARGE", plan, rec, "house_area", taint=[rec])


@injector("HH-HOUSE-AREA-SMALL")
def house_area_small(ctx: InjectContext) -> Planned:
    """The number of rooms typed into the ㎡ column."""
    plan, rec = pick(ctx, "HH-HOUSE-AREA-SMALL", households(ctx, ["house_area", "exit_status"]))
    rec.values["house_area"] = float(ctx.rng.randint(2, 5))
    return Planned("HH-HOUSE-AREA-SMALL", plan, rec, "house_area", taint=[rec])


@injector("HH-DANGER-NO-GRADE")
def danger_no_grade(ctx: InjectContext) -> Planned:
    """是否危房户 是, 危房等级 blank (a 脱贫户: HH-EXITED-DANGER-HOUSE fires on the row too)."""
    plan, rec = pick(ctx, "HH-DANGER-NO-GRADE", households(ctx, ["is_danger_house", "house_grade"]))
    rec.values["is_danger_house"] = True
    rec.values["house_grade"] = None
    return Planned("HH-DANGER-NO-GRADE", plan, rec, "house_grade", taint=[rec])


@injector("HH-MISSED-POOR")
def missed_poor(ctx: InjectContext) -> Planned:
    """An ordinary household (户类型 一般农户, never registered) without a house or in a dangerous one."""

    def ok(plan: SheetPlan, rec: Record) -> bool:
        return _attr(rec) == "一般" and "is_danger_house" in _keys(plan) and "exit_status" in _keys(plan)

    plan, rec = pick(ctx, "HH-MISSED-POOR", households(ctx, ["house_area"], ok))
    ensure_hh_type(plan, ctx)
    v = rec.values
    v["hh_type"] = "一般农户"
    for key in (
        "poor_attr", "exit_status", "id_year", "exit_year", "main_cause", "other_causes", "measures", "helper",
        "helper_unit", "helper_phone", "handbook", "eval_date", "publicity_date", "announce_date", "exit_signed",
    ):  # fmt: skip
        v[key] = None
    if ctx.rng.random() < 0.3:
        v["house_area"] = 0.0
        key = "house_area"
    else:
        v["is_danger_house"] = True
        key = "is_danger_house"
        if "house_grade" in _keys(plan):
            v["house_grade"] = ctx.rng.choice(("C", "D"))
            key = "house_grade"
    return Planned("HH-MISSED-POOR", plan, rec, key, taint=[rec, *visits_of(ctx, [rec])])


@injector("HH-IRRIGATED-EXCEEDS-FARMLAND")
def irrigated_exceeds_farmland(ctx: InjectContext) -> Planned:
    """有效灌溉面积 larger than 耕地面积 (the two figures swapped)."""
    plan, rec = pick(ctx, "HH-IRRIGATED-EXCEEDS-FARMLAND", households(ctx, ["house_area"]))
    ensure_land(plan, ctx)
    v = rec.values
    if v["land_irrigated"] >= v["land_farm"]:
        v["land_irrigated"] = round(v["land_farm"] * 0.6, 1)
    v["land_farm"], v["land_irrigated"] = v["land_irrigated"], v["land_farm"]
    return Planned("HH-IRRIGATED-EXCEEDS-FARMLAND", plan, rec, "land_irrigated", taint=[rec])


@injector("HH-FARMLAND-LARGE")
def farmland_large(ctx: InjectContext) -> Planned:
    """耕地面积 typed in 分 instead of 亩 (ten times too large)."""
    plan, rec = pick(ctx, "HH-FARMLAND-LARGE", households(ctx, ["house_area"]))
    ensure_land(plan, ctx)
    rec.values["land_farm"] = max(round(rec.values["land_farm"] * 10), 12)
    return Planned("HH-FARMLAND-LARGE", plan, rec, "land_farm", taint=[rec])


@injector("HH-FORESTLAND-LARGE")
def forestland_large(ctx: InjectContext) -> Planned:
    """A hill of 林地 (the village's collective forest counted to one household)."""
    plan, rec = pick(ctx, "HH-FORESTLAND-LARGE", households(ctx, ["house_area"]))
    ensure_land(plan, ctx)
    rec.values["land_forest"] = float(ctx.rng.randrange(60, 400, 5))
    return Planned("HH-FORESTLAND-LARGE", plan, rec, "land_forest", taint=[rec])


# ---------------------------------------------------------------- incomes
@injector("HH-EXITED-BELOW-LINE")
def exited_below_line(ctx: InjectContext) -> Planned:
    """A 脱贫户 whose (consistent) income is below the poverty line of its exit year."""

    def target(rec: Record) -> float:
        year = min(max(_exit_year(rec), 2014), 2020)
        return POVERTY_LINE[year] * 0.9

    def ok(plan: SheetPlan, rec: Record) -> bool:
        v = rec.values
        if _attr(rec) != "一般" or _n(v["inc_wage"]) or not isinstance(v.get("exit_year"), int):
            return False
        business = business_for(rec, target(rec))  # and transfers under half the income (RISK-02)
        return business is not None and _n(v["inc_transfer"]) < 0.45 * (business + _n(v["inc_property"]))

    plan, rec = pick(ctx, "HH-EXITED-BELOW-LINE", households(ctx, ["inc_pc", "exit_year", "exit_status"], ok))
    set_business(rec, business_for(rec, target(rec)) or 0)
    return Planned("HH-EXITED-BELOW-LINE", plan, rec, "inc_pc", taint=[rec])


@injector("HH-POOR-INCOME-HIGH")
def poor_income_high(ctx: InjectContext) -> Planned:
    """A household marked 返贫 although its income is well above any line."""

    def ok(plan: SheetPlan, rec: Record) -> bool:
        return rec.values["main_cause"] != "缺劳力" and business_for(rec, 22000) is not None

    plan, rec = pick(ctx, "HH-POOR-INCOME-HIGH", households(ctx, ["inc_pc", "exit_status", "poor_attr"], ok))
    if rec.values["inc_pc"] <= 20500:
        set_business(rec, business_for(rec, ctx.rng.randrange(22000, 26000, 100)) or rec.values["inc_business"])
    rec.values["exit_status"] = "返贫"
    rec.values["poor_attr"] = POOR_ATTR[_attr(rec)]
    return Planned("HH-POOR-INCOME-HIGH", plan, rec, "inc_pc", taint=[rec])


@injector("HH-INCOME-ODD")
def income_odd(ctx: InjectContext) -> Planned:
    """A 脱贫户 with over 30 000 元 per head (a big 养殖户 left on the roster)."""

    def ok(plan: SheetPlan, rec: Record) -> bool:
        return rec.values["hh_size"] <= 3 and business_for(rec, 32000) is not None

    plan, rec = pick(ctx, "HH-INCOME-ODD", households(ctx, ["inc_pc"], ok))
    set_business(rec, business_for(rec, ctx.rng.randrange(31000, 38000, 100)) or 0)
    return Planned("HH-INCOME-ODD", plan, rec, "inc_pc", taint=[rec])


@injector("HH-INCOME-TOTAL-MISMATCH")
def income_total_mismatch(ctx: InjectContext) -> Planned:
    """家庭总收入 typed without the 财产性收入 (or with a wrong digit)."""

    def ok(plan: SheetPlan, rec: Record) -> bool:
        v = rec.values
        return _n(v["inc_transfer"]) / (v["inc_total"] - _n(v.get("inc_property"))) < 0.48

    plan, rec = pick(
        ctx, "HH-INCOME-TOTAL-MISMATCH", households(ctx, ["inc_net", "inc_wage", "inc_business", "inc_transfer"], ok)
    )
    ensure_inc_total(plan)
    v = rec.values
    v["inc_total"] = v["inc_total"] - v["inc_property"] if _n(v.get("inc_property")) > 1 else v["inc_total"] + 900
    return Planned("HH-INCOME-TOTAL-MISMATCH", plan, rec, "inc_total", taint=[rec])


@injector("HH-INCOME-NET-MISMATCH")
def income_net_mismatch(ctx: InjectContext) -> Planned:
    """家庭纯收入 = 总收入 (the 生产经营性支出 not subtracted), 人均 computed from it."""

    def ok(plan: SheetPlan, rec: Record) -> bool:
        return _n(rec.values.get("exp_business")) > 1 and rec.values["inc_total"] / rec.values["hh_size"] <= 29000

    plan, rec = pick(ctx, "HH-INCOME-NET-MISMATCH", households(ctx, ["inc_net", "exp_business", "inc_pc"], ok))
    v = rec.values
    v["inc_net"] = v["inc_total"]
    v["inc_pc"] = round(v["inc_net"] / v["hh_size"], 2)
    return Planned("HH-INCOME-NET-MISMATCH", plan, rec, "inc_net", taint=[rec])


@injector("HH-INCOME-PC-MISMATCH")
def income_pc_mismatch(ctx: InjectContext) -> Planned:
    """Two digits of 人均纯收入 swapped."""

    def swapped(value: float) -> float | None:
        digits = str(int(value))
        for i in range(len(digits) - 1):
            if digits[i] != digits[i + 1]:
                new = float(digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]) + value % 1
                if MONITORING_LINE + 50 <= new <= 30000 and abs(new - value) > 1:
                    return round(new, 2)
        return None

    plan, rec = pick(
        ctx,
        "HH-INCOME-PC-MISMATCH",
        households(ctx, ["inc_pc", "inc_net", "hh_size"], lambda p, r: swapped(r.values["inc_pc"]) is not None),
    )
    rec.values["inc_pc"] = swapped(rec.values["inc_pc"])
    return Planned("HH-INCOME-PC-MISMATCH", plan, rec, "inc_pc", taint=[rec])


def _part(rec: Record) -> str | None:
    """A transfer part (生态补偿金, 其他, 计生) with some money in it."""
    for key in ("tr_eco", "tr_other", "tr_family_planning"):
        if _n(rec.values.get(key)) >= 100:
            return key
    return None


@injector("HH-TRANSFER-PARTS-EXCEED")
def transfer_parts_exceed(ctx: InjectContext) -> Planned:
    """转移性收入 summed without one of its parts, and the totals computed from that."""

    def ok(plan: SheetPlan, rec: Record) -> bool:
        key = _part(rec)
        if key is None:
            return False
        v = rec.values
        return (v["inc_net"] - v[key]) / v["hh_size"] >= MONITORING_LINE + 50

    plan, rec = pick(ctx, "HH-TRANSFER-PARTS-EXCEED", households(ctx, ["inc_transfer", *TRANSFER_PARTS], ok))
    key = _part(rec)
    assert key is not None
    settle(rec, transfer=rec.values["inc_transfer"] - rec.values[key])
    return Planned("HH-TRANSFER-PARTS-EXCEED", plan, rec, "inc_transfer", taint=[rec])


@injector("HH-TRANSFER-MISMATCH")
def transfer_mismatch(ctx: InjectContext) -> Planned:
    """One part of the 转移性收入 left blank although it is counted in the total."""
    plan, rec = pick(
        ctx,
        "HH-TRANSFER-MISMATCH",
        households(ctx, ["inc_transfer", *TRANSFER_PARTS], lambda p, r: _part(r) is not None),
    )
    key = _part(rec)
    assert key is not None
    rec.values[key] = None
    return Planned("HH-TRANSFER-MISMATCH", plan, rec, "inc_transfer", taint=[rec])


@injector("HH-BUSINESS-NO-EXPENSE")
def business_no_expense(ctx: InjectContext) -> Planned:
    """生产经营性支出 not filled in; 纯收入 = 总收入."""

    def ok(plan: SheetPlan, rec: Record) -> bool:
        v = rec.values
        return v["inc_business"] > 0 and v["inc_total"] / v["hh_size"] <= 29000

    plan, rec = pick(ctx, "HH-BUSINESS-NO-EXPENSE", households(ctx, ["inc_business", "exp_business"], ok))
    rec.values["exp_business"] = None
    settle(rec, transfer=rec.values["inc_transfer"])
    return Planned("HH-BUSINESS-NO-EXPENSE", plan, rec, "exp_business", taint=[rec])


@injector("HH-NEGATIVE-MONEY")
def negative_money(ctx: InjectContext) -> Planned:
    """A loss year of the family business written as a negative 生产经营性收入 (costs netted in)."""

    def ok(plan: SheetPlan, rec: Record) -> bool:
        v = rec.values
        rest = _n(v["inc_wage"]) + _n(v["inc_property"]) - 2000
        transfer = _n(v["inc_transfer"])
        return (
            _n(v["inc_wage"]) > 0 and (rest + transfer) / v["hh_size"] >= MONITORING_LINE + 50 and transfer < 0.9 * rest
        )

    plan, rec = pick(ctx, "HH-NEGATIVE-MONEY", households(ctx, ["inc_business", "exp_business"], ok))
    rec.values["inc_business"] = -float(ctx.rng.randrange(600, 2000, 50))
    rec.values["exp_business"] = None
    settle(rec, transfer=rec.values["inc_transfer"])
    return Planned("HH-NEGATIVE-MONEY", plan, rec, "inc_business", taint=[rec])


# ---------------------------------------------------------------- helpers, bank, phone, handbook
@injector("HH-NO-HELPER")
def no_helper(ctx: InjectContext) -> Planned:
    """The 帮扶责任人 block left blank (the helper was transferred, nobody named yet)."""
    plan, rec = pick(ctx, "HH-NO-HELPER", households(ctx, ["helper"]))
    for key in ("helper", "helper_unit", "helper_phone"):
        rec.values[key] = None
    return Planned("HH-NO-HELPER", plan, rec, "helper", taint=[rec, *visits_of(ctx, [rec])])


@injector("HH-HELPER-OVERLOADED")
def helper_overloaded(ctx: InjectContext) -> Planned:
    """A departed helper's households handed to a colleague, who now has six or more."""
    protected = _others(ctx)
    options = []
    for plan in ctx.plans:
        if HH not in plan.kinds or "helper" not in _keys(plan):
            continue
        recs = [r for r in plan.records if r.values.get("_kind") == HH]
        by_helper: dict[str, list[Record]] = {}
        for r in recs:
            if r.values.get("helper") and "helper" not in r.raw:
                by_helper.setdefault(r.values["helper"], []).append(r)
        free = [r for r in recs if r.values.get("helper") and r.rid not in ctx.used and not r.raw]
        free = [r for r in free if id(r.ref) not in protected]
        free_of = Counter(r.values["helper"] for r in free)
        for name, mine in by_helper.items():
            if not any(r.rid in ctx.used for r in mine) and len(mine) + len(free) - free_of[name] >= 6:
                options.append((plan, mine, free))
    if not options:
        raise NoTarget("HH-HELPER-OVERLOADED: no sheet with enough households")
    plan, mine, free = options[ctx.rng.randrange(len(options))]
    name, village = mine[0].values["helper"], mine[0].values.get("village")
    others = sorted((r for r in free if r.values["helper"] != name), key=lambda r: r.values.get("village") != village)
    moved = others[: 6 - len(mine)]
    for rec in moved:
        for key in ("helper", "helper_unit", "helper_phone"):
            rec.values[key] = mine[0].values.get(key)
    chosen = {r.rid for r in (*mine, *moved)}
    every = [r for r in plan.records if r.rid in chosen]
    for rec in every:
        ctx.used.add(rec.rid)
    first = every[0]  # the rule reports the helper's first row
    return Planned("HH-HELPER-OVERLOADED", plan, first, "helper", taint=[first, *moved, *visits_of(ctx, moved)])


@injector("HH-NO-BANK")
def no_bank(ctx: InjectContext) -> Planned:
    plan, rec = pick(ctx, "HH-NO-BANK", households(ctx, ["bank", "bank_acct"]))
    key = ctx.rng.choice(("bank", "bank_acct"))
    rec.values[key] = None
    return Planned("HH-NO-BANK", plan, rec, key, taint=[rec])


@injector("HH-NO-PHONE")
def no_phone(ctx: InjectContext) -> Planned:
    plan, rec = pick(ctx, "HH-NO-PHONE", households(ctx, ["phone"]))
    rec.values["phone"] = None
    return Planned("HH-NO-PHONE", plan, rec, "phone", taint=[rec])


@injector("HH-NO-HANDBOOK")
def no_handbook(ctx: InjectContext) -> Planned:
    plan, rec = pick(ctx, "HH-NO-HANDBOOK", households(ctx, ["handbook", "exit_status"]))
    rec.values["handbook"] = False
    return Planned("HH-NO-HANDBOOK", plan, rec, "handbook", taint=[rec])


# ---------------------------------------------------------------- 返贫 risks
@injector("RISK-LOW-INCOME")
def risk_low_income(ctx: InjectContext) -> Planned:
    """A 脱贫户 (not 兜底) a little under the monitoring line: not yet flagged as 监测对象."""

    def ok(plan: SheetPlan, rec: Record) -> bool:
        b = business_for(rec, 7400)
        if _attr(rec) != "一般" or b is None:
            return False
        return _n(rec.values["inc_transfer"]) < 0.45 * (b + _n(rec.values["inc_wage"]) + _n(rec.values["inc_property"]))

    plan, rec = pick(ctx, "RISK-LOW-INCOME", households(ctx, ["inc_pc", "exit_status"], ok))
    set_business(rec, business_for(rec, ctx.rng.randrange(6600, 7900, 50)) or 0)
    return Planned("RISK-LOW-INCOME", plan, rec, "inc_pc", taint=[rec])


@injector("RISK-TRANSFER-DEPENDENT")
def risk_transfer_dependent(ctx: InjectContext) -> Planned:
    """A 脱贫户 living mostly on transfers (pensions, 生态补偿, 兜底 money)."""

    def business(rec: Record, share: float) -> int | None:
        v = rec.values
        b = round(_n(v["inc_transfer"]) / share - _n(v["inc_transfer"]) - _n(v["inc_property"]), -1)
        if b < 600:
            return None
        net = _n(v["inc_transfer"]) + _n(v["inc_property"]) + b - round(b * 0.2)
        return int(b) if net / v["hh_size"] >= MONITORING_LINE + 50 else None

    def ok(plan: SheetPlan, rec: Record) -> bool:
        return not _n(rec.values["inc_wage"]) and business(rec, 0.6) is not None

    plan, rec = pick(ctx, "RISK-TRANSFER-DEPENDENT", households(ctx, ["inc_transfer", "exit_status"], ok))
    set_business(rec, business(rec, 0.6) or 0)
    return Planned("RISK-TRANSFER-DEPENDENT", plan, rec, "inc_transfer", taint=[rec])


@injector("RISK-INCOME-DECLINE")
def risk_income_decline(ctx: InjectContext) -> Planned:
    """人均纯收入 falling two years running (a few per cent a year)."""
    plan, rec = pick(ctx, "RISK-INCOME-DECLINE", households(ctx, ["inc_pc", "exit_status"]))
    ensure_history(plan, ctx)
    prev = rec.values["inc_pc"] * ctx.rng.uniform(1.03, 1.12)
    rec.values["prev_inc_pc"] = round(prev, 2)
    rec.values["prev2_inc_pc"] = round(prev * ctx.rng.uniform(1.03, 1.12), 2)
    return Planned("RISK-INCOME-DECLINE", plan, rec, "inc_pc", taint=[rec])


@injector("RISK-INCOME-DROP")
def risk_income_drop(ctx: InjectContext) -> Planned:
    """人均纯收入 down by a third or more on last year (the earner fell ill or lost the job)."""
    plan, rec = pick(ctx, "RISK-INCOME-DROP", households(ctx, ["inc_pc"]))
    ensure_history(plan, ctx)
    prev = rec.values["inc_pc"] / ctx.rng.uniform(0.45, 0.65)
    rec.values["prev_inc_pc"] = round(prev, 2)
    rec.values["prev2_inc_pc"] = round(prev * ctx.rng.uniform(0.86, 0.95), 2)
    return Planned("RISK-INCOME-DROP", plan, rec, "inc_pc", taint=[rec])


@injector("RISK-RIGID-EXPENSE")
def risk_rigid_expense(ctx: InjectContext) -> Planned:
    """A hospital bill (合规自付) larger than last year's family income."""
    plan, rec = pick(ctx, "RISK-RIGID-EXPENSE", households(ctx, ["inc_pc", "hh_size"]))
    ensure_history(plan, ctx, rigid=True)
    last_year = rec.values["prev_inc_pc"] * rec.values["hh_size"]
    rec.values["rigid_expense"] = float(round(last_year * ctx.rng.uniform(1.15, 1.8), -2))
    return Planned("RISK-RIGID-EXPENSE", plan, rec, "rigid_expense", taint=[rec])


@dataclass
class SheetLevel(Planned):
    """A finding about a whole sheet: reported on its last header row, no cell."""

    def resolve(self, written: WrittenSheet) -> Injection:
        return Injection(self.rule, written.name, None, written.header_rows[-1])


@injector("RISK-MONITOR-SHARE")
def risk_monitor_share(ctx: InjectContext) -> Planned:
    """A township whose roster has a 户类型 column but not a single 监测户 (漏纳)."""
    options = []
    for plan in ctx.plans:
        keys = _keys(plan)
        if HH not in plan.kinds or "hh_type" in keys or "exit_status" not in keys or "hh_size" not in keys:
            continue
        if sum(1 for r in plan.records if r.values.get("_kind") == HH) >= 24:
            options.append(plan)
    if not options:
        raise NoTarget("RISK-MONITOR-SHARE: no sheet of 20 households or more")
    plan = options[ctx.rng.randrange(len(options))]
    ensure_hh_type(plan, ctx, monitored=False)
    return SheetLevel("RISK-MONITOR-SHARE", plan, None, None)
