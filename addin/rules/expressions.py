"""The small expression language rules are written in, evaluated column-at-a-time.

A rule's condition is JSON: a field name (``"deadline"``), a derived value
(``"@age"``), a parameter (``"$max_months"``, ``"$today"``), a literal, or an
operator object (``{"<": ["deadline", "$today"]}``). Every operator works on whole
numpy columns, so a rule over 100,000 rows is a handful of vectorised operations,
never a Python loop per cell. Missing values (NaN, NaT, None, empty text) make
comparisons false; use ``empty``/``filled`` to ask about them explicitly.

Operators (each documented in ``docs/rules.md``, generated from ``OPERATORS``):
logic ``all any not``; state ``empty filled bad``; comparison ``< <= > >= == !=``;
sets ``in not_in has_any has_all only``; text ``contains matches length``;
arithmetic ``add sub mul div abs sum0 min max``; dates ``days months year``;
code lists ``attr items``; ID numbers ``id_problem id_birth id_sex``; tables
``related group_count group_share``; lookups ``by_year``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from addin.errors import ConfigError
from addin.ledger.table import LedgerTable
from addin.ledger.text import clean_text, squeeze

Array = np.ndarray


class NotApplicable(Exception):
    """The rule cannot run on this table (a column or a related ledger is missing)."""


@dataclass
class Context:
    """What an expression can see: one table, the rest of its workbook, dates and parameters."""

    table: LedgerTable
    tables: dict[str, list[LedgerTable]]
    today: dt.date
    age_reference: dt.date
    params: dict[str, Any] = field(default_factory=dict)
    lets: dict[str, Array] = field(default_factory=dict)
    cache: dict[Any, Array] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.table)

    def for_table(self, table: LedgerTable) -> Context:
        """The same dates and parameters, looking at another table."""
        return Context(table, self.tables, self.today, self.age_reference, self.params, cache=self.cache)


Operator = Callable[[Context, Any], Array]
OPERATORS: dict[str, Operator] = {}
DERIVED: dict[str, Callable[[Context], Array]] = {}


def operator(name: str) -> Callable[[Operator], Operator]:
    def register(fn: Operator) -> Operator:
        OPERATORS[name] = fn
        return fn

    return register


def derived(name: str) -> Callable[[Callable[[Context], Array]], Callable[[Context], Array]]:
    def register(fn: Callable[[Context], Array]) -> Callable[[Context], Array]:
        DERIVED[name] = fn
        return fn

    return register


# ------------------------------------------------------------------ evaluation
def evaluate(expr: Any, ctx: Context) -> Array:
    """Evaluate an expression to a column of ``ctx.n`` values."""
    n = ctx.n
    if isinstance(expr, dict):
        if len(expr) != 1:
            raise ConfigError("rules", f"表达式应只有一个运算符：{expr}")
        ((op, arg),) = expr.items()
        fn = OPERATORS.get(op)
        if fn is None:
            raise ConfigError("rules", f"未知的运算符“{op}”")
        return fn(ctx, arg)
    if isinstance(expr, str):
        if expr.startswith("$"):
            return _broadcast(_param(expr[1:], ctx), n)
        if expr.startswith("@"):
            key = ("@", id(ctx.table), expr)
            if key not in ctx.cache:
                fn = DERIVED.get(expr[1:])
                if fn is None:
                    raise ConfigError("rules", f"未知的派生值“{expr}”")
                ctx.cache[key] = fn(ctx)
            return ctx.cache[key]
        if expr.startswith("="):
            return _broadcast(expr[1:], n)  # a literal string: "=已完成"
        return field_values(ctx, expr)
    if isinstance(expr, list):
        raise ConfigError("rules", f"列表只能作为 in/has_any 等运算符的取值集合：{expr}")
    return _broadcast(expr, n)


def _param(name: str, ctx: Context) -> Any:
    if name in ("today", "as_of"):
        return np.datetime64(ctx.today, "D")
    if name in ctx.lets:
        return ctx.lets[name]
    if name in ctx.params:
        value = ctx.params[name]
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return np.datetime64(value, "D")
        return value
    raise ConfigError("rules", f"规则参数“${name}”未定义")


def _broadcast(value: Any, n: int) -> Array:
    if isinstance(value, np.ndarray) and value.ndim == 1 and len(value) == n:
        return value
    if isinstance(value, np.datetime64):
        return np.full(n, value, dtype="datetime64[D]")
    if isinstance(value, bool) or value is None or isinstance(value, str | dict | list | tuple):
        out = np.empty(n, dtype=object)
        out[:] = [value] * n if isinstance(value, list | tuple | dict) else value
        return out
    return np.full(n, float(value), dtype=float)


def field_values(ctx: Context, key: str) -> Array:
    """Normalised values of a field; an all-missing column when the sheet lacks it."""
    table = ctx.table
    if table.has(key):
        return table.values(key)
    if key not in table.ledger.by_key:
        raise ConfigError("rules", f"台账“{table.ledger.label}”没有字段“{key}”")
    kind = table.ledger.field(key).type
    if kind in ("integer", "number", "money", "percent", "year"):
        return np.full(ctx.n, np.nan)
    if kind in ("date", "deadline"):
        return np.full(ctx.n, np.datetime64("NaT"), dtype="datetime64[D]")
    out = np.empty(ctx.n, dtype=object)
    if kind == "multi_enum":
        for i in range(ctx.n):
            out[i] = ()
    return out


def present(values: Array) -> Array:
    """True where a value is there (not NaN / NaT / None / "" / empty tuple)."""
    if values.dtype.kind == "f":
        return ~np.isnan(values)
    if values.dtype.kind == "M":
        return ~np.isnat(values)
    if values.dtype.kind == "b":
        return np.ones(len(values), dtype=bool)
    # Object columns: None and "" are tested in C; only tuple cells (multi-value) need a look each.
    out = (values != "") & (values != None)  # noqa: E711 - element-wise on an object array
    tuples = np.fromiter((type(v) is tuple for v in values), bool, len(values)) if _has_tuples(values) else None
    if tuples is not None and tuples.any():
        out[tuples] = np.fromiter((len(v) > 0 for v in values[tuples]), bool, int(tuples.sum()))
    return np.asarray(out, dtype=bool)


def _has_tuples(values: Array) -> bool:
    """Whether an object column holds multi-value (tuple) cells: judged from its first filled cell."""
    for v in values:
        if v is not None and v != "":
            return type(v) is tuple
    return False


def truthy(values: Array) -> Array:
    """A boolean mask from any column (None/NaN count as false)."""
    if values.dtype.kind == "b":
        return values
    if values.dtype.kind == "f":
        return np.nan_to_num(values, nan=0.0) != 0
    return np.array([bool(v) and v is not None for v in values], dtype=bool)


def _args(arg: Any, count: int | None = None) -> list[Any]:
    items = arg if isinstance(arg, list) else [arg]
    if count is not None and len(items) != count:
        raise ConfigError("rules", f"运算符参数个数应为 {count}：{arg}")
    return items


def _numeric(values: Array) -> Array:
    if values.dtype.kind in "fiub":
        return values.astype(float)
    if values.dtype.kind == "M":
        raise ConfigError("rules", "日期不能直接参与算术运算，请用 days/months")
    out = np.full(len(values), np.nan)
    for i, v in enumerate(values):
        if isinstance(v, bool | int | float):
            out[i] = float(v)
    return out


# ------------------------------------------------------------------ logic
@operator("all")
def _all(ctx: Context, arg: Any) -> Array:
    out = np.ones(ctx.n, dtype=bool)
    for e in _args(arg):
        out &= truthy(evaluate(e, ctx))
    return out


@operator("any")
def _any(ctx: Context, arg: Any) -> Array:
    out = np.zeros(ctx.n, dtype=bool)
    for e in _args(arg):
        out |= truthy(evaluate(e, ctx))
    return out


@operator("not")
def _not(ctx: Context, arg: Any) -> Array:
    return ~truthy(evaluate(arg, ctx))


# ------------------------------------------------------------------ cell state
@operator("empty")
def _empty(ctx: Context, arg: Any) -> Array:
    if isinstance(arg, str) and not arg.startswith(("@", "$")):
        return ctx.table.empty(arg).copy()
    return ~present(evaluate(arg, ctx))


@operator("filled")
def _filled(ctx: Context, arg: Any) -> Array:
    return ~_empty(ctx, arg)


@operator("bad")
def _bad(ctx: Context, arg: Any) -> Array:
    """Filled, but not a legal value of the column's type (unparsable date, unknown code …)."""
    return ctx.table.bad(arg).copy()


# ------------------------------------------------------------------ comparison
def _compare(op: str) -> Operator:
    def run(ctx: Context, arg: Any) -> Array:
        left, right = (evaluate(e, ctx) for e in _args(arg, 2))
        both = present(left) & present(right)
        if left.dtype.kind == "M" or right.dtype.kind == "M":
            left = left.astype("datetime64[D]")
            right = right.astype("datetime64[D]")
        elif left.dtype.kind == "O" or right.dtype.kind == "O":
            if op in ("==", "!=") and not _has_tuples(left) and not _has_tuples(right):
                equal = np.asarray(left == right, dtype=bool)  # element-wise, in C
                return (equal if op == "==" else ~equal) & both
            with np.errstate(all="ignore"):
                result = np.array([_py_compare(op, a, b) for a, b in zip(left, right, strict=True)], dtype=bool)
            return result & both
        with np.errstate(invalid="ignore"):
            result = {
                "<": np.less,
                "<=": np.less_equal,
                ">": np.greater,
                ">=": np.greater_equal,
                "==": np.equal,
                "!=": np.not_equal,
            }[op](left, right)
        return np.asarray(result, dtype=bool) & both

    return run


def _py_compare(op: str, a: Any, b: Any) -> bool:
    try:
        return (
            bool({"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op])
            if op in ("<", "<=", ">", ">=")
            else ((a == b) if op == "==" else (a != b))
        )
    except TypeError:
        return op == "!="


for _op in ("<", "<=", ">", ">=", "==", "!="):
    OPERATORS[_op] = _compare(_op)


# ------------------------------------------------------------------ sets
def per_distinct(values: Array, fn: Callable[[Any], Any], dtype: Any = bool) -> Array:
    """``fn`` applied once per distinct cell value (columns repeat values: 30,000 rows, 40 causes)."""
    if not len(values):
        return np.empty(0, dtype=dtype)
    try:
        codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=False)
    except TypeError:  # an unhashable cell: no shortcut
        return np.array([fn(v) for v in values], dtype=dtype)
    mapped = np.empty(len(uniques), dtype=dtype)
    for k, u in enumerate(uniques):
        mapped[k] = fn(None if u is None or (isinstance(u, float) and np.isnan(u)) else u)
    return mapped[codes]


def _as_set(values: Any) -> frozenset[Any]:
    if not isinstance(values, list):
        raise ConfigError("rules", f"取值集合应为列表：{values}")
    return frozenset(values)


@operator("in")
def _in(ctx: Context, arg: Any) -> Array:
    expr, values = _args(arg, 2)
    column = evaluate(expr, ctx)
    allowed = _as_set(values)
    return per_distinct(column, lambda v: v in allowed) & present(column)


@operator("not_in")
def _not_in(ctx: Context, arg: Any) -> Array:
    column = evaluate(_args(arg, 2)[0], ctx)
    return ~_in(ctx, arg) & present(column)


def _items(v: Any) -> tuple[Any, ...]:
    if v is None or v == "":
        return ()
    return tuple(v) if isinstance(v, tuple | list | frozenset | set) else (v,)


@operator("has_any")
def _has_any(ctx: Context, arg: Any) -> Array:
    expr, values = _args(arg, 2)
    wanted = _as_set(values)
    return per_distinct(evaluate(expr, ctx), lambda v: bool(wanted.intersection(_items(v))))


@operator("has_all")
def _has_all(ctx: Context, arg: Any) -> Array:
    expr, values = _args(arg, 2)
    wanted = _as_set(values)
    return per_distinct(evaluate(expr, ctx), lambda v: wanted.issubset(_items(v)))


@operator("only")
def _only(ctx: Context, arg: Any) -> Array:
    """Non-empty and every item within the set."""
    expr, values = _args(arg, 2)
    allowed = _as_set(values)
    return per_distinct(evaluate(expr, ctx), lambda v: bool(_items(v)) and set(_items(v)) <= allowed)


@operator("items")
def _count_items(ctx: Context, arg: Any) -> Array:
    """Number of items in a multi-value cell."""
    return per_distinct(evaluate(arg, ctx), lambda v: float(len(_items(v))), float)


# ------------------------------------------------------------------ text
def _text(v: Any) -> str:
    return "" if v is None else v if isinstance(v, str) else squeeze(clean_text(v))


def _texts(values: Array) -> list[str]:
    return [_text(v) for v in values.tolist()]


@operator("contains")
def _contains(ctx: Context, arg: Any) -> Array:
    expr, words = _args(arg, 2)
    words = [words] if isinstance(words, str) else list(words)
    return per_distinct(evaluate(expr, ctx), lambda v: any(w in _text(v) for w in words))


@operator("matches")
def _matches(ctx: Context, arg: Any) -> Array:
    expr, pattern = _args(arg, 2)
    try:
        regex = re.compile(pattern)
    except re.error as exc:
        raise ConfigError("rules", f"正则表达式有误：{pattern}（{exc}）") from exc
    return per_distinct(evaluate(expr, ctx), lambda v: bool(t := _text(v)) and regex.search(t) is not None)


@operator("length")
def _length(ctx: Context, arg: Any) -> Array:
    return per_distinct(evaluate(arg, ctx), lambda v: float(len(squeeze(_text(v)))), float)


# ------------------------------------------------------------------ arithmetic
def _fold(fn: Callable[[Array, Array], Array], *, nan_as_zero: bool = False) -> Operator:
    def run(ctx: Context, arg: Any) -> Array:
        cols = [_numeric(evaluate(e, ctx)) for e in _args(arg)]
        if nan_as_zero:
            cols = [np.nan_to_num(c, nan=0.0) for c in cols]
        out = cols[0].copy()
        for c in cols[1:]:
            out = fn(out, c)
        return out

    return run


OPERATORS["add"] = _fold(np.add)
OPERATORS["sub"] = _fold(np.subtract)
OPERATORS["mul"] = _fold(np.multiply)
OPERATORS["sum0"] = _fold(np.add, nan_as_zero=True)
OPERATORS["min"] = _fold(np.fmin)
OPERATORS["max"] = _fold(np.fmax)


@operator("div")
def _div(ctx: Context, arg: Any) -> Array:
    a, b = (_numeric(evaluate(e, ctx)) for e in _args(arg, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = a / b
    out[~np.isfinite(out)] = np.nan
    return out


@operator("abs")
def _abs(ctx: Context, arg: Any) -> Array:
    return np.abs(_numeric(evaluate(arg, ctx)))


# ------------------------------------------------------------------ dates
def _dates(values: Array) -> Array:
    if values.dtype.kind != "M":
        raise ConfigError("rules", "days/months/year 只能用于日期")
    return values.astype("datetime64[D]")


@operator("days")
def _days(ctx: Context, arg: Any) -> Array:
    """Whole days from the second date to the first (a − b)."""
    a, b = (_dates(evaluate(e, ctx)) for e in _args(arg, 2))
    out = (a - b).astype(float)
    out[np.isnat(a) | np.isnat(b)] = np.nan
    return out


@operator("months")
def _months(ctx: Context, arg: Any) -> Array:
    """Whole calendar months from the second date to the first (2024-05-12 → 2024-12-01 is 6)."""
    a, b = (_dates(evaluate(e, ctx)) for e in _args(arg, 2))
    ya, ma, da = _ymd(a)
    yb, mb, db = _ymd(b)
    out = (ya - yb) * 12 + (ma - mb) - (da < db)
    out[np.isnat(a) | np.isnat(b)] = np.nan
    return out


def _ymd(d: Array) -> tuple[Array, Array, Array]:
    safe = np.where(np.isnat(d), np.datetime64("2000-01-01"), d)
    y = safe.astype("datetime64[Y]").astype(int) + 1970
    m = safe.astype("datetime64[M]").astype(int) % 12 + 1
    day = (safe - safe.astype("datetime64[M]")).astype(int) + 1
    return y.astype(float), m.astype(float), day.astype(float)


@operator("year")
def _year(ctx: Context, arg: Any) -> Array:
    d = _dates(evaluate(arg, ctx))
    y, _, _ = _ymd(d)
    y[np.isnat(d)] = np.nan
    return y


# ------------------------------------------------------------------ code lists
@operator("attr")
def _attr(ctx: Context, arg: Any) -> Array:
    """An attribute of each value's code-list entry, e.g. ``{"attr": ["relation", "sex"]}``.

    For multi-value cells the result is the tuple of the items' attributes.
    """
    key, name = _args(arg, 2)
    f = ctx.table.ledger.field(key)
    codes = _codes(ctx, key)
    values = field_values(ctx, key)
    lookup = {v.value: v.attrs.get(name) for v in codes.values}
    out = np.empty(ctx.n, dtype=object)
    if f.type == "multi_enum":
        out[:] = [tuple(a for a in (lookup.get(x) for x in _items(v)) if a is not None) for v in values]
    else:
        out[:] = [lookup.get(v) if v is not None else None for v in values.tolist()]
    return out


def _codes(ctx: Context, key: str) -> Any:
    from addin.ledger.definitions import default_catalog

    f = ctx.table.ledger.field(key)
    if not f.codes:
        raise ConfigError("rules", f"字段“{key}”没有代码表，不能用 attr")
    return default_catalog().code_list(f.codes)


# ------------------------------------------------------------------ ID numbers
def _ids(ctx: Context, key: str) -> Any:
    if not ctx.table.has(key):
        raise NotApplicable(key)
    return ctx.table.cols[key].extra["ids"]


@operator("id_problem")
def _id_problem(ctx: Context, arg: Any) -> Array:
    key, problem = _args(arg, 2)
    analysis = _ids(ctx, key)
    mask = getattr(analysis, problem, None)
    if mask is None:
        raise ConfigError("rules", f"未知的身份证问题类型“{problem}”")
    return np.asarray(mask, dtype=bool) & ~ctx.table.empty(key)


@operator("id_birth")
def _id_birth(ctx: Context, arg: Any) -> Array:
    return np.asarray(_ids(ctx, arg).birth, dtype="datetime64[D]")


@operator("id_sex")
def _id_sex(ctx: Context, arg: Any) -> Array:
    return np.asarray(_ids(ctx, arg).sex, dtype=object)


@operator("id_age")
def _id_age(ctx: Context, arg: Any) -> Array:
    return np.asarray(_ids(ctx, arg).ages(ctx.age_reference), dtype=float)


# ------------------------------------------------------------------ lookups
@operator("by_year")
def _by_year(ctx: Context, arg: Any) -> Array:
    """A per-year parameter (e.g. the poverty line) for each row's year: latest year ≤ the row's."""
    table_expr, year_expr = _args(arg, 2)
    table = _param(table_expr[1:], ctx) if isinstance(table_expr, str) else table_expr
    if not isinstance(table, dict):
        raise ConfigError("rules", f"by_year 需要一个“年份: 数值”的参数表：{table_expr}")
    years = sorted((int(k), float(v)) for k, v in table.items())
    keys = np.array([y for y, _ in years], dtype=float)
    vals = np.array([v for _, v in years], dtype=float)
    row_years = _numeric(evaluate(year_expr, ctx))
    idx = np.searchsorted(keys, row_years, side="right") - 1
    out = np.where((idx >= 0) & ~np.isnan(row_years), vals[np.clip(idx, 0, len(vals) - 1)], np.nan)
    return out.astype(float)


# ------------------------------------------------------------------ groups and related tables
def join_keys(ctx: Context, fields: list[str]) -> Array:
    """One comparable text key per row from several fields; "" when any part is empty (cached per table)."""
    cache_key = ("join_keys", id(ctx.table), tuple(fields))
    if all(isinstance(f, str) and not f.startswith("$") for f in fields):
        hit = ctx.cache.get(cache_key)
        if hit is not None:
            return hit
        keys = _join_keys(ctx, fields)
        ctx.cache[cache_key] = keys
        return keys
    return _join_keys(ctx, fields)


def _join_keys(ctx: Context, fields: list[str]) -> Array:
    parts = []
    for key in fields:
        values = evaluate(key, ctx)
        parts.append(["" if not p else str(v) for v, p in zip(values.tolist(), present(values), strict=True)])
    out = np.empty(ctx.n, dtype=object)
    out[:] = ["\x1f".join(ps) if all(ps) else "" for ps in zip(*parts, strict=True)] if parts else ""
    return out


@operator("group_count")
def _group_count(ctx: Context, arg: Any) -> Array:
    """Rows (or distinct values of ``distinct``) in each row's group, counting rows where ``where`` holds."""
    by = arg["by"]
    keys = join_keys(ctx, by)
    where = truthy(evaluate(arg["where"], ctx)) if "where" in arg else np.ones(ctx.n, dtype=bool)
    frame = pd.DataFrame({"k": keys, "w": where})
    if "distinct" in arg:
        frame["d"] = join_keys(ctx, [arg["distinct"]])
        sub = frame[frame["w"] & (frame["k"] != "") & (frame["d"] != "")]
        counts = sub.groupby("k")["d"].nunique()
    else:
        sub = frame[frame["w"] & (frame["k"] != "")]
        counts = sub.groupby("k").size()
    out = frame["k"].map(counts).to_numpy(dtype=float, na_value=np.nan)
    return np.where(keys == "", np.nan, np.nan_to_num(out, nan=0.0))


@operator("group_share")
def _group_share(ctx: Context, arg: Any) -> Array:
    """Share (0–1) of the rows of each row's group where ``where`` holds."""
    keys = join_keys(ctx, arg["by"])
    where = truthy(evaluate(arg["where"], ctx))
    frame = pd.DataFrame({"k": keys, "w": where.astype(float)})
    share = frame[frame["k"] != ""].groupby("k")["w"].mean()
    out = frame["k"].map(share).to_numpy(dtype=float, na_value=np.nan)
    return out


@operator("related")
def _related(ctx: Context, arg: Any) -> Array:
    """Aggregate over rows of another ledger kind in the same workbook, joined on a key.

    ``{"related": {"kind": "members", "on": [["hh_no", "hh_no"]], "agg": "count", "where": …}}``
    ``on`` lists alternative (this field, their field) pairs; the first pair both
    tables have is used. ``agg``: count, any, none, sum, max, min, first (of
    ``value``). Raises NotApplicable when the workbook has no such ledger.
    """
    others = ctx.tables.get(arg["kind"], [])
    if not others:
        raise NotApplicable(arg["kind"])
    agg = arg.get("agg", "count")
    pairs = arg["on"]
    chosen = next(
        (p for p in pairs if (ctx.table.has(p[0]) or p[0].startswith("@")) and all(o.has(p[1]) for o in others)),
        None,
    )
    if chosen is None:
        raise NotApplicable("join key")
    space = _key_space(ctx, arg["kind"], others, chosen[1])
    mine = _codes_in(ctx, space, chosen[0])
    # The aggregate over the other ledger depends only on the spec and the parameters,
    # not on which table asks: compute it once per run (17 township sheets share it).
    spec = json.dumps([arg, list(chosen), ctx.params], sort_keys=True, ensure_ascii=False, default=str)
    cache_key = ("related", spec)
    result = ctx.cache.get(cache_key)
    if result is None:
        result = _related_aggregate(ctx, arg, others, space, agg)
        ctx.cache[cache_key] = result
    found = mine >= 0
    if agg in ("any", "none"):
        out = np.zeros(ctx.n, dtype=bool)
        out[found] = result[mine[found]]
        return ~out if agg == "none" else out
    if agg == "count":
        out = np.zeros(ctx.n, dtype=float)
        out[found] = result[mine[found]]
        out[mine == -2] = np.nan  # this row has no key
        return out
    if agg == "sum" or result.dtype.kind == "f":
        out = np.full(ctx.n, np.nan)
        out[found] = result[mine[found]]
        return out
    if result.dtype.kind == "M":
        out = np.full(ctx.n, np.datetime64("NaT"), dtype="datetime64[D]")
        out[found] = result[mine[found]]
        return out
    out = np.empty(ctx.n, dtype=object)
    out[found] = result[mine[found]]
    return out


class _KeySpace:
    """Every join key of one ledger kind's tables, numbered: aggregates become array lookups."""

    def __init__(self, codes: list[np.ndarray], keys: pd.Index) -> None:
        self.codes = codes  # per other table: the number of each row's key (-1 when it has none)
        self.keys = keys  # number -> key text

    def __len__(self) -> int:
        return len(self.keys)


def _key_space(ctx: Context, kind: str, others: list[LedgerTable], their_key: str) -> _KeySpace:
    cache_key = ("key_space", kind, their_key)
    space = ctx.cache.get(cache_key)
    if space is None:
        texts = [join_keys(ctx.for_table(o), [their_key]) for o in others]
        joined = np.concatenate(texts) if texts else np.empty(0, dtype=object)
        codes, uniques = pd.factorize(joined)
        blank = pd.Index(uniques).get_indexer([""])[0]  # rows without a key join nothing
        if blank >= 0:
            codes = np.where(codes == blank, -1, codes)
        bounds = np.cumsum([0, *(len(t) for t in texts)])
        space = _KeySpace([codes[a:b] for a, b in itertools.pairwise(bounds)], pd.Index(uniques))
        ctx.cache[cache_key] = space
    return space


def _codes_in(ctx: Context, space: _KeySpace, my_key: str) -> Array:
    """This table's keys as numbers of the other kind's key space: -1 unmatched, -2 no key."""
    cache_key = ("codes_in", id(ctx.table), my_key, id(space))
    codes = ctx.cache.get(cache_key)
    if codes is None:
        mine = join_keys(ctx, [my_key])
        codes = space.keys.get_indexer(mine)
        codes = np.where(mine == "", -2, codes)
        ctx.cache[cache_key] = codes
    return codes


def _related_aggregate(ctx: Context, arg: Any, others: list[LedgerTable], space: _KeySpace, agg: str) -> Array:
    """The aggregate per key number of the other kind's rows that satisfy ``where``."""
    codes, values = [], []
    for other, other_codes in zip(others, space.codes, strict=True):
        octx = ctx.for_table(other)
        where = truthy(evaluate(arg["where"], octx)) if "where" in arg else np.ones(len(other), dtype=bool)
        keep = where & (other_codes >= 0)
        codes.append(other_codes[keep])
        if "value" in arg:
            values.append(evaluate(arg["value"], octx)[keep])
    code = np.concatenate(codes) if codes else np.empty(0, dtype=int)
    size = len(space)
    if agg == "count":
        return np.bincount(code, minlength=size).astype(float)
    if agg in ("any", "none"):
        return np.bincount(code, minlength=size) > 0
    if agg not in ("sum", "max", "min", "first"):
        raise ConfigError("rules", f"未知的汇总方式“{agg}”")
    value = np.concatenate(values) if values else np.ones(len(code))
    if agg == "sum":
        numbers = _numeric(value) if value.dtype.kind != "f" else value
        has = ~np.isnan(numbers)
        total = np.bincount(code[has], weights=numbers[has], minlength=size)
        seen = np.bincount(code[has], minlength=size) > 0
        return np.where(seen, total, np.nan)
    series = pd.Series(list(value), dtype=object) if value.dtype.kind == "O" else pd.Series(value)
    grouped = series.groupby(code, sort=False)
    picked = getattr(grouped, agg)()
    if value.dtype.kind == "M":
        out = np.full(size, np.datetime64("NaT"), dtype="datetime64[D]")
        out[picked.index.to_numpy()] = picked.to_numpy(dtype="datetime64[D]")
        return out
    if value.dtype.kind == "f":
        out = np.full(size, np.nan)
        out[picked.index.to_numpy()] = picked.to_numpy(dtype=float)
        return out
    out = np.empty(size, dtype=object)
    out[picked.index.to_numpy()] = list(picked.to_numpy(dtype=object))
    return out


# ------------------------------------------------------------------ lists, periods, text pieces
@operator("unlisted")
def _unlisted(ctx: Context, arg: Any) -> Array:
    """Filled, but not a value of the field's (open) code list, e.g. a township not in the county list."""
    col = ctx.table.cols.get(arg)
    if col is None:
        return np.zeros(ctx.n, dtype=bool)
    mask = col.extra.get("unlisted")
    return np.zeros(ctx.n, dtype=bool) if mask is None else np.asarray(mask, dtype=bool) & ~col.empty


@operator("not_listed")
def _not_listed(ctx: Context, arg: Any) -> Array:
    """(parent, child) pairs missing from a parameter mapping parent → list of children.

    ``{"not_listed": [["township", "village"], "$villages"]}``; an empty mapping
    (the county has not configured one) flags nothing.
    """
    (parent, child), table_ref = _args(arg, 2)
    mapping = _param(table_ref[1:], ctx) if isinstance(table_ref, str) else table_ref
    if not isinstance(mapping, dict) or not mapping:
        return np.zeros(ctx.n, dtype=bool)
    from addin.ledger.text import value_key

    known = {value_key(p): {value_key(c) for c in children} for p, children in mapping.items()}
    parents, children = evaluate(parent, ctx), evaluate(child, ctx)
    out = np.zeros(ctx.n, dtype=bool)
    for i, (p, c) in enumerate(zip(parents.tolist(), children.tolist(), strict=True)):
        if p and c and value_key(p) in known:
            out[i] = value_key(c) not in known[value_key(p)]
    return out


@operator("period_end")
def _period_end(ctx: Context, arg: Any) -> Array:
    """The last day of a date's period (the date itself for full dates; month end for "2024年5月")."""
    col = ctx.table.cols.get(arg)
    if col is None or "last_days" not in col.extra:
        return _dates(field_values(ctx, arg))
    return np.asarray(col.extra["last_days"], dtype="datetime64[D]")


@operator("id_upgraded")
def _id_upgraded(ctx: Context, arg: Any) -> Array:
    """The 18-digit form of an old 15-digit ID ("" otherwise)."""
    return np.asarray(_ids(ctx, arg).upgraded(), dtype=object)


@operator("slice")
def _slice(ctx: Context, arg: Any) -> Array:
    """Characters ``start``..``stop`` of a text (``{"slice": ["disability_cert", 0, 18]}``)."""
    expr, start, stop = _args(arg, 3)
    out = np.empty(ctx.n, dtype=object)
    out[:] = [t[int(start) : int(stop)] if t else None for t in _texts(evaluate(expr, ctx))]
    return out


@operator("upper")
def _upper(ctx: Context, arg: Any) -> Array:
    out = np.empty(ctx.n, dtype=object)
    out[:] = [t.upper() if t else None for t in _texts(evaluate(arg, ctx))]
    return out


_OPERATOR_DOCS = {
    "all": "True where every sub-expression holds.",
    "any": "True where at least one sub-expression holds.",
    "not": "Negation.",
    "empty": "The cell is empty (placeholders such as “/” or “无” count as empty; a missing column is all empty).",
    "filled": "The cell holds something.",
    "<": "a < b (numbers with numbers, dates with dates); false when either side is missing.",
    "<=": "a ≤ b; false when either side is missing.",
    ">": "a > b; false when either side is missing.",
    ">=": "a ≥ b; false when either side is missing.",
    "==": "a equals b; false when either side is missing.",
    "!=": "a differs from b; false when either side is missing.",
    "in": "The value is one of the listed values.",
    "not_in": "The value is filled and none of the listed values.",
    "has_any": "A multi-value cell contains at least one of the listed values.",
    "has_all": "A multi-value cell contains all of the listed values.",
    "contains": "The text contains any of the given words.",
    "matches": "The text matches a regular expression (search).",
    "length": "Number of characters, whitespace removed.",
    "add": "a + b + …; missing values propagate.",
    "sub": "a − b − …; missing values propagate.",
    "mul": "a × b × …; missing values propagate.",
    "sum0": "a + b + … with missing values counted as 0.",
    "min": "The smallest of the arguments, ignoring missing ones.",
    "max": "The largest of the arguments, ignoring missing ones.",
    "div": "a ÷ b; missing where b is 0 or either side is missing.",
    "abs": "Absolute value.",
    "year": "The calendar year of a date.",
    "id_problem": "The ID number has the named problem (stored_as_number, bad_length, bad_chars, bad_checksum, …).",
    "id_birth": "The birth date encoded in an ID number.",
    "id_sex": "The sex encoded in an ID number (男/女).",
    "id_age": "Full years of age from an ID number at the age reference date.",
    "upper": "Upper-case text.",
}
for _name, _doc in _OPERATOR_DOCS.items():
    OPERATORS[_name].__doc__ = OPERATORS[_name].__doc__ or _doc
