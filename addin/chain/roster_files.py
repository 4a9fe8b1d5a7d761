"""Reading the roster workbook that ``roster`` in zhenggai.json names, once per version of the file.

A batch over 17 townships' files checks each against the same roster, so the
roster workbook is read once and kept while its size and modification time stay
the same. Only its roster sheets are kept: a household ledger that happens to
stand in the roster workbook belongs to that workbook's own check.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path

from addin.errors import FileMissing, InputError
from addin.ledger.reader import WorkbookLedgers, read_ledgers
from addin.settings import Settings

ROSTER_KINDS = ("roster_villages", "roster_households", "roster_townships", "roster_departments", "roster_discipline")
"""The ledger kinds (templates/ledgers/roster_*.json) a roster workbook is made of."""

SETTINGS_HINT = "请检查 zhenggai.json 中“roster”的路径（相对路径以设置文件所在文件夹为准）"

_CACHE: dict[tuple[object, ...], WorkbookLedgers] = {}


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two paths name the same file (relative or absolute, any spelling)."""
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return str(a) == str(b)


def read_roster_file(
    path: str | Path, *, settings: Settings, today: dt.date, skip: Iterable[str | Path] = ()
) -> WorkbookLedgers | None:
    """The roster tables of a roster workbook, or None when it is one of ``skip`` (already being read).

    Raises :class:`FileMissing` (and the other InputErrors of the reader) naming
    the file, and :class:`InputError` when it holds no roster sheet at all.
    """
    path = Path(path)
    if any(same_file(path, other) for other in skip):
        return None
    if not path.exists():
        raise FileMissing(path, "设置文件中 roster 指定的责任体系花名册不存在", remedy=SETTINGS_HINT)
    stat = path.stat()
    overrides = json.dumps(settings.sheet_kinds, sort_keys=True, ensure_ascii=False)
    limits = (settings.max_file_mb, settings.max_rows, settings.params.get("immediate_days", 7))
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size, today, overrides, limits)
    book = _CACHE.get(key)
    if book is None:
        read = read_ledgers(
            str(path),
            today=today,
            kind_overrides=settings.sheet_kinds,
            immediate_days=int(settings.params.get("immediate_days", 7)),
            max_mb=settings.max_file_mb,
            max_rows=settings.max_rows,
        )
        tables = [t for t in read.tables if t.kind in ROSTER_KINDS]
        if not tables:
            raise InputError(
                path,
                "不是责任体系花名册：没有找到村级责任人、帮扶责任人、乡镇领导、责任单位或督查机构的工作表",
                remedy=f"请按 templates/责任体系花名册.xlsx 的格式填写，或{SETTINGS_HINT}",
            )
        book = WorkbookLedgers(path=read.path, tables=tables, skipped=read.skipped)
        if len(_CACHE) >= 8:
            _CACHE.clear()
        _CACHE[key] = book
    return book
