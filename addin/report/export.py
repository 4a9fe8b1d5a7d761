"""Export upward: a standalone workbook of the chosen sheets, holding values only.

The county office receives ``<name>-上报.xlsx`` and must be able to open it anywhere
— without the add-in, without the township's other files, without macros — and
read exactly the numbers the township saw. So the export keeps what a reader
needs (number formats such as percents and dates, bold headers, column widths,
merged cells, freeze panes, notes, charts that read from exported sheets) and
drops everything that computes or reaches elsewhere: formulas (replaced by their
saved results, see :mod:`addin.report.export_cells`), the VBA project, external
links, defined names, data connections. A 说明 sheet at the end says what the
file is and lists anything the reader should know (a formula that had no saved
result and was left empty, a chart that could not come along).

openpyxl does the work (load the source twice: formats, and saved results with
``data_only``), on a pruned copy that lists only the exported sheets
(:mod:`addin.report.export_package`). The result is written atomically.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import warnings
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.packaging.custom import CustomPropertyList
from openpyxl.styles import Font
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from addin.errors import CorruptWorkbook, OutputError, UsageError
from addin.fsutil import atomic_write, describe
from addin.ledger.workbook import check_readable, read_workbook, sniff
from addin.report import export_cells as cells
from addin.report.export_package import pruned_copy, source_sheets, uncached_formula_cells
from addin.report.xlsx.xmltext import display_width

DEFAULT_SHEETS = ("汇总", "汇总（整改助手）", "排名", "排名（整改助手）", "六个一统计", "检查结果")
"""Exported when present (in workbook order) and no sheets are named; else every visible sheet."""
NOTES_SHEET = "说明"
NOTES_SHEET_ALT = "导出说明"
SUFFIX = "-上报"
_RESAVE = "请用 Excel 打开后“另存为” .xlsx 再导出"
MAX_LISTED_CELLS = 20
NOTES_LINE_WIDTH = 88  # columns per line of the 说明 sheet (a Chinese character is two)

Grid = Sequence[Sequence[object]]


@dataclass
class ExportResult:
    """What was exported, and what the reader (and the user) should be told."""

    path: Path
    source: str
    sheets: list[str]
    uncached: dict[str, list[str]] = field(default_factory=dict)
    charts: int = 0
    dropped_charts: int = 0
    unsaved: list[str] = field(default_factory=list)  # sheets the saved file lacks: values without formats

    @property
    def warnings(self) -> list[str]:
        """Chinese sentences for the 说明 sheet, the console and the ribbon message."""
        out = []
        for sheet, where in self.uncached.items():
            listed = "、".join(where[:MAX_LISTED_CELLS]) + (" 等" if len(where) > MAX_LISTED_CELLS else "")
            out.append(
                f"工作表“{sheet}”有 {len(where)} 个公式没有保存计算结果，已导出为空白：{listed}。"
                "请在 Excel 中打开原文件、重新计算并保存后再导出。"
            )
        if self.dropped_charts:
            out.append(
                f"有 {self.dropped_charts} 个图表引用了未导出的工作表或其他文件，没有导出；"
                f"图表请查看原文件“{self.source}”。"
            )
        for sheet in self.unsaved:
            out.append(f"工作表“{sheet}”还没有保存到文件中，导出的只有数值、没有格式；保存工作簿后再导出可保留格式。")
        return out


def export_name(src: str | Path) -> str:
    """``沙窝镇汇总.xlsm`` → ``沙窝镇汇总-上报.xlsx``."""
    return f"{Path(src).stem}{SUFFIX}.xlsx"


def output_folder(folder: str | Path) -> Path:
    """``folder``, created when missing (an OutputError says why it cannot be)."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(folder, f"无法创建输出文件夹（{exc.strerror or exc}）", remedy="请换一个保存位置") from exc
    return folder


def choose_sheets(available: Sequence[tuple[str, bool]], wanted: Sequence[str] | None, *, source: str) -> list[str]:
    """The sheets to export: ``wanted`` (as Excel compares names), else the defaults, else all visible ones."""
    names = [name for name, _ in available]
    if wanted:
        out: list[str] = []
        for want in wanted:
            key = want.strip().casefold()
            match = next((n for n in names if n == want), None) or next((n for n in names if n.casefold() == key), None)
            if match is None:
                raise UsageError(f"“{source}”中没有名为“{want}”的工作表（现有：{'、'.join(names) or '无'}）")
            if match not in out:
                out.append(match)
        return out
    defaults = [n for n in names if n in DEFAULT_SHEETS]
    if defaults:
        return defaults
    visible = [name for name, shown in available if shown]
    if not visible:
        raise UsageError(f"“{source}”中没有可导出的工作表", remedy="请用 --sheets 指定要导出的工作表")
    return visible


def export_workbook(
    src: str | Path,
    dst: str | Path,
    sheets: Sequence[str] | None = None,
    *,
    values: Mapping[str, Grid] | None = None,
) -> ExportResult:
    """Write ``dst``: the chosen sheets of ``src`` as a standalone, values-only .xlsx.

    ``values`` (sheet name → rows from A1) replaces the file's values for those
    sheets — the ribbon passes what the open workbook shows, unsaved edits
    included; a named sheet the file lacks is written from its values alone.
    """
    src, dst = Path(src), Path(dst)
    _check_destination(src, dst)
    check_readable(src)
    overrides = dict(values or {})
    if sniff(src) != "zip":  # .xls: values are all there is to keep
        book = read_workbook(src)
        grids = {s.name: s.cells for s in book.sheets}
        available = [(s.name, s.visible) for s in book.sheets]
        available += [(n, True) for n in overrides if n not in grids]
        chosen = choose_sheets(available, sheets, source=src.name)
        wb = Workbook()
        wb.remove(wb.active)
        for name in chosen:
            cells.fill_new_sheet(wb.create_sheet(name), overrides.get(name, grids.get(name, [])))
        result = ExportResult(dst, src.name, chosen, unsaved=[n for n in chosen if n not in grids])
        return _finish(wb, result)
    with tempfile.TemporaryDirectory(prefix="zhenggai-export-") as tmp:
        return _export_package(src, dst, sheets, overrides, Path(tmp))


def _export_package(
    src: Path, dst: Path, sheets: Sequence[str] | None, overrides: dict[str, Grid], tmp: Path
) -> ExportResult:
    try:
        with zipfile.ZipFile(src) as zf:
            in_file = source_sheets(zf)
    except (zipfile.BadZipFile, ValueError, KeyError) as exc:
        raise CorruptWorkbook(src, f"无法识别工作簿结构（{describe(exc)}）") from exc
    file_names = {s.name for s in in_file}
    available = [(s.name, s.visible) for s in in_file] + [(n, True) for n in overrides if n not in file_names]
    chosen = choose_sheets(available, sheets, source=src.name)
    result = ExportResult(dst, src.name, chosen, unsaved=[n for n in chosen if n not in file_names])
    from_file = [n for n in chosen if n in file_names]
    if not from_file:
        wb = Workbook()
        wb.remove(wb.active)
    else:
        pruned = tmp / "source.xlsx"
        try:
            pruned_copy(src, set(from_file), pruned)
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, KeyError) as exc:
            raise CorruptWorkbook(src, f"无法读取（{describe(exc)}）", remedy=_RESAVE) from exc
        except OSError as exc:
            raise OutputError(dst, f"无法写入临时文件（{describe(exc)}）", remedy="请清理磁盘空间后重试") from exc
        wb = _load(pruned, src, data_only=False)
        needs_results = [n for n in from_file if n not in overrides]
        cached = _load(pruned, src, data_only=True) if needs_results else None
        with zipfile.ZipFile(pruned) as zf:
            parts = {s.name: s.part for s in source_sheets(zf)}
            for name in from_file:
                ws = wb[name]
                if name in overrides:
                    cells.replace_values(ws, overrides[name], chosen)
                elif cached is not None:
                    candidates = _formulas_without_result(ws, cached[name])
                    uncached = uncached_formula_cells(zf, parts[name]) if candidates else set()
                    missing = cells.replace_formulas(ws, cached[name], uncached, chosen)
                    if missing:
                        result.uncached[name] = missing
        for name in from_file:
            kept, dropped = cells.clean_sheet(wb[name], chosen)
            result.charts += kept
            result.dropped_charts += dropped
    for name in result.unsaved:
        cells.fill_new_sheet(wb.create_sheet(name), overrides[name])
    by_name = {ws.title: ws for ws in wb.worksheets}
    wb._sheets = [by_name[n] for n in chosen]
    return _finish(wb, result)


def _check_destination(src: Path, dst: Path) -> None:
    if dst.suffix.lower() != ".xlsx":
        raise OutputError(dst, "导出文件必须是 .xlsx 格式", remedy="请把文件扩展名改为 .xlsx")
    if dst.exists() and src.exists() and dst.resolve() == src.resolve():
        raise OutputError(dst, "导出文件不能与原文件相同，拒绝覆盖原文件", remedy="请换一个文件名或保存位置")


def _load(path: Path, src: Path, *, data_only: bool) -> Workbook:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "extension is not supported" etc.: nothing the user can act on
            return openpyxl.load_workbook(path, data_only=data_only, keep_links=False, rich_text=False)
    except Exception as exc:
        raise CorruptWorkbook(src, f"无法读取（{describe(exc)}）", remedy=_RESAVE) from exc


def _formulas_without_result(ws: Worksheet, cached: Worksheet) -> bool:
    for key, cell in ws._cells.items():
        if cells.is_formula(cell):
            result = cached._cells.get(key)
            if result is None or result.value is None:
                return True
    return False


def _finish(wb: Workbook, result: ExportResult) -> ExportResult:
    """Workbook-wide clean-up, the 说明 sheet, and the atomic write."""
    wb.defined_names.clear()
    wb._external_links = []
    wb.vba_archive = None
    wb.custom_doc_props = CustomPropertyList()
    for ws in wb.worksheets:
        ws.defined_names.clear()
        ws.sheet_state = "visible"
        ws.sheet_view.tabSelected = False
        _printable(ws)
    _notes_sheet(wb, result)
    wb.active = 0
    wb.worksheets[0].sheet_view.tabSelected = True
    for view in wb.views:
        view.activeTab = 0
        view.firstSheet = 0
    atomic_write(result.path, wb.save)
    return result


def _printable(ws: Worksheet) -> None:
    """Printing (and the PDF): frozen header rows repeat on every page; a sheet without its own
    page setup and without charts is fitted to the page width (with charts beside the tables,
    fitting would shrink the tables to nothing, so those print across pages instead)."""
    frozen = ws.freeze_panes
    if frozen and not ws.print_title_rows:
        row = ws[frozen].row
        if row > 1:
            ws.print_title_rows = f"1:{row - 1}"
    if ws.page_setup.orientation or ws.sheet_properties.pageSetUpPr.fitToPage:
        return  # the source's own print layout
    if ws.max_column > 8 or ws._charts:
        ws.page_setup.orientation = "landscape"
    if not ws._charts:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0


def notes_lines(result: ExportResult, *, now: dt.datetime | None = None) -> list[str]:
    """The text of the 说明 sheet, one paragraph per line."""
    when = (now or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
    lines = [
        "导出说明",
        f"来源文件：{result.source}",
        f"导出时间：{when}",
        f"包含的工作表：{'、'.join(result.sheets)}",
        "本文件只含数值：公式（包括整改助手的 ZG_ 函数）已替换为计算结果；不含宏、外部链接和数据连接，可直接转发。",
    ]
    if result.charts:
        lines.append(f"图表：{result.charts} 个图表随工作表导出，显示的是导出时的数据。")
    else:
        lines.append("图表：本文件不含图表；汇总图表请查看生成的汇总文件（汇总.xlsx）。")
    lines += [f"注意：{w}" for w in result.warnings]
    return lines


def _notes_sheet(wb: Workbook, result: ExportResult) -> None:
    """The 说明 sheet: short lines (long ones broken by hand: wrapped cells print clipped in some programs)."""
    title = NOTES_SHEET if NOTES_SHEET not in result.sheets else NOTES_SHEET_ALT
    ws = wb.create_sheet(title)
    row = 0
    for paragraph in notes_lines(result):
        for line in _wrapped(paragraph, NOTES_LINE_WIDTH):
            row += 1
            cells.put_value(ws.cell(row, 1), line)
    ws["A1"].font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width = NOTES_LINE_WIDTH + 4
    _printable(ws)


def _wrapped(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` display columns; continuation lines indented."""
    lines, line = [], ""
    for ch in text:
        if display_width(line + ch) > width:
            lines.append(line)
            line = "  "
        line += ch
    return [*lines, line]
