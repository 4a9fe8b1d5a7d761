"""Where everything of the 汇总 goes on the sheet: one grid of values, and the ranges to format.

Both writers — the new workbook of ``zhenggai summary`` (openpyxl) and the sheet the
ribbon writes into the open workbook (xlwings) — render this one layout, so the two
can only differ in what their engine can draw, never in a number or a position.

The sheet reads top to bottom: the title, the as-of date and the source files,
then each block (its title, a bold header row, the value rows, a bold 合计 row,
a note), one empty row between blocks. Charts go to the right of the widest
block, level with the block they draw.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

from addin.summary.model import NUMBER_FORMATS, OWN_MARK, Block, ColumnKind, SummaryTables, Value

SUMMARY_SHEET = "汇总"
FALLBACK_SHEET = "汇总（整改助手）"
"""Where the ribbon writes when the workbook has a 汇总 sheet of the user's own."""
SIGNATURE_CELL = (2, 1)
"""The cell (row, column) holding the heading line with :data:`~addin.summary.model.OWN_MARK`."""

MAX_WIDTH = 30.0
MIN_WIDTH = 8.0
HEADER_WIDTH = 10.0
"""A header wider than its values wraps at this width rather than widening the column."""


class Style(StrEnum):
    """What a row range looks like; each writer maps these to its engine's formatting."""

    TITLE = "title"
    HEADING = "heading"
    BLOCK_TITLE = "block_title"
    HEADER = "header"
    TOTAL = "total"
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class Placed:
    """Where one block landed (1-based rows)."""

    block: Block
    title_row: int
    header_row: int
    first_row: int  # first value row
    last_row: int  # last value row (the 合计 row excluded); < first_row when the block has no rows
    total_row: int | None


@dataclass
class SheetLayout:
    """The 汇总 sheet as data: values from A1, styled row ranges, number formats, column widths."""

    cells: list[list[Value]]
    width: int
    placed: dict[str, Placed] = field(default_factory=dict)
    styles: list[tuple[Style, int, int, int]] = field(default_factory=list)  # (style, row, first col, last col)
    formats: list[tuple[str, int, int, int, int]] = field(default_factory=list)
    """(number format, first col, last col, first row, last row): the value and 合计 rows of each block."""
    widths: list[float] = field(default_factory=list)  # headers wrapped
    widths_unwrapped: list[float] = field(default_factory=list)  # wide enough for every header on one line
    header_lines: dict[int, int] = field(default_factory=dict)  # header row → text lines its wrapped headers need
    freeze_rows: int = 0  # rows kept in view when scrolling


def is_our_summary(signature_cell: object) -> bool:
    """Whether the value of a sheet's :data:`SIGNATURE_CELL` shows the sheet is a 汇总 we wrote."""
    return isinstance(signature_cell, str) and f"（{OWN_MARK}）" in signature_cell


def display_width(value: Value) -> float:
    """Rough width in Excel character units: CJK characters count double."""
    if value is None:
        return 0.0
    text = f"{value:.1%}" if isinstance(value, float) else str(value)
    return float(sum(2 if ord(ch) > 0x2E7F else 1 for ch in text))


def lay_out(tables: SummaryTables) -> SheetLayout:
    """The grid and formatting of the 汇总 sheet for ``tables``."""
    width = max((b.width for b in tables.blocks), default=1)
    rows: list[list[Value]] = []
    layout = SheetLayout(cells=rows, width=width)

    def add(values: list[Value], style: Style | None = None, span: int | None = None) -> int:
        rows.append(values + [None] * (width - len(values)))
        if style is not None:
            layout.styles.append((style, len(rows), 1, span or max(len(values), 1)))
        return len(rows)

    add([tables.title], Style.TITLE)
    for line in tables.heading():
        add([line], Style.HEADING)
    layout.freeze_rows = len(rows)
    for block in tables.blocks:
        add([])
        title_row = add([block.title], Style.BLOCK_TITLE)
        header_row = add(list(block.header), Style.HEADER, block.width)
        first = len(rows) + 1
        for row in block.rows:
            add(list(row))
        last = len(rows)
        total_row = add(list(block.total), Style.TOTAL, block.width) if block.total is not None else None
        end = total_row or last
        if end >= first:
            for fmt, col1, col2 in _runs([NUMBER_FORMATS[k] for k in block.kinds]):
                layout.formats.append((fmt, col1, col2, first, end))
        if block.note:
            add([block.note], Style.NOTE)
        layout.placed[block.key] = Placed(block, title_row, header_row, first, last, total_row)
    layout.widths = _widths(layout)
    layout.widths_unwrapped = list(layout.widths)
    for placed in layout.placed.values():
        for i, h in enumerate(placed.block.header):
            layout.widths_unwrapped[i] = max(layout.widths_unwrapped[i], min(display_width(h) + 2, MAX_WIDTH))
    for placed in layout.placed.values():
        lines = [math.ceil(display_width(h) / max(layout.widths[i] - 1, 1)) for i, h in enumerate(placed.block.header)]
        layout.header_lines[placed.header_row] = max(lines, default=1)
    return layout


def _runs(formats: list[str]) -> list[tuple[str, int, int]]:
    """Adjacent columns sharing a format as (format, first col, last col), 1-based: one call per run."""
    runs: list[tuple[str, int, int]] = []
    for col, fmt in enumerate(formats, start=1):
        if runs and runs[-1][0] == fmt and runs[-1][2] == col - 1:
            runs[-1] = (fmt, runs[-1][1], col)
        else:
            runs.append((fmt, col, col))
    return runs


def _widths(layout: SheetLayout) -> list[float]:
    """Column widths from the values of the blocks; headers wrap (titles and notes may overflow)."""
    widths = [MIN_WIDTH] * layout.width
    for placed in layout.placed.values():
        block = placed.block
        for i, header in enumerate(block.header):
            widths[i] = max(widths[i], min(display_width(header) + 2, HEADER_WIDTH))
        for line in [*block.rows, *([block.total] if block.total else [])]:
            for i, value in enumerate(line):
                if block.kinds[i] is ColumnKind.NOTE:
                    continue
                rate = block.kinds[i] is ColumnKind.RATE and isinstance(value, float)
                shown = f"{value:.2f}" if rate else value
                widths[i] = max(widths[i], min(display_width(shown) + 2, MAX_WIDTH))
    return widths
