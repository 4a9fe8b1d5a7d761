"""What the workbook writers take: cell marks, cell values, links and whole new sheets."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time
from typing import Literal

Severity = Literal["error", "warning"]

MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
_BAD_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


@dataclass(frozen=True, slots=True)
class CellMark:
    """A flagged cell of an existing sheet: 1-based row and column, severity and reason."""

    sheet: str
    row: int
    column: int
    severity: Severity
    text: str


CellData = str | int | float | bool | date | time | None
"""What a :class:`CellValue` may hold (a ``datetime`` is a ``date``)."""


class InvalidRequest(ValueError):
    """The caller asked for something no workbook can hold: a bug in the caller, raised before writing."""


@dataclass(frozen=True, slots=True)
class CellValue:
    """A value to put into a cell of an existing sheet (1-based row and column).

    ``value`` None (or "", NaN) makes the cell empty but keeps its style.
    ``style_from=(row, column)`` gives the cell the style of that other cell of
    the same sheet as it stands in the source (e.g. the neighbouring header cell,
    so a header we add looks like the user's); otherwise an existing cell keeps
    its style and a new one gets its row's or column's default style, if any.
    """

    sheet: str
    row: int
    column: int
    value: CellData
    style_from: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Link:
    """A cell of a new sheet that links to ``cell`` (e.g. "K12") of ``sheet``."""

    sheet: str
    cell: str


@dataclass
class NewSheet:
    """A sheet we generate: a header row, then rows of plain values or :class:`Link`."""

    name: str
    header: list[str]
    rows: list[list[object]] = field(default_factory=list)
    widths: list[float] | None = None  # in characters; None = computed
    hidden: bool = False


def safe_sheet_name(name: str) -> str:
    """A name Excel accepts for a sheet: no []:*?/\\, no edge apostrophes, at most 31 characters."""
    cleaned = "".join(ch for ch in name.translate(_BAD_SHEET_CHARS) if ch.isprintable())
    cleaned = cleaned.strip().strip("'")[:31].strip().strip("'") or "Sheet"
    return cleaned + "_" if cleaned.casefold() == "history" else cleaned  # reserved by Excel


def check_marks(marks: Iterable[object]) -> None:
    """Raise ValueError for a mark no workbook can hold (a bug in the caller)."""
    for mark in marks:
        if not isinstance(mark, CellMark):
            raise ValueError(f"not a CellMark: {mark!r}")
        if not (1 <= mark.row <= MAX_ROWS and 1 <= mark.column <= MAX_COLUMNS):
            raise ValueError(f"cell out of range: {mark!r}")
        if mark.severity not in ("error", "warning"):
            raise ValueError(f"unknown severity: {mark.severity!r}")


def _in_range(row: object, column: object) -> bool:
    valid = isinstance(row, int) and isinstance(column, int) and not isinstance(row, bool)
    return valid and 1 <= row <= MAX_ROWS and 1 <= column <= MAX_COLUMNS  # type: ignore[operator]


def check_cell_values(values: Iterable[object]) -> None:
    """Raise ValueError for a value no cell can hold, or a cell given two values (bugs in the caller)."""
    seen: set[tuple[str, int, int]] = set()
    for item in values:
        if not isinstance(item, CellValue):
            raise ValueError(f"not a CellValue: {item!r}")
        if not _in_range(item.row, item.column):
            raise ValueError(f"cell out of range: {item!r}")
        if item.style_from is not None and not (
            isinstance(item.style_from, tuple) and len(item.style_from) == 2 and _in_range(*item.style_from)
        ):
            raise ValueError(f"style_from must be a (row, column) in range: {item!r}")
        value = item.value
        if not (value is None or isinstance(value, (str, bool, date, time, numbers.Real))):
            raise ValueError(f"a cell cannot hold a {type(value).__name__}: {item!r}")
        if isinstance(value, numbers.Real) and math.isinf(float(value)):
            raise ValueError(f"a cell cannot hold an infinite number: {item!r}")
        key = (item.sheet, item.row, item.column)
        if key in seen:
            raise ValueError(f"two values for one cell: {item!r}")
        seen.add(key)
