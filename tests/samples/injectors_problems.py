"""Injectors of the rectification ledger (问题整改台账, ZG-01 … ZG-25) and of the generic and ID rules left.

Problems-ledger injectors change one item of the 问题整改台账 the way a township
clerk gets it wrong: a cell left blank, a deadline that is no date, an item marked
已完成 without date or evidence, a 立行立改 item still open weeks later. Each
picks an unused item whose status fits (an open item for 逾期, a finished one for
完成时间 problems) and changes only what the rule is about, so the row trips its
own rule and, where the rules overlap by design, only rules of the same row.

The generic injectors change the shape of a sheet: a required column left out
(ALL-01), a column that appears twice with one disagreeing cell (ALL-02), a money
column whose header lost its unit while one row was typed in 万元 (ALL-11). Their
findings name the header row (and, for ALL-11, the header cell), so their
:class:`Planned` resolves through the written header rows instead of a record.

GEN-UNKNOWN-VILLAGE is not injected: it needs a village list in the settings.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.utils import get_column_letter

from addin.ledger.definitions import default_catalog
from addin.ledger.idcard import PROVINCE_CODES, check_digit
from addin.ledger.text import header_key
from tests.samples.content import deadline_date
from tests.samples.injectors import (
    CHILD_RELATIONS,
    ID_SPOTS,
    InjectContext,
    Injection,
    NoTarget,
    Planned,
    _keys,
    _safe_id,
    _taint,
    injector,
)
from tests.samples.layout import Col, Record, SheetPlan, WrittenSheet
from tests.samples.people import Person

CATALOG = default_catalog()

Values = dict[str, Any]


# ---------------------------------------------------------------- helpers
def _items(
    ctx: InjectContext,
    *,
    status: Sequence[str] | None = None,
    need: Sequence[str] = (),
    where: Callable[[Values], bool] | None = None,
) -> list[tuple[SheetPlan, Record, str]]:
    """Unused rectification items with one of ``status``, on sheets having the ``need`` columns."""

    def ok(plan: SheetPlan, rec: Record, key: str) -> bool:
        v = rec.values
        if status is not None and v.get("status") not in status:
            return False
        if not set(need) <= _keys(plan) or any(k in rec.raw for k in need):
            return False
        return where is None or where(v)

    return ctx.targets((("problems", "description"),), ok)


def _item(ctx: InjectContext, rule: str, *attempts: dict[str, Any]) -> tuple[SheetPlan, Record]:
    """The first attempt (keyword arguments of :func:`_items`) that finds an item wins."""
    for attempt in attempts:
        options = _items(ctx, **attempt)
        if options:
            plan, rec, _ = ctx.choose(options, rule)
            return plan, rec
    raise NoTarget(f"{rule}: no suitable rectification item")


def _date(value: Any) -> dt.date | None:
    return value if isinstance(value, dt.date) else None


def _between(ctx: InjectContext, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=ctx.rng.randint(0, max(0, (end - start).days)))


def _progress_done(d: dt.date) -> str:
    return f"已于{d.month}月{d.day}日整改到位，经复查无反弹"


DONE = ("已完成", "已销号")
OPEN = ("整改中",)


def _dated(v: Values) -> bool:
    """A date (or "X月底前") deadline, not 立行立改 or 长期坚持."""
    return deadline_date(v.get("deadline")) is not None


# ---------------------------------------------------------------- blank cells (ZG-01, 02, 03, 04, 06, 07, 20, 22)
def _blank(ctx: InjectContext, rule: str, key: str, **attempt: Any) -> Planned:
    plan, rec = _item(ctx, rule, {"need": (key,), "where": lambda v: bool(v.get(key)), **attempt})
    rec.raw[key] = None
    return Planned(rule, plan, rec, key, taint=[rec])


@injector("PR-NO-DESCRIPTION")
def no_description(ctx: InjectContext) -> Planned:
    """问题描述 left blank (the row was numbered and filled in, but the problem itself never typed)."""
    return _blank(ctx, "PR-NO-DESCRIPTION", "description")


@injector("PR-NO-RESP-UNIT")
def no_resp_unit(ctx: InjectContext) -> Planned:
    """责任单位 left blank (and no 牵头单位 on a township ledger)."""
    plan, rec = _item(
        ctx,
        "PR-NO-RESP-UNIT",
        {"need": ("resp_unit",), "where": lambda v: bool(v.get("resp_unit"))},
    )
    if "lead_unit" in _keys(plan):
        rec.raw["lead_unit"] = None
    rec.raw["resp_unit"] = None
    return Planned("PR-NO-RESP-UNIT", plan, rec, "resp_unit", taint=[rec])


@injector("PR-NO-RESP-PERSON")
def no_resp_person(ctx: InjectContext) -> Planned:
    """责任人 left blank."""
    return _blank(ctx, "PR-NO-RESP-PERSON", "resp_person")


@injector("PR-NO-LEADER")
def no_leader(ctx: InjectContext) -> Planned:
    """责任领导 left blank."""
    return _blank(ctx, "PR-NO-LEADER", "resp_leader")


@injector("PR-NO-MEASURES")
def no_measures(ctx: InjectContext) -> Planned:
    """整改措施 left blank on an item that is still being worked on."""
    return _blank(ctx, "PR-NO-MEASURES", "measures", status=("整改中", "已完成", "已销号", "未整改"))


@injector("PR-NO-DEADLINE")
def no_deadline(ctx: InjectContext) -> Planned:
    """整改时限 left blank on an ordinary (not 长期坚持, not 不属实) item."""
    return _blank(ctx, "PR-NO-DEADLINE", "deadline", status=("整改中", "已完成", "已销号", "未整改"))


@injector("PR-VILLAGE-NO-TOWNSHIP")
def village_no_township(ctx: InjectContext) -> Planned:
    """The village is filled in, the township column left blank."""
    return _blank(ctx, "PR-VILLAGE-NO-TOWNSHIP", "township", need=("township", "village"))


@injector("PR-NO-SOURCE")
def no_source(ctx: InjectContext) -> Planned:
    """问题来源 left blank."""
    return _blank(ctx, "PR-NO-SOURCE", "source")


UNMAPPED_CATEGORIES = ("两不愁三保障", "群众认可度", "考核反馈问题", "巡察发现问题", "日常监管")


@injector("PR-CATEGORY-UNMAPPED")
def category_unmapped(ctx: InjectContext) -> Planned:
    """问题类别 holds the inspection item or the source instead of a category."""
    plan, rec = _item(ctx, "PR-CATEGORY-UNMAPPED", {"need": ("category",)})
    rec.raw["category"] = ctx.rng.choice(UNMAPPED_CATEGORIES)
    return Planned("PR-CATEGORY-UNMAPPED", plan, rec, "category", taint=[rec])


# ---------------------------------------------------------------- who is responsible (ZG-05)
@injector("PR-PERSON-NOT-INDIVIDUAL")
def person_not_individual(ctx: InjectContext) -> Planned:
    """责任人 names a body or a post, not a person: 村两委, 驻村工作队, 包村干部 …"""
    plan, rec = _item(ctx, "PR-PERSON-NOT-INDIVIDUAL", {"need": ("resp_person",)})
    v = rec.values
    options = ["驻村工作队", "包村干部", f"{v['township']}人民政府"]
    if v.get("village"):
        options += [f"{v['village']}两委", f"{v['village']}委会"]
    rec.raw["resp_person"] = ctx.rng.choice(options)
    return Planned("PR-PERSON-NOT-INDIVIDUAL", plan, rec, "resp_person", taint=[rec])


# ---------------------------------------------------------------- measures (ZG-06, ZG-17)
VAGUE_MEASURES = (
    "高度重视，立即整改",
    "高度重视，认真整改，举一反三",
    "立即整改到位",
    "举一反三，切实抓好整改落实",
    "进一步加强领导，确保整改到位",
)


@injector("PR-VAGUE-MEASURES")
def vague_measures(ctx: InjectContext) -> Planned:
    """整改措施 made of stock phrases only: 高度重视，立即整改，举一反三."""
    plan, rec = _item(
        ctx, "PR-VAGUE-MEASURES", {"need": ("measures",), "status": ("整改中", "已完成", "已销号", "未整改")}
    )
    rec.raw["measures"] = ctx.rng.choice(VAGUE_MEASURES)
    return Planned("PR-VAGUE-MEASURES", plan, rec, "measures", taint=[rec])


LONG_TERM_NO_STAGES = (
    "建立长效机制，压实村两委和驻村工作队责任，持续跟踪整改成效，防止问题反弹",
    "落实常态化监测帮扶，发现一户、帮扶一户，动态清零",
    "坚持问题导向，持续巩固整改成果，严防问题反弹回潮",
)


@injector("PR-LONG-TERM-NO-STAGES")
def long_term_no_stages(ctx: InjectContext) -> Planned:
    """A 长期坚持 item whose measures name no stage or date (每月、年底前、阶段 …)."""
    plan, rec = _item(ctx, "PR-LONG-TERM-NO-STAGES", {"need": ("measures",), "status": ("长期坚持",)})
    rec.raw["measures"] = ctx.rng.choice(LONG_TERM_NO_STAGES)
    if "progress_text" in _keys(plan):
        rec.raw["progress_text"] = "已建立工作台账，持续跟踪"
    return Planned("PR-LONG-TERM-NO-STAGES", plan, rec, "measures", taint=[rec])


# ---------------------------------------------------------------- deadlines (ZG-08, 09, 10, 24)
BAD_DEADLINES = ("尽快", "尽快完成", "按上级要求", "待定", "近期完成")


@injector("PR-BAD-DEADLINE")
def bad_deadline(ctx: InjectContext) -> Planned:
    """整改时限 that names no date: 尽快, 待定, 按上级要求."""
    plan, rec = _item(
        ctx,
        "PR-BAD-DEADLINE",
        {"need": ("deadline",), "status": ("整改中", "已完成", "已销号", "未整改"), "where": _dated},
    )
    rec.raw["deadline"] = ctx.rng.choice(BAD_DEADLINES)
    return Planned("PR-BAD-DEADLINE", plan, rec, "deadline", taint=[rec])


@injector("PR-DEADLINE-BEFORE-FOUND")
def deadline_before_found(ctx: InjectContext) -> Planned:
    """A deadline typed with last year's year: before the problem was even found."""

    def fits(v: Values) -> bool:
        found, due = _date(v.get("found_date")), deadline_date(v.get("deadline"))
        return found is not None and due is not None and due - dt.timedelta(days=366) < found

    plan, rec = _item(
        ctx,
        "PR-DEADLINE-BEFORE-FOUND",
        # 无需整改 items trip nothing else; a finished item also gets PR-DONE-LATE (a warning).
        {"need": ("deadline", "found_date"), "status": ("无需整改",), "where": fits},
        {"need": ("deadline", "found_date"), "status": DONE, "where": fits},
    )
    due = deadline_date(rec.values["deadline"])
    assert due is not None
    rec.values["deadline"] = due.replace(year=due.year - 1, day=min(due.day, 28) if due.month == 2 else due.day)
    return Planned("PR-DEADLINE-BEFORE-FOUND", plan, rec, "deadline", taint=[rec])


@injector("PR-OVERDUE")
def overdue(ctx: InjectContext) -> Planned:
    """Still 正在整改 after its deadline ("2024年5月底前")."""
    as_of = ctx.as_of

    def fits(v: Values) -> bool:
        found = _date(v.get("found_date"))
        return found is not None and found < as_of - dt.timedelta(days=45)

    plan, rec = _item(ctx, "PR-OVERDUE", {"need": ("deadline", "found_date"), "status": OPEN, "where": fits})
    found: dt.date = rec.values["found_date"]
    # The month end of a month after the found date and at least a fortnight before the as-of date.
    month = (found.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    last = (as_of.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    if as_of.day < 15:
        last = (last - dt.timedelta(days=1)).replace(day=1)
    months = []
    while month <= last:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    if months:
        m = ctx.rng.choice(months)
        rec.raw["deadline"] = ctx.rng.choice((f"{m.year}年{m.month}月底前", f"{m.year}年{m.month}月底"))
    else:
        rec.values["deadline"] = found + dt.timedelta(days=30)
    rec.raw["status"] = "正在整改"
    return Planned("PR-OVERDUE", plan, rec, "deadline", taint=[rec])


@injector("PR-IMMEDIATE-OVERDUE")
def immediate_overdue(ctx: InjectContext) -> Planned:
    """A 立行立改 item still 整改中 weeks after it was found (PR-OVERDUE fires on the same row too)."""
    as_of = ctx.as_of

    def found_between(days: tuple[int, int]) -> Callable[[Values], bool]:
        def fits(v: Values) -> bool:
            found = _date(v.get("found_date"))
            return found is not None and days[0] <= (as_of - found).days <= days[1]

        return fits

    need = ("deadline", "found_date", "status")
    plan, rec = _item(
        ctx,
        "PR-IMMEDIATE-OVERDUE",
        {"need": need, "status": OPEN, "where": found_between((14, 60))},  # found a few weeks ago
        {"need": need, "status": OPEN, "where": found_between((14, 10_000))},
    )
    rec.raw["deadline"] = "立行立改"
    return Planned("PR-IMMEDIATE-OVERDUE", plan, rec, "status", taint=[rec])


# ---------------------------------------------------------------- finished items (ZG-11 … 16, 18)
@injector("PR-DONE-NO-DATE")
def done_no_date(ctx: InjectContext) -> Planned:
    """已完成, but 完成时间 left blank."""
    return _blank(ctx, "PR-DONE-NO-DATE", "done_date", status=DONE)


@injector("PR-DONE-NO-EVIDENCE")
def done_no_evidence(ctx: InjectContext) -> Planned:
    """已完成, but no 佐证材料 listed."""
    return _blank(ctx, "PR-DONE-NO-EVIDENCE", "evidence", status=DONE)


@injector("PR-DONE-DATE-FUTURE")
def done_date_future(ctx: InjectContext) -> Planned:
    """完成时间 after the reporting date: the planned date typed where the actual one belongs."""
    as_of = ctx.as_of
    soon = as_of + dt.timedelta(days=10)

    def later_deadline(v: Values) -> bool:
        due = deadline_date(v.get("deadline"))
        return due is not None and due >= soon

    plan, rec = _item(
        ctx,
        "PR-DONE-DATE-FUTURE",
        {"need": ("done_date",), "status": ("已完成",), "where": later_deadline},
        {"need": ("done_date",), "status": ("已完成",), "where": _dated},  # also late: PR-DONE-LATE (warning)
    )
    due = deadline_date(rec.values["deadline"])
    assert due is not None
    rec.values["done_date"] = _between(ctx, as_of + dt.timedelta(days=5), max(soon, due))
    return Planned("PR-DONE-DATE-FUTURE", plan, rec, "done_date", taint=[rec])


@injector("PR-DONE-LATE")
def done_late(ctx: InjectContext) -> Planned:
    """Finished, but weeks after the deadline."""
    as_of = ctx.as_of

    def fits(v: Values) -> bool:
        due = deadline_date(v.get("deadline"))
        return due is not None and due + dt.timedelta(days=8) < as_of

    plan, rec = _item(ctx, "PR-DONE-LATE", {"need": ("done_date", "deadline"), "status": DONE, "where": fits})
    due = deadline_date(rec.values["deadline"])
    assert due is not None
    done = _between(ctx, due + dt.timedelta(days=5), min(due + dt.timedelta(days=60), as_of - dt.timedelta(days=2)))
    rec.values["done_date"] = done
    if rec.values.get("progress_text"):
        rec.values["progress_text"] = _progress_done(done)
    return Planned("PR-DONE-LATE", plan, rec, "done_date", taint=[rec])


@injector("PR-DONE-BEFORE-FOUND")
def done_before_found(ctx: InjectContext) -> Planned:
    """完成时间 before the problem was found (a slip of the month)."""
    plan, rec = _item(
        ctx,
        "PR-DONE-BEFORE-FOUND",
        {"need": ("done_date", "found_date"), "status": DONE, "where": lambda v: _date(v.get("found_date"))},
    )
    found: dt.date = rec.values["found_date"]
    done = found - dt.timedelta(days=ctx.rng.randint(3, 40))
    rec.values["done_date"] = done
    if rec.values.get("progress_text"):
        rec.values["progress_text"] = _progress_done(done)
    return Planned("PR-DONE-BEFORE-FOUND", plan, rec, "done_date", taint=[rec])


@injector("PR-CLOSED-NO-VERIFIER")
def closed_no_verifier(ctx: InjectContext) -> Planned:
    """已销号, but nobody signed the acceptance (验收人 blank)."""
    return _blank(ctx, "PR-CLOSED-NO-VERIFIER", "verifier", status=("已销号",))


STILL_GOING = (
    "已完成{n}户，剩余{m}户正在推进",
    "主体工程已完工，正在组织验收",
    "已制定整改方案，下一步将逐户落实",
    "已整改{n}户，尚有{m}户未完成",
)


@injector("PR-DONE-STILL-PROGRESSING")
def done_still_progressing(ctx: InjectContext) -> Planned:
    """Marked 已完成 while the progress text says the work goes on."""
    plan, rec = _item(ctx, "PR-DONE-STILL-PROGRESSING", {"need": ("progress_text",), "status": ("已完成",)})
    rec.raw["progress_text"] = ctx.rng.choice(STILL_GOING).format(n=ctx.rng.randint(3, 12), m=ctx.rng.randint(1, 4))
    return Planned("PR-DONE-STILL-PROGRESSING", plan, rec, "progress_text", taint=[rec])


# ---------------------------------------------------------------- status texts (ZG-19, ZG-25)
@injector("PR-UNDONE-WITH-DATE")
def undone_with_date(ctx: InjectContext) -> Planned:
    """未整改, yet a 完成时间 is filled in (the date the plan was made)."""
    as_of = ctx.as_of

    def fits(v: Values) -> bool:
        found = _date(v.get("found_date"))
        return found is not None and found < as_of - dt.timedelta(days=1)

    need = ("done_date", "found_date")
    plan, rec = _item(
        ctx,
        "PR-UNDONE-WITH-DATE",
        {"need": need, "status": ("未整改",), "where": fits},
        {"need": need, "status": OPEN, "where": fits},
    )
    found: dt.date = rec.values["found_date"]
    rec.values["status"] = "未整改"
    if "progress_text" in _keys(plan):
        rec.values["progress_text"] = "已制定整改方案，待组织实施"
    rec.values["done_date"] = _between(ctx, found + dt.timedelta(days=1), as_of - dt.timedelta(days=1))
    return Planned("PR-UNDONE-WITH-DATE", plan, rec, "done_date", taint=[rec])


@injector("PR-VOID-NO-REASON")
def void_no_reason(ctx: InjectContext) -> Planned:
    """不属实/无需整改 without a word why (备注 and 进展 blank)."""
    plan, rec = _item(
        ctx,
        "PR-VOID-NO-REASON",
        {"need": ("status",), "status": ("无需整改",)},
        {"need": ("status",), "status": OPEN},
    )
    v = rec.values
    v["status"] = "无需整改"
    for key in ("remark", "progress_text", "done_date", "evidence"):
        v[key] = None
    return Planned("PR-VOID-NO-REASON", plan, rec, "status", taint=[rec])


# ================================================================ generic rules
@dataclass
class HeaderPlanned(Planned):
    """A finding on the (last) header row of the sheet: at the header cell of ``key``, or the row only."""

    header_cell: bool = False

    def resolve(self, written: WrittenSheet) -> Injection:
        row = written.header_rows[-1]
        cell = f"{get_column_letter(written.col_of[self.key])}{row}" if self.header_cell and self.key else None
        return Injection(self.rule, written.name, cell, row)


def _all_records(plan: SheetPlan) -> list[Record]:
    return [r for rec in plan.records for r in (rec, *rec.members)]


# Required member columns whose absence no other rule turns into findings on the rows.
DROPPABLE = (("members", "ethnicity"), ("members", "pension_ins"))


@injector("GEN-MISSING-COLUMN")
def missing_column(ctx: InjectContext) -> Planned:
    """A roster sheet that leaves out a required column (民族, or 是否参加养老保险)."""
    options = []
    for plan in ctx.plans:
        records = _all_records(plan)
        if any(r.rid in ctx.used for r in records):
            continue  # an injection already lives on this sheet: leave its columns alone
        for kind, key in DROPPABLE:
            if kind in plan.kinds and key in _keys(plan) and not any(key in r.raw for r in records):
                options.append((plan, key))
    preferred = [o for o in options if o[0].kinds[0] in ctx.kinds] or options
    if not preferred:
        raise NoTarget("GEN-MISSING-COLUMN: no sheet can lose a column")
    plan, key = preferred[ctx.rng.randrange(len(preferred))]
    plan.cols = [c for c in plan.cols if c.key != key]
    return HeaderPlanned("GEN-MISSING-COLUMN", plan, None, key)


DUPLICATE_HEADERS = {"phone": ("责任人联系电话", "责任人电话", "手机号码")}


@injector("GEN-DUPLICATE-COLUMN")
def duplicate_column(ctx: InjectContext) -> Planned:
    """联系电话 twice on the rectification ledger; one 责任人 changed phone and only one column was updated."""
    key = "phone"
    dup_key = "_dup_phone"
    options = ctx.targets(
        (("problems", key),), lambda p, r, k: dup_key not in _keys(p) and isinstance(r.values.get(k), str)
    )
    plan, rec, _ = ctx.choose(options, "GEN-DUPLICATE-COLUMN")
    ledger = CATALOG.ledger(plan.kinds[0])
    field = ledger.field(key)
    primary = next(c.header for c in plan.cols if c.key == key)
    header = ctx.rng.choice([h for h in DUPLICATE_HEADERS[key] if header_key(h) != header_key(primary)])
    first = plan.cols[0].header
    if first[:1] == "1" and first[1:2] in ".、":
        header = f"{len(plan.cols) + 1}.{header}"
    assert ledger.match_header(header) is field, header
    plan.cols.append(Col(dup_key, header, "text", width=13))
    for r in plan.records:
        r.values[dup_key] = r.raw.get(key, r.values.get(key))
    old = rec.values[key]
    new = old
    while new == old:
        new = old[:3] + "".join(str(ctx.rng.randint(0, 9)) for _ in range(8))
    rec.values[dup_key] = new
    return Planned("GEN-DUPLICATE-COLUMN", plan, rec, dup_key, taint=[rec])


@injector("GEN-MONEY-UNIT")
def money_unit(ctx: InjectContext) -> Planned:
    """建房补助 without a unit in its header, one household's subsidy typed in 万元 (8 for 80 000)."""

    big: dict[int, int] = {}  # per sheet: subsidies above 10 000 (0 when a cell of the column was overridden)

    def large(plan: SheetPlan, key: str) -> int:
        if id(plan) not in big:
            recs = plan.records
            n = sum(1 for r in recs if isinstance(r.values.get(key), int | float) and r.values[key] > 10_000)
            big[id(plan)] = 0 if any(key in r.raw for r in recs) else n
        return big[id(plan)]

    def fits(plan: SheetPlan, rec: Record, key: str) -> bool:
        value = rec.values.get(key)
        return isinstance(value, int | float) and value > 10_000 and large(plan, key) >= 2

    plan, rec, key = ctx.choose(ctx.targets((("relocation", "subsidy"),), fits), "GEN-MONEY-UNIT")
    col = next(c for c in plan.cols if c.key == key)
    field = CATALOG.ledger(plan.kinds[0]).field(key)
    header = col.header
    for unit in ("（元）", "(元)", "（万元）", "(万元)"):
        header = header.replace(unit, "")
    header = header.replace("元", "").replace("万", "")
    if CATALOG.ledger(plan.kinds[0]).match_header(header) is not field:
        header = field.label
    col.header = header
    rec.values[key] = round(rec.values[key] / 10_000, 2)
    return HeaderPlanned("GEN-MONEY-UNIT", plan, rec, key, taint=[rec], header_cell=True)


# ---------------------------------------------------------------- dates, places, phones
@injector("GEN-EARLY-DATE")
def early_date(ctx: InjectContext) -> Planned:
    """发现时间 with the year typed 20 years early (2003 for 2023)."""
    plan, rec = _item(
        ctx,
        "GEN-EARLY-DATE",
        {"need": ("found_date",), "where": lambda v: _date(v.get("found_date")) and v.get("deadline") != "立行立改"},
    )
    d: dt.date = rec.values["found_date"]
    rec.values["found_date"] = d.replace(year=d.year - 20)
    return Planned("GEN-EARLY-DATE", plan, rec, "found_date", taint=[rec])


UNKNOWN_TOWNSHIPS = ("城关镇", "新集乡", "泼陂河镇", "沙窝乡")


@injector("GEN-UNKNOWN-TOWNSHIP")
def unknown_township(ctx: InjectContext) -> Planned:
    """A township the county list does not know: an old name (城关镇), a wrong suffix, a neighbour's."""
    plan, rec = _item(ctx, "GEN-UNKNOWN-TOWNSHIP", {"need": ("township",), "where": lambda v: bool(v.get("township"))})
    rec.raw["township"] = ctx.rng.choice([t for t in UNKNOWN_TOWNSHIPS if t[:2] != rec.values["township"][:2]])
    return Planned("GEN-UNKNOWN-TOWNSHIP", plan, rec, "township", taint=[rec])


PHONE_SPOTS = (("problems", "phone"), ("households", "phone"), ("households", "helper_phone"))


@injector("GEN-BAD-PHONE")
def bad_phone(ctx: InjectContext) -> Planned:
    """A mobile number one digit short, or with a digit too many."""
    plan, rec, key = ctx.choose(
        ctx.targets(PHONE_SPOTS, lambda p, r, k: isinstance(r.values.get(k), str) and len(r.values[k]) == 11),
        "GEN-BAD-PHONE",
    )
    phone: str = rec.values[key]
    i = ctx.rng.randint(3, 10)
    rec.raw[key] = phone[:i] + phone[i + 1 :] if ctx.rng.random() < 0.6 else phone[:i] + phone[i] + phone[i:]
    return Planned("GEN-BAD-PHONE", plan, rec, key, taint=[rec])


# ---------------------------------------------------------------- ID numbers
def _id_target(
    ctx: InjectContext, rule: str, where: Callable[[str], bool] = lambda s: True
) -> tuple[SheetPlan, Record, str]:
    ok = _safe_id(ctx)
    return ctx.choose(
        ctx.targets(ID_SPOTS, lambda p, r, k: ok(p, r, k) and isinstance(r.values[k], str) and where(r.values[k])),
        rule,
    )


def _with_household(ctx: InjectContext, records: list[Record]) -> list[Record]:
    """Add, for members of a 人员 sheet, their household's row on the 户表 (its checks read the members)."""
    out = list(records)
    for rec in records:
        if rec.values.get("_kind") != "members" or rec.values.get("_parent") is not None:
            continue
        for plan in ctx.plans:
            if "households" in plan.kinds:
                out += [h for h in plan.records if h.values.get("hh_no") == rec.values.get("hh_no")]
    return out


def _id_injection(rule: str, plan: SheetPlan, rec: Record, key: str, ctx: InjectContext, new: str) -> Planned:
    taint = _with_household(ctx, _taint(ctx, rec, key))
    rec.raw[key] = new
    return Planned(rule, plan, rec, key, taint=taint)


def _with_check(first17: str) -> str:
    return first17 + check_digit(first17)


@injector("ID-LENGTH")
def id_length(ctx: InjectContext) -> Planned:
    """One digit dropped (17 characters) or typed twice (19)."""
    plan, rec, key = _id_target(ctx, "ID-LENGTH")
    good: str = rec.values[key]
    i = ctx.rng.randint(6, 16)
    new = good[:i] + good[i + 1 :] if ctx.rng.random() < 0.6 else good[:i] + good[i] + good[i:]
    return _id_injection("ID-LENGTH", plan, rec, key, ctx, new)


@injector("ID-CHARS")
def id_chars(ctx: InjectContext) -> Planned:
    """The letter O typed for a zero in the birth date or sequence."""
    plan, rec, key = _id_target(ctx, "ID-CHARS", lambda s: "0" in s[6:17])
    good: str = rec.values[key]
    spots = [i for i in range(6, 17) if good[i] == "0"]
    i = ctx.rng.choice(spots)
    return _id_injection("ID-CHARS", plan, rec, key, ctx, good[:i] + "O" + good[i + 1 :])


@injector("ID-BIRTH")
def id_birth(ctx: InjectContext) -> Planned:
    """Day and month of the birth date swapped (yyyyddmm): no such month (check digit recomputed)."""
    plan, rec, key = _id_target(ctx, "ID-BIRTH", lambda s: int(s[12:14]) > 12)
    good: str = rec.values[key]
    new = _with_check(good[:10] + good[12:14] + good[10:12] + good[14:17])
    return _id_injection("ID-BIRTH", plan, rec, key, ctx, new)


@injector("ID-PROVINCE")
def id_province(ctx: InjectContext) -> Planned:
    """An address code whose first two digits name no province (41 → 47), check digit recomputed."""
    plan, rec, key = _id_target(ctx, "ID-PROVINCE")
    good: str = rec.values[key]
    bad = [f"{good[0]}{d}" for d in "0123456789" if f"{good[0]}{d}" not in PROVINCE_CODES]
    bad = bad or [f"9{good[1]}"]
    new = _with_check(ctx.rng.choice(bad) + good[2:17])
    return _id_injection("ID-PROVINCE", plan, rec, key, ctx, new)


@injector("ID-PLACEHOLDER")
def id_placeholder(ctx: InjectContext) -> Planned:
    """The ID was unknown: the county's address code padded with zeros."""
    plan, rec, key = _id_target(ctx, "ID-PLACEHOLDER")
    good: str = rec.values[key]
    return _id_injection("ID-PLACEHOLDER", plan, rec, key, ctx, good[:6] + "0" * 12)


# ---------------------------------------------------------------- members (birth column, IDs across households)
def _children(ctx: InjectContext, need: Sequence[str] = ("id_no",)) -> list[tuple[SheetPlan, Record]]:
    ok = _safe_id(ctx)
    out = []
    for plan, rec in ctx.records("members"):
        if rec.rid in ctx.used or not set(need) <= _keys(plan) or any(k in rec.raw for k in ("id_no", *need)):
            continue
        if rec.values.get("relation") in CHILD_RELATIONS and ok(plan, rec, "id_no"):
            out.append((plan, rec))
    return out


@injector("ID-BIRTH-MISMATCH")
def birth_mismatch(ctx: InjectContext) -> Planned:
    """出生日期 one year off the ID number's (the year typed wrong)."""
    plan, rec, key = ctx.choose(
        ctx.targets(
            (("members", "birth"),),
            lambda p, r, k: isinstance(r.values.get(k), dt.date) and "id_no" in _keys(p) and "id_no" not in r.raw,
        ),
        "ID-BIRTH-MISMATCH",
    )
    born: dt.date = rec.values[key]
    year = born.year + ctx.rng.choice((-1, 1))
    rec.values[key] = born.replace(year=year, day=min(born.day, 28))
    return Planned("ID-BIRTH-MISMATCH", plan, rec, key, taint=[rec])


@injector("ID-DUPLICATE-IN-HOUSEHOLD")
def duplicate_in_household(ctx: InjectContext) -> Planned:
    """A sibling's ID number copied onto the next child of the same household (same sex, close in age)."""
    groups: dict[tuple[int, str], list[tuple[SheetPlan, Record]]] = {}
    for plan, rec in _children(ctx):
        groups.setdefault((id(plan), rec.values["hh_no"]), []).append((plan, rec))
    pairs = []
    for members in groups.values():
        for i, (plan, a) in enumerate(members):
            for _, b in members[i + 1 :]:
                if a.values["sex"] == b.values["sex"]:
                    pairs.append((plan, a, b))
    if not pairs:
        raise NoTarget("ID-DUPLICATE-IN-HOUSEHOLD: no household with two children of one sex")
    pairs.sort(key=lambda t: abs(t[1].ref.born - t[2].ref.born) if t[1].ref and t[2].ref else dt.timedelta(0))
    plan, a, b = ctx.rng.choice(pairs[: max(3, len(pairs) // 4)])
    ctx.used.update((a.rid, b.rid))
    b.raw["id_no"] = a.values["id_no"]
    return Planned("ID-DUPLICATE-IN-HOUSEHOLD", plan, b, "id_no", taint=_with_household(ctx, [a, b]))


@injector("ID-MULTI-HOUSEHOLD")
def multi_household(ctx: InjectContext) -> Planned:
    """A child registered in a second household of the sheet under the same ID (a grandchild counted twice)."""
    by_sex: dict[tuple[int, str], list[tuple[SheetPlan, Record]]] = {}
    for plan, rec in _children(ctx):
        if isinstance(rec.ref, Person):
            by_sex.setdefault((id(plan), rec.values["sex"]), []).append((plan, rec))
    pairs = []
    for children in by_sex.values():
        children.sort(key=lambda t: t[1].ref.born)
        for (plan, a), (_, b) in itertools.pairwise(children):
            if a.values["hh_no"] != b.values["hh_no"] and (b.ref.born - a.ref.born).days <= 400:
                pairs.append((plan, a, b) if ctx.rng.random() < 0.5 else (plan, b, a))
    if not pairs:
        raise NoTarget("ID-MULTI-HOUSEHOLD: no two children of one sex and age in different households")
    plan, a, b = pairs[ctx.rng.randrange(len(pairs))]
    ctx.used.update((a.rid, b.rid))
    b.raw["id_no"] = a.values["id_no"]
    return Planned("ID-MULTI-HOUSEHOLD", plan, b, "id_no", taint=_with_household(ctx, [a, b]))


@injector("ID-DISABILITY-CERT")
def disability_cert(ctx: InjectContext) -> Planned:
    """残疾证号 whose ID part is not the member's ID (a digit slipped), or whose grade digit is missing."""
    plan, rec, key = ctx.choose(
        ctx.targets(
            (("members", "disability_cert"),),
            lambda p, r, k: isinstance(r.values.get(k), str) and len(r.values[k]) == 20 and "id_no" in _keys(p),
        ),
        "ID-DISABILITY-CERT",
    )
    cert: str = rec.values[key]
    if ctx.rng.random() < 0.5:
        new = cert[:19]  # grade digit missing
    else:
        i = ctx.rng.randint(6, 16)
        new = cert[:i] + str((int(cert[i]) + ctx.rng.randint(1, 8)) % 10) + cert[i + 1 :]
    rec.raw[key] = new
    return Planned("ID-DISABILITY-CERT", plan, rec, key, taint=[rec])
