"""The 扶贫资金/项目台账 kind and its rules (domain.md §1.5.1, §3.6, templates/rules/projects.json) on real workbooks.

Each test writes a project-funds ledger the way county departments keep it (one
project per row, money in 万元), checks it with the library call the CLI uses, and
asserts the exact cells a rule marks, plus clean or borderline rows where it must
stay silent. Cross-sheet rules get a second sheet in the same workbook (户表 for
XM-09, 村级责任人花名册 for XM-13). As-of date: 2024-07-17.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from addin.settings import Settings
from tests.helpers.book import Checked, SheetSpec, check_sheets, keyed_cell, keyed_sheet
from tests.helpers.ids import make_id

D = dt.date

# (header as written in the sheet, field key)
COLUMNS: list[tuple[str, str]] = [
    ("序号", "seq"),
    ("项目名称", "proj_name"),
    ("项目类别", "proj_cat"),
    ("乡镇", "township"),
    ("村", "village"),
    ("建设内容及规模", "content"),
    ("资金规模（万元）", "fund_total"),
    ("中央财政资金", "fund_central"),
    ("县级财政资金", "fund_county"),
    ("项目主管单位", "owner_unit"),
    ("实施单位", "impl_unit"),
    ("实施方式", "impl_mode"),
    ("计划完工时间", "plan_end"),
    ("开工时间", "act_start"),
    ("竣工时间", "act_end"),
    ("项目进度", "progress"),
    ("验收时间", "accept_date"),
    ("验收结论", "accept_result"),
    ("已拨付资金（万元）", "paid"),
    ("拨付时间", "pay_date"),
    ("受益户数", "hh_benefit"),
    ("受益贫困户数", "poor_benefit"),
    ("带贫减贫机制", "benefit_mech"),
    ("贫困户意愿", "consent"),
    ("绩效目标", "perf_target"),
    ("公示情况", "publicity"),
    ("备案情况", "filing"),
]

# A tea-processing plant finished, accepted, paid and filed: every rule has what it needs.
BASE: dict[str, Any] = {
    "seq": "1",
    "proj_name": "沙坪村茶叶加工厂建设项目",
    "proj_cat": "产业发展",
    "township": "沙窝镇",
    "village": "沙坪村",
    "content": "新建茶叶加工厂房600平方米，购置杀青、揉捻设备8台套",
    "fund_total": 120,
    "fund_central": 80,
    "fund_county": 40,
    "owner_unit": "农业农村局",
    "impl_unit": "沙窝镇人民政府",
    "impl_mode": "村集体建设，租赁给茶企经营",
    "plan_end": D(2024, 4, 30),
    "act_start": D(2023, 11, 10),
    "act_end": D(2024, 4, 20),
    "progress": "已完工",
    "accept_date": D(2024, 5, 8),
    "accept_result": "验收合格",
    "paid": 120,
    "pay_date": D(2024, 5, 30),
    "hh_benefit": 60,
    "poor_benefit": 45,
    "benefit_mech": "厂房归村集体所有，租金收益的60%分给脱贫户，优先吸纳脱贫劳动力务工",
    "consent": "45户均签订利益联结协议",
    "perf_target": "年加工干茶20吨，带动45户脱贫户户均增收1500元",
    "publicity": "已在村务公开栏公示",
    "filing": "已报县指挥部办公室、县纪委、县财政局备案",
}

# A village road still being built: not due, not accepted, partly paid.
ROAD: dict[str, Any] = {
    **BASE,
    "seq": "2",
    "proj_name": "王湾村组道路硬化项目",
    "proj_cat": "基础设施",
    "township": "新集镇",
    "village": "王湾村",
    "content": "硬化组道2.3公里，宽3.5米",
    "fund_total": 92,
    "fund_central": 60,
    "fund_county": 32,
    "owner_unit": "交通运输局",
    "impl_unit": "新集镇人民政府",
    "impl_mode": "公开招标，施工单位承建",
    "plan_end": D(2024, 9, 30),
    "act_start": D(2024, 4, 1),
    "act_end": None,
    "progress": "在建",
    "accept_date": None,
    "accept_result": None,
    "paid": 30,
    "pay_date": D(2024, 6, 15),
    "hh_benefit": 120,
    "poor_benefit": 38,
    "benefit_mech": "解决38户脱贫户出行难，务工优先吸纳脱贫劳动力",
    "consent": None,
    "perf_target": "硬化道路2.3公里，受益群众满意度≥95%",
    "filing": None,
}


def row(base: dict[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
    return {**(base or BASE), **changes}


def cell(key: str, excel_row: int, columns: list[tuple[str, str]] = COLUMNS) -> str:
    return keyed_cell(columns, key, excel_row)


def spec(*rows: dict[str, Any], columns: list[tuple[str, str]] = COLUMNS, name: str = "项目资金台账") -> SheetSpec:
    return keyed_sheet(name, columns, rows)


def check(tmp_path: Path, *rows: dict[str, Any], settings: Settings | None = None) -> Checked:
    return check_sheets(tmp_path, spec(*rows), settings=settings)


def pj_rules(checked: Checked) -> set[str]:
    return {f.rule for f in checked.findings if f.rule.startswith("PJ-")}


# ------------------------------------------------------------------ detection
def messy_sheet() -> SheetSpec:
    """A department's ledger as typed: attachment label, merged title, 填报 line, a two-row header with
    group headers (资金来源及规模, 受益对象, 绩效目标), section rows, a 合计 row and a footer."""
    header = [
        *("序号", "项目名称", "项目类别", "建设性质", "实施地点", None, "建设内容及规模"),
        *("资金来源及规模（万元）", None, None, None, "项目主管单位", "实施单位及责任人", "受益对象", None),
        *("联农带农机制", "绩效目标", None, None, "公示情况"),
    ]
    header2 = [
        *(None, None, None, None, "乡镇", "村", None, "资金规模", "中央", "省级", "县级", None, None),
        *("受益户数", "其中脱贫户", None, "产出指标", "效益指标", "满意度指标", None),
    ]
    blank = [None] * 20
    rows = [
        ["一、产业发展类", *blank[1:]],
        [
            *(1, "沙坪村茶叶加工厂建设项目", "产业类", "新建", "沙窝镇", "沙坪村", "新建厂房600㎡", 120, 80, 10, 30),
            *("县农业农村局", "沙窝镇政府 张明", 60, 45, "租金收益分配给脱贫户"),
            *("年加工干茶20吨", "户均增收1500元", "≥95%", "已公示"),
        ],
        [
            *(2, "王湾村到户增收项目", "产业发展", "新建", "新集镇", "王湾村", "发展茶园200亩", 50, 50, None, None),
            *("农业农村局", "新集镇政府 李强", 40, 40, "到户奖补，户自主发展"),
            *("新发展茶园200亩", "户均增收1000元", "≥95%", "已公示"),
        ],
        ["二、基础设施类", *blank[1:]],
        [
            *(3, "王湾村组道路硬化项目", "基础设施类", "新建", "新集镇", "王湾村", "硬化道路2.3公里", 92, 60, 12, 20),
            *("交通运输局", "新集镇政府 王刚", 120, 38, "改善出行条件"),
            *("硬化道路2.3公里", "受益120户", "≥95%", "已公示"),
        ],
        ["合计", *blank[1:7], 262, 190, 22, 50, None, None, 220, 123, *blank[15:]],
    ]
    vertical = [f"{c}4:{c}5" for c in "ABCDGLMPT"]
    return SheetSpec(
        "2024年项目",
        header,
        rows,
        above=[
            ["附件3"],
            ["新县2024年度巩固拓展脱贫攻坚成果项目资金台账"],
            ["填报单位：县乡村振兴局", *[None] * 15, "填报日期：2024年7月10日"],
        ],
        header2=header2,
        merges=["A2:T2", "E4:F4", "H4:K4", "N4:O4", "Q4:S4", *vertical, "A6:T6", "A9:T9"],
        below=[["填报人：赵丽", None, None, "审核人：孙伟"]],
    )


def test_a_messy_project_ledger_is_read_as_projects(tmp_path: Path) -> None:
    checked = check_sheets(tmp_path, messy_sheet())
    (table,) = checked.ledgers.tables
    assert table.kind == "projects"
    assert table.header_rows == [4, 5]
    assert list(table.rows) == [7, 8, 10]  # section rows, the 合计 row and the footer are not projects
    headers = {k: c.header for k, c in table.columns.items()}
    assert headers["township"] == "乡镇" and headers["village"] == "村"
    assert (
        headers["fund_total"] == "资金规模" and headers["fund_central"] == "中央" and headers["fund_county"] == "县级"
    )
    assert headers["impl_unit"] == "实施单位及责任人" and headers["benefit_mech"] == "联农带农机制"
    assert (headers["hh_benefit"], headers["poor_benefit"]) == ("受益户数", "其中脱贫户")
    assert {headers["perf_output"], headers["perf_effect"], headers["perf_satisfaction"]} == {
        "产出指标",
        "效益指标",
        "满意度指标",
    }
    assert list(table.values("proj_cat")) == ["产业发展", "产业发展", "基础设施"]
    assert table.columns["fund_total"].unit == "wan"
    # A clean ledger: none of the project rules fires, nothing is an error.
    assert pj_rules(checked) == set()
    assert [f for f in checked.findings if f.severity == "error"] == []


def test_rules_mark_the_cells_of_a_messy_ledger(tmp_path: Path) -> None:
    sheet = messy_sheet()
    rows = [list(r) for r in sheet.rows]
    rows[2][7] = 60  # 王湾村到户增收项目: 资金规模 60, sources only 50 (row 8, column H)
    rows[4][13:15] = [30, 38]  # road: 38 poor households among 30 (row 10, column O)
    rows[1][16:19] = [None, None, None]  # tea plant: no performance target at all (row 7)
    sheet.rows = rows
    checked = check_sheets(tmp_path, sheet)
    assert checked.cells("PJ-FUND-SOURCES-MISMATCH") == {"H8"}
    assert checked.by_rule("PJ-FUND-SOURCES-MISMATCH")[0].column == "资金规模"
    assert checked.cells("PJ-POOR-HH-EXCEEDS") == {"O10"}
    assert checked.rows("PJ-NO-PERF-TARGET") == {7}
    assert pj_rules(checked) == {"PJ-FUND-SOURCES-MISMATCH", "PJ-POOR-HH-EXCEEDS", "PJ-NO-PERF-TARGET"}


def test_the_project_kind_does_not_take_a_loans_sheet_with_a_project_column(tmp_path: Path) -> None:
    header = ["序号", "借款人", "身份证号", "乡镇", "村", "贷款银行", "贷款金额（万元）", "放款日期", "到期日期"]
    header += ["贷款用途", "项目名称", "还款情况"]
    loan = ["1", "陈光明", make_id("19620815", 13), "沙窝镇", "沙坪村", "县农商行", 5, D(2023, 3, 1), D(2026, 2, 28)]
    loan += ["发展茶叶种植", "沙坪村茶叶种植项目", "正常"]
    loans = SheetSpec("小额信贷", header, [loan], text_columns=[3])
    checked = check_sheets(tmp_path, loans, spec(BASE))
    assert [(t.sheet, t.kind) for t in checked.ledgers.tables] == [("小额信贷", "loans"), ("项目资金台账", "projects")]


# ------------------------------------------------------------------ clean ledger
def test_clean_realistic_ledger_raises_nothing(tmp_path: Path) -> None:
    subsidy = row(
        seq="3",
        proj_name="沙坪村到户产业奖补项目",
        content="奖补45户发展茶叶、油茶种植",
        fund_total=27,
        fund_central=27,
        fund_county=None,
        impl_mode="先建后补，验收后直补到户",
        act_start=D(2024, 3, 1),
        act_end=D(2024, 5, 31),
        accept_date=D(2024, 6, 10),
        pay_date=D(2024, 6, 28),
        paid=27,
        hh_benefit=45,
        poor_benefit=45,
        consent="户申请、村评议",
    )
    collective = row(
        seq="4",
        proj_name="王湾村发展壮大村集体经济项目",
        proj_cat="村集体经济",
        township="新集镇",
        village="王湾村",
        content="入股县茶业公司，年保底收益8%",
        fund_total=50,
        fund_central=50,
        fund_county=None,
        paid=50,
        impl_mode="村集体资金入股企业",
        consent="经村民代表大会同意，签订入股协议",
    )
    rows = [row(), row(ROAD), subsidy, collective]
    checked = check(tmp_path, *rows, settings=Settings(params={"poor_villages": ["王湾村"]}))
    assert pj_rules(checked) == set()
    assert [f for f in checked.findings if f.severity == "error"] == []


# ------------------------------------------------------------------ XM-01 elements
def test_pj_missing_element(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(owner_unit=None),
        row(seq="2", proj_cat=None, benefit_mech="/"),  # "/" is how clerks write "nothing"
        row(seq="3"),
        {"seq": "4"},  # a template row with only its serial number: not a project
    )
    assert checked.cells("PJ-MISSING-ELEMENT") == {cell("owner_unit", 2), cell("proj_cat", 3), cell("benefit_mech", 3)}
    assert checked.by_rule("PJ-MISSING-ELEMENT")[0].message == "项目要素不全：项目主管单位未填写"
    assert {f.severity for f in checked.by_rule("PJ-MISSING-ELEMENT")} == {"error"}


def test_pj_no_location(tmp_path: Path) -> None:
    checked = check(tmp_path, row(township=None), row(seq="2"))
    assert checked.cells("PJ-NO-LOCATION") == {cell("township", 2)}
    columns = [c for c in COLUMNS if c[1] != "township"] + [("实施地点", "location")]
    checked = check_sheets(
        tmp_path, spec(row(location="沙窝镇沙坪村"), row(seq="2", location=None), columns=columns), name="地点.xlsx"
    )
    assert checked.rows("PJ-NO-LOCATION") == {3}  # the sheet has no 乡镇 column: the whole row is marked


def test_pj_no_perf_target_over_the_three_indicator_columns(tmp_path: Path) -> None:
    columns = [c for c in COLUMNS if c[1] != "perf_target"] + [
        ("产出指标", "perf_output"),
        ("效益指标", "perf_effect"),
        ("满意度指标", "perf_satisfaction"),
    ]
    checked = check_sheets(
        tmp_path,
        spec(
            row(perf_output=None, perf_effect=None, perf_satisfaction=None),
            row(seq="2", perf_output=None, perf_effect="户均增收1500元", perf_satisfaction=None),
            row(seq="3", perf_output="年加工干茶20吨", perf_effect="户均增收1500元", perf_satisfaction="≥95%"),
            columns=columns,
        ),
    )
    assert checked.rows("PJ-NO-PERF-TARGET") == {2}
    assert "未设绩效目标的项目不得入库" in checked.by_rule("PJ-NO-PERF-TARGET")[0].message
    assert "PJ-NO-PERF-COLUMN" not in pj_rules(checked)


def test_pj_no_perf_target_in_the_target_column(tmp_path: Path) -> None:
    checked = check(tmp_path, row(perf_target=None), row(seq="2"))
    assert checked.cells("PJ-NO-PERF-TARGET") == {cell("perf_target", 2)}


def test_pj_no_perf_column_is_reported_once_per_table(tmp_path: Path) -> None:
    columns = [c for c in COLUMNS if c[1] != "perf_target"]
    checked = check_sheets(tmp_path, spec(row(), row(ROAD), row(seq="3"), columns=columns))
    (finding,) = checked.by_rule("PJ-NO-PERF-COLUMN")
    assert finding.cell is None and finding.row == 2
    assert "PJ-NO-PERF-TARGET" not in pj_rules(checked)
    assert check(tmp_path, row()).by_rule("PJ-NO-PERF-COLUMN") == []


# ------------------------------------------------------------------ XM-02 / XM-03 money
def test_pj_fund_sources_mismatch_with_a_cent_of_wan_tolerance(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(fund_central=80, fund_county=30),  # 110 ≠ 120
        row(seq="2", fund_central=80, fund_county=39.995),  # within 0.01 万元
        row(seq="3", fund_central=80, fund_county=39.98),  # 0.02 万元 off
        row(seq="4", fund_central=None, fund_county=None),  # no source written: nothing to compare
    )
    assert checked.cells("PJ-FUND-SOURCES-MISMATCH") == {cell("fund_total", 2), cell("fund_total", 4)}
    assert checked.by_rule("PJ-FUND-SOURCES-MISMATCH")[0].message == (
        "资金来源合计与总投资不符：各来源合计110万元，资金规模120万元"
    )


def test_pj_fund_sources_in_yuan_columns_use_one_yuan(tmp_path: Path) -> None:
    columns = [("资金规模（元）" if k == "fund_total" else h, k) for h, k in COLUMNS]
    columns = [("中央财政资金（元）" if k == "fund_central" else h, k) for h, k in columns]
    columns = [("县级财政资金（元）" if k == "fund_county" else h, k) for h, k in columns]
    checked = check_sheets(
        tmp_path,
        spec(
            row(fund_total=1_200_000, fund_central=800_000, fund_county=399_999.5, paid=None),
            row(seq="2", fund_total=1_200_000, fund_central=800_000, fund_county=399_990, paid=None),
            columns=columns,
        ),
    )
    assert checked.cells("PJ-FUND-SOURCES-MISMATCH") == {cell("fund_total", 3, columns)}


def test_pj_fund_sources_mixed_units_compare_in_yuan(tmp_path: Path) -> None:
    columns = [("中央财政资金（元）" if k == "fund_central" else h, k) for h, k in COLUMNS]
    checked = check_sheets(
        tmp_path,
        spec(row(fund_central=800_000, fund_county=40), row(seq="2", fund_central=80, fund_county=40), columns=columns),
    )
    assert checked.cells("PJ-FUND-SOURCES-MISMATCH") == {cell("fund_total", 3, columns)}  # 80 元 + 40 万元


def test_pj_paid_over_fund(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(paid=126),
        row(seq="2", paid=120.005),  # rounding
        row(seq="3", paid="125万"),
    )
    assert checked.cells("PJ-PAID-OVER-FUND") == {cell("paid", 2), cell("paid", 4)}
    assert checked.by_rule("PJ-PAID-OVER-FUND")[0].message == "拨付金额超过项目资金：已拨付126万元，资金规模120万元"
    columns = [("已拨付资金（元）" if k == "paid" else h, k) for h, k in COLUMNS]
    in_yuan = check_sheets(
        tmp_path, spec(row(paid=1_250_000), row(seq="2", paid=1_200_000), columns=columns), name="元.xlsx"
    )
    assert in_yuan.cells("PJ-PAID-OVER-FUND") == {cell("paid", 2, columns)}


# ------------------------------------------------------------------ XM-04 dates
def test_pj_finish_before_start_and_accept_before_finish(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(act_start=D(2024, 3, 15), act_end=D(2023, 12, 20), accept_date=None),
        row(seq="2", accept_date=D(2024, 4, 10)),  # finished 2024-04-20
        row(seq="3", act_end="2024年4月", accept_date=D(2024, 4, 25)),  # month precision: cannot tell
        row(seq="4"),
    )
    assert checked.cells("PJ-FINISH-BEFORE-START") == {cell("act_end", 2)}
    assert checked.cells("PJ-ACCEPT-BEFORE-FINISH") == {cell("accept_date", 3)}
    assert checked.by_rule("PJ-FINISH-BEFORE-START")[0].message == (
        "项目时间顺序错误：竣工时间2023-12-20早于开工时间2024-03-15"
    )
    assert checked.by_rule("PJ-ACCEPT-BEFORE-FINISH")[0].message == (
        "项目时间顺序错误：验收时间2024-04-10早于竣工时间2024-04-20"
    )


# ------------------------------------------------------------------ XM-05 / XM-06 acceptance and payment
def test_pj_not_accepted(tmp_path: Path) -> None:
    open_ = {"accept_date": None, "accept_result": None, "paid": 30, "filing": None}
    checked = check(
        tmp_path,
        row(**open_),  # finished 2024-04-20: 88 days
        row(seq="2", **{**open_, "accept_result": "未验收"}),
        row(seq="3", **{**open_, "accept_result": "验收合格"}),  # accepted, date not written
        row(seq="4", **{**open_, "act_end": D(2024, 6, 20)}),  # 27 days: still in time
    )
    assert checked.cells("PJ-NOT-ACCEPTED") == {cell("act_end", 2), cell("act_end", 3)}
    assert checked.by_rule("PJ-NOT-ACCEPTED")[0].message == "竣工超过30天未验收（2024-04-20竣工，已88天）"
    assert checked.by_rule("PJ-NOT-ACCEPTED")[0].severity == "warning"
    longer = check(tmp_path, row(**open_), settings=Settings(params={"accept_days": 90}))
    assert "PJ-NOT-ACCEPTED" not in pj_rules(longer)


def test_pj_not_paid_after_accept(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(paid=60),  # accepted 2024-05-08: 70 days
        row(seq="2", paid=None),  # nothing paid
        row(seq="3", paid=119.995),
        row(seq="4", paid=60, accept_date=D(2024, 6, 20), act_end=D(2024, 6, 18)),  # 27 days after acceptance
    )
    assert checked.cells("PJ-NOT-PAID-AFTER-ACCEPT") == {cell("paid", 2), cell("paid", 3)}
    assert checked.by_rule("PJ-NOT-PAID-AFTER-ACCEPT")[0].message == (
        "验收后30天资金未拨付到位：验收已70天，已拨付60万元，资金规模120万元"
    )


# ------------------------------------------------------------------ XM-07 payment vs progress
def test_pj_subsidy_paid_before_accept(tmp_path: Path) -> None:
    subsidy = {"proj_name": "沙坪村到户产业奖补项目", "impl_mode": "先建后补，验收后直补到户"}
    checked = check(
        tmp_path,
        row(**subsidy, pay_date=D(2024, 5, 1)),  # accepted 2024-05-08
        row(seq="2", proj_name="2024年户均5000元产业奖补", pay_date=D(2024, 5, 1)),
        row(seq="3", **subsidy),  # paid 2024-05-30
        row(seq="4", pay_date=D(2024, 5, 1)),  # a plant built by contract: advance payments are normal
        row(seq="5", **subsidy, pay_date="2024年5月"),  # the month of acceptance: cannot tell
    )
    assert checked.cells("PJ-SUBSIDY-PAID-BEFORE-ACCEPT") == {cell("pay_date", 2), cell("pay_date", 3)}
    assert checked.by_rule("PJ-SUBSIDY-PAID-BEFORE-ACCEPT")[0].message == (
        "资金拨付与项目实施进度不一致：到户补助2024-05-01拨付，2024-05-08才验收"
    )


def test_pj_paid_before_start(tmp_path: Path) -> None:
    not_started = {"act_start": None, "act_end": None, "accept_date": None, "accept_result": None, "filing": None}
    checked = check(
        tmp_path,
        row(ROAD, **not_started, progress="未开工"),
        row(ROAD, seq="3", **not_started, progress="在建"),  # building: the start date is only missing
        row(ROAD, seq="4", **not_started, progress=None, paid=0),
        row(ROAD, seq="5", **not_started, progress=None),
        row(ROAD, seq="6"),
    )
    assert checked.cells("PJ-PAID-BEFORE-START") == {cell("paid", 2), cell("paid", 5)}
    assert checked.by_rule("PJ-PAID-BEFORE-START")[0].message == (
        "资金拨付与项目实施进度不一致：已拨付30万元，项目尚未开工（未填开工时间）"
    )


# ------------------------------------------------------------------ XM-08 publicity
def test_pj_not_publicized(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(publicity="否"),
        row(seq="2", publicity=None),
        row(seq="3", publicity="未公示"),
        row(seq="4", publicity="村务公开栏公示7天"),
        row(seq="5", publicity="是"),
    )
    assert checked.cells("PJ-NOT-PUBLICIZED") == {cell("publicity", r) for r in (2, 3, 4)}
    columns = [*COLUMNS, ("公示时间", "publicity_date")]
    dated_rows = [row(publicity=None, publicity_date=D(2024, 1, 5)), row(seq="2", publicity=None)]
    dated = check_sheets(tmp_path, spec(*dated_rows, columns=columns), name="公示.xlsx")
    assert dated.cells("PJ-NOT-PUBLICIZED") == {cell("publicity", 3, columns)}


# ------------------------------------------------------------------ XM-09 beneficiaries
def test_pj_beneficiary_counts(tmp_path: Path) -> None:
    columns = [*COLUMNS, ("受益人口", "people_benefit"), ("受益贫困人口", "poor_people")]
    checked = check_sheets(
        tmp_path,
        spec(
            row(hh_benefit=30, poor_benefit=45, people_benefit=200, poor_people=150),
            row(seq="2", people_benefit=90, poor_people=130),
            row(seq="3", poor_benefit=0, people_benefit=200, poor_people=0),
            row(ROAD, seq="4", poor_benefit=0),  # a road: no poverty-linking target required
            row(seq="5", hh_benefit=45, poor_benefit=45, people_benefit=150, poor_people=150),
            columns=columns,
        ),
    )
    assert checked.cells("PJ-POOR-HH-EXCEEDS") == {cell("poor_benefit", 2, columns)}
    assert checked.cells("PJ-POOR-PEOPLE-EXCEEDS") == {cell("poor_people", 3, columns)}
    assert checked.cells("PJ-INDUSTRY-NO-POOR") == {cell("poor_benefit", 4, columns)}
    assert checked.by_rule("PJ-POOR-HH-EXCEEDS")[0].message == "受益户数异常：受益贫困户数45户多于受益户数30户"
    assert {f.severity for f in checked.by_rule("PJ-INDUSTRY-NO-POOR")} == {"warning"}


HH_HEADER = ["乡镇", "行政村", "户编号", "户主姓名", "户主证件号码", "家庭人口数", "贫困户属性", "脱贫状态", "户类型"]


def household_sheet() -> SheetSpec:
    """沙坪村: 3 registered households and one 一般农户 (not registered); 王湾村: 2."""
    exited = ("一般脱贫户", "已脱贫（享受政策）")
    rows = [
        ["沙窝镇", "沙坪村", "411523103001001", "陈光明", make_id("19620815", 13), 4, *exited, "脱贫户"],
        ["沙窝镇", "沙坪村委会", "411523103001002", "周秀兰", make_id("19700302", 22), 2, *exited, "脱贫户"],
        ["沙窝镇", "沙坪", "411523103001003", "刘长福", make_id("19551120", 35), 3, *exited, "监测户"],
        ["沙窝镇", "沙坪村", "411523103001004", "吴德才", make_id("19681006", 41), 5, None, None, "一般农户"],
        ["新集镇", "王湾村", "411523101002001", "郑家和", make_id("19590101", 51), 2, *exited, "脱贫户"],
        ["新集镇", "王湾村", "411523101002002", "何玉梅", make_id("19760512", 62), 3, *exited, "脱贫户"],
    ]
    return SheetSpec("户表", HH_HEADER, rows, text_columns=[3, 5])


def test_pj_poor_benefit_over_roster_across_sheets(tmp_path: Path) -> None:
    projects = spec(
        row(hh_benefit=10, poor_benefit=4),  # 沙坪村 has 3 registered households
        row(seq="2", hh_benefit=10, poor_benefit=3),
        row(ROAD, seq="3", poor_benefit=3),  # 王湾村 has 2
        row(seq="4", township="八里畈镇", village="王里河村", poor_benefit=40),  # not in this roster: unknown
    )
    checked = check_sheets(tmp_path, household_sheet(), projects)
    found = checked.by_rule("PJ-POOR-BENEFIT-OVER-ROSTER")
    assert {(f.sheet, f.cell) for f in found} == {
        ("项目资金台账", cell("poor_benefit", 2)),
        ("项目资金台账", cell("poor_benefit", 4)),
    }
    assert found[0].message == "受益户数异常：受益贫困户数4户，多于户表中沙坪村的建档立卡户3户，请核实"
    alone = check_sheets(tmp_path, projects, name="无户表.xlsx")
    assert "PJ-POOR-BENEFIT-OVER-ROSTER" not in pj_rules(alone)  # no roster in the workbook: not checked


# ------------------------------------------------------------------ XM-10 一合了之
def test_pj_pooled_without_consent(tmp_path: Path) -> None:
    pooled = {"proj_name": "2024年沙坪村到户增收项目", "impl_mode": "到户资金入股茶叶专业合作社，按年分红"}
    checked = check(
        tmp_path,
        row(**pooled, consent=None),
        row(seq="2", **pooled, consent="否"),
        row(seq="3", **pooled),  # agreements signed
        row(seq="4", impl_mode=None, benefit_mech="资金交由龙头企业统一经营，每年分红", consent=None),
        row(ROAD, seq="5", impl_mode="委托合作社管护", consent=None),  # a road: not an income project
    )
    assert checked.cells("PJ-POOLED-WITHOUT-CONSENT") == {cell("consent", r) for r in (2, 3, 5)}
    assert "一合了之" in checked.by_rule("PJ-POOLED-WITHOUT-CONSENT")[0].message


# ------------------------------------------------------------------ XM-11 filing
def test_pj_not_filed(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(filing="已报县财政局备案"),
        row(seq="2", filing=None),
        row(seq="3", filing="已报县脱贫攻坚指挥部办公室、县纪委监委、县财政局"),
        row(seq="4", filing="已报三家备案"),
        row(ROAD, seq="5"),  # not accepted yet
    )
    assert checked.cells("PJ-NOT-FILED") == {cell("filing", 2), cell("filing", 3)}
    assert checked.by_rule("PJ-NOT-FILED")[0].message == (
        "验收台账未报县指挥部办公室、县纪委、县财政局备案（备案情况：“已报县财政局备案”）"
    )


# ------------------------------------------------------------------ XM-12 schedule
def test_pj_behind_schedule(tmp_path: Path) -> None:
    late = {"plan_end": D(2024, 6, 30), "act_end": None, "accept_date": None, "accept_result": None, "filing": None}
    checked = check(
        tmp_path,
        row(ROAD, **late),
        row(ROAD, seq="2", **{**late, "progress": "尚未完工"}),
        row(ROAD, seq="3", **{**late, "progress": "已完工，待验收"}),
        row(ROAD, seq="4", **{**late, "plan_end": "2024年7月"}),  # due at the end of July
        row(ROAD, seq="5"),  # due 2024-09-30
    )
    assert checked.cells("PJ-BEHIND-SCHEDULE") == {cell("plan_end", 2), cell("plan_end", 3)}
    assert checked.by_rule("PJ-BEHIND-SCHEDULE")[0].message == "项目超过计划工期未完工（计划2024-06-30完工，已超17天）"


def test_pj_behind_schedule_from_start_plus_months(tmp_path: Path) -> None:
    columns = [c for c in COLUMNS if c[1] != "plan_end"] + [
        ("计划开工时间", "plan_start"),
        ("实施期限（月）", "plan_months"),
    ]
    late = {"act_end": None, "accept_date": None, "accept_result": None, "filing": None}
    checked = check_sheets(
        tmp_path,
        spec(
            row(ROAD, **late, plan_start=D(2023, 11, 30), plan_months=6),  # due 2024-05-30
            row(ROAD, seq="2", **late, plan_start=D(2024, 3, 31), plan_months=6),  # due 2024-09-30
            columns=columns,
        ),
    )
    assert checked.rows("PJ-BEHIND-SCHEDULE") == {2}
    assert "计划2024-05-30完工" in checked.by_rule("PJ-BEHIND-SCHEDULE")[0].message


# ------------------------------------------------------------------ XM-13 non-poor village collective economy
COLLECTIVE = {
    "proj_name": "王湾村发展壮大村集体经济项目",
    "proj_cat": "发展壮大村集体经济",
    "township": "新集镇",
    "village": "王湾村",
    "impl_mode": None,
    "fund_central": None,
    "fund_county": None,
}


def test_pj_nonpoor_village_fund_from_the_sheets_own_column(tmp_path: Path) -> None:
    columns = [*COLUMNS, ("是否贫困村", "village_type")]
    checked = check_sheets(
        tmp_path,
        spec(
            row(**COLLECTIVE, fund_total=15, paid=15, village_type="非贫困村"),
            row(**COLLECTIVE, seq="2", fund_total=20, paid=20, village_type="否"),
            row(**COLLECTIVE, seq="3", fund_total=50, paid=50, village_type="贫困村"),
            row(seq="4", village_type="非贫困村"),  # a tea plant, not collective-economy money
            columns=columns,
        ),
    )
    (finding,) = checked.by_rule("PJ-NONPOOR-VILLAGE-FUND")
    assert finding.cell == cell("fund_total", 2, columns) and finding.severity == "info"
    assert finding.message == "非贫困村集体经济扶持资金15万元，与县定标准（每村每年20万元）不一致"
    assert "PJ-POOR-VILLAGES-UNSET" not in pj_rules(checked)


def test_pj_nonpoor_village_fund_from_the_village_roster_in_the_workbook(tmp_path: Path) -> None:
    roster = SheetSpec(
        "村级责任人",
        ["乡镇", "村", "村级脱贫责任组长", "村支部书记", "第一书记", "驻村工作队队长", "是否贫困村"],
        [
            ["新集镇", "王湾村委会", "张建", "李明", "王伟", "赵强", "否"],
            ["沙窝镇", "沙坪村", "刘洋", "陈静", "周涛", "吴磊", "是"],
        ],
    )
    projects = spec(
        row(**COLLECTIVE, fund_total=30, paid=30),
        row(**{**COLLECTIVE, "township": "沙窝镇", "village": "沙坪村"}, seq="2", fund_total=50, paid=50),
    )
    checked = check_sheets(tmp_path, roster, projects)
    assert {(f.sheet, f.cell) for f in checked.by_rule("PJ-NONPOOR-VILLAGE-FUND")} == {
        ("项目资金台账", cell("fund_total", 2))
    }
    assert "PJ-POOR-VILLAGES-UNSET" not in pj_rules(checked)


def test_pj_nonpoor_village_fund_from_the_county_list(tmp_path: Path) -> None:
    rows = [
        row(**COLLECTIVE, fund_total=30, paid=30),
        row(**{**COLLECTIVE, "township": "沙窝镇", "village": "沙坪"}, seq="2", fund_total=50, paid=50),
    ]
    listed = check(tmp_path, *rows, settings=Settings(params={"poor_villages": ["沙坪村"]}))
    assert listed.cells("PJ-NONPOOR-VILLAGE-FUND") == {cell("fund_total", 2)}
    by_town = Settings(params={"poor_villages": {"沙窝镇": ["沙坪村"], "新集镇": ["王湾村"]}})
    assert "PJ-NONPOOR-VILLAGE-FUND" not in pj_rules(check(tmp_path, *rows, settings=by_town))


def test_pj_poor_villages_unset_is_said_once_per_table(tmp_path: Path) -> None:
    rows = [
        row(**COLLECTIVE, fund_total=30, paid=30),
        row(**{**COLLECTIVE, "village": "田铺村"}, seq="2", fund_total=25, paid=25),
        row(seq="3"),
    ]
    checked = check(tmp_path, *rows)
    (finding,) = checked.by_rule("PJ-POOR-VILLAGES-UNSET")
    assert (finding.row, finding.cell, finding.severity) == (1, None, "info")  # at the header: the whole table
    assert finding.message.startswith("未设置本县贫困村名单（参数 poor_villages），本表2个村集体经济项目")
    assert "PJ-NONPOOR-VILLAGE-FUND" not in pj_rules(checked)  # unknown villages are not judged
    configured = check(tmp_path, *rows, settings=Settings(params={"poor_villages": ["沙坪村"]}))
    assert "PJ-POOR-VILLAGES-UNSET" not in pj_rules(configured)
    assert configured.cells("PJ-NONPOOR-VILLAGE-FUND") == {cell("fund_total", 2), cell("fund_total", 3)}
