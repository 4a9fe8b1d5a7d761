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

This module holds the machinery (the context, the registries, ``evaluate``) and the
helpers operator modules share; the operators themselves live in ``ops_basic``
(logic, comparison, sets, text, arithmetic, dates), ``ops_codes`` (code lists, IDs,
lookups) and ``ops_tables`` (groups, related ledgers), plus the ledger-specific
``ops_<area>`` modules; ``addin.rules.checks.load_all`` registers them all.
"""

from __future__ import annotations

import datetime as dt
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
            return broadcast(param(expr[1:], ctx), n)
        if expr.startswith("@"):
            key = ("@", id(ctx.table), expr)
            if key not in ctx.cache:
                fn = DERIVED.get(expr[1:])
                if fn is None:
                    raise ConfigError("rules", f"未知的派生值“{expr}”")
                ctx.cache[key] = fn(ctx)
            return ctx.cache[key]
        if expr.startswith("="):
            return broadcast(expr[1:], n)  # a literal string: "=已完成"
        return field_values(ctx, expr)
    if isinstance(expr, list):
        raise ConfigError("rules", f"列表只能作为 in/has_any 等运算符的取值集合：{expr}")
    return broadcast(expr, n)


def param(name: str, ctx: Context) -> Any:
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


def broadcast(value: Any, n: int) -> Array:
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
    tuples = np.fromiter((type(v) is tuple for v in values), bool, len(values)) if has_tuples(values) else None
    if tuples is not None and tuples.any():
        out[tuples] = np.fromiter((len(v) > 0 for v in values[tuples]), bool, int(tuples.sum()))
    return np.asarray(out, dtype=bool)


def has_tuples(values: Array) -> bool:
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


def args_of(arg: Any, count: int | None = None) -> list[Any]:
    items = arg if isinstance(arg, list) else [arg]
    if count is not None and len(items) != count:
        raise ConfigError("rules", f"运算符参数个数应为 {count}：{arg}")
    return items


def numeric(values: Array) -> Array:
    if values.dtype.kind in "fiub":
        return values.astype(float)
    if values.dtype.kind == "M":
        raise ConfigError("rules", "日期不能直接参与算术运算，请用 days/months")
    out = np.full(len(values), np.nan)
    for i, v in enumerate(values):
        if isinstance(v, bool | int | float):
            out[i] = float(v)
    return out


# ------------------------------------------------------------------ helpers shared by operator modules
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


def as_set(values: Any) -> frozenset[Any]:
    if not isinstance(values, list):
        raise ConfigError("rules", f"取值集合应为列表：{values}")
    return frozenset(values)


def items_of(v: Any) -> tuple[Any, ...]:
    if v is None or v == "":
        return ()
    return tuple(v) if isinstance(v, tuple | list | frozenset | set) else (v,)


def text_of(v: Any) -> str:
    return "" if v is None else v if isinstance(v, str) else squeeze(clean_text(v))


def text_values(values: Array) -> list[str]:
    plain = _plain_texts(values)
    return plain if plain is not None else [text_of(v) for v in values.tolist()]


def _plain_texts(values: Array) -> list[str] | None:
    """The cells as text when every one is text or None (None → ""), judged in C; None otherwise.

    Most key and text columns hold only text, which :func:`text_of` and the join keys keep as it is:
    this spares them a Python call per cell.
    """
    if values.dtype.kind != "O" or len(values) < 64:
        return None
    if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
        return None
    missing = pd.isna(values)
    if not missing.any():
        return values.tolist()
    if any(v is not None for v in values[missing]):  # NaN / NaT read as "nan" / "NaT": the general path
        return None
    out = values.copy()
    out[missing] = ""
    return out.tolist()


def as_dates(values: Array) -> Array:
    if values.dtype.kind != "M":
        raise ConfigError("rules", "days/months/year 只能用于日期")
    return values.astype("datetime64[D]")


def ymd(d: Array) -> tuple[Array, Array, Array]:
    safe = np.where(np.isnat(d), np.datetime64("2000-01-01"), d)
    y = safe.astype("datetime64[Y]").astype(int) + 1970
    m = safe.astype("datetime64[M]").astype(int) % 12 + 1
    day = (safe - safe.astype("datetime64[M]")).astype(int) + 1
    return y.astype(float), m.astype(float), day.astype(float)


def code_list(ctx: Context, key: str) -> Any:
    from addin.ledger.definitions import default_catalog

    f = ctx.table.ledger.field(key)
    if not f.codes:
        raise ConfigError("rules", f"字段“{key}”没有代码表，不能用 attr")
    return default_catalog().code_list(f.codes)


def id_analysis(ctx: Context, key: str) -> Any:
    if not ctx.table.has(key):
        raise NotApplicable(key)
    return ctx.table.cols[key].extra["ids"]


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
        plain = _plain_texts(values)
        if plain is None:
            plain = ["" if not p else str(v) for v, p in zip(values.tolist(), present(values), strict=True)]
        parts.append(plain)
    out = np.empty(ctx.n, dtype=object)
    if len(parts) == 1:  # one field: its texts are the keys ("" when empty)
        out[:] = parts[0]
    else:
        out[:] = ["\x1f".join(ps) if all(ps) else "" for ps in zip(*parts, strict=True)] if parts else ""
    return out
