"""Operators and derived values for the 责任体系花名册 rules (templates/rules/roster.json, domain §2.4).

A roster is often split over several sheets (one per township) and is checked
against the ledgers beside it, so these look across every table of a kind in the
workbook, comparing names in their normalised form (:mod:`addin.chain.roster_names`):

``@place``: township and village of a row as one comparison key ("沙窝镇 王湾村" =
"沙窝 王湾村委会"); "" where the village is empty.
``kind_group_count``: like ``group_count``, over every table of this table's kind.
``listed_place``: the row's (乡镇, 村) is listed by a table of another kind.
``listed_person``: every person the row's cell names is named in that field of a table of another kind.

A kind written as an argument is a literal (``"=roster_villages"``). Rules using
``listed_*`` are skipped when the workbook has no table of that kind.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from addin.chain.roster_names import person_names, place_key, township_key, village_key
from addin.errors import ConfigError
from addin.ledger.table import LedgerTable
from addin.rules.expressions import Array, Context, NotApplicable, args_of, derived, join_keys, operator


def _kind(arg: Any) -> str:
    if not isinstance(arg, str) or not arg.startswith("="):
        raise ConfigError("rules", f'台账类型应写成文字常量，例如 "=roster_villages"：{arg}')
    return arg[1:]


def _others(ctx: Context, kind: str, key: str) -> list[LedgerTable]:
    """The tables of ``kind`` that have the column ``key``; NotApplicable when there are none."""
    tables = [t for t in ctx.tables.get(kind, []) if t.has(key)]
    if not tables:
        raise NotApplicable(kind)
    return tables


def _raw(table: LedgerTable, key: str) -> list[Any]:
    """A column's values as typed (person cells keep their separators), None where empty."""
    empty = table.empty(key)
    return [None if e else v for v, e in zip(table.raw[key].tolist(), empty.tolist(), strict=True)]


def _places(table: LedgerTable, town_key: str, village_key_: str) -> list[tuple[Any, Any] | None]:
    """(乡镇, 村) of each row as normalised values; None where the village is empty."""
    n = len(table)
    towns = table.values(town_key).tolist() if table.has(town_key) else [""] * n
    villages = table.values(village_key_).tolist()
    empty = table.empty(village_key_).tolist()
    return [None if e else (t or "", v) for t, v, e in zip(towns, villages, empty, strict=True)]


@derived("place")
def place(ctx: Context) -> Array:
    """乡镇 + 村 as one normalised key per row ("" where the row names no village)."""
    out = np.empty(ctx.n, dtype=object)
    out[:] = ""
    if ctx.table.has("village"):
        for i, pair in enumerate(_places(ctx.table, "township", "village")):
            if pair is not None:
                out[i] = place_key(*pair)
    return out


@operator("kind_group_count")
def kind_group_count(ctx: Context, arg: Any) -> Array:
    """Rows (or distinct values of the second argument) sharing the row's key, over every table of its kind.

    ``{"kind_group_count": ["first_secretary", "@place"]}``: in how many villages of
    the whole roster the row's 第一书记 is listed (NaN where the key is empty).
    """
    by, *rest = args_of(arg)
    distinct = rest[0] if rest else None
    tables = ctx.tables.get(ctx.table.kind) or [ctx.table]
    cache_key = ("kind_group_count", ctx.table.kind, json.dumps([by, distinct]), tuple(id(t) for t in tables))
    counts = ctx.cache.get(cache_key)
    if counts is None:
        frames = []
        for t in tables:
            sub = ctx.for_table(t)
            frame = pd.DataFrame({"k": join_keys(sub, [by])})
            frame["d"] = join_keys(sub, [distinct]) if distinct is not None else np.arange(len(t)).astype(str)
            frames.append(frame[(frame["k"] != "") & (frame["d"] != "")])
        whole = pd.concat(frames) if frames else pd.DataFrame({"k": [], "d": []})
        counts = whole.groupby("k")["d"].nunique() if distinct is not None else whole.groupby("k").size()
        ctx.cache[cache_key] = counts
    keys = join_keys(ctx, [by])
    out = pd.Series(keys).map(counts).to_numpy(dtype=float, na_value=np.nan)
    return np.where(keys == "", np.nan, np.nan_to_num(out, nan=0.0))


@operator("listed_place")
def listed_place(ctx: Context, arg: Any) -> Array:
    """The row's 乡镇 + 村 is listed by a table of the given kind (by village alone when the row names no township).

    ``{"listed_place": ["=roster_villages", "township", "village"]}``; false where the row names no village.
    """
    kind, town_key, village_field = args_of(arg, 3)
    places: set[str] = set()
    villages: set[str] = set()
    for other in _others(ctx, _kind(kind), village_field):
        for pair in _places(other, town_key, village_field):
            if pair is not None:
                places.add(place_key(*pair))
                villages.add(village_key(pair[1]))
    out = np.zeros(ctx.n, dtype=bool)
    if not ctx.table.has(village_field):
        return out
    seen: dict[tuple[Any, Any], bool] = {}
    for i, pair in enumerate(_places(ctx.table, town_key, village_field)):
        if pair is None:
            continue
        hit = seen.get(pair)
        if hit is None:
            hit = seen[pair] = place_key(*pair) in places if township_key(pair[0]) else village_key(pair[1]) in villages
        out[i] = hit
    return out


@operator("listed_person")
def listed_person(ctx: Context, arg: Any) -> Array:
    """Every person the row's cell names is named in the same field of a table of the given kind.

    ``{"listed_person": ["helper", "=roster_households"]}``; false where the cell is empty.
    """
    key, kind = args_of(arg, 2)
    others = _others(ctx, _kind(kind), key)
    known = {name for t in others for cell in _raw(t, key) if cell is not None for name in person_names(cell)}
    out = np.zeros(ctx.n, dtype=bool)
    if not ctx.table.has(key):
        return out
    seen: dict[Any, bool] = {}
    for i, cell in enumerate(_raw(ctx.table, key)):
        if cell is None:
            continue
        hit = seen.get(cell)
        if hit is None:
            names = person_names(cell)
            hit = seen[cell] = bool(names) and all(n in known for n in names)
        out[i] = hit
    return out
