"""The 汇总 as plain data: titled blocks of rows, and the charts drawn from them.

Writers (the openpyxl file of ``zhenggai summary``, the sheet the ribbon writes,
the export) only lay these out; every number is computed once, in
:mod:`addin.summary.tables`. A block's totals row holds the column sums of its rows
for count columns; rate columns in the totals row are the rate of the totals
(a sum of percentages would mean nothing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

Value = str | int | float | None

OWN_MARK = "整改台账助手生成"
"""Written into the heading line under the title: with it a sheet is recognised as our 汇总 (never a user's)."""


class ColumnKind(StrEnum):
    """How a column's values are shown."""

    TEXT = "text"
    COUNT = "count"  # whole numbers; summed in the totals row
    PERCENT = "percent"  # a fraction 0…1 shown as 0.0%
    RATE = "rate"  # a decimal such as "per 100 households", two decimals
    NOTE = "note"  # text that may run on to the right (an explanation): does not widen its column


NUMBER_FORMATS = {
    ColumnKind.TEXT: "@",
    ColumnKind.COUNT: "0",
    ColumnKind.PERCENT: "0.0%",
    ColumnKind.RATE: "0.00",
    ColumnKind.NOTE: "@",
}
"""Excel number format per column kind (shared by every writer)."""


@dataclass
class Block:
    """One titled table of the 汇总 sheet."""

    key: str  # stable identifier ("by_township"); tests and the ranking find blocks by it
    title: str
    header: list[str]
    kinds: list[ColumnKind]
    rows: list[list[Value]] = field(default_factory=list)
    total: list[Value] | None = None  # the 合计 row
    note: str = ""

    @property
    def width(self) -> int:
        return len(self.header)

    def column(self, name: str) -> list[Value]:
        """The values of a column over the rows (totals row excluded)."""
        i = self.header.index(name)
        return [r[i] for r in self.rows]

    def row(self, label: str) -> list[Value]:
        """The row whose first cell is ``label``."""
        for r in self.rows:
            if r[0] == label:
                return r
        raise KeyError(label)


_DIGITS = "零一二三四五六七八九"


def numbered(number: int, text: str) -> str:
    """A block title with its Chinese ordinal: numbered(11, "来源文件") → "十一、来源文件" (1 ≤ number ≤ 99)."""
    tens, ones = divmod(number, 10)
    ordinal = ("" if tens <= 1 else _DIGITS[tens]) + ("十" if tens else "") + (_DIGITS[ones] if ones else "")
    return f"{ordinal}、{text}"


def with_total(block: Block, label_cols: int, rates: dict[int, Callable[[list[Value]], Value]] | None = None) -> Block:
    """Set the 合计 row: the sum of every count column, and each rate column computed from those sums."""
    total: list[Value] = ["合计"] + [""] * (label_cols - 1)
    for i in range(label_cols, block.width):
        kind = block.kinds[i]
        total.append(sum(int(r[i] or 0) for r in block.rows) if kind is ColumnKind.COUNT else None)
    for i, fn in (rates or {}).items():
        total[i] = fn(total)
    block.total = total
    return block


class ChartKind(StrEnum):
    BAR = "bar"
    LINE = "line"


@dataclass(frozen=True)
class Chart:
    """A native chart over a block: categories from one column, one series per value column."""

    kind: ChartKind
    block: str
    title: str
    categories: str  # header of the category column
    values: tuple[str, ...]  # headers of the series columns
    y_title: str = ""
    percent_axis: bool = False


@dataclass
class SummaryTables:
    """The whole 汇总: heading facts, blocks in sheet order, charts."""

    title: str
    as_of: dt.date
    sources: list[str]  # file names summarised
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file name, reason) of files that could not be read
    blocks: list[Block] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)

    def block(self, key: str) -> Block:
        for b in self.blocks:
            if b.key == key:
                return b
        raise KeyError(key)

    def heading(self) -> list[str]:
        """The lines under the title: as-of date, number of sources, unreadable files (the list is a block)."""
        lines = [
            f"统计日期：{self.as_of.isoformat()}　　数据来源：{len(self.sources)} 个工作簿（见表末）　　（{OWN_MARK}）"
        ]
        if self.failed:
            lines.append("无法读取、未计入：" + "；".join(f"{name}（{reason}）" for name, reason in self.failed))
        return lines
