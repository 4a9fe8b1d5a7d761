"""Blank standard ledgers (domain §6.6): what ``zhenggai template`` hands a township that starts afresh.

The county style is kept (a title row, a 填报单位/填报日期 line) so staff accept the
sheet, but with one header row of the canonical Chinese names from the ledger
definitions — so the reader always recognises it — ID, phone and 户编号 columns
formatted as text, date columns as real dates, a drop-down list for every coded
column (the lists live on a hidden 下拉选项 sheet, so long lists are no problem),
a frozen header and a hidden 字段映射 sheet naming the field behind each column.
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from addin.fsutil import atomic_write_bytes
from addin.ledger.definitions import Catalog, FieldDef, LedgerDef, default_catalog

LISTS_SHEET = "下拉选项"
FIELDS_SHEET = "字段映射"
TEXT_TYPES = frozenset({"id_card", "phone", "text", "person", "unit"})
"""Column types formatted as text ("@"): numbers typed there stay exactly as typed."""
DATE_TYPES = frozenset({"date"})
VALIDATED_ROWS = 2000
"""How far down the drop-down lists reach."""


def _width(label: str) -> float:
    return max(8.0, min(28.0, 2.2 * len(label) + 2))


class DropDownLists:
    """The hidden sheet holding one column per code list, filled on first use."""

    def __init__(self, wb: openpyxl.Workbook, catalog: Catalog) -> None:
        self.wb, self.catalog = wb, catalog
        self.sheet: Worksheet | None = None
        self.columns: dict[str, str] = {}  # code list name -> absolute range formula

    def formula(self, name: str) -> str:
        if name not in self.columns:
            if self.sheet is None:
                self.sheet = self.wb.create_sheet(LISTS_SHEET)
                self.sheet.sheet_state = "hidden"
            values = [v.value for v in self.catalog.code_list(name).values]
            col = len(self.columns) + 1
            self.sheet.cell(1, col, name)
            for r, value in enumerate(values, start=2):
                self.sheet.cell(r, col, value)
            letter = get_column_letter(col)
            self.columns[name] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
        return self.columns[name]

    def finish(self) -> None:
        """Put the lists sheet last, behind the ledger sheets that use it."""
        if self.sheet is not None:
            self.wb.move_sheet(self.sheet, offset=len(self.wb.sheetnames) - 1 - self.wb.index(self.sheet))


def _validation(f: FieldDef, lists: DropDownLists) -> DataValidation | None:
    if f.type == "yes_no":
        return DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    if f.type == "enum" and f.codes:
        check = DataValidation(type="list", formula1=lists.formula(f.codes), allow_blank=True)
        check.showErrorMessage = not lists.catalog.code_list(f.codes).open
        check.errorTitle, check.error = "取值不在清单中", f"“{f.label}”请从下拉清单中选择"
        return check
    return None


def add_template_sheet(
    wb: openpyxl.Workbook,
    ledger: LedgerDef,
    *,
    name: str,
    title: str,
    lists: DropDownLists | None = None,
    fields: tuple[FieldDef, ...] | None = None,
    metadata: bool = True,
) -> Worksheet:
    """One blank ledger sheet: title, (optional) 填报单位/填报日期 line, header, formats, drop-downs, frozen."""
    lists = lists or DropDownLists(wb, default_catalog())
    fields = fields or ledger.fields
    ws = wb.create_sheet(name)
    ws.cell(1, 1, title).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(fields), 1))
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    header = 2
    if metadata:
        ws.cell(2, 1, "填报单位（盖章）：")
        ws.cell(2, max(len(fields) - 2, 2), "填报日期：")
        header = 3
    for c, f in enumerate(fields, start=1):
        cell = ws.cell(header, c, f.label)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        letter = get_column_letter(c)
        ws.column_dimensions[letter].width = _width(f.label)
        if f.type in TEXT_TYPES or f.key.endswith("_no"):
            ws.column_dimensions[letter].number_format = "@"
        elif f.type in DATE_TYPES:
            ws.column_dimensions[letter].number_format = "yyyy-mm-dd"
        check = _validation(f, lists)
        if check is not None:
            check.add(f"{letter}{header + 1}:{letter}{header + VALIDATED_ROWS}")
            ws.add_data_validation(check)
    ws.freeze_panes = ws.cell(header + 1, 1).coordinate
    return ws


def ledger_template(kind: str, *, catalog: Catalog | None = None) -> openpyxl.Workbook:
    """The blank standard workbook of one ledger kind (see the module docstring)."""
    catalog = catalog or default_catalog()
    ledger = catalog.ledger(kind)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    lists = DropDownLists(wb, catalog)
    add_template_sheet(wb, ledger, name=ledger.label[:31], title=f"××县{ledger.label}", lists=lists)
    mapping = wb.create_sheet(FIELDS_SHEET)
    mapping.append(["列", "列名", "字段", "类型", "必填", "取值清单"])
    for c, f in enumerate(ledger.fields, start=1):
        mapping.append([get_column_letter(c), f.label, f.key, f.type, "是" if f.required else "", f.codes or ""])
    mapping.sheet_state = "hidden"
    lists.finish()
    return wb


def write_workbook(wb: openpyxl.Workbook, path: Path) -> Path:
    """Save ``wb`` to ``path`` atomically (never a half-written file)."""
    buffer = io.BytesIO()
    wb.save(buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, buffer.getvalue())
    return path
