"""生成汇总: the 汇总 of the open workbook's ledgers, written as a sheet of the workbook.

Read once (:func:`~addin.excel.book.read_book`), check and summarise with the core —
the same :func:`addin.summary.tables.build_summary` and the same layout
(:func:`addin.summary.layout.lay_out`) as ``zhenggai summary`` — then write in bulk
inside :func:`addin.excel.marks.all_or_nothing`: number formats (text columns as
text first, so 2024-07 stays a month label), one write of all values, then bold
headers and totals, fills, column widths and frozen heading rows. Charts are not
drawn in the workbook (the remote engine cannot, and the ribbon does not try
engine-specific charting); the message points to ``zhenggai summary``, whose file
has them.

Data safety: a 汇总 sheet is replaced only when it is ours — its heading line
carries :data:`~addin.summary.model.OWN_MARK` (and we record it in ``_zhenggai`` with
:func:`addin.excel.marks.record_sheet`). A 汇总 of the user's own (the county
sample has one) is never touched: the result goes to 汇总（整改助手） instead and
the message says so. Our own summary sheets are left out when the ledgers are read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from addin.check import check_book
from addin.excel import com, marks, messages, own_sheets
from addin.excel.book import book_file, read_book
from addin.ledger.workbook import RawSheet, RawWorkbook
from addin.settings import load_settings
from addin.summary.layout import (
    FALLBACK_SHEET,
    SIGNATURE_CELL,
    SUMMARY_SHEET,
    SheetLayout,
    Style,
    is_our_summary,
    lay_out,
)
from addin.summary.places import HOUSEHOLD_KINDS
from addin.summary.tables import build_summary
from addin.summary.text import key_figures

if TYPE_CHECKING:
    import xlwings as xw

FILLS = {Style.HEADER: "#DDEBF7", Style.TOTAL: "#F2F2F2"}
BOLD = frozenset({Style.TITLE, Style.BLOCK_TITLE, Style.HEADER, Style.TOTAL})


def make_summary(book: xw.Book) -> None:
    """生成汇总: check the open workbook and write its 汇总 sheet (replacing our previous one)."""
    settings = load_settings(near=book_file(book))
    today = settings.today()
    raw = read_book(book)
    ledgers, findings = check_book(without_our_summaries(raw), settings=settings, today=today)
    if not ledgers.of_kind("problems") and not any(ledgers.of_kind(k) for k in HOUSEHOLD_KINDS):
        messages.show(book, messages.no_ledgers(ledgers.skipped), problem=True)
        return
    tables = build_summary([ledgers], findings, today=today, settings=settings)
    layout = lay_out(tables)
    state = marks.read_state(book)
    name, foreign = target_sheet(book)
    with com.quiet_screen(book), marks.all_or_nothing(book) as journal:
        sheet = own_sheets.replace_sheet(
            book, name, lambda s: write_summary_sheet(s, layout), state=state, journal=journal
        )
        sheet.activate()
    messages.show(book, messages.summary_done(as_of=today, sheet=name, foreign=foreign, figures=key_figures(tables)))


def without_our_summaries(raw: RawWorkbook) -> RawWorkbook:
    """The workbook without the 汇总 sheets we wrote: they are results, not ledgers."""
    return RawWorkbook(raw.path, [s for s in raw.sheets if not is_our_summary(_signature(s))])


def _signature(sheet: RawSheet) -> object:
    row, col = SIGNATURE_CELL
    return sheet.value(row - 1, col - 1)


def is_ours(book: xw.Book, name: str) -> bool:
    """The sheet is a 汇总 we wrote (its heading line carries our mark)."""
    return is_our_summary(book.sheets[name].range(SIGNATURE_CELL).value)


def target_sheet(book: xw.Book) -> tuple[str, bool]:
    """(sheet to write, whether a 汇总 of the user's own made us write to 汇总（整改助手）)."""
    return own_sheets.target_sheet(book, SUMMARY_SHEET, FALLBACK_SHEET, lambda n: is_ours(book, n), "汇总")


def write_summary_sheet(sheet: xw.Sheet, layout: SheetLayout) -> None:
    """Write the layout in bulk: number formats, values, styles, widths, frozen heading."""
    for fmt, col1, col2, first, last in layout.formats:
        sheet.range((first, col1), (last, col2)).number_format = fmt
    sheet.range((1, 1)).value = layout.cells
    for style, row, first, last in layout.styles:
        target = sheet.range((row, first), (row, last))
        if style in BOLD:
            target.font.bold = True
        if style is Style.TITLE:
            target.font.size = 14
        if style is Style.NOTE:
            target.font.italic = True
            target.font.color = "#7F7F7F"
        if style in FILLS:
            target.color = FILLS[style]
    for col, width in enumerate(layout.widths_unwrapped, start=1):
        com.set_column_width(sheet, col, width)
    com.freeze_header_row(sheet, rows=layout.freeze_rows)
