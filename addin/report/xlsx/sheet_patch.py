"""Edits to an existing worksheet part: conditional-format marks and the note drawing.

A county sheet is up to 50 MB of XML, almost all of it ``<sheetData>``. We never
parse that here: the part is searched as bytes for the end of ``sheetData`` and
only the tail after it (merged cells, conditional formats, validations,
drawings…) is tokenized. New elements go where CT_Worksheet wants them; the
bytes before the tail are written out again untouched, or as the pieces
:mod:`.sheet_cells` made when values are written into cells.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from addin.report.xlsx.xmltext import (
    REL_NS,
    Element,
    Root,
    apply_edits,
    children,
    col_letters,
    declare_prefix,
    esc_attr,
    find_root,
    insertion_point,
    parse_attrs,
    parse_ref,
    prefixed,
)

WORKSHEET_ORDER = {
    name: i
    for i, name in enumerate(
        [
            *("sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr"),
            *("sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState"),
            *("dataConsolidate", "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting"),
            *("dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter"),
            *("rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags"),
            *("drawing", "legacyDrawing", "legacyDrawingHF", "picture", "oleObjects", "controls"),
            *("webPublishItems", "tableParts", "extLst"),
        ]
    )
}
"""The children of CT_Worksheet in schema order."""
MAX_SQREF_REFS = 1000
"""References per ``conditionalFormatting`` element; longer lists are split."""

Cell = tuple[int, int]
Note = tuple[str, str]  # (severity, text)


@dataclass(frozen=True, slots=True)
class PatchedSheet:
    """The new part as pieces to write in order (the middle one is a view of the old bytes)."""

    pieces: tuple[bytes | memoryview, ...]


class SheetXml:
    """An existing worksheet part: its root tag and the tail after ``sheetData``."""

    def __init__(self, data: bytes) -> None:
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise ValueError("UTF-16 worksheet parts are not supported")
        self.data = data
        head = data[: 1 << 16].decode("utf-8", "ignore")
        self.root: Root = find_root(head)
        self.head = head[: self.root.end]
        self.head_bytes = len(self.head.encode("utf-8"))
        q = self.root.q("sheetData")
        end = data.rfind(f"</{q}>".encode())
        if end >= 0:
            self.tail_start = end + len(q) + 3
        else:
            empty = re.compile(rf"<{re.escape(q)}\s*/>".encode()).search(data, self.head_bytes)
            if empty is None:
                raise ValueError("worksheet without sheetData")
            self.tail_start = empty.end()
        self.tail = data[self.tail_start :].decode("utf-8", "surrogateescape")
        self.elements, self.root_end = children(self.tail, 0)

    def _q(self, local: str) -> str:
        return self.root.q(local)

    def _first(self, local: str) -> Element | None:
        return next((el for el in self.elements if el.local == local), None)

    def legacy_drawing_id(self) -> str | None:
        """The relationship Id of the sheet's VML drawing, if it has one.

        The relationships prefix may be declared on the element itself (openpyxl does that).
        """
        el = self._first("legacyDrawing")
        if el is None:
            return None
        attrs = parse_attrs(self.tail[el.start : el.head_end])
        ns = dict(self.root.ns)
        ns.update({k[6:]: v for k, v in attrs.items() if k.startswith("xmlns:")})
        prefix = next((p for p, uri in ns.items() if uri == REL_NS and p), None)
        if prefix is None or f"{prefix}:id" not in attrs:
            raise ValueError("legacyDrawing without a relationship id")
        return attrs[f"{prefix}:id"]

    def merged_ranges(self) -> list[tuple[int, int, int, int]]:
        """Merged ranges as 1-based (first_row, first_col, last_row, last_col)."""
        el = self._first("mergeCells")
        if el is None:
            return []
        out = []
        pattern = rf"<{re.escape(self._q('mergeCell'))}\b[^>]*?\bref=\"([^\"]+)\""
        for m in re.finditer(pattern, self.tail[el.start : el.end]):
            first, _, last = m[1].partition(":")
            a, b = parse_ref(first), parse_ref(last or first)
            if a and b:
                out.append((min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])))
        return out

    def anchor_marks(self, notes: dict[Cell, Note]) -> dict[Cell, Note]:
        """Marks inside a merged range moved to its top-left cell, where Excel shows them."""
        by_row: dict[int, list[tuple[int, int, int, int]]] = defaultdict(list)
        for rng in self.merged_ranges():
            if rng[0] == rng[2] and rng[1] == rng[3]:
                continue
            for row in range(rng[0], rng[2] + 1):
                by_row[row].append(rng)
        if not by_row:
            return notes
        out: dict[Cell, Note] = {}
        for (row, col), note in sorted(notes.items()):
            cell = (row, col)
            for r1, c1, _, c2 in by_row.get(row, ()):
                if c1 <= col <= c2:
                    cell = (r1, c1)
                    break
            out[cell] = merge_notes(out[cell], note) if cell in out else note
        return out

    def our_old_marks(self, dxf_ids: set[int]) -> list[Element]:
        """Conditional formats a previous run of ours added (same shape, one of our dxfs)."""
        if not dxf_ids:
            return []
        cf, rule, formula = (re.escape(self._q(n)) for n in ("conditionalFormatting", "cfRule", "formula"))
        ours = re.compile(
            rf'<{cf} sqref="[^"]*"><{rule} type="expression" dxfId="(\d+)" priority="\d+">'
            rf"<{formula}>TRUE</{formula}></{rule}></{cf}>"
        )
        found = []
        for el in self.elements:
            if el.local == "conditionalFormatting":
                m = ours.fullmatch(self.tail, el.start, el.end)
                if m and int(m[1]) in dxf_ids:
                    found.append(el)
        return found

    def patch(
        self,
        notes: dict[Cell, Note],
        dxf: dict[str, int],
        *,
        remove: Sequence[Element] = (),
        legacy_drawing_id: str | None = None,
        middle: Sequence[bytes | memoryview] | None = None,
    ) -> PatchedSheet:
        """The part with ``remove`` dropped, marks added and a ``legacyDrawing`` if given an Id.

        ``middle`` replaces the bytes between the root start tag and the tail (``sheetData`` and what
        precedes it) when cells were written.
        """
        edits = [(el.start, el.end, "") for el in remove]
        kept = [el for el in self.elements if el not in remove]
        if notes:
            first = max(_remaining_priorities(self.tail, remove), default=0) + 1
            at = insertion_point(kept, WORKSHEET_ORDER, "conditionalFormatting", self.root_end)
            edits.append((at, at, prefixed(conditional_formats(notes, dxf, first), self.root.prefix)))
        head_edits = []
        if legacy_drawing_id is not None:
            prefix, declaration = declare_prefix(self.root, REL_NS, "r")
            if declaration is not None:
                head_edits.append(declaration)
            at = insertion_point(kept, WORKSHEET_ORDER, "legacyDrawing", self.root_end)
            element = f'<{self._q("legacyDrawing")} {prefix}:id="{esc_attr(legacy_drawing_id)}"/>'
            edits.append((at, at, element))
        head = apply_edits(self.head, head_edits).encode("utf-8") if head_edits else self.data[: self.head_bytes]
        kept_middle = (memoryview(self.data)[self.head_bytes : self.tail_start],) if middle is None else tuple(middle)
        tail = apply_edits(self.tail, edits).encode("utf-8", "surrogateescape")
        return PatchedSheet((head, *kept_middle, tail))


def _remaining_priorities(tail: str, removed: Sequence[Element]) -> list[int]:
    spans = [(el.start, el.end) for el in removed]
    return [
        int(m[1]) for m in re.finditer(r'\bpriority="(\d+)"', tail) if not any(s <= m.start() < e for s, e in spans)
    ]


def merge_notes(a: Note, b: Note) -> Note:
    """Two marks on one cell: the graver severity, both reasons."""
    severity = "error" if "error" in (a[0], b[0]) else "warning"
    texts = a[1].split("\n")
    text = a[1] if b[1] in texts else f"{a[1]}\n{b[1]}"
    return severity, text


def sqref_ranges(cells: list[Cell]) -> list[str]:
    """Cells as references, vertical runs in one column joined (K12:K15)."""
    by_col: dict[int, list[int]] = defaultdict(list)
    for row, col in cells:
        by_col[col].append(row)
    runs: list[tuple[int, int, int]] = []
    for col, rows in by_col.items():
        rows.sort()
        start = prev = rows[0]
        for row in rows[1:]:
            if row != prev + 1:
                runs.append((start, col, prev))
                start = row
            prev = row
        runs.append((start, col, prev))
    runs.sort()
    out = []
    for first, col, last in runs:
        letters = col_letters(col)
        out.append(f"{letters}{first}" if first == last else f"{letters}{first}:{letters}{last}")
    return out


def conditional_formats(notes: dict[Cell, Note], dxf: dict[str, int], first_priority: int) -> str:
    """``conditionalFormatting`` elements (unprefixed) marking each cell with its severity's format."""
    out = []
    priority = first_priority
    for severity in ("error", "warning"):
        refs = sqref_ranges([cell for cell, (sev, _) in notes.items() if sev == severity])
        for i in range(0, len(refs), MAX_SQREF_REFS):
            sqref = " ".join(refs[i : i + MAX_SQREF_REFS])
            out.append(
                f'<conditionalFormatting sqref="{sqref}"><cfRule type="expression" dxfId="{dxf[severity]}"'
                f' priority="{priority}"><formula>TRUE</formula></cfRule></conditionalFormatting>'
            )
            priority += 1
    return "".join(out)
