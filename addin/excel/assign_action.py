"""分配责任人 and 撤销上次分配: the "六个一" owners written into the open workbook, and taken back.

分配责任人 runs :func:`addin.chain.run.assign_workbook` (the same as ``zhenggai
assign``) on the open book and then writes, in bulk: the owners into the empty
六个一归属/责任单位/责任领导/责任人 cells of each problem sheet (typed values are
never overwritten: a differing suggestion goes to a 建议… column of ours), the
检查结果 sheet with its 责任人 column and the marks (as 检查台账 does), the
六个一统计 sheet, and one row per written cell at the end of 操作记录.

撤销上次分配 reads 操作记录 back and restores the cells of the newest batch still in
force, except cells the user has changed since (they are listed, not touched).

Writes to the user's own sheets are taken back if anything later fails (on the
remote engine, nothing queued is sent at all).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import groupby
from typing import TYPE_CHECKING, Any

from addin.chain.audit import AUDIT_HEADER, AUDIT_SHEET, CellChange
from addin.chain.run import AssignRun, assign_workbook, plan_undo
from addin.chain.stats import STATS_SHEET
from addin.excel import com, marks, messages, own_sheets
from addin.excel.book import book_file, read_book
from addin.excel.findings_sheet import write_findings_sheet
from addin.report.findings import cell_marks, findings_rows
from addin.settings import load_settings
from addin.summary.layout import lay_out

if TYPE_CHECKING:
    import xlwings as xw


def assign_owners(book: xw.Book) -> None:
    """分配责任人: owners for every problem row and finding; 操作记录 makes it undoable."""
    settings = load_settings(near=book_file(book))
    today = settings.today()
    run = assign_workbook(read_book(book, include=[AUDIT_SHEET]), settings=settings, today=today)
    if not run.ledgers.tables:
        messages.show(book, messages.no_ledgers(run.ledgers.skipped), problem=True)
        return
    findings = [*run.findings, *run.notes]
    state = marks.read_state(book)
    plan = marks.plan_marks(book, cell_marks(findings), state)
    rows = findings_rows(findings, owners=run.owner_texts())
    with com.quiet_screen(book), marks.all_or_nothing(book) as journal:
        marks.remove_marks(book, state)
        write_findings_sheet(book, rows, journal)
        marks.write_marks(book, plan, journal)
        own_sheets.replace_sheet(
            book, STATS_SHEET, lambda sheet: write_stats_sheet(sheet, run), state=None, journal=None
        )
        new_audit = run.audit_rows()[len(run.previous_audit) :]
        append_audit(book, new_audit)
        with restoring(book, run.changes) as apply:
            apply()
    messages.show(book, messages.assign_done(run))


def undo_assignment(book: xw.Book) -> None:
    """撤销上次分配: restore the cells of the newest batch in 操作记录 that nobody edited since."""
    plan = plan_undo(read_book(book, include=[AUDIT_SHEET]))
    if plan.batch is None:
        messages.show(book, messages.NOTHING_TO_UNDO)
        return
    with com.quiet_screen(book), marks.all_or_nothing(book):
        with restoring(book, plan.changes) as apply:
            apply()
        append_audit(book, plan.added)
    messages.show(book, messages.undo_done(plan.batch, restored=len(plan.changes), kept=plan.kept))


def write_stats_sheet(sheet: xw.Sheet, run: AssignRun) -> None:
    """六个一统计 (ours by name: the reader never takes it for a ledger): values, bold headers and totals."""
    layout = lay_out(run.stats.tables)
    sheet.range((1, 1)).value = layout.cells
    for placed in layout.placed.values():
        sheet.range((placed.header_row, 1), (placed.header_row, placed.block.width)).font.bold = True
        if placed.total_row is not None:
            sheet.range((placed.total_row, 1), (placed.total_row, placed.block.width)).font.bold = True
    sheet.range((1, 1)).font.bold = True


def append_audit(book: xw.Book, rows: Sequence[Sequence[Any]]) -> None:
    """Add ``rows`` below the last row of 操作记录 (created with its header when missing), as text."""
    if not rows:
        return
    names = [s.name for s in book.sheets]
    if AUDIT_SHEET in names:
        sheet = book.sheets[AUDIT_SHEET]
        first = sheet.used_range.last_cell.row + 1
    else:
        sheet = book.sheets.add(AUDIT_SHEET, after=book.sheets[-1])
        sheet.range((1, 1), (1, len(AUDIT_HEADER))).number_format = "@"
        sheet.range((1, 1)).value = [list(AUDIT_HEADER)]
        sheet.range((1, 1), (1, len(AUDIT_HEADER))).font.bold = True
        first = 2
    last = first + len(rows) - 1
    sheet.range((first, 1), (last, len(AUDIT_HEADER))).number_format = "@"
    sheet.range((first, 1)).value = [[("" if v is None else v) for v in r] for r in rows]


def _runs(changes: Sequence[CellChange]) -> Iterator[tuple[str, int, int, list[Any]]]:
    """(sheet, first row, column, values) for runs of changes on consecutive rows of one column."""
    ordered = sorted(changes, key=lambda c: (c.sheet, c.col, c.row))
    for (sheet, col), group in groupby(ordered, key=lambda c: (c.sheet, c.col)):
        run: list[CellChange] = []
        for c in group:
            if run and c.row != run[-1].row + 1:
                yield sheet, run[0].row, col, [x.new for x in run]
                run = []
            run.append(c)
        if run:
            yield sheet, run[0].row, col, [x.new for x in run]


@contextmanager
def restoring(book: xw.Book, changes: Sequence[CellChange]) -> Iterator[Any]:
    """Yield a function writing ``changes`` in bulk; if anything fails later, the old values go back."""
    written: list[CellChange] = []

    def apply() -> None:
        for sheet, row, col, values in _runs(changes):
            target = book.sheets[sheet].range((row, col), (row + len(values) - 1, col))
            target.options(ndim=2).value = [[v] for v in values]
            written.extend(c for c in changes if c.sheet == sheet and c.col == col and row <= c.row < row + len(values))

    try:
        yield apply
    except BaseException:
        for c in written:
            book.sheets[c.sheet].range((c.row, c.col)).value = c.old
        raise
