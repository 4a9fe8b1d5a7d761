"""Operators over code lists, ID numbers, per-year parameters, configured lists and text pieces."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from addin.errors import ConfigError
from addin.rules.expressions import (
    Array,
    Context,
    args_of,
    as_dates,
    code_list,
    evaluate,
    field_values,
    id_analysis,
    items_of,
    numeric,
    operator,
    param,
    text_values,
)


# ------------------------------------------------------------------ code lists
@operator("attr")
def _attr(ctx: Context, arg: Any) -> Array:
    """An attribute of each value's code-list entry, e.g. ``{"attr": ["relation", "sex"]}``.

    For multi-value cells the result is the tuple of the items' attributes.
    """
    key, name = args_of(arg, 2)
    f = ctx.table.ledger.field(key)
    codes = code_list(ctx, key)
    values = field_values(ctx, key)
    lookup = {v.value: v.attrs.get(name) for v in codes.values}
    out = np.empty(ctx.n, dtype=object)
    if f.type == "multi_enum":
        out[:] = [tuple(a for a in (lookup.get(x) for x in items_of(v)) if a is not None) for v in values]
    elif pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        # Canonical texts repeat (17 townships, a dozen values): look each distinct one up once.
        codes_of, uniques = pd.factorize(values)  # missing cells (None, NaN) get -1 and no attribute
        mapped = np.empty(len(uniques) + 1, dtype=object)
        for k, u in enumerate(uniques):
            mapped[k] = lookup.get(u)
        mapped[-1] = None
        out[:] = mapped[codes_of]
    else:
        out[:] = [lookup.get(v) if v is not None else None for v in values.tolist()]
    return out


# ------------------------------------------------------------------ ID numbers


@operator("id_problem")
def _id_problem(ctx: Context, arg: Any) -> Array:
    """The ID number has the named problem (stored_as_number, bad_length, bad_chars, bad_checksum, …)."""
    key, problem = args_of(arg, 2)
    analysis = id_analysis(ctx, key)
    mask = getattr(analysis, problem, None)
    if mask is None:
        raise ConfigError("rules", f"未知的身份证问题类型“{problem}”")
    return np.asarray(mask, dtype=bool) & ~ctx.table.empty(key)


@operator("id_birth")
def _id_birth(ctx: Context, arg: Any) -> Array:
    """The birth date encoded in an ID number."""
    return np.asarray(id_analysis(ctx, arg).birth, dtype="datetime64[D]")


@operator("id_sex")
def _id_sex(ctx: Context, arg: Any) -> Array:
    """The sex encoded in an ID number (男/女)."""
    return np.asarray(id_analysis(ctx, arg).sex, dtype=object)


@operator("id_age")
def _id_age(ctx: Context, arg: Any) -> Array:
    """Full years of age from an ID number at the age reference date."""
    return np.asarray(id_analysis(ctx, arg).ages(ctx.age_reference), dtype=float)


# ------------------------------------------------------------------ lookups
@operator("by_year")
def _by_year(ctx: Context, arg: Any) -> Array:
    """A per-year parameter (e.g. the poverty line) for each row's year: latest year ≤ the row's."""
    table_expr, year_expr = args_of(arg, 2)
    table = param(table_expr[1:], ctx) if isinstance(table_expr, str) else table_expr
    if not isinstance(table, dict):
        raise ConfigError("rules", f"by_year 需要一个“年份: 数值”的参数表：{table_expr}")
    years = sorted((int(k), float(v)) for k, v in table.items())
    keys = np.array([y for y, _ in years], dtype=float)
    vals = np.array([v for _, v in years], dtype=float)
    row_years = numeric(evaluate(year_expr, ctx))
    idx = np.searchsorted(keys, row_years, side="right") - 1
    out = np.where((idx >= 0) & ~np.isnan(row_years), vals[np.clip(idx, 0, len(vals) - 1)], np.nan)
    return out.astype(float)


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
    (parent, child), table_ref = args_of(arg, 2)
    mapping = param(table_ref[1:], ctx) if isinstance(table_ref, str) else table_ref
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
        return as_dates(field_values(ctx, arg))
    return np.asarray(col.extra["last_days"], dtype="datetime64[D]")


@operator("id_upgraded")
def _id_upgraded(ctx: Context, arg: Any) -> Array:
    """The 18-digit form of an old 15-digit ID ("" otherwise)."""
    return np.asarray(id_analysis(ctx, arg).upgraded(), dtype=object)


@operator("slice")
def _slice(ctx: Context, arg: Any) -> Array:
    """Characters ``start``..``stop`` of a text (``{"slice": ["disability_cert", 0, 18]}``)."""
    expr, start, stop = args_of(arg, 3)
    out = np.empty(ctx.n, dtype=object)
    out[:] = [t[int(start) : int(stop)] if t else None for t in text_values(evaluate(expr, ctx))]
    return out


@operator("upper")
def _upper(ctx: Context, arg: Any) -> Array:
    """Upper-case text."""
    out = np.empty(ctx.n, dtype=object)
    out[:] = [t.upper() if t else None for t in text_values(evaluate(arg, ctx))]
    return out
