"""A ledger table: one kind's columns of one sheet, normalised, with their cells.

This is what the rules see. Every value keeps its place: ``rows[i]`` is the Excel
row of data row ``i`` and ``columns[key]`` the Excel column of a field, so a
finding can always name the exact cell. Vertically merged values point at the top
cell of their merge (where the value actually is).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from addin.ledger import normalize
from addin.ledger.dates import parse_date
from addin.ledger.definitions import Catalog, FieldDef, LedgerDef
from addin.ledger.detect import KindMatch
from addin.ledger.layout import HeaderColumn, SheetLayout
from addin.ledger.text import bracket_unit, clean_text, header_key


def column_letter(col: int) -> str:
    """Excel column letters for a 1-based column number (1 → A, 28 → AB)."""
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_address(row: int, col: int) -> str:
    """A1 address from 1-based row and column."""
    return f"{column_letter(col)}{row}"


def column_index(address: str) -> tuple[int, int]:
    """1-based (row, column) of an A1 address ("AB12" → (12, 28))."""
    letters = address.rstrip("0123456789")
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return int(address[len(letters) :]), col


_UNIT_WORDS = {
    "万元": "wan",
    "万": "wan",
    "元": "yuan",
    "亩": "mu",
    "㎡": "sqm",
    "平方米": "sqm",
    "m2": "sqm",
    "%": "percent",
    "月": "month",
    "个月": "month",
    "年": "year",
    "天": "day",
}


@dataclass(frozen=True, slots=True)
class Column:
    """Where a field stands in the sheet."""

    field: FieldDef
    col: int  # 1-based Excel column
    header: str  # the header text as it stands in the sheet (leaf)
    unit: str | None  # effective unit: from the header's brackets, else the field default
    unit_stated: bool = False  # the header (or its group header) names the unit

    @property
    def letter(self) -> str:
        return column_letter(self.col)


@dataclass
class LedgerTable:
    """Normalised data of one ledger kind on one sheet."""

    file: str
    sheet: str
    ledger: LedgerDef
    header_rows: list[int]  # 1-based
    rows: np.ndarray  # 1-based Excel row of each data row
    columns: dict[str, Column]
    duplicates: dict[str, list[Column]]
    raw: dict[str, np.ndarray]
    cols: dict[str, normalize.Normalised]
    origin_rows: dict[str, np.ndarray]  # 1-based row where each value physically stands
    layout: SheetLayout
    metadata: dict[str, str] = field(default_factory=dict)
    implied: dict[str, np.ndarray] = field(default_factory=dict)  # field -> bool mask of values taken from section rows

    @property
    def kind(self) -> str:
        return self.ledger.kind

    def __len__(self) -> int:
        return len(self.rows)

    def has(self, key: str) -> bool:
        return key in self.cols

    def values(self, key: str) -> np.ndarray:
        return self.cols[key].values

    def empty(self, key: str) -> np.ndarray:
        """True where the field is empty; all True when the sheet has no such column."""
        col = self.cols.get(key)
        return np.ones(len(self), dtype=bool) if col is None else col.empty

    def bad(self, key: str) -> np.ndarray:
        col = self.cols.get(key)
        return np.zeros(len(self), dtype=bool) if col is None else col.bad

    def cell(self, key: str, i: int) -> str | None:
        """A1 address of field ``key`` in data row ``i`` (None if the sheet lacks the column)."""
        column = self.columns.get(key)
        if column is None:
            return None
        return cell_address(int(self.origin_rows[key][i]), column.col)

    def header_text(self, key: str) -> str:
        """The header as it stands in the sheet, or the canonical label when the column is missing."""
        column = self.columns.get(key)
        return column.header if column is not None else self.ledger.field(key).label

    def raw_value(self, key: str, i: int) -> Any:
        col = self.raw.get(key)
        return None if col is None else col[i]

    def subset(self, index: np.ndarray) -> LedgerTable:
        """The same table restricted to the data rows at positions ``index`` (order kept)."""
        n = len(self)
        cols = {
            k: normalize.Normalised(
                c.values[index], c.empty[index], c.bad[index], {name: _take(v, index, n) for name, v in c.extra.items()}
            )
            for k, c in self.cols.items()
        }
        return dataclasses.replace(
            self,
            rows=self.rows[index],
            raw={k: v[index] for k, v in self.raw.items()},
            cols=cols,
            origin_rows={k: v[index] for k, v in self.origin_rows.items()},
            implied={k: v[index] for k, v in self.implied.items()},
        )


def _take(value: Any, index: np.ndarray, n: int) -> Any:
    """Rows ``index`` of a per-row side result: an array, or a dataclass of arrays (e.g. IdAnalysis)."""
    if isinstance(value, np.ndarray) and value.ndim >= 1 and len(value) == n:
        return value[index]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: getattr(value, f.name)[index]
            for f in dataclasses.fields(value)
            if isinstance(getattr(value, f.name), np.ndarray) and len(getattr(value, f.name)) == n
        }
        return dataclasses.replace(value, **changes)
    return value


def header_unit(column: HeaderColumn) -> str | None:
    """The unit the header itself states, in its own cell or a group header above ("收入情况（元）")."""
    for text in reversed(column.path):
        word = bracket_unit(text)
        if word in _UNIT_WORDS:
            return _UNIT_WORDS[word]
    return None


def _unit(f: FieldDef, column: HeaderColumn) -> str | None:
    return header_unit(column) or f.unit


def ledger_year(metadata: dict[str, str], title: str, today: dt.date) -> int:
    """The year dates without a year belong to: from 填报日期/截至日期, the title, else today's year."""
    for key in ("填报日期", "截至日期"):
        parsed = parse_date(metadata.get(key, ""))
        if parsed is not None and parsed.date is not None:
            return parsed.date.year
    m = re.search(r"(20\d{2})\s*年", clean_text(title))
    return int(m.group(1)) if m else today.year


def build_table(
    file: str,
    sheet: str,
    layout: SheetLayout,
    match: KindMatch,
    catalog: Catalog,
    *,
    today: dt.date,
    immediate_days: int = 7,
) -> LedgerTable:
    """Normalise the mapped columns of one kind from an analysed sheet."""
    ledger = match.ledger
    rows0 = layout.data_rows  # 0-based sheet rows
    year = ledger_year(layout.metadata, layout.title, today)
    columns: dict[str, Column] = {}
    raw: dict[str, np.ndarray] = {}
    origin: dict[str, np.ndarray] = {}
    cols: dict[str, normalize.Normalised] = {}
    implied: dict[str, np.ndarray] = {}
    for key, hc in match.columns.items():
        f = ledger.field(key)
        columns[key] = Column(
            field=f, col=hc.col + 1, header=hc.leaf.strip(), unit=_unit(f, hc), unit_stated=header_unit(hc) is not None
        )
        values = layout.cell_values(hc.col, rows0) if len(rows0) else np.empty(0, dtype=object)
        if f.carry_down:
            values = _carry_down(values)
        raw[key] = values
        origin[key] = (layout.origins(hc.col, rows0) if len(rows0) else rows0) + 1
    duplicates = {
        key: [
            Column(
                field=ledger.field(key),
                col=hc.col + 1,
                header=hc.leaf.strip(),
                unit=_unit(ledger.field(key), hc),
            )
            for hc in hcs
        ]
        for key, hcs in match.duplicates.items()
    }
    _apply_sections(ledger, catalog, layout, rows0, raw, implied)
    for key, values in raw.items():
        f = ledger.field(key)
        cols[key] = normalize.normalise(
            f, values, codes=catalog.codes_for(f), unit=columns[key].unit, today=today, ledger_year=year
        )
    if "id_type" in cols:
        is_cert = np.array(["残疾" in clean_text(v) for v in raw["id_type"]], dtype=bool)
        for key in [k for k in cols if ledger.field(k).type == "id_card"]:
            if is_cert.any():
                cols[key] = normalize.id_card_column(raw[key], cols[key].empty, today, is_cert)
    for key, col in cols.items():
        if ledger.field(key).type == "deadline":
            # A found date of month precision ("2024年7月") counts from the end of that month.
            found = cols["found_date"].extra.get("last_days") if "found_date" in cols else None
            cols[key] = normalize.deadline_column(
                raw[key], col.empty, found, ledger_year=year, immediate_days=immediate_days
            )
    return LedgerTable(
        file=file,
        sheet=sheet,
        ledger=ledger,
        header_rows=[r + 1 for r in layout.header_rows],
        rows=rows0 + 1,
        columns=columns,
        duplicates=duplicates,
        raw=raw,
        cols=cols,
        origin_rows=origin,
        layout=layout,
        metadata=dict(layout.metadata),
        implied=implied,
    )


def _carry_down(values: np.ndarray) -> np.ndarray:
    out = values.copy()
    last: object = None
    for i, v in enumerate(out):
        if normalize.is_empty_value(v):
            out[i] = last
        else:
            last = v
    return out


_SECTION_TARGETS = ("category", "township")


def _apply_sections(
    ledger: LedgerDef,
    catalog: Catalog,
    layout: SheetLayout,
    rows0: np.ndarray,
    raw: dict[str, np.ndarray],
    implied: dict[str, np.ndarray],
) -> None:
    """Fill empty category/township cells from the section row above them ("一、精准识别方面")."""
    if not layout.implied_section:
        return
    sections = np.array([layout.implied_section.get(int(r), "") for r in rows0], dtype=object)
    for key in _SECTION_TARGETS:
        if key not in raw:
            continue
        f = ledger.field(key)
        codes = catalog.codes_for(f)
        if codes is None:
            continue
        mapping: dict[str, str | None] = {}
        for text in set(sections) - {""}:
            hit = codes.lookup(_section_label(text))
            mapping[text] = hit.value if hit is not None else None
        fill = np.array([mapping.get(s) for s in sections], dtype=object)
        mask = normalize.empty_mask(raw[key]) & np.array([v is not None for v in fill], dtype=bool)
        if mask.any():
            values = raw[key].copy()
            values[mask] = fill[mask]
            raw[key] = values
            implied[key] = mask


def _section_label(text: str) -> str:
    """ "一、精准识别方面（共12项）" → "精准识别"."""
    s = header_key(text)
    s = re.sub(r"^(?:[一二三四五六七八九十]{1,3}[、.]|第[一二三四五六七八九十\d]{1,3}[组部分类项章节])", "", s)
    s = re.sub(r"(?:方面)?(?:问题)?(?:共?\d+项)?$", "", s)
    return s
