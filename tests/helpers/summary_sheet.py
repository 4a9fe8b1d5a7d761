"""Reading a block of our 汇总 sheet back, the way a reader finds it: by its title in column A."""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet


def read_block(ws: Worksheet, title: str) -> tuple[list[str], list[list[object]], list[object]]:
    """(header, value rows, 合计 row) of the block whose title row starts with ``title``."""
    col_a = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    start = next(i for i, v in enumerate(col_a, start=1) if isinstance(v, str) and v.startswith(title))
    header = [v for v in next(ws.iter_rows(min_row=start + 1, max_row=start + 1, values_only=True)) if v is not None]
    rows = []
    for line in ws.iter_rows(min_row=start + 2, values_only=True):
        values = list(line[: len(header)])
        if values[0] == "合计":
            return header, rows, values
        rows.append(values)
    raise AssertionError(f"block {title} has no 合计 row")
