"""Build small real .xlsx ledgers inline and check them the way users would.

Tests describe a sheet as a header plus rows (and optional title lines, merges and
formats); this module writes it with openpyxl to a real file, then runs the same
library call the CLI uses on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl

from addin.check import check_book
from addin.ledger.table import column_letter
from addin.rules.model import Finding
from addin.settings import Settings

AS_OF = dt.date(2024, 7, 17)


@dataclass
class SheetSpec:
    """One sheet: optional lines above the header, the header row(s), data rows, merges."""

    name: str
    header: Sequence[Any]
    rows: Sequence[Sequence[Any]] = ()
    above: Sequence[Sequence[Any]] = ()
    below: Sequence[Sequence[Any]] = ()
    header2: Sequence[Any] | None = None  # a second header row (leaf texts under group headers)
    merges: Sequence[str] = ()
    text_columns: Sequence[int] = ()  # 1-based columns formatted as text ("@")

    @property
    def first_data_row(self) -> int:
        return len(self.above) + (2 if self.header2 else 1) + 1


Columns = Sequence[tuple[str, str]]
"""A test sheet's columns as (header text, field key), in sheet order."""


def keyed_cell(columns: Columns, key: str, excel_row: int) -> str:
    """The A1 address of field ``key`` in ``excel_row`` of a sheet laid out by ``columns``."""
    keys = [k for _, k in columns]
    return f"{column_letter(keys.index(key) + 1)}{excel_row}"


def keyed_sheet(
    name: str, columns: Columns, rows: Sequence[dict[str, Any]], *, text_keys: Sequence[str] = (), **layout: Any
) -> SheetSpec:
    """A sheet of ``rows`` given as {field key: value}, the ``text_keys`` columns formatted as text."""
    keys = [k for _, k in columns]
    return SheetSpec(
        name,
        [h for h, _ in columns],
        [[r.get(k) for k in keys] for r in rows],
        text_columns=[keys.index(k) + 1 for k in text_keys if k in keys],
        **layout,
    )


@dataclass
class Checked:
    """The findings of a check, with helpers to query them."""

    findings: list[Finding]
    ledgers: Any
    path: Path
    sheets: list[SheetSpec] = field(default_factory=list)

    def by_rule(self, rule: str) -> list[Finding]:
        return [f for f in self.findings if f.rule == rule]

    def cells(self, rule: str) -> set[str | None]:
        return {f.cell for f in self.by_rule(rule)}

    def rows(self, rule: str) -> set[int | None]:
        return {f.row for f in self.by_rule(rule)}

    def rules_at(self, cell: str) -> set[str]:
        return {f.rule for f in self.findings if f.cell == cell}

    def rules_on_row(self, row: int) -> set[str]:
        return {f.rule for f in self.findings if f.row == row}


def write_book(path: Path, sheets: Sequence[SheetSpec]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for spec in sheets:
        ws = wb.create_sheet(spec.name)
        for line in spec.above:
            ws.append(list(line))
        ws.append(list(spec.header))
        if spec.header2 is not None:
            ws.append(list(spec.header2))
        for col in spec.text_columns:
            for r in range(spec.first_data_row, spec.first_data_row + len(spec.rows)):
                ws.cell(r, col).number_format = "@"
        for r, row in enumerate(spec.rows, start=spec.first_data_row):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(r, c).value = value
        for line in spec.below:
            ws.append(list(line))
        for rng in spec.merges:
            ws.merge_cells(rng)
    wb.save(path)
    return path


def check_sheets(
    tmp_path: Path,
    *sheets: SheetSpec,
    as_of: dt.date = AS_OF,
    settings: Settings | None = None,
    name: str = "台账.xlsx",
) -> Checked:
    """Write the sheets to a real workbook file and check it."""
    path = write_book(tmp_path / name, sheets)
    ledgers, findings = check_book(path, settings=settings or Settings(), today=as_of)
    return Checked(findings=findings, ledgers=ledgers, path=path, sheets=list(sheets))
