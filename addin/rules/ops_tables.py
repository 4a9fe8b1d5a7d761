"""Operators that look across rows: groups within a table and related rows of another ledger kind."""

from __future__ import annotations

import itertools
import json
from typing import Any

import numpy as np
import pandas as pd

from addin.errors import ConfigError
from addin.ledger.table import LedgerTable
from addin.rules.expressions import (
    Array,
    Context,
    NotApplicable,
    evaluate,
    join_keys,
    numeric,
    operator,
    truthy,
)

# ------------------------------------------------------------------ groups and related tables


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
        numbers = numeric(value) if value.dtype.kind != "f" else value
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
