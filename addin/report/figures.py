"""The mail's key figures, read back from the exported workbook itself.

Reading the attachment (not recomputing) is what makes the subject line and the
attachment agree by construction. The 汇总 sheet (``addin.summary``) has a block
whose header holds 问题总数 / 已完成 / 逾期未完成 / 完成率 and whose 合计 row
holds the totals; the 检查结果 sheet has one row per finding with its 级别. Any
sheet laid out that way works (a county's own 汇总 too); a figure that is not
found stays ``None`` and is left out of the mail rather than shown as 0.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from addin.ledger.workbook import read_workbook
from addin.report.findings import FINDINGS_HEADER, FINDINGS_SHEET
from addin.report.mail import KeyFigures

Grid = Sequence[Sequence[object]]

TOTAL_LABELS = frozenset({"合计", "总计", "全县合计", "全镇合计", "合 计"})
COLUMNS = {
    "total": ("问题总数", "问题数", "总数"),
    "done": ("已完成", "已完成数", "完成数", "已整改"),
    "overdue": ("逾期未完成", "逾期", "逾期数", "逾期未整改"),
    "rate": ("完成率", "整改完成率"),
}
QUALITY_COLUMNS = {"errors": ("错误", "错误数"), "warnings": ("警告", "警告数")}
_DATE = re.compile(r"(?:统计日期|截至日期|截止日期|截至)\s*[：:]?\s*(\d{4})[-年./](\d{1,2})[-月./](\d{1,2})")
_SEVERITY = FINDINGS_HEADER.index("级别")
SUMMARY_SHEETS = ("汇总", "汇总（整改助手）")


def key_figures(path: str | Path) -> KeyFigures:
    """The key figures of a workbook file (normally the export)."""
    book = read_workbook(path)
    return figures_from_grids({sheet.name: sheet.cells for sheet in book.sheets})


def figures_from_grids(grids: Mapping[str, Grid]) -> KeyFigures:
    """The key figures from sheet values: the 汇总 sheets first, then any other sheet."""
    order = [n for n in SUMMARY_SHEETS if n in grids] + [n for n in grids if n not in SUMMARY_SHEETS]
    found: dict[str, int | float] = {}
    as_of = None
    for name in order:
        grid = grids[name]
        as_of = as_of or _as_of(grid)
        for key, value in _block_totals(grid, COLUMNS).items():
            found.setdefault(key, value)
    errors = _findings_errors(grids[FINDINGS_SHEET]) if FINDINGS_SHEET in grids else None
    if errors is None:
        for name in order:
            total = _block_totals(grids[name], QUALITY_COLUMNS).get("errors")
            if total is not None:
                errors = int(total)
                break
    return KeyFigures(
        total=_count(found.get("total")),
        done=_count(found.get("done")),
        rate=float(found["rate"]) if "rate" in found else None,
        overdue=_count(found.get("overdue")),
        errors=errors,
        as_of=as_of,
    )


def _count(value: int | float | None) -> int | None:
    return None if value is None else int(value)


def _text(value: object) -> str:
    return re.sub(r"\s+", "", value) if isinstance(value, str) else ""


def _block_totals(grid: Grid, columns: Mapping[str, Iterable[str]]) -> dict[str, int | float]:
    """The 合计 row (or the only row) of the first block whose header names at least two of ``columns``
    (one matching word could be any cell's text, such as a status 已完成 in a data row)."""
    for top, row in enumerate(grid):
        heads = [_text(v) for v in row]
        where = {}
        for key, labels in columns.items():
            index = next((heads.index(label) for label in labels if label in heads), None)
            if index is not None:
                where[key] = index
        if len(where) < 2:
            continue
        body = _block_rows(grid, top + 1)
        totals = next((r for r in body if _first_text(r) in TOTAL_LABELS), None)
        if totals is None and len(body) == 1:
            totals = body[0]
        if totals is None:
            continue
        return {key: totals[i] for key, i in where.items() if i < len(totals) and _is_number(totals[i])}  # type: ignore[misc]
    return {}


def _block_rows(grid: Grid, first: int) -> list[Sequence[object]]:
    """The rows under a header, up to the first blank row."""
    out = []
    for row in grid[first:]:
        if all(v is None or v == "" for v in row):
            break
        out.append(row)
    return out


def _first_text(row: Sequence[object]) -> str:
    return next((_text(v) for v in row if v is not None and v != ""), "")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _findings_errors(grid: Grid) -> int | None:
    if not grid or [_text(v) for v in grid[0][: len(FINDINGS_HEADER)]] != FINDINGS_HEADER:
        return None
    return sum(1 for row in grid[1:] if len(row) > _SEVERITY and row[_SEVERITY] == "错误")


def _as_of(grid: Grid) -> dt.date | None:
    """The date a 汇总 states it is "as of", from its heading lines."""
    for row in grid[:8]:
        for i, value in enumerate(row):
            text = value if isinstance(value, str) else ""
            m = _DATE.search(text)
            if m:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            if text.strip().rstrip("：:") in ("统计日期", "截至日期", "截止日期") and i + 1 < len(row):
                following = row[i + 1]
                if isinstance(following, dt.datetime):
                    return following.date()
                if isinstance(following, dt.date):
                    return following
    return None
