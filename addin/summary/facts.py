"""One flat record per problem (and per household) of a set of checked workbooks.

Every summary, the monthly ranking and the export count from these frames, so
they can never disagree about what "done" or "overdue" means. Nothing here
re-derives a rule: whether an item is done is the rules' ``@done`` (status
已完成/已销号); whether it is overdue and by how many days is rule PR-OVERDUE
(ZG-10) itself, evaluated through the rule engine with the county's settings; a
late completion is PR-DONE-LATE's day count. Template rows that hold nothing but
a serial number (``@blank_row``) are not problems and are left out.

:func:`problem_facts` columns (one row per problem row of every 问题整改台账):

==============  ==============================================================
file, sheet     the workbook path and sheet the row is on
row             the 1-based Excel row
item            问题编号, else 序号, as written ("" when neither)
description     问题描述
township        canonical 乡镇 (the row's own, else the sheet's reporting
                township, see :mod:`addin.summary.places`); "" = county level
village         村
department      the responsible county department: the first unit of 牵头单位,
                then 责任单位, that is not a township government, spelled as in
                ``templates/codes/departments.json`` when listed there, else as
                written; "" when only townships are named
department_listed  True when ``department`` is on the county's list of departments
units           every unit named in 牵头单位 and 责任单位, as written
category        canonical 问题类别 ("" when empty or not mappable)
category_code   C01 … C99 ("" when unknown)
source          canonical 问题来源; ``source_code`` K01 … K99 ("" when unknown)
status          canonical 整改进度 as written ("" when empty or not recognised)
status_class    one of :class:`StatusClass`: done / in_progress / not_started /
                long_term / void (see :func:`status_classes`)
closed          已销号, or the 是否销号 column says yes
found_date      发现时间 (NaT when empty)
deadline        整改时限 as a date (立行立改 = found + immediate_days; NaT for
                长期坚持 and unreadable values)
deadline_kind   "date", "immediate", "long_term", "status_text", "unparsable", ""
done_date       完成时间 (NaT when empty)
overdue         PR-OVERDUE holds at ``today`` (open, not 长期坚持/无需整改, past
                the deadline by more than the rule's grace days)
days_overdue    days past the deadline when overdue, else 0
done_late       done, and 完成时间 is after 整改时限 (PR-DONE-LATE)
done_on_time    done, with a 完成时间 on or before the deadline (or no dated
                deadline); a done item without 完成时间 is not "on time"
==============  ==============================================================

:func:`household_facts` columns (one row per household of the 户表/人表):
file, sheet, row (its first row), township, village, household (key unique
across files).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum

import numpy as np
import pandas as pd

from addin.ledger.definitions import Catalog, CodeList, default_catalog
from addin.ledger.reader import WorkbookLedgers
from addin.ledger.table import LedgerTable
from addin.ledger.text import clean_text
from addin.rules.catalog import default_rules
from addin.rules.checks import load_all
from addin.rules.engine import configure
from addin.rules.expressions import Context, NotApplicable, evaluate, truthy
from addin.rules.model import Rule
from addin.settings import Settings
from addin.summary.places import PlaceIndex, is_township_unit, row_townships

__all__ = [
    "PROBLEM_COLUMNS",
    "StatusClass",
    "due_in",
    "household_facts",
    "households_by_township",
    "month_bounds",
    "open_mask",
    "problem_facts",
    "status_classes",
]

OVERDUE_RULE = "PR-OVERDUE"
LATE_RULE = "PR-DONE-LATE"


class StatusClass(StrEnum):
    """Where a problem stands; the Chinese label is what summaries print."""

    DONE = "done"
    IN_PROGRESS = "in_progress"
    NOT_STARTED = "not_started"
    LONG_TERM = "long_term"
    VOID = "void"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    StatusClass.DONE: "已完成",
    StatusClass.IN_PROGRESS: "整改中",
    StatusClass.NOT_STARTED: "未整改",
    StatusClass.LONG_TERM: "长期坚持",
    StatusClass.VOID: "无需整改",
}
_BY_STATUS = {
    "已完成": StatusClass.DONE,
    "已销号": StatusClass.DONE,
    "整改中": StatusClass.IN_PROGRESS,
    "未整改": StatusClass.NOT_STARTED,
    "长期坚持": StatusClass.LONG_TERM,
    "无需整改": StatusClass.VOID,
}

PROBLEM_COLUMNS = (
    "file",
    "sheet",
    "row",
    "item",
    "description",
    "township",
    "village",
    "department",
    "department_listed",
    "units",
    "category",
    "category_code",
    "source",
    "source_code",
    "status",
    "status_class",
    "closed",
    "found_date",
    "deadline",
    "deadline_kind",
    "done_date",
    "overdue",
    "days_overdue",
    "done_late",
    "done_on_time",
)


def _rule(rule_id: str, settings: Settings) -> Rule:
    """A rule of the catalogue with the county's parameters (even if the county switched its findings off)."""
    for template in default_rules():
        if template.rule.id == rule_id:
            return configure(template.rule, settings.rule_settings) or template.rule
    raise KeyError(rule_id)


def _evaluate_rule(rule: Rule, ctx: Context) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Where a condition rule holds, and its named values; nothing holds when the sheet lacks its columns."""
    if any(not ctx.table.has(f) for f in rule.fields):
        return np.zeros(ctx.n, dtype=bool), {}
    ctx = Context(ctx.table, ctx.tables, ctx.today, ctx.age_reference, dict(rule.params), cache=ctx.cache)
    try:
        for name, expr in rule.let.items():
            ctx.lets[name] = evaluate(expr, ctx)
        return truthy(evaluate(rule.options["when"], ctx)), ctx.lets
    except NotApplicable:
        return np.zeros(ctx.n, dtype=bool), {}


def _texts(table: LedgerTable, key: str) -> np.ndarray:
    out = np.empty(len(table), dtype=object)
    out[:] = ""
    if table.has(key):
        filled = ~table.empty(key)
        out[filled] = [v if isinstance(v, str) else clean_text(v) for v in table.values(key)[filled]]
    return out


def _dates(table: LedgerTable, key: str) -> np.ndarray:
    if table.has(key):
        return table.values(key).astype("datetime64[D]")
    return np.full(len(table), np.datetime64("NaT"), dtype="datetime64[D]")


def status_classes(status: np.ndarray, closed: np.ndarray, done_date_filled: np.ndarray, deadline_kind: np.ndarray,
                   progress: np.ndarray, status_codes: CodeList) -> np.ndarray:  # fmt: skip
    """Per row, the :class:`StatusClass` the rules' reading of the row implies.

    Closed (已销号 or 是否销号 = 是) and 已完成 are done. With no recognisable status,
    a filled 完成时间 counts as done (PR-OVERDUE leaves such rows alone too), a
    长期坚持 deadline as long term, and the 整改进展情况 text decides between
    整改中 ("正在…", "推进中" …) and 未整改 — both open, as PR-OVERDUE treats them.
    """
    out = np.empty(len(status), dtype=object)
    for i, s in enumerate(status.tolist()):
        if closed[i]:
            out[i] = StatusClass.DONE
        elif s in _BY_STATUS:
            out[i] = _BY_STATUS[s]
        elif done_date_filled[i]:
            out[i] = StatusClass.DONE
        elif deadline_kind[i] == "long_term":
            out[i] = StatusClass.LONG_TERM
        else:
            hit = status_codes.lookup(progress[i]) if progress[i] else None
            going = hit is not None and hit.value == "整改中"
            out[i] = StatusClass.IN_PROGRESS if going else StatusClass.NOT_STARTED
    return out


class _Units:
    """牵头单位/责任单位 text → (department, listed, all units), cached per distinct text."""

    def __init__(self, catalog: Catalog) -> None:
        self.departments = catalog.code_list("departments")
        self.townships = catalog.code_list("townships")
        self.cache: dict[tuple[str, str], tuple[str, bool, tuple[str, ...]]] = {}

    def __call__(self, lead: str, resp: str) -> tuple[str, bool, tuple[str, ...]]:
        key = (lead, resp)
        if key not in self.cache:
            units = tuple(dict.fromkeys(u for text in (lead, resp) for u in self.departments.split(text) if u))
            department, listed = "", False
            for unit in units:
                if is_township_unit(unit, self.townships):
                    continue
                hit = self.departments.lookup(unit)
                if hit is not None:
                    department, listed = hit.value, True
                    break
                if not department:
                    department = unit
            self.cache[key] = (department, listed, units)
        return self.cache[key]


def _table_facts(table: LedgerTable, ctx: Context, catalog: Catalog, units: _Units,
                 overdue_rule: Rule, late_rule: Rule) -> pd.DataFrame:  # fmt: skip
    keep = ~truthy(evaluate("@blank_row", ctx))
    overdue, lets = _evaluate_rule(overdue_rule, ctx)
    days = lets.get("days", np.full(ctx.n, np.nan))
    late, _ = _evaluate_rule(late_rule, ctx)
    status = _texts(table, "status")
    closed = status == "已销号"
    if table.has("closed"):
        closed |= np.array([v is True for v in table.values("closed")], dtype=bool)
    kinds = np.array(
        ["" if k is None else str(k) for k in table.cols["deadline"].extra.get("kind", [None] * ctx.n)]
        if table.has("deadline")
        else [""] * ctx.n,
        dtype=object,
    )
    done_date = _dates(table, "done_date")
    deadline = _dates(table, "deadline")
    classes = status_classes(
        status, closed, ~np.isnat(done_date), kinds, _texts(table, "progress_text"), catalog.code_list("status")
    )
    done = classes == StatusClass.DONE
    late = late | (done & ~np.isnat(done_date) & ~np.isnat(deadline) & (done_date > deadline))
    category = _texts(table, "category")
    source = _texts(table, "source")
    categories, sources = catalog.code_list("problem_category"), catalog.code_list("problem_source")
    lead, resp = _texts(table, "lead_unit"), _texts(table, "resp_unit")
    resolved = [units(a, b) for a, b in zip(lead.tolist(), resp.tolist(), strict=True)]
    item = _texts(table, "issue_id")
    seq = _texts(table, "seq")
    item[item == ""] = seq[item == ""]
    frame = pd.DataFrame(
        {
            "file": table.file,
            "sheet": table.sheet,
            "row": table.rows.astype(int),
            "item": item,
            "description": _texts(table, "description"),
            "township": row_townships(table, units.townships),
            "village": _texts(table, "village"),
            "department": [r[0] for r in resolved],
            "department_listed": [r[1] for r in resolved],
            "units": [r[2] for r in resolved],
            "category": category,
            "category_code": [_code(categories, c) for c in category.tolist()],
            "source": source,
            "source_code": [_code(sources, s) for s in source.tolist()],
            "status": [s if s in _BY_STATUS else "" for s in status.tolist()],
            "status_class": [str(c) for c in classes],
            "closed": closed,
            "found_date": _dates(table, "found_date"),
            "deadline": deadline,
            "deadline_kind": kinds,
            "done_date": done_date,
            "overdue": overdue,
            "days_overdue": np.where(overdue, np.nan_to_num(days, nan=0.0), 0.0).astype(int),
            "done_late": done & late,
            "done_on_time": done & ~late & (~np.isnat(done_date)),
        }
    )
    return frame[keep].reset_index(drop=True)


def _code(codes: CodeList, value: str) -> str:
    entry = codes.by_value(value) if value else None
    return entry.code if entry is not None else ""


def problem_facts(
    books: Sequence[WorkbookLedgers],
    *,
    today: dt.date,
    settings: Settings | None = None,
    catalog: Catalog | None = None,
) -> pd.DataFrame:
    """One row per problem of every 问题整改台账 of ``books``, columns :data:`PROBLEM_COLUMNS` (module docstring).

    ``today`` is the as-of date of the check (overdue and days overdue are counted at it).
    """
    load_all()
    settings = settings or Settings()
    catalog = catalog or default_catalog()
    overdue_rule, late_rule = _rule(OVERDUE_RULE, settings), _rule(LATE_RULE, settings)
    units = _Units(catalog)
    frames = []
    for book in books:
        by_kind: dict[str, list[LedgerTable]] = {}
        for table in book.tables:
            by_kind.setdefault(table.kind, []).append(table)
        cache: dict[object, np.ndarray] = {}
        for table in by_kind.get("problems", []):
            ctx = Context(table, by_kind, today, settings.age_reference_date(today), cache=cache)
            frames.append(_table_facts(table, ctx, catalog, units, overdue_rule, late_rule))
    if not frames:
        return _empty_problems()
    return pd.concat(frames, ignore_index=True)


def _empty_problems() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in PROBLEM_COLUMNS})
    for c in ("found_date", "deadline", "done_date"):
        frame[c] = pd.Series(dtype="datetime64[s]")
    for c in ("overdue", "done_late", "done_on_time", "closed", "department_listed"):
        frame[c] = pd.Series(dtype=bool)
    frame["row"] = pd.Series(dtype=int)
    frame["days_overdue"] = pd.Series(dtype=int)
    return frame


# ---------------------------------------------------------------- helpers over the frame
def open_mask(facts: pd.DataFrame) -> pd.Series:
    """Items still to be rectified: 整改中 or 未整改 (长期坚持 and 无需整改 are neither open nor done)."""
    return facts["status_class"].isin([StatusClass.IN_PROGRESS, StatusClass.NOT_STARTED])


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """First and last day of a "YYYY-MM" month."""
    first = dt.date.fromisoformat(f"{month}-01")
    nxt = dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)


def due_in(facts: pd.DataFrame, period: str | tuple[dt.date, dt.date]) -> pd.Series:
    """Items whose dated deadline falls in the period ("YYYY-MM", or first and last day inclusive)."""
    first, last = month_bounds(period) if isinstance(period, str) else period
    deadline = pd.to_datetime(facts["deadline"])
    return (deadline >= pd.Timestamp(first)) & (deadline <= pd.Timestamp(last))


# ---------------------------------------------------------------- households
def household_facts(
    books: Sequence[WorkbookLedgers], catalog: Catalog | None = None, places: PlaceIndex | None = None
) -> pd.DataFrame:
    """One row per household named in a 户表 (or, when a workbook has none, in its 人表).

    ``household`` is the key :class:`~addin.summary.places.PlaceIndex` gives the
    household's rows (path + 户编号, else the head's ID), so findings can be matched
    to it; rows of a 户表 without either count one household per row. The township
    is the index's, so numerators (findings) and denominators (households) agree.
    """
    catalog = catalog or default_catalog()
    places = places or PlaceIndex(books, catalog.code_list("townships"))
    records: dict[str, tuple[str, str, int, str, str]] = {}
    for book in books:
        for table in book.of_kind("households") or book.of_kind("members"):
            villages = _texts(table, "village")
            for i, row in enumerate(table.rows.tolist()):
                place = places.place(table.file, table.sheet, int(row))
                key = place.household or f"{book.path}\x1frow:{table.sheet}:{row}"
                if key not in records or (not records[key][3] and place.township):
                    records[key] = (table.file, table.sheet, int(row), place.township, str(villages[i]))
    frame = pd.DataFrame(
        [(*v, k) for k, v in records.items()],
        columns=["file", "sheet", "row", "township", "village", "household"],
    )
    return frame.astype({"row": int}) if len(frame) else frame


def households_by_township(households: pd.DataFrame) -> dict[str, int]:
    """Number of households per township ("" = township unknown)."""
    return {str(k): int(v) for k, v in households.groupby("township", sort=False).size().items()}
