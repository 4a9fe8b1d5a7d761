"""The annotated copy: the user's workbook untouched, plus our findings sheet and cell marks.

Source workbooks are built with openpyxl (and a few hand-made package edits for
what openpyxl cannot write: a picture, an .xlsm, ``<sheetData/>``, a prefixed
root); results are read back with openpyxl, python-calamine, raw XML and
LibreOffice.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import posixpath
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET

import openpyxl
import pytest
import python_calamine
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.utils.cell import range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from addin.errors import OutputError
from addin.report import xlsx as xlsx_patch
from addin.report.xlsx import (
    CellMark,
    Link,
    NewSheet,
    safe_sheet_name,
    write_annotated_copy,
    write_new_workbook,
)
from tests.helpers.libreoffice import convert

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OD_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MS_RELS = "http://schemas.microsoft.com/office/2006/relationships"
EXCEL_ROOT_ATTRS = (
    b'<worksheet xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    b' xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" mc:Ignorable="x14ac" '
)
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
RED, YELLOW = "FFFFC7CE", "FFFFEB9C"
LEDGER, ROSTER, SUMMARY, EMPTY, PREFIXED = "台账", "It's 花名册", "汇总", "空表", "前缀表"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)

MARKS = [
    CellMark(LEDGER, 3, 2, "error", "身份证号码应为18位"),
    CellMark(LEDGER, 3, 2, "warning", "身份证号码与花名册不一致"),  # same cell: error wins
    CellMark(LEDGER, 6, 5, "warning", "合并单元格内的问题"),  # inside D5:E6 -> shown on D5
    CellMark(LEDGER, 10, 1, "warning", "户主姓名为空"),
    CellMark(LEDGER, 12, 11, "error", "金额超过上限"),
    CellMark(ROSTER, 2, 3, "error", "花名册：人数不符"),
    CellMark(EMPTY, 5, 5, "warning", "空表上的标记"),
    CellMark(PREFIXED, 2, 1, "error", "前缀表上的标记"),
]
EXPECTED = {  # sheet -> {cell: fill}
    LEDGER: {"B3": RED, "D5": YELLOW, "A10": YELLOW, "K12": RED},
    ROSTER: {"C2": RED},
    EMPTY: {"E5": YELLOW},
    PREFIXED: {"A2": RED},
}
HEADER = ["序号", "工作表", "单元格", "问题说明", "发现日期", "检查时间"]
FOUND = dt.date(2024, 7, 17)
CHECKED = dt.datetime(2024, 7, 17, 9, 30, 15)


def findings_sheet(**kwargs: object) -> NewSheet:
    rows: list[list[object]] = [
        [
            i,
            m.sheet,
            Link(m.sheet, f"{openpyxl.utils.get_column_letter(m.column)}{m.row}"),
            m.text,
            FOUND,
            CHECKED,
        ]
        for i, m in enumerate(MARKS, 1)
    ]
    return NewSheet("检查结果", list(HEADER), rows, **kwargs)  # type: ignore[arg-type]


# -- building sources --------------------------------------------------------------------------------


def rewrite(path: Path, edit: Callable[[dict[str, bytes]], None]) -> None:
    """Edit a package's members in place (for what openpyxl cannot write)."""
    with zipfile.ZipFile(path) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    edit(members)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)


def sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name -> zip name of its part."""
    with zipfile.ZipFile(path) as z:
        book = ET.fromstring(z.read("xl/workbook.xml"))
        rels = {r.get("Id"): r.get("Target") for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
    out = {}
    for sheet in book.iter(f"{MAIN}sheet"):
        target = rels[sheet.get(R_ID)]
        out[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
    return out


def rels_of(part: str) -> str:
    folder, base = posixpath.split(part)
    return f"{folder}/_rels/{base}.rels"


def build_ledger(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = LEDGER
    ws.append(["户主姓名", "身份证号", "村", "人数", "金额", "是否脱贫", "日期", "翻倍"])
    for r in range(2, 31):
        ws.append(
            [
                f"户主{r}",
                f"4305241980010{r:05d}",
                "石门村",
                r % 5 + 1,
                r * 10.5,
                "是",
                dt.date(2024, 1, r % 28 + 1),
            ]
        )
        ws.cell(r, 8, f"=E{r}*2")
    ws.merge_cells("D5:E6")
    ws.conditional_formatting.add(
        "E2:E30", CellIsRule(operator="greaterThan", formula=["200"], fill=PatternFill(bgColor="FF00B0F0"))
    )
    validation = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    ws.add_data_validation(validation)
    validation.add("F2:F30")
    ws["B3"].comment = Comment("原有批注：待核实", "张三")
    ws["C4"].comment = Comment("无关批注", "李四")
    wb.defined_names["户数"] = DefinedName("户数", attr_text="'台账'!$A$2:$A$30")

    roster = wb.create_sheet(ROSTER)
    roster.append(["姓名", "性别", "人数"])
    roster.append(["王五", "男", 3])
    summary = wb.create_sheet(SUMMARY)
    summary["A1"] = "=SUM('台账'!E2:E30)"
    summary["B1"] = "合计"
    wb.create_sheet(EMPTY)
    prefixed = wb.create_sheet(PREFIXED)
    prefixed.append(["甲", "乙"])
    prefixed.append(["丙", 1])
    wb.save(path)

    parts = sheet_parts(path)

    def edit(m: dict[str, bytes]) -> None:
        # <sheetData/> instead of openpyxl's <sheetData></sheetData>
        empty = parts[EMPTY]
        m[empty] = (
            m[empty].replace(b"<sheetData></sheetData>", b"<sheetData/>").replace(b"<sheetData />", b"<sheetData/>")
        )
        assert b"<sheetData/>" in m[empty]
        # a worksheet written with a namespace prefix: <x:worksheet xmlns:x=...>
        text = m[parts[PREFIXED]].decode()
        text = re.sub(r"<(/?)(?=[A-Za-z])", r"<\1x:", text).replace("<x:worksheet xmlns=", "<x:worksheet xmlns:x=")
        m[parts[PREFIXED]] = text.encode()
        # a picture on the roster sheet (sheet rels exist before we add notes)
        roster_part = parts[ROSTER]
        m["xl/media/image1.png"] = PNG
        m["xl/drawings/drawing1.xml"] = (
            '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"'
            ' xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
            ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            "<xdr:oneCellAnchor><xdr:from><xdr:col>4</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>1</xdr:row>"
            '<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:ext cx="952500" cy="952500"/><xdr:pic><xdr:nvPicPr>'
            '<xdr:cNvPr id="2" name="图片 1"/><xdr:cNvPicPr/></xdr:nvPicPr><xdr:blipFill>'
            '<a:blip r:embed="rId1"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill><xdr:spPr><a:xfrm>'
            '<a:off x="0" y="0"/><a:ext cx="952500" cy="952500"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/>'
            "</a:prstGeom></xdr:spPr>"
            "</xdr:pic><xdr:clientData/></xdr:oneCellAnchor></xdr:wsDr>"
        ).encode()
        m["xl/drawings/_rels/drawing1.xml.rels"] = (
            f'<Relationships xmlns="{PKG_RELS}"><Relationship Id="rId1" Type="{OD_RELS}/image"'
            ' Target="../media/image1.png"/></Relationships>'
        ).encode()
        m[rels_of(roster_part)] = (
            f'<Relationships xmlns="{PKG_RELS}"><Relationship Id="rIdPic" Type="{OD_RELS}/drawing"'
            ' Target="/xl/drawings/drawing1.xml"/></Relationships>'
        ).encode()
        drawing = f'<drawing xmlns:r="{OD_RELS}" r:id="rIdPic"/></worksheet>'.encode()
        m[roster_part] = m[roster_part].replace(b"</worksheet>", drawing)
        # an Excel-like root: markup-compatibility prefixes that must stay declared
        m[roster_part] = m[roster_part].replace(b"<worksheet ", EXCEL_ROOT_ATTRS, 1)
        m["[Content_Types].xml"] = m["[Content_Types].xml"].replace(
            b"</Types>",
            b'<Default Extension="png" ContentType="image/png"/>'
            b'<Override PartName="/xl/drawings/drawing1.xml"'
            b' ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/></Types>',
        )

    rewrite(path, edit)
    return path


def make_xlsm(path: Path) -> Path:
    """An openpyxl workbook turned into a macro-enabled package with a (dummy) VBA project."""
    wb = openpyxl.Workbook()
    wb.active.title = LEDGER
    wb.active.append(["户主姓名", "人数"])
    wb.active.append(["赵六", 4])
    wb.save(path)

    def edit(m: dict[str, bytes]) -> None:
        m["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 not really a VBA project"
        m["xl/vbaProjectSignature.bin"] = b"signature"
        m["xl/_rels/vbaProject.bin.rels"] = (
            f'<Relationships xmlns="{PKG_RELS}"><Relationship Id="rId1" Type="{MS_RELS}/vbaProjectSignature"'
            ' Target="vbaProjectSignature.bin"/></Relationships>'
        ).encode()
        m["xl/_rels/workbook.xml.rels"] = m["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>",
            b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject"'
            b' Target="vbaProject.bin"/></Relationships>',
        )
        types = m["[Content_Types].xml"].replace(
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        )
        m["[Content_Types].xml"] = types.replace(
            b"</Types>",
            b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
            b'<Override PartName="/xl/vbaProjectSignature.bin"'
            b' ContentType="application/vnd.ms-office.vbaProjectSignature"/></Types>',
        )

    rewrite(path, edit)
    return path


def calamine_values(path: Path, sheets: list[str]) -> dict[str, list[list[object]]]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in sheets}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def marked_cells(ws: openpyxl.worksheet.worksheet.Worksheet, fills: list[str]) -> dict[str, str]:
    """Cells covered by an always-true rule of ours, with the fill of its format."""
    out: dict[str, str] = {}
    for cf in ws.conditional_formatting:
        for rule in cf.rules:
            if rule.type != "expression" or rule.formula != ["TRUE"]:
                continue
            for rng in cf.sqref.ranges:
                min_col, min_row, max_col, max_row = range_boundaries(rng.coord)
                for row in range(min_row, max_row + 1):
                    for col in range(min_col, max_col + 1):
                        out[f"{openpyxl.utils.get_column_letter(col)}{row}"] = fills[rule.dxfId]
    return out


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """(source, annotated copy, source digest before the call)."""
    folder = tmp_path_factory.mktemp("copy")
    src = build_ledger(folder / "乡镇台账.xlsx")
    before = digest(src)
    dst = folder / "乡镇台账.checked.xlsx"
    write_annotated_copy(src, dst, new_sheets=[findings_sheet()], marks=MARKS)
    return src, dst, before


# -- the package ---------------------------------------------------------------------------------------


def test_untouched_members_are_byte_identical_and_source_unchanged(copy: tuple[Path, Path, str]) -> None:
    src, dst, before = copy
    assert digest(src) == before
    parts = sheet_parts(src)
    touched = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"}
    with zipfile.ZipFile(src) as zs, zipfile.ZipFile(dst) as zd:
        for sheet in EXPECTED:
            touched |= {parts[sheet], rels_of(parts[sheet])}
            if rels_of(parts[sheet]) in zs.namelist():
                for rel in ET.fromstring(zs.read(rels_of(parts[sheet]))):
                    if rel.get("Type", "").endswith(("/comments", "/vmlDrawing")):
                        touched.add(rel.get("Target").lstrip("/"))
        untouched = [n for n in zs.namelist() if n not in touched]
        assert parts[SUMMARY] in untouched and "xl/media/image1.png" in untouched
        for name in untouched:
            assert zd.read(name) == zs.read(name), name
        assert zd.testzip() is None
        # flagged sheets keep every byte up to the end of sheetData (the root may gain xmlns:r)
        for sheet in (LEDGER, ROSTER):
            old, new = zs.read(parts[sheet]), zd.read(parts[sheet])
            old_root, new_root = old.index(b">") + 1, new.index(b">") + 1
            assert new[: old_root - 1] == old[: old_root - 1]
            assert new[old_root - 1 : new_root - 1] in (b"", f' xmlns:r="{OD_RELS}"'.encode())
            cut = old.rfind(b"</sheetData>")
            assert new[new_root : new_root - old_root + cut] == old[old_root:cut]


def test_values_of_original_sheets_are_unchanged(copy: tuple[Path, Path, str]) -> None:
    src, dst, _ = copy
    names = [LEDGER, ROSTER, SUMMARY, EMPTY, PREFIXED]
    assert calamine_values(dst, names) == calamine_values(src, names)


def test_openpyxl_loads_the_copy_with_the_users_things_intact(copy: tuple[Path, Path, str]) -> None:
    src, dst, _ = copy
    old, new = openpyxl.load_workbook(src), openpyxl.load_workbook(dst)
    assert new.sheetnames == [*old.sheetnames, "检查结果"]
    ws = new[LEDGER]
    assert ws["H2"].value == "=E2*2"
    assert new[SUMMARY]["A1"].value == "=SUM('台账'!E2:E30)"
    assert [str(r) for r in ws.merged_cells.ranges] == ["D5:E6"]
    assert [(str(v.sqref), v.formula1) for v in ws.data_validations.dataValidation] == [("F2:F30", '"是,否"')]
    assert new.defined_names["户数"].attr_text == "'台账'!$A$2:$A$30"
    user_rules = [(str(cf.sqref), r.operator, r.formula) for cf in ws.conditional_formatting for r in cf.rules]
    assert ("E2:E30", "greaterThan", ["200"]) in user_rules


def test_xlsm_source_becomes_a_plain_xlsx(tmp_path: Path) -> None:
    src = make_xlsm(tmp_path / "宏台账.xlsm")
    dst = tmp_path / "宏台账.checked.xlsx"
    write_annotated_copy(
        src,
        dst,
        new_sheets=[NewSheet("检查结果", ["问题"], [["缺少人数"]])],
        marks=[CellMark(LEDGER, 2, 2, "error", "人数有误")],
    )
    with zipfile.ZipFile(dst) as z:
        names = set(z.namelist())
        types = z.read("[Content_Types].xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    assert not {"xl/vbaProject.bin", "xl/vbaProjectSignature.bin", "xl/_rels/vbaProject.bin.rels"} & names
    assert "macroEnabled" not in types and "vbaProject" not in types
    assert "spreadsheetml.sheet.main+xml" in types
    assert "vbaProject" not in rels
    wb = openpyxl.load_workbook(dst)
    assert wb.sheetnames == [LEDGER, "检查结果"]
    assert wb[LEDGER]["B2"].comment.text.endswith("人数有误")


# -- the findings sheet --------------------------------------------------------------------------------


def test_findings_sheet_is_last_with_bold_header_links_and_dates(copy: tuple[Path, Path, str]) -> None:
    _, dst, _ = copy
    wb = openpyxl.load_workbook(dst)
    ws = wb["检查结果"]
    assert wb.sheetnames[-1] == "检查结果"
    assert [c.value for c in ws[1]] == HEADER
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:F{len(MARKS) + 1}"
    links = {c.coordinate: (c.value, c.hyperlink.location) for c in ws["C"][1:]}
    assert links["C2"] == ("B3", "'台账'!B3")
    assert links["C7"] == ("C2", "'It''s 花名册'!C2")
    assert ws["E2"].value == dt.datetime(2024, 7, 17) and ws["E2"].number_format == "yyyy-mm-dd"
    assert ws["F2"].value == CHECKED
    # 问题说明 holds Chinese text up to 身份证号码与花名册不一致 (12 CJK = 24 columns wide)
    assert ws.column_dimensions["D"].width >= 24 > ws.column_dimensions["A"].width


def test_rerun_replaces_findings_sheet_in_place_and_does_not_stack_marks(
    copy: tuple[Path, Path, str], tmp_path: Path
) -> None:
    _, first, _ = copy
    second = tmp_path / "second.xlsx"
    fewer = [m for m in MARKS if m.sheet != ROSTER]
    write_annotated_copy(first, second, new_sheets=[NewSheet("检查结果", ["新表头"], [["第二次"]])], marks=fewer)
    wb = openpyxl.load_workbook(second)
    assert wb.sheetnames == openpyxl.load_workbook(first).sheetnames
    assert [[c.value for c in row] for row in wb["检查结果"].iter_rows()] == [["新表头"], ["第二次"]]
    fills = [d.fill.bgColor.rgb for d in wb._differential_styles.dxf]
    assert marked_cells(wb[LEDGER], fills) == EXPECTED[LEDGER]
    assert marked_cells(wb[ROSTER], fills) == {}
    assert wb[ROSTER]["C2"].comment is None
    assert wb[LEDGER]["B3"].comment.text.count("【整改台账助手】") == 1
    assert wb[LEDGER]["K12"].comment.text.count("金额超过上限") == 1
    assert fills.count(RED) == 1 and fills.count(YELLOW) == 1


def test_existing_sheet_of_that_name_is_replaced_where_it_stands(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = LEDGER
    wb.create_sheet("检查结果")["A1"] = "上次的结果"
    wb.create_sheet(SUMMARY)
    wb.save(tmp_path / "src.xlsx")
    write_annotated_copy(tmp_path / "src.xlsx", tmp_path / "dst.xlsx", new_sheets=[NewSheet("检查结果", ["新"], [])])
    out = openpyxl.load_workbook(tmp_path / "dst.xlsx")
    assert out.sheetnames == [LEDGER, "检查结果", SUMMARY]
    assert out["检查结果"]["A1"].value == "新"


def test_hidden_sheet_option(tmp_path: Path) -> None:
    src = tmp_path / "src.xlsx"
    wb = openpyxl.Workbook()
    wb.create_sheet("检查结果")
    wb.active = 1
    wb.save(src)
    hidden = [
        NewSheet("_zhenggai", ["flag"], [[1]], hidden=True),
        NewSheet("检查结果", ["x"], [], hidden=True),
    ]
    write_annotated_copy(src, tmp_path / "dst.xlsx", new_sheets=hidden)
    out = openpyxl.load_workbook(tmp_path / "dst.xlsx")
    assert [ws.sheet_state for ws in out.worksheets] == ["visible", "hidden", "hidden"]
    assert out.active.title == "Sheet"  # the active tab moved off the sheet we hid


def test_dates_follow_a_1904_workbook(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    wb.active.title = LEDGER
    wb.active["A1"] = dt.date(2020, 2, 29)
    wb.save(tmp_path / "mac.xlsx")
    rows: list[list[object]] = [[FOUND, CHECKED]]
    write_annotated_copy(
        tmp_path / "mac.xlsx", tmp_path / "out.xlsx", new_sheets=[NewSheet("检查结果", ["日", "时"], rows)]
    )
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["检查结果"]
    assert (ws["A2"].value, ws["B2"].value) == (dt.datetime(2024, 7, 17), CHECKED)
    with zipfile.ZipFile(tmp_path / "out.xlsx") as z:
        sheet = z.read(sheet_parts(tmp_path / "out.xlsx")["检查结果"]).decode()
    assert "<v>44028</v>" in sheet  # 45490 in the 1900 system, minus 1462 days
    assert calamine_values(tmp_path / "out.xlsx", [LEDGER]) == calamine_values(tmp_path / "mac.xlsx", [LEDGER])


def test_cell_text_is_made_storable(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["bad\x00\x07chars", "x" * 40_000, "_x0041_", 430524198001010012, "=1+1", float("nan"), None, True]
    ]
    write_new_workbook(tmp_path / "t.xlsx", [NewSheet("值", ["a", "b", "c", "d", "e", "f", "g", "h"], rows)])
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx")["值"]
    assert ws["A2"].value == "badchars"
    assert len(ws["B2"].value) == 32_767
    assert ws["D2"].value == "430524198001010012"  # 18 digits survive as text
    assert ws["E2"].value == "=1+1" and ws["E2"].data_type == "s"
    assert ws["F2"].value is None and ws["H2"].value is True
    assert (
        python_calamine.CalamineWorkbook.from_path(str(tmp_path / "t.xlsx")).get_sheet_by_name("值").to_python()[1][2]
        == "_x0041_"
    )


def test_sheet_names_are_made_valid() -> None:
    assert safe_sheet_name("a/b:c*d?[e]\\f") == "a_b_c_d__e__f"
    assert len(safe_sheet_name("很长" * 40)) == 31
    assert safe_sheet_name("'引号'") == "引号"


@pytest.mark.parametrize("variant", ["no dxfs", "empty dxfs", "prefixed styles"])
def test_mark_formats_are_added_to_any_stylesheet(tmp_path: Path, variant: str) -> None:
    src = tmp_path / "src.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "x"
    wb.save(src)

    def edit(m: dict[str, bytes]) -> None:
        text = m["xl/styles.xml"].decode()
        assert "<dxfs" not in text  # openpyxl writes none
        if variant == "empty dxfs":
            text = text.replace("<tableStyles", '<dxfs count="0"/><tableStyles', 1)
            assert '<dxfs count="0"/>' in text
        elif variant == "prefixed styles":
            text = re.sub(r"<(/?)(?=[A-Za-z])", r"<\1s:", text)
            text = text.replace("<s:styleSheet xmlns=", "<s:styleSheet xmlns:s=")
        m["xl/styles.xml"] = text.encode()

    rewrite(src, edit)
    marks = [CellMark("Sheet", 1, 1, "warning", "黄"), CellMark("Sheet", 2, 1, "error", "红")]
    write_annotated_copy(src, tmp_path / "dst.xlsx", new_sheets=[findings_sheet()], marks=marks)
    out = openpyxl.load_workbook(tmp_path / "dst.xlsx")
    fills = [d.fill.bgColor.rgb for d in out._differential_styles.dxf]
    assert marked_cells(out["Sheet"], fills) == {"A1": YELLOW, "A2": RED}
    assert out["检查结果"]["A1"].font.b and out["检查结果"]["E2"].number_format == "yyyy-mm-dd"


# -- marks ---------------------------------------------------------------------------------------------


def test_conditional_formats_cover_exactly_the_marked_cells(copy: tuple[Path, Path, str]) -> None:
    _, dst, _ = copy
    wb = openpyxl.load_workbook(dst)
    fills = [d.fill.bgColor.rgb for d in wb._differential_styles.dxf]
    for sheet, expected in EXPECTED.items():
        assert marked_cells(wb[sheet], fills) == expected, sheet
        priorities = [r.priority for cf in wb[sheet].conditional_formatting for r in cf.rules]
        assert len(priorities) == len(set(priorities)), sheet
    assert marked_cells(wb[SUMMARY], fills) == {}


def test_long_mark_lists_are_split(tmp_path: Path) -> None:
    src = tmp_path / "src.xlsx"
    openpyxl.Workbook().save(src)
    marks = [CellMark("Sheet", row, 3, "error", "x") for row in range(1, 5000, 2)]  # 2,500 separate cells
    write_annotated_copy(src, tmp_path / "dst.xlsx", marks=marks)
    with zipfile.ZipFile(tmp_path / "dst.xlsx") as z:
        root = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    sqrefs = [cf.get("sqref").split() for cf in root.iter(f"{MAIN}conditionalFormatting")]
    assert len(sqrefs) == 3 and all(len(s) <= 1000 for s in sqrefs)
    assert sorted(int(ref[1:]) for s in sqrefs for ref in s) == list(range(1, 5000, 2))


def test_schema_order_of_inserted_elements(copy: tuple[Path, Path, str]) -> None:
    _, dst, _ = copy
    parts = sheet_parts(dst)
    with zipfile.ZipFile(dst) as z:
        roster = ET.fromstring(z.read(parts[ROSTER]))
        prefixed = z.read(parts[PREFIXED]).decode()
    with zipfile.ZipFile(dst) as z:
        roster_root = z.read(parts[ROSTER]).split(b">", 1)[0]
    assert b'mc:Ignorable="x14ac"' in roster_root and b"xmlns:x14ac=" in roster_root and b"xmlns:r=" in roster_root
    tags = [child.tag.replace(MAIN, "") for child in roster]
    assert tags[tags.index("sheetData") :] == [
        "sheetData",
        "conditionalFormatting",
        "pageMargins",
        "drawing",
        "legacyDrawing",
    ]
    assert prefixed.startswith("<x:worksheet") and "<x:conditionalFormatting " in prefixed
    assert re.search(r"<x:legacyDrawing \w+:id=", prefixed)


def test_notes_carry_the_reasons_and_keep_the_users_notes(copy: tuple[Path, Path, str]) -> None:
    _, dst, _ = copy
    wb = openpyxl.load_workbook(dst)
    ledger = wb[LEDGER]
    assert ledger["B3"].comment.text.startswith("原有批注：待核实")
    assert "【整改台账助手】身份证号码应为18位\n身份证号码与花名册不一致" in ledger["B3"].comment.text
    assert ledger["B3"].comment.author == "张三"
    assert (ledger["C4"].comment.text, ledger["C4"].comment.author) == ("无关批注", "李四")
    assert "合并单元格内的问题" in ledger["D5"].comment.text
    assert ledger["K12"].comment.author == "整改台账助手"
    assert "金额超过上限" in ledger["K12"].comment.text
    assert "人数不符" in wb[ROSTER]["C2"].comment.text
    assert "空表上的标记" in wb[EMPTY]["E5"].comment.text
    assert "前缀表上的标记" in wb[PREFIXED]["A2"].comment.text


def test_note_boxes_are_hidden_with_unique_shape_ids(copy: tuple[Path, Path, str]) -> None:
    _, dst, _ = copy
    with zipfile.ZipFile(dst) as z:
        vml = [z.read(n).decode() for n in z.namelist() if n.endswith(".vml")]
    ours = [s for text in vml for s in re.findall(r"<\w+:shape .*?</\w+:shape>", text, re.S) if "margin-left" in s]
    assert ours and all("visibility:hidden" in s and "<x:Visible" not in s for s in ours)
    ids = [i for text in vml for i in re.findall(r'\bid="(_x0000_s\d+)"', text)]
    assert len(ids) == len(set(ids))


# -- failures -------------------------------------------------------------------------------------------


def test_failure_midway_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "src.xlsx"
    openpyxl.Workbook().save(src)
    dst = tmp_path / "out" / "dst.xlsx"
    dst.parent.mkdir()

    def broken(source: object, plan: object, fh: object) -> None:
        fh.write(b"PK\x03\x04 half a zip")  # type: ignore[attr-defined]
        raise OSError("disk went away")

    monkeypatch.setattr(xlsx_patch, "write_zip", broken)
    with pytest.raises(OutputError) as err:
        write_annotated_copy(src, dst, new_sheets=[findings_sheet()])
    assert "dst.xlsx" in str(err.value) and "写入时出错" in str(err.value)
    assert list(dst.parent.iterdir()) == []
    dst.write_bytes(b"previous result")
    with pytest.raises(OutputError):
        write_annotated_copy(src, dst, new_sheets=[findings_sheet()])
    assert list(dst.parent.iterdir()) == [dst] and dst.read_bytes() == b"previous result"


def test_refuses_to_write_over_the_source(tmp_path: Path) -> None:
    src = tmp_path / "src.xlsx"
    openpyxl.Workbook().save(src)
    before = digest(src)
    (tmp_path / "sub").mkdir()
    hard_link = tmp_path / "sub" / "link.xlsx"
    os.link(src, hard_link)
    for dst in (src, tmp_path / "sub" / ".." / "src.xlsx", hard_link):
        with pytest.raises(OutputError, match="原文件"):
            write_annotated_copy(src, dst, new_sheets=[findings_sheet()])
    assert digest(src) == before
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == [
        "src.xlsx",
        "sub",
        "sub/link.xlsx",
    ]


def test_marks_on_a_missing_sheet_are_a_caller_error(tmp_path: Path) -> None:
    src = tmp_path / "src.xlsx"
    openpyxl.Workbook().save(src)
    with pytest.raises(ValueError, match="不存在的表"):
        write_annotated_copy(src, tmp_path / "dst.xlsx", marks=[CellMark("不存在的表", 1, 1, "error", "x")])
    assert not (tmp_path / "dst.xlsx").exists()


def test_result_must_be_an_xlsx(tmp_path: Path) -> None:
    src = tmp_path / "src.xlsx"
    openpyxl.Workbook().save(src)
    with pytest.raises(OutputError, match=r"\.xlsx"):
        write_annotated_copy(src, tmp_path / "dst.xlsm")
    assert not (tmp_path / "dst.xlsm").exists()


def test_unreadable_source_is_an_output_error(tmp_path: Path) -> None:
    src = tmp_path / "src.xlsx"
    src.write_bytes(b"not a zip")
    with pytest.raises(OutputError, match="无法读取原文件"):
        write_annotated_copy(src, tmp_path / "dst.xlsx")
    assert not (tmp_path / "dst.xlsx").exists()


# -- new workbooks and LibreOffice -------------------------------------------------------------------------


def test_new_workbook(tmp_path: Path) -> None:
    sheets = [
        NewSheet("汇总", ["乡镇", "问题数"], [["石门镇", 3], ["白云乡", 0]]),
        NewSheet("标记", ["x"], [[1]], hidden=True),
        NewSheet("值", [], [["无表头", dt.date(2024, 1, 2), 1.5]]),
    ]
    write_new_workbook(tmp_path / "汇总.xlsx", sheets)
    wb = openpyxl.load_workbook(tmp_path / "汇总.xlsx")
    assert wb.sheetnames == ["汇总", "标记", "值"]
    assert [[c.value for c in r] for r in wb["汇总"].iter_rows()] == [
        ["乡镇", "问题数"],
        ["石门镇", 3],
        ["白云乡", 0],
    ]
    assert wb["标记"].sheet_state == "hidden"
    assert [c.value for c in wb["值"][1]] == ["无表头", dt.datetime(2024, 1, 2), 1.5]
    with pytest.raises(ValueError):
        write_new_workbook(tmp_path / "x.xlsx", [NewSheet("a", [], [], hidden=True)])


def test_libreoffice_opens_the_copy(copy: tuple[Path, Path, str], tmp_path: Path) -> None:
    _, dst, _ = copy
    files = {p.name: p for p in convert(dst, "csv", tmp_path)}
    findings = files[f"{dst.stem}-检查结果.csv"].read_text(encoding="utf-8").splitlines()
    assert findings[0] == ",".join(HEADER)
    assert findings[1] == "1,台账,B3,身份证号码应为18位,2024-07-17,2024-07-17 09:30:15"
    assert len(findings) == len(MARKS) + 1
    ledger = files[f"{dst.stem}-台账.csv"].read_text(encoding="utf-8").splitlines()
    assert ledger[0].startswith("户主姓名,身份证号,村")


def test_libreoffice_opens_new_and_converted_macro_workbooks(tmp_path: Path) -> None:
    src = make_xlsm(tmp_path / "宏.xlsm")
    write_annotated_copy(src, tmp_path / "宏.checked.xlsx", new_sheets=[NewSheet("检查结果", ["问题"], [["缺少人数"]])])
    write_new_workbook(tmp_path / "新.xlsx", [NewSheet("汇总", ["乡镇"], [["石门镇"]])])
    out = tmp_path / "csv"
    macro = {p.name: p for p in convert(tmp_path / "宏.checked.xlsx", "csv", out)}
    assert macro["宏.checked-检查结果.csv"].read_text(encoding="utf-8").splitlines() == ["问题", "缺少人数"]
    fresh = convert(tmp_path / "新.xlsx", "csv", out)
    assert [p.read_text(encoding="utf-8").splitlines() for p in fresh] == [["乡镇", "石门镇"]]


def test_libreoffice_reads_the_marks_and_notes(copy: tuple[Path, Path, str], tmp_path: Path) -> None:
    _, dst, _ = copy
    (resaved,) = convert(dst, "xlsx", tmp_path)
    wb = openpyxl.load_workbook(resaved)
    fills = [d.fill.bgColor.rgb if d.fill else None for d in wb._differential_styles.dxf]
    covered = {}
    for cf in wb[LEDGER].conditional_formatting:
        for rule in cf.rules:
            if rule.type == "expression":
                covered.update({ref: fills[rule.dxfId] for ref in str(cf.sqref).split()})
    assert covered == EXPECTED[LEDGER]
    assert "【整改台账助手】身份证号码应为18位" in wb[LEDGER]["B3"].comment.text
    assert "金额超过上限" in wb[LEDGER]["K12"].comment.text
    assert wb["检查结果"]["C2"].hyperlink.location == "'台账'!B3"
