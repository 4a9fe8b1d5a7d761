"""Operators and derived values for the member-roster rules (domain.md §3.4) and the
household↔member cross-table rules (§3.3 HH-01…HH-44, §5 RISK-03/04).

Derived values:

``@counted``: the member still belongs to the household (人员状态 not 自然减少/死亡/
迁出/婚出, i.e. code attr ``counted`` is not false; an empty status counts).
``@is_head``: 与户主关系 is 户主/本人 (code attr ``head``).
``@sex_from_id``: 男/女 from a valid 18-digit ID number (None when the ID is missing,
malformed or fails its checksum), so relation/sex rules can tell which cell is wrong.
``@yulu``: the member receives 雨露计划 support: the 享受教育资助 text mentions 雨露,
or the column itself is a 雨露计划 column (“是否享受雨露计划”) holding anything but a no.

Operators:

``frac``: the fractional part of a number (``{"frac": "work_months"}``; 3.5 → 0.5).
``yuan``: a money column in 元 whatever unit its header declares (万元 columns × 10 000).
``same_column``: ``{"same_column": ["head_id", "=members", "=id_no"]}`` is true when this
table's field and the other kind's field are the very same sheet column (a person-per-row
roster whose generic 身份证号 column feeds both 户主证件号码 and 成员证件号码).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from addin.ledger.normalize import parse_bool
from addin.rules.expressions import Context, args_of, derived, evaluate, numeric, operator, text_values

_NO_WORDS = ("否", "不", "未", "没", "无", "非", "×", "✗")


@derived("counted")
def counted(ctx: Context) -> np.ndarray:
    """True unless 人员状态 says the member has left the household (死亡, 迁出 …)."""
    if not ctx.table.has("member_status"):
        return np.ones(ctx.n, dtype=bool)
    flags = evaluate({"attr": ["member_status", "counted"]}, ctx)
    return np.array([v is not False for v in flags], dtype=bool)


@derived("is_head")
def is_head(ctx: Context) -> np.ndarray:
    """True where 与户主关系 says 户主/本人."""
    if not ctx.table.has("relation"):
        return np.zeros(ctx.n, dtype=bool)
    return np.array([v is True for v in evaluate({"attr": ["relation", "head"]}, ctx)], dtype=bool)


@derived("sex_from_id")
def sex_from_id(ctx: Context) -> np.ndarray:
    """男/女 from a well-formed ID number of the row's person; None otherwise."""
    out = np.empty(ctx.n, dtype=object)
    out[:] = None
    if not ctx.table.has("id_no") or ctx.table.ledger.field("id_no").type != "id_card":
        return out
    ids = ctx.table.cols["id_no"].extra.get("ids")
    if ids is None:
        return out
    broken = ids.bad_checksum | ids.bad_length | ids.bad_chars | ids.stored_as_number | ids.empty
    out[:] = [None if b else s for s, b in zip(ids.sex.tolist(), broken.tolist(), strict=True)]
    return out


@derived("yulu")
def yulu(ctx: Context) -> np.ndarray:
    """The member receives 雨露计划 support (see module docstring)."""
    if not ctx.table.has("edu_support"):
        return np.zeros(ctx.n, dtype=bool)
    texts = text_values(ctx.table.values("edu_support"))
    empty = ctx.table.empty("edu_support")
    column_is_yulu = "雨露" in ctx.table.header_text("edu_support")
    out = np.zeros(ctx.n, dtype=bool)
    for i, text in enumerate(texts):
        if empty[i] or not text:
            continue
        if "雨露" in text:
            out[i] = True
        elif column_is_yulu:
            out[i] = parse_bool(text) is not False and not text.startswith(_NO_WORDS)
    return out


@operator("frac")
def frac(ctx: Context, arg: Any) -> np.ndarray:
    """The fractional part of a number (NaN stays NaN)."""
    values = numeric(evaluate(arg, ctx))
    return values - np.floor(values)


@operator("yuan")
def yuan(ctx: Context, arg: Any) -> np.ndarray:
    """A money field in 元: values of a column headed in 万元 are multiplied by 10 000."""
    values = numeric(evaluate(arg, ctx))
    column = ctx.table.columns.get(arg) if isinstance(arg, str) else None
    if column is not None and column.unit == "wan":
        return values * 10_000.0
    return values


@operator("same_column")
def same_column(ctx: Context, arg: Any) -> np.ndarray:
    """True (for every row) when ``field`` is the same sheet column as ``kind``'s ``other`` field."""
    key, kind, other = args_of(arg, 3)
    kind, other = str(kind).lstrip("="), str(other).lstrip("=")
    column = ctx.table.columns.get(key)
    same = column is not None and any(
        t.file == ctx.table.file
        and t.sheet == ctx.table.sheet
        and other in t.columns
        and t.columns[other].col == column.col
        for t in ctx.tables.get(kind, [])
    )
    return np.full(ctx.n, same, dtype=bool)
