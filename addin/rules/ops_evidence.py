"""Evidence files that do not exist (ZG-23: a 佐证材料 link or path pointing nowhere).

``{"missing_file": "evidence"}`` is, per row, the first file the cell names that is not
there ("" when every named file exists or nothing can be checked). A cell names a
file by its hyperlink (a link to a file, not to a web page or a place in the workbook)
or by its text, when a piece of it (split at 、，；and line breaks) ends in a file
extension such as .jpg or .pdf. Relative names are resolved against the workbook's
folder, as Excel resolves relative links. What cannot be checked is left alone:
web addresses, Windows drive or network paths when not running on Windows, and
links of a workbook that is not an .xlsx/.xlsm file on disk.

Hyperlinks are read from the file itself (the cell values the ledger reader uses do not
carry them): the sheet's ``<hyperlinks>`` element and its relationships part.
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlparse
from xml.etree import ElementTree

import numpy as np

from addin.ledger.table import column_index
from addin.ledger.text import clean_text
from addin.rules.expressions import Context, operator

_FILE_NAME = re.compile(
    r"\.(?:jpe?g|png|gif|bmp|tiff?|heic|webp|pdf|docx?|wps|xlsx?|xlsm|et|pptx?|txt|zip|rar|7z|mp4|mov|avi|wmv|amr|mp3)$",
    re.IGNORECASE,
)
_PIECES = re.compile(r"[、，,；;\n\r]+")
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PKG_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_HYPERLINK = re.compile(rb"<(?:\w+:)?hyperlink\b([^>]*?)/?>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')


def _resolve(target: str, folder: Path) -> Path | None:
    """The local file a link or path names, or None when it cannot be checked here."""
    text = target.strip().strip("\"'“”")
    if not text:
        return None
    parsed = urlparse(text)
    if parsed.scheme == "file":
        text = unquote(parsed.path)
        if re.match(r"^/[A-Za-z]:/", text):
            text = text[1:]
    elif parsed.scheme and len(parsed.scheme) > 1:
        return None  # http, https, mailto …: not a local file
    if _WINDOWS_DRIVE.match(text) or text.startswith("\\\\"):
        return Path(text) if os.name == "nt" else None
    path = Path(text.replace("\\", "/"))
    return path if path.is_absolute() else folder / path


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (target, mode) of a package part."""
    where = PurePosixPath(part)
    name = str(where.parent / "_rels" / f"{where.name}.rels")
    if name not in zf.namelist():
        return {}
    root = ElementTree.fromstring(zf.read(name))
    return {
        r.get("Id", ""): (r.get("Target", ""), r.get("TargetMode", "")) for r in root.iter(f"{{{_PKG_NS}}}Relationship")
    }


def _sheet_part(zf: zipfile.ZipFile, sheet: str) -> str | None:
    root = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    rels = _rels(zf, "xl/workbook.xml")
    for node in root.iter(f"{{{_MAIN_NS}}}sheet"):
        if node.get("name") == sheet:
            target = rels.get(node.get(f"{{{_REL_NS}}}id", ""), ("", ""))[0]
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


def sheet_hyperlinks(path: str, sheet: str) -> dict[tuple[int, int], str]:
    """(row, column) → external link target of the sheet's cells; {} when the file cannot be read so."""
    if Path(path).suffix.lower() not in (".xlsx", ".xlsm") or not Path(path).is_file():
        return {}
    try:
        with zipfile.ZipFile(path) as zf:
            part = _sheet_part(zf, sheet)
            if part is None or part not in zf.namelist():
                return {}
            data = zf.read(part)
            start = data.rfind(b"<hyperlinks")
            if start < 0:
                start = data.rfind(b":hyperlinks")
            if start < 0:
                return {}
            rels = _rels(zf, part)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError):
        return {}
    out: dict[tuple[int, int], str] = {}
    for match in _HYPERLINK.finditer(data, start):
        attrs = {k.decode().split(":")[-1]: v.decode() for k, v in _ATTR.findall(match.group(1))}
        target, mode = rels.get(attrs.get("id", ""), ("", ""))
        if target and mode == "External" and attrs.get("ref"):
            row, col = column_index(attrs["ref"].split(":")[0])
            out[(row, col)] = unquote(target)
    return out


def _named_files(text: str) -> list[str]:
    return [p.strip() for p in _PIECES.split(text) if p.strip() and _FILE_NAME.search(p.strip())]


@operator("missing_file")
def missing_file(ctx: Context, arg: Any) -> np.ndarray:
    """The first file a cell's hyperlink or text names that does not exist ("" when none is missing)."""
    table = ctx.table
    out = np.full(ctx.n, "", dtype=object)
    if not isinstance(arg, str) or not table.has(arg):
        return out
    folder = Path(table.file).parent
    key = ("hyperlinks", table.file, table.sheet)
    links = ctx.cache.get(key)
    if links is None:
        links = ctx.cache[key] = sheet_hyperlinks(table.file, table.sheet)  # type: ignore[assignment]
    col = table.columns[arg].col
    origin = table.origin_rows[arg]
    empty = table.empty(arg)
    for i, raw in enumerate(table.raw[arg]):
        link = links.get((int(origin[i]), col))
        named = [link] if link else []
        if not empty[i]:
            named += _named_files(clean_text(raw))
        for target in named:
            path = _resolve(target, folder)
            if path is not None and not path.exists():
                out[i] = target
                break
    return out
