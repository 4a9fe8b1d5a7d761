"""Operators and derived values for the visit-log, loan and relocation rules (domain §3.5, §3.7, §3.8).

Households are found across ledgers of the same workbook by the first key both
sides have filled in: 户编号, else 户主身份证号, else 户主姓名 + 村 (for a loan: the
borrower's ID as a head's or a member's ID). Money, loan terms and yes/no answers
in free-text columns are read from the cells as staff write them ("5万", "50000元",
"3年", "否", "未验收").
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from typing import Any

import numpy as np

from addin.errors import ConfigError
from addin.ledger.idcard import age_on
from addin.ledger.normalize import chinese_number, parse_bool
from addin.ledger.table import LedgerTable
from addin.ledger.text import clean_text, squeeze
from addin.rules.expressions import (
    Context,
    NotApplicable,
    args_of,
    derived,
    evaluate,
    field_values,
    numeric,
    operator,
    param,
    present,
    text_values,
)

Array = np.ndarray

# ------------------------------------------------------------------ text helpers
_PLACE_SUFFIX = re.compile(
    r"(?:村民小组|村民组|小组|组|社区居委会|居委会|村委会|社区|行政村|村|街道办事处|街道|乡|镇)$"
)
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百]+")


@functools.lru_cache(maxsize=65536)
def place_key(value: str) -> str:
    """A village or group name in comparable form: "第三村民小组" → "3", "王岗村" → "王岗"."""
    text = squeeze(clean_text(value)).lower()
    if not text:
        return ""
    text = re.sub(r"^第", "", text)
    stripped = _PLACE_SUFFIX.sub("", text)
    text = stripped or text
    if _CN_NUMBER.fullmatch(text):
        n = chinese_number(text)
        if n is not None:
            return str(int(n))
    return text.lstrip("0") or text


@functools.lru_cache(maxsize=65536)
def name_key(value: str) -> str:
    """A person's name in comparable form (no spaces, half-width, lower-case)."""
    return squeeze(clean_text(value)).lower()


def _text_list(values: Array) -> list[str]:
    return ["" if not p else t for t, p in zip(text_values(values), present(values), strict=True)]


def _words(ctx: Context, ref: Any) -> list[str]:
    """A literal list of words, one word, or a ``$param`` holding either."""
    value = param(ref[1:], ctx) if isinstance(ref, str) and ref.startswith("$") else ref
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(w) for w in value if str(w)]
    raise ConfigError("rules", f"应为词语列表：{ref}")


# ------------------------------------------------------------------ text operators
@operator("has_word")
def has_word(ctx: Context, arg: Any) -> Array:
    """Text containing any of the words, a literal list or a list parameter: ``["helper_title", "$t"]``."""
    expr, ref = args_of(arg, 2)
    words = _words(ctx, ref)
    return np.array([any(w in t for w in words) for t in text_values(evaluate(expr, ctx))], dtype=bool)


@operator("mentions")
def mentions(ctx: Context, arg: Any) -> Array:
    """The first text contains the row's value of any of the other expressions (each non-empty)."""
    items = args_of(arg)
    texts = [name_key(t) for t in text_values(evaluate(items[0], ctx))]
    out = np.zeros(ctx.n, dtype=bool)
    for expr in items[1:]:
        others = [name_key(t) for t in _text_list(evaluate(expr, ctx))]
        out |= np.array([bool(o) and o in t for t, o in zip(texts, others, strict=True)], dtype=bool)
    return out


@operator("same_text")
def same_text(ctx: Context, arg: Any) -> Array:
    """Both filled and equal once spaces and width are ignored ("张  三" = "张三")."""
    a, b = (_text_list(evaluate(e, ctx)) for e in args_of(arg, 2))
    return np.array([bool(x) and name_key(x) == name_key(y) for x, y in zip(a, b, strict=True)], dtype=bool)


@operator("same_place")
def same_place(ctx: Context, arg: Any) -> Array:
    """Both filled and naming the same village/group ("王岗村" = "王岗", "三组" = "第3村民小组")."""
    a, b = (_text_list(evaluate(e, ctx)) for e in args_of(arg, 2))
    return np.array(
        [bool(place_key(x)) and place_key(x) == place_key(y) for x, y in zip(a, b, strict=True)], dtype=bool
    )


def _raw(ctx: Context, key: str) -> Array | None:
    if not isinstance(key, str) or not ctx.table.has(key):
        return None
    return ctx.table.raw[key]


@operator("has_column")
def has_column(ctx: Context, arg: Any) -> Array:
    """True (for every row) when the sheet has a column for the field."""
    return np.full(ctx.n, ctx.table.has(str(arg)), dtype=bool)


@operator("raw_text")
def raw_text(ctx: Context, arg: Any) -> Array:
    """The cell text as written (before a code list turned it into its canonical value)."""
    out = np.empty(ctx.n, dtype=object)
    raw = _raw(ctx, arg)
    out[:] = None if raw is None else [clean_text(v) or None for v in raw]
    return out


@operator("answer")
def answer(ctx: Context, arg: Any) -> Array:
    """A yes/no read from the cell as written (True, False, None): "有"/"已验收" yes, "否"/"无"/"未验收" no.

    Works on text columns too, where "无" would otherwise count as an empty cell.
    """
    out = np.empty(ctx.n, dtype=object)
    raw = _raw(ctx, arg)
    if raw is None:
        out[:] = None
        return out
    out[:] = [parse_bool(v) if v is not None and clean_text(v) else None for v in raw]
    return out


@operator("first_filled")
def first_filled(ctx: Context, arg: Any) -> Array:
    """Per row, the first of several numbers that is there (NaN when none is)."""
    out = np.full(ctx.n, np.nan)
    for expr in args_of(arg):
        values = numeric(evaluate(expr, ctx))
        gap = np.isnan(out)
        out[gap] = values[gap]
    return out


# ------------------------------------------------------------------ units
_UNIT_IN_HEADER = re.compile(r"万元|元|万")


@operator("in_yuan")
def in_yuan(ctx: Context, arg: Any) -> Array:
    """A money field in 元 whatever its column's unit.

    A 万元 column (by its header, or by the field's default) is multiplied by 10 000,
    (cells written "…元" were already parsed into 万元 by the normaliser) except, when the header
    names no unit at all, numbers of 1000 or more (nobody writes a 1000万元 loan into
    a column without a unit; they wrote 元).
    """
    values = numeric(evaluate(arg, ctx)).copy()
    column = ctx.table.columns.get(arg) if isinstance(arg, str) else None
    if column is None or column.unit != "wan":
        return values
    header_has_unit = bool(_UNIT_IN_HEADER.search(clean_text(column.header)))
    raw = ctx.table.raw[arg]
    for i, v in enumerate(raw):
        if np.isnan(values[i]):
            continue
        text = squeeze(clean_text(v)) if isinstance(v, str) else ""
        if not header_has_unit and not text.endswith(("万", "万元")) and values[i] >= 1000:
            continue
        values[i] *= 10_000.0
    return values


_TERM = re.compile(r"^(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百]+)(个月|月|年)?期?$")


@operator("in_months")
def in_months(ctx: Context, arg: Any) -> Array:
    """A loan term in months: "3年" → 36, "36个月" → 36, a 年 column's 3 → 36.

    A plain number of at most 5 in a column whose header names no unit is read as years
    (microcredit runs 1–3 years; nobody lends for 3 months).
    """
    out = np.full(ctx.n, np.nan)
    raw = _raw(ctx, arg)
    if raw is None:
        return out
    column = ctx.table.columns[arg]
    header_unit = re.search(r"月|年", clean_text(column.header)) is not None
    for i, v in enumerate(raw):
        if isinstance(v, bool) or v is None:
            continue
        if isinstance(v, int | float):
            if isinstance(v, float) and np.isnan(v):
                continue
            number, unit = float(v), None
        else:
            m = _TERM.match(squeeze(clean_text(v)))
            if m is None:
                continue
            digits = m.group(1)
            parsed = float(digits) if digits[0].isdigit() else chinese_number(digits)
            if parsed is None:
                continue
            number, unit = parsed, m.group(2)
        if unit is None:
            unit = "年" if column.unit == "year" or (not header_unit and number <= 5) else "月"
        out[i] = number * 12 if unit == "年" else number
    return out


@operator("age_at")
def age_at_date(ctx: Context, arg: Any) -> Array:
    """Full years of age from an ID-number field on a date field: ``["borrower_id", "loan_date"]``."""
    key, date_expr = args_of(arg, 2)
    if not ctx.table.has(key):
        raise NotApplicable(key)
    ids = field_values(ctx, key)
    dates = evaluate(date_expr, ctx).astype("datetime64[D]")
    out = np.full(ctx.n, np.nan)
    for i, (text, d) in enumerate(zip(ids.tolist(), dates, strict=True)):
        if text and not np.isnat(d):
            age = age_on(str(text), d.astype(dt.date))
            if age is not None:
                out[i] = age
    return out


# ------------------------------------------------------------------ households across ledgers
# (this table's fields, the households' fields): tried in order for each row.
_HOUSEHOLD_KEYS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("hh_no",), ("hh_no",)),
    (("head_id",), ("head_id",)),
    (("head_name", "village"), ("head_name", "village")),
)


def _key_column(table: LedgerTable, ctx: Context, fields: Iterable[str]) -> list[str] | None:
    """One comparable key per row of ``table`` ("" when a part is empty); None if it lacks a field."""
    fields = tuple(fields)
    if not all(table.has(f) for f in fields):
        return None
    cache_key = ("ops_logs.key_column", id(table), fields)
    if cache_key not in ctx.cache:  # every roster sheet asks for every log's keys: build each once per run
        ctx.cache[cache_key] = _build_key_column(table, ctx, fields)  # type: ignore[assignment]
    return ctx.cache[cache_key]  # type: ignore[return-value]


def _build_key_column(table: LedgerTable, ctx: Context, fields: tuple[str, ...]) -> list[str]:
    octx = ctx if ctx.table is table else ctx.for_table(table)
    parts = []
    for f in fields:
        values = field_values(octx, f)
        texts = _text_list(values)
        kind = table.ledger.field(f).type
        if f in ("village", "from_village", "to_village"):
            parts.append([place_key(t) for t in texts])
        elif kind == "person":
            parts.append([name_key(t) for t in texts])
        else:
            parts.append([squeeze(t).upper() for t in texts])
    return ["\x1f".join(p) if all(p) else "" for p in zip(*parts, strict=True)]


def _index(keys: list[str]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        if k:
            out.setdefault(k, []).append(i)
    return out


def _households(ctx: Context) -> list[LedgerTable]:
    tables = ctx.tables.get("households", [])
    if not tables:
        raise NotApplicable("households")
    return tables


def household_rows(ctx: Context) -> list[list[tuple[LedgerTable, int]]]:
    """For each row of this table, the household rows it refers to (first key that finds one wins)."""
    cache_key = ("household_rows", id(ctx.table))
    if cache_key in ctx.cache:
        return ctx.cache[cache_key]  # type: ignore[return-value]
    found: list[list[tuple[LedgerTable, int]]] = [[] for _ in range(ctx.n)]
    usable = False
    for mine_fields, their_fields in _HOUSEHOLD_KEYS:
        mine = _key_column(ctx.table, ctx, mine_fields)
        if mine is None:
            continue
        for hh in _households(ctx):
            theirs = _key_column(hh, ctx, their_fields)
            if theirs is None:
                continue
            usable = True
            index = _index(theirs)
            for i, k in enumerate(mine):
                if k and not found[i] and k in index:
                    found[i] = [(hh, j) for j in index[k]]
    if not usable:
        raise NotApplicable("join key")
    ctx.cache[cache_key] = found  # type: ignore[assignment]
    return found


@operator("roster")
def roster(ctx: Context, arg: Any) -> Array:
    """A households-roster field of the household this row refers to: ``{"roster": "=helper"}``."""
    key = str(arg).lstrip("=")
    rows = household_rows(ctx)
    sources = [t for t in _households(ctx) if t.has(key)]
    if not sources:
        raise NotApplicable(key)
    template = sources[0].values(key)
    if template.dtype.kind == "f":
        out: Array = np.full(ctx.n, np.nan)
    elif template.dtype.kind == "M":
        out = np.full(ctx.n, np.datetime64("NaT"), dtype="datetime64[D]")
    else:
        out = np.empty(ctx.n, dtype=object)
        out[:] = None
    for i, hits in enumerate(rows):
        for table, j in hits:
            if table.has(key) and not table.empty(key)[j]:
                out[i] = table.values(key)[j]
                break
    return out


def _visit_dates(ctx: Context, visits: LedgerTable) -> Array:
    """Dates of in-person (or unspecified) visits on or before ``today``; NaT otherwise."""
    vctx = ctx.for_table(visits)
    dates = field_values(vctx, "visit_date").astype("datetime64[D]").copy()
    if visits.has("visit_mode"):
        in_person = evaluate({"attr": ["visit_mode", "in_person"]}, vctx)
        dates[np.array([v is False for v in in_person], dtype=bool)] = np.datetime64("NaT")
    dates[dates > np.datetime64(ctx.today, "D")] = np.datetime64("NaT")
    return dates


def _latest_visits(
    ctx: Context, log: LedgerTable, fields: tuple[str, ...], keys: list[str]
) -> dict[str, np.datetime64]:
    """Latest in-person visit date per household key of one visit log (once per run)."""
    cache_key = ("ops_logs.latest_visits", id(log), fields)
    latest = ctx.cache.get(cache_key)
    if latest is None:
        latest = {}
        for k, d in zip(keys, _visit_dates(ctx, log), strict=True):
            if k and not np.isnat(d) and (k not in latest or d > latest[k]):
                latest[k] = d
        ctx.cache[cache_key] = latest  # type: ignore[assignment]
    return latest  # type: ignore[return-value]


@derived("last_visit")
def last_visit(ctx: Context) -> Array:
    """On a household roster: the date of the latest in-person visit in the workbook's visit logs.

    A visit belongs to the household when any key matches (户编号, 户主身份证号, or
    户主姓名 + 村; 户主姓名 alone only when neither side has 村). NaT when none does.
    Not applicable without a visit log or a common key.
    """
    visits = ctx.tables.get("visits", [])
    if not visits:
        raise NotApplicable("visits")
    out = np.full(ctx.n, np.datetime64("NaT"), dtype="datetime64[D]")
    keys = list(_HOUSEHOLD_KEYS)
    if not (ctx.table.has("village") and all(v.has("village") for v in visits)):
        keys.append((("head_name",), ("head_name",)))
    usable = False
    for mine_fields, their_fields in keys:
        mine = _key_column(ctx.table, ctx, mine_fields)
        if mine is None:
            continue
        for log in visits:
            theirs = _key_column(log, ctx, their_fields)
            if theirs is None:
                continue
            usable = True
            latest = _latest_visits(ctx, log, their_fields, theirs)
            nat = np.datetime64("NaT")
            found = np.array([latest.get(k, nat) if k else nat for k in mine], dtype="datetime64[D]")
            later = ~np.isnat(found) & (np.isnat(out) | (found > out))  # one comparison per column, not per cell
            out[later] = found[later]
    if not usable:
        raise NotApplicable("join key")
    return out


@derived("in_visit_log")
def in_visit_log(ctx: Context) -> Array:
    """On a household roster: the visit logs of the workbook cover the household's village.

    (Else its township; every household when neither names a place.) A log of one
    village says nothing about the households of the next.
    """
    visits = ctx.tables.get("visits", [])
    if not visits:
        raise NotApplicable("visits")
    for key, norm in (("village", place_key), ("township", name_key)):
        if ctx.table.has(key) and all(v.has(key) for v in visits):
            covered = {norm(t) for v in visits for t in _text_list(v.values(key))} - {""}
            return np.array([norm(t) in covered for t in _text_list(ctx.table.values(key))], dtype=bool)
    return np.ones(ctx.n, dtype=bool)


# ------------------------------------------------------------------ loans
_HOUSEHOLD_TITLE = re.compile(r"小额信贷|小额贷款|到户|户贷|富民贷")
_ENTERPRISE_TITLE = re.compile(r"企业|产业扶贫贷款|龙头")


def _loan_kinds(ctx: Context) -> tuple[Array, Array]:
    """(household, enterprise) masks of a loan ledger: 贷款类型, else 信用代码, else the sheet's title."""
    n = ctx.n
    household = np.zeros(n, dtype=bool)
    enterprise = np.zeros(n, dtype=bool)
    if ctx.table.kind != "loans":
        return household, enterprise
    known = np.zeros(n, dtype=bool)
    if ctx.table.has("loan_kind"):
        h = evaluate({"attr": ["loan_kind", "household"]}, ctx)
        e = evaluate({"attr": ["loan_kind", "enterprise"]}, ctx)
        household |= np.array([v is True for v in h], dtype=bool)
        enterprise |= np.array([v is True for v in e], dtype=bool)
        known |= ~ctx.table.empty("loan_kind")
    if ctx.table.has("credit_code"):
        ent = ~ctx.table.empty("credit_code") & ~known
        enterprise |= ent
        known |= ent
    hint = f"{ctx.table.sheet} {ctx.table.layout.title}"
    if _HOUSEHOLD_TITLE.search(hint) and not _ENTERPRISE_TITLE.search(hint):
        household |= ~known
    elif _ENTERPRISE_TITLE.search(hint) and not _HOUSEHOLD_TITLE.search(hint):
        enterprise |= ~known
    return household, enterprise


@derived("loan_household")
def loan_household(ctx: Context) -> Array:
    """A 扶贫小额信贷（到户） loan: by 贷款类型, else (when that is empty) by the sheet's title."""
    return _loan_kinds(ctx)[0]


@derived("loan_enterprise")
def loan_enterprise(ctx: Context) -> Array:
    """A 带贫企业 loan: by 贷款类型, else by a filled 统一社会信用代码, else by the sheet's title."""
    return _loan_kinds(ctx)[1]


def _household_standing(table: LedgerTable, ctx: Context) -> list[str | None]:
    """Per household row: "covered" (建档立卡 or 监测对象), "not_covered" (一般农户), None (unknown)."""
    hctx = ctx.for_table(table)

    def filled(key: str) -> Array:
        return ~table.empty(key) if table.has(key) else np.zeros(len(table), dtype=bool)

    registered = filled("exit_status") | filled("poor_attr") | filled("monitored_type")
    hh_type = evaluate({"attr": ["hh_type", "exited"]}, hctx) if table.has("hh_type") else None
    monitored = evaluate({"attr": ["hh_type", "monitored"]}, hctx) if table.has("hh_type") else None
    out: list[str | None] = []
    for i in range(len(table)):
        if registered[i] or (hh_type is not None and (hh_type[i] is True or monitored[i] is True)):
            out.append("covered")
        elif hh_type is not None and hh_type[i] is False and monitored[i] is False:
            out.append("not_covered")
        else:
            out.append(None)
    return out


@derived("borrower_roster")
def borrower_roster(ctx: Context) -> Array:
    """On a loan ledger: where the borrower stands in the workbook's households roster.

    "covered" (the borrower is the head or a member of a 贫困户/脱贫户/监测对象),
    "not_covered" (of a household the roster lists as 一般农户), "missing" (found
    neither as a head nor, the member roster being there, as a member, although the
    roster covers the loan's village), None (no ID, or cannot tell). Not applicable
    without a households roster.
    """
    households = _households(ctx)
    out = np.empty(ctx.n, dtype=object)
    out[:] = None
    if not ctx.table.has("borrower_id"):
        raise NotApplicable("borrower_id")
    ids = [squeeze(t).upper() for t in _text_list(field_values(ctx, "borrower_id"))]
    standing: dict[int, list[str | None]] = {id(t): _household_standing(t, ctx) for t in households}
    # Only the loans' borrowers are looked up: index those heads and members alone, not the whole county.
    wanted = {pid for pid in ids if pid}
    members = ctx.tables.get("members", [])
    member_numbers: list[tuple[str, str]] = []
    for m in members:
        person_ids = _key_column(m, ctx, ("id_no",)) or []
        numbers = _key_column(m, ctx, ("hh_no",)) or []
        member_numbers.extend((pid, no) for pid, no in zip(person_ids, numbers, strict=False) if pid in wanted)
    needed = {no for _, no in member_numbers}
    by_head: dict[str, list[str | None]] = {}
    by_hh_no: dict[str, list[str | None]] = {}
    villages: set[str] = set()
    for t in households:
        heads = _key_column(t, ctx, ("head_id",)) or [""] * len(t)
        numbers = _key_column(t, ctx, ("hh_no",)) or [""] * len(t)
        for j, (h, no) in enumerate(zip(heads, numbers, strict=True)):
            if h in wanted:
                by_head.setdefault(h, []).append(standing[id(t)][j])
            if no and no in needed:
                by_hh_no.setdefault(no, []).append(standing[id(t)][j])
        if t.has("village"):
            villages |= {place_key(v) for v in set(_text_list(t.values("village")))} - {""}
    by_member: dict[str, list[str | None]] = {}
    for pid, no in member_numbers:
        if no in by_hh_no:
            by_member.setdefault(pid, []).extend(by_hh_no[no])
    loan_villages = (
        [place_key(v) for v in _text_list(ctx.table.values("village"))] if ctx.table.has("village") else [""] * ctx.n
    )
    for i, pid in enumerate(ids):
        if not pid:
            continue
        found = by_head.get(pid, []) + by_member.get(pid, [])
        if found:
            if "covered" in found:
                out[i] = "covered"
            elif all(s == "not_covered" for s in found):
                out[i] = "not_covered"
        elif members and (not villages or loan_villages[i] in villages):
            out[i] = "missing"
    return out


__all__ = [
    "age_at_date",
    "answer",
    "borrower_roster",
    "first_filled",
    "has_column",
    "has_word",
    "household_rows",
    "in_months",
    "in_visit_log",
    "in_yuan",
    "last_visit",
    "loan_enterprise",
    "loan_household",
    "mentions",
    "name_key",
    "place_key",
    "raw_text",
    "roster",
    "same_place",
    "same_text",
]
