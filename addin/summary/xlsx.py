"""The 汇总 workbook of ``zhenggai summary``: a new .xlsx with the sheet 汇总 and its charts.

Every number is written as a value (no formulas), so the file means the same
in any program and after any copy; the totals rows are the sums computed in
:mod:`addin.summary.tables`. The file is written atomically: a reader never sees
half a workbook, and a failed write leaves the previous file in place.
"""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from addin.fsutil import atomic_write_bytes
from addin.summary.charts import add_charts
from addin.summary.layout import SUMMARY_SHEET, SheetLayout, Style, lay_out
from addin.summary.model import SummaryTables

HEADER_FILL = "DDEBF7"
LINE_HEIGHT = 14.0  # points per line of 11-point text
TOTAL_FILL = "F2F2F2"
_THIN = Side(style="thin", color="BFBFBF")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

_FONTS = {
    Style.TITLE: Font(bold=True, size=14),
    Style.HEADING: Font(color="595959"),
    Style.BLOCK_TITLE: Font(bold=True, size=12),
    Style.HEADER: Font(bold=True),
    Style.TOTAL: Font(bold=True),
    Style.NOTE: Font(italic=True, color="7F7F7F", size=9),
}
_FILLS = {Style.HEADER: HEADER_FILL, Style.TOTAL: TOTAL_FILL}


def render_sheet(ws: Worksheet, layout: SheetLayout) -> None:
    """Values, number formats, styles, widths and frozen rows of the 汇总 layout on an openpyxl sheet."""
    for fmt, col1, col2, first, last in layout.formats:
        for row in range(first, last + 1):
            for col in range(col1, col2 + 1):
                ws.cell(row, col).number_format = fmt
    for r, line in enumerate(layout.cells, start=1):
        for c, value in enumerate(line, start=1):
            if value is not None and value != "":
                ws.cell(r, c).value = value
    for style, row, first, last in layout.styles:
        for col in range(first, last + 1):
            cell = ws.cell(row, col)
            cell.font = _FONTS[style]
            if style in _FILLS:
                cell.fill = PatternFill("solid", fgColor=_FILLS[style])
            if style is Style.HEADER:
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for placed in layout.placed.values():
        last_row = placed.total_row or placed.last_row
        for row in range(placed.header_row, last_row + 1):
            for col in range(1, placed.block.width + 1):
                ws.cell(row, col).border = _BORDER
    for row, lines in layout.header_lines.items():
        ws.row_dimensions[row].height = LINE_HEIGHT * lines + 3
    for i, width in enumerate(layout.widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = f"A{layout.freeze_rows + 1}"
    ws.sheet_view.zoomScale = 90
    ws.page_setup.orientation = "landscape"  # printed: A4 across, every column on the page
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


def summary_workbook(tables: SummaryTables) -> Workbook:
    """The workbook in memory (one sheet, 汇总, with its charts)."""
    wb = Workbook()
    ws = wb.active
    ws.title = SUMMARY_SHEET
    layout = lay_out(tables)
    render_sheet(ws, layout)
    add_charts(ws, layout, tables.charts)
    wb.properties.title = tables.title
    wb.properties.creator = "整改台账助手"
    return wb


def write_summary_workbook(tables: SummaryTables, dst: Path) -> Path:
    """Write the 汇总 workbook to ``dst`` (atomically) and return the path."""
    buffer = io.BytesIO()
    summary_workbook(tables).save(buffer)
    dst = Path(dst)
    atomic_write_bytes(dst, buffer.getvalue())
    return dst
