"""`zhenggai check` end to end on a messy workbook: the JSON contract, the annotated
copy (opened by LibreOffice), and the input left byte-for-byte unchanged."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from pathlib import Path

import jsonschema
import openpyxl
import python_calamine

from addin.cli import main
from addin.jsonfiles import load_schema
from tests.helpers.libreoffice import convert

AS_OF = "2024-07-17"


def messy_problem_ledger(path: Path) -> Path:
    """A township rectification ledger laid out the way domain §6.1 describes."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "整改台账"
    ws["A1"] = "附件2"
    ws["A2"] = "沙窝镇脱贫攻坚问题整改台账"
    ws.merge_cells("A2:M2")
    ws["A3"] = "（截至2024年6月30日）"
    ws["A4"] = "填报单位（盖章）：沙窝镇人民政府"
    ws["I4"] = "填报日期：2024年7月1日"
    ws.append(
        [
            "序号",
            "问题类别",
            "问题描述",
            "问题来源",
            "整改措施",
            "责任落实",
            None,
            None,
            "整改\n时限",
            "整改情况",
            None,
            None,
            "备注",
        ]
    )
    ws.append(
        [
            None,
            None,
            None,
            None,
            None,
            "责任单位",
            "责任领导",
            "责任人",
            None,
            "整改进度",
            "完成时间",
            "佐证材料",
            None,
        ]
    )
    for col in "ABCDEIM":
        ws.merge_cells(f"{col}5:{col}6")
    ws.merge_cells("F5:H5")
    ws.merge_cells("J5:L5")
    ws.append(["一、精准识别方面（共2项）"])
    ws.merge_cells("A7:M7")
    ws.append(
        [
            1,
            "精准识别",
            "无房户未纳入建档立卡",
            "省级督查",
            "对全镇无房户逐户排查，符合条件的及时纳入",
            "扶贫办",
            "王明",
            "张三",
            dt.datetime(2024, 5, 31),
            "已完成",
            "2024.5.20",
            "排查表、纳入审批表",
            None,
        ]
    )
    ws.append(
        [
            2,
            "精准识别",
            "错评一户",
            "第三方评估",
            "开展回头看，逐户核实识别结果并公示",
            "乡扶贫站",
            "王明",
            "李四",
            "2024年6月底前",
            "正在整改",
            None,
            None,
            None,
        ]
    )
    ws.append(["合计"])
    ws.append(["填报人：李四      审核人：王五      联系电话：13812345678"])
    ws.append(["备注：1.整改进度填“已完成/正在整改/未整改”；2.佐证材料另附。"])
    other = wb.create_sheet("填表说明")
    other["A1"] = "本表按月更新，报镇扶贫办。"
    wb.save(path)
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_report_contract_copy_and_untouched_input(tmp_path: Path) -> None:
    src = messy_problem_ledger(tmp_path / "沙窝镇整改台账.xlsx")
    before = sha256(src)
    report, out = tmp_path / "report.json", tmp_path / "out"
    assert main(["check", str(src), "--as-of", AS_OF, "--json", str(report), "--out", str(out), "-q"]) == 0

    assert sha256(src) == before, "the input workbook must never be written"

    doc = json.loads(report.read_text(encoding="utf-8"))
    jsonschema.validate(doc, load_schema("report.schema.json"))
    assert doc["as_of"] == AS_OF
    (file_entry,) = doc["files"]
    assert file_entry["sheets"] == [{"name": "整改台账", "kind": "problems", "header_rows": [5, 6], "data_rows": 2}]
    assert [s["name"] for s in file_entry["skipped_sheets"]] == ["填表说明"]
    for finding in doc["findings"]:
        assert finding["row"] in (8, 9) or finding["cell"] is None, finding  # never a title/section/total/footer row

    copy = out / "沙窝镇整改台账.checked.xlsx"
    book = python_calamine.CalamineWorkbook.from_path(str(copy))
    assert book.sheet_names == ["整改台账", "填表说明", "检查结果"]
    original = python_calamine.CalamineWorkbook.from_path(str(src))
    for name in original.sheet_names:
        assert book.get_sheet_by_name(name).to_python() == original.get_sheet_by_name(name).to_python()
    results = book.get_sheet_by_name("检查结果").to_python()
    assert results[0][:3] == ["序号", "工作表", "单元格"]
    assert len(results) - 1 == len(doc["findings"])

    csvs = convert(copy, "csv", tmp_path / "lo")
    sheet_csv = next(p for p in csvs if p.stem.endswith("检查结果"))
    with sheet_csv.open(encoding="utf-8") as fh:
        lo_rows = list(csv.reader(fh))
    assert len(lo_rows) - 1 == len(doc["findings"])
