"""An open xlwings Book → the core's :class:`RawWorkbook`, read once.

Every sheet's values are read in one bulk call each (the "snapshot"), then made to
look exactly like what python-calamine gives the CLI for the same file, so that the
ribbon and ``zhenggai check`` see identical values and report identical findings:

* empty cells are ``""``; whole numbers are floats (the remote engine gives ``int``,
  COM and calamine ``float``: never rely on the type, so make it one);
* a date without a time of day is a ``datetime.date`` (COM and the remote engine
  give midnight datetimes, calamine gives dates);
* merged ranges: neither engine can list merge areas cheaply (the remote engine not
  at all), so they are read from the workbook's file on disk when there is one, and
  otherwise, on Windows, through :func:`addin.excel.com.merged_ranges`.

The add-in's own sheets (检查结果, _zhenggai) are listed but not read: they are never
ledgers, and ``_zhenggai`` holds a large flags block.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import python_calamine as calamine

from addin.excel import com
from addin.ledger.reader import OWN_SHEETS
from addin.ledger.workbook import Merge, RawSheet, RawWorkbook

if TYPE_CHECKING:
    import xlwings as xw

log = logging.getLogger(__name__)

READ_CHUNK_ROWS = 10_000
"""Rows per COM read call: large single reads can time out (xlwings docs, datastructures)."""


def book_file(book: xw.Book) -> Path | None:
    """The workbook's file on disk, when it has one (never a bare name resolved against the cwd)."""
    try:
        path = Path(book.fullname)
    except Exception:
        return None
    return path if path.is_absolute() and path.is_file() else None


def read_book(book: xw.Book, *, include: Collection[str] = ()) -> RawWorkbook:
    """Every worksheet's values (and merged ranges) as the core reads them from a file.

    Our own sheets come back empty (they are never ledgers), except those named in
    ``include`` (e.g. 操作记录, which 撤销上次分配 reads).
    """
    path = book_file(book)
    merges = file_merges(path) if path is not None else None
    sheets = []
    for sheet in book.sheets:
        name = sheet.name
        visible = bool(sheet.visible)
        if name in OWN_SHEETS and name not in include:
            sheets.append(RawSheet(name=name, cells=[], visible=visible))
            continue
        cells = sheet_values(sheet)
        merged = merges[name] if merges is not None and name in merges else com.merged_ranges(sheet)
        sheets.append(RawSheet(name=name, cells=cells, merged=list(merged or []), visible=visible))
    return RawWorkbook(path=str(path) if path is not None else book.name, sheets=sheets)


def sheet_values(sheet: xw.Sheet) -> list[list[object]]:
    """The values from A1 to the last used cell, normalised like calamine's (one bulk read)."""
    last = sheet.used_range.last_cell
    block = sheet.range((1, 1), (last.row, last.column))
    values = block.options(ndim=2, chunksize=READ_CHUNK_ROWS, err_to_str=True).value
    as_is = _AS_IS  # most cells are text or floats already: keep the per-cell cost to a type lookup
    cells = [[v if type(v) in as_is else normalise(v) for v in row] for row in values]
    return cells if any(v != "" for row in cells for v in row) else []


_AS_IS = frozenset({str, float, bool, dt.date})


def normalise(value: object) -> object:
    """One cell value as python-calamine returns it for the same cell of a file."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() and value.tzinfo is None else value
    return value


def file_merges(path: Path) -> dict[str, list[Merge]] | None:
    """Merged ranges per sheet from the file on disk; None when the file cannot be read."""
    try:
        book = calamine.CalamineWorkbook.from_path(str(path))
    except Exception:
        log.debug("cannot read merges from %s", path, exc_info=True)
        return None
    out: dict[str, list[Merge]] = {}
    try:
        for meta in book.sheets_metadata:
            if meta.typ != calamine.SheetTypeEnum.WorkSheet or meta.name in OWN_SHEETS:
                continue
            ranges: Iterable[tuple[tuple[int, int], tuple[int, int]]] = (
                book.get_sheet_by_name(meta.name).merged_cell_ranges or []
            )
            out[meta.name] = [(r1, c1, r2, c2) for (r1, c1), (r2, c2) in ranges]
    except Exception:
        log.debug("cannot read merges from %s", path, exc_info=True)
        return None
    finally:
        book.close()
    return out
