"""Native Excel charts for the 汇总 workbook (openpyxl.chart), drawn from the laid-out blocks.

A chart references the block's cells (never a copy of the numbers), so it shows
what the sheet says; the 合计 row is left out. Axes are set visible explicitly:
openpyxl otherwise writes ``<c:delete val="1"/>`` for them, which hides them in
current Excel and LibreOffice.
"""

from __future__ import annotations

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.axis import ChartLines
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from addin.summary.layout import Placed, SheetLayout
from addin.summary.model import Chart, ChartKind

WIDTH_CM = 18.0
HEIGHT_CM = 9.0
ROWS_HIGH = 20
"""Rows a chart of HEIGHT_CM covers (default rows are 15 pt ≈ 0.53 cm), with some room."""


def _chart(spec: Chart, placed: Placed, ws: Worksheet) -> BarChart | LineChart:
    block = placed.block
    chart: BarChart | LineChart
    if spec.kind is ChartKind.BAR:
        chart = BarChart()
        chart.type = "col"
        chart.gapWidth = 60
    else:
        chart = LineChart()
    chart.title = spec.title
    chart.width, chart.height = WIDTH_CM, HEIGHT_CM
    chart.y_axis.title = spec.y_title or None
    chart.y_axis.majorGridlines = ChartLines()
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    if spec.percent_axis:
        chart.y_axis.number_format = "0%"
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 1
    for name in spec.values:
        col = block.header.index(name) + 1
        data = Reference(ws, min_col=col, min_row=placed.header_row, max_row=placed.last_row)
        chart.add_data(data, titles_from_data=True)
    cat_col = block.header.index(spec.categories) + 1
    chart.set_categories(Reference(ws, min_col=cat_col, min_row=placed.first_row, max_row=placed.last_row))
    if len(spec.values) == 1:
        chart.legend = None
    if isinstance(chart, LineChart):
        for series in chart.series:
            series.smooth = False
            series.marker.symbol = "circle"
    return chart


def anchor_column(layout: SheetLayout, top: int) -> int:
    """The column a chart starting at row ``top`` goes to: one empty column right of every block beside it."""
    bottom = top + ROWS_HIGH
    beside = [
        p.block.width for p in layout.placed.values() if p.title_row <= bottom and (p.total_row or p.last_row) >= top
    ]
    return max(beside, default=layout.width) + 2


def add_charts(ws: Worksheet, layout: SheetLayout, charts: list[Chart]) -> int:
    """Place each chart level with its block, right of the blocks it stands beside; returns how many were added."""
    added = 0
    for spec in charts:
        placed = layout.placed.get(spec.block)
        if placed is None or placed.last_row < placed.first_row:
            continue  # an empty block has nothing to draw
        column = get_column_letter(anchor_column(layout, placed.title_row))
        ws.add_chart(_chart(spec, placed, ws), f"{column}{placed.title_row}")
        added += 1
    return added
