"""The sample responsibility roster (责任体系花名册（示例）.xlsx) of the county every sample is cut from.

All sample workbooks show parts of one county (:func:`sample_county`, the county
of the 全县综合台账): 沙窝镇 and 箭厂河乡 are two of its townships, the department
ledger and the finance ledger draw on its villages and households. The roster
lists that county's people by role (domain §2.4): every village's 村级脱贫责任组长
(a township cadre), 村支部书记, 第一书记 and 驻村工作队队长; every household's 帮扶责任人
and 包户村干部; every township's 包乡县领导 (the leader its problem items name),
书记, 乡镇长 (township cadres, who are the ledgers' 责任人), 分管副乡镇长, 扶贫专干 and
督查组; every unit the ledgers name, with head, 分管县领导 and 政策领域; 县纪委, 县委组织部
and the four 督查巡查组.

It is laid out the way a county office keeps it: title and 填报单位 rows, the
village sheet with a two-row header (驻村工作队 over 第一书记 / 队长) and the 乡镇
column merged down over its villages, the household sheet in township sections.

Deliberate problems: one per roster rule inside the roster (:func:`inject`), and
two the roster causes in the other samples — a village and a helper it leaves
out (:func:`pick_omissions`, :func:`cross_injections`).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from addin.ledger.definitions import default_catalog
from tests.samples.injectors import InjectContext, NoTarget, Planned
from tests.samples.layout import Col, Record, Section, SheetPlan, Style, WrittenSheet
from tests.samples.ledgers import Headers, decorate, numbered
from tests.samples.owners import COUNTY_WIDE, GROUP_NAMES, UNIT_AREAS, RosterPeople, roster_people, unit_codes
from tests.samples.people import AS_OF, County, Household, build_county

ROSTER_SAMPLE = "责任体系花名册（示例）.xlsx"
SAMPLE_COUNTY_SEED = 11
SAMPLE_HOUSEHOLDS = 400
"""The county of the samples: ``build_county(random.Random(11), 400)`` (the 全县综合台账's own)."""


ROSTER_RULES = (
    "RS-VILLAGE-NO-FIRST-SECRETARY",
    "RS-VILLAGE-NO-TEAM-LEADER",
    "RS-FIRST-SECRETARY-TWICE",
    "RS-VILLAGE-TWICE",
    "RS-TOWNSHIP-NO-LEADER",
    "RS-TOWNSHIP-NO-GROUP",
    "RS-DEPARTMENT-NO-HEAD",
    "RS-DEPARTMENT-NO-LEADER",
    "RS-DEPARTMENT-UNKNOWN-AREA",
    "RS-DISCIPLINE-NO-HEAD",
    "RS-HOUSEHOLD-NO-HELPER",
)
"""The rules a problem inside the roster triggers (one injection each)."""

CROSS_RULES = ("RS-VILLAGE-NOT-IN-ROSTER", "RS-HELPER-NOT-IN-ROSTER")
"""The rules the roster's omissions trigger in the household ledgers checked with it."""


def sample_county(as_of: dt.date = AS_OF) -> County:
    """A fresh copy of the samples' county (each sample changes its copy: loans, relocation …)."""
    return build_county(random.Random(SAMPLE_COUNTY_SEED), SAMPLE_HOUSEHOLDS, as_of=as_of)


def sub_county(county: County, township: str) -> County:
    """One township of the county, as a county of its own (a township's workbook)."""
    return County([county.township(township)], county.registry, county.county_leaders)


@dataclass(frozen=True)
class Omissions:
    """What the roster deliberately leaves out: one village, and every household of one helper."""

    village: tuple[str, str]  # (township, village)
    helper: str


def _kind(values: dict[str, Any], kind: str, ref: Any = None) -> Record:
    return Record({**values, "_kind": kind}, ref=ref)


# ---------------------------------------------------------------- the sheets
def _group(i: int, rng: random.Random) -> str:
    """The i-th 督查组 the way a roster writes it: 第一组 or 第一督查巡查组."""
    return f"{GROUP_NAMES[i % 4]}{rng.choice(('组', '督查巡查组', '组'))}"


def _villages_plan(
    county: County, people: RosterPeople, rng: random.Random, omit: Omissions, as_of: dt.date
) -> SheetPlan:
    h = Headers("roster_villages", rng, messy=True, numbered=False)
    cols = [
        Col("seq", h("seq"), "int", width=5),
        Col("township", h("township"), "text", household=True),
        Col("village", h("village"), "text"),
        Col("team_leader", h("team_leader"), "text", width=14),
        Col("party_secretary", h("party_secretary"), "text"),
        Col("first_secretary", "第一书记", "text", group="驻村工作队"),
        Col("work_team_leader", "队长", "text", group="驻村工作队"),
        Col("poor_village", h("poor_village"), "bool"),
    ]
    towns, seq = [], 0
    for t in county.townships:
        members = []
        for v in t.villages:
            key = (t.name, v.name)
            if key == omit.village:
                continue
            seq += 1
            values = {
                "seq": seq, "village": v.name, "team_leader": people.team_leaders[key],
                "party_secretary": people.secretaries[key], "first_secretary": v.first_secretary,
                "work_team_leader": people.work_leaders[key], "poor_village": rng.random() < 0.45,
            }  # fmt: skip
            members.append(_kind(values, "roster_villages", ref=v))
        town = Record({"township": t.name}, members=members, ref=t)
        towns.append(town)
    plan = SheetPlan("村级责任人", ("roster_villages",), cols, [Section(None, towns)], Style(rng, yes_no=("是", "否")))
    plan.header_depth, plan.roster = 2, "merged"
    return decorate(
        plan, rng, True, title="新县脱贫攻坚村级责任体系花名册", unit="人", reporter="县脱贫攻坚指挥部办公室",
        as_of=as_of, people=county.county_leaders, notes=("备注：第一书记兼任驻村工作队队长的，两栏填同一人。",),
        force={"attachment": "附件1", "subtitle": False, "meta": True, "column_numbers": False, "repeat": False,
               "blank": False, "footer": True, "notes": True},
    )  # fmt: skip


def _households_plan(
    county: County, people: RosterPeople, rng: random.Random, omit: Omissions, as_of: dt.date
) -> SheetPlan:
    h = Headers("roster_households", rng, messy=True, numbered=False)
    cols = [
        Col("seq", h("seq"), "int", width=5),
        Col("township", h("township"), "text"),
        Col("village", h("village"), "text"),
        Col("hh_no", h("hh_no"), "id", width=18),
        Col("head_name", h("head_name"), "text"),
        Col("head_id", h("head_id"), "id", width=20),
        Col("helper", "帮扶责任人", "text"),
        Col("helper_unit", h("helper_unit"), "text", width=16),
        Col("helper_title", h("helper_title"), "text"),
        Col("helper_phone", h("helper_phone"), "text", width=13),
        Col("village_cadre", h("village_cadre"), "text"),
    ]
    sections, seq = [], 0
    for i, t in enumerate(county.townships):
        records = []
        for hh in t.households:
            helper = hh.helper
            if helper is None or helper.name == omit.helper:
                continue
            seq += 1
            values = {
                "seq": seq, "township": t.name, "village": hh.village, "hh_no": hh.hh_no, "head_name": hh.head.name,
                "head_id": hh.head.id_no, "helper": helper.name, "helper_unit": helper.unit,
                "helper_title": helper.title, "helper_phone": helper.phone,
                "village_cadre": rng.choice(people.village_cadres[(t.name, hh.village)]),
            }  # fmt: skip
            records.append(_kind(values, "roster_households", ref=hh))
        sections.append(Section(numbered(t.name, i, len(records), "户"), records))
    plan = SheetPlan("帮扶责任人", ("roster_households",), cols, sections, Style(rng))
    return decorate(
        plan, rng, True, title="新县建档立卡户帮扶责任人及包户村干部花名册", unit="户、人",
        reporter="县脱贫攻坚指挥部办公室", as_of=as_of, people=county.county_leaders,
        force={"attachment": None, "subtitle": True, "meta": True, "column_numbers": False, "repeat": False,
               "blank": False, "footer": False, "notes": False},
    )  # fmt: skip


def _townships_plan(county: County, people: RosterPeople, rng: random.Random, as_of: dt.date) -> SheetPlan:
    h = Headers("roster_townships", rng, messy=True, numbered=False)
    keys = ("township", "county_leader", "secretary", "mayor", "deputy", "poverty_officer", "group")
    cols = [Col("seq", h("seq"), "int", width=5), *(Col(k, h(k), "text") for k in keys)]
    records = []
    for i, t in enumerate(county.townships):
        values = {
            "seq": i + 1, "township": t.name, "county_leader": t.leader, "secretary": t.cadres[0],
            "mayor": t.cadres[1], "deputy": t.cadres[2], "poverty_officer": t.cadres[3], "group": _group(i, rng),
        }  # fmt: skip
        records.append(_kind(values, "roster_townships", ref=t))
    plan = SheetPlan("乡镇领导", ("roster_townships",), cols, [Section(None, records)], Style(rng))
    return decorate(
        plan, rng, True, title="新县乡镇脱贫攻坚责任人名单", unit="人", reporter="县脱贫攻坚指挥部办公室",
        as_of=as_of, people=county.county_leaders,
        force={"attachment": None, "subtitle": False, "meta": False, "footer": False, "notes": False,
               "repeat": False, "blank": False, "column_numbers": False},
    )  # fmt: skip


def _areas(unit: str, rng: random.Random) -> str:
    """A unit's 政策领域: category codes or names, as the county writes them."""
    if unit in UNIT_AREAS:
        return UNIT_AREAS[unit]
    codes = unit_codes(unit)
    categories = default_catalog().code_list("problem_category")
    names = [next(v.synonyms[0] for v in categories.values if v.code == c) if rng.random() < 0.3 else c for c in codes]
    return "、".join(names)


def _departments_plan(county: County, people: RosterPeople, rng: random.Random, as_of: dt.date) -> SheetPlan:
    h = Headers("roster_departments", rng, messy=True, numbered=False)
    cols = [
        Col("seq", h("seq"), "int", width=5),
        Col("department", h("department"), "text", width=16),
        Col("head", h("head"), "text"),
        Col("county_leader", h("county_leader"), "text"),
        Col("policy_areas", h("policy_areas"), "text", width=20),
        Col("group", h("group"), "text"),
    ]
    records = []
    for i, unit in enumerate(people.units):
        values = {
            "seq": i + 1, "department": unit, "head": people.heads[unit], "county_leader": people.unit_leaders[unit],
            "policy_areas": _areas(unit, rng), "group": _group(i, rng),
        }  # fmt: skip
        records.append(_kind(values, "roster_departments"))
    plan = SheetPlan("责任单位", ("roster_departments",), cols, [Section(None, records)], Style(rng))
    return decorate(
        plan, rng, True, title="新县脱贫攻坚责任单位名单", unit="个", reporter="县脱贫攻坚指挥部办公室",
        as_of=as_of, people=county.county_leaders,
        force={"attachment": None, "subtitle": False, "meta": False, "footer": False, "notes": False,
               "repeat": False, "blank": False, "column_numbers": False},
    )  # fmt: skip


def _discipline_plan(county: County, people: RosterPeople, rng: random.Random, as_of: dt.date) -> SheetPlan:
    h = Headers("roster_discipline", rng, messy=True, numbered=False)
    keys = ("body", "head", "contact", "phone", "covers")
    cols = [Col("seq", h("seq"), "int", width=5)]
    cols += [Col(k, h(k), "text", width=30 if k == "covers" else None) for k in keys]
    records = []
    for body, (head, contact, phone) in people.bodies.items():
        values = {"body": body, "head": head, "contact": contact, "phone": phone, "covers": None}
        records.append(_kind(values, "roster_discipline"))
    for g, name in enumerate(GROUP_NAMES):
        towns = [t.name for i, t in enumerate(county.townships) if i % 4 == g]
        units = [u for i, u in enumerate(people.units) if i % 4 == g]
        contact, phone = people.group_contacts[g]
        values = {
            "body": f"{name}督查巡查组", "head": people.group_heads[g], "contact": contact, "phone": phone,
            "covers": "、".join([*towns, *units]),
        }  # fmt: skip
        records.append(_kind(values, "roster_discipline"))
    for i, rec in enumerate(records, start=1):
        rec.values["seq"] = i
    plan = SheetPlan("督查问责机构", ("roster_discipline",), cols, [Section(None, records)], Style(rng))
    return decorate(
        plan, rng, True, title="“责任一级一级到人”督查问责机构名单", unit="", reporter="县脱贫攻坚指挥部办公室",
        as_of=as_of, people=county.county_leaders, notes=("备注：督查范围空着的，负责全县。",),
        force={"attachment": None, "subtitle": False, "meta": False, "footer": False, "notes": True,
               "repeat": False, "blank": False, "column_numbers": False},
    )  # fmt: skip


def roster_plans(county: County, rng: random.Random, omit: Omissions, *, as_of: dt.date) -> list[SheetPlan]:
    """The five roster sheets of ``county``, leaving out what ``omit`` names."""
    people = roster_people(county)
    return [
        _villages_plan(county, people, rng, omit, as_of),
        _households_plan(county, people, rng, omit, as_of),
        _townships_plan(county, people, rng, as_of),
        _departments_plan(county, people, rng, as_of),
        _discipline_plan(county, people, rng, as_of),
    ]


# ---------------------------------------------------------------- problems inside the roster
def _blank(ctx: InjectContext, rule: str, kind: str, key: str, where: Any = None) -> Planned:
    """One filled cell left empty."""
    plan, rec, _ = ctx.choose(ctx.targets(((kind, key),), where), rule)
    rec.raw[key] = None
    return Planned(rule, plan, rec, key, taint=[rec])


def _first_secretary_twice(ctx: InjectContext) -> Planned:
    """One village's 第一书记 typed again for another village (a copy-paste slip)."""
    options = ctx.targets((("roster_villages", "first_secretary"),))
    plan, rec, key = ctx.choose(options, "RS-FIRST-SECRETARY-TWICE")
    other = next(r for p, r, _ in options if r is not rec and r.rid not in ctx.used)
    ctx.used.add(other.rid)
    rec.raw[key] = other.values[key]
    return Planned("RS-FIRST-SECRETARY-TWICE", plan, rec, key, taint=[rec, other])


def _village_twice(ctx: InjectContext) -> Planned:
    """A village listed a second time under its township (a new 村支部书记 added, the old row kept)."""
    plan, rec, _ = ctx.choose(ctx.targets((("roster_villages", "village"),)), "RS-VILLAGE-TWICE")
    town = next(t for t in plan.records if rec in t.members)
    dup = Record({**rec.values, "party_secretary": ctx.rng.choice(("程德胜", "易国平", "舒建华"))}, ref=rec.ref)
    ctx.used.add(dup.rid)
    town.members.append(dup)
    return Planned("RS-VILLAGE-TWICE", plan, dup, "village", taint=[rec, dup])


def _unknown_area(ctx: InjectContext) -> Planned:
    plan, rec, key = ctx.choose(ctx.targets((("roster_departments", "policy_areas"),)), "RS-DEPARTMENT-UNKNOWN-AREA")
    rec.raw[key] = f"{rec.values[key]}、招商引资"
    return Planned("RS-DEPARTMENT-UNKNOWN-AREA", plan, rec, key, taint=[rec])


def inject(plans: Sequence[SheetPlan], rng: random.Random, as_of: dt.date) -> list[Planned]:
    """One problem for each rule of :data:`ROSTER_RULES`."""
    ctx = InjectContext(list(plans), rng, as_of)
    helpers: dict[str, int] = {}
    for _, rec in ctx.records("roster_households"):
        helpers[rec.values["helper"]] = helpers.get(rec.values["helper"], 0) + 1

    def shared_helper(plan: SheetPlan, rec: Record, key: str) -> bool:
        # The helper keeps other households in the roster, so the ledgers still find him.
        return helpers[rec.values["helper"]] >= 2

    def group_body(plan: SheetPlan, rec: Record, key: str) -> bool:
        return rec.values["body"] not in COUNTY_WIDE

    planned = [
        _blank(ctx, "RS-VILLAGE-NO-FIRST-SECRETARY", "roster_villages", "first_secretary"),
        _blank(ctx, "RS-VILLAGE-NO-TEAM-LEADER", "roster_villages", "team_leader"),
        _first_secretary_twice(ctx),
        _village_twice(ctx),
        _blank(ctx, "RS-TOWNSHIP-NO-LEADER", "roster_townships", "county_leader"),
        _blank(ctx, "RS-TOWNSHIP-NO-GROUP", "roster_townships", "group"),
        _blank(ctx, "RS-DEPARTMENT-NO-HEAD", "roster_departments", "head"),
        _blank(ctx, "RS-DEPARTMENT-NO-LEADER", "roster_departments", "county_leader"),
        _unknown_area(ctx),
        _blank(ctx, "RS-DISCIPLINE-NO-HEAD", "roster_discipline", "head", group_body),
        _blank(ctx, "RS-HOUSEHOLD-NO-HELPER", "roster_households", "helper", shared_helper),
    ]
    assert [p.rule for p in planned] == list(ROSTER_RULES)
    return planned


# ---------------------------------------------------------------- what the roster leaves out
def _households_of(sample: Any) -> Iterable[tuple[SheetPlan, WrittenSheet, Record]]:
    """Household records of a built sample (``Sample.plans``/``Sample.written``), in sheet order."""
    for plan in sample.plans:
        if isinstance(plan, SheetPlan) and "households" in plan.kinds:
            written = sample.written[plan.name]
            recs = [r for r in plan.records if r.values.get("_kind") == "households"]
            yield from ((plan, written, r) for r in sorted(recs, key=lambda r: written.row_of[r.rid]))


PLACE_KEYS = frozenset({"township", "village", "helper", "hh_no"})


def _untouched(samples: Sequence[Any], households: Sequence[Household]) -> bool:
    """No sample's injection changed where these households are, who helps them, or which row is the head's
    (the cells the cross-sheet rules read), nor copied one of them."""
    wanted = {h.hh_no for h in households}
    for sample in samples:
        seen: set[str] = set()
        for _, _, rec in _households_of(sample):
            hh_no = rec.values.get("hh_no")
            if hh_no not in wanted:
                continue
            if hh_no in seen or PLACE_KEYS & rec.raw.keys() or any("relation" in m.raw for m in rec.members):
                return False
            seen.add(hh_no)
    return True


def pick_omissions(county: County, samples: Sequence[Any], rng: random.Random) -> Omissions:
    """A village of 沙窝镇 and a helper of 箭厂河乡 (townships with a sample of their own) whose households no
    sample's injection moved, reassigned or copied."""
    shawo = county.township("沙窝镇")
    villages = [v for v in shawo.villages if _untouched(samples, v.households)]
    town = county.township("箭厂河乡")
    helpers = [h for h in town.helpers if len(h.households) >= 2 and _untouched(samples, h.households)]
    if not villages or not helpers:
        raise NoTarget("roster omissions: every candidate village or helper is touched by an injection")
    village = rng.choice(villages)
    return Omissions((shawo.name, village.name), rng.choice(helpers).name)


def cross_injections(samples: Sequence[Any], omit: Omissions) -> list[dict[str, Any]]:
    """Where the omissions show when each sample is checked with the roster: the first row, per sheet,
    of the left-out village and of the left-out helper's households (the rules report each once)."""
    found: list[dict[str, Any]] = []
    for sample in samples:
        seen: set[tuple[str, str]] = set()
        for plan, written, rec in _households_of(sample):
            values = {**rec.values, **rec.raw}
            place = (values.get("township"), values.get("village"))
            hits = (
                ("RS-VILLAGE-NOT-IN-ROSTER", "village", place == omit.village),
                ("RS-HELPER-NOT-IN-ROSTER", "helper", values.get("helper") == omit.helper),
            )
            for rule, key, hit in hits:
                if hit and (plan.name, rule) not in seen:
                    seen.add((plan.name, rule))
                    cell = written.cell(rec, key)
                    found.append({"file": sample.path.name, "rule": rule, "sheet": plan.name, "cell": cell,
                                  "row": written.row_of[rec.rid]})  # fmt: skip
    return found
