"""The core operators of the rule language: logic, cell state, comparison, sets, text, arithmetic, dates.

Registered on import (``addin.rules.checks.load_all`` imports every ``ops_*`` module).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from addin.errors import ConfigError
from addin.ledger.text import squeeze
from addin.rules.expressions import (
    OPERATORS,
    Array,
    Context,
    Operator,
    args_of,
    as_dates,
    as_set,
    evaluate,
    has_tuples,
    items_of,
    numeric,
    operator,
    per_distinct,
    present,
    text_of,
    truthy,
    ymd,
)


# ------------------------------------------------------------------ logic
@operator("all")
def _all(ctx: Context, arg: Any) -> Array:
    """True where every sub-expression holds."""
    out = np.ones(ctx.n, dtype=bool)
    for e in args_of(arg):
        out &= truthy(evaluate(e, ctx))
    return out


@operator("any")
def _any(ctx: Context, arg: Any) -> Array:
    """True where at least one sub-expression holds."""
    out = np.zeros(ctx.n, dtype=bool)
    for e in args_of(arg):
        out |= truthy(evaluate(e, ctx))
    return out


@operator("not")
def _not(ctx: Context, arg: Any) -> Array:
    """Negation."""
    return ~truthy(evaluate(arg, ctx))


# ------------------------------------------------------------------ cell state
@operator("empty")
def _empty(ctx: Context, arg: Any) -> Array:
    """The cell is empty (placeholders such as “/” or “无” count as empty; a missing column is all empty)."""
    if isinstance(arg, str) and not arg.startswith(("@", "$")):
        return ctx.table.empty(arg).copy()
    return ~present(evaluate(arg, ctx))


@operator("filled")
def _filled(ctx: Context, arg: Any) -> Array:
    """The cell holds something."""
    return ~_empty(ctx, arg)


@operator("bad")
def _bad(ctx: Context, arg: Any) -> Array:
    """Filled, but not a legal value of the column's type (unparsable date, unknown code …)."""
    return ctx.table.bad(arg).copy()


# ------------------------------------------------------------------ comparison
def _compare(op: str, doc: str) -> Operator:
    def run(ctx: Context, arg: Any) -> Array:
        left, right = (evaluate(e, ctx) for e in args_of(arg, 2))
        both = present(left) & present(right)
        if left.dtype.kind == "M" or right.dtype.kind == "M":
            left = left.astype("datetime64[D]")
            right = right.astype("datetime64[D]")
        elif left.dtype.kind == "O" or right.dtype.kind == "O":
            if op in ("==", "!=") and not has_tuples(left) and not has_tuples(right):
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

    run.__doc__ = doc
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


_COMPARISONS = {
    "<": "a < b (numbers with numbers, dates with dates); false when either side is missing.",
    "<=": "a ≤ b; false when either side is missing.",
    ">": "a > b; false when either side is missing.",
    ">=": "a ≥ b; false when either side is missing.",
    "==": "a equals b; false when either side is missing.",
    "!=": "a differs from b; false when either side is missing.",
}
for _op, _doc in _COMPARISONS.items():
    OPERATORS[_op] = _compare(_op, _doc)


# ------------------------------------------------------------------ sets


@operator("in")
def _in(ctx: Context, arg: Any) -> Array:
    """The value is one of the listed values."""
    expr, values = args_of(arg, 2)
    column = evaluate(expr, ctx)
    allowed = as_set(values)
    return per_distinct(column, lambda v: v in allowed) & present(column)


@operator("not_in")
def _not_in(ctx: Context, arg: Any) -> Array:
    """The value is filled and none of the listed values."""
    column = evaluate(args_of(arg, 2)[0], ctx)
    return ~_in(ctx, arg) & present(column)


@operator("has_any")
def _has_any(ctx: Context, arg: Any) -> Array:
    """A multi-value cell contains at least one of the listed values."""
    expr, values = args_of(arg, 2)
    wanted = as_set(values)
    return per_distinct(evaluate(expr, ctx), lambda v: bool(wanted.intersection(items_of(v))))


@operator("has_all")
def _has_all(ctx: Context, arg: Any) -> Array:
    """A multi-value cell contains all of the listed values."""
    expr, values = args_of(arg, 2)
    wanted = as_set(values)
    return per_distinct(evaluate(expr, ctx), lambda v: wanted.issubset(items_of(v)))


@operator("only")
def _only(ctx: Context, arg: Any) -> Array:
    """Non-empty and every item within the set."""
    expr, values = args_of(arg, 2)
    allowed = as_set(values)
    return per_distinct(evaluate(expr, ctx), lambda v: bool(items_of(v)) and set(items_of(v)) <= allowed)


@operator("items")
def _count_items(ctx: Context, arg: Any) -> Array:
    """Number of items in a multi-value cell."""
    return per_distinct(evaluate(arg, ctx), lambda v: float(len(items_of(v))), float)


# ------------------------------------------------------------------ text


@operator("contains")
def _contains(ctx: Context, arg: Any) -> Array:
    """The text contains any of the given words."""
    expr, words = args_of(arg, 2)
    words = [words] if isinstance(words, str) else list(words)
    return per_distinct(evaluate(expr, ctx), lambda v: any(w in text_of(v) for w in words))


@operator("matches")
def _matches(ctx: Context, arg: Any) -> Array:
    """The text matches a regular expression (search)."""
    expr, pattern = args_of(arg, 2)
    try:
        regex = re.compile(pattern)
    except re.error as exc:
        raise ConfigError("rules", f"正则表达式有误：{pattern}（{exc}）") from exc
    return per_distinct(evaluate(expr, ctx), lambda v: bool(t := text_of(v)) and regex.search(t) is not None)


@operator("length")
def _length(ctx: Context, arg: Any) -> Array:
    """Number of characters, whitespace removed."""
    return per_distinct(evaluate(arg, ctx), lambda v: float(len(squeeze(text_of(v)))), float)


# ------------------------------------------------------------------ arithmetic
def _fold(fn: Callable[[Array, Array], Array], doc: str, *, nan_as_zero: bool = False) -> Operator:
    def run(ctx: Context, arg: Any) -> Array:
        cols = [numeric(evaluate(e, ctx)) for e in args_of(arg)]
        if nan_as_zero:
            cols = [np.nan_to_num(c, nan=0.0) for c in cols]
        out = cols[0].copy()
        for c in cols[1:]:
            out = fn(out, c)
        return out

    run.__doc__ = doc
    return run


OPERATORS["add"] = _fold(np.add, "a + b + …; missing values propagate.")
OPERATORS["sub"] = _fold(np.subtract, "a − b − …; missing values propagate.")
OPERATORS["mul"] = _fold(np.multiply, "a × b × …; missing values propagate.")
OPERATORS["sum0"] = _fold(np.add, "a + b + … with missing values counted as 0.", nan_as_zero=True)
OPERATORS["min"] = _fold(np.fmin, "The smallest of the arguments, ignoring missing ones.")
OPERATORS["max"] = _fold(np.fmax, "The largest of the arguments, ignoring missing ones.")


@operator("div")
def _div(ctx: Context, arg: Any) -> Array:
    """a ÷ b; missing where b is 0 or either side is missing."""
    a, b = (numeric(evaluate(e, ctx)) for e in args_of(arg, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = a / b
    out[~np.isfinite(out)] = np.nan
    return out


@operator("abs")
def _abs(ctx: Context, arg: Any) -> Array:
    """Absolute value."""
    return np.abs(numeric(evaluate(arg, ctx)))


# ------------------------------------------------------------------ dates


@operator("days")
def _days(ctx: Context, arg: Any) -> Array:
    """Whole days from the second date to the first (a − b)."""
    a, b = (as_dates(evaluate(e, ctx)) for e in args_of(arg, 2))
    out = (a - b).astype(float)
    out[np.isnat(a) | np.isnat(b)] = np.nan
    return out


@operator("months")
def _months(ctx: Context, arg: Any) -> Array:
    """Whole calendar months from the second date to the first (2024-05-12 → 2024-12-01 is 6)."""
    a, b = (as_dates(evaluate(e, ctx)) for e in args_of(arg, 2))
    ya, ma, da = ymd(a)
    yb, mb, db = ymd(b)
    out = (ya - yb) * 12 + (ma - mb) - (da < db)
    out[np.isnat(a) | np.isnat(b)] = np.nan
    return out


@operator("year")
def _year(ctx: Context, arg: Any) -> Array:
    """The calendar year of a date."""
    d = as_dates(evaluate(arg, ctx))
    y, _, _ = ymd(d)
    y[np.isnat(d)] = np.nan
    return y
