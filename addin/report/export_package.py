"""What the export needs to know about a source package before openpyxl sees it.

Two jobs, both on the zip itself:

* :func:`source_sheets` lists the worksheets (name, visibility, part) from
  ``workbook.xml``; :func:`pruned_copy` writes a copy whose workbook part lists
  only the sheets being exported and no defined names, so openpyxl parses those
  sheets alone (a county workbook's 100,000-row ledgers are never loaded to
  export its 汇总) and never meets a name pointing at another workbook. Members
  are copied as their compressed bytes (:mod:`addin.report.xlsx.zipout`).
* :func:`uncached_formula_cells` finds the formula cells that carry no saved
  result. openpyxl cannot tell them apart from a formula whose result is empty
  text (both load as ``None`` with ``data_only=True``), and a file written by a
  library and never calculated is exactly where the export must not invent values.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path

from addin.report.xlsx import package as pkg
from addin.report.xlsx.workbook_xml import Workbook
from addin.report.xlsx.xmltext import MAIN_NS, apply_edits, decode, encode
from addin.report.xlsx.zipout import Plan, Source, write_zip

_CELL = f"{{{MAIN_NS}}}c"
_FORMULA = f"{{{MAIN_NS}}}f"
_VALUE = f"{{{MAIN_NS}}}v"
_ROW = f"{{{MAIN_NS}}}row"
_TEXT_RESULT = frozenset({"str", "inlineStr", "s"})


@dataclass(frozen=True, slots=True)
class SourceSheet:
    """A worksheet of the source package."""

    name: str
    visible: bool
    part: str


def _workbook(zf: zipfile.ZipFile) -> Workbook:
    names = pkg.PartNames(zf.namelist())
    root_rels = decode(zf.read(names.actual("_rels/.rels") or "_rels/.rels"))[0]
    office = [r for r in pkg.parse_rels(root_rels) if r.type == pkg.OFFICE_DOCUMENT]
    if not office:
        raise ValueError("no officeDocument relationship")
    part = names.actual(pkg.resolve("", office[0].target))
    if part is None:
        raise ValueError("the workbook part is missing")
    rels = names.actual(pkg.rels_name(part))
    rels_text = decode(zf.read(rels))[0] if rels else pkg.new_rels()
    return Workbook(part, decode(zf.read(part))[0], rels_text)


def source_sheets(zf: zipfile.ZipFile) -> list[SourceSheet]:
    """The package's worksheets in tab order (chart sheets and dialog sheets left out)."""
    book = _workbook(zf)
    names = pkg.PartNames(zf.namelist())
    out = []
    for index, entry in enumerate(book.sheets):
        found = book.target(index)
        if found is None or found[0].type != pkg.WORKSHEET:
            continue
        part = names.actual(found[1])
        if part is not None:
            out.append(SourceSheet(entry.name, entry.state == "visible", part))
    return out


def pruned_copy(src: Path, keep: set[str], dst: Path) -> None:
    """Copy ``src`` to ``dst`` with only the sheets named in ``keep`` listed and no defined names."""
    with zipfile.ZipFile(src) as zin:
        book = _workbook(zin)
        text = book.original
        edits = [(s.start, s.end, "") for s in book.sheets if s.name not in keep]
        q = book.q
        for local in ("definedNames",):
            for m in re.finditer(rf"<{q(local)}\b[^>]*?(?:/>|>.*?</{q(local)}>)", text, re.S):
                edits.append((m.start(), m.end(), ""))
        view = re.search(rf"<{q('workbookView')}\b[^>]*?/?>", text)
        if view is not None:  # the active tab may be one of the sheets left out
            tag = re.sub(r'\s(?:activeTab|firstSheet)\s*=\s*("[^"]*"|\'[^\']*\')', "", view[0])
            edits.append((view.start(), view.end(), tag))
        pruned = apply_edits(text, edits)
        source = Source(zin)
        plan = Plan(replaced={book.part: encode(pruned, "utf-8")})
        with dst.open("wb") as fh:  # a scratch file in the caller's temporary folder
            write_zip(source, plan, fh)


def uncached_formula_cells(zf: zipfile.ZipFile, part: str) -> set[str]:
    """Addresses of the formula cells of a sheet part that hold no saved result.

    A result is there when ``<v>`` has text, or when it is empty but typed as text
    (a formula whose result is ""). openpyxl writes ``<v/>`` under every formula,
    so an empty untyped ``<v>`` counts as missing.
    """
    out: set[str] = set()
    with zf.open(part) as fh:
        for _event, elem in ET.iterparse(fh, events=("end",)):
            if elem.tag == _CELL:
                if elem.find(_FORMULA) is not None:
                    value = elem.find(_VALUE)
                    has_text = value is not None and bool(value.text)
                    empty_text = value is not None and elem.get("t") in _TEXT_RESULT
                    if not (has_text or empty_text):
                        out.add(elem.get("r", ""))
                elem.clear()
            elif elem.tag == _ROW:
                elem.clear()
    out.discard("")
    return out
