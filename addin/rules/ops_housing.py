"""Operators and derived values for the 危房改造 and 饮水安全 rules (domain.md §3.9, §3.10).

Both ledgers are one household per row and mostly free text typed by village clerks:
an acceptance is "验收合格", "已验收", "不合格，返工" or only a date; a re-check note says
"屋面漏雨" or "无漏雨、裂缝现象"; the county's lists (qualified assessors, key groups,
area standards, water-scarce villages) are settings. These helpers read them the way
the domain's conditions mean them.

Derived values:

``@renovation_accepted``: the renovation passed acceptance (验收结论 says so, or a 验收时间
is filled / 改造进度 is 已验收 while the 验收结论 says nothing against it).
``@renovation_inspected``: an acceptance took place, passed or failed.
``@renovation_finished``: the new or repaired house is built (竣工时间, 改造进度, an
acceptance, or the family moved in).

Operators:

``configured``: ``{"configured": "$qualified_assessors"}`` the county has filled in the setting.
``listed_any``: ``{"listed_any": ["target_type", "$key_groups"]}`` a (multi-value) cell
holds a value of a list parameter.
``range_bound``: ``{"range_bound": ["$renovation_area_range", "hh_size", 0]}`` lower (0) or
upper (1) bound from a parameter ``{"1": [20, 60], "4": [52, 72]}`` for each row's number
(the entry with the largest key ≤ the number; NaN when none or the bound is null).
``place_listed``: ``{"place_listed": ["$water_scarce", "township", "village"]}`` the setting
is ``true`` (the whole county) or lists the row's township or village.
``defect_words``: ``{"defect_words": ["recheck", "$recheck_defects"]}`` the listed words a
text reports as present ("屋面漏雨" → "漏雨"), skipping negated ("无漏雨") and
repaired ("漏雨已修复") mentions; None when there are none.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from addin.errors import ConfigError
from addin.ledger.text import clean_text, squeeze, value_key
from addin.rules.checks.setting_missing import is_unset
from addin.rules.expressions import (
    Context,
    args_of,
    code_list,
    derived,
    evaluate,
    field_values,
    items_of,
    numeric,
    operator,
    param,
    per_distinct,
    present,
    text_of,
)
from addin.rules.ops_logs import place_key

Array = np.ndarray

# ------------------------------------------------------------------ acceptance
_FAILED = re.compile(r"不合格|未通过|不通过|不达标|未达标|返工")
_PENDING = re.compile(r"未验收|待验收|没有验收|尚未验收|未组织验收|^否$|^无$|^未$")
_PASSED = re.compile(r"合格|通过|已验收|达标|^是$|^已$|验收完成|完成验收")


def acceptance_state(value: object) -> str | None:
    """ "failed", "pending", "passed" or None for a 验收结论 cell as written."""
    text = squeeze(clean_text(value))
    if not text:
        return None
    for state, pattern in (("failed", _FAILED), ("pending", _PENDING), ("passed", _PASSED)):
        if pattern.search(text):
            return state
    return None


def _states(ctx: Context) -> Array:
    key = ("ops_housing.states", id(ctx.table))
    if key not in ctx.cache:
        out = np.empty(ctx.n, dtype=object)
        raw = ctx.table.raw.get("accept_result")
        out[:] = None if raw is None else per_distinct(raw, acceptance_state, object)
        ctx.cache[key] = out
    return ctx.cache[key]


def _true_attr(ctx: Context, key: str, name: str) -> Array:
    if not ctx.table.has(key):
        return np.zeros(ctx.n, dtype=bool)
    return np.array([v is True for v in evaluate({"attr": [key, name]}, ctx)], dtype=bool)


def _filled(ctx: Context, key: str) -> Array:
    return ~ctx.table.empty(key)


@derived("renovation_accepted")
def renovation_accepted(ctx: Context) -> Array:
    """The renovation passed acceptance: 验收结论 says so, or a 验收时间 / 改造进度 已验收 with no word against it."""
    states = _states(ctx)
    silent = np.array([s is None for s in states], dtype=bool)
    recorded = _filled(ctx, "accept_date") | _true_attr(ctx, "progress", "accepted")
    return (states == "passed") | (silent & recorded)


@derived("renovation_inspected")
def renovation_inspected(ctx: Context) -> Array:
    """An acceptance took place (passed or failed): a 验收时间, or a 验收结论 that is not “未验收”."""
    states = _states(ctx)
    return renovation_accepted(ctx) | (states == "failed") | (_filled(ctx, "accept_date") & (states != "pending"))


@derived("renovation_finished")
def renovation_finished(ctx: Context) -> Array:
    """The house is built: 竣工时间, 改造进度 已竣工/已验收, an acceptance, or the family moved in."""
    occupied = np.zeros(ctx.n, dtype=bool)
    if ctx.table.has("occupied"):
        occupied = np.array([v is True for v in ctx.table.values("occupied")], dtype=bool)
    return _filled(ctx, "finish_date") | _true_attr(ctx, "progress", "finished") | renovation_inspected(ctx) | occupied


# ------------------------------------------------------------------ settings
def _list_param(ctx: Context, ref: Any) -> list[Any]:
    value = param(ref[1:], ctx) if isinstance(ref, str) and ref.startswith("$") else ref
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise ConfigError("rules", f"应为列表参数：{ref}")
    return list(value)


@operator("configured")
def configured(ctx: Context, arg: Any) -> Array:
    """The county has filled in a setting (``{"configured": "$qualified_assessors"}``): not null, "", [] or {}."""
    value = param(arg[1:], ctx) if isinstance(arg, str) and arg.startswith("$") else arg
    return np.full(ctx.n, not is_unset(value), dtype=bool)


@operator("listed_any")
def listed_any(ctx: Context, arg: Any) -> Array:
    """A cell (or any item of a multi-value cell) is one of the values of a list parameter.

    When the cell is a code-list field, the listed values are read through that list too,
    so a county may write a synonym (“五保户” for 分散供养特困人员).
    """
    expr, ref = args_of(arg, 2)
    listed = _list_param(ctx, ref)
    if isinstance(expr, str) and expr in ctx.table.ledger.by_key and ctx.table.ledger.field(expr).codes:
        codes = code_list(ctx, expr)
        listed = [hit.value if (hit := codes.lookup(v)) is not None else v for v in listed]
    wanted = {value_key(v) for v in listed} - {""}
    return per_distinct(evaluate(expr, ctx), lambda v: any(value_key(x) in wanted for x in items_of(v)))


@operator("range_bound")
def range_bound(ctx: Context, arg: Any) -> Array:
    """Bound ``i`` (0 lower, 1 upper) of ``{"n": [low, high]}`` for each row's number (largest key ≤ it)."""
    ref, expr, which = args_of(arg, 3)
    table = param(ref[1:], ctx) if isinstance(ref, str) and ref.startswith("$") else ref
    out = np.full(ctx.n, np.nan)
    if not table:
        return out
    if not isinstance(table, dict):
        raise ConfigError("rules", f"range_bound 需要“数值: [下限, 上限]”的参数表：{ref}")
    entries = []
    for k, bounds in table.items():
        if not isinstance(bounds, list | tuple) or len(bounds) != 2:
            raise ConfigError("rules", f"参数 {ref} 的“{k}”应为 [下限, 上限]")
        bound = bounds[int(which)]
        entries.append((float(k), np.nan if bound is None else float(bound)))
    entries.sort()
    keys = np.array([k for k, _ in entries])
    vals = np.array([v for _, v in entries])
    numbers = numeric(evaluate(expr, ctx))
    idx = np.searchsorted(keys, numbers, side="right") - 1
    ok = (idx >= 0) & ~np.isnan(numbers)
    out[ok] = vals[idx[ok]]
    return out


@operator("place_listed")
def place_listed(ctx: Context, arg: Any) -> Array:
    """The setting is true (whole county), or lists the row's township or village (“沙窝镇”, “李店村”)."""
    ref, *fields = args_of(arg)
    setting = param(ref[1:], ctx) if isinstance(ref, str) and ref.startswith("$") else ref
    if setting is True:
        return np.ones(ctx.n, dtype=bool)
    if not setting:
        return np.zeros(ctx.n, dtype=bool)
    if not isinstance(setting, list | tuple):
        raise ConfigError("rules", f"参数 {ref} 应为 true/false 或乡镇、村名列表")
    listed = {place_key(str(p)) for p in setting} - {""}
    out = np.zeros(ctx.n, dtype=bool)
    for key in fields:
        values = field_values(ctx, key)
        out |= per_distinct(values, lambda v: bool(v) and place_key(text_of(v)) in listed)
    return out


# ------------------------------------------------------------------ free-text reports
_CLAUSES = re.compile(r"[，,；;。！!？?\n\r]")
_NEGATED = re.compile(r"无|没有|未见|未发现|未出现|未有|不存在|杜绝|消除|均无|(?:不|不再|没)$")
_REPAIRED = re.compile(
    r"已修复|已维修|已整改|已处理|已解决|已修缮|已补漏|已消除|已治理|整改到位|治理到位|修复完毕|维修完毕"
)


def reported_words(text: str, words: list[str]) -> tuple[str, ...]:
    """The words a note reports as present: "屋面漏雨，墙体无裂缝" → ("漏雨",)."""
    found: list[str] = []
    for clause in _CLAUSES.split(squeeze(text)):
        for word in words:
            pos = clause.find(word)
            if pos < 0 or word in found:
                continue
            if _NEGATED.search(clause[:pos]) or _REPAIRED.search(clause[pos:]):
                continue
            found.append(word)
    return tuple(found)


@operator("defect_words")
def defect_words(ctx: Context, arg: Any) -> Array:
    """The listed words a text reports as present (“漏雨、裂缝”), ignoring “无漏雨” and “漏雨已修复”; None if none."""
    expr, ref = args_of(arg, 2)
    words = [str(w) for w in _list_param(ctx, ref) if str(w)]
    values = evaluate(expr, ctx)

    def find(v: Any) -> str | None:
        hits = reported_words(text_of(v), words)
        return "、".join(hits) or None

    out = per_distinct(values, find, object)
    out[~present(values)] = None
    return out


__all__ = [
    "acceptance_state",
    "configured",
    "defect_words",
    "listed_any",
    "place_listed",
    "range_bound",
    "renovation_accepted",
    "renovation_finished",
    "renovation_inspected",
    "reported_words",
]
