"""Values written into the cells of an existing worksheet, by splicing its ``sheetData``.

A county sheet is up to 50 MB of rows and a few hundred cells change. The rows
concerned are looked up without reading the rows in between
(:mod:`.sheet_rows`); only they are parsed, and the new part is the old bytes
with those rows (and the ``dimension``) replaced.

What is refused, as a bug in the caller (:class:`InvalidRequest`): a cell inside
a merged range other than its top-left one (Excel shows and keeps only that
one); the master cell of a shared formula, or of an array formula spanning
several cells (the other cells' formulas live in it and would be lost or left
dangling); a cell in the header row of a table (the table part keeps the header
texts too, and Excel repairs a file where they differ).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from addin.report.xlsx import package as pkg
from addin.report.xlsx.cell_xml import Content, cell_content, cell_xml
from addin.report.xlsx.model import CellValue, InvalidRequest
from addin.report.xlsx.parts import Parts
from addin.report.xlsx.sheet_patch import Cell, SheetXml
from addin.report.xlsx.sheet_rows import RowFinder, RowXml, UserCell
from addin.report.xlsx.styles import StyleSheet
from addin.report.xlsx.xmltext import (
    ATTRS,
    children,
    col_letters,
    esc_attr,
    parse_attrs,
    parse_ref,
    prefixed,
)

TABLE = pkg.REL_TYPE + "table"
_ATTRS_B = ATTRS.encode()
_DROPPED_ATTRS = {"r", "s", "t", "cm", "vm"}
"""Attributes of a user's cell not carried over: position, style and type are set anew; cell and value
metadata (dynamic arrays, rich values) belong to the value being replaced."""

Range = tuple[int, int, int, int]  # first_row, first_col, last_row, last_col
Piece = bytes | memoryview


class CellWriter:
    """Writes :class:`CellValue` s into worksheet parts, with the styles they need.

    ``formulas_replaced`` tells the caller to drop the calculation chain, which
    Excel rejects when it lists a cell that no longer holds a formula.
    """

    def __init__(self, styles: StyleSheet, date1904: bool) -> None:
        self._styles = styles
        self._date1904 = date1904
        self._dated: dict[tuple[int, str], int] = {}
        self.formulas_replaced = False

    def middle(self, sheet: SheetXml, values: dict[Cell, CellValue], table_headers: Sequence[Range]) -> list[Piece]:
        """The bytes between the root start tag and the tail after ``sheetData``, with ``values`` written."""
        _refuse_hidden_cells(sheet, values, table_headers)
        data, root = sheet.data, sheet.root
        q_data = root.q("sheetData")
        opening = re.compile(re.escape(f"<{q_data}").encode() + rb"(?=[\s/>])" + _ATTRS_B + rb"\s*(/?)>")
        tag = opening.search(data, sheet.head_bytes)
        if tag is None or tag.start() >= sheet.tail_start:
            raise ValueError("worksheet without sheetData")
        closed = bool(tag[1])
        rows_end = tag.end() if closed else sheet.tail_start - len(f"</{q_data}>".encode())
        pre = data[sheet.head_bytes : tag.start()].decode("utf-8", "surrogateescape")

        finder = RowFinder(data, tag.end(), rows_end, root.q("row"))
        wanted = {row for row, _ in values} | {v.style_from[0] for v in values.values() if v.style_from}
        rows = {n: finder.seek(n) for n in sorted(wanted)}
        parsed = {n: RowXml(f.text, n, root.q("c")) for n, f in rows.items() if f.text is not None}
        columns = _column_styles(pre, root.q("col"))

        def style_at(row: int, column: int) -> int:
            found = parsed.get(row)
            if found is not None and column in found.cells:
                return found.cells[column].style
            default = found.default_style() if found is not None else None
            return default if default is not None else columns.get(column, 0)

        by_row: dict[int, dict[int, CellValue]] = {}
        for (row, column), value in values.items():
            by_row.setdefault(row, {})[column] = value
        edits: list[tuple[int, int, bytes]] = []
        written: list[Cell] = []
        for number, in_row in sorted(by_row.items()):
            styles = {col: style_at(*v.style_from) for col, v in in_row.items() if v.style_from}
            found, row = rows[number], parsed.get(number)
            new = self._row(row, number, in_row, styles, columns, root.prefix, written)
            if new is not None:
                edits.append((found.start, found.end, new.encode("utf-8", "surrogateescape")))

        pieces: list[Piece] = [_grow_dimension(pre, root.q("dimension"), written).encode("utf-8", "surrogateescape")]
        view = memoryview(data)
        if closed and edits:
            pieces.append(f"<{q_data}>".encode())
        else:
            pieces.append(view[tag.start() : tag.end()])
        pos = tag.end()
        for start, end, new in edits:
            pieces.extend((view[pos:start], new))
            pos = end
        pieces.append(view[pos:rows_end])
        pieces.append(f"</{q_data}>".encode() if closed and edits else view[rows_end : sheet.tail_start])
        return pieces

    def _row(
        self,
        row: RowXml | None,
        number: int,
        values: dict[int, CellValue],
        style_from: dict[int, int],
        columns: dict[int, int],
        prefix: str,
        written: list[Cell],
    ) -> str | None:
        """The row's new text (a whole new row when it did not exist); None when nothing changes."""
        edits: list[tuple[int, int, str]] = []
        for column in sorted(values):
            value = values[column]
            user = row.cells.get(column) if row is not None else None
            if column in style_from:
                base = style_from[column]
            elif user is not None:
                base = user.style
            else:
                default = row.default_style() if row is not None else None
                base = default if default is not None else columns.get(column, 0)
            content = cell_content(value.value, self._date1904)
            if content is None and user is None and value.style_from is None:
                continue  # empty already, and no style asked for
            if user is not None and row is not None:
                self._check_formula(row, user, value)
            xml = self._cell(f"{col_letters(column)}{number}", content, base, user)
            if user is not None:
                edits.append((user.element.start, user.element.end, prefixed(xml, prefix)))
            else:
                at = row.insertion_point(column) if row is not None else 0
                edits.append((at, at, prefixed(xml, prefix)))
            written.append((number, column))
        if not edits:
            return None
        if row is None:
            cells = "".join(new for _, _, new in edits)
            return prefixed(f'<row r="{number}">', prefix) + cells + prefixed("</row>", prefix)
        if row.empty:  # <row r="5"/> gets its cells and an end tag
            name = re.match(r"<([^\s/>]+)", row.text)
            assert name is not None
            head = re.sub(r"\s*/>$", ">", row.text)
            return head + "".join(new for _, _, new in edits) + f"</{name[1]}>"
        out, pos = [], 0
        for start, end, new in sorted(edits, key=lambda e: (e[0], e[1])):
            out.extend((row.text[pos:start], new))
            pos = max(pos, end)
        out.append(row.text[pos:])
        return "".join(out)

    def _cell(self, ref: str, content: Content | None, base: int, user: UserCell | None) -> str:
        style = base
        if content is not None and content.number_format is not None:
            key = (base, content.number_format)
            if key not in self._dated:
                self._dated[key] = self._styles.with_number_format(base, content.number_format)
            style = self._dated[key]
        extra = ""
        if user is not None:
            kept = {k: v for k, v in user.attrs.items() if k not in _DROPPED_ATTRS}
            extra = "".join(f' {k}="{esc_attr(v)}"' for k, v in kept.items())
        return cell_xml(ref, content, style, extra)

    def _check_formula(self, row: RowXml, user: UserCell, value: CellValue) -> None:
        el = user.element
        if el.head_end == el.end:
            return
        for child in children(row.text, el.head_end)[0]:
            if child.local != "f":
                continue
            attrs = parse_attrs(row.text[child.start : child.head_end])
            kind, ref = attrs.get("t", "normal"), attrs.get("ref", "")
            spans = ":" in ref and len({part.strip("$") for part in ref.split(":")}) > 1
            has_text = child.head_end != child.end and row.text[child.head_end : child.end].split("<", 1)[0].strip()
            if spans and ((kind == "shared" and has_text) or kind in ("array", "dataTable")):
                what = "a shared formula" if kind == "shared" else f"an {kind} formula"
                raise InvalidRequest(
                    f"cell {col_letters(value.column)}{value.row} of sheet {value.sheet!r} holds {what} "
                    f"for {ref}: overwriting it would break the other cells"
                )
            self.formulas_replaced = True


def _refuse_hidden_cells(sheet: SheetXml, values: dict[Cell, CellValue], table_headers: Sequence[Range]) -> None:
    """Cells inside a merged range (but its first) and table header cells are not ours to write."""
    merged = [r for r in sheet.merged_ranges() if (r[0], r[1]) != (r[2], r[3])]
    for (row, column), value in values.items():
        where = f"cell {col_letters(column)}{row} of sheet {value.sheet!r}"
        for r1, c1, r2, c2 in merged:
            if r1 <= row <= r2 and c1 <= column <= c2 and (row, column) != (r1, c1):
                merge = f"{col_letters(c1)}{r1}:{col_letters(c2)}{r2}"
                raise InvalidRequest(f"{where} is inside merged range {merge}: write its first cell")
        for r1, c1, r2, c2 in table_headers:
            if r1 <= row <= r2 and c1 <= column <= c2:
                raise InvalidRequest(f"{where} is a header of a table: the table keeps its header texts")


def _column_styles(pre: str, q_col: str) -> dict[int, int]:
    """Default style of each column that has one (``<col min max style>``)."""
    out: dict[int, int] = {}
    for m in re.finditer(rf"<{re.escape(q_col)}\b({ATTRS})", pre):
        a = parse_attrs(m[1])
        lo, hi, style = a.get("min", ""), a.get("max", ""), a.get("style", "")
        if lo.isdigit() and hi.isdigit() and style.isdigit() and int(style):
            for column in range(int(lo), min(int(hi), 16_384) + 1):
                out[column] = int(style)
    return out


def _grow_dimension(pre: str, q_dimension: str, written: list[Cell]) -> str:
    """``pre`` with the ``dimension`` ref widened to cover the written cells (when it has a valid one)."""
    m = re.search(rf"<{re.escape(q_dimension)}\b({ATTRS})", pre)
    if m is None or not written:
        return pre
    first, _, last = parse_attrs(m[1]).get("ref", "").partition(":")
    a, b = parse_ref(first), parse_ref(last or first)
    if a is None or b is None:
        return pre
    rows = [r for r, _ in written] + [a[0], b[0]]
    cols = [c for _, c in written] + [a[1], b[1]]
    top, left, bottom, right = min(rows), min(cols), max(rows), max(cols)
    if (top, left, bottom, right) == (min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])):
        return pre
    grown = f"{col_letters(left)}{top}:{col_letters(right)}{bottom}"
    tag = re.sub(r"""(\sref\s*=\s*)(?:"[^"]*"|'[^']*')""", rf'\1"{grown}"', m[0], count=1)
    return pre[: m.start()] + tag + pre[m.end() :]


def table_headers(parts: Parts, part: str, rels: Sequence[pkg.Rel]) -> list[Range]:
    """The header rows of the sheet's tables (ListObjects), as ranges."""
    out: list[Range] = []
    for rel in rels:
        if rel.type != TABLE or rel.external:
            continue
        text = parts.text(pkg.resolve(part, rel.target)) or ""
        m = re.search(rf"<(?:[\w.\-]+:)?table\b({ATTRS})", text)
        if m is None:
            continue
        a = parse_attrs(m[1])
        first, _, last = a.get("ref", "").partition(":")
        start, end = parse_ref(first), parse_ref(last or first)
        count = a.get("headerRowCount", "1")
        n = int(count) if count.isdigit() else 1
        if start and end and n:
            out.append((start[0], start[1], start[0] + n - 1, end[1]))
    return out
