"""The zip (OPC) half of the add-in build: ribbon part and config sheet.

Edits are surgical on purpose. ``workbook.xml`` and the worksheet carry
``mc:Ignorable`` prefixes that an XML round trip through ElementTree would rename
(Excel then refuses the file), so those parts are changed by exact text
replacement after ElementTree has *located* what to change. Only the
relationship part, which has a single namespace, is rewritten as XML.

The read-back helpers (:func:`read_config_sheet`, :func:`root_relationships`) are
used by ``zhenggai addin install`` and by the tests.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CUSTOMUI14_NS = "http://schemas.microsoft.com/office/2009/07/customui"
# MS-CUSTOMUI2: the 2009/07 namespace pairs with the *2007* relationship type.
CUSTOMUI14_REL_TYPE = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
CUSTOMUI14_PART = "customUI/customUI14.xml"
_EXTENSIBILITY_SUFFIX = "/relationships/ui/extensibility"
_ROOT_RELS = "_rels/.rels"
_WORKBOOK = "xl/workbook.xml"
_WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
_SHARED_STRINGS = "xl/sharedStrings.xml"
_CELL_STYLE = "1"  # the template's config-sheet style (vertical centre), kept for the look

ConfigValue = str | bool


class PackageError(ValueError):
    """The template is not shaped the way the build expects (e.g. a new xlwings release)."""


def _rels_part_of(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def root_relationships(rels_xml: bytes) -> list[dict[str, str]]:
    """The ``Relationship`` elements of a ``.rels`` part as attribute dicts."""
    root = ET.fromstring(rels_xml)
    return [dict(el.attrib) for el in root.iter(f"{{{NS_PKG_REL}}}Relationship")]


def _swap_ribbon_relationship(rels_xml: bytes) -> tuple[bytes, set[str]]:
    """Drop every ribbon relationship and add ours; returns the new part and the dropped targets."""
    kept, dropped = [], set()
    for rel in root_relationships(rels_xml):
        if rel.get("Type", "").endswith(_EXTENSIBILITY_SUFFIX):
            dropped.add(rel.get("Target", "").lstrip("/"))
        else:
            kept.append(rel)
    ids = {rel.get("Id") for rel in kept}
    new_id = "rIdZhenggaiRibbon"
    while new_id in ids:
        new_id += "1"
    kept.append({"Id": new_id, "Type": CUSTOMUI14_REL_TYPE, "Target": CUSTOMUI14_PART})
    body = "".join("<Relationship " + " ".join(f"{k}={quoteattr(v)}" for k, v in rel.items()) + "/>" for rel in kept)
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    text = f'{head}<Relationships xmlns="{NS_PKG_REL}">{body}</Relationships>'
    return text.encode("utf-8"), dropped


def _config_sheet_part(workbook_xml: bytes, workbook_rels: bytes, sheet_name: str) -> str:
    """The zip path of the worksheet called ``sheet_name``."""
    root = ET.fromstring(workbook_xml)
    sheets = root.findall(f"{{{NS_MAIN}}}sheets/{{{NS_MAIN}}}sheet")
    rid = next((s.get(f"{{{NS_REL_DOC}}}id") for s in sheets if s.get("name") == sheet_name), None)
    if rid is None:
        raise PackageError(f"template has no sheet {sheet_name!r}")
    target = next((r["Target"] for r in root_relationships(workbook_rels) if r.get("Id") == rid), None)
    if target is None:
        raise PackageError(f"sheet {sheet_name!r} has no relationship {rid!r}")
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def _rename_sheet(workbook_xml: bytes, old: str, new: str) -> bytes:
    needle = f'name="{escape(old)}"'.encode()
    if workbook_xml.count(needle) != 1:
        raise PackageError(f"expected exactly one sheet named {old!r} in workbook.xml")
    return workbook_xml.replace(needle, f'name="{escape(new)}"'.encode())


def _cell(ref: str, value: ConfigValue, strings: list[str]) -> str:
    if isinstance(value, bool):
        return f'<c r="{ref}" s="{_CELL_STYLE}" t="b"><v>{int(value)}</v></c>'
    strings.append(value)
    return f'<c r="{ref}" s="{_CELL_STYLE}" t="s"><v>{len(strings) - 1}</v></c>'


def _config_sheet_xml(sheet_xml: bytes, entries: Sequence[tuple[str, ConfigValue]]) -> tuple[bytes, list[str]]:
    """The sheet with only our key/value rows, and the shared strings they use (in order)."""
    strings: list[str] = []
    rows = []
    for r, (key, value) in enumerate(entries, start=1):
        cells = _cell(f"A{r}", key, strings) + _cell(f"B{r}", value, strings)
        rows.append(f'<row r="{r}" spans="1:2">{cells}</row>')
    text = sheet_xml.decode("utf-8")
    new_data = "<sheetData>" + "".join(rows) + "</sheetData>"
    text, n = re.subn(r"<sheetData\s*/>|<sheetData>.*?</sheetData>", lambda _: new_data, text, flags=re.S)
    if n != 1:
        raise PackageError("config sheet has no single <sheetData>")
    text, n = re.subn(r'<dimension ref="[^"]*"', f'<dimension ref="A1:B{len(entries)}"', text)
    if n != 1:
        raise PackageError("config sheet has no single <dimension>")
    return text.encode("utf-8"), strings


def _shared_strings_xml(strings: Sequence[str]) -> bytes:
    items = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<sst xmlns="{NS_MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'
    ).encode()


def rewrite_package(
    source: Path,
    target: Path,
    *,
    custom_ui: bytes,
    template_sheet: str,
    config_sheet: str,
    config: Sequence[tuple[str, ConfigValue]],
) -> None:
    """Copy ``source`` to ``target`` with our ribbon and our config sheet; every other part untouched."""
    with zipfile.ZipFile(source) as zin:
        names = zin.namelist()
        parts = {name: zin.read(name) for name in names}
        infos = {info.filename: info for info in zin.infolist()}
    workbook_xml = parts[_WORKBOOK]
    if len(ET.fromstring(workbook_xml).findall(f"{{{NS_MAIN}}}sheets/{{{NS_MAIN}}}sheet")) != 1:
        # The shared-strings part is rewritten from scratch, which is only right for one sheet.
        raise PackageError("template workbook must hold exactly one sheet")
    sheet_part = _config_sheet_part(workbook_xml, parts[_WORKBOOK_RELS], template_sheet)
    rels, dropped = _swap_ribbon_relationship(parts[_ROOT_RELS])
    sheet_xml, strings = _config_sheet_xml(parts[sheet_part], config)
    replaced = {
        _ROOT_RELS: rels,
        _WORKBOOK: _rename_sheet(workbook_xml, template_sheet, config_sheet),
        sheet_part: sheet_xml,
        _SHARED_STRINGS: _shared_strings_xml(strings),
    }
    if _SHARED_STRINGS not in parts:
        raise PackageError("template has no shared-strings part")
    skip = dropped | {_rels_part_of(p) for p in dropped} | {CUSTOMUI14_PART, _rels_part_of(CUSTOMUI14_PART)}
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in names:
            if name in skip:
                continue
            info = infos[name]
            info.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(info, replaced.get(name, parts[name]))
        zout.writestr(zipfile.ZipInfo(CUSTOMUI14_PART, date_time=infos[_WORKBOOK].date_time), custom_ui)


def read_config_sheet(xlam: Path, sheet_name: str) -> dict[str, ConfigValue]:
    """Key/value pairs of a config sheet, read the way the VBA reads it (A1 down to the first gap)."""
    with zipfile.ZipFile(xlam) as z:
        part = _config_sheet_part(z.read(_WORKBOOK), z.read(_WORKBOOK_RELS), sheet_name)
        sheet = ET.fromstring(z.read(part))
        sst = ET.fromstring(z.read(_SHARED_STRINGS)) if _SHARED_STRINGS in z.namelist() else None
    strings = [] if sst is None else ["".join(si.itertext()) for si in sst.findall(f"{{{NS_MAIN}}}si")]
    cells: dict[str, ConfigValue] = {}
    for c in sheet.iter(f"{{{NS_MAIN}}}c"):
        kind, v = c.get("t", "n"), c.find(f"{{{NS_MAIN}}}v")
        if kind == "s" and v is not None:
            cells[c.get("r", "")] = strings[int(v.text or 0)]
        elif kind == "b" and v is not None:
            cells[c.get("r", "")] = v.text == "1"
        elif kind == "inlineStr":
            cells[c.get("r", "")] = "".join(c.find(f"{{{NS_MAIN}}}is").itertext())  # type: ignore[union-attr]
        elif v is not None:
            cells[c.get("r", "")] = v.text or ""
    out: dict[str, ConfigValue] = {}
    row = 1
    while (key := cells.get(f"A{row}")) not in (None, ""):
        out[str(key)] = cells.get(f"B{row}", "")
        row += 1
    return out
