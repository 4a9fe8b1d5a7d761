"""Injectors for the visit log, the loan ledger and the relocation ledger (visits.json, loans.json, relocation.json).

Most problems are one cell of one row, typed the way township staff get it wrong
(a blank 户签字, "2024年6月" for a visit date, "建新房" as a loan's purpose). A few
need more than one row:

* visit-log patterns (VS-COPIED-ACTIONS, VS-TOO-MANY-VISITS-PER-DAY,
  VS-CROSS-TOWNSHIP-SAME-DAY, VS-CADRE-WEEKLY-VISITS) change or add several rows;
  the injection names the row the checker reports, the others are tainted;
* the household-roster rules fed by the visit log (VS-NO-RECENT-VISIT,
  VS-NEVER-VISITED) change every visit of one household and point at its roster row;
* LN-BORROWER-NOT-POOR marks the borrower's household 一般农户 in an added 户类型
  column of its roster (a household struck off the register, 清退, still borrowing).

A visit-date problem is only put on an earlier visit of a household whose latest
in-person visit stays recent, so the roster does not start reporting it unvisited.

Columns the generator never writes are added to the sheet by the injector that
needs them: 分红金额 (LN-HH-DIVIDEND), 负债 (RL-DEBT-HIGH), 集中安置点计划完工时间
(RL-SITE-BEHIND-SCHEDULE), 户类型 on a roster (LN-BORROWER-NOT-POOR). When a
ledger has no free row left (few enterprise loans, few relocated households), an
injector adds a clean row first, built like the generator's, and changes that.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from typing import Any

from tests.samples.content import ENTERPRISES, FOLLOWUPS, PURPOSES, SECTION_NUMBERS, _visit_text, credit_code
from tests.samples.injectors import InjectContext, NoTarget, Planned, injector
from tests.samples.layout import Col, Record, Section, SheetPlan
from tests.samples.ledgers import CATALOG
from tests.samples.people import Household, Person, Registry, add_months, age_on, random_date

IN_PERSON = frozenset({"入户走访", "集中座谈"})
TEAM_WORDS = ("第一书记", "驻村", "工作队", "队员", "队长")
RECENT_DAYS = 30  # VS-NO-RECENT-VISIT's visit_interval_days


# ---------------------------------------------------------------- plumbing
def _free(
    ctx: InjectContext, kind: str, where: Callable[[Record], bool] | None = None
) -> list[tuple[SheetPlan, Record]]:
    """Unused records of ``kind`` (not raw-overridden anywhere), optionally filtered."""
    return [
        (p, r)
        for p, r in ctx.records(kind)
        if r.rid not in ctx.used and not r.raw and r.render_as is None and (where is None or where(r))
    ]


def _pick(ctx: InjectContext, options: list[Any], rule: str) -> Any:
    if not options:
        raise NoTarget(f"{rule}: no suitable row")
    return options[ctx.rng.randrange(len(options))]


def _use(ctx: InjectContext, *recs: Record) -> None:
    ctx.used.update(r.rid for r in recs)


def _plan(ctx: InjectContext, kind: str, rule: str) -> SheetPlan:
    for plan in ctx.plans:
        if plan.kinds[0] == kind and plan.records:
            return plan
    raise NoTarget(f"{rule}: no {kind} sheet")


def _registry(ctx: InjectContext) -> Registry:
    """Names and IDs for new people, none of them already in the workbook (one per context)."""
    reg = getattr(ctx, "_logs_registry", None)
    if reg is None:
        reg = Registry(ctx.rng, ctx.as_of)
        for plan in ctx.plans:
            for rec in plan.records:
                for r in (rec, *rec.members):
                    for key, v in r.values.items():
                        if not isinstance(v, str):
                            continue
                        if len(v) == 18 and v[:17].isdigit():
                            reg.ids.add(v)
                        elif key in ("name", "head_name", "helper", "borrower", "reviewer", "resp_person"):
                            reg.head_names.add(v)
        ctx._logs_registry = reg  # type: ignore[attr-defined]
    return reg


def _add_col(plan: SheetPlan, col: Col, after: str) -> None:
    """Put a column the generator never writes right after ``after`` (numbered headers renumbered)."""
    if any(c.key == col.key for c in plan.cols):
        return
    kind = plan.kinds[0]
    assert CATALOG.ledger(kind).match_header(col.header) is CATALOG.ledger(kind).field(col.key), col.header
    numbered = all(re.match(r"\d+\.", c.header) for c in plan.cols)
    at = next(i for i, c in enumerate(plan.cols) if c.key == after) + 1
    plan.cols.insert(at, col)
    if numbered:
        for i, c in enumerate(plan.cols, start=1):
            c.header = f"{i}." + re.sub(r"^\d+\.", "", c.header)


def _renumber(plan: SheetPlan) -> None:
    for i, rec in enumerate(plan.records, start=1):
        rec.values["seq"] = i


def _recount(plan: SheetPlan, unit: str) -> None:
    """Section labels "……（共N户）" after rows were added."""
    for s in plan.sections:
        if s.label:
            s.label = re.sub(rf"（共\d+{unit}）", f"（共{len(s.records)}{unit}）", s.label)


def _insert_after(plan: SheetPlan, anchor: Record, new: Record) -> None:
    for s in plan.sections:
        if anchor in s.records:
            s.records.insert(s.records.index(anchor) + 1, new)
            return
    raise AssertionError("anchor not in plan")


def _roster(ctx: InjectContext, hh: Household) -> tuple[SheetPlan, Record] | None:
    """The household's row of a roster sheet (one row per household, or its first member row)."""
    index = getattr(ctx, "_logs_roster", None)
    if index is None:
        index = {id(rec.ref): (plan, rec) for plan, rec in ctx.records("households")}
        ctx._logs_roster = index  # type: ignore[attr-defined]
    return index.get(id(hh))


def _member_rows(ctx: InjectContext, hh: Household) -> list[Record]:
    """Rows of a separate 人员 sheet that belong to the household."""
    index = getattr(ctx, "_logs_members", None)
    if index is None:
        index = {}
        for _, r in ctx.records("members"):
            if r.values.get("_parent") is None:
                index.setdefault(id(r.ref), []).append(r)
        ctx._logs_members = index  # type: ignore[attr-defined]
    return [r for p in hh.members for r in index.get(id(p), ())]


def _month_add(d: dt.date, months: int) -> dt.date:
    """``months`` calendar months after ``d`` on the same day (``d.day`` ≤ 28)."""
    y, m = divmod(d.month - 1 + months, 12)
    return dt.date(d.year + y, m + 1, d.day)


# ---------------------------------------------------------------- visit logs
def _hh(rec: Record) -> Household | None:
    ref = rec.ref
    return ref.get("_hh") if isinstance(ref, dict) else None


def _visits(ctx: InjectContext, rule: str) -> tuple[SheetPlan, list[Record]]:
    plan = _plan(ctx, "visits", rule)
    return plan, [r for r in plan.records if r.values.get("_kind") == "visits"]


def _by_household(rows: Iterable[Record]) -> dict[str, list[Record]]:
    out: dict[str, list[Record]] = {}
    for r in rows:
        if r.values.get("hh_no"):
            out.setdefault(r.values["hh_no"], []).append(r)
    return out


def _recent_in_person(ctx: InjectContext, rec: Record) -> bool:
    d = rec.values.get("visit_date")
    return (
        rec.values.get("visit_mode") in IN_PERSON
        and isinstance(d, dt.date)
        and ctx.as_of - dt.timedelta(days=RECENT_DAYS - 3) <= d <= ctx.as_of
        and "visit_date" not in rec.raw
    )


def _earlier_visit(ctx: InjectContext, rule: str, key: str, where: Callable[[Record], bool] | None = None) -> Record:
    """A visit of a household that has another, recent in-person visit (kept untouched)."""
    _, rows = _visits(ctx, rule)
    homes = _by_household(rows)
    options = []
    for rec in rows:
        if rec.rid in ctx.used or rec.raw or rec.render_as is not None or rec.values.get(key) in (None, ""):
            continue
        if where is not None and not where(rec):
            continue
        anchors = [
            a
            for a in homes.get(rec.values.get("hh_no"), ())
            if a is not rec and a.rid not in ctx.used and _recent_in_person(ctx, a)
        ]
        if anchors:
            options.append((rec, anchors[0]))
    rec, anchor = _pick(ctx, options, rule)
    _use(ctx, rec, anchor)  # the anchor stays as it is: the household's last visit
    return rec


def _visit(ctx: InjectContext, rule: str, key: str, where: Callable[[Record], bool] | None = None) -> Record:
    """Any unused visit row with ``key`` filled."""
    _plan(ctx, "visits", rule)
    options = [r for _, r in _free(ctx, "visits", lambda r: r.values.get(key) not in (None, ""))]
    if where is not None:
        options = [r for r in options if where(r)]
    rec = _pick(ctx, options, rule)
    _use(ctx, rec)
    return rec


def _visit_planned(ctx: InjectContext, rule: str, rec: Record, key: str, taint: list[Record] | None = None) -> Planned:
    plan, _ = _visits(ctx, rule)
    return Planned(rule, plan, rec, key, taint=taint or [rec])


@injector("VS-NO-SIGNATURE")
def vs_no_signature(ctx: InjectContext) -> Planned:
    """户签字 left blank, or "未签字" written in it."""
    rec = _visit(ctx, "VS-NO-SIGNATURE", "hh_signature")
    if ctx.rng.random() < 0.5:
        rec.values["hh_signature"] = None
    else:
        rec.raw["hh_signature"] = ctx.rng.choice(("未签字", "未签"))
    return _visit_planned(ctx, "VS-NO-SIGNATURE", rec, "hh_signature")


@injector("VS-NO-VISIT-DATE")
def vs_no_visit_date(ctx: InjectContext) -> Planned:
    """An earlier visit whose 帮扶时间 was never filled in."""
    rec = _earlier_visit(ctx, "VS-NO-VISIT-DATE", "visit_date")
    rec.values["visit_date"] = None
    return _visit_planned(ctx, "VS-NO-VISIT-DATE", rec, "visit_date")


@injector("VS-VISIT-DATE-NO-DAY")
def vs_visit_date_no_day(ctx: InjectContext) -> Planned:
    """Only the month of an earlier visit: "2024年5月"."""
    rec = _earlier_visit(
        ctx, "VS-VISIT-DATE-NO-DAY", "visit_date", lambda r: isinstance(r.values["visit_date"], dt.date)
    )
    d: dt.date = rec.values["visit_date"]
    rec.raw["visit_date"] = ctx.rng.choice((f"{d.year}年{d.month}月", f"{d.year}年{d.month}月份"))
    return _visit_planned(ctx, "VS-VISIT-DATE-NO-DAY", rec, "visit_date")


@injector("VS-FUTURE-VISIT")
def vs_future_visit(ctx: InjectContext) -> Planned:
    """A visit dated after the report date (the record written up ahead of the visit)."""
    rec = _earlier_visit(ctx, "VS-FUTURE-VISIT", "visit_date", lambda r: isinstance(r.values["visit_date"], dt.date))
    rec.values["visit_date"] = ctx.as_of + dt.timedelta(days=ctx.rng.randint(4, 45))
    return _visit_planned(ctx, "VS-FUTURE-VISIT", rec, "visit_date")


@injector("VS-VISIT-BEFORE-IDENTIFIED")
def vs_visit_before_identified(ctx: InjectContext) -> Planned:
    """ "2014" typed for "2024" in the visit date of a household identified in 2015 or 2016."""

    def late_id(r: Record) -> bool:
        hh = _hh(r)
        found = _roster(ctx, hh) if hh is not None and hh.id_year > 2014 else None
        return (
            found is not None
            and found[1].rid not in ctx.used
            and "id_year" in {c.key for c in found[0].cols}
            and isinstance(r.values["visit_date"], dt.date)
            and r.values["visit_date"].year == 2024
        )

    rec = _earlier_visit(ctx, "VS-VISIT-BEFORE-IDENTIFIED", "visit_date", late_id)
    hh = _hh(rec)
    assert hh is not None
    _use(ctx, _roster(ctx, hh)[1])  # type: ignore[index]  # its 识别年度 must stay as it is
    d: dt.date = rec.values["visit_date"]
    rec.values["visit_date"] = dt.date(2014, d.month, min(d.day, 28))
    return _visit_planned(ctx, "VS-VISIT-BEFORE-IDENTIFIED", rec, "visit_date")


@injector("VS-NO-ACTIONS")
def vs_no_actions(ctx: InjectContext) -> Planned:
    rec = _visit(ctx, "VS-NO-ACTIONS", "actions")
    rec.values["actions"] = None
    return _visit_planned(ctx, "VS-NO-ACTIONS", rec, "actions")


@injector("VS-SHORT-ACTIONS")
def vs_short_actions(ctx: InjectContext) -> Planned:
    """帮扶内容 of a few characters: "入户走访"."""
    rec = _visit(ctx, "VS-SHORT-ACTIONS", "actions")
    rec.values["actions"] = ctx.rng.choice(("入户走访", "走访慰问", "了解情况", "政策宣传", "入户走访了解情况"))
    return _visit_planned(ctx, "VS-SHORT-ACTIONS", rec, "actions")


@injector("VS-NO-FINDINGS")
def vs_no_findings(ctx: InjectContext) -> Planned:
    rec = _visit(ctx, "VS-NO-FINDINGS", "findings")
    rec.values["findings"] = None
    return _visit_planned(ctx, "VS-NO-FINDINGS", rec, "findings")


@injector("VS-NO-SATISFACTION")
def vs_no_satisfaction(ctx: InjectContext) -> Planned:
    rec = _visit(ctx, "VS-NO-SATISFACTION", "satisfaction")
    rec.values["satisfaction"] = None
    return _visit_planned(ctx, "VS-NO-SATISFACTION", rec, "satisfaction")


@injector("VS-NO-REVIEW")
def vs_no_review(ctx: InjectContext) -> Planned:
    """第一书记审核 left blank or "未审核"."""
    rec = _visit(ctx, "VS-NO-REVIEW", "reviewer")
    if ctx.rng.random() < 0.5:
        rec.values["reviewer"] = None
    else:
        rec.raw["reviewer"] = "未审核"
    return _visit_planned(ctx, "VS-NO-REVIEW", rec, "reviewer")


@injector("VS-PROXY-SIGNATURE")
def vs_proxy_signature(ctx: InjectContext) -> Planned:
    """The helper signed for the household: his own name, or "（代签）" after the head's."""
    rec = _visit(ctx, "VS-PROXY-SIGNATURE", "hh_signature", lambda r: bool(r.values.get("helper")))
    head, helper = rec.values["head_name"], rec.values["helper"]
    rec.values["hh_signature"] = ctx.rng.choice((helper, f"{head}（代签）", f"{helper}代签", "代签"))
    return _visit_planned(ctx, "VS-PROXY-SIGNATURE", rec, "hh_signature")


def _helpers(rows: Iterable[Record]) -> dict[str, list[Any]]:
    """Helpers per township, in the order the log names them."""
    out: dict[str, list[Any]] = {}
    for r in rows:
        hh = _hh(r)
        if hh is not None and hh.helper is not None and hh.helper not in out.setdefault(hh.township, []):
            out[hh.township].append(hh.helper)
    return out


def _set_helper(rec: Record, name: str, unit: str, title: str) -> None:
    rec.values.update({"helper": name, "helper_unit": unit, "helper_title": title, "helper_signature": name})


@injector("VS-HELPER-MISMATCH")
def vs_helper_mismatch(ctx: InjectContext) -> Planned:
    """A colleague of the same township went instead of the household's 帮扶责任人 (and signed as 帮扶人)."""
    _, rows = _visits(ctx, "VS-HELPER-MISMATCH")
    helpers = _helpers(rows)

    def others(r: Record) -> list[Any]:
        hh = _hh(r)
        if hh is None or hh.helper is None:
            return []
        return [
            h for h in helpers.get(hh.township, []) if h is not hh.helper and not any(w in h.title for w in TEAM_WORDS)
        ]

    def ok(r: Record) -> bool:
        hh = _hh(r)
        found = _roster(ctx, hh) if hh is not None else None
        return bool(others(r)) and found is not None and found[1].rid not in ctx.used

    rec = _visit(ctx, "VS-HELPER-MISMATCH", "helper", ok)
    _use(ctx, _roster(ctx, _hh(rec))[1])  # type: ignore[arg-type,index]  # the roster's helper stays
    other = ctx.rng.choice(others(rec))
    _set_helper(rec, other.name, other.unit, other.title)
    return _visit_planned(ctx, "VS-HELPER-MISMATCH", rec, "helper")


COPIED = (
    "入户走访，宣讲防返贫监测政策，了解家庭生产生活情况",
    "宣传扶贫小额信贷和产业奖补政策，了解家庭收入情况",
    "入户走访，查看住房和饮水安全情况，宣讲惠民政策",
)


def _team_member(ctx: InjectContext, rows: list[Record]) -> tuple[str, str, str]:
    """A 驻村工作队员 of the rows' township (one of its helpers, else a new name): name, unit, title."""
    for r in rows:
        hh = _hh(r)
        if hh is not None and hh.helper is not None and "驻村" in hh.helper.title:
            return hh.helper.name, hh.helper.unit, hh.helper.title
    unit = rows[0].values.get("helper_unit") or "县扶贫办"
    return _registry(ctx).cadre_name(), unit, "驻村工作队员"


@injector("VS-COPIED-ACTIONS")
def vs_copied_actions(ctx: InjectContext) -> Planned:
    """One helper pasted the same 帮扶内容 into the records of five of his households.

    A helper with five households in the log is preferred; failing that, a 驻村工作队员
    writes the records of five households of one township.
    """
    rule = "VS-COPIED-ACTIONS"
    plan, _ = _visits(ctx, rule)
    free = [r for _, r in _free(ctx, "visits") if _hh(r) is not None and r.values.get("actions")]
    by_helper: dict[str, dict[str, Record]] = {}
    by_town: dict[str, dict[str, Record]] = {}
    for r in free:
        by_helper.setdefault(r.values["helper"], {}).setdefault(r.values["head_name"], r)
        by_town.setdefault(r.values["township"], {}).setdefault(r.values["head_name"], r)
    own = [list(v.values()) for v in by_helper.values() if len(v) >= 5]
    if own:
        chosen = ctx.rng.sample(_pick(ctx, own, rule), 5)
    else:
        towns = [list(v.values()) for v in by_town.values() if len(v) >= 5]
        chosen = ctx.rng.sample(_pick(ctx, towns, rule), 5)
        name, unit, title = _team_member(ctx, chosen)
        for r in chosen:
            _set_helper(r, name, unit, title)
    text = ctx.rng.choice(COPIED)
    for r in chosen:
        r.values["actions"] = text
    _use(ctx, *chosen)
    first = min(chosen, key=plan.records.index)
    return Planned(rule, plan, first, "actions", taint=list(chosen))


def _workday(ctx: InjectContext, back_from: int, back_to: int) -> dt.date:
    while True:
        d = ctx.as_of - dt.timedelta(days=ctx.rng.randint(back_from, back_to))
        if d.weekday() < 5:
            return d


@injector("VS-TOO-MANY-VISITS-PER-DAY")
def vs_too_many_visits(ctx: InjectContext) -> Planned:
    """A 驻村工作队员 logged visits to ten households of one township on the same day.

    In a log with fewer than ten households per township they are spread over the
    largest townships (then VS-CROSS-TOWNSHIP-SAME-DAY is reported on the same row).
    """
    rule = "VS-TOO-MANY-VISITS-PER-DAY"
    plan, _ = _visits(ctx, rule)
    by_town: dict[str, dict[str, Record]] = {}
    for _, r in _free(ctx, "visits", lambda r: _hh(r) is not None):
        by_town.setdefault(r.values["township"], {}).setdefault(r.values["head_name"], r)
    towns = [list(v.values()) for v in by_town.values() if len(v) >= 10]
    if towns:
        rows = _pick(ctx, towns, rule)
    else:  # a small log: neighbouring townships on the same day (VS-CROSS-TOWNSHIP-SAME-DAY fires as well)
        rows = [r for v in sorted(by_town.values(), key=len, reverse=True) for r in v.values()][:10]
        if len(rows) < 10:
            raise NoTarget(f"{rule}: fewer than ten households in the visit log")
    chosen = sorted(ctx.rng.sample(rows, 10), key=plan.records.index)
    name, unit, title = _team_member(ctx, chosen)
    day = _workday(ctx, 2, 12)
    for r in chosen:
        _set_helper(r, name, unit, title)
        r.values["visit_date"] = day
        r.values["visit_mode"] = "入户走访"
    _use(ctx, *chosen)
    return Planned(rule, plan, chosen[0], "visit_date", taint=list(chosen))


@injector("VS-CROSS-TOWNSHIP-SAME-DAY")
def vs_cross_township(ctx: InjectContext) -> Planned:
    """A county-department helper paired with households in two townships logs both on one day.

    The second household is given to him on its roster row too (its own visits
    follow), so only the dates tell: one of its visits lands on the day he was in
    the other township.
    """
    rule = "VS-CROSS-TOWNSHIP-SAME-DAY"
    plan, rows = _visits(ctx, rule)
    homes = _by_household(rows)

    def home_free(hh: Household) -> bool:
        found = _roster(ctx, hh)
        visits = homes.get(hh.hh_no, [])
        return (
            found is not None
            and found[1].rid not in ctx.used
            and bool(visits)
            and all(v.rid not in ctx.used and not v.raw and v.render_as is None for v in visits)
        )

    helpers = [
        h
        for hs in _helpers(rows).values()
        for h in hs
        if h.unit.startswith("县") and len(h.households) <= 4 and not any(w in h.title for w in TEAM_WORDS)
    ]
    households = list({id(h): h for r in rows if (h := _hh(r)) is not None}.values())
    ctx.rng.shuffle(helpers)
    options = []
    for x in helpers:  # the first helper (in random order) who can take a household of another township
        mine = [r for hh in x.households for r in homes.get(hh.hh_no, ()) if r.rid not in ctx.used]
        mine = [r for r in mine if _recent_in_person(ctx, r) and not r.raw]
        if mine:
            options = [(x, mine[0], hh) for hh in households if hh.township != x.township and home_free(hh)]
        if options:
            break
    x, there, hh = _pick(ctx, options, rule)
    _, rrec = _roster(ctx, hh)  # type: ignore[misc]
    rrec.values.update({"helper": x.name, "helper_unit": x.unit, "helper_phone": x.phone})
    visits = homes[hh.hh_no]
    for v in visits:
        _set_helper(v, x.name, x.unit, x.title)
    latest = max(
        visits, key=lambda v: v.values["visit_date"] if isinstance(v.values["visit_date"], dt.date) else dt.date.min
    )
    latest.values["visit_date"] = there.values["visit_date"]
    latest.values["visit_mode"] = "入户走访"
    _use(ctx, there, rrec, *visits)
    first = min((there, latest), key=plan.records.index)
    return Planned(rule, plan, first, "township", taint=[there, *visits, rrec])


@injector("VS-NO-RECENT-VISIT")
def vs_no_recent_visit(ctx: InjectContext) -> Planned:
    """A household whose last visit was five to eight weeks ago (every record of it moved back)."""
    rule = "VS-NO-RECENT-VISIT"
    visits, rplan, rrec = _whole_household(ctx, rule)
    dated = [v for v in visits if isinstance(v.values.get("visit_date"), dt.date)]
    latest = max(v.values["visit_date"] for v in dated)
    target = ctx.as_of - dt.timedelta(days=ctx.rng.randint(RECENT_DAYS + 6, RECENT_DAYS + 26))
    shift = latest - target
    for v in dated:
        v.values["visit_date"] = v.values["visit_date"] - shift
    return Planned(rule, rplan, rrec, "head_name", taint=[rrec, *visits])


@injector("VS-NEVER-VISITED")
def vs_never_visited(ctx: InjectContext) -> Planned:
    """A household its helper only ever phoned: every record of it is 电话联系."""
    rule = "VS-NEVER-VISITED"
    visits, rplan, rrec = _whole_household(ctx, rule)
    for v in visits:
        v.values["visit_mode"] = "电话联系"
    return Planned(rule, rplan, rrec, "head_name", taint=[rrec, *visits])


def _whole_household(ctx: InjectContext, rule: str) -> tuple[list[Record], SheetPlan, Record]:
    """A household with all its visits and its roster row unused (the village keeps other households)."""
    _, rows = _visits(ctx, rule)
    homes = _by_household(rows)
    villages: dict[str, int] = {}
    for r in rows:
        villages[r.values.get("village") or ""] = villages.get(r.values.get("village") or "", 0) + 1
    options = []
    for visits in homes.values():
        hh = _hh(visits[0])
        found = _roster(ctx, hh) if hh is not None else None
        if found is None or found[1].rid in ctx.used or "head_name" not in {c.key for c in found[0].cols}:
            continue
        if any(v.rid in ctx.used or v.raw or v.render_as is not None for v in visits):
            continue
        if villages[visits[0].values.get("village") or ""] <= len(visits):
            continue
        options.append((visits, found))
    visits, (rplan, rrec) = _pick(ctx, options, rule)
    _use(ctx, rrec, *visits)
    return visits, rplan, rrec


CADRE_ACTIONS = (
    "到{h}家走访，督导帮扶措施落实，了解{item}政策享受情况",
    "入户查看{h}家住房和饮水安全，询问家庭收入和务工情况",
    "走访{h}家，听取帮扶责任人汇报，研究解决{item}申请问题",
    "督导检查{h}家帮扶手册填写和收入核算情况",
)
CADRE_ITEMS = ("产业奖补", "小额信贷", "公益岗位", "医疗救助", "教育资助", "危房改造")


@injector("VS-CADRE-WEEKLY-VISITS")
def vs_cadre_weekly(ctx: InjectContext) -> Planned:
    """The township's 党委书记 logs his 下乡 visits: two days a week for four weeks, but one day in one of them.

    The rows are added to the log next to the visited households' own rows; the
    finding lands on the cadre's only visit in the short week.
    """
    rule = "VS-CADRE-WEEKLY-VISITS"
    plan, rows = _visits(ctx, rule)
    by_town: dict[str, list[Record]] = {}
    for visits in _by_household(rows).values():
        hh = _hh(visits[0])
        # households whose records another injection relies on (unvisited ones) are left alone
        if hh is not None and all(v.rid not in ctx.used and v.render_as is None for v in visits):
            by_town.setdefault(hh.township, []).append(visits[0])
    town, homes = _pick(ctx, [(t, rs) for t, rs in by_town.items() if len(rs) >= 4], rule)
    dates = [r.values["visit_date"] for r in rows if isinstance(r.values.get("visit_date"), dt.date)]
    last = max(dates)
    this_monday = ctx.as_of - dt.timedelta(days=ctx.as_of.weekday())
    stop = min(this_monday, last - dt.timedelta(days=last.weekday()) + dt.timedelta(days=7))
    weeks = [stop - dt.timedelta(days=7 * k) for k in (4, 3, 2, 1)]
    short = ctx.rng.choice(weeks)
    name = _registry(ctx).cadre_name()
    title = {"乡": "乡党委书记", "镇": "镇党委书记"}.get(town[-1], "党工委书记")
    unit = f"{town}党委" if town[-1] in "乡镇" else f"{town}党工委"
    added: list[Record] = []
    target: Record | None = None
    for monday in weeks:
        days = sorted(ctx.rng.sample(range(5), 1 if monday == short else 2))
        for wd in days:
            d = monday + dt.timedelta(days=wd)
            home = ctx.rng.choice(homes)
            hh = _hh(home)
            assert hh is not None
            _, findings = _visit_text(hh, ctx.rng, ctx.as_of)
            values = {
                k: home.values.get(k) for k in ("township", "village", "hh_no", "head_name", "head_id", "reviewer")
            }
            values.update(
                {
                    "_kind": "visits",
                    "helper": name,
                    "helper_unit": unit,
                    "helper_title": title,
                    "helper_signature": name,
                    "visit_date": d,
                    "visit_mode": "入户走访",
                    "actions": ctx.rng.choice(CADRE_ACTIONS).format(h=hh.head.name, item=ctx.rng.choice(CADRE_ITEMS)),
                    "findings": findings,
                    "effect": None,
                    "satisfaction": "满意",
                    "hh_signature": hh.head.name,
                }
            )
            new = Record(values, ref={**(home.ref or {}), "_cadre": name})
            same = [r for r in plan.records if r.values.get("hh_no") == home.values["hh_no"]]
            before = [
                r for r in same if isinstance(r.values.get("visit_date"), dt.date) and r.values["visit_date"] <= d
            ]
            _insert_after(plan, before[-1] if before else same[-1], new)
            added.append(new)
            if monday == short:
                target = new
    _renumber(plan)
    _use(ctx, *added)
    assert target is not None
    return Planned(rule, plan, target, "visit_date", taint=added)


# ---------------------------------------------------------------- loans
def _household_loan(r: Record) -> bool:
    return str(r.values.get("loan_kind") or "").startswith("扶贫")


def _enterprise(r: Record) -> bool:
    return str(r.values.get("loan_kind") or "").startswith("产业")


def _loan(
    ctx: InjectContext, rule: str, where: Callable[[Record], bool] | None = None, enterprise: bool = False
) -> tuple[SheetPlan, Record]:
    kind_ok = _enterprise if enterprise else _household_loan
    options = _free(ctx, "loans", lambda r: kind_ok(r) and (where is None or where(r)))
    if not options:
        options = [_new_enterprise_loan(ctx, rule) if enterprise else _new_household_loan(ctx, rule, where)]
    plan, rec = _pick(ctx, options, rule)
    _use(ctx, rec)
    return plan, rec


def _new_household_loan(
    ctx: InjectContext, rule: str, where: Callable[[Record], bool] | None
) -> tuple[SheetPlan, Record]:
    """Another (clean) 到户 loan to a roster household, when the ledger's own are all taken."""
    plan = _plan(ctx, "loans", rule)
    mine = [r for r in plan.records if _household_loan(r)]
    if not mine:
        raise NoTarget(f"{rule}: no 到户 loans on the loan ledger")
    borrowers = {r.values.get("borrower_id") for r in plan.records}
    rng = ctx.rng
    candidates = [h for _, r in ctx.records("households") if isinstance(h := r.ref, Household)]
    rng.shuffle(candidates)
    for h in candidates:
        adults = [p for p in h.members if 18 <= p.age <= 60 and p.school_level == 0 and p.id_no not in borrowers]
        if not adults or any(p.id_no in borrowers for p in h.members):
            continue
        borrower = adults[0]
        term = rng.choice((12, 24, 36, 36, 36))
        loan_date = random_date(rng, dt.date(ctx.as_of.year - 3, 8, 1), ctx.as_of - dt.timedelta(days=20))
        loan_date = loan_date.replace(day=min(loan_date.day, 28))
        due = add_months(loan_date, term)
        amount = rng.choice((5, 5, 5, 3, 4, 2))
        rate = rng.choice((3.45, 3.65, 3.85, 4.35))
        purpose, project = rng.choice(PURPOSES)
        values = {
            "_kind": "loans", "loan_kind": "扶贫小额信贷（到户）", "borrower": borrower.name,
            "borrower_id": borrower.id_no, "hh_attr": rng.choice(("脱贫户", h.poor_attr)), "township": h.township,
            "village": h.village, "bank": rng.choice(("新县农村商业银行", "中国邮政储蓄银行新县支行")),
            "contract_no": f"XNS{loan_date:%Y%m}{rng.randint(1000, 9999)}", "amount": amount, "loan_date": loan_date,
            "due_date": due, "term": term, "rate": rate, "purpose": purpose, "project": f"{h.township}{project}",
            "subsidy": round(amount * 10000 * rate / 100 * min(1, ((ctx.as_of - loan_date).days / 365)), 2),
            "repay_status": "已结清" if due < ctx.as_of else "正常",
        }  # fmt: skip
        rec = Record(values, ref={"_hh": h, "_person": borrower, "_new": True})
        if where is not None and not where(rec):
            continue
        _insert_after(plan, mine[-1], rec)
        ctx.protected_ids.add(borrower.id_no)
        _renumber(plan)
        _recount(plan, "笔")
        return plan, rec
    raise NoTarget(f"{rule}: no household left for another loan")


def _new_enterprise_loan(ctx: InjectContext, rule: str) -> tuple[SheetPlan, Record]:
    """Another (clean) 带贫企业 loan next to the ledger's own, when they are all taken."""
    plan = _plan(ctx, "loans", rule)
    ents = [r for r in plan.records if _enterprise(r)]
    if not ents:
        raise NoTarget(f"{rule}: no enterprise loans on the loan ledger")
    taken = {str(r.values.get("borrower")) for r in plan.records}
    places = [(h.township, h.village) for _, r in ctx.records("households") if isinstance(h := r.ref, Household)]
    rng = ctx.rng
    for _ in range(200):
        town, village = rng.choice(places)
        kind, purpose, project = rng.choice(ENTERPRISES)
        borrower = f"新县{village.removesuffix('村')}{kind}"
        if borrower not in taken:
            break
    else:
        raise NoTarget(f"{rule}: no new enterprise name")
    staff = rng.randint(20, 160)
    loan_date = random_date(rng, dt.date(ctx.as_of.year - 2, 3, 1), ctx.as_of - dt.timedelta(days=30))
    loan_date = loan_date.replace(day=min(loan_date.day, 28))
    term = rng.choice((12, 24, 36))
    due = add_months(loan_date, term)
    born = random_date(rng, dt.date(1965, 1, 1), dt.date(1990, 12, 31))
    values = {
        "_kind": "loans", "loan_kind": "产业扶贫贷款（带贫企业）", "borrower": borrower,
        "borrower_id": _registry(ctx).id_number(born, "男"), "credit_code": credit_code(rng), "township": town,
        "village": village, "bank": rng.choice(("新县农村商业银行", "中国农业银行新县支行")),
        "contract_no": f"XNQ{loan_date:%Y%m}{rng.randint(100, 999)}",
        "amount": rng.choice((50, 80, 100, 150, 200, 300)), "loan_date": loan_date, "due_date": due, "term": term,
        "rate": rng.choice((3.85, 4.35)), "purpose": purpose, "project": f"{town}{project}", "subsidy": None,
        "repay_status": "已结清" if due < ctx.as_of else "正常",
        "ent_local": rng.choice((town, "本镇" if town.endswith("镇") else "本乡", "是")), "ent_base": True,
        "ent_workshop": rng.choice((True, f"{town}扶贫车间")), "staff_total": staff,
        "staff_poor": max(3, round(staff * rng.uniform(0.12, 0.4))),
    }  # fmt: skip
    rec = Record(values, ref={"_new": True})
    _insert_after(plan, ents[-1], rec)
    ctx.protected_ids.add(values["borrower_id"])
    _renumber(plan)
    _recount(plan, "笔")
    return plan, rec


@injector("LN-NO-PROJECT")
def ln_no_project(ctx: InjectContext) -> Planned:
    """扶贫项目 left blank on a 到户 loan."""
    plan, rec = _loan(ctx, "LN-NO-PROJECT", lambda r: bool(r.values.get("project")))
    rec.values["project"] = None
    return Planned("LN-NO-PROJECT", plan, rec, "project", taint=[rec])


@injector("LN-NONPRODUCTIVE-PURPOSE")
def ln_nonproductive_purpose(ctx: InjectContext) -> Planned:
    """A 带贫企业 loan used to pay back the company's bank loans."""
    plan, rec = _loan(ctx, "LN-NONPRODUCTIVE-PURPOSE", enterprise=True)
    rec.values["purpose"] = ctx.rng.choice(("归还到期银行贷款", "借新还旧", "偿还债务", "归还企业贷款"))
    return Planned("LN-NONPRODUCTIVE-PURPOSE", plan, rec, "purpose", taint=[rec])


OUTSIDE = ("信阳市平桥区", "信阳市浉河区", "郑州市金水区", "湖北省麻城市", "光山县")


@injector("LN-ENT-NO-LOCAL-BASE")
def ln_ent_no_local_base(ctx: InjectContext) -> Planned:
    """A company registered outside the township, with its 扶贫车间 here but no 生产基地."""
    plan, rec = _loan(ctx, "LN-ENT-NO-LOCAL-BASE", enterprise=True)
    rec.values["ent_local"] = ctx.rng.choice(OUTSIDE)
    rec.values["ent_base"] = False if ctx.rng.random() < 0.6 else None
    rec.values["ent_workshop"] = f"{rec.values['township']}扶贫车间"
    return Planned("LN-ENT-NO-LOCAL-BASE", plan, rec, "ent_base", taint=[rec])


@injector("LN-ENT-NO-WORKSHOP")
def ln_ent_no_workshop(ctx: InjectContext) -> Planned:
    """A company registered outside the township, with a 生产基地 here but no 扶贫车间."""
    plan, rec = _loan(ctx, "LN-ENT-NO-WORKSHOP", enterprise=True)
    rec.values["ent_local"] = ctx.rng.choice(OUTSIDE)
    rec.values["ent_base"] = True
    rec.values["ent_workshop"] = False if ctx.rng.random() < 0.6 else None
    return Planned("LN-ENT-NO-WORKSHOP", plan, rec, "ent_workshop", taint=[rec])


@injector("LN-ENT-LOW-POOR-EMPLOYMENT")
def ln_ent_low_poor_employment(ctx: InjectContext) -> Planned:
    """A company employing few poor people: 7 of 120."""
    plan, rec = _loan(ctx, "LN-ENT-LOW-POOR-EMPLOYMENT", enterprise=True)
    total = ctx.rng.randint(80, 200)
    rec.values["staff_total"] = total
    rec.values["staff_poor"] = ctx.rng.randint(2, int(total * 0.08))
    return Planned("LN-ENT-LOW-POOR-EMPLOYMENT", plan, rec, "staff_poor", taint=[rec])


@injector("LN-ENT-OVER-CAP")
def ln_ent_over_cap(ctx: InjectContext) -> Planned:
    """A 带贫企业 loan well over the county's cap of about 500万元."""
    plan, rec = _loan(ctx, "LN-ENT-OVER-CAP", enterprise=True)
    rec.values["amount"] = ctx.rng.choice((600, 800, 1000, 1200))
    return Planned("LN-ENT-OVER-CAP", plan, rec, "amount", taint=[rec])


@injector("LN-MICRO-OVER-AMOUNT")
def ln_micro_over_amount(ctx: InjectContext) -> Planned:
    """A 到户 microloan of more than 5万元."""
    plan, rec = _loan(ctx, "LN-MICRO-OVER-AMOUNT")
    rec.values["amount"] = ctx.rng.choice((8, 10, 6))
    return Planned("LN-MICRO-OVER-AMOUNT", plan, rec, "amount", taint=[rec])


def _dated(r: Record) -> bool:
    return all(isinstance(r.values.get(k), dt.date) for k in ("loan_date", "due_date")) and isinstance(
        r.values.get("term"), int
    )


@injector("LN-MICRO-OVER-TERM")
def ln_micro_over_term(ctx: InjectContext) -> Planned:
    """A 到户 microloan for five years (term and due date agree)."""
    plan, rec = _loan(ctx, "LN-MICRO-OVER-TERM", lambda r: _dated(r) and r.values["loan_date"].day <= 28)
    term = ctx.rng.choice((48, 60))
    rec.values["term"] = term
    rec.values["due_date"] = _month_add(rec.values["loan_date"], term)
    rec.values["repay_status"] = "已结清" if rec.values["due_date"] < ctx.as_of else "正常"
    return Planned("LN-MICRO-OVER-TERM", plan, rec, "term", taint=[rec])


@injector("LN-MICRO-OVER-DURATION")
def ln_micro_over_duration(ctx: InjectContext) -> Planned:
    """期限 36 months, but the due date set a month later: the loan runs 37 months."""
    plan, rec = _loan(
        ctx,
        "LN-MICRO-OVER-DURATION",
        lambda r: _dated(r) and r.values["term"] == 36 and r.values["loan_date"].day <= 28,
    )
    rec.values["due_date"] = _month_add(rec.values["loan_date"], 37)
    rec.values["repay_status"] = "已结清" if rec.values["due_date"] < ctx.as_of else "正常"
    return Planned("LN-MICRO-OVER-DURATION", plan, rec, "due_date", taint=[rec])


@injector("LN-TERM-MISMATCH")
def ln_term_mismatch(ctx: InjectContext) -> Planned:
    """期限 typed as 12 or 24 months while the due date is three years after the loan (or the reverse)."""
    plan, rec = _loan(ctx, "LN-TERM-MISMATCH", _dated)
    rec.values["term"] = ctx.rng.choice([t for t in (12, 24, 36) if abs(t - rec.values["term"]) >= 12])
    return Planned("LN-TERM-MISMATCH", plan, rec, "term", taint=[rec])


@injector("LN-OVERDUE")
def ln_overdue(ctx: InjectContext) -> Planned:
    """A loan past its due date and not repaid."""
    plan, rec = _loan(
        ctx, "LN-OVERDUE", lambda r: _dated(r) and r.values["due_date"] < ctx.as_of - dt.timedelta(days=5)
    )
    rec.values["repay_status"] = "逾期"
    rec.raw["repay_status"] = ctx.rng.choice(("逾期", "逾期未还", "到期未还", "已逾期"))
    return Planned("LN-OVERDUE", plan, rec, "due_date", taint=[rec])


def _people(r: Record) -> list[Person]:
    hh = r.ref.get("_hh") if isinstance(r.ref, dict) else None
    return list(hh.members) if isinstance(hh, Household) else []


@injector("LN-BORROWER-AGE")
def ln_borrower_age(ctx: InjectContext) -> Planned:
    """The loan taken out in the name of the household's elderly father (over 65 when it was granted)."""

    def elders(r: Record) -> list[Person]:
        if not _dated(r):
            return []
        return [p for p in _people(r) if age_on(p.born, r.values["loan_date"]) >= 67]

    plan, rec = _loan(ctx, "LN-BORROWER-AGE", lambda r: bool(elders(r)))
    p = ctx.rng.choice(elders(rec))
    rec.values["borrower"], rec.values["borrower_id"] = p.name, p.id_no
    ctx.protected_ids.add(p.id_no)
    return Planned("LN-BORROWER-AGE", plan, rec, "borrower_id", taint=[rec])


@injector("LN-BORROWER-NOT-IN-ROSTER")
def ln_borrower_not_in_roster(ctx: InjectContext) -> Planned:
    """A 到户 loan to someone of the village who is in no roster (not registered, or a relative elsewhere)."""
    plan, rec = _loan(ctx, "LN-BORROWER-NOT-IN-ROSTER", lambda r: bool(r.values.get("borrower_id")))
    reg = _registry(ctx)
    sex = "男" if ctx.rng.random() < 0.75 else "女"
    born = random_date(ctx.rng, dt.date(1968, 1, 1), dt.date(1990, 12, 31))
    rec.values["borrower"] = reg.name(sex, born)
    rec.values["borrower_id"] = reg.id_number(born, sex)
    return Planned("LN-BORROWER-NOT-IN-ROSTER", plan, rec, "borrower_id", taint=[rec])


@injector("LN-BORROWER-NOT-POOR")
def ln_borrower_not_poor(ctx: InjectContext) -> Planned:
    """The borrower's household was struck off (清退): its roster row now says 户类型 一般农户.

    The roster gets a 户类型 column (脱贫户 for every other household) and this
    household's 贫困户属性 and 脱贫状态 are cleared; the loan ledger still lists the loan.
    A roster of fewer than 20 households is preferred: on a larger one, a 户类型 column
    without any 监测户 makes RISK-MONITOR-SHARE warn about the sheet.
    """
    rule = "LN-BORROWER-NOT-POOR"
    moved = {r.values.get("hh_no") for _, r in ctx.records("relocation")}

    def ok(r: Record) -> bool:
        hh = r.ref.get("_hh") if isinstance(r.ref, dict) else None
        if not isinstance(hh, Household) or hh.hh_no in moved:
            return False
        found = _roster(ctx, hh)
        if found is None or found[1].rid in ctx.used:
            return False
        return all(m.rid not in ctx.used for m in _member_rows(ctx, hh) + found[1].members)

    def small(r: Record) -> bool:  # under RISK-MONITOR-SHARE's 20 rows: a 户类型 column alone does not trip it
        found = _roster(ctx, r.ref["_hh"])
        return found is not None and sum(x.values.get("_kind") == "households" for x in found[0].records) < 20

    try:
        plan, rec = _loan(ctx, rule, lambda r: ok(r) and small(r))
    except NoTarget:
        plan, rec = _loan(ctx, rule, ok)
    hh: Household = rec.ref["_hh"]
    rplan, rrec = _roster(ctx, hh)  # type: ignore[misc]
    _add_col(rplan, Col("hh_type", "户类型", "enum", household=True), after="exit_status")
    for other in rplan.records:
        if other.values.get("_kind") == "households":
            other.values.setdefault("hh_type", "脱贫户")
    rrec.values.update({"hh_type": "一般农户", "poor_attr": None, "exit_status": None})
    members = _member_rows(ctx, hh)
    _use(ctx, rrec, *members, *rrec.members)
    return Planned(rule, plan, rec, "borrower_id", taint=[rec, rrec, *members])


@injector("LN-HH-ATTR-NOT-POOR")
def ln_hh_attr_not_poor(ctx: InjectContext) -> Planned:
    """户属性 of a 到户 loan says the borrower is no registered household."""
    plan, rec = _loan(ctx, "LN-HH-ATTR-NOT-POOR")
    rec.values["hh_attr"] = ctx.rng.choice(("一般农户", "非贫困户", "一般户"))
    return Planned("LN-HH-ATTR-NOT-POOR", plan, rec, "hh_attr", taint=[rec])


@injector("LN-HH-NONPRODUCTIVE")
def ln_hh_nonproductive(ctx: InjectContext) -> Planned:
    """A 到户 loan spent on a house, a wedding or old debts."""
    plan, rec = _loan(ctx, "LN-HH-NONPRODUCTIVE")
    rec.values["purpose"] = ctx.rng.choice(("建新房", "儿子结婚", "偿还债务", "购买家电", "盖房"))
    return Planned("LN-HH-NONPRODUCTIVE", plan, rec, "purpose", taint=[rec])


@injector("LN-HH-TO-ENTERPRISE")
def ln_hh_to_enterprise(ctx: InjectContext) -> Planned:
    """A 到户 loan handed to a cooperative or company (户贷企用)."""
    plan, rec = _loan(ctx, "LN-HH-TO-ENTERPRISE")
    town = rec.values.get("township") or ""
    rec.values["purpose"] = ctx.rng.choice(
        (f"入股{town}茶叶专业合作社分红", "交由企业统一使用", "委托企业经营", "入股分红")
    )
    return Planned("LN-HH-TO-ENTERPRISE", plan, rec, "purpose", taint=[rec])


@injector("LN-HH-DIVIDEND")
def ln_hh_dividend(ctx: InjectContext) -> Planned:
    """A 分红金额 column, with a yearly dividend on one 到户 loan (the money went to a company)."""
    plan, rec = _loan(ctx, "LN-HH-DIVIDEND", lambda r: isinstance(r.values.get("amount"), int | float))
    _add_col(plan, Col("dividend", "分红金额（元）", "money"), after="subsidy")
    rec.values["dividend"] = round(rec.values["amount"] * 10000 * ctx.rng.choice((0.06, 0.08, 0.1)))
    return Planned("LN-HH-DIVIDEND", plan, rec, "dividend", taint=[rec])


# ---------------------------------------------------------------- relocation
def _scattered(r: Record) -> bool:
    return r.values.get("mode") == "分散安置" or r.values.get("mode_detail") in ("插花安置", "投亲靠友", "进城购房")


def _towns_with_scattered(plan: SheetPlan) -> set[str]:
    return {str(r.values.get("from_town")) for r in plan.records if _scattered(r)}


def _reloc(
    ctx: InjectContext,
    rule: str,
    where: Callable[[Record], bool] | None = None,
    *,
    size: Callable[[int], bool] | None = None,
) -> tuple[SheetPlan, Record]:
    """An unused relocation row (``where``), else a new clean one for a roster household of a fitting size."""
    options = _free(ctx, "relocation", where)
    if not options:
        options = [_new_relocation(ctx, rule, where, size)]
    plan, rec = _pick(ctx, options, rule)
    _use(ctx, rec)
    return plan, rec


def _new_relocation(
    ctx: InjectContext, rule: str, where: Callable[[Record], bool] | None, size: Callable[[int], bool] | None
) -> tuple[SheetPlan, Record]:
    """Another household relocated to a 集中安置点, written like the generator's rows."""
    plan = _plan(ctx, "relocation", rule)
    moved = {r.values.get("hh_no") for r in plan.records}
    by_town = {s.records[0].values.get("from_town"): s for s in plan.sections if s.records and s.label}
    rng = ctx.rng
    candidates = [
        (r, h)
        for _, r in ctx.records("households")
        if isinstance(h := r.ref, Household) and h.hh_no not in moved and (size(h.size) if size else h.size <= 6)
    ]
    rng.shuffle(candidates)
    for _, h in candidates:
        year = rng.randint(2016, 2019)
        start = random_date(rng, dt.date(year, 3, 1), dt.date(year, 6, 30))
        finish = start + dt.timedelta(days=rng.randint(200, 330))
        accept = finish + dt.timedelta(days=rng.randint(10, 40))
        move_in = accept + dt.timedelta(days=rng.randint(5, 60))
        short = h.township.removesuffix("管理区").removesuffix("街道").rstrip("镇乡")
        detail, to_town, to_village, site = rng.choice(
            (
                ("集镇安置", h.township, f"{short}社区", f"{short}集镇安置点"),
                ("县城安置", "城关街道", "幸福社区", "新县城区易地扶贫搬迁安置小区"),
            )
        )
        per_person = rng.choice((20, 25, 25))
        values = {
            "_kind": "relocation", "hh_no": h.hh_no, "head_name": h.head.name, "head_id": h.head.id_no,
            "persons": h.size, "poor_persons": h.size, "is_poor": "建档立卡户", "from_town": h.township,
            "from_village": h.village, "from_group": h.group,
            "reason": rng.choice(("深山区", "地质灾害隐患区", "生态保护区", "交通不便")), "year": year,
            "mode": "集中安置", "mode_detail": detail, "site_name": site, "to_town": to_town,
            "to_village": to_village, "to_group": rng.choice(("1栋", "2栋", "3栋", "4栋")),
            "area": h.size * per_person, "area_pc": per_person, "build_mode": "统规统建", "subsidy": 20000 * h.size,
            "self_fund": rng.choice((0, 0, 2000, 3000)), "debt": 0, "decoration": "简装", "start_date": start,
            "finish_date": finish, "accept_date": accept, "accept_result": "验收合格", "move_in_date": move_in,
            "moved_in": True, "old_house": True, "demolish_date": move_in + dt.timedelta(days=rng.randint(30, 200)),
            "reclaimed": True, "followup": "、".join(rng.sample(FOLLOWUPS, 2)).format(n=rng.randint(1, 2)),
            "employed": rng.randint(0, 2),
        }  # fmt: skip
        rec = Record(values, ref={"_hh": h, "_new": True})
        if where is not None and not where(rec):
            continue
        section = by_town.get(h.township)
        if section is None and by_town:  # sections per township: a new one for this township
            last = plan.sections[-1]
            label = f"{SECTION_NUMBERS[len(plan.sections)]}、{h.township}（共1户）"
            section = Section(label, [], subtotal=last.subtotal, subtotal_label=last.subtotal_label)
            plan.sections.append(section)
        section = section or plan.sections[-1]
        section.records.append(rec)
        ctx.protected_ids.add(h.head.id_no)
        _renumber(plan)
        _recount(plan, "户")
        return plan, rec
    raise NoTarget(f"{rule}: no household left to relocate")


def _fully_moved(r: Record) -> bool:
    return all(isinstance(r.values.get(k), dt.date) for k in ("finish_date", "accept_date", "move_in_date"))


def _centralised(r: Record) -> bool:
    return r.values.get("mode") == "集中安置" and _fully_moved(r)


@injector("RL-AREA-OVER-REDLINE")
def rl_area_over_redline(ctx: InjectContext) -> Planned:
    """A registered household given 28–32 ㎡ a head (fewer than six people, so only the redline is crossed)."""
    plan, rec = _reloc(
        ctx, "RL-AREA-OVER-REDLINE", lambda r: 1 <= r.values.get("persons", 0) <= 5, size=lambda n: n <= 5
    )
    pc = ctx.rng.choice((28, 30, 32))
    rec.values["area"] = rec.values["persons"] * pc
    rec.values["area_pc"] = pc
    return Planned("RL-AREA-OVER-REDLINE", plan, rec, "area", taint=[rec])


@injector("RL-LARGE-HOUSEHOLD-AREA")
def rl_large_household_area(ctx: InjectContext) -> Planned:
    """A six-person household moving with a relative (7 persons): 170 ㎡, within 25 ㎡ a head but over 150 ㎡."""
    plan, rec = _reloc(ctx, "RL-LARGE-HOUSEHOLD-AREA", lambda r: r.values.get("persons") == 6, size=lambda n: n == 6)
    rec.values["persons"] = 7
    rec.values["poor_persons"] = 6
    rec.values["area"] = ctx.rng.choice((160, 165, 170, 175))
    rec.values["area_pc"] = round(rec.values["area"] / 7, 1)
    return Planned("RL-LARGE-HOUSEHOLD-AREA", plan, rec, "area", taint=[rec])


def _same_place(rec: Record, group: bool) -> None:
    v = rec.values
    v["mode"] = "集中安置"
    v["to_town"] = v["from_town"]
    v["to_village"] = v["from_village"]
    if group:
        v["mode_detail"] = "本组安置"
        v["to_group"] = v["from_group"]
        v["site_name"] = f"{str(v['from_village']).removesuffix('村')}{v['from_group']}安置点"
    else:
        v["mode_detail"] = "中心村安置"
        v["to_group"] = _other_group(v)
        v["site_name"] = "中心村安置点"
    v["build_mode"] = "统规统建"


def _other_group(values: dict[str, Any]) -> str:
    """A 安置组 of the same village that is not the household's own group."""
    return next(g for g in ("1栋", "2栋", "新村组", "安置组") if g != values.get("from_group"))


@injector("RL-SAME-GROUP")
def rl_same_group(ctx: InjectContext) -> Planned:
    """本组安置 (a small site in the household's own group), not accepted (no 验收时间)."""
    plan, rec = _reloc(ctx, "RL-SAME-GROUP", _centralised)
    _same_place(rec, group=True)
    rec.values["accept_date"] = None
    rec.values["accept_result"] = None
    return Planned("RL-SAME-GROUP", plan, rec, "mode_detail", taint=[rec])


@injector("RL-SAME-GROUP-ACCEPTED")
def rl_same_group_accepted(ctx: InjectContext) -> Planned:
    """本组安置, and accepted all the same."""
    plan, rec = _reloc(ctx, "RL-SAME-GROUP-ACCEPTED", _centralised)
    _same_place(rec, group=True)
    return Planned("RL-SAME-GROUP-ACCEPTED", plan, rec, "accept_date", taint=[rec])


@injector("RL-SAME-VILLAGE")
def rl_same_village(ctx: InjectContext) -> Planned:
    """A 中心村安置 in the household's own village (another group of it)."""
    plan, rec = _reloc(ctx, "RL-SAME-VILLAGE", _centralised)
    _same_place(rec, group=False)
    return Planned("RL-SAME-VILLAGE", plan, rec, "to_village", taint=[rec])


def _make_scattered(ctx: InjectContext, rec: Record, detail: str) -> None:
    v = rec.values
    v["mode"] = "分散安置"
    v["mode_detail"] = detail
    v["site_name"] = None
    if detail == "进城购房":
        v["to_town"], v["to_village"] = "城关街道", ctx.rng.choice(("幸福社区", "新华社区", "航空路社区"))
        v["to_group"] = ctx.rng.choice(("3号楼", "5号楼", "2单元"))
        v["build_mode"] = "购买商品房"
    else:
        v["to_town"] = v["from_town"]
        others = sorted(
            {
                h.village
                for _, r in ctx.records("households")
                if isinstance(h := r.ref, Household) and h.township == v["from_town"] and h.village != v["from_village"]
            }
        )
        v["to_village"] = ctx.rng.choice(others) if others else v["from_village"]
        v["to_group"] = ctx.rng.choice(("一组", "二组", "三组"))
        v["build_mode"] = "自建"


def _scatter_target(ctx: InjectContext, rule: str, where: Callable[[Record], bool]) -> tuple[SheetPlan, Record]:
    """A row to turn into 分散安置, in a township that has no scattered row yet (RL-SCATTERED-SHARE stays put)."""
    plan = _plan(ctx, "relocation", rule)
    crowded = _towns_with_scattered(plan)
    return _reloc(ctx, rule, lambda r: where(r) and r.values.get("from_town") not in crowded)


@injector("RL-PURCHASE-LUXURY")
def rl_purchase_luxury(ctx: InjectContext) -> Planned:
    """进城购房 with a 精装修 flat."""
    plan, rec = _scatter_target(ctx, "RL-PURCHASE-LUXURY", _fully_moved)
    _make_scattered(ctx, rec, "进城购房")
    rec.values["decoration"] = ctx.rng.choice(("精装", "精装修", "豪华装修"))
    return Planned("RL-PURCHASE-LUXURY", plan, rec, "decoration", taint=[rec])


@injector("RL-PURCHASE-OVERSIZE")
def rl_purchase_oversize(ctx: InjectContext) -> Planned:
    """进城购房 of a flat of about 30 ㎡ a head (the redline rule fires on the same cell)."""
    plan, rec = _scatter_target(
        ctx, "RL-PURCHASE-OVERSIZE", lambda r: _fully_moved(r) and 1 <= r.values.get("persons", 0) <= 5
    )
    _make_scattered(ctx, rec, "进城购房")
    pc = ctx.rng.choice((30, 32, 35))
    rec.values["area"] = rec.values["persons"] * pc
    rec.values["area_pc"] = pc
    return Planned("RL-PURCHASE-OVERSIZE", plan, rec, "mode_detail", taint=[rec])


@injector("RL-SCATTERED-SHARE")
def rl_scattered_share(ctx: InjectContext) -> Planned:
    """One of a township's few relocated households resettled 插花 (scattered): over 20 % of them."""
    rule = "RL-SCATTERED-SHARE"
    plan = _plan(ctx, "relocation", rule)
    crowded = _towns_with_scattered(plan)
    count: dict[str, int] = {}
    for r in plan.records:
        count[str(r.values.get("from_town"))] = count.get(str(r.values.get("from_town")), 0) + 1
    plan, rec = _reloc(
        ctx,
        rule,
        lambda r: (
            _fully_moved(r)
            and r.values.get("from_town") not in crowded
            and count.get(str(r.values.get("from_town")), 1) <= 4
        ),
    )
    _make_scattered(ctx, rec, ctx.rng.choice(("插花安置", "投亲靠友")))
    return Planned(rule, plan, rec, "mode", taint=[rec])


@injector("RL-SCATTERED-NOT-MOVED-IN")
def rl_scattered_not_moved_in(ctx: InjectContext) -> Planned:
    """A scattered household whose house was built and accepted but who never moved in (旧房仍在)."""
    rule = "RL-SCATTERED-NOT-MOVED-IN"
    options = _free(ctx, "relocation", lambda r: _scattered(r) and _fully_moved(r))
    if options:
        plan, rec = _pick(ctx, options, rule)
        _use(ctx, rec)
    else:
        plan, rec = _scatter_target(ctx, rule, _fully_moved)
        _make_scattered(ctx, rec, ctx.rng.choice(("插花安置", "投亲靠友")))
    rec.values.update({"move_in_date": None, "moved_in": False, "demolish_date": None, "old_house": False})
    return Planned(rule, plan, rec, "move_in_date", taint=[rec])


@injector("RL-SELF-FUND-HIGH")
def rl_self_fund_high(ctx: InjectContext) -> Planned:
    plan, rec = _reloc(ctx, "RL-SELF-FUND-HIGH")
    rec.values["self_fund"] = ctx.rng.choice((12000, 15000, 20000, 30000))
    return Planned("RL-SELF-FUND-HIGH", plan, rec, "self_fund", taint=[rec])


@injector("RL-DEBT-HIGH")
def rl_debt_high(ctx: InjectContext) -> Planned:
    """A 负债 column (0 for most), with one household 2–5万元 in debt for its move."""
    plan, rec = _reloc(ctx, "RL-DEBT-HIGH")
    _add_col(plan, Col("debt", "因搬迁负债（元）", "money", total=True), after="self_fund")
    for r in plan.records:
        r.values.setdefault("debt", 0)
    rec.values["debt"] = ctx.rng.choice((20000, 30000, 50000))
    return Planned("RL-DEBT-HIGH", plan, rec, "debt", taint=[rec])


@injector("RL-SITE-BEHIND-SCHEDULE")
def rl_site_behind_schedule(ctx: InjectContext) -> Planned:
    """A 集中安置点 planned to be finished last year, still not built: nobody moved in.

    Adds the 计划完工时间 column (year end of every 集中安置 row's year).
    """
    rule = "RL-SITE-BEHIND-SCHEDULE"
    plan, rec = _reloc(ctx, rule, _centralised)
    _add_col(plan, Col("site_plan_finish", "计划完工时间", "date"), after="employed")
    for r in plan.records:
        if r.values.get("mode") == "集中安置" and isinstance(r.values.get("year"), int):
            r.values["site_plan_finish"] = dt.date(r.values["year"], 12, 31)
    year = ctx.as_of.year - 1
    v = rec.values
    v.update(
        {
            "year": year,
            "mode_detail": "中心村安置",
            "site_name": f"{str(v['from_village']).removesuffix('村')}中心村安置点",
            "to_town": v["from_town"],
            "start_date": random_date(ctx.rng, dt.date(year, 3, 1), dt.date(year, 6, 30)),
            "site_plan_finish": dt.date(year, 12, 31),
            "finish_date": None,
            "accept_date": None,
            "accept_result": None,
            "move_in_date": None,
            "moved_in": False,
            "demolish_date": None,
            "old_house": False,
        }
    )
    if v.get("to_village") == v.get("from_village") or str(v.get("to_village", "")).endswith("社区"):
        v["to_village"] = next(
            (
                h.village
                for _, r in ctx.records("households")
                if isinstance(h := r.ref, Household) and h.township == v["from_town"] and h.village != v["from_village"]
            ),
            v["to_village"],
        )
    return Planned(rule, plan, rec, "site_plan_finish", taint=[rec])


@injector("RL-OLD-HOUSE-STANDING")
def rl_old_house_standing(ctx: InjectContext) -> Planned:
    """Moved in years ago, the old house still not demolished."""
    plan, rec = _reloc(ctx, "RL-OLD-HOUSE-STANDING", _fully_moved)
    rec.values.update({"old_house": False, "demolish_date": None, "reclaimed": False})
    return Planned("RL-OLD-HOUSE-STANDING", plan, rec, "old_house", taint=[rec])


@injector("RL-NOT-REGISTERED")
def rl_not_registered(ctx: InjectContext) -> Planned:
    """搬迁对象类型 left blank and 建档立卡人口 0: a household that was never registered."""
    plan, rec = _reloc(ctx, "RL-NOT-REGISTERED")
    rec.values["is_poor"] = None
    rec.values["poor_persons"] = 0
    return Planned("RL-NOT-REGISTERED", plan, rec, "is_poor", taint=[rec])


@injector("RL-NO-FOLLOWUP")
def rl_no_followup(ctx: InjectContext) -> Planned:
    """No 后续扶持 written and nobody in work."""
    plan, rec = _reloc(ctx, "RL-NO-FOLLOWUP")
    rec.values["followup"] = None
    rec.values["employed"] = 0
    return Planned("RL-NO-FOLLOWUP", plan, rec, "followup", taint=[rec])


@injector("RL-MOVE-IN-BEFORE-FINISH")
def rl_move_in_before_finish(ctx: InjectContext) -> Planned:
    """入住时间 weeks before 竣工时间."""
    plan, rec = _reloc(ctx, "RL-MOVE-IN-BEFORE-FINISH", _fully_moved)
    rec.values["move_in_date"] = rec.values["finish_date"] - dt.timedelta(days=ctx.rng.randint(10, 45))
    return Planned("RL-MOVE-IN-BEFORE-FINISH", plan, rec, "move_in_date", taint=[rec])


@injector("RL-ACCEPT-BEFORE-FINISH")
def rl_accept_before_finish(ctx: InjectContext) -> Planned:
    """验收时间 before 竣工时间."""
    plan, rec = _reloc(ctx, "RL-ACCEPT-BEFORE-FINISH", _fully_moved)
    rec.values["accept_date"] = rec.values["finish_date"] - dt.timedelta(days=ctx.rng.randint(5, 30))
    return Planned("RL-ACCEPT-BEFORE-FINISH", plan, rec, "accept_date", taint=[rec])
