"""Marks on the user's sheets that never touch the user's own formats, and their exact removal.

How a flagged cell is marked (design §6):

* the hidden sheet ``_zhenggai`` holds one block of flags per flagged sheet: the
  flagged sheet's rows from its first to its last flagged row, one column per
  column of the flagged area; 2 = error, 1 = warning, empty = clean (提示 findings
  flag no cell, see :func:`addin.report.findings.cell_marks`). Each block is one bulk write;
* each flagged sheet gets two conditional formats over its flagged area (errors
  light red FFC7CE, warnings yellow FFEB9C) whose formula looks the flag up at the
  same address on ``_zhenggai``: ``=INDEX('_zhenggai'!$F$1:$Q$120,ROW(),COLUMN()-1)=2``.
  The formula has no relative reference, so it means the same whichever cell is
  active when Excel's COM ``FormatConditions.Add`` parses it (a relative one would
  be read relative to the active cell), and it carries our signature
  ``'_zhenggai'!``, by which the rules are recognised again;
* the reasons are in 检查结果, and also in a note on flagged cells that have no note
  of their own, where the engine supports notes (Windows Excel; on the remote engine
  only an Office.js client). A cell that already has a note keeps it untouched: the
  remote engine cannot read a note's text to save it, and COM may cut a note text
  written back at 255 characters (MS KB 213841), so overwriting and "restoring" could
  not be exact; not writing is;
* a small index on ``_zhenggai`` itself (A1:D…) lists every flagged area and every
  note we added, so removal knows what is ours.

Removal (清除标记, and before a rerun): our conditional formats go first, then our
notes, then the sheets 检查结果 and ``_zhenggai``. xlwings 0.37.8 offers, for
conditional formats: adding, listing and deleting single rules on COM (and Mac), but
on the remote engine only ``clear()`` of every rule on a range (``clearConditionalFormats``)
— it can neither list rules nor delete one it did not create in the same call. So on
COM each rule of a flagged sheet whose formula carries our signature is deleted by
itself and the user's rules are never touched, even where they overlap ours; on the
remote engine the recorded flagged areas are cleared, which is exact as long as no
rule of the user's applies to a flagged area (a user rule overlapping one loses the
overlapping cells there, like Excel's "clear rules from selected cells").
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from addin.errors import ZhenggaiError
from addin.excel import com
from addin.ledger.table import cell_address, column_letter
from addin.report.findings import FINDINGS_SHEET, Mark
from addin.rules.model import Severity

if TYPE_CHECKING:
    import xlwings as xw

FLAGS_SHEET = "_zhenggai"
SIGNATURE = f"'{FLAGS_SHEET}'!"
FLAG_ERROR, FLAG_WARNING = 2, 1
STYLES: dict[int, tuple[str, str]] = {FLAG_ERROR: ("#FFC7CE", "#9C0006"), FLAG_WARNING: ("#FFEB9C", "#9C5700")}
"""Flag → (fill, font colour): Excel's own "light red fill with dark red text" and its yellow twin."""

NOTE_LIMIT = 500
"""At most this many notes per run: each costs a few calls through COM, and every reason is in 检查结果 anyway."""
WRITE_CHUNK_ROWS = 10_000
NOTE_MAX_CHARS = 255
NOTE_HEADER = "整改助手检查："

INDEX_TITLE = "整改台账助手的标记数据：请勿修改或删除本表（点击“清除标记”会自动删除）"
INDEX_HEADER = ["类别", "工作表", "位置", "标记列"]
INDEX_ROW0 = 3  # first entry row of the index
KIND_AREA = "标记区域"
KIND_NOTE = "批注"
KIND_SHEET = "生成的工作表"  # a sheet another button generated (排名, 汇总 …): see record_sheet
FIRST_BLOCK_COLUMN = 6  # F: the flag blocks start right of the index
MAX_COLUMN = 16_384


@dataclass(frozen=True, slots=True)
class Area:
    """A flagged sheet's marked area (1-based, inclusive) and where its flags sit on ``_zhenggai``."""

    sheet: str
    first_row: int
    first_col: int
    last_row: int
    last_col: int
    flag_col: int

    @property
    def address(self) -> str:
        return f"{cell_address(self.first_row, self.first_col)}:{cell_address(self.last_row, self.last_col)}"

    def formula(self, flag: int) -> str:
        """The conditional-format formula: true where the flag at the same address equals ``flag``."""
        last_flag_col = self.flag_col + self.last_col - self.first_col
        block = f"${column_letter(self.flag_col)}$1:${column_letter(last_flag_col)}${self.last_row}"
        shift = self.first_col - 1
        column = f"COLUMN()-{shift}" if shift else "COLUMN()"
        return f"=INDEX({SIGNATURE}{block},ROW(),{column})={flag}"


@dataclass
class MarkState:
    """What of ours is in a workbook: read from ``_zhenggai``, or recorded while writing."""

    areas: list[Area] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (sheet, cell) of notes we added
    findings_sheet: bool = False
    flags_sheet: bool = False
    sheets: list[str] = field(default_factory=list)  # sheets other buttons generated; kept across reruns

    @property
    def empty(self) -> bool:
        return not (self.areas or self.notes or self.findings_sheet or self.flags_sheet)


@dataclass
class SheetFlags:
    """One flagged sheet's area and its block of flags (rows × columns of the area)."""

    area: Area
    values: list[list[int | None]]
    flags: frozenset[int]


@dataclass
class MarkPlan:
    """Everything :func:`write_marks` will write, computed before anything is written."""

    sheets: list[SheetFlags] = field(default_factory=list)
    notes: list[tuple[str, str, str]] = field(default_factory=list)  # (sheet, cell, text)
    kept_user_notes: int = 0  # flagged cells whose own note we left alone
    notes_over_limit: int = 0
    generated: list[str] = field(default_factory=list)  # records of generated sheets to keep (see record_sheet)

    @property
    def empty(self) -> bool:
        return not (self.sheets or self.notes)


# --------------------------------------------------------------------------- reading what is there
def read_state(book: xw.Book) -> MarkState:
    """Our sheets and the index of ``_zhenggai`` (from the snapshot, before any write)."""
    names = [s.name for s in book.sheets]
    state = MarkState(findings_sheet=FINDINGS_SHEET in names, flags_sheet=FLAGS_SHEET in names)
    if not state.flags_sheet:
        return state
    sheet = book.sheets[FLAGS_SHEET]
    last = sheet.range((INDEX_ROW0 - 1, 1)).expand("down").last_cell.row
    if last < INDEX_ROW0:
        return state
    rows = sheet.range((INDEX_ROW0, 1), (last, len(INDEX_HEADER))).options(ndim=2).value
    for kind, sheet_name, where, flag_col in rows:
        if kind == KIND_SHEET and isinstance(sheet_name, str):  # its 位置 cell is empty: read back as None
            state.sheets.append(sheet_name)
            continue
        if not isinstance(sheet_name, str) or not isinstance(where, str):
            continue
        if kind == KIND_NOTE:
            state.notes.append((sheet_name, where))
        elif kind == KIND_AREA:
            area = _parse_area(sheet_name, where, flag_col)
            if area is not None:
                state.areas.append(area)
    return state


def _parse_area(sheet: str, where: str, flag_col: object) -> Area | None:
    from addin.ledger.table import column_index

    try:
        first, last = where.split(":")
        (r1, c1), (r2, c2) = column_index(first), column_index(last)
        fc = column_index(f"{flag_col}1")[1] if isinstance(flag_col, str) and flag_col else 0
    except (ValueError, TypeError):
        return None
    return Area(sheet, r1, c1, r2, c2, fc)


# --------------------------------------------------------------------------- planning
def plan_marks(book: xw.Book, marks: Sequence[Mark], state: MarkState, *, note_limit: int | None = None) -> MarkPlan:
    """Flags blocks and notes for ``marks``; reads which flagged cells already carry a note."""
    plan = MarkPlan(generated=list(state.sheets))
    by_sheet: dict[str, list[Mark]] = {}
    for m in marks:
        by_sheet.setdefault(m.sheet, []).append(m)
    flag_col = FIRST_BLOCK_COLUMN
    for name, items in by_sheet.items():
        r1, r2 = min(m.row for m in items), max(m.row for m in items)
        c1, c2 = min(m.column for m in items), max(m.column for m in items)
        if flag_col + c2 - c1 > MAX_COLUMN:
            raise ZhenggaiError("有问题的工作表太多，标记数据超出了 Excel 的最大列数", remedy="请分几个工作簿检查")
        values: list[list[int | None]] = [[None] * (c2 - c1 + 1) for _ in range(r2 - r1 + 1)]
        for m in items:
            values[m.row - r1][m.column - c1] = FLAG_ERROR if m.severity is Severity.ERROR else FLAG_WARNING
        flags = frozenset(v for row in values for v in row if v is not None)
        plan.sheets.append(SheetFlags(Area(name, r1, c1, r2, c2, flag_col), values, flags))
        flag_col += c2 - c1 + 1
    _plan_notes(book, marks, state, plan, NOTE_LIMIT if note_limit is None else note_limit)
    return plan


def _plan_notes(book: xw.Book, marks: Sequence[Mark], state: MarkState, plan: MarkPlan, limit: int) -> None:
    ours = set(state.notes)
    sheets = {s.name: s for s in book.sheets}
    supported: dict[str, bool] = {}
    for m in marks:
        sheet = sheets.get(m.sheet)
        if sheet is None:
            continue
        if m.sheet not in supported:
            supported[m.sheet] = com.notes_supported(sheet)
        if not supported[m.sheet]:
            continue
        if len(plan.notes) >= limit:
            plan.notes_over_limit += 1
            continue
        cell = cell_address(m.row, m.column)
        if (m.sheet, cell) not in ours and sheet.range(cell).note is not None:
            plan.kept_user_notes += 1
            continue
        plan.notes.append((m.sheet, cell, note_text(m.text)))


def note_text(reasons: str) -> str:
    """Our note: a header line and the reasons, cut to what every engine writes in one call."""
    text = f"{NOTE_HEADER}\n{reasons}"
    if len(text) <= NOTE_MAX_CHARS:
        return text
    tail = "…（详见“检查结果”表）"
    return text[: NOTE_MAX_CHARS - len(tail)] + tail


# --------------------------------------------------------------------------- writing
@contextmanager
def all_or_nothing(book: xw.Book) -> Iterator[MarkState]:
    """Record what is written; if anything fails, take it all back, then re-raise.

    On the remote engine writes are only queued, so taking back is dropping them;
    on a live engine (COM) everything recorded is removed again.
    """
    keep = com.queued_actions(book)
    journal = MarkState()
    try:
        yield journal
    except BaseException as exc:
        if keep is not None and com.discard_actions(book, keep):
            raise
        try:
            remove_marks(book, journal)
        except Exception as undo_exc:
            raise RollbackFailed(exc) from undo_exc
        raise


class RollbackFailed(Exception):
    """Writing failed and taking back what was written failed too: the workbook may hold part of a run."""

    def __init__(self, original: BaseException) -> None:
        self.original = original
        super().__init__(f"{type(original).__name__}: {original}")


def write_marks(book: xw.Book, plan: MarkPlan, journal: MarkState) -> None:
    """Create ``_zhenggai`` (hidden) with its index and flags, then the rules and notes.

    The plan's ``generated`` sheets (recorded by an earlier :func:`record_sheet`) are
    recorded again, so that a rerun of 检查台账 does not forget them.
    """
    if plan.empty and not plan.generated:
        return
    flags = book.sheets.add(FLAGS_SHEET, after=book.sheets[-1])
    journal.flags_sheet = True
    flags.visible = False
    index = _index_rows(plan)
    flags.range((1, 1), (len(index), len(INDEX_HEADER))).number_format = "@"
    flags.range((1, 1)).value = index
    for sf in plan.sheets:
        flags.range((sf.area.first_row, sf.area.flag_col)).options(chunksize=WRITE_CHUNK_ROWS).value = sf.values
    sheets = {s.name: s for s in book.sheets}
    for sf in plan.sheets:
        area = sf.area
        target = sheets[area.sheet].range((area.first_row, area.first_col), (area.last_row, area.last_col))
        journal.areas.append(area)
        for flag in (FLAG_WARNING, FLAG_ERROR):  # added last = highest priority
            if flag in sf.flags:
                fill, font = STYLES[flag]
                target.conditional_formats.add_custom(area.formula(flag), fill_color=fill, font_color=font)
    for sheet_name, cell, text in plan.notes:
        sheets[sheet_name].range(cell).add_note(text)
        journal.notes.append((sheet_name, cell))


def _index_rows(plan: MarkPlan) -> list[list[str]]:
    rows = [[INDEX_TITLE, "", "", ""], list(INDEX_HEADER)]
    rows += [[KIND_SHEET, name, "", ""] for name in plan.generated]
    for sf in plan.sheets:
        rows.append([KIND_AREA, sf.area.sheet, sf.area.address, column_letter(sf.area.flag_col)])
    for sheet_name, cell, _text in plan.notes:
        rows.append([KIND_NOTE, sheet_name, cell, ""])
    return rows


def record_sheet(book: xw.Book, state: MarkState, name: str, journal: MarkState) -> None:
    """Note in ``_zhenggai``'s index that the add-in generated sheet ``name`` (creating ``_zhenggai`` if needed).

    Buttons that write a sheet of their own (月度排名 → 排名) use the record to know that a
    sheet of that name is theirs to replace; a sheet of the same name that is not
    recorded belongs to the user and is never overwritten.
    """
    if name in state.sheets:
        return
    record = [[KIND_SHEET, name, "", ""]]
    if state.flags_sheet:
        flags = book.sheets[FLAGS_SHEET]
        row = flags.range((INDEX_ROW0 - 1, 1)).expand("down").last_cell.row + 1
        flags.range((row, 1), (row, len(INDEX_HEADER))).number_format = "@"
        flags.range((row, 1)).value = record
    else:
        flags = book.sheets.add(FLAGS_SHEET, after=book.sheets[-1])
        journal.flags_sheet = True
        flags.visible = False
        rows = [[INDEX_TITLE, "", "", ""], list(INDEX_HEADER), *record]
        flags.range((1, 1), (len(rows), len(INDEX_HEADER))).number_format = "@"
        flags.range((1, 1)).value = rows
        state.flags_sheet = True
    state.sheets.append(name)


# --------------------------------------------------------------------------- removing
def remove_marks(book: xw.Book, state: MarkState) -> int:
    """Remove exactly what ``state`` lists; returns how many of our notes were removed."""
    sheets = {s.name: s for s in book.sheets}
    for name in dict.fromkeys(a.sheet for a in state.areas):
        if name in sheets:
            _remove_rules(sheets[name], [a for a in state.areas if a.sheet == name])
    removed = 0
    for sheet_name, cell in reversed(state.notes):
        if sheet_name not in sheets:
            continue
        note = sheets[sheet_name].range(cell).note
        if note is not None:
            note.delete()
            removed += 1
    for name, present in ((FLAGS_SHEET, state.flags_sheet), (FINDINGS_SHEET, state.findings_sheet)):
        if present and name in sheets:
            sheets[name].delete()
    return removed


def _remove_rules(sheet: xw.Sheet, areas: Sequence[Area]) -> None:
    rules = com.list_conditional_formats(sheet.cells)
    if rules is None:  # the engine cannot list rules: clear our recorded areas
        for area in areas:
            sheet.range(area.address).conditional_formats.clear()
        return
    for rule in reversed(rules):
        if is_ours(rule):
            rule.delete()


def is_ours(rule: xw.main.ConditionalFormat) -> bool:
    """A conditional-format rule we added: a formula rule that looks up ``_zhenggai``."""
    try:
        return rule.type == "custom" and SIGNATURE in (rule.formula or "")
    except Exception:
        return False
