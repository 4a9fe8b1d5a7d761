"""Values written into cells of existing sheets of the annotated copy (what ``zhenggai assign`` needs).

Source workbooks are built with openpyxl, plus hand-made package edits for what
openpyxl does not write (shared strings, a shared formula, a calculation chain,
a self-closing row, rows without ``r``, a prefixed root). Copies are read back
with openpyxl, python-calamine, the raw XML and LibreOffice, and compared with
their source cell by cell.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest
import python_calamine
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.table import Table

from addin.errors import OutputError
from addin.report import xlsx as xlsx_patch
from addin.report.xlsx import CellMark, CellValue, Link, NewSheet, sheet_rows, write_annotated_copy
from addin.report.xlsx.sheet_rows import BISECT_WINDOW
from tests.helpers.export_books import patch_members
from tests.helpers.libreoffice import convert
from tests.test_xlsx_patch import MAIN, OD_RELS, RED, YELLOW, digest, marked_cells, rewrite, sheet_parts

LEDGER, ROSTER, SUMMARY = "问题台账", "花名册", "汇总"
HEADER = ["序号", "问题描述", "责任人", "责任单位", "整改时限", "金额", "两倍", "累计", "完成时间", "备注"]
USER_DATE = "yyyy年m月d日"
CALC_CHAIN_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"
HEADER_FILL = PatternFill("solid", fgColor="FFBDD7EE")
YELLOW_FILL = PatternFill("solid", fgColor="FFFFFF00")
ROW_FILL = PatternFill("solid", fgColor="FFE2EFDA")
COLUMN_FILL = PatternFill("solid", fgColor="FFFCE4D6")
THIN = Side(style="thin")

WRITES = [
    CellValue(LEDGER, 3, 3, "张三"),  # a missing cell inside an existing row
    CellValue(LEDGER, 4, 3, "李四"),  # a styled empty cell: keeps its fill
    CellValue(LEDGER, 3, 4, "镇农业办"),  # replaces a shared-string value
    CellValue(LEDGER, 3, 2, None),  # clears a value, keeps the italic style
    CellValue(LEDGER, 4, 5, dt.date(2024, 8, 1)),  # a date into the user's date format: format kept
    CellValue(LEDGER, 4, 9, dt.date(2024, 9, 1)),  # a date into a filled cell: fill kept, date format added
    CellValue(LEDGER, 5, 9, dt.datetime(2024, 9, 2, 8, 30)),
    CellValue(LEDGER, 3, 7, 100),  # overwrites the formula =F3*2
    CellValue(LEDGER, 5, 8, 0),  # overwrites a dependant of the shared formula H3:H6
    CellValue(LEDGER, 5, 4, "合并格"),  # the top-left cell of merged D5:E6
    CellValue(LEDGER, 7, 3, "王五"),  # sparse row 7 (A7, F7): between its cells
    CellValue(LEDGER, 7, 12, 3.25),  # ... and right of them
    CellValue(LEDGER, 8, 1, "新增一行"),  # row 8 does not exist
    CellValue(LEDGER, 8, 3, True),
    CellValue(LEDGER, 10, 2, "行样式"),  # row 10 has its own style and no cells
    CellValue(LEDGER, 11, 2, "空行"),  # row 11 is <row .../> (self-closing)
    CellValue(LEDGER, 6, 10, "列样式"),  # column J has a default style
    CellValue(LEDGER, 2, 11, "责任人电话", style_from=(2, 10)),  # new header cells look like J2
    CellValue(LEDGER, 2, 12, "是否销号", style_from=(2, 10)),
    CellValue(LEDGER, 3, 11, "=SUM(A1:A2)"),  # stays text
    CellValue(LEDGER, 4, 11, 430524198001010012),  # 18 digits: text, never a double
    CellValue(LEDGER, 5, 11, "430524198001010013"),
    CellValue(LEDGER, 3, 12, False),
    CellValue(LEDGER, 4, 12, None, style_from=(2, 10)),  # an empty cell with the header's style
    CellValue(LEDGER, 14, 1, "表外新行"),  # below the last row
    CellValue(LEDGER, 14, 13, -7),
]
EXPECTED = {  # what openpyxl reads back
    "C3": "张三",
    "C4": "李四",
    "D3": "镇农业办",
    "B3": None,
    "E4": dt.datetime(2024, 8, 1),
    "I4": dt.datetime(2024, 9, 1),
    "I5": dt.datetime(2024, 9, 2, 8, 30),
    "G3": 100,
    "H5": 0,
    "D5": "合并格",
    "C7": "王五",
    "L7": 3.25,
    "A8": "新增一行",
    "C8": True,
    "B10": "行样式",
    "B11": "空行",
    "J6": "列样式",
    "K2": "责任人电话",
    "L2": "是否销号",
    "K3": "=SUM(A1:A2)",
    "K4": "430524198001010012",
    "K5": "430524198001010013",
    "L3": False,
    "L4": None,
    "A14": "表外新行",
    "M14": -7,
}


# -- building sources --------------------------------------------------------------------------------


def to_shared_strings(members: dict[str, bytes], parts: list[str]) -> None:
    """Move the inline strings openpyxl wrote in ``parts`` into a shared-string table, as Excel keeps them."""
    table: list[str] = []

    def share(m: re.Match[str]) -> str:
        table.append(m[2])
        return f'<c {m[1]}t="s"><v>{len(table) - 1}</v></c>'

    for part in parts:
        text = members[part].decode()
        pattern = r'<c ([^>]*?)t="inlineStr"><is><t(?: xml:space="preserve")?>(.*?)</t></is></c>'
        members[part] = re.sub(pattern, share, text).encode()
    items = "".join(f"<si><t>{t}</t></si>" for t in table)
    members["xl/sharedStrings.xml"] = (
        f'<sst xmlns="{MAIN[1:-1]}" count="{len(table)}" uniqueCount="{len(table)}">{items}</sst>'
    ).encode()
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml"'
        b' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    add_workbook_rel(members, "sharedStrings", "sharedStrings.xml")


def add_workbook_rel(members: dict[str, bytes], kind: str, target: str) -> None:
    rel = f'<Relationship Id="rId{kind}" Type="{OD_RELS}/{kind}" Target="{target}"/></Relationships>'
    name = "xl/_rels/workbook.xml.rels"
    members[name] = members[name].replace(b"</Relationships>", rel.encode())


def build_ledger(path: Path) -> Path:
    """The problem ledger a county keeps, with everything the cell writer must respect."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = LEDGER
    ws["A1"] = "某县脱贫攻坚问题整改台账"
    ws["A1"].font = Font(size=16, bold=True)
    ws.merge_cells("A1:J1")
    for col, text in enumerate(HEADER, 1):
        cell = ws.cell(2, col, text)
        cell.font = Font(bold=True, color="FF1F4E78")
        cell.fill = HEADER_FILL
        cell.border = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
        cell.alignment = Alignment(horizontal="center")
    for r in (3, 4, 5, 6, 9):
        ws.cell(r, 1, r - 2)
        ws.cell(r, 2, f"问题{r}：档案资料不全")
        if r not in (3, 5):
            ws.cell(r, 3, f"责任人{r}")
        if r != 6:
            ws.cell(r, 4, f"单位{r}")
        ws.cell(r, 5, dt.date(2024, 7, r)).number_format = USER_DATE
        ws.cell(r, 6, r * 1000.5).number_format = "#,##0.00"
        ws.cell(r, 7, f"=F{r}*2")
        ws.cell(r, 8, f"=F{r}+1")
    ws["C4"].value = None
    ws["C4"].fill = YELLOW_FILL
    ws["B3"].font = Font(italic=True)
    for r in (4, 5):
        ws.cell(r, 9).fill = YELLOW_FILL
    ws.merge_cells("D5:E6")
    ws["A7"], ws["F7"] = 5, 7.5  # a sparse row
    ws.row_dimensions[10].fill = ROW_FILL
    ws.row_dimensions[11].fill = ROW_FILL
    ws.column_dimensions["J"].fill = COLUMN_FILL
    ws.column_dimensions["B"].width = 30
    ws.column_dimensions["C"].width = 12
    ws.row_dimensions[2].height = 24
    ws["J3"] = "备注文字"

    roster = wb.create_sheet(ROSTER)
    roster.append(["姓名", "单位", "电话"])
    roster.append(["张三", "镇农业办", "13800000001"])
    wb.create_sheet(SUMMARY)["A1"] = f"=COUNTA('{LEDGER}'!C3:C9)"
    wb.save(path)

    parts = sheet_parts(path)

    def edit(m: dict[str, bytes]) -> None:
        ledger = m[parts[LEDGER]].decode()
        # H3:H6 as one shared formula, the way Excel saves a filled-down formula
        ledger = ledger.replace("<f>F3+1</f>", '<f t="shared" ref="H3:H6" si="0">F3+1</f>')
        for r in (4, 5, 6):
            ledger = ledger.replace(f"<f>F{r}+1</f>", '<f t="shared" si="0"/>')
        ledger, n = re.subn(r'(<row r="11"[^>]*?)\s*></row>', r"\1/>", ledger)
        assert n == 1 and '<f t="shared" si="0"/>' in ledger
        m[parts[LEDGER]] = ledger.encode()
        to_shared_strings(m, [parts[LEDGER], parts[ROSTER]])
        cells = "".join(f'<c r="{c}{r}" i="1"/>' for r in (3, 4, 5, 6, 9) for c in "GH" if c == "G" or r < 7)
        m["xl/calcChain.xml"] = f'<calcChain xmlns="{MAIN[1:-1]}">{cells}<c r="A1" i="3"/></calcChain>'.encode()
        m["[Content_Types].xml"] = m["[Content_Types].xml"].replace(
            b"</Types>", f'<Override PartName="/xl/calcChain.xml" ContentType="{CALC_CHAIN_TYPE}"/></Types>'.encode()
        )
        add_workbook_rel(m, "calcChain", "calcChain.xml")

    rewrite(path, edit)
    return path


# -- reading back ------------------------------------------------------------------------------------


def calamine_grid(path: Path, sheet: str) -> list[list[object]]:
    return python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def at(grid: list[list[object]], row: int, col: int) -> object:
    """A value of a calamine grid by 1-based row and column ("" outside it, as calamine pads)."""
    return grid[row - 1][col - 1] if row <= len(grid) and col <= len(grid[row - 1]) else ""


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def style_of(cell: openpyxl.cell.cell.Cell) -> tuple[object, ...]:
    """A cell's formats as plain objects (openpyxl's style proxies never equal another workbook's)."""
    proxies = (cell.font, cell.fill, cell.border, cell.alignment, cell.protection)
    return (*(copy.copy(proxy) for proxy in proxies), cell.number_format)


def sheet_root(path: Path, sheet: str) -> ET.Element:
    with zipfile.ZipFile(path) as z:
        return ET.fromstring(z.read(sheet_parts(path)[sheet]))


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """(source, copy with WRITES, digest of the source before the call)."""
    folder = tmp_path_factory.mktemp("cells")
    src = build_ledger(folder / "问题台账.xlsx")
    before = digest(src)
    dst = folder / "问题台账.assigned.xlsx"
    write_annotated_copy(src, dst, cell_values=WRITES)
    return src, dst, before


# -- the values --------------------------------------------------------------------------------------


def test_openpyxl_reads_exactly_the_values_asked_for(written: tuple[Path, Path, str]) -> None:
    _, dst, _ = written
    ws = openpyxl.load_workbook(dst)[LEDGER]
    got = {ref: ws[ref].value for ref in EXPECTED}
    assert got == EXPECTED
    for ref, value in EXPECTED.items():
        assert type(got[ref]) is type(value), ref
    assert ws["K3"].data_type == "s"  # "=SUM(A1:A2)" is text, not a formula
    assert ws["G3"].data_type == "n"


def test_calamine_reads_exactly_the_values_asked_for(written: tuple[Path, Path, str]) -> None:
    _, dst, _ = written
    grid = calamine_grid(dst, LEDGER)
    for value in WRITES:
        got = at(grid, value.row, value.column)
        asked = value.value
        if asked is None:
            assert got == "", value
        elif isinstance(asked, bool):
            assert got is asked, value
        elif isinstance(asked, dt.datetime):
            assert (type(got), got) == (dt.datetime, asked), value
        elif isinstance(asked, dt.date):
            assert (type(got), got) == (dt.date, asked), value
        elif isinstance(asked, int) and abs(asked) >= 10**15:
            assert got == str(asked), value
        elif isinstance(asked, int | float):
            assert isinstance(got, int | float) and not isinstance(got, bool) and got == asked, value
        else:
            assert (type(got), got) == (str, asked), value


def test_every_other_cell_keeps_its_value_and_style(written: tuple[Path, Path, str]) -> None:
    src, dst, _ = written
    old, new = openpyxl.load_workbook(src)[LEDGER], openpyxl.load_workbook(dst)[LEDGER]
    old_grid, new_grid = calamine_grid(src, LEDGER), calamine_grid(dst, LEDGER)
    asked = {(v.row, v.column) for v in WRITES}
    compared = 0
    for row in range(1, 15):
        for col in range(1, 14):
            if (row, col) in asked:
                continue
            ref = f"{get_column_letter(col)}{row}"
            assert new[ref].value == old[ref].value, ref
            assert style_of(new[ref]) == style_of(old[ref]), ref
            assert at(new_grid, row, col) == at(old_grid, row, col), ref
            compared += 1
    assert compared == 14 * 13 - len(asked)
    assert new["H4"].value == old["H4"].value == "=F4+1"  # the shared formula's other cells still work
    assert new["H6"].value == "=F6+1" and new["G4"].value == "=F4*2"
    assert sorted(map(str, new.merged_cells.ranges)) == sorted(map(str, old.merged_cells.ranges))
    for letter in "ABCDJ":
        assert new.column_dimensions[letter].width == old.column_dimensions[letter].width, letter
    assert new.row_dimensions[2].height == 24


def test_written_cells_keep_or_borrow_styles(written: tuple[Path, Path, str]) -> None:
    src, dst, _ = written
    old, new = openpyxl.load_workbook(src)[LEDGER], openpyxl.load_workbook(dst)[LEDGER]
    for ref in ("C4", "B3", "D3", "G3", "D5"):  # existing cells keep their own style
        assert style_of(new[ref]) == style_of(old[ref]), ref
    assert new["C4"].fill.fgColor.rgb == "FFFFFF00" and new["B3"].font.i
    assert new["E4"].number_format == USER_DATE  # the user's own date format wins
    for ref, shown in (("I4", "yyyy-mm-dd"), ("I5", "yyyy-mm-dd hh:mm:ss")):  # fill kept, date format added
        assert style_of(new[ref])[:5] == style_of(old[ref])[:5] and new[ref].number_format == shown, ref
    for ref in ("K2", "L2", "L4"):  # style_from the header cell J2
        assert style_of(new[ref]) == style_of(old["J2"]), ref
    assert new["K2"].font.b and new["K2"].fill.fgColor.rgb == "FFBDD7EE"
    assert new["B10"].fill.fgColor.rgb == new["B11"].fill.fgColor.rgb == "FFE2EFDA"  # the row's style
    assert new["J6"].fill.fgColor.rgb == "FFFCE4D6"  # the column's style
    assert not new["C3"].has_style and not new["A8"].has_style and not new["A14"].has_style


def test_raw_xml_rows_in_order_with_their_attributes(written: tuple[Path, Path, str]) -> None:
    src, dst, _ = written
    old_rows = {int(r.get("r")): r.attrib for r in sheet_root(src, LEDGER).iter(f"{MAIN}row")}
    root = sheet_root(dst, LEDGER)
    rows = list(root.iter(f"{MAIN}row"))
    numbers = [int(r.get("r")) for r in rows]
    assert numbers == sorted(set(numbers)) and {8, 14} <= set(numbers)
    for row in rows:
        cols = [openpyxl.utils.cell.coordinate_from_string(c.get("r")) for c in row.iter(f"{MAIN}c")]
        assert all(r == int(row.get("r")) for _, r in cols)
        index = [openpyxl.utils.column_index_from_string(c) for c, _ in cols]
        assert index == sorted(set(index)), row.get("r")
        if int(row.get("r")) in old_rows:
            assert row.attrib == old_rows[int(row.get("r"))]
    assert root.find(f"{MAIN}dimension").get("ref") == "A1:M14"
    g3 = root.find(f".//{MAIN}c[@r='G3']")
    assert g3.find(f"{MAIN}f") is None and g3.find(f"{MAIN}v").text == "100"
    k3 = root.find(f".//{MAIN}c[@r='K3']")
    assert k3.get("t") == "inlineStr" and k3.find(f"{MAIN}f") is None


def test_other_parts_are_byte_identical_and_calc_chain_is_dropped(written: tuple[Path, Path, str]) -> None:
    src, dst, before = written
    assert digest(src) == before
    parts = sheet_parts(src)
    with zipfile.ZipFile(src) as zs, zipfile.ZipFile(dst) as zd:
        assert "xl/calcChain.xml" in zs.namelist() and "xl/calcChain.xml" not in zd.namelist()
        touched = {parts[LEDGER], "xl/calcChain.xml", "[Content_Types].xml", "xl/workbook.xml"}
        touched |= {"xl/_rels/workbook.xml.rels", "xl/styles.xml"}
        for name in zs.namelist():
            if name not in touched:
                assert zd.read(name) == zs.read(name), name
        assert {parts[ROSTER], parts[SUMMARY], "xl/sharedStrings.xml"} <= set(zs.namelist()) - touched
        assert b"calcChain" not in zd.read("[Content_Types].xml")
        assert b"calcChain" not in zd.read("xl/_rels/workbook.xml.rels")
        assert b'fullCalcOnLoad="1"' in zd.read("xl/workbook.xml")
        assert zd.testzip() is None
    old, new = openpyxl.load_workbook(src), openpyxl.load_workbook(dst)
    assert new.sheetnames == old.sheetnames
    for name in (ROSTER, SUMMARY):
        assert [[c.value for c in r] for r in new[name].iter_rows()] == [
            [c.value for c in r] for r in old[name].iter_rows()
        ]


def test_libreoffice_opens_the_copy(written: tuple[Path, Path, str], tmp_path: Path) -> None:
    src, dst, _ = written
    files = {p.name: p for p in convert(dst, "csv", tmp_path / "copy")}
    rows = csv_rows(files[f"{dst.stem}-{LEDGER}.csv"])
    (before,) = (p for p in convert(src, "csv", tmp_path / "source") if p.name.endswith(f"-{LEDGER}.csv"))
    old = csv_rows(before)
    asked = {(v.row, v.column) for v in WRITES}
    for r in range(1, 15):
        for c in range(1, 14):
            if (r, c) not in asked:
                assert at(rows, r, c) == at(old, r, c), (r, c)  # type: ignore[arg-type]
    assert rows[1][:12] == [*HEADER, "责任人电话", "是否销号"]
    assert rows[2][1:4] == ["", "张三", "镇农业办"] and rows[2][6] == "100"
    assert rows[2][10] == "=SUM(A1:A2)" and rows[2][11] == "FALSE"
    assert rows[3][2] == "李四" and rows[3][4] == "08/01/2024" and rows[3][8] == "2024-09-01"
    assert rows[3][10] == "430524198001010012"
    assert rows[4][3] == "合并格" and rows[4][8] == "2024-09-02 08:30:00"
    assert rows[6][2] == "王五" and rows[6][11] == "3.25"
    assert rows[7][0] == "新增一行" and rows[7][2] == "TRUE"
    assert rows[9][1] == "行样式" and rows[10][1] == "空行"
    assert rows[13][0] == "表外新行" and rows[13][12] == "-7"
    roster = files[f"{dst.stem}-{ROSTER}.csv"].read_text(encoding="utf-8").splitlines()
    assert roster == ["姓名,单位,电话", "张三,镇农业办,13800000001"]


# -- together with marks and new sheets ----------------------------------------------------------------


def test_values_marks_and_new_sheets_in_one_call(tmp_path: Path) -> None:
    src = build_ledger(tmp_path / "src.xlsx")
    dst = tmp_path / "dst.xlsx"
    log = NewSheet("操作记录", ["工作表", "单元格", "原值", "新值"], [[LEDGER, Link(LEDGER, "C3"), None, "张三"]])
    stats = NewSheet("六个一统计", ["乡镇", "已落实"], [["石门镇", 3]])
    marks = [CellMark(LEDGER, 3, 3, "warning", "新分配的责任人"), CellMark(LEDGER, 9, 6, "error", "金额有误")]
    values = [
        CellValue(LEDGER, 3, 3, "张三"),
        CellValue(LEDGER, 5, 3, "赵六"),
        CellValue(LEDGER, 2, 11, "责任单位（新）", style_from=(2, 10)),
        CellValue(LEDGER, 3, 11, "镇农业办"),
    ]
    write_annotated_copy(src, dst, new_sheets=[log, stats], marks=marks, cell_values=values)
    wb = openpyxl.load_workbook(dst)
    assert wb.sheetnames == [LEDGER, ROSTER, SUMMARY, "操作记录", "六个一统计"]
    ws = wb[LEDGER]
    assert [ws[ref].value for ref in ("C3", "C5", "K2", "K3")] == ["张三", "赵六", "责任单位（新）", "镇农业办"]
    assert ws["K2"].font.b
    fills = [d.fill.bgColor.rgb for d in wb._differential_styles.dxf]
    assert marked_cells(ws, fills) == {"C3": YELLOW, "F9": RED}
    assert "新分配的责任人" in ws["C3"].comment.text and "金额有误" in ws["F9"].comment.text
    assert [[c.value for c in r] for r in wb["操作记录"].iter_rows()] == [
        ["工作表", "单元格", "原值", "新值"],
        [LEDGER, "C3", None, "张三"],
    ]
    assert wb["操作记录"]["B2"].hyperlink.location == f"'{LEDGER}'!C3"
    assert [[c.value for c in r] for r in wb["六个一统计"].iter_rows()] == [["乡镇", "已落实"], ["石门镇", 3]]
    with zipfile.ZipFile(dst) as z:  # no formula was overwritten: the calculation chain stays
        assert "xl/calcChain.xml" in z.namelist() and b"calcChain" in z.read("[Content_Types].xml")

    # a rerun on the copy: the values written before are the user's now, marks are replaced
    again = tmp_path / "again.xlsx"
    write_annotated_copy(dst, again, marks=marks[:1], cell_values=[CellValue(LEDGER, 3, 3, "张三丰")])
    ws2 = openpyxl.load_workbook(again)[LEDGER]
    assert (ws2["C3"].value, ws2["C5"].value, ws2["K3"].value) == ("张三丰", "赵六", "镇农业办")
    assert marked_cells(ws2, fills) == {"C3": YELLOW} and ws2["F9"].comment is None
    files = {p.name: p for p in convert(again, "csv", tmp_path / "csv")}
    assert csv_rows(files[f"again-{LEDGER}.csv"])[2][2] == "张三丰"


# -- large sheets: bisection over the rows, and the fallback scan ----------------------------------------


def big_sheet(path: Path, *, rows: str) -> Path:
    """3,000 rows with a gap every 7th row, each row written as ``rows`` says.

    "r first": ``<row r="N" …>`` as Excel writes it; "spans first": ``<row spans=… r="N">``;
    "mixed": rows that follow the row before them leave out ``r`` (allowed: their number is implied).
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in range(1, 3001):
        if r % 7:
            for c in (1, 2, 4, 6):
                ws.cell(r, c, f"户{r}-{c}" if c < 6 else r)
    wb.save(path)

    def edit(data: bytes) -> bytes:
        if rows == "spans first":
            return re.sub(rb'<row r="(\d+)"', rb'<row spans="1:6" r="\1"', data)

        def implied(m: re.Match[bytes]) -> bytes:
            number = int(m[1])
            return b"<row" if number > 1 and (number - 1) % 7 and number % 7 else m[0]

        return re.sub(rb'<row r="(\d+)"', implied, data)

    if rows != "r first":
        patch_members(path, {"xl/worksheets/sheet1.xml": edit})
    return path


BIG_WRITES = [
    *(CellValue("Sheet", r, 3, f"新{r}") for r in range(2, 3001, 97)),  # between cells B and D
    *(CellValue("Sheet", r, 1, f"改{r}") for r in range(5, 3001, 211)),  # replacing A
    *(CellValue("Sheet", r, 9, r * 0.5) for r in range(7, 3001, 7 * 40)),  # the empty rows 7, 287, ...
    *(CellValue("Sheet", r, 5, f"连续{r}") for r in range(1500, 1530)),  # a block of rows, gaps included
    CellValue("Sheet", 1, 8, "表头", style_from=(1, 1)),
    CellValue("Sheet", 3000, 7, "末行"),
    CellValue("Sheet", 3002, 1, "新末行"),
]


@pytest.mark.parametrize("window", [BISECT_WINDOW, 64], ids=["window", "tiny-window"])
@pytest.mark.parametrize("rows", ["r first", "spans first", "mixed"])
def test_large_sheet_cells_land_where_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: str, window: int
) -> None:
    """Rows are found by bisection (a tiny window makes it probe down to single rows) or by a scan."""
    monkeypatch.setattr(sheet_rows, "BISECT_WINDOW", window)
    src = big_sheet(tmp_path / "big.xlsx", rows=rows)
    with zipfile.ZipFile(src) as z:
        data = z.read("xl/worksheets/sheet1.xml")
    assert len(data) > 20 * BISECT_WINDOW
    assert (data.count(b'<row r="') == data.count(b"<row")) is (rows == "r first")
    dst = tmp_path / "out.xlsx"
    write_annotated_copy(src, dst, cell_values=BIG_WRITES)
    source = calamine_grid(src, "Sheet")
    expected = {(r, c): v for r, row in enumerate(source, 1) for c, v in enumerate(row, 1) if v != ""}
    assert len(expected) == 4 * (3000 - 3000 // 7)
    for value in BIG_WRITES:
        expected[value.row, value.column] = value.value
    grid = calamine_grid(dst, "Sheet")
    got = {(r, c): v for r, row in enumerate(grid, 1) for c, v in enumerate(row, 1) if v != ""}
    assert got == expected
    ws = openpyxl.load_workbook(dst, read_only=True)["Sheet"]
    by_openpyxl = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None}
    assert by_openpyxl == {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in expected.items()}


def test_rows_and_cells_without_references(tmp_path: Path) -> None:
    """Rows and cells may leave out ``r``: positions then follow from the order."""
    src = tmp_path / "src.xlsx"
    openpyxl.Workbook().save(src)
    cell = '<c t="inlineStr"><is><t>{}</t></is></c>'
    rows = "".join(f"<row>{cell.format(f'{r}a')}{cell.format(f'{r}b')}</row>" for r in (1, 2, 3))
    rows += f'<row r="6">{cell.format("6a")}</row>'
    sheet = f'<worksheet xmlns="{MAIN[1:-1]}"><sheetData>{rows}</sheetData></worksheet>'
    patch_members(src, {"xl/worksheets/sheet1.xml": lambda _: sheet.encode()})
    values = [
        CellValue("Sheet", 2, 2, "改"),
        CellValue("Sheet", 2, 4, "加"),
        CellValue("Sheet", 4, 1, "新行"),
        CellValue("Sheet", 6, 3, "六"),
        CellValue("Sheet", 7, 1, 7),
    ]
    write_annotated_copy(src, tmp_path / "dst.xlsx", cell_values=values)
    assert calamine_grid(tmp_path / "dst.xlsx", "Sheet") == [
        ["1a", "1b", "", ""],
        ["2a", "改", "", "加"],
        ["3a", "3b", "", ""],
        ["新行", "", "", ""],
        ["", "", "", ""],
        ["6a", "", "六", ""],
        [7, "", "", ""],
    ]
    ws = openpyxl.load_workbook(tmp_path / "dst.xlsx")["Sheet"]
    assert [[c.value for c in r] for r in ws.iter_rows(max_col=4)][:4] == [
        ["1a", "1b", None, None],
        ["2a", "改", None, "加"],
        ["3a", "3b", None, None],
        ["新行", None, None, None],
    ]


def test_prefixed_sheet_and_empty_sheet_data(tmp_path: Path) -> None:
    src = tmp_path / "src.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["甲", "乙"])
    wb.create_sheet("空表")
    wb.save(src)

    def prefix(data: bytes) -> bytes:
        text = re.sub(r"<(/?)(?=[A-Za-z])", r"<\1x:", data.decode())
        return text.replace("<x:worksheet xmlns=", "<x:worksheet xmlns:x=").encode()

    def empty(data: bytes) -> bytes:
        out = re.sub(rb"<sheetData\s*>\s*</sheetData>|<sheetData\s*/>", b"<sheetData/>", data)
        assert b"<sheetData/>" in out
        return out

    patch_members(src, {"xl/worksheets/sheet1.xml": prefix, "xl/worksheets/sheet2.xml": empty})
    values = [
        CellValue("Sheet", 1, 3, "丙", style_from=(1, 1)),
        CellValue("Sheet", 3, 1, dt.date(2024, 2, 29)),
        CellValue("空表", 2, 2, "第一格"),
        CellValue("空表", 1, 1, None),  # nothing to empty: no cell is made
    ]
    write_annotated_copy(src, tmp_path / "dst.xlsx", cell_values=values)
    wb = openpyxl.load_workbook(tmp_path / "dst.xlsx")
    assert [[c.value for c in r] for r in wb["Sheet"].iter_rows()] == [
        ["甲", "乙", "丙"],
        [None, None, None],
        [dt.datetime(2024, 2, 29), None, None],
    ]
    assert [[c.value for c in r] for r in wb["空表"].iter_rows()] == [[None, None], [None, "第一格"]]
    with zipfile.ZipFile(tmp_path / "dst.xlsx") as z:
        prefixed = z.read("xl/worksheets/sheet1.xml").decode()
        blank = z.read("xl/worksheets/sheet2.xml").decode()
    assert '<x:c r="C1"' in prefixed and "<x:is><x:t>丙</x:t></x:is>" in prefixed
    assert '<sheetData><row r="2"><c r="B2"' in blank and 'r="A1"' not in blank


# -- dates and styles ------------------------------------------------------------------------------------


def test_dates_follow_1904_and_date_styles_are_reused(tmp_path: Path) -> None:
    src = tmp_path / "mac.xlsx"
    wb = openpyxl.Workbook()
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    ws = wb.active
    for r in range(1, 5):
        ws.cell(r, 1, f"行{r}").fill = YELLOW_FILL
    wb.save(src)
    values = [CellValue("Sheet", r, 1, dt.date(2024, 7, r)) for r in range(1, 5)]
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    write_annotated_copy(src, first, cell_values=values)
    write_annotated_copy(first, second, cell_values=values)

    def xf_count(path: Path) -> int:
        with zipfile.ZipFile(path) as z:
            return len(ET.fromstring(z.read("xl/styles.xml")).find(f"{MAIN}cellXfs"))

    assert xf_count(first) == xf_count(src) + 1  # one yellow date style shared by the four cells
    assert xf_count(second) == xf_count(first)  # the copy's date style shows dates already
    for path in (first, second):
        out = openpyxl.load_workbook(path)["Sheet"]
        assert [out.cell(r, 1).value for r in range(1, 5)] == [dt.datetime(2024, 7, r) for r in range(1, 5)]
        assert all(out.cell(r, 1).fill.fgColor.rgb == "FFFFFF00" for r in range(1, 5))
    assert [row[0] for row in calamine_grid(second, "Sheet")] == [dt.date(2024, 7, r) for r in range(1, 5)]


# -- what the writer refuses -------------------------------------------------------------------------------


def refusal_source(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["a", "b", "c"])
    ws.append([1, 2, 3])
    ws.append([4, 5, 6])
    ws["E1"] = ArrayFormula("E1:E2", "=A1:A2*2")
    ws["F1"] = ArrayFormula("F1", "=A1*2")
    ws.merge_cells("A5:B6")
    tables = wb.create_sheet("表格")
    tables.append(["姓名", "人数"])
    tables.append(["张三", 3])
    tables.add_table(Table(displayName="户表", ref="A1:B2"))
    wb.save(path)
    shared = '<c r="G2"><f t="shared" ref="G2:G3" si="0">A2+1</f><v>2</v></c>'
    dependant = '<c r="G3"><f t="shared" si="0"/><v>5</v></c>'

    def add_shared(data: bytes) -> bytes:
        text = data.decode().replace("</row>", "</row>\0", 3).split("\0")
        text[1] = text[1].replace("</row>", f"{shared}</row>")
        text[2] = text[2].replace("</row>", f"{dependant}</row>")
        return "".join(text).encode()

    patch_members(path, {"xl/worksheets/sheet1.xml": add_shared})
    return path


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (CellValue("Sheet", 6, 2, "x"), "merged range A5:B6"),
        (CellValue("Sheet", 5, 2, "x"), "merged range A5:B6"),
        (CellValue("Sheet", 2, 7, 1), "shared formula"),
        (CellValue("Sheet", 1, 5, 1), "array formula"),
        (CellValue("表格", 1, 2, "户数"), "header of a table"),
        (CellValue("不存在", 1, 1, 1), "不存在"),
        (CellValue("Sheet", 1, 1, Link("Sheet", "A1")), "Link"),  # type: ignore[arg-type]
        (CellValue("Sheet", 1, 1, float("inf")), "infinite"),
        (CellValue("Sheet", 1, 1, 1 + 2j), "complex"),  # type: ignore[arg-type]
        (CellValue("Sheet", 0, 1, 1), "out of range"),
        (CellValue("Sheet", 1, 16_385, 1), "out of range"),
        (CellValue("Sheet", 1, 1, 1, style_from=(0, 1)), "style_from"),
    ],
)
def test_refused_writes_leave_no_file(tmp_path: Path, value: CellValue, message: str) -> None:
    src = refusal_source(tmp_path / "src.xlsx")
    dst = tmp_path / "dst.xlsx"
    with pytest.raises(ValueError, match=re.escape(message)):
        write_annotated_copy(src, dst, cell_values=[value])
    assert not dst.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["src.xlsx"]


def test_allowed_neighbours_of_refused_cells(tmp_path: Path) -> None:
    """The first cell of a merge, a shared formula's dependant, a one-cell array formula, table data."""
    src = refusal_source(tmp_path / "src.xlsx")
    values = [
        CellValue("Sheet", 5, 1, "合并"),
        CellValue("Sheet", 3, 7, 50),
        CellValue("Sheet", 1, 6, "单格数组"),
        CellValue("表格", 2, 2, 4),
    ]
    write_annotated_copy(src, tmp_path / "dst.xlsx", cell_values=values)
    wb = openpyxl.load_workbook(tmp_path / "dst.xlsx")
    ws = wb["Sheet"]
    assert (ws["A5"].value, ws["G3"].value, ws["F1"].value, wb["表格"]["B2"].value) == ("合并", 50, "单格数组", 4)
    assert ws["G2"].value == "=A2+1" and ws["E1"].value.text == "=A1:A2*2"


def test_caller_errors_before_anything_is_written(tmp_path: Path) -> None:
    src = refusal_source(tmp_path / "src.xlsx")
    dst = tmp_path / "dst.xlsx"
    twice = [CellValue("Sheet", 1, 1, "a"), CellValue("Sheet", 1, 1, "b")]
    with pytest.raises(ValueError, match="two values"):
        write_annotated_copy(src, dst, cell_values=twice)
    with pytest.raises(ValueError, match="two values"):  # one sheet, spelled as Excel compares names
        write_annotated_copy(src, dst, cell_values=[CellValue("Sheet", 1, 1, "a"), CellValue("SHEET", 1, 1, "b")])
    with pytest.raises(ValueError, match="replaced by a new sheet"):
        write_annotated_copy(src, dst, new_sheets=[NewSheet("Sheet", ["x"])], cell_values=twice[:1])
    with pytest.raises(ValueError, match="not a CellValue"):
        write_annotated_copy(src, dst, cell_values=[("Sheet", 1, 1, "a")])  # type: ignore[list-item]
    assert not dst.exists()


def test_failure_midway_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = build_ledger(tmp_path / "src.xlsx")
    dst = tmp_path / "out" / "dst.xlsx"
    dst.parent.mkdir()

    def broken(source: object, plan: object, fh: object) -> None:
        fh.write(b"PK\x03\x04 half a zip")  # type: ignore[attr-defined]
        raise OSError("disk went away")

    monkeypatch.setattr(xlsx_patch, "write_zip", broken)
    with pytest.raises(OutputError, match=r"dst\.xlsx"):
        write_annotated_copy(src, dst, cell_values=WRITES)
    assert list(dst.parent.iterdir()) == []


def test_a_broken_sheet_is_an_output_error(tmp_path: Path) -> None:
    src = tmp_path / "src.xlsx"
    openpyxl.Workbook().save(src)
    broken = f'<worksheet xmlns="{MAIN[1:-1]}"><sheetData><row r="1"><c r="A1"><v>1</v></c></sheetData></worksheet>'
    patch_members(src, {"xl/worksheets/sheet1.xml": lambda _: broken.encode()})
    with pytest.raises(OutputError, match="内部结构无法识别"):
        write_annotated_copy(src, tmp_path / "dst.xlsx", cell_values=[CellValue("Sheet", 1, 2, "x")])
    assert not (tmp_path / "dst.xlsx").exists()


def test_comment_and_marks_on_written_cell_survive_a_plain_copy(tmp_path: Path) -> None:
    """A user's note on a cell we write stays (only the value changes)."""
    src = tmp_path / "src.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "旧值"
    wb.active["A1"].comment = Comment("用户批注", "张三")
    wb.save(src)
    write_annotated_copy(src, tmp_path / "dst.xlsx", cell_values=[CellValue("Sheet", 1, 1, "新值")])
    cell = openpyxl.load_workbook(tmp_path / "dst.xlsx")["Sheet"]["A1"]
    assert (cell.value, cell.comment.text, cell.comment.author) == ("新值", "用户批注", "张三")
