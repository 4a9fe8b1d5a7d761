"""The 危房改造 ledger (domain.md §1.7) and its rules (§3.9, templates/rules/housing.json) on real workbooks.

Each test writes a renovation ledger (one household per row) the way townships keep
them, checks it with the library call the CLI uses, and asserts the exact cells a
rule marks, plus clean or borderline rows where it must stay silent. WF-12 reads the
households roster of the same workbook. As-of date: 2024-07-17.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from addin.check import check_paths
from addin.rules.ops_housing import acceptance_state, reported_words
from addin.settings import Settings
from addin.summary.tables import summarize_run
from tests.helpers.book import AS_OF, Checked, SheetSpec, check_sheets, keyed_cell, keyed_sheet, write_book
from tests.helpers.ids import make_id
from tests.test_rules_water import BASE as WATER_ROW
from tests.test_rules_water import spec as water_spec

D = dt.date

# (header as written in the sheet, field key)
COLUMNS: list[tuple[str, str]] = [
    ("序号", "seq"),
    ("户编号", "hh_no"),
    ("户主\n姓名", "head_name"),
    ("身份证号码", "head_id"),
    ("乡镇", "township"),
    ("行政村", "village"),
    ("组", "group"),
    ("对象类别", "target_type"),
    ("家庭人口", "hh_size"),
    ("危房等级", "grade"),
    ("鉴定单位", "assessor"),
    ("鉴定时间", "assess_date"),
    ("改造方式", "method"),
    ("改造内容", "scope"),
    ("厨房是否危房", "kitchen_danger"),
    ("改造后面积（㎡）", "area_after"),
    ("改造进度", "progress"),
    ("开工时间", "start_date"),
    ("竣工时间", "finish_date"),
    ("验收时间", "accept_date"),
    ("验收结论", "accept_result"),
    ("补助金额（元）", "subsidy"),
    ("已拨付金额（元）", "paid"),
    ("旧房是否拆除", "demolished"),
    ("是否入住", "occupied"),
    ("信息公示", "publicity"),
    ("回头看情况", "recheck"),
]

ASSESSORS = ["新县房屋安全鉴定站", "信阳市建筑工程质量检测中心"]
AREA_RANGE = {"1": [20, 60], "2": [30, 60], "3": [40, 60], "4": [52, 72], "5": [65, 90]}
CONFIGURED = Settings(params={"qualified_assessors": ASSESSORS, "renovation_area_range": AREA_RANGE})

# A 脱贫户 whose C-grade house was repaired, accepted and paid: every rule has what it needs.
BASE: dict[str, Any] = {
    "seq": "1",
    "hh_no": "4115230201001",
    "head_name": "王德厚",
    "head_id": make_id("19560314", 21),
    "township": "沙窝镇",
    "village": "李店村",
    "group": "三组",
    "target_type": "脱贫户",
    "hh_size": 3,
    "grade": "C级",
    "assessor": "新县房屋安全鉴定站",
    "assess_date": D(2024, 3, 5),
    "method": "修缮加固",
    "scope": "主房、厨房、屋面、承重墙",
    "kitchen_danger": "是",
    "area_after": 58,
    "progress": "已验收",
    "start_date": D(2024, 3, 20),
    "finish_date": D(2024, 5, 20),
    "accept_date": D(2024, 6, 3),
    "accept_result": "验收合格",
    "subsidy": 12000,
    "paid": 12000,
    "demolished": None,
    "occupied": "是",
    "publicity": "已公示",
    "recheck": "无漏雨、裂缝现象",
}

# A D-grade house torn down and rebuilt.
REBUILT: dict[str, Any] = {
    **BASE,
    "target_type": "低保户、贫困残疾人家庭",
    "hh_size": 4,
    "grade": "D级",
    "method": "拆除重建",
    "scope": "主房、厨房",
    "area_after": 70,
    "subsidy": 20000,
    "paid": "2万",
    "demolished": "已拆除",
}


def row(base: dict[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
    return {**(base or BASE), **changes}


def cell(key: str, excel_row: int, columns: list[tuple[str, str]] = COLUMNS) -> str:
    return keyed_cell(columns, key, excel_row)


def spec(*rows: dict[str, Any], columns: list[tuple[str, str]] = COLUMNS, name: str = "危房改造台账") -> SheetSpec:
    return keyed_sheet(name, columns, rows, text_keys=("hh_no", "head_id"))


def check(tmp_path: Path, *rows: dict[str, Any], settings: Settings | None = CONFIGURED) -> Checked:
    return check_sheets(tmp_path, spec(*rows), settings=settings)


def hs_rules(checked: Checked) -> set[str]:
    return {f.rule for f in checked.findings if f.rule.startswith("HS-")}


# ------------------------------------------------------------------ detection and a clean ledger
def test_messy_township_sheet_is_read_as_a_housing_ledger(tmp_path: Path) -> None:
    """Title lines, a two-row header with merged group headers, header aliases, a sheet named Sheet1."""
    above = [
        ["附件3"],
        ["沙窝镇2024年农村危房改造台账"],
        ["填报单位：沙窝镇人民政府", None, None, None, None, None, "填报日期：2024年7月10日"],
    ]
    header = ["序号", "户主信息", None, "村", "四类重点对象", "房屋等级", "鉴定机构", "改造情况", None, None,
              "验收及资金", None, None, "回头看"]  # fmt: skip
    header2 = [None, "户主", "身份证号", None, None, None, None, "改造类型", "改造部位", "竣工日期",
               "验收情况", "补助标准（元）", "已兑付金额（元）", None]  # fmt: skip
    merges = ["A2:N2", "A4:A5", "B4:C4", "D4:D5", "E4:E5", "F4:F5", "G4:G5", "H4:J4", "K4:M4", "N4:N5"]
    rows = [
        ["1", "陈玉兰", make_id("19620708", 32), "李店村", "低保户", "D级", "新县房屋安全鉴定站", "维修加固",
         "外墙粉刷、门窗", D(2024, 5, 2), "合格", 15000, 5000, "厨房屋面漏雨"],
        ["2", "王德厚", make_id("19560314", 21), "李店村", "脱贫户", "C级", "新县房屋安全鉴定站", "修缮加固",
         "主房、厨房、屋面", D(2024, 5, 20), "合格", 12000, 12000, "无"],
    ]  # fmt: skip
    sheet = SheetSpec("Sheet1", header, rows, above=above, header2=header2, merges=merges, text_columns=[3])
    checked = check_sheets(tmp_path, sheet, settings=CONFIGURED)
    (table,) = checked.ledgers.tables
    assert table.kind == "housing"
    assert table.header_rows == [4, 5]
    assert list(table.rows) == [6, 7]
    assert {k: c.letter for k, c in table.columns.items()} == {
        "seq": "A", "head_name": "B", "head_id": "C", "village": "D", "target_type": "E", "grade": "F",
        "assessor": "G", "method": "H", "scope": "I", "finish_date": "J", "accept_result": "K", "subsidy": "L",
        "paid": "M", "recheck": "N",
    }  # fmt: skip
    # The first household: D grade only "repaired" by painting, paid a third, leaking after acceptance.
    assert checked.cells("HS-D-GRADE-ONLY-REPAIRED") == {"H6"}
    assert checked.cells("HS-SURFACE-ONLY") == {"I6"}
    assert checked.cells("HS-KITCHEN-NOT-RENOVATED") == set()  # no 主房 named at all
    assert checked.cells("HS-DEFECT-AFTER-ACCEPTANCE") == {"N6"}
    assert checked.by_rule("HS-DEFECT-AFTER-ACCEPTANCE")[0].message == "改造后仍存在漏雨等安全隐患"
    assert hs_rules(checked) & {f.rule for f in checked.findings if f.row == 7} == set()


def test_detection_keeps_households_and_relocation_sheets(tmp_path: Path) -> None:
    """A roster with 危房等级/户类型 and a relocation ledger with 旧房是否拆除/补助金额 keep their kinds."""
    roster = SheetSpec(
        "花名册",
        ["乡镇", "行政村", "户编号", "户主姓名", "家庭人口数", "户类型", "危房等级", "贫困户属性"],
        [["沙窝镇", "李店村", "4115230201001", "王德厚", 3, "脱贫户", "C级", "一般脱贫户"]],
        text_columns=[3],
    )
    relocation = SheetSpec(
        "搬迁",
        ["户主姓名", "身份证号", "搬迁人口", "安置方式", "安置点名称", "补助金额", "旧房是否拆除", "入住时间"],
        [["张大山", make_id("19650312", 31), 4, "集中安置", "幸福家园小区", 60000, "是", D(2018, 12, 15)]],
        text_columns=[2],
    )
    checked = check_sheets(tmp_path, roster, relocation)
    assert [(t.sheet, t.kind) for t in checked.ledgers.tables] == [("花名册", "households"), ("搬迁", "relocation")]


def test_clean_realistic_ledger_raises_nothing(tmp_path: Path) -> None:
    rows = [row(seq=str(i + 1), hh_no=f"41152302010{i + 1:02d}", head_id=make_id("19560314", 21 + i)) for i in range(4)]
    rows.append(row(REBUILT, seq="5", hh_no="4115230201005", head_id=make_id("19480923", 15)))
    rows.append(row(REBUILT, seq="6", hh_no="4115230201006", head_id=make_id("19710215", 27), method="置换",
                    target_type="分散供养特困人员", hh_size=1, area_after=40, accept_date=None,
                    accept_result="合格"))  # fmt: skip
    rows.append(row(seq="7", hh_no="4115230201007", head_id=make_id("19650530", 43), target_type="一般农户",
                    grade="B级", subsidy=0, paid=None, scope="外墙粉刷", progress="已竣工",
                    accept_date=None, accept_result=None, finish_date=D(2024, 7, 1)))  # fmt: skip
    checked = check(tmp_path, *rows)
    assert hs_rules(checked) == set()
    assert [f for f in checked.findings if f.severity == "error"] == []


def test_clean_ledger_without_county_lists_says_once_what_is_missing(tmp_path: Path) -> None:
    rows = [row(seq=str(i + 1), hh_no=f"41152302010{i + 1:02d}", head_id=make_id("19560314", 21 + i)) for i in range(3)]
    checked = check(tmp_path, *rows, settings=None)
    assert hs_rules(checked) == {"HS-ASSESSOR-LIST-UNSET", "HS-AREA-STANDARD-UNSET"}
    for rule in ("HS-ASSESSOR-LIST-UNSET", "HS-AREA-STANDARD-UNSET"):
        (finding,) = checked.by_rule(rule)
        assert (finding.row, finding.cell, finding.severity) == (1, None, "warning")
    assert checked.by_rule("HS-ASSESSOR-LIST-UNSET")[0].message == (
        "未设置具备资质的鉴定机构名单（参数 qualified_assessors），本表3户的鉴定机构无法核对资质"
    )
    assert "renovation_area_range" in checked.by_rule("HS-AREA-STANDARD-UNSET")[0].message


def test_missing_list_is_not_reported_when_no_row_needs_it(tmp_path: Path) -> None:
    checked = check(tmp_path, row(assessor=None, area_after=None), settings=None)
    assert checked.cells("HS-ASSESSOR-MISSING") == {cell("assessor", 2)}
    assert not {"HS-ASSESSOR-LIST-UNSET", "HS-AREA-STANDARD-UNSET"} & hs_rules(checked)


# ------------------------------------------------------------------ WF-01 / WF-02 / WF-13 target groups
def test_hs_key_group_not_renovated(tmp_path: Path) -> None:
    pending = {"progress": "在建", "finish_date": None, "accept_date": None, "accept_result": None}
    checked = check(
        tmp_path,
        row(grade="D级", **pending),
        row(seq="2", target_type="一般农户", subsidy=0, **pending),  # not a key group
        row(seq="3", target_type="低保户", progress=None, accept_result=None),  # accepted: a date only
        row(seq="4", target_type="低保户", accept_result="验收不合格，返工"),  # failed acceptance
        row(seq="5", grade="B级", subsidy=0, **pending),  # safe enough
        row(seq="6", target_type="五保户", progress="已竣工", accept_date=None, accept_result="待验收"),
    )
    assert checked.cells("HS-KEY-GROUP-NOT-RENOVATED") == {cell("grade", r) for r in (2, 5, 7)}
    assert (
        checked.by_rule("HS-KEY-GROUP-NOT-RENOVATED")[0].message == "重点对象C/D级危房未改造清零（脱贫户，鉴定等级D级）"
    )


def test_hs_key_groups_are_a_setting(tmp_path: Path) -> None:
    four = ["建档立卡贫困户", "脱贫户", "低保", "五保户", "残疾人家庭"]  # as a county writes them: synonyms
    settings = Settings(params={"qualified_assessors": ASSESSORS, "renovation_area_range": AREA_RANGE,
                                "key_groups": four})  # fmt: skip
    monitored = row(target_type="监测对象", subsidy=10000)
    assert check(tmp_path, monitored).cells("HS-SUBSIDY-NOT-KEY-GROUP") == set()
    others = [row(seq=str(i), target_type=t, subsidy=10000) for i, t in enumerate(["特困供养", "贫困残疾人"], 2)]
    narrowed = check_sheets(tmp_path, spec(monitored, *others), settings=settings, name="四类.xlsx")
    assert narrowed.cells("HS-SUBSIDY-NOT-KEY-GROUP") == {cell("target_type", 2)}


def test_hs_ab_grade_subsidised(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(grade="B级", subsidy=8000, paid=8000),
        row(seq="2", grade="A级", subsidy=0, paid=0),
        row(seq="3", grade="基本安全", subsidy="0.5万", paid=5000),
        row(seq="4"),
    )
    assert checked.cells("HS-AB-GRADE-SUBSIDISED") == {cell("subsidy", 2), cell("subsidy", 4)}
    assert (
        checked.by_rule("HS-AB-GRADE-SUBSIDISED")[1].message
        == "A/B级住房享受危改补助，请核实（鉴定等级基本安全，补助5000元）"
    )


def test_hs_subsidy_not_key_group(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(target_type="一般农户", subsidy="1万", paid=10000),
        row(seq="2", target_type="一般户", subsidy=0, paid=0),
        row(seq="3", target_type="低保户、贫困残疾人家庭"),
        row(seq="4", target_type="低保边缘家庭"),
        row(seq="5", target_type="外出务工户"),  # not a known group: cannot tell
    )
    assert checked.cells("HS-SUBSIDY-NOT-KEY-GROUP") == {cell("target_type", 2)}
    assert (
        checked.by_rule("HS-SUBSIDY-NOT-KEY-GROUP")[0].message
        == "补助对象不属于重点对象（对象类别“一般农户”，补助10000元）"
    )


# ------------------------------------------------------------------ WF-03 assessors
def test_hs_assessor_missing_or_unqualified(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(assessor=None),
        row(seq="2", assessor="/"),
        row(seq="3", assessor="李店村委会"),
        row(seq="4", assessor="新县房屋安全鉴定站（李工）"),
        row(seq="5", assessor="信阳市建筑工程质量检测中心"),
    )
    assert checked.cells("HS-ASSESSOR-MISSING") == {cell("assessor", 2), cell("assessor", 3)}
    assert checked.cells("HS-ASSESSOR-UNQUALIFIED") == {cell("assessor", 4)}
    assert "“李店村委会”不在本县具备资质的鉴定机构名单中" in checked.by_rule("HS-ASSESSOR-UNQUALIFIED")[0].message
    assert checked.by_rule("HS-ASSESSOR-MISSING")[0].severity == "error"


def test_hs_assessor_not_judged_without_the_list(tmp_path: Path) -> None:
    checked = check(tmp_path, row(assessor="李店村委会"), row(seq="2"), settings=Settings(params={}))
    assert checked.cells("HS-ASSESSOR-UNQUALIFIED") == set()
    assert len(checked.by_rule("HS-ASSESSOR-LIST-UNSET")) == 1


# ------------------------------------------------------------------ WF-04 / WF-05 / WF-08 what was renovated
def test_hs_kitchen_not_renovated(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(scope="主房屋面翻修、墙体加固", kitchen_danger=None),
        row(seq="2", scope="主房、承重墙", kitchen_danger="否"),  # the kitchen is safe
        row(seq="3", scope="主房、灶房"),
        row(seq="4", scope="屋面、承重墙"),
    )
    assert checked.cells("HS-KITCHEN-NOT-RENOVATED") == {cell("scope", 2)}
    assert (
        checked.by_rule("HS-KITCHEN-NOT-RENOVATED")[0].message
        == "只改造主房，厨房未改造（改造内容：主房屋面翻修、墙体加固）"
    )


def test_hs_kitchen_requirement_is_a_setting(tmp_path: Path) -> None:
    settings = Settings(params={**CONFIGURED.params, "require_kitchen": False})
    checked = check(
        tmp_path,
        row(scope="主房、承重墙", kitchen_danger=None),
        row(seq="2", scope="主房、承重墙", kitchen_danger="是"),
        settings=settings,
    )
    assert checked.cells("HS-KITCHEN-NOT-RENOVATED") == {cell("scope", 3)}


def test_hs_surface_only(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(scope="外墙粉刷、更换门窗"),
        row(seq="2", scope="外墙刷白"),
        row(seq="3", scope="外墙粉刷、屋面翻修"),
        row(seq="4", grade="B级", subsidy=0, scope="外墙粉刷"),
    )
    assert checked.cells("HS-SURFACE-ONLY") == {cell("scope", 2), cell("scope", 3)}


def test_hs_d_grade_only_repaired(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(grade="D级", method="维修加固"),
        row(REBUILT, seq="2"),
        row(seq="3", grade="C级", method="修缮加固"),
    )
    assert checked.cells("HS-D-GRADE-ONLY-REPAIRED") == {cell("method", 2)}
    assert checked.by_rule("HS-D-GRADE-ONLY-REPAIRED")[0].severity == "warning"


# ------------------------------------------------------------------ WF-06 / WF-07 acceptance and payment
def test_hs_not_accepted_in_time(tmp_path: Path) -> None:
    waiting = {"progress": "已竣工", "accept_date": None, "accept_result": None}
    checked = check(
        tmp_path,
        row(**waiting),  # finished 2024-05-20: 58 days
        row(seq="2", **{**waiting, "finish_date": D(2024, 6, 30)}),  # 17 days: still in time
        row(seq="3", accept_result="不合格，返工"),  # inspected, failed: not "not accepted in time"
        row(seq="4", accept_date=D(2024, 6, 30), accept_result="未验收"),  # the date is not an acceptance
    )
    assert checked.cells("HS-NOT-ACCEPTED-IN-TIME") == {cell("finish_date", 2), cell("finish_date", 5)}
    assert checked.by_rule("HS-NOT-ACCEPTED-IN-TIME")[0].message == "危改竣工58天未验收（超过30天）"


def test_hs_not_accepted_needs_an_acceptance_column(tmp_path: Path) -> None:
    columns = [c for c in COLUMNS if c[1] not in ("accept_date", "accept_result", "progress")]
    checked = check_sheets(tmp_path, spec(row(), columns=columns), settings=CONFIGURED)
    assert checked.cells("HS-NOT-ACCEPTED-IN-TIME") == set()


def test_hs_subsidy_not_paid(tmp_path: Path) -> None:
    accepted = {"accept_date": D(2024, 5, 10), "subsidy": 15000}
    checked = check(
        tmp_path,
        row(**accepted, paid=5000),
        row(seq="2", **accepted, paid="1.5万"),
        row(seq="3", **accepted, paid=None),
        row(seq="4", **{**accepted, "accept_date": D(2024, 7, 1)}, paid=0),  # accepted 16 days ago
        row(seq="5", **accepted, paid=0, accept_result="不合格"),  # not accepted: nothing due yet
    )
    assert checked.cells("HS-SUBSIDY-NOT-PAID") == {cell("paid", 2), cell("paid", 4)}
    assert checked.by_rule("HS-SUBSIDY-NOT-PAID")[0].message == (
        "危改验收后补助未及时发放（验收已68天，补助15000元，已拨付5000元）"
    )


# ------------------------------------------------------------------ WF-09 / WF-10 rebuilding
def test_hs_old_house_not_demolished(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(REBUILT, demolished="否"),
        row(REBUILT, seq="2", demolished=None),
        row(REBUILT, seq="3", demolished="未拆除", progress="在建", finish_date=None, accept_date=None,
            accept_result=None, occupied=None),  # still building: the family lives in the old house
        row(seq="4", demolished="否"),  # repaired in place: nothing to demolish
        row(REBUILT, seq="5", method="置换", demolished="是"),
    )  # fmt: skip
    assert checked.cells("HS-OLD-HOUSE-NOT-DEMOLISHED") == {cell("demolished", 2), cell("demolished", 3)}
    assert checked.by_rule("HS-OLD-HOUSE-NOT-DEMOLISHED")[0].message == "危房拆除不到位：拆除重建后旧危房未拆除"


def test_hs_area_out_of_range(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(hh_size=2, area_after=96),
        row(REBUILT, seq="2", hh_size=4, area_after=45),
        row(REBUILT, seq="3", hh_size=6, area_after=85),  # six persons: the 5+ standard
        row(seq="4", hh_size=3, area_after=60),  # the upper bound itself
        row(seq="5", hh_size=None, area_after=120),  # household size unknown: cannot judge
    )
    assert checked.cells("HS-AREA-OUT-OF-RANGE") == {cell("area_after", 2), cell("area_after", 3)}
    assert checked.by_rule("HS-AREA-OUT-OF-RANGE")[0].message == "改造面积不符合标准（2人户96㎡，本县标准30～60㎡）"


# ------------------------------------------------------------------ WF-11 / WF-14 / WF-15
def test_hs_defect_after_acceptance(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(recheck="2024年雨季回访：厨房屋面漏雨，东墙有裂缝"),
        row(seq="2", recheck="墙体出现倾斜"),
        row(seq="3", recheck="屋面漏雨已修复；未发现裂缝"),
        row(seq="4", recheck="房屋无漏雨、渗水，住得安心"),
        row(seq="5", recheck="屋面漏雨", accept_result="验收不合格", progress="在建"),  # not accepted yet
        row(seq="6", recheck="无"),
    )
    assert checked.cells("HS-DEFECT-AFTER-ACCEPTANCE") == {cell("recheck", 2), cell("recheck", 3)}
    messages = [f.message for f in checked.by_rule("HS-DEFECT-AFTER-ACCEPTANCE")]
    assert messages == ["改造后仍存在漏雨、裂缝等安全隐患", "改造后仍存在倾斜等安全隐患"]


@pytest.mark.parametrize(
    ("note", "found"),
    [
        ("屋面漏雨，墙体无裂缝", ("漏雨",)),
        ("东墙开裂、向北倾斜", ("开裂", "倾斜")),
        ("不漏雨，没有裂缝", ()),
        ("漏雨问题已整改到位", ()),
        ("未发现渗水、裂缝等问题；屋面漏雨", ("漏雨",)),
    ],
)
def test_re_check_notes_are_read_with_their_negations(note: str, found: tuple[str, ...]) -> None:
    assert reported_words(note, ["漏雨", "裂缝", "开裂", "倾斜", "渗水"]) == found


@pytest.mark.parametrize(
    ("text", "state"),
    [("验收合格", "passed"), ("已验收", "passed"), ("验收不合格，返工", "failed"), ("未验收", "pending"),
     ("待验收", "pending"), ("否", "pending"), ("正在整理资料", None)],
)  # fmt: skip
def test_acceptance_is_read_from_the_words_clerks_write(text: str, state: str | None) -> None:
    assert acceptance_state(text) == state


def test_hs_work_before_assessment(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(start_date=D(2024, 2, 28)),
        row(seq="2", start_date="2024年3月"),  # the assessment's month: cannot tell
        row(seq="3", start_date=D(2024, 3, 5)),  # same day
    )
    assert checked.cells("HS-WORK-BEFORE-ASSESSMENT") == {cell("start_date", 2)}
    assert checked.by_rule("HS-WORK-BEFORE-ASSESSMENT")[0].message == (
        "先改造后鉴定，程序倒置（开工2024-02-28，鉴定2024-03-05）"
    )


def test_hs_not_publicised(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(publicity="否"),
        row(seq="2", publicity=None),
        row(seq="3", publicity="未公示"),
        row(seq="4", publicity=D(2024, 3, 18)),
        row(seq="5", publicity="是"),
        row(seq="6", publicity="无"),
    )
    assert checked.cells("HS-NOT-PUBLICISED") == {cell("publicity", r) for r in (2, 3, 4, 7)}


# ------------------------------------------------------------------ WF-12 across the households roster
ROSTER_HEADER = [
    "乡镇",
    "行政村",
    "户编号",
    "户主姓名",
    "户主证件号码",
    "家庭人口数",
    "贫困户属性",
    "脱贫状态",
    "主要致贫原因",
]


def roster(*households: tuple[str, str, str, str]) -> SheetSpec:
    """(户编号, 户主姓名, 身份证号, 脱贫状态) per household."""
    rows = [
        ["沙窝镇", "李店村", no, name, pid, 3, "一般贫困户", status, "因病"] for no, name, pid, status in households
    ]
    return SheetSpec("脱贫户花名册", ROSTER_HEADER, rows, text_columns=[3, 5])


def test_hs_exited_household_in_danger_across_sheets(tmp_path: Path) -> None:
    ids = [make_id("19480923", 15), make_id("19530817", 36), make_id("19690412", 52), make_id("19751120", 18)]
    households = roster(
        ("4115230201003", "程大发", ids[0], "已脱贫（享受政策）"),
        ("4115230201004", "胡德清", ids[1], "未脱贫"),
        ("4115230201005", "马秀英", ids[2], "已脱贫（不再享受政策）"),
        ("4115230201006", "杨光明", ids[3], "已脱贫（享受政策）"),
    )
    pending = {"target_type": "一般农户", "subsidy": 0, "progress": "在建", "finish_date": None,
               "accept_date": None, "accept_result": None}  # fmt: skip
    housing = spec(
        row(hh_no="4115230201003", head_name="程大发", head_id=ids[0], grade="D级", **pending),
        row(seq="2", hh_no="4115230201004", head_name="胡德清", head_id=ids[1], **pending),  # still poor
        row(seq="3", hh_no="4115230201005", head_name="马秀英", head_id=ids[2]),  # renovated and accepted
        row(seq="4", hh_no="4115230201099", head_name="周永福", head_id=make_id("19441006", 24), **pending),
        row(seq="5", hh_no="4115230201006", head_name="杨光明", head_id=ids[3], grade="B级", **pending),
    )
    checked = check_sheets(tmp_path, households, housing, settings=CONFIGURED)
    assert [t.kind for t in checked.ledgers.tables] == ["households", "housing"]
    (finding,) = checked.by_rule("HS-EXITED-IN-DANGER")
    assert (finding.sheet, finding.cell) == ("危房改造台账", cell("grade", 2))
    assert finding.message == "脱贫户住房为危房（户表中为脱贫户，鉴定等级D级，未改造验收）"
    # the same household's house is not a key-group finding: the housing sheet calls it 一般农户
    assert checked.cells("HS-KEY-GROUP-NOT-RENOVATED") == set()


def test_hs_exited_household_found_by_id_when_the_ledger_has_no_household_number(tmp_path: Path) -> None:
    pid = make_id("19480923", 15)
    households = roster(("4115230201003", "程大发", pid, "已脱贫（享受政策）"))
    columns = [c for c in COLUMNS if c[1] != "hh_no"]
    housing = spec(row(head_name="程大发", head_id=pid, progress="在建", accept_date=None, accept_result=None,
                       finish_date=None), columns=columns)  # fmt: skip
    checked = check_sheets(tmp_path, households, housing, settings=CONFIGURED)
    assert checked.cells("HS-EXITED-IN-DANGER") == {cell("grade", 2, columns)}


def test_hs_exited_rule_needs_the_roster(tmp_path: Path) -> None:
    checked = check(tmp_path, row(progress="在建", accept_date=None, accept_result=None, finish_date=None))
    assert checked.by_rule("HS-EXITED-IN-DANGER") == []
    assert checked.cells("HS-KEY-GROUP-NOT-RENOVATED") == {cell("grade", 2)}


# ------------------------------------------------------------------ the 汇总's "两不愁三保障" gaps
def test_housing_and_water_findings_count_as_gaps_in_the_summary(tmp_path: Path) -> None:
    ids = [make_id("19480923", 15), make_id("19530817", 36), make_id("19690412", 52)]
    households = roster(
        ("4115230201003", "程大发", ids[0], "已脱贫（享受政策）"),
        ("4115230201004", "胡德清", ids[1], "已脱贫（享受政策）"),
        ("4115230201005", "马秀英", ids[2], "已脱贫（享受政策）"),
    )
    pending = {"progress": "在建", "finish_date": None, "accept_date": None, "accept_result": None}
    housing = spec(
        row(hh_no="4115230201003", head_name="程大发", head_id=ids[0], grade="D级", **pending),
        row(seq="2", hh_no="4115230201005", head_name="马秀英", head_id=ids[2]),  # renovated: no gap
    )
    water = water_spec({**WATER_ROW, "head_name": "胡德清", "head_id": ids[1], "township": "沙窝镇", "liters": 12})
    write_book(tmp_path / "沙窝镇.xlsx", [households, housing, water])
    run = check_paths([tmp_path / "沙窝镇.xlsx"], settings=CONFIGURED, today=AS_OF)
    assert {"HS-EXITED-IN-DANGER", "HS-KEY-GROUP-NOT-RENOVATED", "WT-WATER-SHORT"} <= {f.rule for f in run.findings}
    gaps = summarize_run(run, CONFIGURED).block("gaps")
    town = next(r for r in gaps.rows if r[0] == "沙窝镇")
    column = {name: town[gaps.header.index(name)] for name in ("户数", "住房安全", "饮水安全", "有缺口户数")}
    assert column == {"户数": 3, "住房安全": 1, "饮水安全": 1, "有缺口户数": 2}
