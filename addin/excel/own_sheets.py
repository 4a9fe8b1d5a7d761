"""Sheets a button writes whole (汇总, 规则说明 …): where to write, and putting a new one where the old stood.

A sheet of ours is recognised by a mark in its own cells (the button's ``is_ours``),
so a rerun replaces it in place; a sheet of the same name that is the user's is never
touched — the button writes to its fallback name instead, and refuses when that
name is taken by the user too.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from addin.errors import UsageError
from addin.excel import com, marks

if TYPE_CHECKING:
    import xlwings as xw


def target_sheet(
    book: xw.Book, name: str, fallback: str, is_ours: Callable[[str], bool], what: str
) -> tuple[str, bool]:
    """(sheet to write, whether a sheet ``name`` of the user's own made us write to ``fallback``).

    Ours is replaced where it is (under either name), so reruns never leave two;
    otherwise ``name`` when it is free, else ``fallback``.
    """
    names = {s.name for s in book.sheets}
    foreign = name in names and not is_ours(name)
    for candidate in (name, fallback):
        if candidate in names and is_ours(candidate):
            return candidate, foreign
    if not foreign:
        return name, False
    if fallback in names:
        raise UsageError(
            f"工作簿中已有“{name}”和“{fallback}”两张不是整改助手生成的工作表，为避免覆盖，没有写入{what}",
            remedy="请把其中一张改名后重试",
        )
    return fallback, True


def position(book: xw.Book, name: str) -> int | None:
    """0-based index of the sheet ``name``, or None when there is none."""
    return next((i for i, s in enumerate(book.sheets) if s.name == name), None)


def add_sheet(book: xw.Book, name: str, at: int | None) -> xw.Sheet:
    """A new sheet at index ``at`` (where the previous one stood), else at the end."""
    sheets = book.sheets
    if at == 0:
        return sheets.add(name, before=sheets[0])
    if at is not None and at <= len(sheets):
        return sheets.add(name, after=sheets[at - 1])  # "after" means the same on every engine
    return sheets.add(name, after=sheets[-1])


def replace_sheet(
    book: xw.Book,
    name: str,
    fill: Callable[[xw.Sheet], None],
    *,
    state: marks.MarkState | None,
    journal: marks.MarkState | None,
) -> xw.Sheet:
    """A fresh sheet ``name`` where ours stood (else at the end), filled by ``fill`` and recorded in ``_zhenggai``.

    ``state=None``: not recorded — for a sheet that is ours by its name alone (see
    ``addin.ledger.reader.OWN_SHEETS``) written in the same run as the marks, which
    rewrite ``_zhenggai`` themselves.

    If ``fill`` fails on a live engine the half-filled sheet is removed again (the
    remote engine drops every queued write itself); the error goes on to the caller.
    """
    at = position(book, name)
    if at is not None:
        book.sheets[name].delete()
    sheet = add_sheet(book, name, at)
    try:
        fill(sheet)
    except BaseException:
        if com.is_com(book):
            with contextlib.suppress(Exception):
                sheet.delete()
        raise
    if state is not None and journal is not None:
        marks.record_sheet(book, state, name, journal)
    return sheet
