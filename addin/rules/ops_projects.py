"""Operators and derived values for the 扶贫资金/项目台账 rules (domain §3.6, templates/rules/projects.json).

``tolerance_yuan``: the money tolerance of domain §3.0 (CFG:money_tolerance) in 元 for a
row, by the unit of a column: 1 元 where the column holds 元, 0.01 万元 (= 100 元) where
it holds 万元 — project ledgers round to two decimals of 万元, so a sum of sources may
differ from the total by a cent of 万元 without anybody having made a mistake.
``@plan_finish``: the planned completion date: 计划完工时间 (its month end when only
the month is written), else 计划开工时间 plus 实施期限（月）.
``village_poor``: whether the project's village is a (registered) poor village: the
row's own 是否贫困村 column, else the 是否贫困村 of that village in a 村级责任人花名册
of the same workbook, else the county's list parameter (``poor_villages``); None when
none of them knows the village (XM-13 then says which setting is missing).
``place_count``: how many rows of another ledger kind of the workbook lie in the row's
village and satisfy a condition, e.g. the registered households of the project's village
in the 户表 (XM-09); NaN when that ledger does not name the village at all.
"""

from __future__ import annotations

import calendar
from collections import Counter
from typing import Any

import numpy as np

from addin.chain.roster_names import place_key, township_key, village_key
from addin.errors import ConfigError
from addin.ledger.table import LedgerTable
from addin.rules.expressions import (
    Array,
    Context,
    NotApplicable,
    args_of,
    derived,
    evaluate,
    field_values,
    numeric,
    operator,
    param,
    truthy,
    ymd,
)

_WAN = 10_000.0


@operator("tolerance_yuan")
def tolerance_yuan(ctx: Context, arg: Any) -> Array:
    """Money tolerance in 元 by a column's unit: ``["fund_total", "$money_tolerance", "$money_tolerance_wan"]``."""
    key, yuan_ref, wan_ref = args_of(arg, 3)
    yuan_tol = float(param(yuan_ref[1:], ctx)) if isinstance(yuan_ref, str) else float(yuan_ref)
    wan_tol = float(param(wan_ref[1:], ctx)) if isinstance(wan_ref, str) else float(wan_ref)
    column = ctx.table.columns.get(key) if isinstance(key, str) else None
    tol = wan_tol * _WAN if column is not None and column.unit == "wan" else yuan_tol
    return np.full(ctx.n, tol, dtype=float)


def add_months(dates: Array, months: Array) -> Array:
    """Each date plus a whole number of months (day clipped to the month's end); NaT where either is missing."""
    d = dates.astype("datetime64[D]")
    n = np.asarray(months, dtype=float)
    ok = ~np.isnat(d) & ~np.isnan(n)
    out = np.full(len(d), np.datetime64("NaT"), dtype="datetime64[D]")
    if not ok.any():
        return out
    y, m, day = ymd(d)
    total = (y[ok] * 12 + (m[ok] - 1) + np.round(n[ok])).astype(int)
    years, month0 = np.divmod(total, 12)
    values = []
    for yy, mm, dd in zip(years.tolist(), month0.tolist(), day[ok].astype(int).tolist(), strict=True):
        last = calendar.monthrange(yy, mm + 1)[1]
        values.append(np.datetime64(f"{yy:04d}-{mm + 1:02d}-{min(dd, last):02d}", "D"))
    out[ok] = values
    return out


@derived("plan_finish")
def plan_finish(ctx: Context) -> Array:
    """Planned completion: 计划完工时间 (month end for "2024年6月"), else 计划开工时间 + 实施期限（月）."""
    table = ctx.table
    planned = (
        evaluate({"period_end": "plan_end"}, ctx)
        if table.has("plan_end")
        else np.full(ctx.n, np.datetime64("NaT"), dtype="datetime64[D]")
    )
    if table.has("plan_start") and table.has("plan_months"):
        derived_end = add_months(field_values(ctx, "plan_start"), numeric(field_values(ctx, "plan_months")))
        gap = np.isnat(planned)
        planned = planned.copy()
        planned[gap] = derived_end[gap]
    return planned


# ------------------------------------------------------------------ villages
def _place_of(ctx: Context, table: LedgerTable) -> tuple[list[str], list[str]]:
    """(乡镇+村 key, or "" when the row names no township; 村 key) of each row; both "" without a village.

    Keys are :mod:`addin.chain.roster_names` comparison forms: "沙坪村委会" = "沙坪村" = "沙坪".
    """
    cache_key = ("place_of", id(table))
    hit = ctx.cache.get(cache_key)
    if hit is not None:
        return hit
    n = len(table)
    towns = table.values("township").tolist() if table.has("township") else [""] * n
    villages = table.values("village").tolist() if table.has("village") else [None] * n
    empty = table.empty("village").tolist() if table.has("village") else [True] * n
    places, bare = [], []
    for town, village, e in zip(towns, villages, empty, strict=True):
        places.append("" if e or not township_key(town or "") else place_key(town, village))
        bare.append("" if e else village_key(village))
    ctx.cache[cache_key] = (places, bare)
    return places, bare


def _roster_answers(ctx: Context, kind: str, key: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(乡镇+村 → answer, 村 → answer) from every table of ``kind`` with the column; None when there is none."""
    tables = [t for t in ctx.tables.get(kind, []) if t.has(key) and t.has("village")]
    if not tables:
        return None
    by_place: dict[str, Any] = {}
    by_village: dict[str, Any] = {}
    for t in tables:
        for here, bare, answer in zip(*_place_of(ctx, t), t.values(key).tolist(), strict=True):
            if bare and answer is not None:
                if here:
                    by_place.setdefault(here, answer)
                by_village.setdefault(bare, answer)
    return by_place, by_village


def _listed(listed: Any) -> tuple[set[str], set[str]]:
    """A county list of poor villages as (乡镇+村 keys, bare village keys).

    Either ``["沙坪村", "王湾村"]`` (village names alone) or ``{"沙窝镇": ["沙坪村"], "新集镇":
    ["王湾村"]}``; with the mapping a row naming no township is matched by its village alone.
    """
    places: set[str] = set()
    villages: set[str] = set()
    if isinstance(listed, dict):
        for town, names in listed.items():
            for name in names if isinstance(names, list | tuple) else [names]:
                places.add(place_key(town, name))
                villages.add(village_key(name))
    elif isinstance(listed, list | tuple):
        villages = {village_key(v) for v in listed if village_key(v)}
    else:
        raise ConfigError("rules", f"贫困村名单应为村名列表或“乡镇 → 村名列表”：{listed}")
    return places, villages


@operator("village_poor")
def village_poor(ctx: Context, arg: Any) -> Array:
    """True/False when the row's village is known to be a poor village or not; None when unknown.

    ``{"village_poor": ["village_type", "=roster_villages", "$poor_villages"]}``: the row's
    own column (its code list's ``poor`` attribute), else that village's 是否贫困村 in the
    given roster kind of the workbook, else the list parameter.
    """
    own_key, kind_ref, list_ref = args_of(arg, 3)
    out = np.empty(ctx.n, dtype=object)
    out[:] = None
    if ctx.table.has(own_key):
        out[:] = evaluate({"attr": [own_key, "poor"]}, ctx)
    roster = _roster_answers(ctx, str(kind_ref).removeprefix("="), "poor_village")
    places, villages = _listed(param(list_ref[1:], ctx) if isinstance(list_ref, str) else list_ref)
    for i, (here, bare) in enumerate(zip(*_place_of(ctx, ctx.table), strict=True)):
        if out[i] is not None or not bare:
            continue
        answer = None
        if roster is not None:
            answer = roster[0].get(here) if here else None
            answer = roster[1].get(bare) if answer is None else answer
        if answer is not None:
            out[i] = bool(answer)
        elif places and here:
            out[i] = here in places
        elif villages:
            out[i] = bare in villages
    return out


# ------------------------------------------------------------------ other ledgers by village
@operator("place_count")
def place_count(ctx: Context, arg: Any) -> Array:
    """Rows of another kind in the row's village where a condition holds: ``["=households", "@hh_registered"]``.

    Villages match by 乡镇 + 村 when both rows name the township, else by 村 alone. NaN
    where the row names no village or the other ledger has no row in that village;
    the rule is skipped when the workbook has no table of that kind.
    """
    kind_ref, where = args_of(arg, 2)
    kind = str(kind_ref).removeprefix("=")
    others = [t for t in ctx.tables.get(kind, []) if t.has("village")]
    if not others:
        raise NotApplicable(kind)
    seen_place: Counter[str] = Counter()
    seen_bare: Counter[str] = Counter()
    hit_place: Counter[str] = Counter()
    hit_bare: Counter[str] = Counter()
    for other in others:
        keep = truthy(evaluate(where, ctx.for_table(other))).tolist()
        for here, bare, k in zip(*_place_of(ctx, other), keep, strict=True):
            if bare:
                seen_bare[bare] += 1
                hit_bare[bare] += int(k)
            if here:
                seen_place[here] += 1
                hit_place[here] += int(k)
    out = np.full(ctx.n, np.nan)
    for i, (here, bare) in enumerate(zip(*_place_of(ctx, ctx.table), strict=True)):
        if here and here in seen_place:
            out[i] = hit_place[here]
        elif bare in seen_bare and not (here and seen_place):
            out[i] = hit_bare[bare]
    return out
