"""Worksheet XML for the sheets we generate (findings, summaries), written as one string.

Text goes in as inline strings, so no shared-string table has to be merged with
the user's; dates become serial numbers in the workbook's date system; a
:class:`Link` becomes an internal hyperlink, which needs no relationship.
"""

from __future__ import annotations

from addin.report.xlsx.cell_xml import Content, cell_content, cell_xml, text_content
from addin.report.xlsx.model import Link, NewSheet
from addin.report.xlsx.styles import DATE_FORMAT, DATETIME_FORMAT, TIME_FORMAT, SheetStyles
from addin.report.xlsx.xmltext import (
    MAIN_NS,
    REL_NS,
    XML_DECL,
    clean_text,
    col_letters,
    display_width,
    esc_attr,
)

MAX_HYPERLINKS = 65_530
"""Excel keeps at most this many hyperlinks on one sheet; later links stay plain text."""
WIDTH_SAMPLE_ROWS = 5000
MIN_WIDTH, MAX_WIDTH = 6.0, 60.0


def quote_sheet(name: str) -> str:
    """A sheet name as written in a reference: ``'It''s'``."""
    return "'" + name.replace("'", "''") + "'"


def _text_cell(ref: str, text: str, style: int) -> str:
    return cell_xml(ref, text_content(text), style)


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
    content = cell_content(value, date1904)
    if content is None:
        return "", 0
    return cell_xml(ref, content, _style_for(content, styles)), content.width


def _style_for(content: Content, styles: SheetStyles) -> int:
    """Our date/time style for a date or time, else none."""
    formats = {DATE_FORMAT: styles.date, DATETIME_FORMAT: styles.datetime, TIME_FORMAT: styles.time}
    return formats.get(content.number_format or "", 0)


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
