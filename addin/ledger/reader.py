"""From a workbook (file or xlwings Book grids) to ledger tables.

``read_ledgers`` is the one entry point the CLI, the ribbon actions and the tests
use: it lays out each sheet, detects its kind, and normalises its columns, and it
says for every sheet it did not use why not (empty, no header, not a ledger).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from addin.ledger.definitions import Catalog, default_catalog
from addin.ledger.detect import best_near_miss, detect_kinds
from addin.ledger.layout import analyse
from addin.ledger.table import LedgerTable, build_table
from addin.ledger.text import header_key
from addin.ledger.workbook import RawSheet, RawWorkbook, read_workbook

OWN_SHEETS = frozenset({"检查结果", "_zhenggai", "操作记录", "六个一统计", "规则说明", "规则说明（整改助手）"})
"""Sheets the add-in writes itself; never read back as ledgers."""


@dataclass(frozen=True, slots=True)
class SkippedSheet:
    """A sheet that holds no ledger, and why (in Chinese, for the user)."""

    sheet: str
    reason: str


@dataclass
class WorkbookLedgers:
    """Everything read from one workbook."""

    path: str
    tables: list[LedgerTable] = field(default_factory=list)
    skipped: list[SkippedSheet] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[LedgerTable]:
        return [t for t in self.tables if t.kind == kind]


def read_ledgers(
    source: str | RawWorkbook,
    *,
    today: dt.date,
    catalog: Catalog | None = None,
    kind_overrides: dict[str, str] | None = None,
    immediate_days: int = 7,
    max_mb: float = 200.0,
    max_rows: int = 1_048_576,
) -> WorkbookLedgers:
    """Read a workbook file (or already-read grids) into normalised ledger tables."""
    catalog = catalog or default_catalog()
    book = source if isinstance(source, RawWorkbook) else read_workbook(source, max_mb=max_mb, max_rows=max_rows)
    result = WorkbookLedgers(path=book.path)
    overrides = kind_overrides or {}
    for sheet in book.sheets:
        tables, reason = read_sheet(
            book.path,
            sheet,
            catalog,
            today=today,
            override=overrides.get(sheet.name),
            immediate_days=immediate_days,
        )
        result.tables.extend(tables)
        if reason:
            result.skipped.append(SkippedSheet(sheet.name, reason))
    return result


def read_sheet(
    path: str,
    sheet: RawSheet,
    catalog: Catalog,
    *,
    today: dt.date,
    override: str | None = None,
    immediate_days: int = 7,
) -> tuple[list[LedgerTable], str]:
    """The ledger tables of one sheet, or none and the reason."""
    if sheet.name in OWN_SHEETS:
        return [], "本工具生成的工作表"
    if not any(v not in ("", None) for row in sheet.cells for v in row):
        return [], "空工作表"
    townships = catalog.codes.get("townships")

    def is_section_name(text: str) -> bool:
        return townships is not None and townships.lookup(text) is not None

    layout = analyse(sheet, catalog.is_header_text, is_section_name)
    if layout is None:
        return [], "未找到表头（前40行中没有可识别的列名），不是台账"
    matches = detect_kinds(catalog, layout.columns, sheet_name=sheet.name, title=layout.title, override=override)
    if not matches:
        near = best_near_miss(catalog, layout.columns, sheet.name)
        hint = ""
        if near is not None and near.matched:
            names = "、".join(c.leaf for c in list(near.columns.values())[:4])
            hint = f"（只识别出 {names} 等 {near.matched} 列，与{near.ledger.label}不够吻合）"
        return [], f"表头不属于任何已知台账类型{hint}"
    tables = [
        build_table(path, sheet.name, layout, match, catalog, today=today, immediate_days=immediate_days)
        for match in matches
    ]
    if len(tables) > 1:
        heads = _head_rows(tables, catalog)
        reduced = []
        for table in tables:
            if table.ledger.one_row_per:
                table = _one_row_per(table, table.ledger.one_row_per, heads)
            if table is not None:
                reduced.append(table)
        tables = reduced
    return tables, ""


def _head_rows(tables: list[LedgerTable], catalog: Catalog) -> np.ndarray | None:
    """Rows of a person-per-row sheet whose 与户主关系 says 户主/本人 (from the table that has it)."""
    for table in tables:
        if table.has("relation"):
            codes = catalog.codes_for(table.ledger.field("relation"))
            if codes is not None:
                return np.array([codes.attr(v, "head") is True for v in table.values("relation")], dtype=bool)
    return None


def _one_row_per(table: LedgerTable, key: str, heads: np.ndarray | None) -> LedgerTable | None:
    """One data row per distinct ``key`` value (person-per-row rosters): the head's row, else the first."""
    if not table.has(key):
        return None
    values = table.values(key)
    empty = table.empty(key)
    chosen: dict[str, int] = {}
    for i, v in enumerate(values):
        if empty[i]:
            continue
        k = header_key(v)
        if k not in chosen or (heads is not None and heads[i] and not heads[chosen[k]]):
            chosen[k] = i
    return table.subset(np.asarray(sorted(chosen.values()), dtype=int))
