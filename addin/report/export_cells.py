"""One exported sheet made self-contained: values instead of formulas, nothing pointing elsewhere.

Works on a sheet openpyxl loaded from the (pruned) source, in place:

* every formula cell (our ``ZG_`` functions, HYPERLINK, array and data-table
  formulas alike) gets the result Excel saved with the file, or, for the ribbon,
  the value the open workbook shows; a formula without a saved result becomes
  empty and is reported, never guessed;
* text is written as text: a value that starts with = + - @ is stored as a
  string with Excel's "quote prefix", so no program turns it into a formula;
* what could reach outside the sheet goes: data validations (their lists live
  elsewhere), conditional formats whose formulas name another sheet, another
  workbook or one of our functions, table column formulas, pivot tables, links to
  files; links to web pages and to the exported sheets stay, and a literal
  ``HYPERLINK`` formula becomes a plain link;
* charts stay when every series reads from the exported sheets.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidationList
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from addin.report.xlsx.xmltext import display_width

FORMULA_LIKE = ("=", "+", "-", "@")
"""Leading characters that make Excel read typed text as a formula."""
_HYPERLINK = re.compile(r'^=\s*HYPERLINK\(\s*"((?:[^"]|"")*)"\s*(?:,\s*"(?:[^"]|"")*"\s*)?\)\s*$', re.I)
_WEB = re.compile(r"^(?:https?://|mailto:)", re.I)
_SHEET_REF = re.compile(r"(?:'((?:[^']|'')+)'|([^\s'!(),=+\-*/&<>:;]+))!")
_ELSEWHERE = re.compile(r"!|\[|\bZG_", re.I)
MAX_WIDTH = 60


def is_formula(cell: Cell) -> bool:
    """A formula cell as openpyxl loads it: formula text, or an array / data-table formula object."""
    return cell.data_type == "f" or isinstance(cell.value, ArrayFormula | DataTableFormula)


def put_value(cell: Cell, value: object) -> None:
    """Store ``value`` as a value (never a formula); "" and None empty the cell."""
    if value is None or value == "":
        cell.value = None
        return
    cell.value = value
    if cell.data_type == "f":
        cell.data_type = "s"  # text that reads like a formula stays text
    mark_formula_like_text(cell)


def mark_formula_like_text(cell: Cell) -> None:
    """Excel's quote prefix on text starting with = + - @, so editing it keeps it text."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_LIKE) and not cell.quotePrefix:
        cell.quotePrefix = True


def replace_formulas(ws: Worksheet, cached: Worksheet, uncached: Collection[str], sheets: Collection[str]) -> list[str]:
    """Formulas of ``ws`` → the results saved in ``cached`` (the same sheet loaded with data_only).

    Returns the cells whose formula had no saved result (left empty). ``sheets`` are
    the exported sheets, which a literal HYPERLINK formula may keep pointing at.
    """
    missing = []
    for (row, col), cell in list(ws._cells.items()):
        if isinstance(cell, MergedCell):
            continue
        if not is_formula(cell):
            mark_formula_like_text(cell)
            continue
        result = cached._cells.get((row, col))
        value = result.value if result is not None else None
        if value is None and cell.coordinate in uncached:
            missing.append(cell.coordinate)
        _settle(cell, value, sheets)
    return missing


def replace_values(ws: Worksheet, grid: Sequence[Sequence[object]], sheets: Collection[str]) -> None:
    """Every value of ``ws`` replaced by ``grid`` (rows from A1), formulas included; cells outside emptied."""
    for (row, col), cell in list(ws._cells.items()):
        if isinstance(cell, MergedCell):
            continue
        inside = row <= len(grid) and col <= len(grid[row - 1])
        if not inside:
            _settle(cell, None, sheets)
    for r, line in enumerate(grid, start=1):
        for c, value in enumerate(line, start=1):
            blank = value is None or value == ""
            if blank and (r, c) not in ws._cells:
                continue
            cell = ws.cell(r, c)
            if not isinstance(cell, MergedCell):
                _settle(cell, value, sheets)


def _settle(cell: Cell, value: object, sheets: Collection[str]) -> None:
    """``value`` into ``cell``; a literal HYPERLINK formula there leaves a plain link behind."""
    formula = cell.value if is_formula(cell) and isinstance(cell.value, str) else ""
    put_value(cell, value)
    link = _HYPERLINK.match(formula)
    if link is not None and cell.value is not None and cell.hyperlink is None:
        cell.hyperlink = _kept_link(link[1].replace('""', '"'), sheets)


def fill_new_sheet(ws: Worksheet, grid: Sequence[Sequence[object]]) -> None:
    """A sheet with no formats to copy: values, and column widths that fit them."""
    widths: dict[int, int] = {}
    for r, line in enumerate(grid, start=1):
        for c, value in enumerate(line, start=1):
            if value is None or value == "":
                continue
            put_value(ws.cell(r, c), value)
            widths[c] = max(widths.get(c, 0), display_width(_shown(value)))
    for c, width in widths.items():
        ws.column_dimensions[get_column_letter(c)].width = min(width + 2, MAX_WIDTH)


def _shown(value: object) -> str:
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]  # type: ignore[union-attr]
    return str(value)


def _kept_link(target: str, sheets: Collection[str]) -> Hyperlink | None:
    """A link that still works in the export: a web page, or a place in an exported sheet."""
    if target.startswith("#"):
        location = target[1:]
        return Hyperlink(ref="", location=location) if _in_sheets(location, sheets) else None
    return Hyperlink(ref="", target=target) if _WEB.match(target) else None


def _in_sheets(location: str, sheets: Collection[str]) -> bool:
    names = referenced_sheets(location)
    return bool(names) and names <= set(sheets)


def referenced_sheets(formula: str) -> set[str]:
    """The sheet names a formula or reference mentions (``'汇总'!$A$1`` → {"汇总"})."""
    return {(quoted.replace("''", "'") if quoted else bare) for quoted, bare in _SHEET_REF.findall(formula)}


def clean_sheet(ws: Worksheet, sheets: Collection[str]) -> tuple[int, int]:
    """Remove what reaches outside the export; returns (charts kept, charts dropped)."""
    ws.data_validations = DataValidationList()
    _keep_local_conditional_formats(ws)
    ws._pivots = []
    for table in ws.tables.values():
        for column in table.tableColumns:
            column.calculatedColumnFormula = None
            column.totalsRowFormula = None
    for cell in list(ws._cells.values()):
        link = cell.hyperlink
        if link is None:
            continue
        if not (_in_sheets(link.location, sheets) if link.location else _WEB.match(link.target or "")):
            cell.hyperlink = None
    kept = [chart for chart in ws._charts if _chart_is_local(chart, sheets)]
    dropped = len(ws._charts) - len(kept)
    ws._charts = kept
    return len(kept), dropped


def _keep_local_conditional_formats(ws: Worksheet) -> None:
    kept = ConditionalFormattingList()
    for cf in ws.conditional_formatting:
        for rule in cf.rules:
            if not any(_ELSEWHERE.search(str(f)) for f in rule.formula or ()):
                kept.add(str(cf.sqref), rule)
    ws.conditional_formatting = kept


def _chart_is_local(chart: object, sheets: Collection[str]) -> bool:
    """Every data reference of the chart points into an exported sheet (none at another file)."""
    tree = chart._write()  # type: ignore[attr-defined]
    refs = [el.text for el in tree.iter() if str(el.tag).rpartition("}")[2] == "f" and el.text]
    for ref in refs:
        if "[" in ref:
            return False
        names = referenced_sheets(ref)
        if not names or not names <= set(sheets):
            return False
    return True
