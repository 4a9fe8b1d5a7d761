"""The 帮扶记录 rules (domain.md §3.5, templates/rules/visits.json) on real workbooks.

Each test writes a small visit log (and, for BF-08…BF-10, a household roster in the
same workbook) the way villages keep them, checks it with the library call the CLI
uses, and asserts the exact cells a rule marks, plus clean or borderline rows where
it must stay silent. As-of date: 2024-07-17 (a Wednesday).
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
    ("乡镇", "township"),
    ("村", "village"),
    ("户编号", "hh_no"),
    ("户主\n姓名", "head_name"),
    ("身份证号", "head_id"),
    ("帮扶责任人", "helper"),
    ("职务", "helper_title"),
    ("走访时间", "visit_date"),
    ("走访方式", "visit_mode"),
    ("帮扶内容（干了哪些事）", "actions"),
    ("了解情况", "findings"),
    ("群众满意度", "satisfaction"),
    ("贫困户签字", "hh_signature"),
    ("第一书记审核", "reviewer"),
]

HEADS = ["张大山", "李桂英", "王有福", "陈秀兰", "刘长顺", "赵金花", "周德胜", "吴春梅", "郑国强", "孙玉兰"]
ACTIONS = [
    "宣传扶贫小额信贷政策，帮助联系养牛技术培训",
    "帮助申请产业奖补资金，指导茶园春季管护",
    "落实家庭医生签约服务，协调慢病卡办理",
    "核实危房改造进度，督促施工队按期完工",
    "帮助孩子申请雨露计划补助，讲解教育资助政策",
    "介绍县城公益岗位招聘信息，帮助报名务工",
    "协助办理残疾证，申请两项补贴",
    "检查饮水设施，联系村里维修入户水管",
    "讲解医疗保险参保缴费政策，帮助完成缴费",
    "帮助联系合作社收购板栗，落实产业帮扶措施",
]

BASE: dict[str, Any] = {
    "seq": "1",
    "township": "新集镇",
    "village": "王岗村",
    "hh_no": "411523101001",
    "head_name": "张大山",
    "head_id": make_id("19650312", 31),
    "helper": "李明",
    "helper_title": "县财政局科员",
    "visit_date": D(2024, 7, 10),
    "visit_mode": "入户走访",
    "actions": ACTIONS[0],
    "findings": "家中两头牛长势良好，孩子上学已享受资助",
    "satisfaction": "满意",
    "hh_signature": "张大山",
    "reviewer": "王志刚",
}


def row(base: dict[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
    return {**(base or BASE), **changes}


def household(i: int, **changes: Any) -> dict[str, Any]:
    """A clean visit to the i-th household of 王岗村."""
    values = {
        "seq": str(i + 1),
        "hh_no": f"4115231010{i + 1:02d}",
        "head_name": HEADS[i],
        "head_id": make_id(f"19{60 + i}0312", 31 + 2 * i),
        "actions": ACTIONS[i],
        "hh_signature": HEADS[i],
    }
    return row(**{**values, **changes})


def cell(key: str, excel_row: int, columns: list[tuple[str, str]] = COLUMNS) -> str:
    return keyed_cell(columns, key, excel_row)


def spec(*rows: dict[str, Any], columns: list[tuple[str, str]] = COLUMNS, name: str = "帮扶记录") -> SheetSpec:
    return keyed_sheet(name, columns, rows, text_keys=("head_id", "hh_no"))


def check(tmp_path: Path, *rows: dict[str, Any], settings: Settings | None = None) -> Checked:
    return check_sheets(tmp_path, spec(*rows), settings=settings)


def vs_rules(checked: Checked) -> set[str]:
    return {f.rule for f in checked.findings if f.rule.startswith("VS-")}


# ------------------------------------------------------------------ clean log
def test_clean_realistic_log_raises_nothing(tmp_path: Path) -> None:
    rows = [household(i, visit_date=D(2024, 7, 1 + i)) for i in range(6)]
    rows[1]["hh_signature"] = "√"
    rows[2]["hh_signature"] = "按手印"
    rows[3]["visit_date"] = "2024年7月17日"  # the as-of day itself is not in the future
    rows[4]["visit_mode"] = "电话联系"
    rows[5]["reviewer"] = "已审核"
    checked = check(tmp_path, *rows)
    assert vs_rules(checked) == set()
    assert [f for f in checked.findings if f.severity == "error"] == []


# ------------------------------------------------------------------ BF-01 signature
def test_vs_no_signature(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        household(0),
        household(1, hh_signature=None),
        household(2, hh_signature="未签"),
        household(3, hh_signature="×"),
        household(4, hh_signature="无"),
        household(5, hh_signature="已签"),
    )
    assert checked.cells("VS-NO-SIGNATURE") == {cell("hh_signature", r) for r in (3, 4, 5, 6)}
    assert checked.by_rule("VS-NO-SIGNATURE")[0].message == "帮扶记录无贫困户签字"
    assert checked.by_rule("VS-NO-SIGNATURE")[0].severity == "error"


# ------------------------------------------------------------------ BF-02 / BF-03 dates
def test_vs_visit_date_missing_vague_or_future(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        household(0, visit_date=None),
        household(1, visit_date="2024年6月"),
        household(2, visit_date=D(2024, 8, 1)),
        household(3, visit_date="2024.7.17"),
        household(4, visit_date="2024年6月18日"),
    )
    assert checked.cells("VS-NO-VISIT-DATE") == {cell("visit_date", 2)}
    assert checked.cells("VS-VISIT-DATE-NO-DAY") == {cell("visit_date", 3)}
    assert checked.cells("VS-FUTURE-VISIT") == {cell("visit_date", 4)}
    assert checked.by_rule("VS-FUTURE-VISIT")[0].message.startswith("走访日期晚于填报日期")
    assert "VS-FUTURE-VISIT" not in checked.rules_at(cell("visit_date", 5))


# ------------------------------------------------------------------ BF-04 / BF-05 content
def test_vs_actions_missing_or_too_short(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        household(0, actions=None),
        household(1, actions="走访了解情况"),
        household(2, actions="宣讲政策了解家庭收入"),  # exactly 10 characters
        household(3, actions="/"),
    )
    assert checked.cells("VS-NO-ACTIONS") == {cell("actions", 2), cell("actions", 5)}
    assert checked.cells("VS-SHORT-ACTIONS") == {cell("actions", 3)}
    [short] = checked.by_rule("VS-SHORT-ACTIONS")
    assert short.severity == "warning" and "仅6个字" in short.message


def test_vs_short_actions_threshold_is_a_parameter(tmp_path: Path) -> None:
    settings = Settings(params={"min_log_chars": 12})
    checked = check(tmp_path, household(0, actions="宣讲政策了解家庭收入"), settings=settings)
    assert checked.cells("VS-SHORT-ACTIONS") == {cell("actions", 2)}


def test_vs_findings_and_satisfaction_missing(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        household(0, findings=None),
        household(1, satisfaction=None),
        household(2, satisfaction="基本满意"),
    )
    assert checked.cells("VS-NO-FINDINGS") == {cell("findings", 2)}
    assert checked.cells("VS-NO-SATISFACTION") == {cell("satisfaction", 3)}


def test_vs_content_rules_need_their_columns(tmp_path: Path) -> None:
    columns = [c for c in COLUMNS if c[1] not in ("findings", "reviewer")]
    checked = check_sheets(tmp_path, spec(household(0), columns=columns))
    assert "VS-NO-FINDINGS" not in vs_rules(checked)
    assert "VS-NO-REVIEW" not in vs_rules(checked)


# ------------------------------------------------------------------ BF-06 copied texts
def test_vs_copied_actions(tmp_path: Path) -> None:
    same = "宣传党的扶贫政策，了解家庭生产生活情况，鼓励发展产业"
    rows = [household(i, actions=same) for i in range(4)]
    rows.append(household(4, actions="宣传党的扶贫政策，了解家庭生产生活情况，鼓励发展产业。"))
    # another helper uses one text for four households only: below the threshold
    other = [
        household(5 + i, helper="王芳", hh_signature=HEADS[5 + i], actions="讲解医保参保缴费政策并帮助完成缴费")
        for i in range(4)
    ]
    checked = check(tmp_path, *rows, *other)
    assert checked.cells("VS-COPIED-ACTIONS") == {cell("actions", r) for r in range(2, 7)}
    assert "李明为5户" in checked.by_rule("VS-COPIED-ACTIONS")[0].message


# ------------------------------------------------------------------ BF-07 visits per day
def test_vs_too_many_visits_per_day(tmp_path: Path) -> None:
    day = D(2024, 7, 9)
    nine = [household(i, visit_date=day) for i in range(9)]
    eight = [household(i, helper="王芳", visit_date=D(2024, 7, 11)) for i in range(8)]
    checked = check(tmp_path, *nine, *eight)
    assert checked.cells("VS-TOO-MANY-VISITS-PER-DAY") == {cell("visit_date", 2)}
    assert "走访9户" in checked.by_rule("VS-TOO-MANY-VISITS-PER-DAY")[0].message


def test_vs_cross_township_same_day(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        household(0, visit_date=D(2024, 7, 9)),
        household(1, visit_date=D(2024, 7, 9), township="沙窝镇", village="大栗园村"),
        household(2, visit_date=D(2024, 7, 10)),
        household(3, helper="王芳", visit_date=D(2024, 7, 10), township="沙窝镇", village="大栗园村"),
    )
    assert checked.cells("VS-CROSS-TOWNSHIP-SAME-DAY") == {cell("township", 2)}
    assert "2个乡镇" in checked.by_rule("VS-CROSS-TOWNSHIP-SAME-DAY")[0].message


# ------------------------------------------------------------------ BF-11 / BF-13
def test_vs_no_review(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        household(0, reviewer=None),
        household(1, reviewer="未审核"),
        household(2, reviewer="√"),
        household(3, reviewer="王志刚"),
    )
    assert checked.cells("VS-NO-REVIEW") == {cell("reviewer", 2), cell("reviewer", 3)}


def test_vs_proxy_signature(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        household(0, hh_signature="李  明"),  # the helper signed
        household(1, hh_signature="代签"),
        household(2, hh_signature="王有福（代）"),
        household(3, head_name="代红梅", hh_signature="代红梅"),  # 代 is her surname
        household(4, hh_signature="陈秀兰"),
    )
    assert checked.cells("VS-PROXY-SIGNATURE") == {cell("hh_signature", r) for r in (2, 3, 4)}
    assert "VS-NO-SIGNATURE" not in vs_rules(checked)


# ------------------------------------------------------------------ BF-14 cadres
def test_vs_cadre_weekly_visits(tmp_path: Path) -> None:
    def visit(i: int, helper: str, title: str, day: dt.date) -> dict[str, Any]:
        return household(i, helper=helper, helper_title=title, visit_date=day)

    rows = [
        # the township party secretary: two days in the week of 1 July, one in the week of 8 July
        visit(0, "刘建设", "镇党委书记", D(2024, 7, 1)),
        visit(1, "刘建设", "镇党委书记", D(2024, 7, 3)),
        visit(2, "刘建设", "镇党委书记", D(2024, 7, 9)),
        # the township head: two days every week
        visit(3, "何平", "镇长", D(2024, 7, 2)),
        visit(4, "何平", "镇长", D(2024, 7, 4)),
        visit(5, "何平", "镇长", D(2024, 7, 8)),
        visit(6, "何平", "镇长", D(2024, 7, 12)),
        # not a township leader: a village party-branch secretary and a deputy head
        visit(7, "徐强", "村党支部书记", D(2024, 7, 2)),
        visit(8, "高敏", "副镇长", D(2024, 7, 2)),
    ]
    checked = check(tmp_path, *rows)
    [finding] = checked.by_rule("VS-CADRE-WEEKLY-VISITS")
    assert finding.row == 4
    assert finding.cell == cell("visit_date", 4)
    assert finding.message == "刘建设本周下乡下村少于2次（2024-07-08起的一周仅1天）"


# ------------------------------------------------------------------ BF-08…BF-10 with the roster
HH_COLUMNS: list[tuple[str, str]] = [
    ("乡镇", "township"),
    ("行政村", "village"),
    ("户编号", "hh_no"),
    ("户主姓名", "head_name"),
    ("户主身份证号", "head_id"),
    ("家庭人口数", "hh_size"),
    ("贫困户属性", "poor_attr"),
    ("脱贫状态", "exit_status"),
    ("户类型", "hh_type"),
    ("识别年度", "id_year"),
    ("帮扶责任人", "helper"),
]


def roster_row(i: int, **changes: Any) -> dict[str, Any]:
    return {
        "township": "新集镇",
        "village": "王岗村",
        "hh_no": f"4115231010{i + 1:02d}",
        "head_name": HEADS[i],
        "head_id": make_id(f"19{60 + i}0312", 31 + 2 * i),
        "hh_size": 4,
        "poor_attr": "一般贫困户",
        "exit_status": "已脱贫（享受政策）",
        "hh_type": "脱贫户",
        "id_year": 2014,
        "helper": "李明",
        **changes,
    }


def roster(*rows: dict[str, Any]) -> SheetSpec:
    return SheetSpec(
        "建档立卡户花名册",
        [h for h, _ in HH_COLUMNS],
        [[r.get(k) for _, k in HH_COLUMNS] for r in rows],
        text_columns=[3, 5],
    )


def test_vs_supported_households_need_a_recent_visit(tmp_path: Path) -> None:
    households = [
        roster_row(0, exit_status="未脱贫", hh_type=None, poor_attr="低保贫困户"),  # visited 10 July
        roster_row(1),  # last visited 20 May
        roster_row(2, hh_type="监测户", exit_status=None, poor_attr=None, monitored_type=None),  # never
        roster_row(3, exit_status="已脱贫（不再享受政策）"),  # no longer supported: no visit needed
        roster_row(4, village="大栗园村"),  # the log does not cover 大栗园村
        roster_row(5),  # visited, found by ID only
        roster_row(6),  # only a phone call within 30 days
        roster_row(7, hh_type="一般农户", exit_status=None, poor_attr=None),  # not a supported household
    ]
    visits = [
        household(0, visit_date=D(2024, 7, 10)),
        household(1, visit_date=D(2024, 5, 20)),
        household(5, hh_no=None, head_name="赵金华", visit_date=D(2024, 7, 1)),
        household(6, visit_date=D(2024, 5, 2)),
        household(6, visit_date=D(2024, 7, 5), visit_mode="电话联系"),
    ]
    checked = check_sheets(tmp_path, roster(*households), spec(*visits))
    recent = {f.cell for f in checked.by_rule("VS-NO-RECENT-VISIT")}
    assert recent == {"D3", "D8"}  # 户主姓名 of 李桂英 and 周德胜
    assert checked.cells("VS-NEVER-VISITED") == {"D4"}
    [may] = [f for f in checked.by_rule("VS-NO-RECENT-VISIT") if f.cell == "D3"]
    assert may.message == "超过30天无入户帮扶记录（最近一次入户：2024-05-20，已58天）"
    assert all(f.sheet == "建档立卡户花名册" for f in checked.by_rule("VS-NEVER-VISITED"))


def test_vs_recent_visit_rules_need_a_visit_log(tmp_path: Path) -> None:
    checked = check_sheets(tmp_path, roster(roster_row(0), roster_row(1)))
    assert not checked.by_rule("VS-NEVER-VISITED")
    assert not checked.by_rule("VS-NO-RECENT-VISIT")


def test_vs_visit_interval_is_a_parameter(tmp_path: Path) -> None:
    settings = Settings(params={"visit_interval_days": 60})
    checked = check_sheets(
        tmp_path,
        roster(roster_row(1)),
        spec(household(1, visit_date=D(2024, 5, 20))),
        settings=settings,
    )
    assert not checked.by_rule("VS-NO-RECENT-VISIT")


def test_vs_helper_mismatch_and_visit_before_identification(tmp_path: Path) -> None:
    households = [roster_row(0), roster_row(1, helper="王芳"), roster_row(2, id_year=2016), roster_row(3)]
    visits = [
        household(0),  # 李明 is the roster's helper
        household(1),  # 李明 visited 王芳's household
        household(1, helper="赵刚", helper_title="驻村第一书记"),  # the work team visits every household
        household(2, visit_date=D(2015, 11, 3)),
        household(3, helper="张伟"),
        household(3, helper="李明、张伟"),  # two visitors, the roster's helper among them
    ]
    checked = check_sheets(tmp_path, roster(*households), spec(*visits))
    assert checked.cells("VS-HELPER-MISMATCH") == {cell("helper", 3), cell("helper", 6)}
    assert checked.by_rule("VS-HELPER-MISMATCH")[0].message == "走访人“李明”与建档立卡帮扶责任人“王芳”不一致"
    assert checked.cells("VS-VISIT-BEFORE-IDENTIFIED") == {cell("visit_date", 5)}
    assert "2016年" in checked.by_rule("VS-VISIT-BEFORE-IDENTIFIED")[0].message
