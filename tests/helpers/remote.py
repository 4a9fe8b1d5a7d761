"""Run ribbon actions through the real xlwings remote engine against an openpyxl workbook.

The remote engine (xlwings PRO, free for this use with ``XLWINGS_LICENSE_KEY=noncommercial``)
is the engine xlwings Server drives from Excel: the client sends the workbook as a
JSON payload, Python runs ordinary Book-API code against it, and the client applies
the returned actions to the real workbook. This harness plays the client:

1. :func:`book_payload` turns an openpyxl workbook into the payload an Office.js
   client sends (values from A1 to the used range, ``""`` for empty cells, dates as
   ``new Date().toISOString()`` text, where notes are, sheet visibility);
2. ``xw.Book(json=payload)`` + the action;
3. :class:`Replayer` applies ``book.json()["actions"]`` to the openpyxl workbook the
   way Excel would. **An action type it does not know raises** :class:`UnknownAction`,
   so a test fails loudly when action code uses something unmodelled. Excel-isms are
   modelled on purpose: a numeric-looking string written into a cell not formatted
   as text becomes a number (with Excel's 15 significant digits), an ISO date string
   becomes a date, a string starting with "=" becomes a formula; clearing conditional
   formats on a range trims every rule that applies there, as Office.js ``clearAll``
   does.

Limits: the replay is a model of Excel, not Excel (formulas are not evaluated: a
formula cell is sent back as ``""``, except HYPERLINK, which is sent as its text).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # before xlwings registers its engines

import openpyxl
import python_calamine as calamine
import xlwings as xw
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.formatting.rule import CellIsRule, FormulaRule, Rule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

MAX_ROW, MAX_COL = 1_048_576, 16_384
HYPERLINK = re.compile(r'^=HYPERLINK\("((?:[^"]|"")*)"\s*,\s*"((?:[^"]|"")*)"\)$')
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?$")
NUMBER_LIKE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
VISIBILITY = {"visible": "Visible", "hidden": "Hidden", "veryHidden": "VeryHidden"}
SHEET_STATE = {"Visible": "visible", "Hidden": "hidden", "VeryHidden": "veryHidden"}


class UnknownAction(AssertionError):
    """The action code emitted something this model of Excel cannot apply."""


# --------------------------------------------------------------------------- workbook → payload
def js_value(value: object) -> object:
    """A cell value as the Office.js client puts it into the payload."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    if isinstance(value, dt.date):
        return f"{value.isoformat()}T00:00:00.000Z"
    if isinstance(value, dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    if isinstance(value, str) and value.startswith("="):
        link = HYPERLINK.match(value)
        return link.group(2).replace('""', '"') if link else ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)  # JSON.stringify(1.0) is "1": whole numbers arrive as ints
    if isinstance(value, bool | int | float | str):
        return value
    return ""  # array formulas and other objects: their (unknown) result


def book_payload(wb: openpyxl.Workbook, name: str) -> dict[str, Any]:
    """The JSON payload an Office.js client sends for ``wb`` (``name`` is the book's name)."""
    sheets = []
    for ws in wb.worksheets:
        if ws.max_row == 1 and ws.max_column == 1 and ws.cell(1, 1).value is None:
            values: list[list[object]] = [[""]]
        else:
            values = [[js_value(c.value) for c in row] for row in ws.iter_rows(min_row=1, min_col=1)]
        sheets.append(
            {
                **_empty_sheet(ws.title),
                "values": values,
                "notes": [{"address": c.coordinate} for row in ws.iter_rows() for c in row if c.comment],
                "show_gridlines": ws.sheet_view.showGridLines is not False,
                "visibility": VISIBILITY[ws.sheet_state],
            }
        )
    names = []
    for dn_name, dn in wb.defined_names.items():
        for sheet_title, ref in dn.destinations:
            names.append(
                {
                    "name": dn_name,
                    "sheet_index": wb.sheetnames.index(sheet_title),
                    "address": ref.replace("$", ""),
                    "scope_sheet_name": None,
                    "scope_sheet_index": None,
                    "book_scope": True,
                }
            )
    return {
        "client": "Office.js",
        "version": xw.__version__,
        "book": {"name": name, "active_sheet_index": wb.index(wb.active), "selection": "A1"},
        "names": names,
        "sheets": sheets,
    }


def file_payload(path: Path) -> dict[str, Any]:
    """The payload for a workbook file, read with python-calamine: values and visibility only (no notes).

    For big files: openpyxl's load of a county workbook takes tens of minutes (its
    merged-range bookkeeping is quadratic), calamine's a few seconds.
    """
    book = calamine.CalamineWorkbook.from_path(str(path))
    sheets = []
    try:
        for meta in book.sheets_metadata:
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue
            rows = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            width = max((len(r) for r in rows), default=0)
            values = [[js_value(v) for v in r] + [""] * (width - len(r)) for r in rows] or [[""]]
            visibility = _calamine_visibility(meta.visible)
            sheets.append({**_empty_sheet(meta.name), "values": values, "visibility": visibility})
    finally:
        book.close()
    return {
        "client": "Office.js",
        "version": xw.__version__,
        "book": {"name": str(path), "active_sheet_index": 0, "selection": "A1"},
        "names": [],
        "sheets": sheets,
    }


def _calamine_visibility(visible: object) -> str:
    if visible == calamine.SheetVisibleEnum.Visible:
        return "Visible"
    return "Hidden" if visible == calamine.SheetVisibleEnum.Hidden else "VeryHidden"


def _empty_sheet(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "values": [[""]],
        "pictures": [],
        "tables": [],
        "shapes": [],
        "charts": [],
        "notes": [],
        "notes_supported": True,
        "print_area": None,
        "show_gridlines": True,
        "pivot_tables": [],
        "visibility": "Visible",
    }


def shadow_workbook(payload: dict[str, Any]) -> openpyxl.Workbook:
    """An openpyxl workbook with the payload's sheets (names and visibility) but no values.

    Enough to replay actions that add sheets, rules and notes onto a workbook too big
    to load with openpyxl.
    """
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet in payload["sheets"]:
        wb.create_sheet(sheet["name"]).sheet_state = SHEET_STATE[sheet["visibility"]]
    return wb


# --------------------------------------------------------------------------- actions → workbook
class Replayer:
    """Applies remote-engine actions to an openpyxl workbook, as the Office.js client applies them to Excel."""

    def __init__(self, wb: openpyxl.Workbook) -> None:
        self.wb = wb
        self.alerts: list[tuple[str, str, str]] = []  # (prompt, title, mode)
        self.warnings: list[str] = []

    def apply(self, actions: list[dict[str, Any]]) -> None:
        for action in actions:
            func = action["func"]
            applier = getattr(self, f"do_{func}", None)
            if applier is None:
                raise UnknownAction(f"the harness cannot replay action {func!r}: {action}")
            applier(action)

    # helpers ---------------------------------------------------------------
    def _ws(self, a: dict[str, Any]) -> Worksheet:
        return self.wb.worksheets[a["sheet_position"]]

    @staticmethod
    def _bounds(a: dict[str, Any]) -> tuple[int, int, int, int]:
        r0, c0 = a["start_row"] + 1, a["start_column"] + 1
        return r0, c0, r0 + a["row_count"] - 1, c0 + a["column_count"] - 1

    def _cells(self, a: dict[str, Any]) -> list[Cell]:
        ws = self._ws(a)
        r1, c1, r2, c2 = self._bounds(a)
        if a["row_count"] == MAX_ROW:  # whole columns: only their used part is modelled
            r2 = max(ws.max_row, r1)
        if a["column_count"] == MAX_COL:  # whole rows
            c2 = max(ws.max_column, c1)
        return [ws.cell(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]

    def _typed(self, value: object, cell: Cell) -> object:
        """What Excel stores when ``value`` is assigned to a cell with this number format."""
        if value is None or value == "":
            return None
        if not isinstance(value, str) or cell.number_format == "@":
            return value
        if value.startswith("="):
            return value
        if ISO_DATE.match(value):
            return dt.datetime.fromisoformat(value)
        if ISO_DATETIME.match(value):
            return dt.datetime.fromisoformat(value.replace(" ", "T"))
        if NUMBER_LIKE.match(value):
            number = float(value)
            if len(value.lstrip("+-").replace(".", "").lstrip("0")) > 15:
                self.warnings.append(f"numeric-looking text {value!r} became a number and lost digits")
                return float(f"{number:.15g}")  # a double, as Excel keeps it
            return int(number) if number.is_integer() and "." not in value else number
        return value

    # appliers ----------------------------------------------------------------
    def do_setValues(self, a: dict[str, Any]) -> None:
        ws = self._ws(a)
        r0, c0 = a["start_row"] + 1, a["start_column"] + 1
        for i, row in enumerate(a["values"]):
            for j, value in enumerate(row):
                cell = ws.cell(r0 + i, c0 + j)
                typed = self._typed(value, cell)
                cell.value = typed
                if isinstance(typed, str) and typed.startswith("=") and cell.number_format == "@":
                    cell.data_type = "s"  # text cell: the formula stays text
                if isinstance(typed, dt.datetime) and cell.number_format == "General":
                    cell.number_format = "yyyy-mm-dd" if typed.time() == dt.time() else "yyyy-mm-dd hh:mm:ss"

    def do_setNumberFormat(self, a: dict[str, Any]) -> None:
        for cell in self._cells(a):
            cell.number_format = a["args"][0]

    def do_setRangeColor(self, a: dict[str, Any]) -> None:
        color = a["args"][0]
        for cell in self._cells(a):
            cell.fill = PatternFill() if color is None else PatternFill("solid", fgColor="FF" + _hex(color))

    def do_setFontProperty(self, a: dict[str, Any]) -> None:
        prop, value = a["args"]
        for cell in self._cells(a):
            font = copy.copy(cell.font)
            setattr(font, prop, "FF" + _hex(value) if prop == "color" else value)
            cell.font = font

    def do_addSheet(self, a: dict[str, Any]) -> None:
        position, name = a["args"]
        self.wb.create_sheet(title=name, index=position)

    def do_sheetDelete(self, a: dict[str, Any]) -> None:
        position = a["sheet_position"]
        was_active = self.wb.active is self._ws(a)
        self.wb.remove(self._ws(a))
        if was_active:  # Excel activates the next visible sheet (the previous one after the last)
            order = list(range(position, len(self.wb.worksheets))) + list(range(position - 1, -1, -1))
            visible = [i for i in order if self.wb.worksheets[i].sheet_state == "visible"]
            self.wb.active = visible[0] if visible else 0

    def do_setSheetVisibility(self, a: dict[str, Any]) -> None:
        self._ws(a).sheet_state = SHEET_STATE[a["args"][0]]

    def do_activateSheet(self, a: dict[str, Any]) -> None:
        self.wb.active = int(a["args"][0])

    def do_setAutofit(self, a: dict[str, Any]) -> None:
        if a["args"][0] != "columns":
            return  # row heights are not modelled
        ws = self._ws(a)
        _r1, c1, _r2, c2 = self._bounds(a)
        for c in range(c1, min(c2, ws.max_column) + 1):
            width = max((_display_width(cell.value) for (cell,) in ws.iter_rows(min_col=c, max_col=c)), default=0)
            ws.column_dimensions[get_column_letter(c)].width = min(width + 2, 255)

    def do_setColumnWidth(self, a: dict[str, Any]) -> None:
        """Office.js ``format.columnWidth`` is in points; the workbook keeps characters (Calibri 11: 7 px + 5)."""
        _r1, c1, _r2, c2 = self._bounds(a)
        (points,) = a["args"] if isinstance(a["args"], list) else [a["args"]]
        chars = round((float(points) / 0.75 - 5) / 7, 2)
        for c in range(c1, c2 + 1):
            self._ws(a).column_dimensions[get_column_letter(c)].width = chars

    def do_freezePaneAtRange(self, a: dict[str, Any]) -> None:
        ref = a["args"][0].replace("$", "")
        ws = self._ws(a)
        if re.fullmatch(r"\d+:\d+", ref):
            ws.freeze_panes = f"A{int(ref.split(':')[1]) + 1}"
        elif re.fullmatch(r"[A-Z]+:[A-Z]+", ref):
            ws.freeze_panes = f"{get_column_letter(range_boundaries(ref + '1')[2] + 1)}1"
        else:
            _c1, _r1, c2, r2 = range_boundaries(ref)
            ws.freeze_panes = f"{get_column_letter(c2 + 1)}{r2 + 1}"

    def do_freezePaneUnfreeze(self, a: dict[str, Any]) -> None:
        self._ws(a).freeze_panes = None

    def do_addHyperlink(self, a: dict[str, Any]) -> None:
        address, text, tip = a["args"]
        cell = self._cells(a)[0]
        if address.startswith("#"):
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=address[1:], tooltip=tip, display=text)
        else:
            cell.hyperlink = address
        cell.value = text

    def do_addNote(self, a: dict[str, Any]) -> None:
        cell = self._cells(a)[0]
        if cell.comment is not None:
            raise AssertionError(f"Excel refuses a second note on {cell.coordinate}")
        cell.comment = Comment(a["args"][1], "Excel")

    def do_setNoteText(self, a: dict[str, Any]) -> None:
        cell = self._cells(a)[0]
        author = cell.comment.author if cell.comment else "Excel"
        cell.comment = Comment(a["args"][1], author)

    def do_deleteNote(self, a: dict[str, Any]) -> None:
        self._cells(a)[0].comment = None

    def do_addConditionalFormat(self, a: dict[str, Any]) -> None:
        entry = a["args"][0]
        ws = self._ws(a)
        r1, c1, r2, c2 = self._bounds(a)
        fill = PatternFill(bgColor="FF" + _hex(entry["fill_color"])) if entry.get("fill_color") else None
        font = None
        if entry.get("font_color") or entry.get("font_bold") or entry.get("font_italic"):
            color = "FF" + _hex(entry["font_color"]) if entry.get("font_color") else None
            font = Font(color=color, bold=entry.get("font_bold"), italic=entry.get("font_italic"))
        stop = bool(entry.get("stop_if_true"))
        if entry["type"] == "Custom":
            rule: Rule = FormulaRule(formula=[entry["formula"][1:]], fill=fill, font=font, stopIfTrue=stop)
        elif entry["type"] == "CellValue":
            formulas = [str(entry["formula1"])] + ([str(entry["formula2"])] if entry.get("formula2") else [])
            rule = CellIsRule(operator=_OPERATORS[entry["operator"]], formula=formulas, fill=fill, font=font)
            rule.stopIfTrue = stop
        else:
            raise UnknownAction(f"conditional format type {entry['type']!r} is not modelled")
        # Excel puts a new rule on top of the priority order
        for cf in ws.conditional_formatting:
            for existing in cf.rules:
                existing.priority += 1
        rule.priority = 1
        ws.conditional_formatting.add(CellRange(min_row=r1, min_col=c1, max_row=r2, max_col=c2).coord, rule)

    def do_clearConditionalFormats(self, a: dict[str, Any]) -> None:
        """Office.js ``conditionalFormats.clearAll()``: the range leaves every rule that applied to it."""
        ws = self._ws(a)
        r1, c1, r2, c2 = self._bounds(a)
        cut = CellRange(min_row=r1, min_col=c1, max_row=r2, max_col=c2)
        kept = ConditionalFormattingList()
        for cf in ws.conditional_formatting:
            pieces = [p for rng in cf.sqref.ranges for p in _subtract(rng, cut)]
            if pieces:
                for rule in cf.rules:
                    kept.add(" ".join(p.coord for p in pieces), rule)
        ws.conditional_formatting = kept

    def do_alert(self, a: dict[str, Any]) -> None:
        prompt, title, _buttons, mode, _callback = a["args"]
        self.alerts.append((prompt, title, mode))


_OPERATORS = {
    "Between": "between",
    "NotBetween": "notBetween",
    "EqualTo": "equal",
    "NotEqualTo": "notEqual",
    "GreaterThan": "greaterThan",
    "LessThan": "lessThan",
    "GreaterThanOrEqual": "greaterThanOrEqual",
    "LessThanOrEqual": "lessThanOrEqual",
}


def _hex(color: str) -> str:
    return color.lstrip("#").upper()


def _display_width(value: object) -> int:
    if value is None:
        return 0
    text = value.strftime("%Y-%m-%d") if isinstance(value, dt.date) else str(value)
    link = HYPERLINK.match(text)
    if link:
        text = link.group(2)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _subtract(rng: CellRange, cut: CellRange) -> list[CellRange]:
    """``rng`` minus ``cut`` as up to four rectangles."""
    if rng.isdisjoint(cut):
        return [rng]
    out = []
    if rng.min_row < cut.min_row:
        out.append(CellRange(min_row=rng.min_row, max_row=cut.min_row - 1, min_col=rng.min_col, max_col=rng.max_col))
    if rng.max_row > cut.max_row:
        out.append(CellRange(min_row=cut.max_row + 1, max_row=rng.max_row, min_col=rng.min_col, max_col=rng.max_col))
    top, bottom = max(rng.min_row, cut.min_row), min(rng.max_row, cut.max_row)
    if rng.min_col < cut.min_col:
        out.append(CellRange(min_row=top, max_row=bottom, min_col=rng.min_col, max_col=cut.min_col - 1))
    if rng.max_col > cut.max_col:
        out.append(CellRange(min_row=top, max_row=bottom, min_col=cut.max_col + 1, max_col=rng.max_col))
    return out


# --------------------------------------------------------------------------- one click
@dataclass
class Click:
    """One action run: the actions it returned and what the replay saw."""

    actions: list[dict[str, Any]]
    alerts: list[tuple[str, str, str]]
    warnings: list[str] = field(default_factory=list)

    @property
    def funcs(self) -> list[str]:
        return [a["func"] for a in self.actions]

    @property
    def writes(self) -> list[dict[str, Any]]:
        """Every action except message boxes."""
        return [a for a in self.actions if a["func"] != "alert"]


def click(wb: openpyxl.Workbook, action: Callable[[xw.Book], None], *, name: str = "台账.xlsx") -> Click:
    """Run ``action`` on ``wb`` through the remote engine and apply its actions to ``wb`` in place."""
    payload = json.loads(json.dumps(book_payload(wb, name)))  # over the wire, as JSON
    book = xw.Book(json=payload)
    action(book)
    actions = json.loads(json.dumps(book.json()["actions"], default=str))  # and back
    replayer = Replayer(wb)
    replayer.apply(actions)
    return Click(actions=actions, alerts=replayer.alerts, warnings=replayer.warnings)


# --------------------------------------------------------------------------- comparing workbooks
def workbook_state(wb: openpyxl.Workbook, *, sheets: list[str] | None = None) -> dict[str, Any]:
    """Everything a user could see of ``wb`` that our actions must leave alone, as plain data."""
    out: dict[str, Any] = {"sheets": [(ws.title, ws.sheet_state) for ws in wb.worksheets]}
    for ws in wb.worksheets:
        if sheets is not None and ws.title not in sheets:
            continue
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is None and not c.has_style and c.comment is None:
                    continue
                cells[c.coordinate] = (
                    c.value,
                    c.number_format,
                    (c.fill.fill_type, c.fill.fgColor.rgb, c.fill.bgColor.rgb),
                    (c.font.b, c.font.i, c.font.color.rgb if c.font.color is not None else None),
                    (c.comment.text, c.comment.author) if c.comment else None,
                    c.hyperlink.location if c.hyperlink else None,
                )
        rules = sorted(
            (
                rule.priority,
                str(cf.sqref),
                rule.type,
                tuple(rule.formula or ()),
                rule.operator,
                _dxf(rule),
                bool(rule.stopIfTrue),
            )
            for cf in ws.conditional_formatting
            for rule in cf.rules
        )
        out[ws.title] = {
            "cells": cells,
            "merged": sorted(str(m) for m in ws.merged_cells.ranges),
            "conditional_formats": [r[1:] for r in rules],
            "validations": sorted(
                (str(dv.sqref), dv.type, dv.formula1, dv.allow_blank) for dv in ws.data_validations.dataValidation
            ),
            "widths": {k: d.width for k, d in ws.column_dimensions.items() if d.width},
            "freeze": ws.freeze_panes,
        }
    return out


def _dxf(rule: Rule) -> tuple[object, ...]:
    dxf = rule.dxf
    if dxf is None:
        return ()
    fill = dxf.fill.bgColor.rgb if dxf.fill is not None and dxf.fill.bgColor is not None else None
    font = dxf.font.color.rgb if dxf.font is not None and dxf.font.color is not None else None
    return (fill, font)
