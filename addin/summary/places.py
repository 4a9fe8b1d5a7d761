"""Which 乡镇, and which household, a ledger row belongs to.

Summaries count by township, but a township is not always written on the row:
a member row names only its 户编号, a township's own roster sheet often has no
乡镇 column at all (the sheet is named after the township, the reporting unit
says "沙窝镇人民政府"). :class:`PlaceIndex` resolves every data row of every
ledger once — from the row's own 乡镇 cell, else its household's, else the
sheet's reporting unit, title or name — so that a finding, which names only its
file, sheet and Excel row, can be counted under the right township and household.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from addin.ledger.definitions import CodeList
from addin.ledger.reader import WorkbookLedgers
from addin.ledger.table import LedgerTable
from addin.ledger.text import value_key
from addin.rules.model import Finding

COUNTY_LEVEL = "县直/未注明乡镇"
"""How a row that names no township is labelled in summaries."""

HOUSEHOLD_KINDS = ("households", "members")
"""Ledgers whose rows are households or their members (the 户表 and the 人表)."""

PER_HOUSEHOLD_KINDS = (*HOUSEHOLD_KINDS, "housing", "water")
"""Ledgers each of whose rows is about one household (危房改造, 饮水安全: one household per row)."""

_TOWNSHIP_UNIT = re.compile(r"(?:乡|镇|街道|管理区)(?:人民政府|政府|党委|党委政府)?$")


@dataclass(frozen=True, slots=True)
class Place:
    """Where a row belongs: its canonical township ("" = county level / unknown) and household key."""

    township: str
    household: str  # "" when the row is not about one household


def label(township: str) -> str:
    """A township as a summary row label ("" → :data:`COUNTY_LEVEL`)."""
    return township or COUNTY_LEVEL


def township_order(names: Iterable[str], townships: CodeList) -> list[str]:
    """Townships in the county list's order, unlisted ones after them, "" (county level) last."""
    names = set(names)
    listed = [v.value for v in townships.values if v.value in names]
    others = sorted(n for n in names if n and n not in listed)
    return listed + others + ([""] if "" in names else [])


def township_in_text(text: object, townships: CodeList) -> str:
    """The canonical township a text names ("沙窝镇人民政府", "沙窝镇脱贫户花名册"), or ""."""
    hit = townships.lookup_exact(text)
    if hit is not None:
        return hit.value
    key = value_key(text)
    if not key:
        return ""
    for entry in townships.values:  # full names only: a short name ("新集") is too easily part of other words
        if value_key(entry.value) in key:
            return entry.value
    return ""


def is_township_unit(text: str, townships: CodeList) -> bool:
    """A township government or party committee rather than a county department."""
    return township_in_text(text, townships) != "" or bool(_TOWNSHIP_UNIT.search(text))


def table_township(table: LedgerTable, townships: CodeList) -> str:
    """The township a whole sheet reports for: its 填报单位, else its title, else its sheet name.

    A sheet whose 填报单位 is a county body ("县扶贫办") reports for no single township,
    whatever its title says.
    """
    reporter = table.metadata.get("填报单位", "")
    if reporter:
        return township_in_text(reporter, townships)
    return township_in_text(table.layout.title, townships) or township_in_text(table.sheet, townships)


def row_townships(table: LedgerTable, townships: CodeList) -> np.ndarray:
    """Per data row, the township written on the row, else the sheet's township."""
    out = np.empty(len(table), dtype=object)
    out[:] = table_township(table, townships)
    if table.has("township"):
        filled = ~table.empty("township")
        values = table.values("township")
        out[filled] = [str(v) for v in values[filled]]
    return out


def household_keys(table: LedgerTable) -> np.ndarray:
    """Per data row, a key naming its household within the workbook: 户编号, else the head's ID; "" if neither."""
    out = np.empty(len(table), dtype=object)
    out[:] = ""
    for field in ("head_id", "hh_no"):  # 户编号 wins: written last
        if table.has(field):
            filled = ~table.empty(field)
            out[filled] = [f"{field}:{value_key(v)}" for v in table.values(field)[filled]]
    return out


class PlaceIndex:
    """Township and household of every data row of every ledger of a set of workbooks."""

    def __init__(self, books: Sequence[WorkbookLedgers], townships: CodeList) -> None:
        self._rows: dict[tuple[str, str, int], Place] = {}
        self._sheets: dict[tuple[str, str], str] = {}
        for book in books:
            self._add_book(book, townships)

    def _add_book(self, book: WorkbookLedgers, townships: CodeList) -> None:
        by_household: dict[str, str] = {}
        ordered = sorted(book.tables, key=lambda t: t.kind != "households")  # rosters first: members look them up
        for table in ordered:
            towns = row_townships(table, townships)
            own = ~table.empty("township")  # the row names its township itself
            keys = household_keys(table) if table.kind in PER_HOUSEHOLD_KINDS else np.full(len(table), "", dtype=object)
            self._sheets.setdefault((table.file, table.sheet), table_township(table, townships))
            for i, row in enumerate(table.rows.tolist()):
                key, town = keys[i], towns[i]
                if key and table.kind == "households":
                    if town:
                        by_household.setdefault(key, town)
                elif key and not own[i]:
                    town = by_household.get(key, town)  # the household's row beats the sheet's default
                household = f"{book.path}\x1f{key}" if key else ""
                self._rows.setdefault((table.file, table.sheet, int(row)), Place(town, household))

    def place(self, file: str, sheet: str, row: int | None) -> Place:
        """The place of a data row; a header-level position gets the sheet's township and no household."""
        if row is not None:
            hit = self._rows.get((file, sheet, int(row)))
            if hit is not None:
                return hit
        return Place(self._sheets.get((file, sheet), ""), "")

    def of_finding(self, finding: Finding) -> Place:
        return self.place(finding.file, finding.sheet, finding.row)

    def of_findings(self, findings: Iterable[Finding]) -> list[Place]:
        return [self.of_finding(f) for f in findings]
