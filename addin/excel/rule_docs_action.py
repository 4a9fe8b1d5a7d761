"""规则说明: write what every rule checks, why, an example and how to fix it into the sheet 规则说明.

The rows come from :func:`addin.rules.docs.rule_docs` — the text of docs/rules.md —
for the rules in force for this workbook: the built-in catalogue plus the county's
``custom_rules``, with the county's overrides (title, message, severity; rules
switched off are left out). Written in bulk inside
:func:`addin.excel.marks.all_or_nothing`.

Data safety: the sheet 规则说明 is replaced only when it is ours — its A1 carries
:data:`OWN_MARK` (and it is recorded in ``_zhenggai`` with
:func:`addin.excel.marks.record_sheet`). A 规则说明 of the user's own is never
touched: the text goes to 规则说明（整改助手） instead, and the message says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from addin.excel import com, marks, messages, own_sheets
from addin.excel.book import book_file
from addin.rules.docs import SHEET_HEADER, rule_docs, sheet_rows
from addin.settings import load_settings

if TYPE_CHECKING:
    import xlwings as xw

RULE_DOCS_SHEET = "规则说明"
FALLBACK_SHEET = "规则说明（整改助手）"
OWN_MARK = "（整改助手生成）"
HEADER_ROW = 2
WIDTHS = (22, 14, 6, 40, 44, 44, 44, 44)  # characters, per column of SHEET_HEADER


def write_rule_docs(book: xw.Book) -> None:
    """规则说明: the rules in force for this workbook, one row each, in the sheet 规则说明 (ours replaced)."""
    settings = load_settings(near=book_file(book))
    docs = rule_docs(settings=settings.rule_settings)
    title = f"检查规则说明{OWN_MARK}：共 {len(docs)} 条规则"
    if settings.custom_rules:
        title += f"，其中本县自定 {len(settings.custom_rules)} 条"
    rows = [[title, *[""] * (len(SHEET_HEADER) - 1)], list(SHEET_HEADER), *sheet_rows(docs)]
    state = marks.read_state(book)
    name, foreign = target_sheet(book)
    with com.quiet_screen(book), marks.all_or_nothing(book) as journal:
        sheet = own_sheets.replace_sheet(book, name, lambda s: _fill(s, rows), state=state, journal=journal)
        sheet.activate()
    messages.show(book, messages.rule_docs_done(sheet=name, rules=len(docs), foreign=foreign))


def is_ours(book: xw.Book, name: str) -> bool:
    """A 规则说明 sheet we wrote: its A1 carries our mark."""
    value = book.sheets[name].range("A1").value
    return isinstance(value, str) and OWN_MARK in value


def target_sheet(book: xw.Book) -> tuple[str, bool]:
    """(sheet to write, whether a 规则说明 of the user's own made us write to 规则说明（整改助手）)."""
    return own_sheets.target_sheet(book, RULE_DOCS_SHEET, FALLBACK_SHEET, lambda n: is_ours(book, n), "规则说明")


def _fill(sheet: xw.Sheet, rows: Sequence[Sequence[str]]) -> None:
    """Text format first (2024-05-31 and ID numbers stay text), then one write, bold headers, widths."""
    width = len(SHEET_HEADER)
    sheet.range((1, 1), (len(rows), width)).number_format = "@"
    sheet.range((1, 1)).value = [list(r) for r in rows]
    sheet.range((1, 1)).font.bold = True
    sheet.range((HEADER_ROW, 1), (HEADER_ROW, width)).font.bold = True
    for column, chars in enumerate(WIDTHS, start=1):
        com.set_column_width(sheet, column, chars)
    com.freeze_header_row(sheet, rows=HEADER_ROW)
