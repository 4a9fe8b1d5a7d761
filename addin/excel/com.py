"""The engine-specific corner of the ribbon actions: everything that differs between
desktop Excel (COM) and the remote engine (xlwings Server / the test harness).

Action code uses the portable subset of the xlwings Book API (xlwings.md §3). What
that subset cannot do is asked for here, and every function degrades to "not
available" (``False`` / ``None``) on an engine that cannot do it, so the caller can
skip the nicety instead of failing the button. This is the only module that touches
``.api`` (the native object of the engine: a pywin32 COM object on Windows, the
payload dict on the remote engine).
"""

from __future__ import annotations

import contextlib
import logging
import re
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from addin.ledger.workbook import Merge

if TYPE_CHECKING:
    import xlwings as xw

log = logging.getLogger(__name__)

_ADDRESS = re.compile(r"^\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?$")


def engine_name(book: xw.Book) -> str:
    """The engine's name: "excel" (desktop, COM or AppleScript), "remote", "calamine" …; "" when unknown."""
    try:
        return str(book.app.engine.name)
    except Exception:
        return ""


def is_remote(book: xw.Book) -> bool:
    """True on the remote engine: reads come from the request's snapshot, writes are queued actions."""
    return engine_name(book) == "remote"


def is_com(book: xw.Book) -> bool:
    """True when the book is driven live through COM (Windows desktop Excel)."""
    return sys.platform == "win32" and engine_name(book) == "excel"


def notes_supported(sheet: xw.Sheet) -> bool:
    """Whether cell notes can be read and written: Windows Excel, or an Office.js client (ExcelApi 1.18)."""
    if is_com(sheet.book):
        return True
    if not is_remote(sheet.book):
        return False
    try:
        return (
            _remote_client(sheet.book) == "Office.js"
            and sheet.api.get("notes_supported") is not False
            and sheet.api.get("notes") is not None
        )
    except Exception:
        return False


def note_text_readable(book: xw.Book) -> bool:
    """Whether the text of an existing note can be read now (the remote engine only knows where notes are)."""
    return is_com(book)


def _remote_client(book: xw.Book) -> str:
    api: dict[str, Any] = book.api
    return str(api.get("client", ""))


# --------------------------------------------------------------------------- queued writes (remote)
def queued_actions(book: xw.Book) -> int | None:
    """How many write actions the remote engine has queued so far; None on live engines."""
    if not is_remote(book):
        return None
    try:
        return len(book.json()["actions"])
    except Exception:
        return None


def discard_actions(book: xw.Book, keep: int) -> bool:
    """Drop every action queued after the first ``keep``: nothing of them reaches the workbook."""
    try:
        del book.json()["actions"][keep:]
    except Exception:
        return False
    return True


# --------------------------------------------------------------------------- screen updating
@contextlib.contextmanager
def quiet_screen(book: xw.Book) -> Iterator[None]:
    """Turn Excel's screen updating off while writing (many calls through COM), then back on.

    Only on a live desktop engine: the remote engine would queue it as two more
    actions for nothing, since its client applies every write in one batch anyway.
    """
    if not is_com(book):
        yield
        return
    app = book.app
    try:
        app.screen_updating = False
    except Exception:
        log.debug("screen_updating failed", exc_info=True)
    try:
        yield
    finally:
        with contextlib.suppress(Exception):
            app.screen_updating = True


# --------------------------------------------------------------------------- freeze panes
def freeze_header_row(sheet: xw.Sheet, rows: int = 1) -> bool:
    """Freeze the first ``rows`` rows of ``sheet``; False when the engine cannot (then the sheet simply scrolls).

    xlwings 0.37.8 implements ``Sheet.freeze_panes`` for the remote engine only; on
    Windows the window of the (activated) sheet is frozen through COM.
    """
    try:
        sheet.freeze_panes.freeze_at(f"1:{rows}")
        return True
    except (AttributeError, NotImplementedError):
        pass
    except Exception:
        log.debug("freeze_panes failed", exc_info=True)
        return False
    if not is_com(sheet.book):
        return False
    try:
        sheet.activate()
        window = sheet.book.app.api.ActiveWindow
        window.FreezePanes = False
        window.SplitColumn = 0
        window.SplitRow = rows
        window.FreezePanes = True
        return True
    except Exception:
        log.debug("COM FreezePanes failed", exc_info=True)
        return False


# --------------------------------------------------------------------------- column widths
def set_column_width(sheet: xw.Sheet, column: int, chars: float) -> None:
    """Set a column's width in Excel's character units on every engine.

    Desktop engines take characters; the remote engine (Office.js) takes points, so
    the width is converted with Excel's rule for its default font: pixels = 7 per
    character + 5 of padding, points = pixels × 0.75.
    """
    width = (chars * 7 + 5) * 0.75 if is_remote(sheet.book) else chars
    sheet.range((1, column)).column_width = width


# --------------------------------------------------------------------------- merged ranges (COM)
_FIND_LIMIT = 20_000


def merged_ranges(sheet: xw.Sheet) -> list[Merge] | None:
    """The merge areas of a live sheet through COM, or None when not available.

    Excel has no "list the merged areas" call; ``Find`` with a search format of
    "merged" visits each merged cell's area once. Used only when the workbook has no
    file on disk to read the merges from (a new, never saved workbook).
    """
    if not is_com(sheet.book):
        return None
    app = None
    try:
        app = sheet.book.app.api
        used = sheet.api.UsedRange
        if used.MergeCells is False:
            return []
        app.FindFormat.Clear()
        app.FindFormat.MergeCells = True
        found: list[Merge] = []
        seen: set[str] = set()
        cell = used.Find(What="", LookAt=2, SearchFormat=True)
        while cell is not None and len(seen) < _FIND_LIMIT:
            address = str(cell.MergeArea.Address)
            if address in seen:
                break
            seen.add(address)
            merge = _parse_area(address)
            if merge is not None:
                found.append(merge)
            last = cell.MergeArea.Cells(cell.MergeArea.Cells.Count)
            cell = used.Find(What="", After=last, LookAt=2, SearchFormat=True)
        return found
    except Exception:
        log.debug("COM merged ranges failed", exc_info=True)
        return None
    finally:
        if app is not None:
            with contextlib.suppress(Exception):
                app.FindFormat.Clear()


def _parse_area(address: str) -> Merge | None:
    """An A1 area as 0-based inclusive bounds: "$A$5:$A$6" → (4, 0, 5, 0)."""
    match = _ADDRESS.match(address)
    if match is None:
        return None
    c1, r1, c2, r2 = match.group(1), int(match.group(2)), match.group(3), match.group(4)
    col1 = _col(c1)
    if c2 is None:
        return (r1 - 1, col1 - 1, r1 - 1, col1 - 1)
    return (r1 - 1, col1 - 1, int(r2) - 1, _col(c2) - 1)


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


# --------------------------------------------------------------------------- conditional formats
def list_conditional_formats(rng: xw.Range) -> list[xw.main.ConditionalFormat] | None:
    """Every conditional-format rule on ``rng`` (highest priority first), or None when the engine
    cannot list them: the remote engine of xlwings 0.37.8 can only add rules and clear a range."""
    try:
        return list(rng.conditional_formats)
    except NotImplementedError:
        return None
