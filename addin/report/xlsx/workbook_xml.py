"""``xl/workbook.xml`` and its relationships: the sheet list, edited as text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from addin.report.xlsx.package import WORKSHEET, Rel, add_rel, parse_rels, rels_name, replace_rel, resolve
from addin.report.xlsx.sheet_xml import quote_sheet
from addin.report.xlsx.xmltext import (
    ATTRS,
    REL_NS,
    apply_edits,
    children,
    esc_attr,
    find_root,
    insertion_point,
    parse_attrs,
    prefixed,
)

WORKBOOK_ORDER = {
    name: i
    for i, name in enumerate(
        [
            *("fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews", "sheets"),
            *("functionGroups", "externalReferences", "definedNames", "calcPr", "oleSize"),
            *("customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes", "webPublishing"),
            *("fileRecoveryPr", "webPublishObjects", "extLst"),
        ]
    )
}
FILTER_NAME = "_xlnm._FilterDatabase"


@dataclass(slots=True)
class SheetEntry:
    """A ``<sheet>`` of the workbook: its name, ids, state and span in workbook.xml."""

    name: str
    sheet_id: int
    rel_id: str
    state: str
    start: int
    end: int


class Workbook:
    """The workbook part and its relationships part, as text with pending edits."""

    def __init__(self, part: str, text: str, rels: str) -> None:
        self.part = part
        self.rels_part = rels_name(part)
        self.original = text
        self.rels = rels
        self.root = find_root(text)
        self.q = self.root.q
        rp = self.root.prefix_of(REL_NS)
        self.rp = rp or "r"
        self._edits: list[tuple[int, int, str]] = []
        self._appended: list[str] = []
        self._filters: dict[int, str] = {}
        self._hide_active: set[int] = set()
        self._full_calc = False
        pattern = rf"<{self.q('sheet')}\b({ATTRS})\s*(?:/>|>\s*</{self.q('sheet')}>)"
        self.sheets: list[SheetEntry] = []
        for m in re.finditer(pattern, text):
            a = parse_attrs(m[1])
            sheet_id = a.get("sheetId", "0")
            self.sheets.append(
                SheetEntry(
                    a.get("name", ""),
                    int(sheet_id) if sheet_id.isdigit() else 0,
                    a.get(f"{rp}:id", "") if rp else "",
                    a.get("state", "visible"),
                    m.start(),
                    m.end(),
                )
            )
        if rp is None and self.sheets:
            raise ValueError("workbook.xml does not declare the relationships namespace")

    @property
    def date1904(self) -> bool:
        m = re.search(rf"<{self.q('workbookPr')}\b({ATTRS})", self.original)
        return m is not None and parse_attrs(m[1]).get("date1904", "").lower() in ("1", "true")

    def find(self, name: str) -> int | None:
        """Index of the sheet called ``name``: exact spelling first, else as Excel compares names."""
        for i, s in enumerate(self.sheets):
            if s.name == name:
                return i
        key = name.casefold()
        return next((i for i, s in enumerate(self.sheets) if s.name.casefold() == key), None)

    def rel(self, rel_id: str) -> Rel | None:
        return next((r for r in parse_rels(self.rels) if r.id == rel_id and not r.external), None)

    def target(self, index: int) -> tuple[Rel, str] | None:
        """The relationship and zip name of the part behind sheet ``index``."""
        rel = self.rel(self.sheets[index].rel_id)
        return None if rel is None else (rel, resolve(self.part, rel.target))

    def rels_of_type(self, rel_type: str) -> list[Rel]:
        return [r for r in parse_rels(self.rels) if r.type == rel_type and not r.external]

    def _element(self, name: str, sheet_id: int, rel_id: str, hidden: bool) -> str:
        state = ' state="hidden"' if hidden else ""
        return (
            f'<{self.q("sheet")} name="{esc_attr(name)}" sheetId="{sheet_id}"{state}'
            f' {self.rp}:id="{esc_attr(rel_id)}"/>'
        )

    def append_sheet(self, name: str, target: str, *, hidden: bool) -> int:
        """Register a new worksheet part at the end of the sheet list; returns its index."""
        self.rels, rel_id = add_rel(self.rels, WORKSHEET, target)
        sheet_id = max((s.sheet_id for s in self.sheets), default=0) + len(self._appended) + 1
        self._appended.append(self._element(name, sheet_id, rel_id, hidden))
        return len(self.sheets) + len(self._appended) - 1

    def replace_sheet(self, index: int, name: str, target: str, *, hidden: bool) -> None:
        """Make sheet ``index`` a worksheet (ours) called ``name``, keeping its place and ids."""
        entry = self.sheets[index]
        rel = self.rel(entry.rel_id)
        if rel is not None and rel.type != WORKSHEET:
            self.rels = replace_rel(self.rels, rel, WORKSHEET, target)
        self._edits.append((entry.start, entry.end, self._element(name, entry.sheet_id, entry.rel_id, hidden)))
        if hidden:
            self._hide_active.add(index)

    def add_filter(self, index: int, name: str, last_cell: str) -> None:
        """The hidden defined name Excel keeps for the autofilter of sheet ``index``."""
        column, row = re.fullmatch(r"([A-Z]+)(\d+)", last_cell).groups()  # type: ignore[union-attr]
        self._filters[index] = f"{quote_sheet(name)}!$A$1:${column}${row}"

    def recalculate_on_load(self) -> None:
        """Ask Excel to recalculate every formula on opening (cells they read were changed)."""
        self._full_calc = True

    def text(self) -> str:
        edits = list(self._edits)
        if self._appended:
            end_tag = f"</{self.q('sheets')}>"
            at = self.original.index(end_tag)
            edits.append((at, at, "".join(self._appended)))
        edits.extend(self._defined_name_edits())
        edits.extend(self._active_tab_edits())
        edits.extend(self._calc_edits())  # after definedNames, which precede calcPr at the same spot
        return apply_edits(self.original, edits)

    def _calc_edits(self) -> list[tuple[int, int, str]]:
        """``fullCalcOnLoad="1"`` on ``calcPr`` (added when the workbook has none)."""
        if not self._full_calc:
            return []
        found = re.search(rf"<{self.q('calcPr')}\b({ATTRS})", self.original)
        if found is None:
            elements, root_end = children(self.original, self.root.end)
            at = insertion_point(elements, WORKBOOK_ORDER, "calcPr", root_end)
            return [(at, at, f'<{self.q("calcPr")} fullCalcOnLoad="1"/>')]
        tag = found[0]
        flag = re.compile(r"""\sfullCalcOnLoad\s*=\s*(?:"[^"]*"|'[^']*')""")
        tag = flag.sub(' fullCalcOnLoad="1"', tag, count=1) if flag.search(tag) else f'{tag} fullCalcOnLoad="1"'
        return [(found.start(), found.end(), tag)]

    def _defined_name_edits(self) -> list[tuple[int, int, str]]:
        if not self._filters:
            return []
        new = "".join(
            f'<definedName name="{FILTER_NAME}" localSheetId="{i}" hidden="1">{esc_attr(ref)}</definedName>'
            for i, ref in sorted(self._filters.items())
        )
        new = prefixed(new, self.root.prefix)
        q, text = self.q, self.original
        box = re.search(rf"<{q('definedNames')}\b{ATTRS}\s*(/?)>", text)
        if box is None:
            elements, root_end = children(text, self.root.end)
            at = insertion_point(elements, WORKBOOK_ORDER, "definedNames", root_end)
            return [(at, at, f"<{q('definedNames')}>{new}</{q('definedNames')}>")]
        if box[1]:
            return [(box.start(), box.end(), f"<{q('definedNames')}>{new}</{q('definedNames')}>")]
        end = text.index(f"</{q('definedNames')}>", box.end())
        edits = [(end, end, new)]
        pattern = rf"<{q('definedName')}\b({ATTRS})\s*(?:/>|>.*?</{q('definedName')}>)"
        for m in re.finditer(pattern, text[:end], re.S):
            if m.start() < box.end():
                continue
            a = parse_attrs(m[1])
            local = a.get("localSheetId", "")
            if a.get("name") == FILTER_NAME and local.isdigit() and int(local) in self._filters:
                edits.append((m.start(), m.end(), ""))
        return edits

    def _active_tab_edits(self) -> list[tuple[int, int, str]]:
        """Move the active tab off a sheet we just hid (Excel shows a hidden active sheet oddly)."""
        if not self._hide_active:
            return []
        view = re.search(rf"<{self.q('workbookView')}\b({ATTRS})", self.original)
        if view is None:
            return []
        active = parse_attrs(view[1]).get("activeTab", "0")
        if not active.isdigit() or int(active) not in self._hide_active:
            return []
        visible = [i for i, s in enumerate(self.sheets) if s.state == "visible" and i not in self._hide_active]
        new_tab = visible[0] if visible else 0
        tag = view[0]
        if "activeTab=" in tag:
            tag = re.sub(r'activeTab\s*=\s*["\'][^"\']*["\']', f'activeTab="{new_tab}"', tag)
        else:
            tag += f' activeTab="{new_tab}"'
        return [(view.start(), view.end(), tag)]
