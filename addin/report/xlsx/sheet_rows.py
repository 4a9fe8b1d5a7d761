"""Rows of a worksheet's ``sheetData`` looked up by number, without reading the rows in between.

Rows are stored in ascending order and, as Excel, openpyxl and LibreOffice write
them, each starts with ``<row r="N"``. When every row does (two byte counts tell),
a row is found by galloping and bisecting over the bytes: a few probes, and the
rows in between are neither decoded nor tokenized. Otherwise (``r`` not first, or
left out, which the format allows) the row tags are scanned in order, still
without parsing the cells in between. Only the rows found are parsed, into
their cells by column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from addin.report.xlsx.xmltext import ATTRS, Element, children, parse_attrs, parse_ref

BISECT_WINDOW = 1 << 14
"""Bisection stops when the rows left to look through fit in this many bytes."""
_ATTRS_B = ATTRS.encode()
_DIGITS = re.compile(rb"\d+")


@dataclass(frozen=True, slots=True)
class FoundRow:
    """A row looked up by number: its span and text, or (text None) where it would be inserted."""

    number: int
    start: int
    end: int
    text: str | None


class RowFinder:
    """Rows of ``sheetData`` by number, looked up in ascending order."""

    def __init__(self, data: bytes, start: int, end: int, q_row: str) -> None:
        self.data, self.end = data, end
        self._pos, self._last = start, 0
        opening = f"<{q_row}".encode()
        self._probe = opening + b' r="'
        self._tag = re.compile(re.escape(opening) + rb"(?=[\s/>])(" + _ATTRS_B + rb")\s*(/?)>")
        self._close = f"</{q_row}>".encode()
        self._fast = data.count(opening, start, end) == data.count(self._probe, start, end)

    def seek(self, number: int) -> FoundRow:
        lo = self._bisect(number) if self._fast else self._pos
        for m in self._tag.finditer(self.data, lo, self.end):
            r = parse_attrs(m[1].decode("utf-8", "surrogateescape")).get("r", "")
            found = int(r) if r.isdigit() else self._last + 1
            if found < number:
                self._last = found
                continue
            if found > number:
                self._pos = m.start()
                return FoundRow(number, m.start(), m.start(), None)
            end = m.end()
            if not m[2]:
                close = self.data.find(self._close, end, self.end)
                if close < 0:
                    raise ValueError(f"row {number} has no end tag")
                end = close + len(self._close)
            self._pos, self._last = end, number
            return FoundRow(number, m.start(), end, self.data[m.start() : end].decode("utf-8", "surrogateescape"))
        self._pos = self.end
        return FoundRow(number, self.end, self.end, None)

    def _bisect(self, number: int) -> int:
        """A position from which the first row numbered ``number`` or more is near.

        Every row starting before the result has a smaller number (rows can be
        found by their ``<row r="`` opening since every row starts that way).
        The search gallops forward from the last row found first, so looking up
        the next few rows costs one probe, and bisects what is left.
        """
        lo, hi, step = self._pos, self.end, BISECT_WINDOW
        while lo + step < hi:
            at = self._probe_at(lo + step, hi)
            if at is None:
                hi = lo + step
                break
            if at[1] >= number:
                hi = at[0]
                break
            lo, step = at[0] + 1, step * 2
        while hi - lo > BISECT_WINDOW:
            mid = (lo + hi) // 2
            at = self._probe_at(mid, hi)
            if at is None:
                hi = mid
            elif at[1] < number:
                lo = at[0] + 1
            else:
                hi = at[0]
        return lo

    def _probe_at(self, start: int, end: int) -> tuple[int, int] | None:
        """Position and number of the first row starting in ``[start, end)``."""
        at = self.data.find(self._probe, start, end)
        if at < 0:
            return None
        digits = _DIGITS.match(self.data, at + len(self._probe))
        return at, int(digits[0]) if digits is not None else 0


@dataclass(slots=True)
class UserCell:
    """A ``<c>`` of the user's row: its span in the row text and its attributes."""

    element: Element
    attrs: dict[str, str]

    @property
    def style(self) -> int:
        s = self.attrs.get("s", "0")
        return int(s) if s.isdigit() else 0


class RowXml:
    """One row element as text, with its cells by column."""

    def __init__(self, text: str, number: int, q_cell: str) -> None:
        self.text = text
        self.number = number
        head = re.match(rf"<[^\s/>]+({ATTRS})\s*(/?)>", text)
        if head is None:
            raise ValueError(f"row {number} is not an element")
        self.attrs = parse_attrs(head[1])
        self.empty = bool(head[2])
        self.head_end = head.end()
        self.cells: dict[int, UserCell] = {}
        self.order: list[tuple[int, int]] = []  # (column, start) of each cell, in document order
        self.cells_end = self.head_end
        if self.empty:
            return
        elements, self.root_end = children(text, self.head_end)
        self.cells_end = self.root_end
        column = 0
        for el in elements:
            if el.local != "c":
                self.cells_end = min(self.cells_end, el.start)
                continue
            attrs = parse_attrs(text[el.start : el.head_end].removeprefix(f"<{q_cell}"))
            ref = parse_ref(attrs.get("r", "")) if attrs.get("r") else None
            column = ref[1] if ref is not None else column + 1
            self.cells[column] = UserCell(el, attrs)
            self.order.append((column, el.start))

    def default_style(self) -> int | None:
        """The row's own style for its empty cells, when it has one."""
        s = self.attrs.get("s", "")
        custom = self.attrs.get("customFormat", "").lower() in ("1", "true")
        return int(s) if custom and s.isdigit() else None

    def insertion_point(self, column: int) -> int:
        """Where a new cell in ``column`` goes: before the first cell to its right."""
        return next((start for col, start in self.order if col > column), self.cells_end)
