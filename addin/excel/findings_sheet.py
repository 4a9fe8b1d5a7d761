"""The 检查结果 sheet written into the open workbook: the same rows as the CLI's annotated copy.

Rows come from :func:`addin.report.findings.findings_rows`, so the ribbon and the CLI
can never disagree. The whole sheet is one bulk ``.value`` write: each cell link is a
``=HYPERLINK("#'sheet'!K12","K12")`` formula inside that write rather than one
``add_hyperlink`` call per finding. Text columns are formatted as text ("@") before
the write, or Excel would turn an ID number into 1.10101E+17 and "2024-05-30" into a
date (the harness models both).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from addin.excel import com
from addin.excel.marks import MarkState
from addin.report.findings import FINDINGS_HEADER, FINDINGS_SHEET, FindingRow

if TYPE_CHECKING:
    import xlwings as xw

CELL_COLUMN = FINDINGS_HEADER.index("单元格")
NUMBER_COLUMNS = frozenset({FINDINGS_HEADER.index("序号"), FINDINGS_HEADER.index("行号")})
WRITE_CHUNK_ROWS = 10_000
MAX_CELL_CHARS = 32_767  # Excel's hard limit per cell


def link_formula(sheet: str, cell: str, text: str) -> str:
    """A formula that shows ``text`` and jumps to ``cell`` of ``sheet`` when clicked."""
    target = "#'" + sheet.replace("'", "''") + "'!" + cell
    return f'=HYPERLINK("{_quoted(target)}","{_quoted(text)}")'


def _quoted(text: str) -> str:
    return text.replace('"', '""')


def sheet_values(rows: Sequence[FindingRow]) -> list[list[object]]:
    """Header and one row per finding, with the link formulas in the 单元格 column."""
    out: list[list[object]] = [list(FINDINGS_HEADER)]
    for row in rows:
        values = [_cell(v) for v in row.values]
        if row.link is not None:
            values[CELL_COLUMN] = link_formula(row.link[0], row.link[1], str(row.values[CELL_COLUMN]))
        out.append(values)
    return out


def _cell(value: object) -> object:
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        return value[: MAX_CELL_CHARS - 1] + "…"
    return value


def text_column_spans(width: int) -> list[tuple[int, int]]:
    """1-based inclusive column spans to format as text: all but numbers and the link column."""
    spans: list[tuple[int, int]] = []
    for col in range(width):
        if col in NUMBER_COLUMNS or col == CELL_COLUMN:
            continue
        if spans and spans[-1][1] == col:
            spans[-1] = (spans[-1][0], col + 1)
        else:
            spans.append((col + 1, col + 1))
    return spans


def write_findings_sheet(book: xw.Book, rows: Sequence[FindingRow], journal: MarkState) -> xw.Sheet:
    """Add 检查结果 as the last sheet and fill it (the caller has removed an old one)."""
    values = sheet_values(rows)
    width = len(FINDINGS_HEADER)
    sheet = book.sheets.add(FINDINGS_SHEET, after=book.sheets[-1])
    journal.findings_sheet = True
    if len(values) > 1:
        for first, last in text_column_spans(width):
            sheet.range((2, first), (len(values), last)).number_format = "@"
    sheet.range((1, 1)).options(chunksize=WRITE_CHUNK_ROWS).value = values
    sheet.range((1, 1), (1, width)).font.bold = True
    sheet.range((1, 1), (len(values), width)).columns.autofit()
    com.freeze_header_row(sheet)
    return sheet
