"""What the workbook writers take: cell marks, links and whole new sheets."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
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
