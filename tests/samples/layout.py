"""Writing one ledger sheet the way township staff lay it out, and remembering where everything went.

A :class:`SheetPlan` is the content (columns, records grouped in sections) plus the
layout options chosen for the sheet (title block, 1–3 header rows with merged group
headers, column-number row, section rows, 小计/合计 rows, a repeated header row,
blank rows, footer and notes, person-per-row household merges). :func:`write_sheet`
streams it into an openpyxl **write-only** worksheet and returns a
:class:`WrittenSheet` with the Excel row of every record and the column of every
field, so an injected problem can name its exact cell.

openpyxl's write-only mode streams rows but still writes ``<mergeCells>`` at the
end of the sheet: adding ranges to ``ws.merged_cells`` before the workbook is saved
is enough (checked with openpyxl 3.1 and python-calamine), so every sample, small
or county-sized, goes through this one writer; the normal (in-memory) mode is
never needed.

Records hold semantic values (dates, booleans, canonical code-list values);
:class:`Style` decides per sheet (and per cell, where staff mix forms) how they are
written: true dates with different number formats or date texts, 是/否 or √/× or
有/无, code-list synonyms, full-width digits, IDs as text cells formatted "@".
``Record.raw`` overrides the rendering cell by cell (injected problems use it).
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

_RIDS = itertools.count(1)

DATE_FORMATS = ("yyyy-mm-dd", "yyyy/m/d", 'yyyy"年"m"月"d"日"', "yyyy.mm.dd", "yyyy-m-d")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@dataclass
class Col:
    """One column: the field it holds, its header text(s) and how its values are written."""

    key: str
    header: str
    kind: str = "text"  # text | id | date | deadline | year | int | num | money | bool | enum | wan
    group: str | None = None  # group header over this column (2- and 3-row headers)
    top: str | None = None  # top group header (3-row headers)
    household: bool = False  # person-per-row roster: a household column (merged down / repeated)
    total: bool = False  # summed in 小计/合计 rows
    width: float | None = None
    fullwidth: bool = False  # digits in this column's texts are sometimes typed full-width


@dataclass(eq=False)
class Record:
    """One data row (or, in a person-per-row roster, one household with its member rows)."""

    values: dict[str, Any]
    raw: dict[str, Any] = field(default_factory=dict)
    members: list[Record] = field(default_factory=list)
    render_as: Record | None = None  # a duplicate is written exactly like its original
    keep_render: bool = False  # remember the written cells (the original of a duplicate)
    ref: Any = None  # the model object behind the record (Household, Person, …)
    rid: int = field(default_factory=lambda: next(_RIDS))

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


@dataclass
class Section:
    label: str | None
    records: list[Record]
    subtotal: bool = False
    subtotal_label: str = "小计"


@dataclass
class Style:
    """How one sheet writes its values."""

    rng: random.Random
    date_forms: Sequence[str] = ("d:yyyy-mm-dd",)
    yes_no: tuple[str, str] = ("是", "否")
    text_ids: bool = True
    variants: dict[str, dict[str, Sequence[str]]] = field(default_factory=dict)  # key -> canonical -> spellings
    variant_rate: float = 0.0
    fullwidth_rate: float = 0.0
    wan_text_rate: float = 0.0  # money in 万元 written as text "5万"
    number_text_rate: float = 0.0  # numbers stored as text (Excel's green triangle), money with "1,200"

    def date(self, d: dt.date) -> Any:
        form = self.date_forms[0] if len(self.date_forms) == 1 else self.rng.choice(self.date_forms)
        return render_date(d, form)

    def enum(self, key: str, value: str) -> str:
        options = self.variants.get(key, {}).get(value)
        if options and self.rng.random() < self.variant_rate:
            return self.rng.choice(options)
        return value

    def text(self, value: str, col: Col) -> str:
        if col.fullwidth and self.fullwidth_rate and self.rng.random() < self.fullwidth_rate:
            return value.translate(FULL_WIDTH)
        return value


def render_date(d: dt.date, form: str) -> Any:
    """A date in one of the written forms (``d:<number format>`` = a true Excel date)."""
    if form.startswith("d:"):
        return (d, form[2:])
    return {
        "t:dot": f"{d.year}.{d.month}.{d.day}",
        "t:dot0": f"{d:%Y.%m.%d}",
        "t:cn": f"{d.year}年{d.month}月{d.day}日",
        "t:slash": f"{d.year}/{d.month}/{d.day}",
        "t:dash": f"{d:%Y-%m-%d}",
        "t:fw": f"{d.year}年{d.month}月{d.day}日".translate(FULL_WIDTH),
        "n:8": int(f"{d:%Y%m%d}"),
    }[form]


@dataclass
class SheetPlan:
    """What to write on one sheet and how."""

    name: str
    kinds: tuple[str, ...]  # ledger kinds the reader should find here (for the manifest)
    cols: list[Col]
    sections: list[Section]
    style: Style
    title: str | None = None
    attachment: str | None = None
    subtitle: str | None = None
    meta: tuple[str, str, str] | None = None  # 填报单位, 填报日期, 单位
    header_depth: int = 1
    column_numbers: bool = False
    total: bool = False  # a 合计 row after the data
    total_label: str = "合计"
    repeat_header_after: int | None = None  # copy the header rows after this many records
    blank_after: set[int] = field(default_factory=set)  # blank rows after these record positions
    footer: list[str] = field(default_factory=list)  # 填报人/审核人/联系电话 cells of one line
    notes: list[str] = field(default_factory=list)  # 备注 lines, merged across
    roster: str | None = None  # None | "merged" | "repeated" (person-per-row rosters)
    subtotal_errors: dict[tuple[int, str], float] = field(default_factory=dict)  # (section or -1, key) -> delta
    hidden: bool = False

    @property
    def records(self) -> list[Record]:
        return [r for s in self.sections for r in s.records]


@dataclass
class WrittenSheet:
    """Where things ended up on a written sheet (1-based rows and columns)."""

    name: str
    kinds: tuple[str, ...]
    header_rows: list[int]
    col_of: dict[str, int]
    row_of: dict[int, int]  # record rid -> its (first) row
    rows_of: dict[int, list[int]]  # record rid -> every row it occupies (a household: its member rows)
    data_rows: list[int]
    section_rows: list[int] = field(default_factory=list)
    subtotal_rows: dict[int, int] = field(default_factory=dict)  # section index (-1 = 合计) -> row
    repeated_header_rows: list[int] = field(default_factory=list)

    def cell(self, record: Record, key: str | None) -> str | None:
        if key is None:
            return None
        return f"{get_column_letter(self.col_of[key])}{self.row_of[record.rid]}"


# ---------------------------------------------------------------- writing
class _Writer:
    def __init__(self, ws: Any, plan: SheetPlan) -> None:
        self.ws = ws
        self.plan = plan
        self.row = 0
        self.width = len(plan.cols)
        self.cache: dict[int, list[Any]] = {}
        self.renderers = [_renderer(c, plan.style) for c in plan.cols]

    def append(self, values: list[Any]) -> int:
        self.ws.append(values)
        self.row += 1
        return self.row

    def merge(self, r1: int, c1: int, r2: int, c2: int) -> None:
        if r1 != r2 or c1 != c2:
            # straight into the set: MultiCellRange.add scans every range already there (quadratic)
            self.ws.merged_cells.ranges.add(CellRange(min_col=c1, min_row=r1, max_col=c2, max_row=r2))

    def cell(self, value: Any) -> Any:
        if isinstance(value, tuple):  # (value, number format)
            c = WriteOnlyCell(self.ws, value=value[0])
            c.number_format = value[1]
            return c
        return value

    def render(self, record: Record, cols: Sequence[int]) -> list[Any]:
        source = record.render_as or record
        cached = self.cache.get(source.rid)
        out: list[Any] = [None] * self.width
        for j in cols:
            key = self.plan.cols[j].key
            if cached is not None and key not in record.raw:
                out[j] = cached[j]
                continue
            if key in record.raw:
                out[j] = record.raw[key]
            else:
                v = source.values.get(key)
                out[j] = None if v is None or v == "" else self.renderers[j](v)
        if record.render_as is None and cached is None and record.keep_render:
            self.cache[record.rid] = list(out)
        return [self.cell(v) for v in out]


def _renderer(col: Col, style: Style) -> Callable[[Any], Any]:
    kind = col.kind
    if kind == "id":
        return (lambda v: (v, "@")) if style.text_ids else (lambda v: v)
    if kind in ("date", "deadline"):
        return lambda v: style.date(v) if isinstance(v, dt.date) else style.text(str(v), col)
    if kind == "bool":
        yes, no = style.yes_no
        return lambda v: (yes if v else no) if isinstance(v, bool) else v
    if kind == "enum":
        return lambda v: style.enum(col.key, v) if isinstance(v, str) else v
    if kind == "wan":

        def wan(v: Any) -> Any:
            if isinstance(v, int | float) and style.wan_text_rate and style.rng.random() < style.wan_text_rate:
                return f"{v:g}万"
            return v

        return wan
    if kind == "text" and col.fullwidth:
        return lambda v: style.text(v, col) if isinstance(v, str) else v
    if kind in ("int", "money") and style.number_text_rate:

        def number(v: Any) -> Any:
            if not isinstance(v, int | float) or isinstance(v, bool) or style.rng.random() >= style.number_text_rate:
                return v
            if kind == "money" and v >= 1000 and style.rng.random() < 0.5:
                return f"{v:,.2f}".rstrip("0").rstrip(".")
            return f"{v:g}"

        return number
    return lambda v: v


def header_grid(cols: Sequence[Col], depth: int) -> tuple[list[list[str | None]], list[tuple[int, int, int, int]]]:
    """Header texts (depth rows) and merged ranges (0-based, inclusive) for the columns."""
    n = len(cols)
    grid: list[list[str | None]] = [[None] * n for _ in range(depth)]
    paths = []
    for c in cols:
        path = [*[t for t in (c.top, c.group) if t][: depth - 1], c.header]
        paths.append(path)
    merges = []
    for j, path in enumerate(paths):
        for i, t in enumerate(path[:-1]):
            grid[i][j] = t
        leaf_row = len(path) - 1
        grid[leaf_row][j] = path[-1]
        if leaf_row < depth - 1:
            merges.append((leaf_row, j, depth - 1, j))
    for i in range(depth - 1):  # group headers merged across their columns
        j = 0
        while j < n:
            t = grid[i][j]
            k = j
            if t is not None and i < len(paths[j]) - 1:
                while k + 1 < n and grid[i][k + 1] == t and paths[k + 1][: i + 1] == paths[j][: i + 1]:
                    k += 1
                if k > j:
                    merges.append((i, j, i, k))
                    for m in range(j + 1, k + 1):
                        grid[i][m] = None
            j = k + 1
    return grid, merges


def write_sheet(wb: Any, plan: SheetPlan) -> WrittenSheet:
    """Write ``plan`` as a new write-only worksheet of ``wb``."""
    ws = wb.create_sheet(plan.name)
    if plan.hidden:
        ws.sheet_state = "hidden"
    for j, c in enumerate(plan.cols, start=1):
        ws.column_dimensions[get_column_letter(j)].width = c.width or max(6.0, min(30.0, 2.2 * len(c.header) + 2))
    w = _Writer(ws, plan)
    n = w.width
    out = WrittenSheet(plan.name, plan.kinds, [], {c.key: j for j, c in enumerate(plan.cols, start=1)}, {}, {}, [])

    if plan.attachment:
        w.append([plan.attachment])
    if plan.title:
        r = w.append([plan.title])
        w.merge(r, 1, r, n)
    if plan.subtitle:
        r = w.append([plan.subtitle])
        w.merge(r, 1, r, n)
    if plan.meta:
        line: list[Any] = [None] * n
        line[0] = f"填报单位（盖章）：{plan.meta[0]}"
        line[max(1, n // 2)] = f"填报日期：{plan.meta[1]}"
        if n > 3:
            line[n - 2] = f"单位：{plan.meta[2]}"
        w.append(line)

    grid, merges = header_grid(plan.cols, plan.header_depth)

    def write_header() -> list[int]:
        first = w.row + 1
        rows = [w.append(list(texts)) for texts in grid]
        for r1, c1, r2, c2 in merges:
            w.merge(first + r1, c1 + 1, first + r2, c2 + 1)
        return rows

    out.header_rows = write_header()
    if plan.column_numbers:
        out.header_rows.append(w.append([str(j) for j in range(1, n + 1)]))

    household_cols = [j for j, c in enumerate(plan.cols) if c.household]
    member_cols = [j for j, c in enumerate(plan.cols) if not c.household]
    all_cols = list(range(n))
    position = 0
    for si, section in enumerate(plan.sections):
        if section.label:
            r = w.append([section.label])
            w.merge(r, 1, r, n)
            out.section_rows.append(r)
        for record in section.records:
            position += 1
            if plan.roster and record.members:
                first = w.row + 1
                hh_values = w.render(record, household_cols)
                rows = []
                for k, member in enumerate(record.members):
                    values = w.render(member, member_cols)
                    if k == 0 or plan.roster == "repeated":
                        for j in household_cols:
                            values[j] = hh_values[j] if k == 0 else _plain(hh_values[j])
                    r = w.append(values)
                    out.row_of[member.rid] = r
                    out.rows_of[member.rid] = [r]
                    rows.append(r)
                if plan.roster == "merged" and len(rows) > 1:
                    for j in household_cols:
                        w.merge(first, j + 1, rows[-1], j + 1)
                out.row_of[record.rid] = first
                out.rows_of[record.rid] = rows
                out.data_rows.extend(rows)
            else:
                r = w.append(w.render(record, all_cols))
                out.row_of[record.rid] = r
                out.rows_of[record.rid] = [r]
                out.data_rows.append(r)
            if position == plan.repeat_header_after:
                out.repeated_header_rows.extend(write_header())
            if position in plan.blank_after:
                w.append([])
        if section.subtotal:
            out.subtotal_rows[si] = _subtotal_row(
                w, plan, section.records, section.subtotal_label, plan.subtotal_errors.get
            )
    if plan.total:
        key_delta = {k: d for (s, k), d in plan.subtotal_errors.items() if s == -1}
        out.subtotal_rows[-1] = _subtotal_row(w, plan, plan.records, plan.total_label, key_delta.get, total=True)
    if plan.footer:
        w.append([])
        line = [None] * n
        for i, text in enumerate(plan.footer):
            line[min(n - 1, i * max(1, n // len(plan.footer)))] = text
        w.append(line)
    for note in plan.notes:
        r = w.append([note])
        w.merge(r, 1, r, n)
    return out


def _plain(value: Any) -> Any:
    return value.value if hasattr(value, "number_format") else value


def _subtotal_row(
    w: _Writer, plan: SheetPlan, records: Sequence[Record], label: str, delta: Callable, total: bool = False
) -> int:
    values: list[Any] = [None] * w.width
    values[0] = label
    si = None if total else next(i for i, s in enumerate(plan.sections) if s.records is records)
    for j, c in enumerate(plan.cols):
        if not c.total:
            continue
        numbers = [r.values.get(c.key) for r in records]
        numbers = [v for v in numbers if isinstance(v, int | float) and not isinstance(v, bool)]
        if not numbers:
            continue
        s = float(sum(numbers))
        d = delta(c.key) if total else delta((si, c.key))
        s = round(s + (d or 0), 2)
        values[j] = int(s) if float(s).is_integer() else s
    return w.append(values)
