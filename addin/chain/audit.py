"""The audit sheet 操作记录: every value we write into a user's sheet, so that it can be undone exactly.

Design §6: for every change, the sheet, cell, old value, new value, why and when.
One row per changed cell, appended in the order the changes were made; all rows
of one action share a batch id (批次). Undoing a batch writes the inverse changes
and records them as a new batch whose 撤销批次 names the batch it undid, so the
next undo takes the batch before it and nothing is ever deleted from the record.

Values are stored as tagged text so that the round trip is exact whatever writes
the sheet (openpyxl, or Excel through xlwings, which would turn "0012" into 12,
"2024-05-30" into a date and "=A1" into a formula): ``文本:0012``,
``数值:12.5``, ``日期:2024-05-30``, ``日期时间:2024-05-30T08:00:00``,
``时刻:08:30:00``, ``时长:5400.0`` (seconds), ``逻辑:TRUE``; an empty cell is an empty cell. A cell without
a tag (typed by hand, or from an older version) is taken as the value it holds.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from addin.ledger.table import cell_address, column_index
from addin.ledger.text import clean_text

AUDIT_SHEET = "操作记录"
AUDIT_HEADER = ["批次", "时间", "工作表", "单元格", "原值", "新值", "原因", "撤销批次"]
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

_TEXT, _NUMBER, _DATE, _DATETIME, _TIME, _BOOL = "文本:", "数值:", "日期:", "日期时间:", "时刻:", "逻辑:"
_DURATION = "时长:"
_ADDRESS = re.compile(r"^[A-Z]{1,3}[1-9]\d{0,6}$")


@dataclass(frozen=True, slots=True)
class CellChange:
    """One cell write: 1-based row/column, the value before and after, and why (Chinese)."""

    file: str
    sheet: str
    row: int
    col: int
    old: Any
    new: Any
    reason: str

    @property
    def cell(self) -> str:
        return cell_address(self.row, self.col)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One row of 操作记录 read back (``line`` = its 1-based row on the audit sheet)."""

    batch: str
    when: str
    sheet: str
    row: int
    col: int
    old: Any
    new: Any
    reason: str
    undoes: str = ""
    line: int = 0

    @property
    def cell(self) -> str:
        return cell_address(self.row, self.col)


@dataclass(frozen=True, slots=True)
class SkippedLine:
    """An audit row that could not be read, and why (Chinese)."""

    line: int
    reason: str


# ------------------------------------------------------------------ values
def encode_value(value: Any) -> str:
    """A cell value as tagged text that survives any writer unchanged ("" for an empty cell)."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or (isinstance(value, str) and value == ""):
        return ""
    if isinstance(value, bool):
        return f"{_BOOL}{'TRUE' if value else 'FALSE'}"
    if isinstance(value, int):
        return f"{_NUMBER}{value}"
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return ""
        return f"{_NUMBER}{value!r}"
    if isinstance(value, dt.datetime):
        return f"{_DATETIME}{value.isoformat()}"
    if isinstance(value, dt.date):
        return f"{_DATE}{value.isoformat()}"
    if isinstance(value, dt.time):
        return f"{_TIME}{value.isoformat()}"
    if isinstance(value, dt.timedelta):
        return f"{_DURATION}{value.total_seconds()!r}"
    return f"{_TEXT}{value}"


def decode_value(cell: Any) -> Any:
    """The value :func:`encode_value` stored (untagged cells are taken as they are; empty → None)."""
    if cell is None or cell == "":
        return None
    if not isinstance(cell, str):
        return cell
    try:
        if cell.startswith(_TEXT):
            return cell[len(_TEXT) :]
        if cell.startswith(_NUMBER):
            body = cell[len(_NUMBER) :]
            return int(body) if re.fullmatch(r"[+-]?\d+", body) else float(body)
        if cell.startswith(_DATETIME):
            return dt.datetime.fromisoformat(cell[len(_DATETIME) :])
        if cell.startswith(_DATE):
            return dt.date.fromisoformat(cell[len(_DATE) :])
        if cell.startswith(_TIME):
            return dt.time.fromisoformat(cell[len(_TIME) :])
        if cell.startswith(_BOOL):
            return cell[len(_BOOL) :].upper() == "TRUE"
        if cell.startswith(_DURATION):
            return dt.timedelta(seconds=float(cell[len(_DURATION) :]))
    except ValueError as exc:
        raise _BadValue(cell) from exc
    return cell


class _BadValue(ValueError):
    """A tagged value whose body does not parse."""


def excel_would_convert(value: Any) -> bool:
    """A text Excel would not keep as typed (number-, date- or formula-like): write it as text ("@")."""
    if not isinstance(value, str) or not value:
        return False
    s = value.strip()
    if s[:1] in ("=", "+", "-", "@"):
        return True
    if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?%?", s):
        return True
    if re.fullmatch(r"\d{1,4}[-/.年]\d{1,2}([-/.月]\d{1,4}日?)?|\d{1,2}:\d{2}(:\d{2})?", s):
        return True
    return s.upper() in ("TRUE", "FALSE")


# ------------------------------------------------------------------ writing
def new_run_id(now: dt.datetime, action: str = "分配") -> str:
    """A batch id such as "分配-20240717-093015" (text that no spreadsheet turns into a number or date)."""
    return f"{action}-{now:%Y%m%d-%H%M%S}"


def audit_rows(changes: Iterable[CellChange], run_id: str, when: dt.datetime, *, undoes: str = "") -> list[list[str]]:
    """The 操作记录 rows for a batch of changes (append them under :data:`AUDIT_HEADER`), all text."""
    stamp = when.strftime(TIME_FORMAT)
    return [
        [run_id, stamp, c.sheet, c.cell, encode_value(c.old), encode_value(c.new), c.reason, undoes] for c in changes
    ]


# ------------------------------------------------------------------ reading
def _header_index(grid: Sequence[Sequence[Any]]) -> tuple[int, dict[str, int]] | None:
    for r, row in enumerate(grid[:20]):
        names = [clean_text(v) for v in row]
        if "批次" in names and "单元格" in names and "原值" in names:
            return r, {name: names.index(name) for name in AUDIT_HEADER if name in names}
    return None


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        return value.strftime(TIME_FORMAT)
    return "" if value is None else str(value).strip()


def read_audit(grid: Sequence[Sequence[Any]]) -> tuple[list[AuditEntry], list[SkippedLine]]:
    """Every readable row of an 操作记录 sheet, and the rows skipped with the reason."""
    found = _header_index(grid)
    if found is None:
        return [], ([SkippedLine(1, "找不到表头（批次、单元格、原值…）")] if grid else [])
    top, cols = found
    missing = [name for name in AUDIT_HEADER[:7] if name not in cols]
    if missing:
        return [], [SkippedLine(top + 1, f"表头缺少列：{'、'.join(missing)}")]
    entries: list[AuditEntry] = []
    skipped: list[SkippedLine] = []
    for r in range(top + 1, len(grid)):
        row = list(grid[r])

        def get(name: str, row: list[Any] = row) -> Any:
            i = cols.get(name)
            return row[i] if i is not None and i < len(row) else None

        if all(v in (None, "") for v in row):
            continue
        line = r + 1
        batch, sheet, address = _text(get("批次")), _text(get("工作表")), _text(get("单元格")).upper()
        if not batch or not sheet:
            skipped.append(SkippedLine(line, "缺少批次或工作表"))
            continue
        if not _ADDRESS.match(address):
            skipped.append(SkippedLine(line, f"单元格地址“{address}”无效"))
            continue
        try:
            old, new = decode_value(get("原值")), decode_value(get("新值"))
        except _BadValue as exc:
            skipped.append(SkippedLine(line, f"取值“{exc}”无法识别"))
            continue
        cell_row, cell_col = column_index(address)
        entries.append(
            AuditEntry(
                batch=batch,
                when=_text(get("时间")),
                sheet=sheet,
                row=cell_row,
                col=cell_col,
                old=old,
                new=new,
                reason=_text(get("原因")),
                undoes=_text(get("撤销批次")),
                line=line,
            )
        )
    return entries, skipped


def parse_audit(grid: Sequence[Sequence[Any]]) -> list[AuditEntry]:
    """The readable rows of an 操作记录 sheet (bad rows skipped; :func:`read_audit` says why)."""
    return read_audit(grid)[0]


# ------------------------------------------------------------------ undo
def undoable_batch(entries: Sequence[AuditEntry]) -> str | None:
    """The newest batch that is not an undo itself and has not been undone yet."""
    undone = {e.undoes for e in entries if e.undoes}
    batches = [e.batch for e in entries if not e.undoes and e.batch not in undone]
    return batches[-1] if batches else None


def undo_last(entries: Sequence[AuditEntry], *, file: str = "") -> list[CellChange]:
    """The writes that undo the newest batch still in force: its changes inverted, last change first.

    Record them with ``audit_rows(changes, new_run_id(...), now, undoes=<batch>)``
    (the batch is :func:`undoable_batch`) so that the next undo takes the batch before.
    """
    batch = undoable_batch(entries)
    if batch is None:
        return []
    return [
        CellChange(file, e.sheet, e.row, e.col, old=e.new, new=e.old, reason=f"撤销批次 {batch}")
        for e in reversed([e for e in entries if e.batch == batch and not e.undoes])
    ]


def edited_since(changes: Sequence[CellChange], current: Any) -> list[CellChange]:
    """Undo changes whose cell no longer holds what we wrote (the user edited it since).

    ``current(sheet, row, col)`` returns a cell's value now; empty and None are equal.
    """

    def same(a: Any, b: Any) -> bool:
        return (a in (None, "") and b in (None, "")) or a == b

    return [c for c in changes if not same(current(c.sheet, c.row, c.col), c.old)]
