"""月度排名: rank the month of the settings' as-of date from the open workbook into the sheet 排名.

Read once, compute with the core (:func:`addin.summary.ranking_run.rank_books`, the same
as ``zhenggai rank``), write in bulk inside :func:`addin.excel.marks.all_or_nothing`.
The button never publishes to the ranking history (publishing is the county
office's ``zhenggai rank --publish``); when the history database exists it shows the
ladder counts from it, as publishing this month would make them.

Data safety: the sheet 排名 is replaced only when it is ours — recorded in
``_zhenggai`` by :func:`addin.excel.marks.record_sheet` and carrying our title in A1
(a record alone could outlive our sheet, after which a user's new 排名 must not be
taken for ours). Otherwise the result goes to 排名（整改助手）, and the message says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import TYPE_CHECKING

from addin.check import check_book
from addin.excel import com, marks, messages, own_sheets
from addin.excel.book import book_file, read_book
from addin.settings import load_settings
from addin.summary.history import default_path
from addin.summary.month import Month
from addin.summary.ranking_run import RankingRun, rank_books, use_history
from addin.summary.ranking_scores import KIND, OWN_TITLE_MARK
from addin.summary.ranking_sheet import FALLBACK_SHEET, HEADER_ROW, RANKING_SHEET, headline_lines, sheet_rows

if TYPE_CHECKING:
    import xlwings as xw

NUMBER_COLUMNS = frozenset({3, 5, 10, 12})  # 名次, 得分, 组内名次, 后三名累计次数 (1-based)
REMARK_COLUMN = 14


def monthly_ranking(book: xw.Book) -> None:
    """月度排名: the 排名 sheet for the month of the as-of date; the ladder from the history when it exists."""
    path = book_file(book)
    settings = load_settings(near=path)
    today = settings.today()
    ledgers, findings = check_book(read_book(book), settings=settings, today=today)
    if not ledgers.of_kind("problems") and not ledgers.of_kind(KIND):
        messages.show(book, messages.NO_PROBLEM_LEDGER, problem=True)
        return
    run = rank_books([ledgers], findings, month=Month.of(today), as_of=today, settings=settings)
    use_history(run, settings.history_db or (default_path(path) if path is not None else None), publish=False)
    rows = sheet_rows(run.ranking, as_of=today, state=run.state)
    notes = run.summary_notes()
    state = marks.read_state(book)
    name, foreign = own_sheets.target_sheet(
        book, RANKING_SHEET, FALLBACK_SHEET, lambda candidate: is_ours(book, candidate), "排名"
    )
    with com.quiet_screen(book), marks.all_or_nothing(book) as journal:
        sheet = own_sheets.replace_sheet(
            book, name, lambda s: write_ranking_sheet(s, rows, notes), state=state, journal=journal
        )
        sheet.activate()
    messages.show(book, done_message(run, name, foreign))


def is_ours(book: xw.Book, name: str) -> bool:
    """A sheet we generated: its A1 carries our title (see the module docstring)."""
    value = book.sheets[name].range("A1").value
    return isinstance(value, str) and OWN_TITLE_MARK in value


def write_ranking_sheet(sheet: xw.Sheet, rows: Sequence[Sequence[object]], notes: Sequence[str]) -> None:
    """Title, header, unit rows and the notes below them, in one bulk write each."""
    width = len(rows[1])
    body = [list(r) for r in rows]
    below = [[""] * width, ["说明", *[""] * (width - 1)], *([n, *[""] * (width - 1)] for n in notes)]
    last = len(body) + len(below)
    for first, end in _text_spans(width):
        sheet.range((1, first), (last, end)).number_format = "@"
    sheet.range((1, 1)).value = body + below
    sheet.range((1, 1)).font.bold = True
    sheet.range((HEADER_ROW, 1), (HEADER_ROW, width)).font.bold = True
    sheet.range((len(body) + 2, 1)).font.bold = True
    sheet.range((HEADER_ROW, 1), (len(body), REMARK_COLUMN - 1)).columns.autofit()
    com.freeze_header_row(sheet, rows=HEADER_ROW)


def _text_spans(width: int) -> list[tuple[int, int]]:
    """1-based inclusive column spans formatted as text, so Excel keeps 2024-05 and names as written."""
    columns = range(1, width + 1)
    runs = [list(g) for is_text, g in groupby(columns, key=lambda c: c not in NUMBER_COLUMNS) if is_text]
    return [(run[0], run[-1]) for run in runs]


def done_message(run: RankingRun, sheet: str, foreign: bool) -> str:
    return messages.ranking_done(
        month=run.ranking.month.label,
        evaluated_at=run.evaluated_at,
        sheet=sheet,
        foreign=foreign,
        headlines=headline_lines(run.ranking),
        history=run.history_path,
        notes=len(run.notes),
    )
