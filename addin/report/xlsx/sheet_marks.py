"""Marks, notes and cell values on the worksheets of an existing workbook (and removing a previous run's)."""

from __future__ import annotations

from collections.abc import Iterable

from addin.report.xlsx import package as pkg
from addin.report.xlsx.comments import ShapeIds, has_our_notes, patch_comments, patch_vml, used_blocks
from addin.report.xlsx.model import CellValue
from addin.report.xlsx.parts import Parts
from addin.report.xlsx.sheet_cells import CellWriter, table_headers
from addin.report.xlsx.sheet_patch import Cell, Note, SheetXml
from addin.report.xlsx.workbook_xml import Workbook
from addin.report.xlsx.zipout import Plan


class LazyShapeIds:
    """VML shape-id blocks of the whole package, scanned the first time notes are added."""

    def __init__(self, parts: Parts) -> None:
        self._parts = parts
        self._ids: ShapeIds | None = None

    def __call__(self) -> ShapeIds:
        if self._ids is None:
            used: set[int] = set()
            for name in self._parts.source.names:
                if name.lower().endswith(".vml"):
                    used |= used_blocks(self._parts.text(name) or "")
            self._ids = ShapeIds(used)
        return self._ids


def touched_sheets(book: Workbook, parts: Parts, edited: Iterable[str], old_dxfs: set[int], plan: Plan) -> list[str]:
    """Flagged or written sheets, and sheets carrying marks of a previous run (to be replaced)."""
    out = list(dict.fromkeys(edited))
    for index in range(len(book.sheets)):
        found = book.target(index)
        if found is None or found[0].type != pkg.WORKSHEET:
            continue
        part = parts.actual(found[1])
        if part is None or part in out or part in plan.replaced:
            continue
        if old_dxfs:
            out.append(part)
            continue
        rels = pkg.parse_rels(parts.text(pkg.rels_name(part)) or "")
        for rel in rels:
            if rel.type == pkg.COMMENTS and not rel.external:
                comments = parts.text(pkg.resolve(part, rel.target))
                if comments and has_our_notes(comments):
                    out.append(part)
                    break
    return out


def patch_sheet(
    parts: Parts,
    ct: pkg.ContentTypes,
    plan: Plan,
    part: str,
    notes: dict[Cell, Note],
    dxf: dict[str, int],
    old_dxfs: set[int],
    ids: LazyShapeIds,
    *,
    values: dict[Cell, CellValue] | None = None,
    writer: CellWriter | None = None,
) -> None:
    """Marks and notes for one worksheet, replacing those of a previous run, and ``values`` in its cells."""
    sheet = SheetXml(parts.source.read(part))
    notes = sheet.anchor_marks(notes) if notes else {}
    remove = sheet.our_old_marks(old_dxfs)
    rels_part = pkg.rels_name(part)
    rels_text = parts.text(rels_part)
    rels = pkg.parse_rels(rels_text or "")
    comments_rel = next((r for r in rels if r.type == pkg.COMMENTS and not r.external), None)
    comments_part = parts.actual(pkg.resolve(part, comments_rel.target)) if comments_rel else None
    comments = parts.text(comments_part)
    legacy_id = sheet.legacy_drawing_id()
    vml_part = None
    if legacy_id is not None:
        vml_rel = next((r for r in rels if r.id == legacy_id and not r.external), None)
        vml_part = parts.actual(pkg.resolve(part, vml_rel.target)) if vml_rel else None
        if vml_part is None:
            raise ValueError(f"{part}: legacyDrawing {legacy_id} points nowhere")
    new_legacy_id = None
    if notes or (comments is not None and has_our_notes(comments)):
        texts = {cell: text for cell, (_, text) in notes.items()}
        new_comments, dropped, added = patch_comments(comments, texts)
        if comments_part is None:
            comments_part = parts.names.fresh("xl/comments{}.xml")
            target = pkg.relative(part, comments_part)
            rels_text, _ = pkg.add_rel(rels_text or pkg.new_rels(), pkg.COMMENTS, target)
            ct.set_override(comments_part, pkg.CT_COMMENTS)
        parts.set_text(comments_part, new_comments)
        if added or (dropped and vml_part is not None):
            vml = parts.text(vml_part)
            new_vml = patch_vml(vml, [(cell, texts[cell]) for cell in added], dropped, ids())
            if vml_part is None:
                vml_part = parts.names.fresh("xl/drawings/vmlDrawing{}.vml")
                rels_text, new_legacy_id = pkg.add_rel(
                    rels_text or pkg.new_rels(), pkg.VML_DRAWING, pkg.relative(part, vml_part)
                )
                ct.ensure_default("vml", pkg.CT_VML)
            parts.set_text(vml_part, new_vml)
        if rels_text is not None:
            parts.set_text(rels_part, rels_text)
    middle = None
    if values and writer is not None:
        middle = writer.middle(sheet, values, table_headers(parts, part, rels))
    if notes or remove or new_legacy_id or middle is not None:
        plan.patched[part] = sheet.patch(notes, dxf, remove=remove, legacy_drawing_id=new_legacy_id, middle=middle)
