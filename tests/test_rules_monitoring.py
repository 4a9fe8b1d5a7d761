"""The 防返贫监测对象 ledger (templates/ledgers/monitoring.json) and its rules (domain §3.11,
templates/rules/monitoring.json, MO-*), on real messy .xlsx workbooks.

The sheet is laid out as township clerks keep it: a title and a 填报单位/填报日期 line,
a two-row header whose group headers (基本信息, 监测信息, 收支情况 …) are merged across
their columns, single columns merged down over both header rows, and the headers of the
2023 system export (证件号码, 人数, 致贫/返贫风险1 …). Rules that need the members go
across a separate 家庭成员 sheet, or across the person-per-row export in one sheet.
As-of date 2024-07-17.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from addin.ledger.table import column_letter
from addin.rules.model import Severity
from addin.settings import Settings
from tests.helpers.book import Checked, SheetSpec, check_sheets
from tests.helpers.ids import make_id

D = dt.date

# (group header, leaf header as written, field key); "" = no group, header merged down.
COLUMNS: list[tuple[str, str, str]] = [
    ("", "序号", "seq"),
    ("", "乡镇", "township"),
    ("", "行政村", "village"),
    ("基本信息", "户编号", "hh_no"),
    ("基本信息", "户主姓名", "head_name"),
    ("基本信息", "证件号码", "head_id"),
    ("基本信息", "人数", "hh_size"),
    ("基本信息", "户类型", "hh_type"),
    ("监测信息", "监测对象类别", "monitored_type"),
    ("监测信息", "识别监测时间", "monitor_date"),
    ("监测信息", "致贫/返贫风险1", "risk1"),
    ("监测信息", "致贫/返贫风险2", "risk2"),
    ("收支情况", "年人均纯收入（元）", "inc_pc"),
    ("收支情况", "识别时工资性收入（元）", "id_wage"),
    ("收支情况", "合规自付支出（元）", "rigid_expense"),
    ("风险消除", "风险是否已消除", "risk_removed"),
    ("风险消除", "风险消除时间", "remove_date"),
    ("帮扶措施", "产业帮扶", "measure_industry"),
    ("帮扶措施", "就业帮扶", "measure_employment"),
    ("帮扶措施", "健康帮扶", "measure_health"),
    ("帮扶措施", "义务教育保障", "measure_compulsory_edu"),
    ("帮扶措施", "住房安全保障", "measure_housing"),
    ("帮扶措施", "搬迁", "measure_relocation"),
    ("帮扶措施", "综合保障", "measure_social"),
    ("", "帮扶责任人", "helper"),
    ("务工信息", "务工开始时间", "work_start"),
    ("务工信息", "务工所在县", "work_place"),
    ("务工信息", "就业渠道", "work_channel"),
]
KEYS = [k for _, _, k in COLUMNS]
ABOVE = [
    ["新县沙窝镇防返贫监测对象信息台账"],
    ["填报单位：沙窝镇人民政府", None, None, None, None, None, "填报日期：2024年7月10日"],
]
FIRST_ROW = len(ABOVE) + 3  # two header rows

# 脱贫不稳定户 because of illness: a patient, medical costs, health and industry measures, a job nearby.
ILL: dict[str, Any] = {
    "seq": "1",
    "township": "沙窝镇",
    "village": "沙坪村",
    "hh_no": "4115231032010001",
    "head_name": "张德华",
    "head_id": make_id("19680312", 11),
    "hh_size": 3,
    "hh_type": "脱贫户",
    "monitored_type": "脱贫不稳定户",
    "monitor_date": "202303",
    "risk1": "因病",
    "risk2": None,
    "inc_pc": 7600,
    "id_wage": 12000,
    "rigid_expense": 15800,
    "risk_removed": "否",
    "remove_date": None,
    "measure_industry": "茶叶种植补助1200元",
    "measure_employment": "公益岗位（保洁员）",
    "measure_health": "慢病签约、医疗救助",
    "measure_compulsory_edu": None,
    "measure_housing": None,
    "measure_relocation": None,
    "measure_social": None,
    "helper": "陈国庆",
    "work_start": D(2024, 3, 1),
    "work_place": "新县",
    "work_channel": "公益岗位",
}
# 边缘易致贫户 whose son's migrant work is unstable.
JOB: dict[str, Any] = {
    **ILL,
    "seq": "2",
    "hh_no": "4115231032010002",
    "head_name": "黄建军",
    "head_id": make_id("19700805", 31),
    "hh_type": "一般农户",
    "monitored_type": "边缘易致贫户",
    "monitor_date": "2023年9月",
    "risk1": "因务工就业不稳",
    "rigid_expense": 0,
    "measure_health": None,
    "measure_employment": "劳务输出一次性交通补助500元",
    "work_start": D(2024, 2, 20),
    "work_place": "浙江省义乌市",
    "work_channel": "劳务输出",
}
# A household whose risk was removed last December, income well above the 2023 range (8050).
REMOVED: dict[str, Any] = {
    **ILL,
    "seq": "3",
    "hh_no": "4115231032010003",
    "head_name": "何春生",
    "head_id": make_id("19580101", 17),
    "risk_removed": "是",
    "remove_date": D(2023, 12, 10),
    "inc_pc": 9800,
}
# 突发严重困难户: the house became unsafe after a storm; repaired.
HOUSE: dict[str, Any] = {
    **ILL,
    "seq": "4",
    "hh_no": "4115231032010004",
    "head_name": "杨宗林",
    "head_id": make_id("19600315", 23),
    "hh_type": "一般农户",
    "monitored_type": "突发严重困难户",
    "monitor_date": "202406",
    "risk1": "因安全住房",
    "risk2": "因灾",
    "rigid_expense": None,
    "measure_health": None,
    "measure_housing": "C级危房修缮加固",
}


def row(base: dict[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
    return {**(base or ILL), **changes}


def cell(key: str, n: int) -> str:
    """The cell of field ``key`` in the n-th data row (1-based)."""
    return f"{column_letter(KEYS.index(key) + 1)}{FIRST_ROW + n - 1}"


def header_rows() -> tuple[list[Any], list[Any], list[str]]:
    """Group header row, leaf row and the merges of a two-row header."""
    top: list[Any] = []
    leaf: list[Any] = []
    merges: list[str] = []
    first = len(ABOVE) + 1
    c = 0
    while c < len(COLUMNS):
        group, text, _ = COLUMNS[c]
        letter = column_letter(c + 1)
        if not group:
            top.append(text)
            leaf.append(None)
            merges.append(f"{letter}{first}:{letter}{first + 1}")
            c += 1
            continue
        span = 1
        while c + span < len(COLUMNS) and COLUMNS[c + span][0] == group:
            span += 1
        top += [group] + [None] * (span - 1)
        leaf += [t for _, t, _ in COLUMNS[c : c + span]]
        if span > 1:
            merges.append(f"{letter}{first}:{column_letter(c + span)}{first}")
        c += span
    return top, leaf, merges


def spec(*rows: dict[str, Any], name: str = "监测对象") -> SheetSpec:
    top, leaf, merges = header_rows()
    return SheetSpec(
        name,
        top,
        [[r.get(k) for k in KEYS] for r in rows],
        above=ABOVE,
        header2=leaf,
        merges=[*merges, "A1:H1"],
        text_columns=[KEYS.index("hh_no") + 1, KEYS.index("head_id") + 1, KEYS.index("monitor_date") + 1],
    )


MEMBER_HEADER = ["户编号", "姓名", "与户主关系", "性别", "证件号码", "民族", "在校生状况", "健康状况", "劳动技能"]
MEMBER_HEADER += ["务工时间（月）", "是否享受低保", "是否参加城乡居民基本医疗保险", "是否参加城乡居民基本养老保险"]


def member(hh: str, name: str, relation: str, pid: str, health: str, labour: str, months: int = 0) -> list[Any]:
    sex = "男" if int(pid[16]) % 2 else "女"
    return [hh, name, relation, sex, pid, "汉族", "非在校生", health, labour, months, "否", "是", "是"]


def members(*rows: list[Any]) -> SheetSpec:
    return SheetSpec("家庭成员", MEMBER_HEADER, list(rows), above=[["家庭成员信息表"]], text_columns=[1, 5])


# Members of the four households above: a chronic patient in 张德华's family, 黄建军's son works away.
FAMILIES = [
    member("4115231032010001", "张德华", "户主", ILL["head_id"], "健康", "普通劳动力"),
    member("4115231032010001", "李秀英", "配偶", make_id("19700805", 22), "长期慢性病", "弱劳动力或半劳动力"),
    member("4115231032010001", "张强", "之子", make_id("19920406", 31), "健康", "普通劳动力", 10),
    member("4115231032010002", "黄建军", "户主", JOB["head_id"], "健康", "普通劳动力"),
    member("4115231032010002", "黄小龙", "之子", make_id("19950910", 51), "健康", "普通劳动力", 8),
]


def check(tmp_path: Path, *rows: dict[str, Any], settings: Settings | None = None, extra: tuple = ()) -> Checked:
    return check_sheets(tmp_path, spec(*rows), *extra, settings=settings)


def mo_rules(checked: Checked) -> set[str]:
    return {f.rule for f in checked.findings if f.rule.startswith("MO-")}


# ------------------------------------------------------------------ the ledger and its detection
def test_messy_monitoring_sheet_is_read_as_monitoring(tmp_path: Path) -> None:
    checked = check(tmp_path, row(), row(JOB), row(REMOVED), row(HOUSE))
    (table,) = checked.ledgers.tables
    assert table.kind == "monitoring"
    assert table.header_rows == [3, 4]
    assert table.rows.tolist() == [5, 6, 7, 8]
    assert set(KEYS) <= set(table.columns)  # every header found, group headers above leaves
    assert table.values("monitored_type").tolist() == ["脱贫不稳定户", "边缘易致贫户", "脱贫不稳定户", "突发严重困难户"]
    assert table.values("risk_removed").tolist() == [False, False, True, False]
    assert str(table.values("monitor_date")[1]) == "2023-09-01"
    assert table.metadata.get("填报日期") == "2024年7月10日"


def test_a_household_roster_with_monitoring_columns_stays_a_household_roster(tmp_path: Path) -> None:
    """脱贫户和监测对象花名册: the roster's own columns outweigh the monitoring ones it carries."""
    header = ["户编号", "户主姓名", "家庭人口数", "贫困户属性", "脱贫状态", "户类型", "监测对象类别", "识别监测时间"]
    header += ["风险是否已消除", "主要致贫原因", "人均纯收入", "帮扶责任人"]
    values = ["一般脱贫户", "已脱贫（享受政策）", "监测户", "脱贫不稳定户", "202303", "否", "因病", 7600, "陈国庆"]
    rows = [["4115231032010001", "张德华", 3, *values]]
    checked = check_sheets(tmp_path, SheetSpec("脱贫户和监测对象花名册", header, rows, text_columns=[1, 8]))
    assert [t.kind for t in checked.ledgers.tables] == ["households"]


def test_person_per_row_export_holds_monitoring_and_members(tmp_path: Path) -> None:
    header = ["户编号", "户主姓名", "监测对象类别", "识别监测时间", "致贫返贫风险1", "风险是否已消除", "合规自付支出"]
    header += ["姓名", "与户主关系", "证件号码", "健康状况", "劳动技能"]
    hh = ["4115231032010001", "张德华", "脱贫不稳定户", "202303", "因病", "否", 15800]
    rows = [
        [*hh, "张德华", "户主", ILL["head_id"], "健康", "普通劳动力"],
        [None] * 7 + ["李秀英", "配偶", make_id("19700805", 22), "健康", "弱劳动力或半劳动力"],
        ["4115231032010005", "周长海", "边缘易致贫户", "202311", "因病", "否", 9000, "周长海", "户主",
         make_id("19550101", 13), "患有大病", "丧失劳动力"],
    ]  # fmt: skip
    sheet = SheetSpec(
        "监测对象家庭成员",
        header,
        rows,
        above=[["2023年防返贫监测对象信息（导出）"]],
        merges=[f"{c}3:{c}4" for c in "ABCDEFG"],
        text_columns=[1, 4, 10],
    )
    checked = check_sheets(tmp_path, sheet)
    kinds = {t.kind: t for t in checked.ledgers.tables}
    assert set(kinds) == {"monitoring", "members"}
    assert kinds["monitoring"].rows.tolist() == [3, 5]  # one row per household (its head's row)
    assert len(kinds["members"]) == 3
    assert kinds["monitoring"].values("head_id").tolist() == [ILL["head_id"], make_id("19550101", 13)]
    # JC-04 across the one sheet: 张德华's family has no patient; 周长海 himself is seriously ill.
    assert checked.cells("MO-ILLNESS-NO-PATIENT") == {"E3"}


# ------------------------------------------------------------------ clean ledgers
def test_clean_realistic_ledger_raises_nothing(tmp_path: Path) -> None:
    checked = check(tmp_path, row(), row(JOB), row(REMOVED), row(HOUSE), extra=(members(*FAMILIES),))
    assert mo_rules(checked) == set()
    assert [(f.rule, f.cell, f.message) for f in checked.findings if f.severity == Severity.ERROR] == []


# ------------------------------------------------------------------ JC-01 / JC-02 category
def test_mo_type_empty_and_invalid(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(monitored_type=None),
        row(JOB, monitored_type="低收入重点户"),
        row(REMOVED, monitored_type="脱贫不稳定"),  # a synonym: fine
        row(HOUSE, monitored_type="突发困难户"),
    )
    assert checked.cells("MO-TYPE-EMPTY") == {cell("monitored_type", 1)}
    assert checked.cells("MO-TYPE-INVALID") == {cell("monitored_type", 2)}
    assert "“低收入重点户”不规范" in checked.by_rule("MO-TYPE-INVALID")[0].message


def test_mo_type_vs_hh_type(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(hh_type="一般农户"),  # 脱贫不稳定户 must be a 脱贫户
        row(JOB, hh_type="脱贫户"),  # 边缘易致贫户 must never have been registered
        row(REMOVED, hh_type="监测户"),  # says nothing about the type before monitoring
        row(HOUSE, hh_type="脱贫户"),  # 突发严重困难户 may be either
        row(JOB, seq="5", hh_type=None),
    )
    assert checked.cells("MO-TYPE-VS-HH-TYPE") == {cell("hh_type", 1), cell("hh_type", 2)}
    assert checked.by_rule("MO-TYPE-VS-HH-TYPE")[0].message == (
        "监测对象类别与户类型不符：脱贫不稳定户应为脱贫户，户类型填的是“一般农户”"
    )


# ------------------------------------------------------------------ JC-03 removal
def test_mo_removed_without_date_or_before_identification(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(REMOVED, remove_date=None),
        row(REMOVED, monitor_date="202305", remove_date=D(2023, 3, 15)),
        row(REMOVED, monitor_date="202305", remove_date="2023年5月"),  # same month: cannot tell, accepted
        row(REMOVED),
        row(remove_date=None),  # not removed: no date needed
    )
    assert checked.cells("MO-REMOVED-NO-DATE") == {cell("remove_date", 1)}
    assert checked.cells("MO-REMOVED-BEFORE-IDENTIFIED") == {cell("remove_date", 2)}
    assert checked.by_rule("MO-REMOVED-BEFORE-IDENTIFIED")[0].message == (
        "风险消除时间（2023-03-15）早于识别监测时间（202305），时间倒置"
    )


# ------------------------------------------------------------------ JC-04 illness
def test_mo_illness_without_patient_across_the_member_sheet(tmp_path: Path) -> None:
    healthy_family = [
        member("4115231032010001", "张德华", "户主", ILL["head_id"], "健康", "普通劳动力"),
        member("4115231032010001", "李秀英", "配偶", make_id("19700805", 22), "健康", "普通劳动力"),
        member("4115231032010006", "罗金花", "户主", make_id("19620202", 24), "残疾、长期慢性病", "丧失劳动力"),
    ]
    checked = check(
        tmp_path,
        row(),
        row(seq="2", hh_no="4115231032010006", risk1="因灾", risk2="因病"),  # the patient is there
        row(seq="3", hh_no="4115231032010007"),  # no member rows: nothing to compare
        row(seq="4", hh_no="4115231032010001", risk_removed="是", remove_date=D(2024, 5, 1)),  # removed
        extra=(members(*healthy_family),),
    )
    assert checked.cells("MO-ILLNESS-NO-PATIENT") == {cell("risk1", 1)}
    assert checked.by_rule("MO-ILLNESS-NO-PATIENT")[0].message == "风险为因病，但家中2名成员均无大病或长期慢性病"


def test_mo_illness_without_patient_points_at_the_risk_cell_that_says_so(tmp_path: Path) -> None:
    family = [member("4115231032010001", "张德华", "户主", ILL["head_id"], "健康", "普通劳动力")]
    checked = check(tmp_path, row(risk1="因灾", risk2="因病致贫"), extra=(members(*family),))
    assert checked.cells("MO-ILLNESS-NO-PATIENT") == {cell("risk2", 1)}


def test_mo_illness_rule_needs_a_member_table(tmp_path: Path) -> None:
    assert "MO-ILLNESS-NO-PATIENT" not in mo_rules(check(tmp_path, row()))


def test_mo_illness_without_expense(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(rigid_expense=0),
        row(seq="2", rigid_expense=None),
        row(seq="3", rigid_expense="1.58万"),
        row(JOB, rigid_expense=None),  # not an illness risk
        row(REMOVED, rigid_expense=0),  # removed
    )
    assert checked.cells("MO-ILLNESS-NO-EXPENSE") == {cell("rigid_expense", 1), cell("rigid_expense", 2)}


# ------------------------------------------------------------------ JC-05 unstable work
def test_mo_job_risk_without_labour(tmp_path: Path) -> None:
    old_couple = [
        member("4115231032010002", "黄建军", "户主", JOB["head_id"], "患有大病", "丧失劳动力"),
        member("4115231032010002", "郑秀兰", "配偶", make_id("19700715", 26), "健康", "无劳动力"),
        member("4115231032010008", "吴长贵", "户主", make_id("19660202", 15), "健康", "弱劳动力或半劳动力"),
    ]
    checked = check(
        tmp_path,
        row(JOB),
        row(JOB, seq="2", hh_no="4115231032010008"),  # weak labour still works
        extra=(members(*old_couple),),
    )
    assert checked.cells("MO-JOB-RISK-NO-LABOUR") == {cell("risk1", 1)}
    assert "家中2名成员均无劳动力或丧失劳动力" in checked.by_rule("MO-JOB-RISK-NO-LABOUR")[0].message


def test_mo_job_risk_without_any_work_record(tmp_path: Path) -> None:
    no_work = {"work_start": None, "work_place": None, "work_channel": None}
    working_son = [member("4115231032010009", "刘军", "之子", make_id("19950910", 71), "健康", "普通劳动力", 9)]
    checked = check(
        tmp_path,
        row(JOB, **no_work),
        row(JOB, seq="2", hh_no="4115231032010009", **no_work),  # the member table has the son's months
        row(JOB, seq="3", hh_no="4115231032010010", work_start=None, work_channel=None),  # 务工所在县 given
        extra=(members(*working_son),),
    )
    assert checked.cells("MO-JOB-RISK-NO-WORK") == {cell("risk1", 1)}


def test_mo_job_risk_without_work_columns_or_members_cannot_be_judged(tmp_path: Path) -> None:
    header = ["户编号", "户主姓名", "监测对象类别", "识别监测时间", "致贫返贫风险", "风险是否已消除"]
    rows = [["4115231032010002", "黄建军", "边缘易致贫户", "202309", "因务工就业不稳、因病", "否"]]
    checked = check_sheets(tmp_path, SheetSpec("监测户", header, rows, text_columns=[1, 4]))
    assert checked.ledgers.tables[0].kind == "monitoring"
    assert "MO-JOB-RISK-NO-WORK" not in mo_rules(checked)
    assert checked.cells("MO-ILLNESS-NO-EXPENSE") == set()  # no 合规自付支出 column: not judged either


# ------------------------------------------------------------------ JC-06 / JC-07 measures
def test_mo_able_household_with_only_social_security(tmp_path: Path) -> None:
    only_dibao = {
        "measure_industry": None,
        "measure_employment": "否",
        "measure_health": None,
        "measure_social": "农村低保",
    }
    checked = check(
        tmp_path,
        row(**only_dibao),
        row(seq="2", hh_no="4115231032010002", **only_dibao),  # 黄建军 and his son can work too
        row(seq="3", hh_no="4115231032010011", **only_dibao),  # no member rows: unknown
        row(seq="4", hh_no="4115231032010001", **{**only_dibao, "measure_compulsory_edu": "义务教育资助"}),
        extra=(members(*FAMILIES),),
    )
    assert checked.cells("MO-ABLE-ONLY-SOCIAL") == {cell("measure_social", 1), cell("measure_social", 2)}
    assert checked.by_rule("MO-ABLE-ONLY-SOCIAL")[0].severity == Severity.WARNING
    assert "（2名劳动力）" in checked.by_rule("MO-ABLE-ONLY-SOCIAL")[0].message


def test_mo_housing_risk_without_housing_or_relocation(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(HOUSE, measure_housing=None),
        row(HOUSE, measure_housing=None, measure_relocation="县城集中安置"),
        row(HOUSE, measure_housing="否"),
        row(HOUSE),
    )
    assert checked.cells("MO-HOUSING-RISK-NO-MEASURE") == {cell("measure_housing", 1), cell("measure_housing", 3)}


# ------------------------------------------------------------------ JC-08 income after removal
def test_mo_removed_below_the_monitoring_line(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(REMOVED, inc_pc=7200),  # 2023 range 8050
        row(REMOVED, remove_date=D(2020, 11, 3), inc_pc=7200),  # 2020 range 6000
        row(REMOVED, inc_pc="0.72万"),
        row(inc_pc=5000),  # not removed: RISK/JC-08 do not apply here
    )
    assert checked.cells("MO-REMOVED-BELOW-LINE") == {cell("inc_pc", 1), cell("inc_pc", 3)}
    assert checked.by_rule("MO-REMOVED-BELOW-LINE")[0].message == (
        "风险已标注消除，但人均纯收入7200元仍低于2023年监测范围8050元"
    )
    assert "MO-NO-MONITORING-LINE" not in mo_rules(checked)


def test_mo_monitoring_line_comes_from_the_settings_and_a_missing_year_is_said_once(tmp_path: Path) -> None:
    settings = Settings(params={"monitoring_line": {"2022": 7000, "2024": 8800}})
    checked = check(
        tmp_path,
        row(REMOVED, inc_pc=7500),  # 2023 → the 2022 value 7000: fine
        row(REMOVED, remove_date=D(2024, 6, 30), inc_pc=8500),  # 2024: 8800
        row(REMOVED, remove_date=D(2021, 12, 1), inc_pc=6000),  # 2021: not set
        row(REMOVED, remove_date=D(2021, 10, 1), inc_pc=6500),  # 2021 again: one finding per table
        settings=settings,
    )
    assert checked.cells("MO-REMOVED-BELOW-LINE") == {cell("inc_pc", 2)}
    (missing,) = checked.by_rule("MO-NO-MONITORING-LINE")
    assert missing.cell == cell("inc_pc", 3)
    assert missing.message == (
        "未设置2021年的防返贫监测范围（设置项 params.monitoring_line），本表风险已消除户的收入未核对"
    )


# ------------------------------------------------------------------ JC-09 / JC-10
def test_mo_wage_at_identification_between_0_and_100(tmp_path: Path) -> None:
    checked = check(tmp_path, row(id_wage=3.6), row(seq="2", id_wage=0), row(seq="3", id_wage=100), row(seq="4"))
    assert checked.cells("MO-ID-WAGE-ODD") == {cell("id_wage", 1)}
    assert checked.by_rule("MO-ID-WAGE-ODD")[0].message == "识别时工资性收入填写不合理（3.6元，大于0小于100）"


def test_mo_monitor_date_needs_a_month_and_may_not_be_future(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(monitor_date="2023"),
        row(seq="2", monitor_date="2023年"),
        row(seq="3", monitor_date="202408"),
        row(seq="4", monitor_date="202407"),  # this month: fine
        row(seq="5", monitor_date="2023年13月"),  # unparsable: the generic date rule says so
        row(seq="6", monitor_date=D(2023, 4, 18)),
    )
    assert checked.cells("MO-MONITOR-DATE-NO-MONTH") == {cell("monitor_date", 1), cell("monitor_date", 2)}
    assert checked.cells("MO-MONITOR-DATE-FUTURE") == {cell("monitor_date", 3)}
    assert checked.rules_at(cell("monitor_date", 5)) == {"GEN-BAD-DATE"}
    assert "GEN-FUTURE-DATE" not in checked.rules_at(cell("monitor_date", 3))  # said once, by JC-10
