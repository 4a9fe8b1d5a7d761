"""Injectors for the member-roster rules (templates/rules/members.json) and the household↔member
cross-table rules (templates/rules/household_members.json).

A generated household lives either on a person-per-row roster (the household record holds its member
records; household columns merged down or repeated) or on a 户表 + 人员 pair of sheets (joined by 户编号).
Both layouts are gathered here as :class:`Unit` s. An injector takes a whole household: it claims the
household record and every member record (so no other injection lands in the same household), changes
what a township clerk would realistically get wrong, and taints the household row and the changed member
rows (a member's change can make a household-level rule fire on the household row too).

Rules that have a choice alternate between the two layouts when injected more than once (inject
``HH-SIZE-VS-MEMBERS`` twice to get one of each).

Columns the generator never writes (人员状态, 公益岗位, 享受教育资助, 是否特困供养人员, 供养方式, 自理能力,
是否有人照料, 赡养协议) are added by :func:`_ensure_columns` to the one sheet that needs them, filled
for every member of that sheet with values that fit the person (clean data stays clean).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from tests.samples.injectors import InjectContext, NoTarget, Planned, injector
from tests.samples.layout import Col, Record, SheetPlan
from tests.samples.people import LOCAL_WORK, Household, Person, disability_cert


# ---------------------------------------------------------------- households and their members
@dataclass
class Unit:
    """One household: its record and its member records (head first), in either layout."""

    hh_plan: SheetPlan
    hh: Record
    mem_plan: SheetPlan
    members: list[Record]

    @property
    def layout(self) -> str:
        return "roster" if self.hh_plan is self.mem_plan else "split"

    @property
    def household(self) -> Household:
        return self.hh.ref

    @property
    def records(self) -> list[Record]:
        return [self.hh, *self.members]


def _person(rec: Record) -> Person:
    return rec.ref


def _age(rec: Record) -> int:
    return _person(rec).age


def _keys(plan: SheetPlan) -> set[str]:
    return {c.key for c in plan.cols}


def _units(ctx: InjectContext) -> list[Unit]:
    """Every household of the workbook whose members are listed (roster or 户表 + 人员 sheets)."""
    listed: dict[str, tuple[SheetPlan, list[Record]]] = {}
    for plan in ctx.plans:
        if tuple(plan.kinds) == ("members",):
            for rec in plan.records:
                if rec.values.get("_kind") == "members" and rec.values.get("hh_no"):
                    listed.setdefault(rec.values["hh_no"], (plan, []))[1].append(rec)
    units = []
    for plan in ctx.plans:
        if "households" not in plan.kinds:
            continue
        for rec in plan.records:
            if rec.values.get("_kind") != "households" or not isinstance(rec.ref, Household):
                continue
            if rec.members:
                units.append(Unit(plan, rec, plan, rec.members))
            elif rec.values.get("hh_no") in listed:
                mem_plan, members = listed[rec.values["hh_no"]]
                units.append(Unit(plan, rec, mem_plan, members))
    return units


def _free(ctx: InjectContext, unit: Unit) -> bool:
    """No row of the household used by another injection, no ID another sheet joins on, nothing overridden."""
    if any(r.rid in ctx.used or r.raw for r in unit.records):
        return False
    ids = {unit.hh.values.get("head_id"), *(m.values.get("id_no") for m in unit.members)}
    return not (ids & ctx.protected_ids)


LAYOUTS = ("roster", "split")


def _state(ctx: InjectContext) -> dict[str, list[str]]:
    """Layouts each rule was injected into so far (kept on the context)."""
    return vars(ctx).setdefault("_members_layouts", {})


def _choose(ctx: InjectContext, rule: str, options: Sequence[tuple[Unit, Any]]) -> tuple[Unit, Any]:
    """A random option in the first layout (rosters, then 户表 + 人员 sheets) this rule has not been injected
    into yet; claims the household. Rosters first: the rarer split sheets stay free for the rules only they
    allow (户主证件号码 and the transfer-income columns are only on a 户表)."""
    if not options:
        raise NoTarget(f"{rule}: no suitable household")
    done = _state(ctx).setdefault(rule, [])
    pool = list(options)
    for layout in LAYOUTS:
        fresh = [o for o in options if o[0].layout == layout]
        if layout not in done and fresh:
            pool = fresh
            break
    unit, extra = pool[ctx.rng.randrange(len(pool))]
    done.append(unit.layout)
    ctx.used.update(r.rid for r in unit.records)
    return unit, extra


def _member_options(
    ctx: InjectContext, where: Callable[[Unit, Record], bool], keys: Sequence[str] = ()
) -> list[tuple[Unit, Record]]:
    """(household, member) pairs of free households whose member sheet has ``keys`` and where ``where`` holds."""
    out = []
    for unit in _units(ctx):
        if not set(keys) <= _keys(unit.mem_plan) or not _free(ctx, unit):
            continue
        out.extend((unit, m) for m in unit.members if where(unit, m))
    return out


def _unit_options(
    ctx: InjectContext, where: Callable[[Unit], bool], keys: Sequence[str] = (), layout: str | None = None
) -> list[tuple[Unit, None]]:
    out = []
    for unit in _units(ctx):
        if layout and unit.layout != layout:
            continue
        if not set(keys) <= _keys(unit.hh_plan) | _keys(unit.mem_plan) or not _free(ctx, unit):
            continue
        if where(unit):
            out.append((unit, None))
    return out


def _on_member(rule: str, unit: Unit, member: Record, key: str, *changed: Record) -> Planned:
    """The finding is on the member's cell; the household row and the changed members are tainted."""
    return Planned(rule, unit.mem_plan, member, key, taint=[unit.hh, member, *changed])


def _on_household(rule: str, unit: Unit, key: str, *changed: Record) -> Planned:
    return Planned(rule, unit.hh_plan, unit.hh, key, taint=[unit.hh, *changed])


# ---------------------------------------------------------------- member facts
def _level(m: Record) -> int:
    return _person(m).school_level


def _in_school(m: Record) -> bool:
    return _level(m) >= 1


def _capacity(m: Record) -> str:
    return {"普通劳动力": "full", "技能劳动力": "full", "弱劳动力或半劳动力": "weak"}.get(
        m.values.get("labour"), "none"
    )


def _health(m: Record) -> list[str]:
    return [h for h in str(m.values.get("health") or "").split("、") if h]


def _vocational(m: Record) -> bool:
    return str(m.values.get("school_status") or "").startswith(("中职", "大专"))


def _months(m: Record) -> int:
    v = m.values.get("work_months")
    return v if isinstance(v, int) else 0


def _is_head(m: Record) -> bool:
    return m.values.get("relation") == "户主"


def _recompute_pc(unit: Unit) -> None:
    """人均纯收入 = 家庭纯收入 ÷ 家庭人口数 again after 家庭人口数 changed."""
    v = unit.hh.values
    if isinstance(v.get("inc_net"), int | float) and v.get("hh_size"):
        v["inc_pc"] = round(v["inc_net"] / v["hh_size"], 2)


EDUCATION_MEASURES = ("教育", "雨露计划", "资助", "两免一补", "助学")


def _set_cause(unit: Unit, cause: str, measures: Sequence[str] = (), add: str | None = None) -> None:
    """主要致贫原因 changed to ``cause``; ``add`` joins the measures when none of ``measures`` is among them."""
    v = unit.hh.values
    v["main_cause"] = cause
    if cause in str(v.get("other_causes") or ""):
        v["other_causes"] = None
    text = str(v.get("measures") or "")
    if add and not any(x in text for x in measures):
        v["measures"] = f"{text}、{add}" if text else add


# ---------------------------------------------------------------- columns the generator does not write
def _member_records(plan: SheetPlan) -> list[Record]:
    out = []
    for rec in plan.records:
        if rec.values.get("_kind") == "members":
            out.append(rec)
        out.extend(m for m in rec.members if m.values.get("_kind") == "members")
    return out


def _fill_status(ctx: InjectContext, p: Person) -> Any:
    return p.member_status


def _fill_public_post(ctx: InjectContext, p: Person) -> Any:
    if p.work_place == "本村公益岗位":
        return ctx.rng.choice(("保洁员", "护林员", "护路员", "村级保洁员"))
    return None


def _fill_edu_support(ctx: InjectContext, p: Person) -> Any:
    if p.school_status.startswith(("中职", "大专")):
        return "雨露计划"
    if p.school_level == 4:
        return "普通高中国家助学金"
    if p.school_level in (2, 3):
        return "两免一补"
    return None


def _fill_tekun(ctx: InjectContext, p: Person) -> Any:
    return p.tekun


def _tekun_care(ctx: InjectContext, p: Person) -> dict[str, Any]:
    """供养方式, 自理能力, 是否有人照料 and 赡养协议 of a 特困供养 person (nothing for anyone else)."""
    cache = vars(ctx).setdefault("_members_care", {})
    if id(p) not in cache:
        if not p.tekun:
            cache[id(p)] = {}
        elif ctx.rng.random() < 0.7:
            cared = ctx.rng.random() < 0.5
            cache[id(p)] = {
                "support_mode": "分散供养",
                "care_ability": "自理",
                "has_caregiver": cared,
                "care_agreement": ctx.rng.choice(("已签订", "已签", "是")) if cared else None,
            }
        else:
            cache[id(p)] = {"support_mode": "集中供养", "care_ability": ctx.rng.choice(("自理", "半失能", "全失能"))}
    return cache[id(p)]


EXTRA_COLUMNS: dict[str, tuple[str, str, Callable[[InjectContext, Person], Any]]] = {
    "member_status": ("人员状态", "enum", _fill_status),
    "public_post": ("公益性岗位", "text", _fill_public_post),
    "edu_support": ("享受教育资助", "text", _fill_edu_support),
    "tekun_member": ("是否特困供养人员", "bool", _fill_tekun),
    "support_mode": ("供养方式", "enum", lambda ctx, p: _tekun_care(ctx, p).get("support_mode")),
    "care_ability": ("自理能力", "enum", lambda ctx, p: _tekun_care(ctx, p).get("care_ability")),
    "has_caregiver": ("是否有人照料", "bool", lambda ctx, p: _tekun_care(ctx, p).get("has_caregiver")),
    "care_agreement": ("赡养（置换）协议", "text", lambda ctx, p: _tekun_care(ctx, p).get("care_agreement")),
}
TEKUN_COLUMNS = ("tekun_member", "support_mode", "care_ability", "has_caregiver", "care_agreement")


def _ensure_columns(ctx: InjectContext, plan: SheetPlan, keys: Sequence[str]) -> None:
    """Add the member columns ``keys`` the sheet lacks, filled for every member from the person."""
    for key in keys:
        if key in _keys(plan):
            continue
        header, kind, fill = EXTRA_COLUMNS[key]
        numbered = re.match(r"^(\d+)\.", plan.cols[-1].header)
        if numbered:
            header = f"{int(numbered.group(1)) + 1}.{header}"
        plan.cols.append(Col(key, header, kind))
        for rec in _member_records(plan):
            if key not in rec.values and isinstance(rec.ref, Person):
                rec.values[key] = fill(ctx, rec.ref)


# ---------------------------------------------------------------- pensions
@injector("MB-PUPIL-PENSION")
def pupil_pension(ctx: InjectContext) -> Planned:
    """A 16–17-year-old 高中/中职 pupil ticked as insured in the 城乡居民养老保险 column."""
    opts = _member_options(ctx, lambda u, m: 2 <= _level(m) <= 4 and _age(m) >= 16, ("pension_ins",))
    opts = opts or _member_options(ctx, lambda u, m: 2 <= _level(m) <= 4, ("pension_ins",))
    unit, m = _choose(ctx, "MB-PUPIL-PENSION", opts)
    m.values["pension_ins"] = True
    return _on_member("MB-PUPIL-PENSION", unit, m, "pension_ins")


@injector("MB-MINOR-PENSION")
def minor_pension(ctx: InjectContext) -> Planned:
    """A 12–15-year-old ticked as insured (a pupil too, so MB-PUPIL-PENSION fires on the same cell)."""
    opts = _member_options(ctx, lambda u, m: 12 <= _age(m) < 16, ("pension_ins",))
    opts = opts or _member_options(ctx, lambda u, m: _age(m) < 16, ("pension_ins",))
    unit, m = _choose(ctx, "MB-MINOR-PENSION", opts)
    m.values["pension_ins"] = True
    return _on_member("MB-MINOR-PENSION", unit, m, "pension_ins")


@injector("MB-PENSION-NOT-INSURED")
def pension_not_insured(ctx: InjectContext) -> Planned:
    """A working-age adult not at school marked 否 for 养老保险."""
    opts = _member_options(ctx, lambda u, m: 16 <= _age(m) < 60 and _level(m) == 0, ("pension_ins",))
    unit, m = _choose(ctx, "MB-PENSION-NOT-INSURED", opts)
    m.values["pension_ins"] = False
    return _on_member("MB-PENSION-NOT-INSURED", unit, m, "pension_ins")


@injector("MB-ELDER-NO-PENSION")
def elder_no_pension(ctx: InjectContext) -> Planned:
    """A member over 60 marked 否 for 领取养老金."""
    unit, m = _choose(ctx, "MB-ELDER-NO-PENSION", _member_options(ctx, lambda u, m: _age(m) >= 61, ("pension_recv",)))
    m.values["pension_recv"] = False
    return _on_member("MB-ELDER-NO-PENSION", unit, m, "pension_recv")


# ---------------------------------------------------------------- schooling
def _compulsory(u: Unit, m: Record) -> bool:
    return 7 <= _age(m) <= 15 and _in_school(m)


@injector("MB-CHILD-OUT-OF-SCHOOL")
def child_out_of_school(ctx: InjectContext) -> Planned:
    """A 7–15-year-old written 辍学 or 非在校生, no reason given (HH-EXITED-CHILD-OUT-OF-SCHOOL follows)."""
    unit, m = _choose(ctx, "MB-CHILD-OUT-OF-SCHOOL", _member_options(ctx, _compulsory, ("school_status",)))
    m.values["school_status"] = ctx.rng.choice(("辍学", "非在校生", "辍学在家"))
    return _on_member("MB-CHILD-OUT-OF-SCHOOL", unit, m, "school_status")


@injector("MB-ADULT-STUDENT")
def adult_student(ctx: InjectContext) -> Planned:
    """A 30–50-year-old written as studying for a 大专 (an adult-education course, or 文化程度 in the wrong column)."""
    opts = _member_options(ctx, lambda u, m: 30 <= _age(m) <= 50 and _level(m) == 0, ("school_status",))
    unit, m = _choose(ctx, "MB-ADULT-STUDENT", opts)
    m.values["school_status"] = ctx.rng.choice(("大专", "大专在读", "高职"))
    return _on_member("MB-ADULT-STUDENT", unit, m, "school_status")


@injector("MB-SCHOOL-TOO-ADVANCED")
def school_too_advanced(ctx: InjectContext) -> Planned:
    """A 9–12-year-old pupil written 高一 (初一 mistyped, or an older sibling's grade)."""
    opts = _member_options(ctx, lambda u, m: 9 <= _age(m) <= 12 and _level(m) in (2, 3), ("school_status",))
    unit, m = _choose(ctx, "MB-SCHOOL-TOO-ADVANCED", opts)
    m.values["school_status"] = ctx.rng.choice(("高一", "高中一年级", "普通高中"))
    return _on_member("MB-SCHOOL-TOO-ADVANCED", unit, m, "school_status")


@injector("MB-SCHOOL-TOO-LOW")
def school_too_low(ctx: InjectContext) -> Planned:
    """A 16–19-year-old student still written as a primary pupil (the grade never updated)."""
    opts = _member_options(ctx, lambda u, m: 16 <= _age(m) <= 19 and _level(m) >= 4, ("school_status",))
    unit, m = _choose(ctx, "MB-SCHOOL-TOO-LOW", opts)
    m.values["school_status"] = ctx.rng.choice(("六年级", "小学六年级", "小学"))
    return _on_member("MB-SCHOOL-TOO-LOW", unit, m, "school_status")


@injector("MB-PRIMARY-AGE")
def primary_age(ctx: InjectContext) -> Planned:
    """A 15-year-old written as a primary pupil, or a 4–5-year-old already in 一年级."""
    opts = _member_options(ctx, lambda u, m: _age(m) == 15 and _level(m) >= 3, ("school_status",))
    if opts:
        unit, m = _choose(ctx, "MB-PRIMARY-AGE", opts)
        m.values["school_status"] = ctx.rng.choice(("六年级", "小学六年级"))
    else:
        opts = _member_options(ctx, lambda u, m: 4 <= _age(m) <= 5 and _level(m) == 1, ("school_status",))
        unit, m = _choose(ctx, "MB-PRIMARY-AGE", opts)
        m.values["school_status"] = "一年级"
    return _on_member("MB-PRIMARY-AGE", unit, m, "school_status")


@injector("MB-NO-EDUCATION")
def no_education(ctx: InjectContext) -> Planned:
    """文化程度 left blank for an adult who is not at school."""
    opts = _member_options(ctx, lambda u, m: _level(m) == 0 and _age(m) >= 18, ("education", "school_status"))
    unit, m = _choose(ctx, "MB-NO-EDUCATION", opts)
    m.values["education"] = None
    return _on_member("MB-NO-EDUCATION", unit, m, "education")


@injector("MB-YOUTH-LOW-EDUCATION")
def youth_low_education(ctx: InjectContext) -> Planned:
    """A 16–22-year-old whose 文化程度 reads 小学."""
    opts = _member_options(ctx, lambda u, m: 16 <= _age(m) <= 22 and _level(m) == 0, ("education",))
    opts = opts or _member_options(ctx, lambda u, m: 16 <= _age(m) <= 22, ("education",))
    unit, m = _choose(ctx, "MB-YOUTH-LOW-EDUCATION", opts)
    m.values["education"] = "小学"
    return _on_member("MB-YOUTH-LOW-EDUCATION", unit, m, "education")


@injector("MB-YULU-NOT-VOCATIONAL")
def yulu_not_vocational(ctx: InjectContext) -> Planned:
    """雨露计划 (for 中职/高职 students) recorded for a 普通高中 or 本科 student, or a pupil."""

    def ok(u: Unit, m: Record) -> bool:
        return _level(m) >= 2 and not _vocational(m)

    senior = _member_options(ctx, lambda u, m: ok(u, m) and _level(m) in (4, 6), ("school_status",))
    unit, m = _choose(ctx, "MB-YULU-NOT-VOCATIONAL", senior or _member_options(ctx, ok, ("school_status",)))
    _ensure_columns(ctx, unit.mem_plan, ("edu_support",))
    m.values["edu_support"] = ctx.rng.choice(("雨露计划", "雨露计划补助"))
    return _on_member("MB-YULU-NOT-VOCATIONAL", unit, m, "edu_support")


# ---------------------------------------------------------------- labour and work
@injector("MB-CHILD-LABOUR")
def child_labour(ctx: InjectContext) -> Planned:
    """A 12–15-year-old written as 弱劳动力 / 普通劳动力."""
    unit, m = _choose(ctx, "MB-CHILD-LABOUR", _member_options(ctx, lambda u, m: 12 <= _age(m) < 16, ("labour",)))
    m.values["labour"] = ctx.rng.choice(("弱劳动力或半劳动力", "普通劳动力"))
    return _on_member("MB-CHILD-LABOUR", unit, m, "labour")


@injector("MB-HEALTHY-NO-LABOUR")
def healthy_no_labour(ctx: InjectContext) -> Planned:
    """A healthy 20–55-year-old at home (no work months) written as 无劳动力."""

    def ok(u: Unit, m: Record) -> bool:
        return (
            20 <= _age(m) <= 55 and _level(m) == 0 and _health(m) == ["健康"] and _capacity(m) != "none"
        ) and _months(m) == 0

    unit, m = _choose(ctx, "MB-HEALTHY-NO-LABOUR", _member_options(ctx, ok, ("labour", "health")))
    m.values["labour"] = ctx.rng.choice(("无劳动力", "丧失劳动力"))
    return _on_member("MB-HEALTHY-NO-LABOUR", unit, m, "labour")


@injector("MB-NO-LABOUR-WORKING")
def no_labour_working(ctx: InjectContext) -> Planned:
    """An elder or invalid written 丧失/无劳动力 yet with months of local work (picking tea at the co-op)."""

    def ok(u: Unit, m: Record) -> bool:
        wage = u.hh.values.get("inc_wage")
        return _capacity(m) == "none" and _level(m) == 0 and isinstance(wage, int | float) and wage > 1000

    keys = ("labour", "work_months")
    opts = _member_options(ctx, ok, keys) or _member_options(ctx, lambda u, m: _capacity(m) == "none", keys)
    unit, m = _choose(ctx, "MB-NO-LABOUR-WORKING", opts)
    m.values.update(
        work_months=ctx.rng.randint(3, 8), work_place=ctx.rng.choice(LOCAL_WORK), work_status="乡（镇）内务工"
    )
    return _on_member("MB-NO-LABOUR-WORKING", unit, m, "work_months")


@injector("MB-WORK-MONTHS-RANGE")
def work_months_range(ctx: InjectContext) -> Planned:
    """务工时间 outside 0–12 months: days or a two-year figure typed, or half a month."""
    unit, m = _choose(ctx, "MB-WORK-MONTHS-RANGE", _member_options(ctx, lambda u, m: _months(m) >= 6, ("work_months",)))
    m.values["work_months"] = ctx.rng.choice((13, 15, 18, 24, 10.5, 8.5))
    return _on_member("MB-WORK-MONTHS-RANGE", unit, m, "work_months")


@injector("MB-WORK-NO-PLACE")
def work_no_place(ctx: InjectContext) -> Planned:
    """务工时间 filled, 务工地点 left blank."""
    opts = _member_options(ctx, lambda u, m: _months(m) > 0, ("work_months", "work_place"))
    unit, m = _choose(ctx, "MB-WORK-NO-PLACE", opts)
    m.values["work_place"] = None
    return _on_member("MB-WORK-NO-PLACE", unit, m, "work_place")


@injector("MB-CHILD-PUBLIC-POST")
def child_public_post(ctx: InjectContext) -> Planned:
    """A village 公益性岗位 (保洁员) booked under a 13–15-year-old child instead of the parent."""
    unit, m = _choose(ctx, "MB-CHILD-PUBLIC-POST", _member_options(ctx, lambda u, m: 13 <= _age(m) <= 15))
    _ensure_columns(ctx, unit.mem_plan, ("public_post",))
    m.values["public_post"] = ctx.rng.choice(("保洁员", "护林员", "村级保洁员"))
    return _on_member("MB-CHILD-PUBLIC-POST", unit, m, "public_post")


# ---------------------------------------------------------------- health and disability
def _disabled(m: Record) -> bool:
    return "残疾" in _health(m)


@injector("MB-DISABLED-NO-CERT")
def disabled_no_cert(ctx: InjectContext) -> Planned:
    """A disabled member with the 残疾证号 left blank."""
    opts = _member_options(ctx, lambda u, m: _disabled(m), ("health", "disability_cert"))
    unit, m = _choose(ctx, "MB-DISABLED-NO-CERT", opts)
    m.values["disability_cert"] = None
    return _on_member("MB-DISABLED-NO-CERT", unit, m, "disability_cert")


@injector("MB-CERT-BUT-HEALTHY")
def cert_but_healthy(ctx: InjectContext) -> Planned:
    """健康状况 written 健康 although the member holds a 残疾证 (the household's cause stays supported)."""

    def ok(u: Unit, m: Record) -> bool:
        others = [o for o in u.members if o is not m and _disabled(o)]
        return _health(m) == ["残疾"] and _capacity(m) != "none" and (u.household.main_cause != "因残" or bool(others))

    keys = ("health", "disability_cert")
    opts = _member_options(ctx, ok, keys)
    if opts:
        unit, m = _choose(ctx, "MB-CERT-BUT-HEALTHY", opts)
    else:  # a certificate number typed into a healthy relative's row
        opts = _member_options(ctx, lambda u, m: _health(m) == ["健康"] and _age(m) >= 18, keys)
        unit, m = _choose(ctx, "MB-CERT-BUT-HEALTHY", opts)
        m.values["disability_cert"] = disability_cert(m.values["id_no"], ctx.rng)
    m.values["health"] = "健康"
    return _on_member("MB-CERT-BUT-HEALTHY", unit, m, "health")


# ---------------------------------------------------------------- relations
SWAP_SEX = {
    "之子": "之女",
    "之女": "之子",
    "之孙子": "之孙女",
    "之孙女": "之孙子",
    "之外孙子": "之外孙女",
    "之外孙女": "之外孙子",
}
SWAP_GENERATION = {"之子": "之父", "之女": "之母", "之父": "之子", "之母": "之女"}


@injector("MB-RELATION-SEX")
def relation_sex(ctx: InjectContext) -> Planned:
    """A son written 之女 (or a granddaughter 之孙子): the relation is wrong, sex and ID agree."""
    opts = _member_options(ctx, lambda u, m: m.values.get("relation") in SWAP_SEX, ("relation", "sex"))
    unit, m = _choose(ctx, "MB-RELATION-SEX", opts)
    m.values["relation"] = SWAP_SEX[m.values["relation"]]
    return _on_member("MB-RELATION-SEX", unit, m, "relation")


@injector("MB-RELATION-AGE")
def relation_age(ctx: InjectContext) -> Planned:
    """The head's father written 之子 (or a son 之父): relations copied from another member's point of view."""
    opts = _member_options(ctx, lambda u, m: m.values.get("relation") in SWAP_GENERATION, ("relation",))
    unit, m = _choose(ctx, "MB-RELATION-AGE", opts)
    m.values["relation"] = SWAP_GENERATION[m.values["relation"]]
    return _on_member("MB-RELATION-AGE", unit, m, "relation")


@injector("MB-REQUIRED-EMPTY")
def required_empty(ctx: InjectContext) -> Planned:
    """民族 left blank for one member."""
    opts = _member_options(ctx, lambda u, m: bool(m.values.get("ethnicity")), ("ethnicity",))
    unit, m = _choose(ctx, "MB-REQUIRED-EMPTY", opts)
    m.values["ethnicity"] = None
    return _on_member("MB-REQUIRED-EMPTY", unit, m, "ethnicity")


# ---------------------------------------------------------------- social assistance and insurance
@injector("MB-DIBAO-EMPTY")
def dibao_empty(ctx: InjectContext) -> Planned:
    """是否享受低保 left blank for a member of a 一般 household."""
    opts = _member_options(ctx, lambda u, m: u.household.attr_base == "一般", ("dibao_member",))
    unit, m = _choose(ctx, "MB-DIBAO-EMPTY", opts)
    m.values["dibao_member"] = None
    return _on_member("MB-DIBAO-EMPTY", unit, m, "dibao_member")


@injector("MB-TEKUN-ABLE-BODIED")
def tekun_able_bodied(ctx: InjectContext) -> Planned:
    """A healthy 25–55-year-old ticked as 特困供养人员 (the tick meant for the old uncle on the next row)."""

    def ok(u: Unit, m: Record) -> bool:
        return 25 <= _age(m) <= 55 and _health(m) == ["健康"] and _level(m) == 0 and u.household.attr_base == "一般"

    unit, m = _choose(ctx, "MB-TEKUN-ABLE-BODIED", _member_options(ctx, ok))
    _ensure_columns(ctx, unit.mem_plan, ("tekun_member",))
    m.values["tekun_member"] = True
    return _on_member("MB-TEKUN-ABLE-BODIED", unit, m, "tekun_member")


def _tekun_options(ctx: InjectContext) -> list[tuple[Unit, Record]]:
    return _member_options(ctx, lambda u, m: _person(m).tekun and u.household.attr_base == "特困供养")


@injector("MB-TEKUN-SHOULD-CENTRAL")
def tekun_should_central(ctx: InjectContext) -> Planned:
    """A 特困 elder who can no longer look after himself (半失能/全失能) still 分散供养 at home."""
    unit, m = _choose(ctx, "MB-TEKUN-SHOULD-CENTRAL", _tekun_options(ctx))
    _ensure_columns(ctx, unit.mem_plan, TEKUN_COLUMNS)
    m.values.update(
        support_mode="分散供养",
        care_ability=ctx.rng.choice(("半失能", "全失能", "生活不能自理")),
        has_caregiver=True,
        care_agreement="已签订",
    )
    return _on_member("MB-TEKUN-SHOULD-CENTRAL", unit, m, "support_mode")


@injector("MB-TEKUN-NO-AGREEMENT")
def tekun_no_agreement(ctx: InjectContext) -> Planned:
    """A 分散供养 特困 elder looked after by a nephew, with no 赡养（置换）协议 signed."""
    unit, m = _choose(ctx, "MB-TEKUN-NO-AGREEMENT", _tekun_options(ctx))
    _ensure_columns(ctx, unit.mem_plan, TEKUN_COLUMNS)
    m.values.update(
        support_mode="分散供养",
        care_ability="自理",
        has_caregiver=True,
        care_agreement=ctx.rng.choice(("无", "未签订", None)),
    )
    return _on_member("MB-TEKUN-NO-AGREEMENT", unit, m, "care_agreement")


@injector("MB-NO-MED-INS")
def no_med_ins(ctx: InjectContext) -> Planned:
    """A member marked 否 for 城乡居民医保 (the exited household then fails HH-EXITED-NO-MED-INS too)."""
    unit, m = _choose(ctx, "MB-NO-MED-INS", _member_options(ctx, lambda u, m: True, ("med_ins",)))
    m.values["med_ins"] = False
    return _on_member("MB-NO-MED-INS", unit, m, "med_ins")


@injector("MB-MED-INS-EMPTY")
def med_ins_empty(ctx: InjectContext) -> Planned:
    """是否参加城乡居民基本医疗保险 left blank."""
    unit, m = _choose(ctx, "MB-MED-INS-EMPTY", _member_options(ctx, lambda u, m: True, ("med_ins",)))
    m.values["med_ins"] = None
    return _on_member("MB-MED-INS-EMPTY", unit, m, "med_ins")


@injector("MB-DEPARTED-COUNTED")
def departed_counted(ctx: InjectContext) -> Planned:
    """A member marked 死亡/婚出/迁出 in 人员状态 while 家庭人口数 still counts them (HH-SIZE-VS-MEMBERS follows)."""

    def ok(u: Unit, m: Record) -> bool:
        return not _is_head(m) and len(u.members) >= 2 and _age(m) >= 18 and "hh_size" in _keys(u.hh_plan)

    unit, m = _choose(ctx, "MB-DEPARTED-COUNTED", _member_options(ctx, ok))
    _ensure_columns(ctx, unit.mem_plan, ("member_status",))
    rel = m.values.get("relation")
    if _age(m) >= 70:
        status = ctx.rng.choice(("死亡", "已故"))
    elif rel in ("之女", "之孙女", "之外孙女"):
        status = "婚出"
    else:
        status = ctx.rng.choice(("迁出", "户口迁出"))
    m.values["member_status"] = status
    return _on_member("MB-DEPARTED-COUNTED", unit, m, "member_status")


# ---------------------------------------------------------------- household ↔ members
@injector("HH-SIZE-VS-MEMBERS")
def size_vs_members(ctx: InjectContext) -> Planned:
    """家庭人口数 one short of the members listed: a newborn or a bride added, the count not updated."""
    unit, _ = _choose(ctx, "HH-SIZE-VS-MEMBERS", _unit_options(ctx, lambda u: len(u.members) >= 2, ("hh_size",)))
    unit.hh.values["hh_size"] = len(unit.members) - 1
    _recompute_pc(unit)
    return _on_household("HH-SIZE-VS-MEMBERS", unit, "hh_size")


@injector("HH-NO-HEAD")
def no_head(ctx: InjectContext) -> Planned:
    """The 户主 died and was deleted from the members; nobody was made 户主 in his place."""

    def ok(u: Unit) -> bool:
        return len(u.members) >= 2 and _is_head(u.members[0]) and "hh_size" in _keys(u.hh_plan)

    unit, _ = _choose(ctx, "HH-NO-HEAD", _unit_options(ctx, ok, ("relation",)))
    head = unit.members[0]
    if unit.layout == "roster":
        unit.hh.members.remove(head)
    else:
        for section in unit.mem_plan.sections:
            if head in section.records:
                section.records.remove(head)
        unit.members.remove(head)
    unit.hh.values["hh_size"] = len(unit.members)
    _recompute_pc(unit)
    return _on_household("HH-NO-HEAD", unit, "head_name")


@injector("HH-MULTIPLE-HEADS")
def multiple_heads(ctx: InjectContext) -> Planned:
    """A married son (or the spouse) also written 户主: a 分户 never completed."""

    def ok(u: Unit) -> bool:
        return any(m.values.get("relation") in ("之子", "配偶") and _age(m) >= 22 for m in u.members[1:])

    unit, _ = _choose(ctx, "HH-MULTIPLE-HEADS", _unit_options(ctx, ok, ("relation",)))
    second = [m for m in unit.members[1:] if m.values.get("relation") in ("之子", "配偶") and _age(m) >= 22]
    m = second[ctx.rng.randrange(len(second))]
    m.values["relation"] = "户主"
    return _on_household("HH-MULTIPLE-HEADS", unit, "head_name", m)


SOUND_ALIKE = {
    "华": "化", "明": "民", "平": "萍", "军": "君", "伟": "玮", "林": "琳", "红": "宏", "兰": "岚", "英": "瑛",
    "芳": "方", "珍": "贞", "国": "帼", "成": "诚", "荣": "容", "春": "纯", "山": "珊", "德": "得", "生": "升",
    "云": "芸", "文": "雯", "玉": "钰", "金": "锦", "海": "凯", "秀": "琇", "凤": "风", "桂": "贵", "全": "泉",
}  # fmt: skip


@injector("HH-HEAD-NAME-MISMATCH")
def head_name_mismatch(ctx: InjectContext) -> Planned:
    """户主姓名 on the household row written with a sound-alike character (华→化)."""

    def ok(u: Unit) -> bool:
        name = str(u.hh.values.get("head_name") or "")
        return _is_head(u.members[0]) and any(c in SOUND_ALIKE for c in name[1:])

    unit, _ = _choose(ctx, "HH-HEAD-NAME-MISMATCH", _unit_options(ctx, ok, ("head_name", "name")))
    name = unit.hh.values["head_name"]
    i = max(i for i, c in enumerate(name) if i > 0 and c in SOUND_ALIKE)
    unit.hh.values["head_name"] = name[:i] + SOUND_ALIKE[name[i]] + name[i + 1 :]
    return _on_household("HH-HEAD-NAME-MISMATCH", unit, "head_name")


@injector("HH-HEAD-ID-MISMATCH")
def head_id_mismatch(ctx: InjectContext) -> Planned:
    """户主身份证号 on the 户表 is the spouse's (or an adult child's) number (户主 changed in one sheet only)."""

    def ok(u: Unit) -> bool:
        return _is_head(u.members[0]) and any(_age(m) >= 18 for m in u.members[1:])

    unit, _ = _choose(ctx, "HH-HEAD-ID-MISMATCH", _unit_options(ctx, ok, ("head_id", "id_no"), layout="split"))
    other = next(m for m in unit.members[1:] if _age(m) >= 18)
    unit.hh.values["head_id"] = other.values["id_no"]
    return _on_household("HH-HEAD-ID-MISMATCH", unit, "head_id")


@injector("HH-SPOUSE-SAME-SEX")
def spouse_same_sex(ctx: InjectContext) -> Planned:
    """The wife's 性别 written 男 like the head's (ID-SEX-MISMATCH fires on the same cell: the ID says 女)."""

    def ok(u: Unit, m: Record) -> bool:
        return m.values.get("relation") == "配偶" and _is_head(u.members[0])

    unit, m = _choose(ctx, "HH-SPOUSE-SAME-SEX", _member_options(ctx, ok, ("sex", "relation")))
    m.values["sex"] = unit.members[0].values["sex"]
    return _on_member("HH-SPOUSE-SAME-SEX", unit, m, "sex")


@injector("HH-DIBAO-NO-MEMBER")
def dibao_no_member(ctx: InjectContext) -> Planned:
    """A 低保 household whose members are all written 否 in 是否享受低保."""

    def ok(u: Unit) -> bool:
        return u.household.attr_base == "低保" and any(m.values.get("dibao_member") is True for m in u.members)

    unit, _ = _choose(ctx, "HH-DIBAO-NO-MEMBER", _unit_options(ctx, ok, ("dibao_member", "poor_attr")))
    changed = [m for m in unit.members if m.values.get("dibao_member") is True]
    for m in changed:
        m.values["dibao_member"] = False
    return _on_household("HH-DIBAO-NO-MEMBER", unit, "poor_attr", *changed)


@injector("HH-GENERAL-WITH-DIBAO-INCOME")
def general_with_dibao_income(ctx: InjectContext) -> Planned:
    """A 低保 household written 一般脱贫户 while its 低保金 stays in the income columns."""

    def ok(u: Unit) -> bool:
        return u.household.attr_base == "低保" and (u.hh.values.get("tr_dibao") or 0) > 0

    opts = _unit_options(ctx, ok, ("poor_attr", "tr_dibao"), layout="split")
    unit, _ = _choose(ctx, "HH-GENERAL-WITH-DIBAO-INCOME", opts)
    unit.hh.values["poor_attr"] = "一般脱贫户"
    return _on_household("HH-GENERAL-WITH-DIBAO-INCOME", unit, "poor_attr")


@injector("HH-GENERAL-WITH-DIBAO-MEMBER")
def general_with_dibao_member(ctx: InjectContext) -> Planned:
    """A member of a 一般 household ticked 享受低保 (no 低保金 in the income)."""

    def ok(u: Unit) -> bool:
        return u.household.attr_base == "一般" and not u.hh.values.get("tr_dibao")

    unit, _ = _choose(ctx, "HH-GENERAL-WITH-DIBAO-MEMBER", _unit_options(ctx, ok, ("dibao_member", "poor_attr")))
    elders = [m for m in unit.members if _age(m) >= 60 or _health(m) != ["健康"]] or unit.members
    m = elders[ctx.rng.randrange(len(elders))]
    m.values["dibao_member"] = True
    return _on_household("HH-GENERAL-WITH-DIBAO-MEMBER", unit, "poor_attr", m)


def _full_workers(u: Unit) -> list[Record]:
    return [m for m in u.members if 16 <= _age(m) <= 59 and _capacity(m) == "full"]


@injector("HH-TEKUN-WITH-LABOUR")
def tekun_with_labour(ctx: InjectContext) -> Planned:
    """A 一般 household with a working-age labourer written 特困供养脱贫户 (roster sheets: no 特困供养金 column)."""

    def ok(u: Unit) -> bool:
        return u.household.attr_base == "一般" and bool(_full_workers(u)) and "tr_tekun" not in _keys(u.hh_plan)

    opts = _unit_options(ctx, ok, ("poor_attr", "labour"))
    if not opts:  # a 户表 with 特困供养金: HH-TEKUN-NO-ALLOWANCE fires on the same row
        opts = _unit_options(ctx, lambda u: u.household.attr_base == "一般" and bool(_full_workers(u)), ("labour",))
    unit, _ = _choose(ctx, "HH-TEKUN-WITH-LABOUR", opts)
    unit.hh.values["poor_attr"] = ctx.rng.choice(("特困供养脱贫户", "五保脱贫户"))
    return _on_household("HH-TEKUN-WITH-LABOUR", unit, "poor_attr")


def _ill(m: Record) -> bool:
    return any(h in ("长期慢性病", "患有大病") for h in _health(m))


@injector("HH-ILLNESS-NO-PATIENT")
def illness_no_patient(ctx: InjectContext) -> Planned:
    """因病 household whose only chronically ill member is now written 健康 (the cause never revisited)."""

    def ok(u: Unit) -> bool:
        ill = [m for m in u.members if _ill(m)]
        return u.household.main_cause == "因病" and len(ill) == 1 and _health(ill[0]) == ["长期慢性病"]

    opts = _unit_options(ctx, ok, ("main_cause", "health"))
    if not opts:  # no such household: a 因残 household without an ill member, 因病 picked from the drop-down
        opts = _unit_options(
            ctx,
            lambda u: u.household.main_cause == "因残" and not any(_ill(m) for m in u.members),
            ("main_cause", "health"),
        )
        unit, _ = _choose(ctx, "HH-ILLNESS-NO-PATIENT", opts)
        _set_cause(unit, "因病")
        return _on_household("HH-ILLNESS-NO-PATIENT", unit, "main_cause")
    unit, _ = _choose(ctx, "HH-ILLNESS-NO-PATIENT", opts)
    m = next(m for m in unit.members if _ill(m))
    m.values["health"] = "健康"
    return _on_household("HH-ILLNESS-NO-PATIENT", unit, "main_cause", m)


def _graduate(m: Record) -> None:
    """The student left school last summer: 已毕业, insured, a labourer (the household's cause not updated)."""
    m.values.update(school_status="已毕业", pension_ins=True, labour="普通劳动力")


@injector("HH-STUDY-NO-STUDENT")
def study_no_student(ctx: InjectContext) -> Planned:
    """因学 household whose students (all 18 or older) have graduated."""

    def ok(u: Unit) -> bool:
        students = [m for m in u.members if _in_school(m)]
        return u.household.main_cause == "因学" and bool(students) and all(_age(m) >= 18 for m in students)

    opts = _unit_options(ctx, ok, ("main_cause", "school_status"))
    if not opts:  # no such household: one whose child left school last year is still written 因学
        opts = _unit_options(
            ctx,
            lambda u: not any(_in_school(m) for m in u.members) and any(18 <= _age(m) <= 25 for m in u.members),
            ("main_cause", "school_status"),
        )
        unit, _ = _choose(ctx, "HH-STUDY-NO-STUDENT", opts)
        _set_cause(unit, "因学", EDUCATION_MEASURES, "雨露计划")
        return _on_household("HH-STUDY-NO-STUDENT", unit, "main_cause")
    unit, _ = _choose(ctx, "HH-STUDY-NO-STUDENT", opts)
    changed = [m for m in unit.members if _in_school(m)]
    for m in changed:
        _graduate(m)
    return _on_household("HH-STUDY-NO-STUDENT", unit, "main_cause", *changed)


@injector("HH-STUDY-NO-HIGH-SCHOOL")
def study_no_high_school(ctx: InjectContext) -> Planned:
    """因学 household whose senior student graduated; only younger pupils are left at school."""

    def ok(u: Unit) -> bool:
        senior = [m for m in u.members if _level(m) >= 4]
        junior = [m for m in u.members if 2 <= _level(m) <= 3]
        return u.household.main_cause == "因学" and bool(junior) and bool(senior) and all(_age(m) >= 18 for m in senior)

    opts = _unit_options(ctx, ok, ("main_cause", "school_status"))
    if opts:
        unit, _ = _choose(ctx, "HH-STUDY-NO-HIGH-SCHOOL", opts)
        changed = [m for m in unit.members if _level(m) >= 4]
        for m in changed:
            _graduate(m)
        return _on_household("HH-STUDY-NO-HIGH-SCHOOL", unit, "main_cause", *changed)
    # no such household: a household with pupils only is written 因学
    opts = _unit_options(
        ctx,
        lambda u: any(2 <= _level(m) <= 3 for m in u.members) and not any(_level(m) >= 4 for m in u.members),
        ("main_cause", "school_status"),
    )
    unit, _ = _choose(ctx, "HH-STUDY-NO-HIGH-SCHOOL", opts)
    _set_cause(unit, "因学", EDUCATION_MEASURES, "教育资助")
    return _on_household("HH-STUDY-NO-HIGH-SCHOOL", unit, "main_cause")


@injector("HH-DISABILITY-NO-DISABLED")
def disability_no_disabled(ctx: InjectContext) -> Planned:
    """因残 household whose disabled member is written without 残疾 and without a certificate number."""

    def ok(u: Unit) -> bool:
        return u.household.main_cause == "因残" and sum(_disabled(m) for m in u.members) == 1

    opts = _unit_options(ctx, ok, ("main_cause", "health"))
    if not opts:  # no such household: a 因病 household without a disabled member, 因残 picked from the drop-down
        opts = _unit_options(
            ctx,
            lambda u: u.household.main_cause == "因病" and not any(_disabled(m) for m in u.members),
            ("main_cause", "health"),
        )
        unit, _ = _choose(ctx, "HH-DISABILITY-NO-DISABLED", opts)
        _set_cause(unit, "因残")
        return _on_household("HH-DISABILITY-NO-DISABLED", unit, "main_cause")
    unit, _ = _choose(ctx, "HH-DISABILITY-NO-DISABLED", opts)
    m = next(m for m in unit.members if _disabled(m))
    rest = [h for h in _health(m) if h != "残疾"]
    m.values["health"] = "、".join(rest) or "健康"
    m.values["disability_cert"] = None
    return _on_household("HH-DISABILITY-NO-DISABLED", unit, "main_cause", m)


MEASURE_FOR_LABOUR_SHORTAGE = (
    "公益岗位",
    "入股分红",
    "资产收益扶贫",
    "产业扶贫",
    "到户增收项目",
    "光伏扶贫",
    "转移就业",
)


@injector("HH-LABOUR-SHORTAGE-MANY-WORKERS")
def labour_shortage_many_workers(ctx: InjectContext) -> Planned:
    """A household back in poverty (返贫) put down to 缺劳力 although three or more members are full labourers."""

    def ok(u: Unit) -> bool:
        full = [m for m in u.members if _capacity(m) == "full"]
        return len(full) >= 3 and u.household.attr_base in ("一般", "低保") and u.household.main_cause != "缺劳力"

    unit, _ = _choose(
        ctx, "HH-LABOUR-SHORTAGE-MANY-WORKERS", _unit_options(ctx, ok, ("main_cause", "labour", "exit_status"))
    )
    v = unit.hh.values
    v["exit_status"] = "返贫"
    v["poor_attr"] = "低保贫困户" if unit.household.attr_base == "低保" else "一般贫困户"
    _set_cause(unit, "缺劳力", MEASURE_FOR_LABOUR_SHORTAGE, "公益岗位")
    return _on_household("HH-LABOUR-SHORTAGE-MANY-WORKERS", unit, "main_cause")


@injector("HH-EXITED-CHILD-OUT-OF-SCHOOL")
def exited_child_out_of_school(ctx: InjectContext) -> Planned:
    """An exited household's 7–15-year-old written 辍学 (MB-CHILD-OUT-OF-SCHOOL fires on the member row)."""
    opts = _member_options(ctx, _compulsory, ("school_status",))
    unit, m = _choose(
        ctx, "HH-EXITED-CHILD-OUT-OF-SCHOOL", [(u, m) for u, m in opts if "exit_status" in _keys(u.hh_plan)]
    )
    m.values["school_status"] = ctx.rng.choice(("辍学", "失学"))
    return _on_household("HH-EXITED-CHILD-OUT-OF-SCHOOL", unit, "exit_status", m)


@injector("HH-EXITED-NO-MED-INS")
def exited_no_med_ins(ctx: InjectContext) -> Planned:
    """An exited household's member (often one working away) marked 否 for 医保 (MB-NO-MED-INS on the member)."""
    opts = _member_options(ctx, lambda u, m: "exit_status" in _keys(u.hh_plan), ("med_ins",))
    workers = [(u, m) for u, m in opts if _months(m) > 0]
    unit, m = _choose(ctx, "HH-EXITED-NO-MED-INS", workers or opts)
    m.values["med_ins"] = False
    return _on_household("HH-EXITED-NO-MED-INS", unit, "exit_status", m)


@injector("HH-WAGE-WITHOUT-WORK")
def wage_without_work(ctx: InjectContext) -> Planned:
    """Wage income in the household row, but the workers' 务工时间 (and place) left at 0 / 无."""

    def ok(u: Unit) -> bool:
        wage = u.hh.values.get("inc_wage")
        return isinstance(wage, int | float) and wage > 0 and any(_months(m) > 0 for m in u.members)

    unit, _ = _choose(ctx, "HH-WAGE-WITHOUT-WORK", _unit_options(ctx, ok, ("inc_wage", "work_months")))
    changed = [m for m in unit.members if _months(m) > 0]
    for m in changed:
        m.values.update(work_months=0, work_place=None, work_status="无")
    return _on_household("HH-WAGE-WITHOUT-WORK", unit, "inc_wage", *changed)


@injector("HH-WORK-WITHOUT-WAGE")
def work_without_wage(ctx: InjectContext) -> Planned:
    """A member now works months locally (扶贫车间) but the household's wage income is still 0."""

    def able(m: Record) -> bool:
        return _capacity(m) != "none" and 18 <= _age(m) <= 64 and _level(m) == 0 and _months(m) == 0

    def ok(u: Unit) -> bool:
        return u.hh.values.get("inc_wage") == 0 and any(able(m) for m in u.members)

    unit, _ = _choose(ctx, "HH-WORK-WITHOUT-WAGE", _unit_options(ctx, ok, ("inc_wage", "work_months")))
    m = next(m for m in unit.members if able(m))
    m.values.update(
        work_months=ctx.rng.randint(3, 10), work_place=ctx.rng.choice(LOCAL_WORK), work_status="乡（镇）内务工"
    )
    return _on_household("HH-WORK-WITHOUT-WAGE", unit, "inc_wage", m)


@injector("HH-PENSION-WITHOUT-ELDER")
def pension_without_elder(ctx: InjectContext) -> Planned:
    """A household without anyone over 60 whose 计生奖扶/其他 transfer was typed in the 养老金 column."""
    sources = ("tr_family_planning", "tr_other", "tr_eco")

    def ok(u: Unit) -> bool:
        v = u.hh.values
        return all(_age(m) < 60 for m in u.members) and not v.get("tr_pension") and any(v.get(k) for k in sources)

    opts = _unit_options(ctx, ok, ("tr_pension", *sources), layout="split")
    unit, _ = _choose(ctx, "HH-PENSION-WITHOUT-ELDER", opts)
    v = unit.hh.values
    key = next(k for k in sources if v.get(k))
    v["tr_pension"], v[key] = v[key], 0
    return _on_household("HH-PENSION-WITHOUT-ELDER", unit, "tr_pension")


@injector("HH-ELDER-WITHOUT-PENSION")
def elder_without_pension(ctx: InjectContext) -> Planned:
    """A household with members over 60 whose 养老金 was booked under 其他转移性收入 (养老金 column 0)."""

    def ok(u: Unit) -> bool:
        return any(_age(m) >= 60 for m in u.members) and (u.hh.values.get("tr_pension") or 0) > 0

    opts = _unit_options(ctx, ok, ("tr_pension", "tr_other"), layout="split")
    unit, _ = _choose(ctx, "HH-ELDER-WITHOUT-PENSION", opts)
    v = unit.hh.values
    v["tr_other"], v["tr_pension"] = (v.get("tr_other") or 0) + v["tr_pension"], 0
    return _on_household("HH-ELDER-WITHOUT-PENSION", unit, "tr_pension")


@injector("RISK-SERIOUS-ILLNESS")
def serious_illness(ctx: InjectContext) -> Planned:
    """An exited household's member now written 患有大病 (a cancer or uraemia diagnosis this year)."""

    def ok(u: Unit, m: Record) -> bool:
        return "exit_status" in _keys(u.hh_plan) and _age(m) >= 30 and not _disabled(m)

    unit, m = _choose(ctx, "RISK-SERIOUS-ILLNESS", _member_options(ctx, ok, ("health",)))
    m.values["health"] = "患有大病"
    return _on_household("RISK-SERIOUS-ILLNESS", unit, "exit_status", m)


@injector("RISK-NO-LABOUR")
def no_labour(ctx: InjectContext) -> Planned:
    """The one member who could still work (an ageing 特困 elder or invalid) now written 丧失劳动力."""

    def ok(u: Unit) -> bool:
        able = [m for m in u.members if _capacity(m) != "none"]
        return (
            "exit_status" in _keys(u.hh_plan)
            and len(able) == 1
            and _months(able[0]) == 0
            and (_age(able[0]) >= 60 or _health(able[0]) != ["健康"])
        )

    unit, _ = _choose(ctx, "RISK-NO-LABOUR", _unit_options(ctx, ok, ("labour",)))
    m = next(m for m in unit.members if _capacity(m) != "none")
    m.values["labour"] = "丧失劳动力"
    return _on_household("RISK-NO-LABOUR", unit, "exit_status", m)


RULES = (
    "MB-PUPIL-PENSION", "MB-MINOR-PENSION", "MB-PENSION-NOT-INSURED", "MB-CHILD-OUT-OF-SCHOOL", "MB-ADULT-STUDENT",
    "MB-SCHOOL-TOO-ADVANCED", "MB-SCHOOL-TOO-LOW", "MB-PRIMARY-AGE", "MB-NO-EDUCATION", "MB-YOUTH-LOW-EDUCATION",
    "MB-CHILD-LABOUR", "MB-HEALTHY-NO-LABOUR", "MB-NO-LABOUR-WORKING", "MB-WORK-MONTHS-RANGE", "MB-WORK-NO-PLACE",
    "MB-DISABLED-NO-CERT", "MB-CERT-BUT-HEALTHY", "MB-RELATION-SEX", "MB-RELATION-AGE", "MB-REQUIRED-EMPTY",
    "MB-DIBAO-EMPTY", "MB-TEKUN-ABLE-BODIED", "MB-NO-MED-INS", "MB-MED-INS-EMPTY", "MB-ELDER-NO-PENSION",
    "MB-DEPARTED-COUNTED", "MB-CHILD-PUBLIC-POST", "MB-YULU-NOT-VOCATIONAL", "MB-TEKUN-SHOULD-CENTRAL",
    "MB-TEKUN-NO-AGREEMENT", "HH-SIZE-VS-MEMBERS", "HH-NO-HEAD", "HH-MULTIPLE-HEADS", "HH-HEAD-NAME-MISMATCH",
    "HH-HEAD-ID-MISMATCH", "HH-SPOUSE-SAME-SEX", "HH-DIBAO-NO-MEMBER", "HH-GENERAL-WITH-DIBAO-INCOME",
    "HH-GENERAL-WITH-DIBAO-MEMBER", "HH-TEKUN-WITH-LABOUR", "HH-ILLNESS-NO-PATIENT", "HH-STUDY-NO-STUDENT",
    "HH-STUDY-NO-HIGH-SCHOOL", "HH-DISABILITY-NO-DISABLED", "HH-LABOUR-SHORTAGE-MANY-WORKERS",
    "HH-EXITED-CHILD-OUT-OF-SCHOOL", "HH-EXITED-NO-MED-INS", "HH-WAGE-WITHOUT-WORK", "HH-WORK-WITHOUT-WAGE",
    "HH-PENSION-WITHOUT-ELDER", "HH-ELDER-WITHOUT-PENSION", "RISK-SERIOUS-ILLNESS", "RISK-NO-LABOUR",
)  # fmt: skip
"""The rule ids this module injects."""
