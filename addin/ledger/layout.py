"""Find the table inside a messy worksheet.

Township sheets put a title, an "附件2" label, a subtitle, a 填报单位/填报日期 line
above the table, a header of one to three rows with merged group headers, section
rows ("一、精准识别方面"), 小计/合计 rows, repeated header rows and a footer of notes
below it. This module works out, for one sheet, which rows are the header, which
are data, and which are none of those (and why), keeping absolute Excel positions.
It only needs the header vocabulary (every alias of every ledger kind), not the
ledger kind itself, so kind detection can run on its result.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from addin.ledger.text import clean_text, header_key, squeeze
from addin.ledger.workbook import Merge, RawSheet

HEADER_SCAN_ROWS = 40
MAX_HEADER_ROWS = 3

_FOOTER = re.compile(
    r"^(?:(?:备注|说明|注|附注|填报说明|填表说明)\d*[:：]|注\d*[.、]|以下空白|"
    r"(?:填报人|填表人|审核人|审核|制表人|制表|负责人|单位负责人|统计人|经办人|联系人|分管领导|主要领导)[:：])"
)
_SUBTOTAL = re.compile(r"^(?:.{0,16}?)(?:小计|合计|总计|共计|汇总)(?:[:：].*)?$")
_SECTION = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、.]|[(（][一二三四五六七八九十\d]{1,3}[)）]|第[一二三四五六七八九十\d]{1,3}[组部分类项章节]"
    r"|.{1,30}方面(?:问题)?(?:[(（]共?\d+项[)）])?$|.{1,30}共\d+项)"
)
_PLACE_ONLY = re.compile(r"^.{1,12}(?:乡|镇|街道|办事处)$")
_SERIAL_VALUE = re.compile(r"^(?:\d{1,5}(?:[-.]\d{1,4})*|\(\d{1,4}\)|[①-⑳])$")
_SERIAL_HEADERS = frozenset({"序号", "序", "编号", "no", "no.", "顺序号"})
_COLUMN_NUMBERS = re.compile(r"^(?:\d{1,3}|[A-Z]{1,2}|\(\d{1,3}\)|[①-⑳])$")

_META_PATTERNS: dict[str, re.Pattern[str]] = {
    "填报单位": re.compile(r"(?:填报|报送|填表)单位(?:[(（]盖章[)）])?[:：]\s*(\S.*?)(?:\s{2,}|$)"),
    "填报日期": re.compile(r"(?:填报|报送|填表|统计)(?:日期|时间)[:：]\s*(\S[^\s]*)"),
    "截至日期": re.compile(
        r"截[至止](?:日期|时间)?[:：]?\s*(\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|\d{4}[-./]\d{1,2}[-./]\d{1,2})"
    ),
    "单位": re.compile(r"(?<![填报送表])单位[:：]\s*((?:户|人|元|万元|亩|平方米|㎡|、|，|,|\s)+)"),
    "填报人": re.compile(r"(?:填报人|填表人)[:：]\s*(\S+)"),
    "审核人": re.compile(r"审核人[:：]\s*(\S+)"),
    "联系电话": re.compile(r"联系电话[:：]\s*([\d\-— ]{7,})"),
}


@dataclass(frozen=True, slots=True)
class HeaderColumn:
    """One column of the table header."""

    col: int  # 0-based
    leaf: str  # the header text as it stands in the sheet (bottom-most text of the column)
    path: tuple[str, ...]  # every distinct header text of the column, top to bottom


@dataclass
class SheetLayout:
    """Where the table is on a sheet. All rows and columns are 0-based."""

    header_rows: list[int]
    columns: list[HeaderColumn]
    data_rows: np.ndarray  # int array
    subtotal_rows: list[int] = field(default_factory=list)
    section_rows: dict[int, str] = field(default_factory=dict)
    repeated_header_rows: list[int] = field(default_factory=list)
    footer_row: int | None = None
    implied_section: dict[int, str] = field(default_factory=dict)  # data row -> governing section text
    metadata: dict[str, str] = field(default_factory=dict)
    title: str = ""
    first_col: int = 0
    last_col: int = 0
    grid: np.ndarray = field(default_factory=lambda: np.empty((0, 0), dtype=object))
    grid_start: int = 0  # sheet row of grid[0]; grid columns start at first_col
    origin_rows: dict[int, np.ndarray] = field(default_factory=dict)  # sheet col -> top row of its merge, per grid row
    leaf_row: int = 0  # the header row holding the leaf texts (the last header row unless that numbers the columns)

    def cell_values(self, col: int, rows: np.ndarray) -> np.ndarray:
        """Values of sheet column ``col`` at sheet rows ``rows`` (vertical merges filled)."""
        return self.grid[rows - self.grid_start, col - self.first_col]

    def origins(self, col: int, rows: np.ndarray) -> np.ndarray:
        """The sheet row holding each value: the top row of a vertical merge, else the row itself."""
        top = self.origin_rows.get(col)
        return rows if top is None else top[rows - self.grid_start]

    @property
    def header_bottom(self) -> int:
        return self.header_rows[-1]


def _cell_text(value: object) -> str:
    return clean_text(value) if isinstance(value, str) else ""


def merge_filled_header(sheet: RawSheet, rows: int) -> list[list[str]]:
    """Texts of the first ``rows`` rows with merged ranges filled across and down."""
    width = sheet.n_cols
    grid = [[_cell_text(sheet.value(r, c)) for c in range(width)] for r in range(min(rows, sheet.n_rows))]
    for r1, c1, r2, c2 in sheet.merged:
        if r1 >= len(grid):
            continue
        text = grid[r1][c1] if c1 < width else ""
        for r in range(r1, min(r2, len(grid) - 1) + 1):
            for c in range(c1, min(c2, width - 1) + 1):
                if not grid[r][c]:
                    grid[r][c] = text
    return grid


def _row_matches(texts: list[str], known: Callable[[str], bool]) -> int:
    return len({header_key(t) for t in texts if t and known(header_key(t))})


def _merges_starting_in(merged: Iterable[Merge], row: int) -> list[Merge]:
    return [m for m in merged if m[0] == row]


def find_header(sheet: RawSheet, known: Callable[[str], bool]) -> tuple[list[int], list[HeaderColumn]] | None:
    """The header rows and columns, or None when no row looks like a header.

    ``known(header_key)`` says whether a normalised header text is an alias of any
    field of any ledger kind. The leaf row is the row matching the most distinct
    aliases; rows above it join the header when they hold group headers (merged
    across some columns) or cells merged down into the leaf row; a row of column
    numbers ("1 2 3 …") right below it is part of the header block too.
    """
    grid = merge_filled_header(sheet, HEADER_SCAN_ROWS + MAX_HEADER_ROWS)
    if not grid:
        return None
    scores = [_row_matches(row, known) for row in grid[:HEADER_SCAN_ROWS]]
    best = max(range(len(scores)), key=lambda r: (scores[r], -r))
    if scores[best] < 2:
        return None
    used = [c for c, t in enumerate(grid[best]) if t]
    width = (used[-1] - used[0] + 1) if used else 1
    header = [best]
    for r in range(best - 1, max(best - MAX_HEADER_ROWS, -1), -1):
        joins = False
        for r1, c1, r2, c2 in sheet.merged:
            spans_down = r1 <= r < r2 and r2 >= header[0]
            group = r1 == r == r2 and 2 <= c2 - c1 + 1 < max(3, 0.8 * width)
            if spans_down or group:
                joins = True
                break
        if not joins:
            break
        header.insert(0, r)
    below = best + 1
    if below < len(grid) and _is_column_number_row([sheet.value(below, c) for c in range(sheet.n_cols)]):
        header.append(below)
    columns = _header_columns(sheet, grid, header)
    return header, columns


def _value_grid(rows: list[list[object]], first_col: int, width: int) -> np.ndarray:
    """The table's columns of ``rows`` as a 2-D object array ("" where a row is short)."""
    if rows and all(len(r) == len(rows[0]) for r in rows) and len(rows[0]) >= first_col + width:
        whole = np.empty((len(rows), len(rows[0])), dtype=object)  # calamine's grids are rectangular: one copy
        whole[:] = rows
        return whole[:, first_col : first_col + width].copy()
    grid = np.empty((len(rows), width), dtype=object)
    grid[:] = ""
    for i, row in enumerate(rows):
        part = row[first_col : first_col + width]
        grid[i, : len(part)] = part
    return grid


def _is_column_number_row(values: list[object]) -> bool:
    """A row numbering the columns under the header: "1 2 3 …", "A B C …", "(1) (2) …" (text or numbers)."""
    cells = [v for v in values if v not in ("", None)]
    if len(cells) < 3:
        return False
    numbers = []
    for v in cells:
        if isinstance(v, int | float) and not isinstance(v, bool):
            if v != int(v) or not 0 < v < 1000:
                return False
            numbers.append(int(v))
        elif not (isinstance(v, str) and _COLUMN_NUMBERS.match(squeeze(clean_text(v)))):
            return False
    return all(b > a for a, b in itertools.pairwise(numbers))


def _header_columns(sheet: RawSheet, grid: list[list[str]], header: list[int]) -> list[HeaderColumn]:
    text_rows = [r for r in header if any(grid[r])]
    width = len(grid[0]) if grid else 0
    columns = []
    for c in range(width):
        path: list[str] = []
        for r in text_rows:
            t = grid[r][c] if c < len(grid[r]) else ""
            numbering = r == header[-1] and len(header) > 1 and _COLUMN_NUMBERS.match(squeeze(t))
            if t and not numbering and (not path or path[-1] != t):
                path.append(t)
        if path:
            columns.append(HeaderColumn(col=c, leaf=path[-1], path=tuple(path)))
    return columns


def _metadata(texts: Iterable[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    pending_label: str | None = None
    for text in texts:
        if pending_label and text:
            found.setdefault(pending_label, text)
            pending_label = None
            continue
        for label, pattern in _META_PATTERNS.items():
            m = pattern.search(text)
            if m and label not in found:
                found[label] = m.group(1).strip()
        bare = squeeze(text).rstrip(":：")
        if bare in ("填报日期", "填报单位", "填表日期") and bare not in found:
            pending_label = "填报日期" if "日期" in bare else "填报单位"
    return found


def analyse(
    sheet: RawSheet, known: Callable[[str], bool], is_section_name: Callable[[str], bool]
) -> SheetLayout | None:
    """Locate header, data, section, subtotal and footer rows of a sheet."""
    found = find_header(sheet, known)
    if found is None:
        return None
    header_rows, columns = found
    first_col = min(c.col for c in columns)
    last_col = max(c.col for c in columns)
    width = last_col - first_col + 1
    header_leaf = {c.col: header_key(c.leaf) for c in columns}
    serial_cols = [c.col - first_col for c in columns if header_key(c.leaf) in _SERIAL_HEADERS]

    above = [_cell_text(v) for r in range(header_rows[0]) for v in sheet.cells[r]]
    title = next((t for t in above if len(t) >= 4 and not any(p.search(t) for p in _META_PATTERNS.values())), "")

    start = header_rows[-1] + 1
    grid = _value_grid(sheet.cells[start:], first_col, width)
    n = len(grid)
    # Vertical merges: the value of the top cell belongs to every row of the merge.
    h_spans: dict[int, int] = {}
    origin_rows: dict[int, np.ndarray] = {}
    for r1, c1, r2, c2 in sheet.merged:
        if r1 >= start and first_col <= c1 <= last_col:
            if r2 > r1:
                top = grid[r1 - start, c1 - first_col]
                grid[r1 - start + 1 : r2 - start + 1, c1 - first_col] = top
                if c1 not in origin_rows:
                    origin_rows[c1] = np.arange(start, start + n)
                origin_rows[c1][r1 - start : r2 - start + 1] = r1
            if c2 > c1:
                h_spans[r1 - start] = max(h_spans.get(r1 - start, 0), c2 - c1 + 1)

    filled = (grid != "") & (grid != None)  # noqa: E711 - elementwise on an object array
    counts = filled.sum(axis=1)
    if serial_cols:
        # Templates number their empty rows in advance: a row holding only its serial number is blank.
        only_serial = (counts == filled[:, serial_cols].sum(axis=1)) & (counts <= len(serial_cols)) & (counts > 0)
        for i in np.nonzero(only_serial)[0]:
            if all(_is_serial_number(grid[i, c]) for c in serial_cols if filled[i, c]):
                counts[i] = 0
    layout = SheetLayout(header_rows=header_rows, columns=columns, data_rows=np.empty(0, dtype=int))
    layout.first_col, layout.last_col, layout.title = first_col, last_col, title
    layout.grid, layout.grid_start, layout.origin_rows = grid, start, origin_rows
    numbered = len(header_rows) > 1 and _is_column_number_row(list(sheet.cells[header_rows[-1]]))
    layout.leaf_row = header_rows[-2] if numbered else header_rows[-1]
    below_texts: list[str] = []
    repeated = _repeated_header_rows(grid, counts, first_col, header_leaf)
    candidates = np.nonzero(counts)[0]
    # Most rows are plain records: only rows that could be something else (few cells, a
    # 合计/备注-like word near the start, a repeated header) are looked at one by one.
    special = repeated | (counts <= 2) | _marked_rows(grid, filled)
    special_rows = candidates[special[candidates]]
    inside, section = True, ""
    after_inside = np.ones(len(special_rows), dtype=bool)
    after_section = np.empty(len(special_rows), dtype=object)
    special_data: list[int] = []
    for k, i in enumerate(special_rows):
        r = start + int(i)
        kind, text = _classify(
            grid[i], int(counts[i]), bool(repeated[i]), inside, width, h_spans.get(int(i), 0), is_section_name
        )
        if not inside or kind == "footer":
            below_texts.extend(clean_text(v) for v in grid[i] if isinstance(v, str) and v.strip())
        if kind == "repeated":
            layout.repeated_header_rows.append(r)
            inside = True
        elif kind == "footer":
            layout.footer_row = r
            inside = False
        elif kind == "subtotal":
            layout.subtotal_rows.append(r)
        elif kind == "section":
            layout.section_rows[r] = text
            section = text
        elif kind == "data":
            special_data.append(int(i))
        after_inside[k], after_section[k] = inside, section
    plain = candidates[~special[candidates]]
    before = np.searchsorted(special_rows, plain) - 1  # the last special row above each plain row
    if len(special_rows):
        plain_inside = np.where(before >= 0, after_inside[np.maximum(before, 0)], True)
    else:
        plain_inside = np.ones(len(plain), dtype=bool)
    rows = np.sort(np.concatenate([plain[plain_inside], np.asarray(special_data, dtype=int)]))
    data = (rows + start).tolist()
    if layout.section_rows:
        above_row = np.searchsorted(special_rows, rows, side="right") - 1
        for r, k in zip(data, above_row, strict=True):
            if k >= 0 and after_section[k]:
                layout.implied_section[r] = after_section[k]
    layout.data_rows = np.asarray(data, dtype=int)
    layout.metadata = _metadata([*above, *below_texts])
    return layout


_SPECIAL_WORDS = re.compile(r"计|汇总|注|说明|填报|填表|审核|制表|负责|统计|经办|联系|领导|以下空白")


def _marked_rows(grid: np.ndarray, filled: np.ndarray) -> np.ndarray:
    """Rows whose first three filled cells include a word a 合计 row or a footer starts with."""
    n = len(grid)
    marked = np.zeros(n, dtype=bool)
    if not n:
        return marked
    order = np.cumsum(filled, axis=1)  # how many filled cells up to and including each column
    for c in range(grid.shape[1]):
        near_start = filled[:, c] & (order[:, c] <= 3)
        if not near_start.any():
            continue
        search = _SPECIAL_WORDS.search
        cells = grid[near_start, c]
        hit = np.fromiter((type(v) is str and search(v) is not None for v in cells), bool, len(cells))
        marked[np.nonzero(near_start)[0][hit]] = True
    return marked


def _classify(
    values: np.ndarray,
    count: int,
    repeated: bool,
    inside: bool,
    width: int,
    span: int,
    is_section_name: Callable[[str], bool],
) -> tuple[str, str]:
    """What a non-plain row is: repeated, footer, subtotal, section, data, or outside (below a footer)."""
    if repeated:
        return "repeated", ""
    if not inside:
        return "outside", ""
    strings = [v for v in values if isinstance(v, str) and v.strip()]
    first = clean_text(strings[0]) if strings else ""
    if first and _FOOTER.match(squeeze(first)):
        return "footer", first
    heads = strings[:3]
    if (
        any(("计" in t or "汇总" in t) for t in heads)
        and any(_SUBTOTAL.match(squeeze(clean_text(t))) for t in heads)
        and _looks_like_subtotal(values)
    ):
        return "subtotal", ""
    if count <= 2 and width >= 4 and first:
        label = squeeze(first)
        place = count == 1 and (is_section_name(first) or _PLACE_ONLY.match(label))
        if span >= max(2, width // 2) or _SECTION.match(label) or place:
            return "section", first
    return "data", ""


def _is_serial_number(value: object) -> bool:
    """1, 2.0, "3", "1-1", "(4)", "①": what a 序号 cell holds (section titles such as "一、…" are not)."""
    if isinstance(value, int | float):
        return True
    return bool(_SERIAL_VALUE.match(squeeze(clean_text(value))))


def _repeated_header_rows(
    grid: np.ndarray, counts: np.ndarray, first_col: int, header_leaf: dict[int, str]
) -> np.ndarray:
    """Rows repeating the header (page-break copies): most of their cells equal the header's texts.

    Compared column by column on the whole grid at once; only rows with two or more
    exact matches are then confirmed with the normalised comparison.
    """
    hits = np.zeros(len(grid), dtype=int)
    for col, key in header_leaf.items():
        j = col - first_col
        if 0 <= j < grid.shape[1]:
            hits += _equal_texts(grid[:, j], key)
    return (hits >= 2) & (hits >= 0.6 * counts)


def _equal_texts(column: np.ndarray, key: str) -> np.ndarray:
    """Cells whose normalised header text equals ``key`` (cheap prefilter on the distinct values)."""
    first = key[:1]
    matching = [v for v in pd.unique(column) if isinstance(v, str) and first in v and header_key(v) == key]
    if not matching:
        return np.zeros(len(column), dtype=bool)
    return pd.Series(column).isin(matching).to_numpy()


def _looks_like_subtotal(values: np.ndarray) -> bool:
    """A 小计/合计 row: the label plus (usually) numbers, no person-like text in many cells."""
    texts = [v for v in values if isinstance(v, str) and v.strip()]
    return len(texts) <= 3
