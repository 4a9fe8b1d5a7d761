"""Source workbooks for the export tests: what Excel saves, built with openpyxl plus a little zip surgery.

openpyxl writes formulas without results (``<v/>``), so :func:`save_results`
puts saved results into chosen formula cells the way Excel stores them; the
cells left alone are "never calculated". :func:`summary_source` builds the rich
township workbook most tests export: a 汇总 sheet with formulas (SUM, a ratio
with a percent format, one of our ZG_ functions, HYPERLINK, an array formula, a
link into another workbook), text that starts with = + - @, dates, merged cells,
notes, links, validations and conditional formats that point elsewhere, charts,
a 排名 sheet, a ledger sheet, a hidden list sheet, an external-link part, defined
names and a data connection.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula

PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OD_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

TOWNS = [("沙窝镇", 12, 9, 2), ("太平镇", 8, 8, 0), ("城关镇", 20, 11, 5)]
"""(乡镇, 问题总数, 已完成, 逾期) rows of the 汇总 sheet."""
DEADLINE = dt.date(2024, 6, 30)
FORMULA_LIKE_TEXT = {"A12": "=不是公式", "A13": "+86 138 0000 0000", "A14": "-5%以内", "A15": "@张三"}


def patch_members(
    path: Path, edits: dict[str, Callable[[bytes], bytes]], added: dict[str, bytes] | None = None
) -> None:
    """Rewrite some members of a package (and add new ones) in place."""
    with zipfile.ZipFile(path) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    for name, edit in edits.items():
        members[name] = edit(members[name])
    members.update(added or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)


def _result_xml(value: object) -> tuple[str, str]:
    """(type attribute, <v> text) of a saved formula result."""
    if isinstance(value, bool):
        return ' t="b"', "1" if value else "0"
    if isinstance(value, int | float):
        return "", repr(value)
    if isinstance(value, str) and value.startswith("#"):
        return ' t="e"', value
    return ' t="str"', escape(str(value))


def save_results(path: Path, sheet_index: int, results: dict[str, object]) -> None:
    """Give formula cells of the ``sheet_index``-th sheet (1-based, as openpyxl numbers parts) saved results."""

    def edit(data: bytes) -> bytes:
        text = data.decode("utf-8")
        for ref, value in results.items():
            pattern = rf'<c r="{ref}"((?: [a-z]+="[^"]*")*)>(<f[^>]*?(?:/>|>.*?</f>))<v\s*/>'
            t, v = _result_xml(value)
            text, n = re.subn(pattern, lambda m, r=ref, t=t, v=v: f'<c r="{r}"{m[1]}{t}>{m[2]}<v>{v}</v>', text)
            if n != 1:
                raise AssertionError(f"no formula cell {ref} in sheet {sheet_index}")
        return text.encode("utf-8")

    patch_members(path, {f"xl/worksheets/sheet{sheet_index}.xml": edit})


def summary_source(path: Path) -> Path:
    """The township workbook described in the module docstring (sheets 汇总, 排名, 台账, 代码表)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "汇总"
    ws["A1"] = "沙窝镇脱贫攻坚问题整改汇总表"
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells("A1:F1")
    ws["A2"] = "截至日期"
    ws["B2"] = dt.date(2024, 7, 17)
    ws["B2"].number_format = "yyyy-mm-dd"
    ws.append(["乡镇", "问题总数", "已完成", "完成率", "逾期", "整改时限", "检查", "链接", "文本结果", "两倍"])
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for i, (town, total, done, overdue) in enumerate(TOWNS, start=4):
        ws.append([town, total, done, f"=C{i}/B{i}", overdue, DEADLINE])
        ws[f"D{i}"].number_format = "0.0%"
        ws[f"F{i}"].number_format = "yyyy-mm-dd"
    ws["G4"] = "=ZG_CHECK(A4:F4)"
    ws["H4"] = '=HYPERLINK("#\'排名\'!A1","看排名")'
    ws["H5"] = '=HYPERLINK("https://example.gov.cn/zg","县扶贫办网站")'
    ws["H6"] = '=HYPERLINK("#\'台账\'!A2","看台账")'
    ws["I4"] = '="="&"1+1"'
    ws["J4"] = ArrayFormula("J4:J6", "=B4:B6*2")
    ws["J5"], ws["J6"] = TOWNS[1][1] * 2, TOWNS[2][1] * 2  # an array's other cells hold only values
    ws["A7"] = "合计"
    for col in "BCE":
        ws[f"{col}7"] = f"=SUM({col}4:{col}6)"
    ws["D7"] = "=C7/B7"
    ws["D7"].number_format = "0.0%"
    ws["A8"] = "未计算"
    ws["B8"] = "=B7+1"  # never calculated: no saved result
    ws["A9"] = "外部数据"
    ws["B9"] = "=[1]Sheet1!A1"
    ws["A10"] = "备注"
    ws["B10"] = '=IF(B7>0,"","无")'  # an empty-text result is a result
    for ref, text in FORMULA_LIKE_TEXT.items():
        ws[ref] = text
        ws[ref].data_type = "s"  # typed as text in Excel
    ws["B4"].comment = Comment("含省级督查反馈问题", "李四")
    ws["A5"].hyperlink = "file:///C:/台账/太平镇.xlsx"
    ws["A6"].hyperlink = "https://example.gov.cn/chengguan"
    ws.freeze_panes = "A4"
    ws.column_dimensions["A"].width = 18
    for col in "BDF":
        ws.column_dimensions[col].width = 11
    status = DataValidation(type="list", formula1="代码表!$A$1:$A$3")
    status.add("A4:A6")
    ws.add_data_validation(status)
    ws.conditional_formatting.add("E4:E6", CellIsRule(operator="greaterThan", formula=["0"], fill=_fill("FFC7CE")))
    ws.conditional_formatting.add("B4:B6", FormulaRule(formula=["ZG_RISK(B4)>1"], fill=_fill("FFEB9C")))
    ws.conditional_formatting.add("C4:C6", FormulaRule(formula=["C4>台账!$A$1"], fill=_fill("C6EFCE")))
    local = BarChart()
    local.title = "完成率"
    local.add_data(Reference(ws, min_col=4, min_row=3, max_row=6), titles_from_data=True)
    local.set_categories(Reference(ws, min_col=1, min_row=4, max_row=6))
    ws.add_chart(local, "L3")

    rank = wb.create_sheet("排名")
    rank.append(["名次", "单位", "得分"])
    rank.append([1, "太平镇", "=100-2"])
    rank.append([2, "沙窝镇", 95.5])
    rank["A1"].font = Font(bold=True)

    ledger = wb.create_sheet("台账")
    ledger.append(["序号", "问题描述"])
    ledger.append([1, "漏评一户"])
    elsewhere = BarChart()
    elsewhere.add_data(Reference(ledger, min_col=1, min_row=1, max_row=2), titles_from_data=True)
    ws.add_chart(elsewhere, "L20")  # on 汇总, reading from 台账: cannot come along

    codes = wb.create_sheet("代码表")
    for status_name in ("已完成", "正在整改", "未整改"):
        codes.append([status_name])
    codes.sheet_state = "hidden"
    wb.defined_names["本地完成数"] = DefinedName("本地完成数", attr_text="汇总!$C$7")
    wb.defined_names["外部数据"] = DefinedName("外部数据", attr_text="[1]Sheet1!$A$1")
    wb.save(path)
    done = [t[2] for t in TOWNS]
    totals = [t[1] for t in TOWNS]
    results: dict[str, object] = {f"D{i}": d / t for i, (d, t) in enumerate(zip(done, totals, strict=True), start=4)}
    results |= {"G4": "通过", "H4": "看排名", "H5": "县扶贫办网站", "H6": "看台账", "I4": "=1+1", "J4": totals[0] * 2}
    results |= {"B7": sum(totals), "C7": sum(done), "E7": sum(t[3] for t in TOWNS), "D7": sum(done) / sum(totals)}
    results |= {"B9": 42, "B10": ""}
    save_results(path, 1, results)
    save_results(path, 2, {"C2": 98})
    _add_external_link_and_connection(path)
    return path


def _fill(rgb: str) -> PatternFill:
    return PatternFill(bgColor="FF" + rgb)


def _add_external_link_and_connection(path: Path) -> None:
    """What Excel writes for ``=[1]Sheet1!A1`` (a link into 其他乡镇.xlsx) and for a data connection."""
    ext_link = (
        f'<externalLink xmlns="{MAIN}" xmlns:r="{OD_RELS}"><externalBook r:id="rId1"><sheetNames>'
        '<sheetName val="Sheet1"/></sheetNames><sheetDataSet><sheetData sheetId="0"><row r="1">'
        '<cell r="A1"><v>42</v></cell></row></sheetData></sheetDataSet></externalBook></externalLink>'
    )
    ext_rels = (
        f'<Relationships xmlns="{PKG_RELS}"><Relationship Id="rId1" Type="{OD_RELS}/externalLinkPath"'
        ' Target="file:///C:/%E5%85%B6%E4%BB%96%E4%B9%A1%E9%95%87.xlsx" TargetMode="External"/></Relationships>'
    )
    connections = (
        f'<connections xmlns="{MAIN}"><connection id="1" name="扶贫系统" type="1" refreshedVersion="6">'
        '<dbPr connection="DSN=fupin;" command="SELECT * FROM problems"/></connection></connections>'
    )
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml."

    def workbook(data: bytes) -> bytes:
        text = data.decode("utf-8")
        refs = '<externalReferences><externalReference r:id="rIdExt"/></externalReferences>'
        text = text.replace("<definedNames>", refs + "<definedNames>", 1) if "<definedNames>" in text else text
        if "rIdExt" not in text:
            text = text.replace("</sheets>", "</sheets>" + refs, 1)
        if 'xmlns:r="' not in text:
            text = text.replace("<workbook ", f'<workbook xmlns:r="{OD_RELS}" ', 1)
        return text.encode("utf-8")

    def rels(data: bytes) -> bytes:
        extra = (
            f'<Relationship Id="rIdExt" Type="{OD_RELS}/externalLink" Target="externalLinks/externalLink1.xml"/>'
            f'<Relationship Id="rIdConn" Type="{OD_RELS}/connections" Target="connections.xml"/>'
        )
        return data.replace(b"</Relationships>", extra.encode("utf-8") + b"</Relationships>")

    def types(data: bytes) -> bytes:
        extra = (
            f'<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="{ct}externalLink+xml"/>'
            f'<Override PartName="/xl/connections.xml" ContentType="{ct}connections+xml"/>'
        )
        return data.replace(b"</Types>", extra.encode("utf-8") + b"</Types>")

    patch_members(
        path,
        {"xl/workbook.xml": workbook, "xl/_rels/workbook.xml.rels": rels, "[Content_Types].xml": types},
        {
            "xl/externalLinks/externalLink1.xml": ext_link.encode("utf-8"),
            "xl/externalLinks/_rels/externalLink1.xml.rels": ext_rels.encode("utf-8"),
            "xl/connections.xml": connections.encode("utf-8"),
        },
    )
