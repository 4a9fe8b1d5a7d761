"""Values rules need that no single column holds (domain.md §3.0 definitions).

``@age`` (full years at the age reference date, from the ID number, else the
birth date), ``@school_level`` and ``@in_school`` (§1.3.2 ordinal), ``@exited`` and
``@poor`` (household status from 脱贫状态, 贫困户属性 or 户类型), ``@attr_base``
(一般/低保/特困供养), ``@done`` (status 已完成/已销号), ``@capacity`` (full/weak/none
labour). Each is a named function over a whole table, cached per table.
"""

from __future__ import annotations

import numpy as np

from addin.rules.expressions import Context, derived, evaluate, field_values, present


def _attr(ctx: Context, key: str, name: str) -> np.ndarray:
    if not ctx.table.has(key) or key not in ctx.table.ledger.by_key:
        out = np.empty(ctx.n, dtype=object)
        out[:] = None
        return out
    return evaluate({"attr": [key, name]}, ctx)


def _id_field(ctx: Context) -> str | None:
    for key in ("id_no", "head_id", "borrower_id", "household_id_no"):
        if ctx.table.has(key) and ctx.table.ledger.field(key).type == "id_card":
            return key
    return None


@derived("age")
def age(ctx: Context) -> np.ndarray:
    """Full years at the age reference date: from the ID number, else from 出生日期."""
    out = np.full(ctx.n, np.nan)
    key = _id_field(ctx)
    if key is not None:
        out = np.asarray(ctx.table.cols[key].extra["ids"].ages(ctx.age_reference), dtype=float).copy()
    if ctx.table.has("birth"):
        birth = field_values(ctx, "birth").astype("datetime64[D]")
        ref = np.datetime64(ctx.age_reference, "D")
        by = birth.astype("datetime64[Y]").astype(float) + 1970
        ry = ref.astype("datetime64[Y]").astype(float) + 1970
        before = (birth - birth.astype("datetime64[Y]")).astype(float) > (ref - ref.astype("datetime64[Y]")).astype(
            float
        )
        from_birth = ry - by - before
        missing = np.isnan(out) & ~np.isnat(birth)
        out[missing] = from_birth[missing]
    return out


@derived("school_level")
def school_level(ctx: Context) -> np.ndarray:
    """Schooling level 0 非在校生, 1 学前, 2 小学, 3 初中, 4 高中/中职, 5 高职高专, 6 本科, 7 研究生."""
    levels = _attr(ctx, "school_status", "level")
    return np.array([np.nan if v is None else float(v) for v in levels], dtype=float)


@derived("in_school")
def in_school(ctx: Context) -> np.ndarray:
    """In school: a level of 学前 or above, or a value such as “在校生” the code list marks as in school."""
    marked = np.array([v is True for v in _attr(ctx, "school_status", "in_school")], dtype=bool)
    return (np.nan_to_num(school_level(ctx), nan=0.0) >= 1) | marked


@derived("capacity")
def capacity(ctx: Context) -> np.ndarray:
    """Labour capacity: full / weak / none (from 劳动技能)."""
    return _attr(ctx, "labour", "capacity")


@derived("attr_base")
def attr_base(ctx: Context) -> np.ndarray:
    """Base household attribute 一般 / 低保 / 特困供养 (from 贫困户属性)."""
    return _attr(ctx, "poor_attr", "base")


@derived("done")
def done(ctx: Context) -> np.ndarray:
    """The problem's status is 已完成 or 已销号."""
    return np.array([v is True for v in _attr(ctx, "status", "done")], dtype=bool)


def _status_flags(ctx: Context) -> tuple[np.ndarray, np.ndarray]:
    """(exited, poor) per household, from the most specific column filled in."""
    exited = np.zeros(ctx.n, dtype=bool)
    poor = np.zeros(ctx.n, dtype=bool)
    known = np.zeros(ctx.n, dtype=bool)
    sources = (
        ("exit_status", "exited", "poor"),
        ("hh_type", "exited", "poor"),
        ("poor_attr", "exited", None),
    )
    for key, exited_attr, poor_attr in sources:
        e = _attr(ctx, key, exited_attr)
        p = _attr(ctx, key, poor_attr) if poor_attr else np.array([None if x is None else not x for x in e])
        has = np.array([x is not None for x in e], dtype=bool) & ~known
        exited[has] = np.array([bool(x) for x in e], dtype=bool)[has]
        poor[has] = np.array([bool(x) for x in p], dtype=bool)[has]
        known |= has
    return exited, poor


@derived("exited")
def exited(ctx: Context) -> np.ndarray:
    """The household has exited poverty (脱贫状态, 户类型 or a “…脱贫户” attribute)."""
    return _status_flags(ctx)[0]


@derived("poor")
def poor(ctx: Context) -> np.ndarray:
    """The household is still poor (未脱贫 / 返贫, or a “…贫困户” attribute)."""
    return _status_flags(ctx)[1]


@derived("row")
def row(ctx: Context) -> np.ndarray:
    """The Excel row number (for messages such as “与第{other}行重复”)."""
    return ctx.table.rows.astype(float)


__all__ = [
    "age",
    "attr_base",
    "capacity",
    "done",
    "exited",
    "in_school",
    "poor",
    "present",
    "row",
    "school_level",
]
