"""Deliberate problems: each injector changes the in-memory data of one chosen row before writing.

An injector gets the :class:`InjectContext` (the sheet plans of a workbook, its
rng, the as-of date, which IDs other sheets refer to) and returns a
:class:`Planned` injection: the expected rule, the record and field it changed
(or the 小计/合计 row it falsified) and the records whose rows are no longer clean.
Once the workbook is written, ``Planned.resolve`` turns it into an
:class:`Injection` with the exact sheet, row and A1 cell, computed from where the
writer actually put the record (title rows, header rows, section rows and merges
all shift rows).

Add an injector by writing a function and registering it under its rule id in
``INJECTORS``. Pick targets with ``ctx.targets(...)`` so a row is never used
twice and rows referred to from other sheets (a borrower's ID, a relocated head)
are left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from tests.samples.layout import Record, SheetPlan, WrittenSheet


@dataclass
class Injection:
    """One problem deliberately put into a workbook, and where the checker must report it."""

    rule: str  # expected rule id, e.g. "PR-OVERDUE"
    sheet: str
    cell: str | None  # expected A1 cell of the finding (None = whole-row/sheet finding)
    row: int | None


@dataclass
class Planned:
    """An injection before the workbook is written (rows are not known yet)."""

    rule: str
    plan: SheetPlan
    record: Record | None
    key: str | None
    subtotal: int | None = None  # section index of a falsified 小计 row (-1 = the 合计 row)
    taint: list[Record] = field(default_factory=list)

    def resolve(self, written: WrittenSheet) -> Injection:
        if self.subtotal is not None:
            row = written.subtotal_rows[self.subtotal]
            assert self.key is not None
            from openpyxl.utils import get_column_letter

            return Injection(self.rule, written.name, f"{get_column_letter(written.col_of[self.key])}{row}", row)
        assert self.record is not None
        return Injection(self.rule, written.name, written.cell(self.record, self.key), written.row_of[self.record.rid])

    def tainted_rows(self, written: WrittenSheet) -> set[int]:
        """Rows of ``written`` that this injection changed (a member's: the whole household's)."""
        rows: set[int] = set()
        for rec in self.taint:
            parent = rec.values.get("_parent")
            rows.update(written.rows_of.get((parent or rec).rid, ()))
        return rows


class NoTarget(LookupError):
    """No row of the workbook can take this injection."""


@dataclass
class InjectContext:
    plans: list[SheetPlan]
    rng: random.Random
    as_of: dt.date
    protected_ids: set[str] = field(default_factory=set)  # IDs other sheets join on
    kinds: Sequence[str] = ()  # preferred ledger kinds for the next injection
    used: set[int] = field(default_factory=set)

    def records(self, kind: str) -> Iterable[tuple[SheetPlan, Record]]:
        for plan in self.plans:
            if kind not in plan.kinds:
                continue
            for rec in plan.records:
                if rec.values.get("_kind") == kind:
                    yield plan, rec
                for m in rec.members:
                    if m.values.get("_kind") == kind:
                        yield plan, m

    def targets(
        self, spots: Sequence[tuple[str, str]], where: Callable[[SheetPlan, Record, str], bool] | None = None
    ) -> list[tuple[SheetPlan, Record, str]]:
        """Unused, filled (kind, field) cells of sheets that have the column, preferred kinds first."""
        found = []
        for kind, key in spots:
            for plan, rec in self.records(kind):
                if rec.rid in self.used or key not in {c.key for c in plan.cols}:
                    continue
                if rec.values.get(key) in (None, "") or key in rec.raw:
                    continue
                if where is None or where(plan, rec, key):
                    found.append((plan, rec, key))
        preferred = [t for t in found if t[1].values.get("_kind") in self.kinds]
        return preferred or found

    def choose(self, options: list[tuple[SheetPlan, Record, str]], rule: str) -> tuple[SheetPlan, Record, str]:
        if not options:
            raise NoTarget(f"{rule}: no suitable row")
        plan, rec, key = options[self.rng.randrange(len(options))]
        self.used.add(rec.rid)
        return plan, rec, key


Injector = Callable[[InjectContext], Planned]
INJECTORS: dict[str, Injector] = {}


def injector(rule: str) -> Callable[[Injector], Injector]:
    def register(fn: Injector) -> Injector:
        INJECTORS[rule] = fn
        return fn

    return register


# ---------------------------------------------------------------- helpers
ID_SPOTS = (
    ("members", "id_no"),
    ("loans", "borrower_id"),
    ("relocation", "head_id"),
    ("visits", "head_id"),
    ("households", "head_id"),
    ("problems", "household_id_no"),
)
CHILD_RELATIONS = frozenset({"之子", "之女", "之孙子", "之孙女", "之外孙子", "之外孙女"})


def _safe_id(ctx: InjectContext) -> Callable[[SheetPlan, Record, str], bool]:
    """IDs nobody else joins on: a member who is not the head (whose ID doubles as the household's)."""

    def ok(plan: SheetPlan, rec: Record, key: str) -> bool:
        kind = rec.values.get("_kind")
        if kind in ("members", "households") and rec.values.get(key) in ctx.protected_ids:
            return False
        return kind != "members" or rec.values.get("relation") in CHILD_RELATIONS

    return ok


def _taint(ctx: InjectContext, rec: Record, key: str | None = None) -> list[Record]:
    """The changed record, and the rows of other sheets that name the same person by ID."""
    out = [rec]
    value = rec.values.get(key) if key else None
    if isinstance(value, str) and len(value) == 18:
        for plan in ctx.plans:
            for other in plan.records:
                if other is not rec and value in (
                    other.values.get(k) for k in ("head_id", "household_id_no", "borrower_id")
                ):
                    out.append(other)
    return out


# ---------------------------------------------------------------- ID numbers
@injector("GEN-ID-AS-NUMBER")
def id_as_number(ctx: InjectContext) -> Planned:
    """An 18-digit ID typed into a General cell: Excel keeps a number with 15 significant digits."""
    plan, rec, key = ctx.choose(ctx.targets(ID_SPOTS, _safe_id(ctx)), "GEN-ID-AS-NUMBER")
    rec.raw[key] = float(rec.values[key].replace("X", "0"))
    return Planned("GEN-ID-AS-NUMBER", plan, rec, key, taint=_taint(ctx, rec, key))


@injector("ID-CHECKSUM")
def id_checksum(ctx: InjectContext) -> Planned:
    """One wrong check character (a typo in the last digit)."""
    plan, rec, key = ctx.choose(ctx.targets(ID_SPOTS, _safe_id(ctx)), "ID-CHECKSUM")
    good = rec.values[key]
    wrong = [c for c in "0123456789X" if c != good[17]]
    rec.raw[key] = good[:17] + ctx.rng.choice(wrong)
    return Planned("ID-CHECKSUM", plan, rec, key, taint=_taint(ctx, rec, key))


@injector("ID-OLD-15")
def id_old_15(ctx: InjectContext) -> Planned:
    """A 15-digit ID of the first generation (born 19xx): address, yymmdd, sequence."""

    def born_19xx(plan: SheetPlan, rec: Record, key: str) -> bool:
        return _safe_id(ctx)(plan, rec, key) and str(rec.values[key])[6:8] == "19"

    plan, rec, key = ctx.choose(ctx.targets(ID_SPOTS, born_19xx), "ID-OLD-15")
    old = rec.values[key]
    rec.raw[key] = old[:6] + old[8:17]
    return Planned("ID-OLD-15", plan, rec, key, taint=_taint(ctx, rec, key))


@injector("ID-SEX-MISMATCH")
def sex_mismatch(ctx: InjectContext) -> Planned:
    """性别 typed opposite to what the ID says (a child: the relation-sex rule defers to the ID)."""
    plan, rec, key = ctx.choose(
        ctx.targets((("members", "sex"),), lambda p, r, k: _safe_id(ctx)(p, r, "id_no") and "id_no" in _keys(p)),
        "ID-SEX-MISMATCH",
    )
    rec.raw[key] = "女" if rec.values["sex"] == "男" else "男"
    return Planned("ID-SEX-MISMATCH", plan, rec, key, taint=_taint(ctx, rec, key))


def _keys(plan: SheetPlan) -> set[str]:
    return {c.key for c in plan.cols}


# ---------------------------------------------------------------- dates
DATE_SPOTS = (
    ("problems", "found_date"),
    ("visits", "visit_date"),
    ("loans", "loan_date"),
    ("relocation", "move_in_date"),
)


@injector("GEN-BAD-DATE")
def bad_date(ctx: InjectContext) -> Planned:
    """A date that is no date: 30 February, 31 June, month 13."""
    plan, rec, key = ctx.choose(
        ctx.targets(DATE_SPOTS, lambda p, r, k: isinstance(r.values.get(k), dt.date)), "GEN-BAD-DATE"
    )
    d: dt.date = rec.values[key]
    rec.raw[key] = ctx.rng.choice((f"{d.year}.2.30", f"{d.year}年6月31日", f"{d.year}.13.{d.day}", f"{d.year}/4/31"))
    return Planned("GEN-BAD-DATE", plan, rec, key, taint=_taint(ctx, rec, key))


FUTURE_SPOTS = (
    ("problems", "found_date"),
    ("loans", "loan_date"),
    ("relocation", "move_in_date"),
    ("relocation", "accept_date"),
)


@injector("GEN-FUTURE-DATE")
def future_date(ctx: InjectContext) -> Planned:
    """An event date after the as-of date (a typo in the year or month)."""
    plan, rec, key = ctx.choose(
        ctx.targets(FUTURE_SPOTS, lambda p, r, k: isinstance(r.values.get(k), dt.date)), "GEN-FUTURE-DATE"
    )
    rec.values[key] = ctx.as_of + dt.timedelta(days=ctx.rng.randint(15, 120))
    return Planned("GEN-FUTURE-DATE", plan, rec, key, taint=_taint(ctx, rec, key))


# ---------------------------------------------------------------- sheet shape
@injector("GEN-DUPLICATE-ROW")
def duplicate_row(ctx: InjectContext) -> Planned:
    """A row pasted twice: the copy follows its original, identical cell for cell."""
    spots = (("problems", "description"), ("visits", "actions"), ("loans", "borrower"), ("relocation", "head_name"))
    plan, rec, _ = ctx.choose(ctx.targets(spots, lambda p, r, k: p.roster is None), "GEN-DUPLICATE-ROW")
    dup = Record(dict(rec.values), raw=dict(rec.raw), render_as=rec, ref=rec.ref)
    rec.keep_render = True
    ctx.used.add(dup.rid)
    for section in plan.sections:
        if rec in section.records:
            section.records.insert(section.records.index(rec) + 1, dup)
            break
    return Planned("GEN-DUPLICATE-ROW", plan, dup, None, taint=[rec, dup])


@injector("GEN-SUBTOTAL-MISMATCH")
def subtotal_mismatch(ctx: InjectContext) -> Planned:
    """A 小计 (or 合计) cell that does not add up: a figure changed after the total was typed."""
    options: list[tuple[SheetPlan, int, str]] = []
    for plan in ctx.plans:
        totals = [c for c in plan.cols if c.total]
        if not totals:
            continue
        sections = [i for i, s in enumerate(plan.sections) if s.subtotal and s.records]
        if plan.total:
            sections.append(-1)
        for i in sections:
            if any((i, c.key) in plan.subtotal_errors for c in totals):
                continue
            for c in totals:
                recs = plan.records if i == -1 else plan.sections[i].records
                if any(isinstance(r.values.get(c.key), int | float) for r in recs):
                    options.append((plan, i, c.key))
    preferred = [o for o in options if o[0].kinds[0] in ctx.kinds] or options
    if not preferred:
        raise NoTarget("GEN-SUBTOTAL-MISMATCH: no 小计/合计 row")
    plan, i, key = preferred[ctx.rng.randrange(len(preferred))]
    kind = next(c.kind for c in plan.cols if c.key == key)
    delta = {"wan": 1.0, "int": float(ctx.rng.randint(2, 9)), "money": float(ctx.rng.randrange(100, 900, 10))}.get(
        kind, float(ctx.rng.randint(5, 40))
    )
    plan.subtotal_errors[(i, key)] = delta
    return Planned("GEN-SUBTOTAL-MISMATCH", plan, None, key, subtotal=i)


def inject(ctx: InjectContext, rule: str, kinds: Sequence[str] = ()) -> Planned:
    """Run the injector of ``rule``, preferring rows of ``kinds``."""
    ctx.kinds = kinds
    try:
        return INJECTORS[rule](ctx)
    finally:
        ctx.kinds = ()


__all__ = ["INJECTORS", "InjectContext", "Injection", "Injector", "NoTarget", "Planned", "inject", "injector"]


def _load_area_injectors() -> None:
    """Import ``injectors_<area>.py`` modules next to this one: each registers its injectors."""
    import importlib
    import pkgutil

    import tests.samples as package

    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("injectors_"):
            importlib.import_module(f"{package.__name__}.{info.name}")


_load_area_injectors()
