"""The 排名 sheet as rows of values, and the files the CLI writes (排名-YYYY-MM.xlsx, history exports).

Columns are domain §4.2 step 9. Row 1 is a title that names the month and carries
:data:`~addin.summary.ranking_scores.OWN_TITLE_MARK`, so that our sheet is never read
back as a 督查组's scores; row 2 is the header; then one row per unit, townships
first, each in rank order. The ribbon writes the same rows into the open workbook.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from addin.errors import UsageError
from addin.fsutil import atomic_write, atomic_write_bytes
from addin.summary.history import HistoryRow
from addin.summary.ranking import Position, Ranking
from addin.summary.ranking_scores import OWN_TITLE_MARK

RANKING_SHEET = "排名"
FALLBACK_SHEET = "排名（整改助手）"
NOTES_SHEET = "排名说明"
HEADER_ROW = 2  # the title stands above it
WIDTHS = (9, 9, 6, 14, 8, 9, 36, 12, 8, 9, 14, 14, 12, 90)


def header(top: int = 4, bottom: int = 4) -> list[str]:
    """The 14 column titles (the band column names the configured band sizes)."""
    return [
        "月份",
        "单位类型",
        "名次",
        "单位",
        "得分",
        "一票否决",
        "否决事项（哪个“一”）",
        f"等次（前{top}名/后{bottom}名）",
        "督查组",
        "组内名次",
        "组内第一/倒数第一",
        "后三名累计次数",
        "建议问责措施",
        "备注",
    ]


def title(ranking: Ranking, *, as_of: dt.date, state: str) -> str:
    """Row 1: the month, our mark, the as-of date and the publication state (see ``RankingRun.state``)."""
    return f"{ranking.month.label}月度排名（{OWN_TITLE_MARK}生成，参照日期 {as_of.isoformat()}，{state}）"


def position_row(p: Position) -> list[object]:
    """One unit's row of values."""
    return [
        str(p.month),
        p.unit.unit_type,
        p.rank,
        p.unit.name,
        p.score,
        "是" if p.vetoed else "否",
        p.veto.text if p.veto is not None else "",
        p.band,
        p.unit.group,
        p.group_rank or "",
        p.group_mark,
        "" if p.bottom_count is None else p.bottom_count,
        p.sanction,
        "；".join(p.reasons),
    ]


def sheet_rows(ranking: Ranking, *, as_of: dt.date, state: str) -> list[list[object]]:
    """Title, header and unit rows: the whole 排名 sheet as values (rows padded to the header's width)."""
    head = header(ranking.config.top, ranking.config.bottom)
    first = [title(ranking, as_of=as_of, state=state)] + [""] * (len(head) - 1)
    return [first, head, *(position_row(p) for p in ranking.positions)]


def write_ranking_workbook(dst: Path, rows: Sequence[Sequence[object]], notes: Sequence[str]) -> Path:
    """排名-YYYY-MM.xlsx: the 排名 sheet and a 排名说明 sheet listing the inputs and notes."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = RANKING_SHEET
    _fill(ws, rows, widths=WIDTHS)
    info = wb.create_sheet(NOTES_SHEET)
    _fill(info, [["说明"], *([n] for n in notes)], widths=(120,))
    _save(wb, dst)
    return dst


def _fill(ws: Worksheet, rows: Sequence[Sequence[object]], *, widths: Sequence[float]) -> None:
    """Rows of values, a bold title, a bold frozen header (when there is a table), column widths."""
    for row in rows:
        ws.append(list(row))
    ws["A1"].font = Font(bold=True, size=12)
    if len(rows) > 1 and len(rows[1]) > 1:
        for cell in ws[HEADER_ROW]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.freeze_panes = f"A{HEADER_ROW + 1}"
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def _save(wb: openpyxl.Workbook, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(dst, wb.save)


# ---------------------------------------------------------------------------- history export
HISTORY_EXTRA = ["得分来源", "进入后三名", "发布时间"]


def history_rows(rows: Sequence[HistoryRow]) -> list[list[object]]:
    """The stored months as rows under :func:`header` plus :data:`HISTORY_EXTRA`."""
    return [
        [
            r.month,
            r.unit_type,
            r.rank,
            r.unit,
            r.score,
            "是" if r.vetoed else "否",
            r.veto,
            r.band,
            r.group,
            "" if r.group_rank is None else r.group_rank,
            r.group_mark,
            "" if r.bottom_count is None else r.bottom_count,
            r.sanction,
            r.remark,
            r.score_source,
            "是" if r.in_bottom else "否",
            r.published_at,
        ]
        for r in rows
    ]


def export_history(rows: Sequence[HistoryRow], dst: Path) -> Path:
    """Write the history to ``dst``: .csv (UTF-8 with BOM, opens in Excel) or .xlsx."""
    head = [*header(), *HISTORY_EXTRA]
    head[7] = "等次"
    body = history_rows(rows)
    suffix = dst.suffix.lower()
    if suffix == ".csv":
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(head)
        writer.writerows(body)
        dst.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(dst, text.getvalue().encode("utf-8-sig"))
        return dst
    if suffix != ".xlsx":
        raise UsageError(f"历史导出文件应为 .xlsx 或 .csv：{dst.name}")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "排名历史"
    _fill(ws, [[f"月度排名历史（{OWN_TITLE_MARK}导出）"], head, *body], widths=(*WIDTHS, 8, 10, 20))
    _save(wb, dst)
    return dst


# ---------------------------------------------------------------------------- what the CLI prints and the button shows
def _names(positions: Sequence[Position]) -> str:
    return "、".join(f"{p.unit.name}（{p.score:g}{'，否决' if p.vetoed else ''}）" for p in positions) or "无"


def headline_lines(ranking: Ranking) -> list[str]:
    """Top and bottom bands of each unit type, and the proposed ladder steps, in Chinese."""
    top_label, bottom_label = ranking.band_labels
    lines = []
    for unit_type in ("乡镇", "县直部门"):
        if not ranking.of_type(unit_type):
            continue
        lines.append(f"{unit_type}{top_label}：{_names(ranking.top(unit_type))}")
        lines.append(f"{unit_type}{bottom_label}：{_names(ranking.bottom(unit_type))}")
    steps = [p for p in ranking.positions if p.sanction]
    if steps:
        n = ranking.config.escalation_bottom
        lines.append(f"后{n}名问责阶梯（仅为建议）：")
        lines += [f"  {p.unit.name}：第{p.bottom_count}次进入后{n}名 → {p.sanction}" for p in steps]
    vetoed = [p for p in ranking.positions if p.vetoed]
    if vetoed:
        lines.append("一票否决：" + "；".join(f"{p.unit.name}（{p.veto.text if p.veto else ''}）" for p in vetoed))
    return lines
