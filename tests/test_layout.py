"""Reading messy sheets: where the header is, which rows are data, and what the
metadata lines above the table say (domain.md §6)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from addin.ledger.reader import read_ledgers
from addin.ledger.text import header_key

TODAY = dt.date(2024, 7, 17)


def read(path: Path):
    return read_ledgers(str(path), today=TODAY)


def test_header_key_survives_real_header_noise() -> None:
    assert header_key("整改\n时限") == "整改时限"
    assert header_key("贷款金额（万元）") == "贷款金额"
    assert header_key("1.问题描述") == "问题描述"
    assert header_key("A17 户编号") == "户编号"
    assert header_key("身份证号码：") == "身份证号码"
    assert header_key("（一）存在问题") == "存在问题"
    assert header_key("责任人*") == "责任人"
    assert header_key("户主身份证号 (18位)") == "户主身份证号"
    assert header_key("（１）问题来源") == "问题来源"  # full-width digits


def test_title_metadata_two_row_header_sections_totals_repeats_and_footer(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws["A1"] = "附件2"
    ws["A2"] = "箭厂河乡脱贫攻坚反馈问题整改台账"
    ws.merge_cells("A2:J2")
    ws["A3"] = "（截至2024年6月30日）"
    ws["A4"] = "填报单位（盖章）：箭厂河乡人民政府"
    ws["H4"] = "填报日期："
    ws["I4"] = "2024年7月1日"
    ws.append(
        ["序号", "问题\n类别", "存在问题", "反馈来源", "整改举措", "责任落实", None, None, "完成时限", "整改进展"]
    )
    ws.append([None, None, None, None, None, "责任单位", "分管领导", "具体责任人", None, None])
    ws.append(["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"])  # column-number row
    for col in "ABCDEIJ":
        ws.merge_cells(f"{col}5:{col}6")
    ws.merge_cells("F5:H5")
    ws.append(["一、精准识别方面（共2项）"])
    ws.merge_cells("A8:J8")
    ws.append(
        [1, None, "漏评", "省级督查", "逐户排查无房户危房户并纳入", "扶贫站", "王明", "张三", "2024年8月底前", "整改中"]
    )
    ws.append(
        [2, None, "错评", "审计", "逐户复核家庭收入并调整识别结果", "扶贫站", "王明", "李四", "2024-09-30", "未整改"]
    )
    ws.append(["小计"])
    ws.append(
        [
            "序号",
            "问题类别",
            "存在问题",
            "反馈来源",
            "整改举措",
            "责任单位",
            "分管领导",
            "具体责任人",
            "完成时限",
            "整改进展",
        ]
    )
    ws.append(["二、帮扶措施方面"])
    ws.append(
        [
            3,
            "帮扶措施精准",
            "措施不匹配",
            "自查自纠",
            "按致贫原因调整帮扶措施并落实到户",
            "扶贫站",
            "赵强",
            "王五",
            "立行立改",
            "已完成",
        ]
    )
    ws.append([None])
    ws.append(["合计"])
    ws.append(["填报人：周六", None, None, "审核人：吴七"])
    ws.append(["备注：整改进展填写已完成/整改中/未整改"])
    ws.append([4, "这一行在备注下面", "不是数据"])
    wb.save(tmp_path / "乡.xlsx")

    (table,) = read(tmp_path / "乡.xlsx").tables
    assert table.kind == "problems"
    assert table.header_rows == [5, 6, 7]
    assert [int(r) for r in table.rows] == [9, 10, 14]
    layout = table.layout
    assert sorted(r + 1 for r in layout.section_rows) == [8, 13]
    assert sorted(r + 1 for r in layout.subtotal_rows) == [11, 16]
    assert [r + 1 for r in layout.repeated_header_rows] == [12]
    assert layout.footer_row is not None and layout.footer_row + 1 == 17
    assert table.metadata["填报单位"] == "箭厂河乡人民政府"
    assert table.metadata["填报日期"] == "2024年7月1日"
    assert table.metadata["截至日期"] == "2024年6月30日"
    assert table.header_text("resp_person") == "具体责任人"
    assert table.header_text("category") == "问题\n类别"
    # The section row governs the empty category cells below it.
    assert list(table.values("category")) == ["精准识别", "精准识别", "帮扶措施精准"]
    assert list(table.implied["category"]) == [True, True, False]


def test_vertical_merges_fill_down_and_point_at_the_top_cell(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "沙坪村"
    ws.append(
        [
            "户编号",
            "户主姓名",
            "家庭人口数",
            "贫困户属性",
            "主要致贫原因",
            "姓名",
            "与户主关系",
            "性别",
            "在校生状况",
            "健康状况",
            "劳动技能",
        ]
    )
    ws.append(["H001", "张三", 2, "一般贫困户", "因病", "张三", "户主", "男", "非在校生", "长期慢性病", "普通劳动力"])
    ws.append([None, None, None, None, None, "李梅", "配偶", "女", "非在校生", "健康", "普通劳动力"])
    ws.append(["H002", "王五", 1, "低保贫困户", "因残", "王五", "户主", "男", "非在校生", "残疾", "丧失劳动力"])
    for col in "ABCDE":
        ws.merge_cells(f"{col}2:{col}3")
    wb.save(tmp_path / "roster.xlsx")

    tables = {t.kind: t for t in read(tmp_path / "roster.xlsx").tables}
    assert set(tables) == {"households", "members"}
    members, households = tables["members"], tables["households"]
    assert list(members.values("hh_no")) == ["H001", "H001", "H002"]
    assert members.cell("hh_no", 1) == "A2"  # the merged value physically stands in A2
    assert members.cell("name", 1) == "F3"
    assert [int(r) for r in households.rows] == [2, 4]
    assert list(households.values("hh_size")) == [2.0, 1.0]


def test_blank_cells_are_not_filled_without_a_merge(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["户编号", "姓名", "与户主关系", "性别", "在校生状况", "健康状况", "劳动技能"])
    ws.append(["H001", "张三", "户主", "男", "非在校生", "健康", "普通劳动力"])
    ws.append([None, "李梅", "配偶", "女", "非在校生", "健康", "普通劳动力"])
    wb.save(tmp_path / "m.xlsx")
    (members,) = read(tmp_path / "m.xlsx").tables
    assert list(members.empty("hh_no")) == [False, True]


def test_sheet_without_ledger_header_is_skipped_with_reason(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "汇总"
    ws.append(["乡镇", "户数", "人数"])
    ws.append(["沙窝镇", 120, 400])
    wb.save(tmp_path / "s.xlsx")
    result = read(tmp_path / "s.xlsx")
    assert result.tables == []
    (skipped,) = result.skipped
    assert skipped.sheet == "汇总" and "不属于任何已知台账类型" in skipped.reason


def test_table_not_starting_in_column_a(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C3"] = "序号"
    for i, h in enumerate(["问题描述", "整改措施", "责任单位", "责任人", "整改时限", "整改状态"], start=4):
        ws.cell(3, i, h)
    for i, v in enumerate([1, "台账信息不准", "逐户核对台账信息", "扶贫办", "张三", "2024-08-01", "整改中"], start=3):
        ws.cell(4, i, v)
    wb.save(tmp_path / "c.xlsx")
    (table,) = read(tmp_path / "c.xlsx").tables
    assert table.header_rows == [3]
    assert table.cell("description", 0) == "D4"


def test_column_number_row_typed_as_numbers_is_part_of_the_header(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "问题描述", "整改措施", "责任单位", "责任人", "整改时限", "整改状态"])
    ws.append([1, 2, 3, 4, 5, 6, 7])
    ws.append([1, "台账信息不准", "逐户核对台账信息并更正", "扶贫办", "张三", "2024-08-01", "整改中"])
    wb.save(tmp_path / "n.xlsx")
    (table,) = read(tmp_path / "n.xlsx").tables
    assert table.header_rows == [1, 2]
    assert [int(r) for r in table.rows] == [3]
