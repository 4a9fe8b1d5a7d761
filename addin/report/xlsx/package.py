"""OPC package plumbing: part names, relationships and content types, edited as text."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote

from addin.report.xlsx.xmltext import (
    ATTRS,
    CT_NS,
    PKG_REL_NS,
    XML_DECL,
    apply_edits,
    esc_attr,
    find_root,
    parse_attrs,
)

REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
OFFICE_DOCUMENT = REL_TYPE + "officeDocument"
WORKSHEET = REL_TYPE + "worksheet"
STYLES = REL_TYPE + "styles"
COMMENTS = REL_TYPE + "comments"
VML_DRAWING = REL_TYPE + "vmlDrawing"
VBA_PROJECT = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"

CT = "application/vnd.openxmlformats-officedocument."
CT_WORKBOOK = CT + "spreadsheetml.sheet.main+xml"
CT_WORKSHEET = CT + "spreadsheetml.worksheet+xml"
CT_STYLES = CT + "spreadsheetml.styles+xml"
CT_COMMENTS = CT + "spreadsheetml.comments+xml"
CT_VML = CT + "vmlDrawing"
CT_RELS = "application/vnd.openxmlformats-package.relationships+xml"
CT_VBA = "application/vnd.ms-office.vbaProject"


def _element(local: str) -> re.Pattern[str]:
    """An empty element ``<p:local .../>`` (or ``<local ...></local>``) with any prefix."""
    return re.compile(rf"<(?:[\w.\-]+:)?{local}\b({ATTRS})\s*(?:/>|>\s*</(?:[\w.\-]+:)?{local}\s*>)")


_RELATIONSHIP = _element("Relationship")
_DEFAULT = _element("Default")
_OVERRIDE = _element("Override")


def resolve(source: str, target: str) -> str:
    """The zip name a relationship target of part ``source`` points to."""
    target = unquote(target.replace("\\", "/"))
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def relative(source: str, part: str) -> str:
    """A relationship target from part ``source`` to ``part``."""
    return posixpath.relpath(part, posixpath.dirname(source) or ".")


def rels_name(part: str) -> str:
    """``xl/worksheets/sheet1.xml`` -> ``xl/worksheets/_rels/sheet1.xml.rels``."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


@dataclass(frozen=True, slots=True)
class Rel:
    id: str
    type: str
    target: str
    external: bool
    start: int
    end: int


def parse_rels(text: str) -> list[Rel]:
    out = []
    for m in _RELATIONSHIP.finditer(text):
        a = parse_attrs(m[1])
        out.append(
            Rel(
                a.get("Id", ""),
                a.get("Type", ""),
                a.get("Target", ""),
                a.get("TargetMode", "").lower() == "external",
                m.start(),
                m.end(),
            )
        )
    return out


def new_rels() -> str:
    return f'{XML_DECL}<Relationships xmlns="{PKG_REL_NS}"></Relationships>'


def next_rel_id(text: str) -> str:
    """An Id not used in the relationships part (``rId<n>``, n above every numbered one)."""
    used = {r.id for r in parse_rels(text)}
    n = max((int(i[3:]) for i in used if i[:3] == "rId" and i[3:].isdigit()), default=0) + 1
    while f"rId{n}" in used:
        n += 1
    return f"rId{n}"


def add_rel(text: str, rel_type: str, target: str, rel_id: str | None = None) -> tuple[str, str]:
    """The relationships text with a new relationship appended, and its Id."""
    rel_id = rel_id or next_rel_id(text)
    element = f'<Relationship Id="{esc_attr(rel_id)}" Type="{rel_type}" Target="{esc_attr(target)}"/>'
    return append_child(text, element), rel_id


def replace_rel(text: str, rel: Rel, rel_type: str, target: str) -> str:
    element = f'<Relationship Id="{esc_attr(rel.id)}" Type="{rel_type}" Target="{esc_attr(target)}"/>'
    return text[: rel.start] + element + text[rel.end :]


def remove_rels(text: str, ids: set[str]) -> str:
    return apply_edits(text, [(r.start, r.end, "") for r in parse_rels(text) if r.id in ids])


def append_child(text: str, element: str) -> str:
    """``element`` appended as the last child of the root (which may be an empty element)."""
    root = find_root(text)
    element = element if not root.prefix else element.replace("<", f"<{root.prefix}:", 1)
    if text[root.close] == "/":  # <Types .../>
        return f"{text[: root.close]}>{element}</{root.qname}>{text[root.end :]}"
    end = text.rindex(root.end_tag())
    return text[:end] + element + text[end:]


class ContentTypes:
    """``[Content_Types].xml`` as text, with the few edits we need."""

    def __init__(self, text: str) -> None:
        self.text = text
        if find_root(text).prefix_of(CT_NS) is None:
            raise ValueError("not a content types part")

    def _overrides(self) -> list[tuple[int, int, dict[str, str]]]:
        return [(m.start(), m.end(), parse_attrs(m[1])) for m in _OVERRIDE.finditer(self.text)]

    def _defaults(self) -> list[tuple[int, int, dict[str, str]]]:
        return [(m.start(), m.end(), parse_attrs(m[1])) for m in _DEFAULT.finditer(self.text)]

    def override_of(self, part: str) -> str | None:
        key = "/" + part.casefold()
        for _, _, a in self._overrides():
            if a.get("PartName", "").casefold() == key:
                return a.get("ContentType")
        return None

    def default_of(self, extension: str) -> str | None:
        for _, _, a in self._defaults():
            if a.get("Extension", "").casefold() == extension.casefold():
                return a.get("ContentType")
        return None

    def set_override(self, part: str, content_type: str) -> None:
        element = f'<Override PartName="/{esc_attr(part)}" ContentType="{content_type}"/>'
        key = "/" + part.casefold()
        for start, end, a in self._overrides():
            if a.get("PartName", "").casefold() == key:
                self.text = self.text[:start] + element + self.text[end:]
                return
        self.text = append_child(self.text, element)

    def remove_override(self, part: str) -> None:
        key = "/" + part.casefold()
        edits = [(s, e, "") for s, e, a in self._overrides() if a.get("PartName", "").casefold() == key]
        self.text = apply_edits(self.text, edits)

    def ensure_default(self, extension: str, content_type: str) -> None:
        if self.default_of(extension) is None:
            element = f'<Default Extension="{extension}" ContentType="{content_type}"/>'
            self.text = append_child(self.text, element)

    def remove_default(self, extension: str) -> None:
        edits = [
            (s, e, "") for s, e, a in self._defaults() if a.get("Extension", "").casefold() == extension.casefold()
        ]
        self.text = apply_edits(self.text, edits)

    def retype(self, old: set[str], new: str) -> None:
        """Every Override whose content type is in ``old`` gets content type ``new``."""
        edits = []
        for start, end, a in self._overrides():
            if a.get("ContentType") in old:
                part = a.get("PartName", "")
                edits.append((start, end, f'<Override PartName="{esc_attr(part)}" ContentType="{new}"/>'))
        self.text = apply_edits(self.text, edits)


class PartNames:
    """The part names of a package, case-insensitively (as OPC compares them)."""

    def __init__(self, names: list[str]) -> None:
        self._by_key = {n.casefold(): n for n in names}

    def actual(self, name: str) -> str | None:
        """The name as spelled in the zip, or None if there is no such part."""
        return self._by_key.get(name.casefold())

    def claim(self, name: str) -> str:
        self._by_key[name.casefold()] = name
        return name

    def fresh(self, pattern: str) -> str:
        """The first unused ``pattern.format(n)`` for n = 1, 2, …, reserved from now on."""
        n = 1
        while pattern.format(n).casefold() in self._by_key:
            n += 1
        return self.claim(pattern.format(n))
