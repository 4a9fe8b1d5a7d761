"""The values-only export, read back with openpyxl, python-calamine, the zip itself and LibreOffice."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine
import xlwings

from addin.errors import CorruptWorkbook, FileMissing, OutputError, UsageError
from addin.report.export import DEFAULT_SHEETS, export_name, export_workbook
from tests.helpers import libreoffice
from tests.helpers.export_books import (
    DEADLINE,
    FORMULA_LIKE_TEXT,
    TOWNS,
    patch_members,
    save_results,
    summary_source,
)

XLWINGS_XLSM = Path(xlwings.__file__).parent / "quickstart.xlsm"  # a real VBA project


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return summary_source(tmp_path / "沙窝镇汇总.xlsx")


@pytest.fixture
def exported(source: Path) -> Path:
    return export_workbook(source, source.with_name(export_name(source))).path


def members(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return z.namelist()


def all_cells(path: Path) -> list[openpyxl.cell.cell.Cell]:
    wb = openpyxl.load_workbook(path)
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]


# --------------------------------------------------------------------------- values
def test_every_formula_becomes_its_saved_result(source: Path, exported: Path) -> None:
    assert not [c.coordinate for c in all_cells(exported) if c.data_type == "f"]
    ws = openpyxl.load_workbook(exported)["汇总"]
    totals = [sum(t[i] for t in TOWNS) for i in (1, 2, 3)]
    assert [ws["B7"].value, ws["C7"].value, ws["E7"].value] == totals  # SUM
    assert [ws[f"D{r}"].value for r in range(4, 7)] == [t[2] / t[1] for t in TOWNS]  # a ratio
    assert ws["D7"].value == pytest.approx(totals[1] / totals[0])
    assert ws["G4"].value == "通过"  # our ZG_ function
    assert (ws["H4"].value, ws["H5"].value, ws["H6"].value) == ("看排名", "县扶贫办网站", "看台账")  # HYPERLINK
    assert [ws[f"J{r}"].value for r in range(4, 7)] == [t[1] * 2 for t in TOWNS]  # an array formula
    assert ws["B9"].value == 42  # a link into another workbook
    assert ws["B10"].value is None  # a formula whose result is empty text
    assert openpyxl.load_workbook(exported)["排名"]["C2"].value == 98


def test_calamine_reads_the_same_values_as_the_source_saved(source: Path, exported: Path) -> None:
    def grid(path: Path, sheet: str) -> list[list[object]]:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        return book.get_sheet_by_name(sheet).to_python()

    before, after = grid(source, "汇总"), grid(exported, "汇总")
    assert after[:10] == before[:10]  # B8 (never calculated) is empty in both


def test_text_that_looks_like_a_formula_stays_text(exported: Path) -> None:
    ws = openpyxl.load_workbook(exported)["汇总"]
    for ref, text in FORMULA_LIKE_TEXT.items():
        assert (ws[ref].value, ws[ref].data_type, ws[ref].quotePrefix) == (text, "s", True), ref
    assert (ws["I4"].value, ws["I4"].data_type, ws["I4"].quotePrefix) == ("=1+1", "s", True)  # a formula's text result


def test_a_formula_without_saved_result_is_left_empty_and_reported(source: Path, tmp_path: Path) -> None:
    result = export_workbook(source, tmp_path / "out.xlsx")
    assert result.uncached == {"汇总": ["B8"]}
    assert openpyxl.load_workbook(result.path)["汇总"]["B8"].value is None
    (warning,) = [w for w in result.warnings if "没有保存计算结果" in w]
    assert "“汇总”" in warning and "B8" in warning
    notes = [c.value for c in openpyxl.load_workbook(result.path)["说明"]["A"]]
    assert any("B8" in str(v) for v in notes)


def test_an_uncalculated_library_file_invents_nothing(tmp_path: Path) -> None:
    src = tmp_path / "lib.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "汇总"
    wb.active.append(["问题总数", "已完成", "完成率"])
    wb.active.append([10, 4, "=B2/A2"])
    wb.active["A4"] = "=SUM(A2:A3)"
    wb.save(src)
    result = export_workbook(src, tmp_path / "out.xlsx")
    assert result.uncached == {"汇总": ["C2", "A4"]}
    ws = openpyxl.load_workbook(result.path)["汇总"]
    assert (ws["C2"].value, ws["A4"].value, ws["A2"].value) == (None, None, 10)


# --------------------------------------------------------------------------- what a reader needs
def test_formats_widths_merges_freeze_panes_notes_and_headers_are_kept(exported: Path) -> None:
    ws = openpyxl.load_workbook(exported)["汇总"]
    assert ws["D4"].number_format == "0.0%" and ws["D7"].number_format == "0.0%"
    assert ws["F4"].value == dt.datetime.combine(DEADLINE, dt.time()) and ws["F4"].number_format == "yyyy-mm-dd"
    assert ws["B2"].is_date
    assert ws["A1"].font.b and ws["A1"].font.sz == 14 and all(c.font.b for c in ws[3][:10])
    assert ws.column_dimensions["A"].width == 18 and ws.column_dimensions["D"].width == 11
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:F1"]
    assert ws.freeze_panes == "A4" and ws.print_title_rows == "$1:$3"
    assert ws["B4"].comment is not None and ws["B4"].comment.text == "含省级督查反馈问题"


def test_links_that_still_work_are_kept_and_the_others_dropped(exported: Path) -> None:
    ws = openpyxl.load_workbook(exported)["汇总"]
    assert ws["H4"].hyperlink.location == "'排名'!A1"  # HYPERLINK into an exported sheet → a plain link
    assert ws["H5"].hyperlink.target == "https://example.gov.cn/zg"
    assert ws["H6"].hyperlink is None  # into 台账, which is not exported
    assert ws["A6"].hyperlink.target == "https://example.gov.cn/chengguan"
    assert ws["A5"].hyperlink is None  # a link to a file on the township's PC


def test_charts_come_along_only_when_they_read_from_exported_sheets(source: Path, tmp_path: Path) -> None:
    result = export_workbook(source, tmp_path / "out.xlsx")
    assert (result.charts, result.dropped_charts) == (1, 1)
    charts = [m for m in members(result.path) if m.startswith("xl/charts/chart")]
    assert len(charts) == 1
    with zipfile.ZipFile(result.path) as z:
        xml = z.read(charts[0]).decode("utf-8")
    assert "'汇总'!$D$4:$D$6" in xml and "台账" not in xml
    assert any("图表" in w and "沙窝镇汇总.xlsx" in w for w in result.warnings)


# --------------------------------------------------------------------------- nothing that computes or reaches out
def test_no_external_links_connections_or_names_remain(exported: Path) -> None:
    names = members(exported)
    assert not [n for n in names if "externalLink" in n or "connections" in n or "vbaProject" in n]
    with zipfile.ZipFile(exported) as z:
        workbook = z.read("xl/workbook.xml").decode("utf-8")
        types = z.read("[Content_Types].xml").decode("utf-8")
    assert "externalReference" not in workbook
    assert re.findall(r'<definedName name="([^"]+)"', workbook) == ["_xlnm.Print_Titles"]  # from the frozen header
    assert "macroEnabled" not in types
    wb = openpyxl.load_workbook(exported)
    assert dict(wb.defined_names) == {} and wb._external_links == []
    assert all(not ws.defined_names for ws in wb.worksheets)


def test_validations_and_conditional_formats_pointing_elsewhere_are_removed(exported: Path) -> None:
    ws = openpyxl.load_workbook(exported)["汇总"]
    assert ws.data_validations.dataValidation == []
    rules = [(str(cf.sqref), rule.type, tuple(rule.formula)) for cf in ws.conditional_formatting for rule in cf.rules]
    assert rules == [("E4:E6", "cellIs", ("0",))]


def test_an_xlsm_loses_its_vba_project(tmp_path: Path) -> None:
    src = tmp_path / "宏台账.xlsm"
    shutil.copyfile(XLWINGS_XLSM, src)
    wb = openpyxl.load_workbook(src, keep_vba=True)
    ws = wb.create_sheet("汇总")
    ws.append(["问题总数", "已完成", "完成率"])
    ws.append([10, 4, "=B2/A2"])
    wb.save(src)
    assert "xl/vbaProject.bin" in members(src)
    save_results(src, len(wb.sheetnames), {"C2": 0.4})
    result = export_workbook(src, tmp_path / export_name(src))
    assert result.path.name == "宏台账-上报.xlsx" and result.sheets == ["汇总"]
    assert not [n for n in members(result.path) if "vba" in n.lower()]
    with zipfile.ZipFile(result.path) as z:
        assert b"macroEnabled" not in z.read("[Content_Types].xml")
    assert openpyxl.load_workbook(result.path)["汇总"]["C2"].value == 0.4


# --------------------------------------------------------------------------- which sheets
def test_default_sheets_are_the_report_sheets_else_every_visible_one(source: Path, tmp_path: Path) -> None:
    assert export_workbook(source, tmp_path / "a.xlsx").sheets == ["汇总", "排名"]
    assert openpyxl.load_workbook(tmp_path / "a.xlsx").sheetnames == ["汇总", "排名", "说明"]
    plain = tmp_path / "plain.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "台账"
    wb.create_sheet("说明")
    wb.create_sheet("隐藏").sheet_state = "hidden"
    wb.save(plain)
    result = export_workbook(plain, tmp_path / "b.xlsx")
    assert result.sheets == ["台账", "说明"]
    assert openpyxl.load_workbook(result.path).sheetnames == ["台账", "说明", "导出说明"]
    assert set(DEFAULT_SHEETS) >= {"汇总", "排名", "六个一统计", "检查结果"}


def test_named_sheets_in_the_order_given_hidden_ones_shown(source: Path, tmp_path: Path) -> None:
    result = export_workbook(source, tmp_path / "c.xlsx", ["排名", "代码表", "汇总"])
    wb = openpyxl.load_workbook(result.path)
    assert wb.sheetnames == ["排名", "代码表", "汇总", "说明"]
    assert all(ws.sheet_state == "visible" for ws in wb.worksheets)
    assert wb.active.title == "排名"
    with pytest.raises(UsageError, match="没有名为“排行”的工作表（现有：汇总、排名、台账、代码表）"):
        export_workbook(source, tmp_path / "d.xlsx", ["排行"])
    assert not (tmp_path / "d.xlsx").exists()


# --------------------------------------------------------------------------- the open workbook's values (ribbon)
def test_values_of_the_open_workbook_replace_the_saved_ones(source: Path, tmp_path: Path) -> None:
    shown = [
        ["沙窝镇整改汇总表（修改中）"],
        ["截至日期", dt.datetime(2024, 7, 18)],
        ["乡镇", "问题总数", "已完成", "完成率"],
        ["沙窝镇", 13, 9, 9 / 13],
        ["=手工输入", "-", "+1", "@"],
    ]
    result = export_workbook(
        source, tmp_path / "e.xlsx", ["汇总", "新表"], values={"汇总": shown, "新表": [["甲", 1.5]]}
    )
    wb = openpyxl.load_workbook(result.path)
    ws = wb["汇总"]
    got = [[ws.cell(r, c).value for c in range(1, len(line) + 1)] for r, line in enumerate(shown, start=1)]
    assert got == shown
    assert ws["B7"].value is None and ws["D6"].value is None and ws["J4"].value is None  # not shown: empty
    assert all(ws.cell(5, c).data_type == "s" and ws.cell(5, c).quotePrefix for c in (1, 2, 3, 4))
    assert ws["D4"].number_format == "0.0%" and ws.column_dimensions["A"].width == 18  # formats from the file
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:F1"]
    assert [[c.value for c in row] for row in wb["新表"].iter_rows()] == [["甲", 1.5]]
    assert result.unsaved == ["新表"] and any("“新表”还没有保存" in w for w in result.warnings)
    assert not result.uncached


# --------------------------------------------------------------------------- refusing and failing
def test_bad_inputs_and_outputs_are_chinese_errors(source: Path, tmp_path: Path) -> None:
    with pytest.raises(FileMissing):
        export_workbook(tmp_path / "没有.xlsx", tmp_path / "x.xlsx")
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a zip at all")
    with pytest.raises(CorruptWorkbook):
        export_workbook(broken, tmp_path / "y.xlsx")
    for part in ("xl/workbook.xml", "xl/worksheets/sheet1.xml"):  # a package with a damaged part
        damaged = tmp_path / f"损坏-{part.count('/')}.xlsx"
        shutil.copyfile(source, damaged)
        patch_members(damaged, {part: lambda data: data[: len(data) // 2]})
        with pytest.raises(CorruptWorkbook, match=damaged.name):
            export_workbook(damaged, tmp_path / "w.xlsx")
    with pytest.raises(OutputError, match="拒绝覆盖原文件"):
        export_workbook(source, source)
    with pytest.raises(OutputError, match=r"\.xlsx"):
        export_workbook(source, tmp_path / "z.xls")


def test_a_failed_write_leaves_no_file(source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_save(self: openpyxl.Workbook, target: object) -> None:
        target.write(b"half a workbook")  # type: ignore[attr-defined]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken_save)
    with pytest.raises(OutputError, match="磁盘空间不足"):
        export_workbook(source, tmp_path / "out.xlsx")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith((".out", "out"))] == []


def test_an_xls_source_is_exported_from_its_values(source: Path, tmp_path: Path) -> None:
    (xls,) = libreoffice.convert(source, "xls", tmp_path / "xls")  # a real .xls, saved by LibreOffice
    result = export_workbook(xls, tmp_path / export_name(xls), ["汇总"])
    ws = openpyxl.load_workbook(result.path)["汇总"]
    assert not [c for c in all_cells(result.path) if c.data_type == "f"]
    assert [ws["B7"].value, ws["C7"].value] == [sum(t[1] for t in TOWNS), sum(t[2] for t in TOWNS)]
    assert ws["A12"].value == FORMULA_LIKE_TEXT["A12"] and ws["A12"].data_type == "s"


# --------------------------------------------------------------------------- does it open
def test_the_export_opens_in_libreoffice(exported: Path, tmp_path: Path) -> None:
    csvs = libreoffice.convert(exported, "csv", tmp_path / "lo")
    by_sheet = {p.stem.rsplit("-", 1)[-1]: p.read_text(encoding="utf-8") for p in csvs}
    assert set(by_sheet) == {"汇总", "排名", "说明"}
    town, total, done, overdue = TOWNS[0]
    row = next(line for line in by_sheet["汇总"].splitlines() if line.startswith(town + ","))
    assert row.startswith(f"{town},{total},{done},") and f",{overdue},2024-06-30,通过,看排名," in row
    assert "=不是公式" in by_sheet["汇总"] and "太平镇,98" in by_sheet["排名"]
