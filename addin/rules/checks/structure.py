"""Checks on the shape of a table rather than on one row's values.

Missing required columns (ALL-01), two columns meaning the same field with
different contents (ALL-02), 合计/小计 rows that do not add up (ALL-10), money
columns mixing 元 and 万元 (ALL-11) and exact duplicate rows (ALL-12).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from addin.ledger.normalize import parse_number
from addin.ledger.table import cell_address
from addin.ledger.text import clean_text, header_key
from addin.rules.checks import Hits, SheetHit, check
from addin.rules.expressions import Context
from addin.rules.model import Rule

NUMERIC_TYPES = ("integer", "number", "money")


@check("required_columns")
def required_columns(rule: Rule, ctx: Context) -> Hits:
    """One finding per required field of the ledger kind that no header names."""
    table = ctx.table
    header_row = table.header_rows[-1] if table.header_rows else 1
    places = [
        SheetHit(row=header_row, column=f.label, cell=None, values={"列名": f.label, "field": f.label})
        for f in table.ledger.fields
        if f.required and not table.has(f.key)
    ]
    return Hits(places=places)


@check("duplicate_columns")
def duplicate_columns(rule: Rule, ctx: Context) -> Hits:
    """Rows where a second column naming the same field holds a different, non-empty value."""
    table = ctx.table
    places: list[SheetHit] = []
    for key, dups in table.duplicates.items():
        primary = table.columns[key]
        first = table.raw[key]
        for dup in dups:
            other = table.layout.cell_values(dup.col - 1, table.rows - 1)
            for i in range(len(table)):
                a, b = clean_text(first[i]), clean_text(other[i])
                if a and b and header_key(a) != header_key(b):
                    places.append(
                        SheetHit(
                            row=int(table.rows[i]),
                            column=dup.header,
                            cell=cell_address(int(table.rows[i]), dup.col),
                            values={"A": primary.header, "B": dup.header},
                            value=other[i],
                        )
                    )
    return Hits(places=places)


@check(
    "duplicate_rows",
    {
        "type": "object",
        "additionalProperties": False,
        "properties": {"ignore": {"type": "array", "items": {"type": "string"}}},
    },
)
def duplicate_rows(rule: Rule, ctx: Context) -> Hits:
    """Data rows identical in every mapped column except the serial number."""
    table = ctx.table
    ignore = set(rule.options.get("ignore", ["seq"]))
    keys = [k for k in table.raw if k not in ignore]
    if len(keys) < 2:
        return Hits()
    filled = np.column_stack([~table.empty(k) for k in keys])
    enough = filled.sum(axis=1) >= 2  # two filled cells at least, or it is not a record
    mask = np.zeros(len(table), dtype=bool)
    first_row = np.full(len(table), np.nan)
    # Exact duplicates: rows compared through per-column integer codes of the raw values (in C). A row
    # repeats another only if each of its values occurs twice among the remaining candidates, so after a
    # name or ID column few rows are left and the other columns are factorised for those alone.
    positions = np.nonzero(enough)[0]
    codes: dict[str, np.ndarray] = {}
    for k in sorted(keys, key=lambda k: k not in table.ledger.key_fields):
        column = pd.factorize(np.asarray(table.raw[k], dtype=object)[positions], use_na_sentinel=False)[0]
        repeated = np.bincount(column)[column] >= 2 if len(column) else np.zeros(0, dtype=bool)
        codes[k] = column
        if not repeated.all():
            positions = positions[repeated]
            codes = {c: v[repeated] for c, v in codes.items()}
        if not len(positions):
            return Hits(mask=mask, values={"first_row": first_row})
    frame = pd.DataFrame({k: codes[k] for k in keys})
    dup = frame.duplicated(keep="first").to_numpy()
    if dup.any():
        first_of = frame.groupby(keys, sort=False).ngroup().to_numpy()
        first_position: dict[int, int] = {}
        for pos, group in zip(positions, first_of, strict=True):
            first_position.setdefault(int(group), int(pos))
        for pos, group, is_dup in zip(positions, first_of, dup, strict=True):
            if is_dup:
                mask[pos] = True
                first_row[pos] = table.rows[first_position[int(group)]]
    return Hits(mask=mask, values={"first_row": first_row})


@check("subtotal_mismatch")
def subtotal_mismatch(rule: Rule, ctx: Context) -> Hits:
    """合计/小计 rows whose numbers differ from the sum of the rows they cover.

    小计 covers the data rows since the previous 小计 (or section start); 合计/总计
    covers every data row above it.
    """
    table = ctx.table
    layout = table.layout
    if not layout.subtotal_rows:
        return Hits()
    tol = float(rule.params.get("tolerance", 1.0))
    numeric = [k for k, c in table.columns.items() if c.field.type in NUMERIC_TYPES]
    data_rows = table.rows - 1
    places: list[SheetHit] = []
    previous = -1
    section_starts = sorted(layout.section_rows)
    for r in sorted(layout.subtotal_rows):
        label = "".join(clean_text(v) for v in layout.grid[r - layout.grid_start][:3] if isinstance(v, str))
        start = previous if "小计" in label else -1
        starts = [s for s in section_starts if start < s < r]
        if "小计" in label and starts:
            start = max(starts)
        covered = (data_rows > start) & (data_rows < r)
        for key in numeric:
            column = table.columns[key]
            total = parse_number(
                layout.grid[r - layout.grid_start, column.col - 1 - layout.first_col], unit=column.unit
            )
            if total is None:
                continue
            values = table.values(key)[covered]
            expected = float(np.nansum(values))
            col_tol = 0.01 if column.unit == "wan" else 0.5 if column.field.type == "integer" else tol
            if abs(total - expected) > col_tol:
                places.append(
                    SheetHit(
                        row=r + 1,
                        column=column.header,
                        cell=cell_address(r + 1, column.col),
                        values={"列名": column.header, "expected": expected},
                        value=total,
                    )
                )
        if "小计" in label:
            previous = r
    return Hits(places=places)


@check(
    "money_unit_mix",
    {
        "type": "object",
        "additionalProperties": False,
        "properties": {"small": {"type": "number"}, "large": {"type": "number"}},
    },
)
def money_unit_mix(rule: Rule, ctx: Context) -> Hits:
    """Money columns without a unit in the header whose values mix small (万元?) and large (元?) numbers."""
    table = ctx.table
    small = float(rule.options.get("small", 100))
    large = float(rule.options.get("large", 10_000))
    header_row = table.header_rows[-1] if table.header_rows else 1
    places = []
    for key, column in table.columns.items():
        if column.field.type != "money" or column.unit_stated:
            continue  # the header (or its group header) states its unit
        if any(u in column.header for u in ("元", "万")):
            continue
        values = table.values(key)
        values = values[~np.isnan(values) & (values > 0)]
        if len(values) and (values < small).any() and (values > large).any():
            places.append(
                SheetHit(
                    row=header_row,
                    column=column.header,
                    cell=cell_address(header_row, column.col),
                    values={"列名": column.header},
                )
            )
    return Hits(places=places)
