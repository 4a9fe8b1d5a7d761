"""Derived values and operators for the single-table household-roster rules (domain.md §3.3, §5).

Derived values:

``@measure_codes``: per household, the tuple of measure categories (M01…M13) it
receives, from the multi-value 帮扶措施 column (code attr ``code``) and from the
one-column-per-category columns (产业帮扶, 技能培训 …: a cell that is filled and not a
“no” — 否/无/未享受/0 — means the household has that category). Rules reading it
do not apply (NotApplicable) to a sheet that has no measure column at all.
``@hh_monitored``: a 防返贫 monitoring target (户类型 监测户, or 监测对象类别 filled).
``@hh_supported``: still receiving policies (是否继续享受政策 when answered, else the
脱贫状态's ``still_supported``; unknown counts as supported — 过渡期政策不变).
``@hh_registered``: not explicitly a non-registered household (户类型 一般农户 that is
not monitored); rosters without any status column count as registered.
``@hh_village``: 乡镇 + 村 when 乡镇 is filled, else 村 (village names repeat across townships).
``@hh_helper``: 帮扶责任人 + 帮扶单位 when the unit is filled, else the helper's name.
``@hh_inc_total``: 家庭总收入, or when that is empty/absent the sum of 工资性 + 生产经营性 +
财产性 + 转移性收入 (only when the sheet has the wage, business and transfer columns).

Operators:

``cell_items``: ``{"cell_items": "other_causes"}`` the values of a multi-value cell with each
item looked up on its own (works around the normaliser matching “因病、缺资金” as a whole).
``overlaps``: ``{"overlaps": [a, b]}`` row-wise: the items of ``a`` and of ``b`` (single
values count as one item) intersect, e.g. 主要致贫原因 among 其他致贫原因.
``mapped_codes``: ``{"mapped_codes": ["main_cause", "$cause_measure_map"]}`` the tuple of
codes a per-value mapping parameter lists for each row's value (empty when unmapped).
``measure_names``: a tuple of measure codes as text: “技能培训（M03）”.
``listed_in``: ``{"listed_in": ["head_id", "$cadre_relatives"]}`` the ID number (or text)
is in a list parameter (compared upper-case, spaces removed).
``month_date``: the date a 年度 cell names when it gives at least the month (“2014年5月”,
a real date); NaT for a bare year (“2014”), so rules can tell month precision from years.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from addin.errors import ConfigError
from addin.ledger.dates import Precision, parse_date
from addin.ledger.normalize import parse_bool
from addin.ledger.text import clean_text, squeeze
from addin.rules.expressions import (
    Context,
    NotApplicable,
    args_of,
    derived,
    evaluate,
    field_values,
    items_of,
    numeric,
    operator,
    param,
    present,
)

Array = np.ndarray

MEASURE_COLUMNS: dict[str, str] = {
    "measure_industry": "M01",
    "measure_employment": "M02",
    "measure_public_post": "M02",
    "measure_training": "M03",
    "measure_education": "M04",
    "measure_health": "M05",
    "measure_finance": "M06",
    "measure_relocation": "M07",
    "measure_housing": "M08",
    "measure_water": "M09",
    "measure_social": "M10",
    "measure_eco": "M11",
    "measure_infra": "M12",
    "measure_social_help": "M13",
}
"""One-column-per-category measure fields of the households ledger → measure code."""


def _has_measure(value: Any) -> bool:
    """A filled cell of a one-column-per-category measure column: is it a “yes”?"""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value != 0
    answer = parse_bool(value)
    return answer is not False


def _attr_or_none(ctx: Context, key: str, name: str) -> Array:
    if not ctx.table.has(key):
        out = np.empty(ctx.n, dtype=object)
        out[:] = None
        return out
    return evaluate({"attr": [key, name]}, ctx)


def _split_values(ctx: Context, key: str) -> list[tuple[str, ...]]:
    """The canonical values of each cell of a multi-value field, item by item.

    Works around the multi-value normaliser trying the whole cell first: a code-list
    pattern matches "家庭医生签约、产业奖补" as a whole (产业 → 产业扶贫) and "因病、缺资金"
    as a whole (^因病 → 因病), so the other items are lost. Cells of several items are
    therefore split and looked up item by item; single items keep the normalised value.
    """
    from addin.ledger.definitions import default_catalog

    f = ctx.table.ledger.field(key)
    if not ctx.table.has(key) or not f.codes:
        return [() for _ in range(ctx.n)]
    codes = default_catalog().code_list(f.codes)
    normalised = ctx.table.values(key)
    empty = ctx.table.empty(key)
    # cell text → its items' values (None: one item); shared by the sheets of a run, which repeat cell texts
    split: dict[str, tuple[str, ...] | None]
    item_values: dict[str, str | None]
    split = ctx.cache.setdefault(("ops_households.split", f.codes), {})  # type: ignore[arg-type]
    item_values = ctx.cache.setdefault(("ops_households.items", f.codes), {})  # type: ignore[arg-type]
    out: list[tuple[str, ...]] = []
    for i, raw in enumerate(ctx.table.raw[key]):
        text = "" if empty[i] else clean_text(raw)
        if text not in split:
            items = codes.split(text) if text else []
            if len(items) > 1:
                for item in items:
                    if item not in item_values:
                        hit = codes.lookup(item)
                        item_values[item] = None if hit is None else hit.value
                found = (item_values[item] for item in items)
                split[text] = tuple(dict.fromkeys(v for v in found if v is not None))
            else:
                split[text] = None
        values = split[text]
        out.append(tuple(items_of(normalised[i])) if values is None else values)
    return out


def _measure_cell_codes(ctx: Context) -> list[tuple[str, ...]]:
    """The measure codes (M01…) of each 帮扶措施 cell."""
    from addin.ledger.definitions import default_catalog

    codes = default_catalog().code_list("measure")
    lookup = {v.value: str(v.attrs.get("code") or "") for v in codes.values}
    return [tuple(lookup[v] for v in values if lookup.get(v)) for values in _split_values(ctx, "measures")]


# ------------------------------------------------------------------ derived values
@derived("measure_codes")
def measure_codes(ctx: Context) -> Array:
    """Per household, the sorted tuple of measure codes received (see module docstring)."""
    table = ctx.table
    sources = [k for k in MEASURE_COLUMNS if table.has(k)]
    if not table.has("measures") and not sources:
        raise NotApplicable("measures")
    sets: list[set[str]] = [set() for _ in range(ctx.n)]
    if table.has("measures"):
        for i, codes in enumerate(_measure_cell_codes(ctx)):
            sets[i].update(codes)
    for key in sources:
        code = MEASURE_COLUMNS[key]
        empty = table.empty(key)
        for i, raw in enumerate(table.raw[key]):
            if not empty[i] and _has_measure(raw):
                sets[i].add(code)
    out = np.empty(ctx.n, dtype=object)
    out[:] = [tuple(sorted(s)) for s in sets]
    return out


@derived("hh_monitored")
def hh_monitored(ctx: Context) -> Array:
    """户类型 says 监测户, or 监测对象类别 is filled."""
    by_type = np.array([v is True for v in _attr_or_none(ctx, "hh_type", "monitored")], dtype=bool)
    by_category = ~ctx.table.empty("monitored_type")
    return by_type | by_category


@derived("hh_supported")
def hh_supported(ctx: Context) -> Array:
    """Still receiving assistance policies (see module docstring)."""
    by_status = _attr_or_none(ctx, "exit_status", "still_supported")
    answered = field_values(ctx, "still_supported")
    out = np.ones(ctx.n, dtype=bool)
    for i, (a, s) in enumerate(zip(answered.tolist(), by_status.tolist(), strict=True)):
        if a is True or a is False:
            out[i] = a
        elif s is True or s is False:
            out[i] = s
    return out


@derived("hh_registered")
def hh_registered(ctx: Context) -> Array:
    """Not a household the roster marks as never registered (户类型 一般农户, not monitored)."""
    plain = np.array([v == "一般农户" for v in field_values(ctx, "hh_type").tolist()], dtype=bool)
    return ~(plain & ~hh_monitored(ctx))


def _texts_or_empty(ctx: Context, key: str) -> list[str]:
    values = field_values(ctx, key)
    return ["" if not p else squeeze(clean_text(v)) for v, p in zip(values.tolist(), present(values), strict=True)]


@derived("hh_village")
def hh_village(ctx: Context) -> Array:
    """乡镇/村 as one group key; 村 alone where 乡镇 is empty or absent; None without 村."""
    towns = _texts_or_empty(ctx, "township")
    villages = _texts_or_empty(ctx, "village")
    out = np.empty(ctx.n, dtype=object)
    out[:] = [None if not v else f"{t}/{v}" if t else v for t, v in zip(towns, villages, strict=True)]
    return out


@derived("hh_helper")
def hh_helper(ctx: Context) -> Array:
    """帮扶责任人 (with the 帮扶单位 where filled, to keep namesakes apart); None without a helper."""
    names = _texts_or_empty(ctx, "helper")
    units = _texts_or_empty(ctx, "helper_unit")
    out = np.empty(ctx.n, dtype=object)
    out[:] = [None if not n else f"{n}/{u}" if u else n for n, u in zip(names, units, strict=True)]
    return out


def _yuan(ctx: Context, key: str) -> Array:
    values = numeric(field_values(ctx, key)).copy()
    column = ctx.table.columns.get(key)
    if column is not None and column.unit == "wan":
        values *= 10_000.0
    return values


@derived("hh_inc_total")
def hh_inc_total(ctx: Context) -> Array:
    """家庭总收入 in 元, else the sum of its four components (see module docstring)."""
    total = _yuan(ctx, "inc_total")
    parts = ("inc_wage", "inc_business", "inc_property", "inc_transfer")
    if all(ctx.table.has(k) for k in ("inc_wage", "inc_business", "inc_transfer")):
        cols = [_yuan(ctx, k) for k in parts]
        any_filled = np.zeros(ctx.n, dtype=bool)
        for c in cols:
            any_filled |= ~np.isnan(c)
        summed = np.sum([np.nan_to_num(c, nan=0.0) for c in cols], axis=0)
        gap = np.isnan(total) & any_filled
        total[gap] = summed[gap]
    return total


# ------------------------------------------------------------------ operators
@operator("cell_items")
def cell_items(ctx: Context, arg: Any) -> Array:
    """The values of a multi-value field, every item of the cell looked up on its own."""
    if not isinstance(arg, str) or arg not in ctx.table.ledger.by_key:
        raise ConfigError("rules", f"cell_items 需要一个多值字段：{arg}")
    out = np.empty(ctx.n, dtype=object)
    out[:] = _split_values(ctx, arg)
    return out


@operator("overlaps")
def overlaps(ctx: Context, arg: Any) -> Array:
    """Row-wise: the items of the two expressions intersect (single values are one item)."""
    a, b = (evaluate(e, ctx) for e in args_of(arg, 2))
    return np.array(
        [bool(set(items_of(x)) & set(items_of(y))) for x, y in zip(a.tolist(), b.tolist(), strict=True)],
        dtype=bool,
    )


def _mapping(ctx: Context, ref: Any) -> dict[str, Any]:
    value = param(ref[1:], ctx) if isinstance(ref, str) and ref.startswith("$") else ref
    if not isinstance(value, dict):
        raise ConfigError("rules", f"应为“取值: 代码列表”的参数表：{ref}")
    return value


@operator("mapped_codes")
def mapped_codes(ctx: Context, arg: Any) -> Array:
    """The codes a mapping parameter lists for each row's value (an empty tuple when unmapped)."""
    expr, ref = args_of(arg, 2)
    mapping = {squeeze(clean_text(k)): tuple([v] if isinstance(v, str) else v) for k, v in _mapping(ctx, ref).items()}
    values = evaluate(expr, ctx)
    out = np.empty(ctx.n, dtype=object)
    out[:] = [
        mapping.get(squeeze(clean_text(v)), ()) if p else ()
        for v, p in zip(values.tolist(), present(values), strict=True)
    ]
    return out


def _measure_labels() -> dict[str, str]:
    from addin.ledger.definitions import default_catalog

    codes = default_catalog().code_list("measure")
    return {str(v.attrs.get("code")): v.value for v in codes.values}


@operator("measure_names")
def measure_names(ctx: Context, arg: Any) -> Array:
    """Measure codes as readable text: ("M05", "M10") → “健康扶贫（M05）、兜底保障（M10）”."""
    labels = _measure_labels()
    out = np.empty(ctx.n, dtype=object)
    out[:] = ["、".join(f"{labels.get(c, c)}（{c}）" for c in items_of(v)) or None for v in evaluate(arg, ctx).tolist()]
    return out


def _id_key(value: Any) -> str:
    return squeeze(clean_text(value)).upper()


@operator("listed_in")
def listed_in(ctx: Context, arg: Any) -> Array:
    """The value (an ID number, a name) is in a list parameter, ignoring case and spaces."""
    expr, ref = args_of(arg, 2)
    listed = param(ref[1:], ctx) if isinstance(ref, str) and ref.startswith("$") else ref
    if not isinstance(listed, list | tuple):
        raise ConfigError("rules", f"应为列表参数：{ref}")
    keys = {_id_key(v) for v in listed if _id_key(v)}
    values = evaluate(expr, ctx)
    return np.array(
        [bool(p) and _id_key(v) in keys for v, p in zip(values.tolist(), present(values), strict=True)],
        dtype=bool,
    )


@operator("month_date")
def month_date(ctx: Context, arg: Any) -> Array:
    """The date of a 年度 cell that gives the month or the day; NaT for a bare year."""
    out = np.full(ctx.n, np.datetime64("NaT"), dtype="datetime64[D]")
    if not isinstance(arg, str) or not ctx.table.has(arg):
        return out
    key = ("month_date", id(ctx.table), arg)
    if key in ctx.cache:
        return ctx.cache[key]
    empty = ctx.table.empty(arg)
    seen: dict[Any, np.datetime64] = {}
    for i, raw in enumerate(ctx.table.raw[arg]):
        if empty[i]:
            continue
        k = (type(raw), raw) if isinstance(raw, int | float | str | dt.date) else id(raw)
        if k not in seen:
            parsed = parse_date(raw, serial_text=False)
            month = parsed is not None and parsed.date is not None and parsed.precision is not Precision.YEAR
            seen[k] = np.datetime64(parsed.date, "D") if month else np.datetime64("NaT", "D")
        out[i] = seen[k]
    ctx.cache[key] = out
    return out
