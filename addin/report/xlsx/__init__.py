"""Write an annotated copy of a workbook, or a new workbook, as OOXML zip surgery.

openpyxl's load/save would drop images and charts and takes minutes on a county
workbook, so the copy is made part by part: every zip member is copied as it
is, except the few we must edit — ``[Content_Types].xml``, the workbook part and
its relationships, ``styles.xml``, the flagged sheets (only the tail after their
``sheetData``) with their relationships, notes and note drawings, the rows of
sheets we write values into (spliced, see :mod:`.sheet_cells`) — plus the parts
we add (our own sheets, new notes).

A flagged cell gets a conditional format (red for errors, yellow for warnings)
and a note with the reason; the user's cell formats are never changed. The
result is written to a temporary file next to ``dst`` and moved into place, so
a failure leaves no half-written file behind.
"""

from __future__ import annotations

import contextlib
import os
import zipfile
from collections.abc import Sequence
from pathlib import Path

from addin.errors import OutputError
from addin.fsutil import atomic_write, describe
from addin.report.xlsx import package as pkg
from addin.report.xlsx.model import (
    CellMark,
    CellValue,
    InvalidRequest,
    Link,
    NewSheet,
    check_cell_values,
    check_marks,
    safe_sheet_name,
)
from addin.report.xlsx.parts import Parts
from addin.report.xlsx.sheet_cells import CellWriter
from addin.report.xlsx.sheet_marks import LazyShapeIds, patch_sheet, touched_sheets
from addin.report.xlsx.sheet_patch import Cell, Note, merge_notes
from addin.report.xlsx.sheet_xml import render_sheet
from addin.report.xlsx.styles import MINIMAL, StyleSheet
from addin.report.xlsx.workbook_xml import Workbook
from addin.report.xlsx.xmltext import CT_NS, MAIN_NS, PKG_REL_NS, REL_NS, XML_DECL, col_letters
from addin.report.xlsx.zipout import Plan, Source, write_zip

__all__ = [
    "CellMark",
    "CellValue",
    "Link",
    "NewSheet",
    "safe_sheet_name",
    "write_annotated_copy",
    "write_new_workbook",
]

CONTENT_TYPES = "[Content_Types].xml"
CALC_CHAIN = pkg.REL_TYPE + "calcChain"
_MACRO_MAIN_TYPES = {
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
    "application/vnd.ms-excel.addin.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
}
_RESAVE = "请用 Excel 打开原文件，“另存为” .xlsx 后重试"


def write_annotated_copy(
    src: Path,
    dst: Path,
    *,
    new_sheets: Sequence[NewSheet] = (),
    marks: Sequence[CellMark] = (),
    cell_values: Sequence[CellValue] = (),
) -> None:
    """Copy ``src`` to ``dst`` (an .xlsx) with ``new_sheets`` added, ``marks`` and ``cell_values`` on cells.

    A new sheet whose name the workbook already has replaces that sheet in place
    (a rerun on an annotated copy), and the marks a previous run left are
    replaced too. ``.xlsm`` sources lose their VBA project, since the copy is an
    .xlsx.

    ``cell_values`` go into cells of existing sheets (see :class:`CellValue`):
    text as inline strings (text starting with "=" stays text), numbers,
    booleans, dates as serial numbers with a date format added to the cell's own
    style (kept when it shows dates already); integers of 16 digits or more as
    text, since a double would lose digits. A formula that is overwritten is
    gone, and the calculation chain with it; Excel recalculates on opening.
    Cells of other sheets stay as they were, byte for byte.

    Raises :class:`OutputError` when the copy cannot be written (nothing is left
    at ``dst`` then), ValueError for what is a bug in the caller: marks or values
    on sheets that do not exist or that ``new_sheets`` replace, two values for one
    cell, a value inside a merged range other than its top-left cell, on the
    master cell of a shared formula or of a multi-cell array formula, or in the
    header row of a table.
    """
    src, dst = Path(src), Path(dst)
    prepared = _prepare(new_sheets)
    marks, cell_values = list(marks), list(cell_values)
    check_marks(marks)
    check_cell_values(cell_values)
    _check_destination(dst, src)
    try:
        zin = zipfile.ZipFile(src)
    except (OSError, zipfile.BadZipFile) as exc:
        raise OutputError(dst, f"无法读取原文件“{src.name}”（{describe(exc)}）", remedy=_RESAVE) from exc
    with zin:
        source = Source(zin)
        try:
            plan = _plan(source, prepared, marks, cell_values)
        except InvalidRequest:
            raise
        except Exception as exc:
            message = f"原文件“{src.name}”的内部结构无法识别（{describe(exc)}）"
            raise OutputError(dst, message, remedy=_RESAVE) from exc
        atomic_write(dst, lambda fh: write_zip(source, plan, fh))


def write_new_workbook(dst: Path, sheets: Sequence[NewSheet]) -> None:
    """Write a new .xlsx holding only ``sheets`` (at least one of them visible)."""
    dst = Path(dst)
    prepared = _prepare(sheets)
    visible = [i for i, (_, s) in enumerate(prepared) if not s.hidden]
    if not visible:
        raise ValueError("a workbook needs at least one visible sheet")
    _check_destination(dst, None)
    source = Source(None, _fresh_package(visible[0]))
    plan = _plan(source, prepared, (), active=visible[0])
    atomic_write(dst, lambda fh: write_zip(source, plan, fh))


# -- arguments -------------------------------------------------------------------------------------


def _prepare(sheets: Sequence[NewSheet]) -> list[tuple[str, NewSheet]]:
    """Each new sheet with the name it will have; two with one name are a caller's bug."""
    out: list[tuple[str, NewSheet]] = []
    seen: set[str] = set()
    for sheet in sheets:
        name = safe_sheet_name(sheet.name)
        if name.casefold() in seen:
            raise ValueError(f"two new sheets named {name!r}")
        seen.add(name.casefold())
        out.append((name, sheet))
    return out


def _check_destination(dst: Path, src: Path | None) -> None:
    if dst.suffix.lower() != ".xlsx":
        raise OutputError(dst, "结果文件必须是 .xlsx 格式", remedy="请把输出文件的扩展名改为 .xlsx")
    if src is None:
        return
    same = dst.resolve() == src.resolve()
    if not same and dst.exists():
        with contextlib.suppress(OSError):
            same = os.path.samefile(dst, src)
    if same:
        raise OutputError(dst, "输出文件不能与原文件相同，拒绝覆盖原文件", remedy="请换一个文件名或保存位置")


# -- planning --------------------------------------------------------------------------------------


def _plan(
    source: Source,
    new_sheets: list[tuple[str, NewSheet]],
    marks: Sequence[CellMark],
    cell_values: Sequence[CellValue] = (),
    *,
    active: int | None = None,
) -> Plan:
    plan = Plan()
    parts = Parts(source)
    ct = pkg.ContentTypes(_required(parts, CONTENT_TYPES))
    office = [r for r in pkg.parse_rels(_required(parts, "_rels/.rels")) if r.type == pkg.OFFICE_DOCUMENT]
    if not office:
        raise ValueError("no officeDocument relationship")
    wb_part = parts.actual(pkg.resolve("", office[0].target)) or ""
    book = Workbook(wb_part, _required(parts, wb_part), parts.text(pkg.rels_name(wb_part)) or pkg.new_rels())

    replaced = {name for name, _ in new_sheets}
    notes_by_part = _notes_by_part(book, parts, marks, replaced)
    values_by_part = _values_by_part(book, parts, cell_values, replaced)
    _drop_vba(book, parts, ct, plan)
    if ct.override_of(wb_part) != pkg.CT_WORKBOOK:
        ct.set_override(wb_part, pkg.CT_WORKBOOK)

    styles_rel = book.rels_of_type(pkg.STYLES)
    styles_part = parts.actual(pkg.resolve(wb_part, styles_rel[0].target)) if styles_rel else None
    if styles_part is None:
        taken = parts.actual("xl/styles.xml") is not None
        styles_part = parts.names.fresh("xl/styles{}.xml") if taken else parts.names.claim("xl/styles.xml")
        book.rels, _ = pkg.add_rel(book.rels, pkg.STYLES, pkg.relative(wb_part, styles_part))
        ct.set_override(styles_part, pkg.CT_STYLES)
    styles = StyleSheet(parts.text(styles_part) or MINIMAL)
    old_dxfs = styles.existing_mark_styles()
    dxf = styles.mark_styles() if notes_by_part else {}

    if new_sheets:
        _add_sheets(book, parts, ct, plan, styles, new_sheets, active)

    ids = LazyShapeIds(parts)
    writer = CellWriter(styles, book.date1904)
    for part in touched_sheets(book, parts, [*notes_by_part, *values_by_part], old_dxfs, plan):
        notes = notes_by_part.get(part, {})
        values = values_by_part.get(part)
        patch_sheet(parts, ct, plan, part, notes, dxf, old_dxfs, ids, values=values, writer=writer)
    if values_by_part:
        book.recalculate_on_load()
    if writer.formulas_replaced:
        _drop_calc_chain(book, parts, ct, plan)

    parts.set_text(wb_part, book.text())
    parts.set_text(book.rels_part, book.rels)
    parts.set_text(styles_part, styles.text)
    parts.set_text(CONTENT_TYPES, ct.text)
    parts.finish(plan)
    return plan


def _add_sheets(
    book: Workbook,
    parts: Parts,
    ct: pkg.ContentTypes,
    plan: Plan,
    styles: StyleSheet,
    new_sheets: list[tuple[str, NewSheet]],
    active: int | None,
) -> None:
    """Our sheets appended to the workbook, or put in the place of a sheet of the same name."""
    sheet_styles = styles.sheet_styles()
    for name, sheet in new_sheets:
        index = book.find(name)
        if index is not None:
            found = book.target(index)
            if found is None:
                raise ValueError(f"sheet {name!r} has no part")
            part = parts.actual(found[1]) or parts.names.claim(found[1])
            book.replace_sheet(index, name, pkg.relative(book.part, part), hidden=sheet.hidden)
            old_rels = parts.actual(pkg.rels_name(part))
            if old_rels is not None:
                plan.dropped.add(old_rels)
            target = plan.replaced if part in parts.source.names else plan.added
        else:
            part = parts.names.fresh("xl/worksheets/sheet{}.xml")
            index = book.append_sheet(name, pkg.relative(book.part, part), hidden=sheet.hidden)
            target = plan.added
        target[part] = render_sheet(sheet, sheet_styles, date1904=book.date1904, selected=active == index)
        ct.set_override(part, pkg.CT_WORKSHEET)
        n_cols = max((len(r) for r in [sheet.header, *sheet.rows]), default=0)
        if sheet.header and n_cols:
            book.add_filter(index, name, f"{col_letters(n_cols)}{len(sheet.rows) + 1}")


def _required(parts: Parts, name: str) -> str:
    text = parts.text(name)
    if text is None:
        raise ValueError(f"missing part {name}")
    return text


def _notes_by_part(
    book: Workbook, parts: Parts, marks: Sequence[CellMark], replaced: set[str]
) -> dict[str, dict[Cell, Note]]:
    """Marks grouped by worksheet part and cell (several on one cell merged)."""
    out: dict[str, dict[Cell, Note]] = {}
    replaced_keys = {n.casefold() for n in replaced}
    part_of: dict[str, str] = {}
    for mark in marks:
        if mark.sheet not in part_of:
            part_of[mark.sheet] = _markable_part(book, parts, mark.sheet, replaced_keys, "mark")
        notes = out.setdefault(part_of[mark.sheet], {})
        cell, note = (mark.row, mark.column), (mark.severity, mark.text)
        notes[cell] = merge_notes(notes[cell], note) if cell in notes else note
    return out


def _values_by_part(
    book: Workbook, parts: Parts, cell_values: Sequence[CellValue], replaced: set[str]
) -> dict[str, dict[Cell, CellValue]]:
    """Values grouped by worksheet part and cell (two for one cell are a caller's bug)."""
    out: dict[str, dict[Cell, CellValue]] = {}
    replaced_keys = {n.casefold() for n in replaced}
    part_of: dict[str, str] = {}
    for value in cell_values:
        if value.sheet not in part_of:
            part_of[value.sheet] = _markable_part(book, parts, value.sheet, replaced_keys, "write")
        cells = out.setdefault(part_of[value.sheet], {})
        if (value.row, value.column) in cells:
            raise InvalidRequest(f"two values for one cell: {value!r}")
        cells[value.row, value.column] = value
    return out


def _markable_part(book: Workbook, parts: Parts, sheet: str, replaced: set[str], action: str) -> str:
    index = book.find(sheet)
    if index is None:
        raise InvalidRequest(f"no sheet named {sheet!r} to {action}")
    if book.sheets[index].name.casefold() in replaced:
        raise InvalidRequest(f"sheet {sheet!r} is replaced by a new sheet: cannot {action} it")
    found = book.target(index)
    part = parts.actual(found[1]) if found is not None else None
    if found is None or found[0].type != pkg.WORKSHEET or part is None:
        raise InvalidRequest(f"sheet {sheet!r} is not a worksheet")
    return part


def _drop_calc_chain(book: Workbook, parts: Parts, ct: pkg.ContentTypes, plan: Plan) -> None:
    """The calculation chain leaves the package, as Excel drops it: it may not list a cell without formula."""
    for rel in book.rels_of_type(CALC_CHAIN):
        part = parts.actual(pkg.resolve(book.part, rel.target))
        if part is not None:
            plan.dropped.add(part)
            ct.remove_override(part)
        book.rels = pkg.remove_rels(book.rels, {rel.id})


def _drop_vba(book: Workbook, parts: Parts, ct: pkg.ContentTypes, plan: Plan) -> None:
    """An .xlsm's VBA project (and its signatures) leave the package: the copy is an .xlsx."""
    for rel in book.rels_of_type(pkg.VBA_PROJECT):
        vba = parts.actual(pkg.resolve(book.part, rel.target))
        doomed = [vba] if vba else []
        vba_rels = parts.actual(pkg.rels_name(vba)) if vba else None
        if vba_rels:
            doomed.append(vba_rels)
            for sub in pkg.parse_rels(parts.text(vba_rels) or ""):
                if not sub.external and (found := parts.actual(pkg.resolve(vba or "", sub.target))):
                    doomed.append(found)
        for name in doomed:
            plan.dropped.add(name)
            ct.remove_override(name)
        book.rels = pkg.remove_rels(book.rels, {rel.id})
    if ct.default_of("bin") == pkg.CT_VBA:
        left = [n for n in parts.source.names if n.lower().endswith(".bin") and n not in plan.dropped]
        if all(ct.override_of(n) for n in left):
            ct.remove_default("bin")
    ct.retype(_MACRO_MAIN_TYPES, pkg.CT_WORKBOOK)


def _fresh_package(active: int) -> dict[str, bytes]:
    """A workbook with no sheets yet, for :func:`write_new_workbook`."""
    rel = pkg.REL_TYPE
    return {
        CONTENT_TYPES: (
            f'{XML_DECL}<Types xmlns="{CT_NS}">'
            f'<Default Extension="rels" ContentType="{pkg.CT_RELS}"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{pkg.CT_WORKBOOK}"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{pkg.CT_STYLES}"/></Types>'
        ).encode(),
        "_rels/.rels": (
            f'{XML_DECL}<Relationships xmlns="{PKG_REL_NS}">'
            f'<Relationship Id="rId1" Type="{rel}officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ).encode(),
        "xl/workbook.xml": (
            f'{XML_DECL}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
            f'<bookViews><workbookView activeTab="{active}"/></bookViews><sheets></sheets></workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            f'{XML_DECL}<Relationships xmlns="{PKG_REL_NS}">'
            f'<Relationship Id="rId1" Type="{rel}styles" Target="styles.xml"/></Relationships>'
        ).encode(),
        "xl/styles.xml": MINIMAL.encode(),
    }
