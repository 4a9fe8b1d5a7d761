"""The one entry point of the ribbon: ``dispatch(tag)`` runs the button's action.

The VBA callback of every button runs
``RunPython "import addin.excel.ribbon as r; r.dispatch('<tag>')"``. Whatever
happens, the user sees one Chinese message box and never a Python traceback:

* an unknown tag → a message, nothing else;
* a :class:`~addin.errors.ZhenggaiError` (a settings file with a mistake, a limit
  exceeded …) → its own message, which already says what to do;
* any other exception → a one-line summary; the traceback goes to a log file under
  the user's config folder, named in the message, for support.

After a failure the workbook is as it was: on the remote engine every queued write
of the action is dropped; on a live engine the action has already taken back what
it wrote (:func:`addin.excel.marks.all_or_nothing`).
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from addin.errors import ZhenggaiError
from addin.excel import com, messages
from addin.excel.actions import ACTIONS
from addin.excel.marks import RollbackFailed
from addin.settings import user_config_dir

if TYPE_CHECKING:
    import xlwings as xw

log = logging.getLogger(__name__)

LOG_NAME = "ribbon-errors.log"


def log_file() -> Path:
    """Where tracebacks of failed button clicks are kept for support."""
    return user_config_dir() / "logs" / LOG_NAME


def dispatch(tag: str, book: xw.Book | None = None) -> None:
    """Run the action behind the button ``tag`` on ``book`` (default: the workbook Excel called from)."""
    if book is None:
        import xlwings as xw

        book = xw.Book.caller()
    action = ACTIONS.get(tag)
    if action is None:
        messages.show(book, messages.unknown_action(tag), problem=True)
        return
    keep = com.queued_actions(book)
    try:
        action.run(book)
    except Exception as exc:
        restored = not isinstance(exc, RollbackFailed)
        original = exc.original if isinstance(exc, RollbackFailed) else exc
        if keep is not None:
            restored = com.discard_actions(book, keep)
        if isinstance(original, ZhenggaiError):
            reason, where = str(original), None
        else:
            reason, where = messages.internal_error(original), write_log(tag, book, exc)
        messages.show(book, messages.failed(action.label, reason, restored=restored, log_file=where), problem=True)


def write_log(tag: str, book: xw.Book, exc: BaseException) -> Path | None:
    """Append the traceback to the support log; None when even that is impossible."""
    path = log_file()
    try:
        name = book.name
    except Exception:
        name = "?"
    entry = (
        f"=== {dt.datetime.now().isoformat(timespec='seconds')} 按钮 {tag} 工作簿 {name}\n"
        + "".join(traceback.format_exception(exc))
        + "\n"
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(entry)
    except OSError:
        log.exception("cannot write %s", path)
        return None
    return path
