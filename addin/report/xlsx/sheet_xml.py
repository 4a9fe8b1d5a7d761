"""Worksheet XML for the sheets we generate (findings, summaries), written as one string.

Text goes in as inline strings, so no shared-string table has to be merged with
the user's; dates become serial numbers in the workbook's date system; a
:class:`Link` becomes an internal hyperlink, which needs no relationship.
"""

from __future__ import annotations

import math
import numbers
from datetime import date, datetime, time, timedelta

from addin.report.xlsx.model import Link, NewSheet
from addin.report.xlsx.styles import SheetStyles
from addin.report.xlsx.xmltext import (
    MAIN_NS,
    REL_NS,
    XML_DECL,
    clean_text,
    col_letters,
    display_width,
    esc_attr,
    esc_text,
    space_attr,
)

MAX_HYPERLINKS = 65_530
"""Excel keeps at most this many hyperlinks on one sheet; later links stay plain text."""
MAX_EXACT_INT = 10**15
"""Integers from here on lose digits as doubles (18-digit ID numbers): they are written as text."""
WIDTH_SAMPLE_ROWS = 5000
MIN_WIDTH, MAX_WIDTH = 6.0, 60.0

_EPOCH_1900 = datetime(1899, 12, 30)
_EPOCH_1904 = datetime(1904, 1, 1)
_FIRST_1900 = datetime(1900, 1, 1)
_LEAP_BUG_END = datetime(1900, 3, 1)


def excel_serial(value: date, date1904: bool) -> float | None:
    """The serial number Excel stores for a date or datetime; None when it has none."""
    moment = value.replace(tzinfo=None) if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    if date1904:
        delta = moment - _EPOCH_1904
        if delta < timedelta(0):
            return None
    else:
        if moment < _FIRST_1900:
            return None
        delta = moment - _EPOCH_1900
        if moment < _LEAP_BUG_END:  # Excel counts a 29 February 1900 that never was
            delta -= timedelta(days=1)
    serial = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
    return int(serial) if serial == int(serial) else serial


def quote_sheet(name: str) -> str:
    """A sheet name as written in a reference: ``'It''s'``."""
    return "'" + name.replace("'", "''") + "'"


def _text_cell(ref: str, text: str, style: int) -> str:
    text = clean_text(text)
    s = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space_attr(text)}>{esc_text(text)}</t></is></c>'


def render_sheet(sheet: NewSheet, styles: SheetStyles, *, date1904: bool, selected: bool = False) -> bytes:
    """The worksheet part for ``sheet``."""
    # Without a header the rows start on row 1 (a values copy keeps the original positions).
    table: list[list[object]] = [list(sheet.header), *sheet.rows] if sheet.header else list(sheet.rows)
    n_cols = max((len(r) for r in table), default=0)
    letters = [col_letters(c) for c in range(1, n_cols + 1)]
    widths = [0.0] * n_cols
    links: list[str] = []
    rows_xml: list[str] = []
    for r, values in enumerate(table, 1):
        cells: list[str] = []
        measure = r <= WIDTH_SAMPLE_ROWS + 1
        for c, value in enumerate(values):
            if value is None or (isinstance(value, str) and not value):
                continue
            ref = f"{letters[c]}{r}"
            if r == 1 and sheet.header:
                text = str(value)
                cells.append(_text_cell(ref, text, styles.header))
                width = display_width(text) + 2  # room for the filter button
            else:
                xml, width = _value_cell(ref, value, styles, date1904, links)
                if not xml:
                    continue
                cells.append(xml)
            if measure and width > widths[c]:
                widths[c] = width
        rows_xml.append(f'<row r="{r}">{"".join(cells)}</row>' if cells else "")

    last = f"{letters[-1]}{len(table)}" if n_cols and table else "A1"
    used = "A1" if last == "A1" else f"A1:{last}"
    parts = [
        XML_DECL,
        f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">',
        f'<dimension ref="{used}"/>',
        _sheet_views(bool(sheet.header), selected),
        _cols(widths, sheet.widths),
        "<sheetData>",
        *rows_xml,
        "</sheetData>",
    ]
    if sheet.header and n_cols:
        parts.append(f'<autoFilter ref="A1:{last}"/>')
    if links:
        parts.append(f"<hyperlinks>{''.join(links)}</hyperlinks>")
    parts.append('<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>')
    parts.append("</worksheet>")
    return "".join(parts).encode("utf-8")


def _value_cell(ref: str, value: object, styles: SheetStyles, date1904: bool, links: list[str]) -> tuple[str, float]:
    """A data cell's XML and its display width."""
    if isinstance(value, Link):
        if len(links) < MAX_HYPERLINKS:
            location = f"{quote_sheet(value.sheet)}!{value.cell}"
            links.append(
                f'<hyperlink ref="{ref}" location="{esc_attr(clean_text(location))}"'
                f' display="{esc_attr(clean_text(value.cell))}"/>'
            )
            return _text_cell(ref, value.cell, styles.link), display_width(value.cell)
        return _text_cell(ref, value.cell, 0), display_width(value.cell)
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>', 5
    if isinstance(value, date):
        if isinstance(value, datetime) and value != value:  # pandas NaT
            return "", 0
        serial = excel_serial(value, date1904)
        if serial is None:
            return _text_cell(ref, value.isoformat(), 0), len(value.isoformat())
        is_datetime = isinstance(value, datetime)
        style = styles.datetime if is_datetime else styles.date
        return f'<c r="{ref}" s="{style}"><v>{serial!r}</v></c>', (19 if is_datetime else 10)
    if isinstance(value, time):
        seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
        return f'<c r="{ref}" s="{styles.time}"><v>{seconds / 86400!r}</v></c>', 8
    if isinstance(value, numbers.Integral):
        number = int(value)
        if abs(number) >= MAX_EXACT_INT:
            return _text_cell(ref, str(number), 0), len(str(number))
        return f'<c r="{ref}"><v>{number}</v></c>', len(str(number))
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isnan(number):
            return "", 0
        if math.isinf(number):
            return _text_cell(ref, str(number), 0), 4
        text = repr(number)
        return f'<c r="{ref}"><v>{text}</v></c>', min(len(text), 12)
    text = str(value)
    if not text:
        return "", 0
    return _text_cell(ref, text, 0), display_width(text)


def _sheet_views(frozen_header: bool, selected: bool) -> str:
    tab = ' tabSelected="1"' if selected else ""
    if not frozen_header:
        return f'<sheetViews><sheetView{tab} workbookViewId="0"/></sheetViews>'
    return (
        f'<sheetViews><sheetView{tab} workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
        "</sheetView></sheetViews>"
    )


def _cols(measured: list[float], given: list[float] | None) -> str:
    if not measured:
        return ""
    cols = []
    for i, width in enumerate(measured):
        if given is not None and i < len(given) and given[i]:
            chosen = float(given[i])
        else:
            chosen = min(max(width + 1, MIN_WIDTH), MAX_WIDTH)
        cols.append(f'<col min="{i + 1}" max="{i + 1}" width="{chosen:g}" customWidth="1"/>')
    return f"<cols>{''.join(cols)}</cols>"
