"""The 问题整改台账 rules (domain.md §3.2 (a), templates/rules/problems.json) on real workbooks.

Every test writes a small ledger the way townships lay them out, checks it with the
library call the CLI uses, and asserts the exact cells a rule marks, plus clean or
borderline rows where it must stay silent. As-of date: 2024-07-17.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from addin.settings import Settings
from tests.helpers.book import Checked, SheetSpec, check_sheets, keyed_cell, keyed_sheet

D = dt.date

# (header as written in the sheet, field key)
COLUMNS: list[tuple[str, str]] = [
    ("序号", "seq"),
    ("问题\n类别", "category"),
    ("存在问题", "description"),
    ("问题来源", "source"),
    ("发现时间", "found_date"),
    ("乡镇", "township"),
    ("村", "village"),
    ("整改措施", "measures"),
    ("整改目标", "target"),
    ("责任单位", "resp_unit"),
    ("责任领导", "resp_leader"),
    ("责任人", "resp_person"),
    ("联系电话", "phone"),
    ("整改\n时限", "deadline"),
    ("整改进度", "status"),
    ("整改进展情况", "progress_text"),
    ("完成时间", "done_date"),
    ("佐证材料", "evidence"),
    ("验收人", "verifier"),
    ("备注", "remark"),
]

# A finished item: every rule has what it needs.
DONE: dict[str, Any] = {
    "seq": "1",
    "category": "精准识别",
    "description": "张湾村存在漏评户1户，符合条件未纳入",
    "source": "县督查巡查组",
    "found_date": D(2024, 3, 5),
    "township": "新集镇",
    "village": "张湾村",
    "measures": "组织村两委入户核实，按程序评议公示后纳入并完善档卡资料",
    "target": "符合条件的农户全部纳入",
    "resp_unit": "新集镇人民政府",
    "resp_leader": "王建国",
    "resp_person": "李明",
    "phone": "13812345678",
    "deadline": D(2024, 6, 30),
    "status": "已完成",
    "progress_text": "已按程序评议公示并纳入",
    "done_date": D(2024, 6, 20),
    "evidence": "评议会议记录、公示照片",
    "verifier": None,
    "remark": None,
}
# An item under way with a deadline still ahead.
ONGOING: dict[str, Any] = {
    **DONE,
    "seq": "2",
    "category": "饮水安全",
    "description": "沙坪村3户饮水管网老化，水龙头生锈无水",
    "source": "省暗访",
    "found_date": D(2024, 5, 12),
    "township": "沙窝镇",
    "village": "沙坪村",
    "measures": "更换老化管网1.2公里，入户水表同步更换",
    "target": "3户稳定通水",
    "resp_unit": "县水利局、沙窝镇",
    "resp_leader": "陈立新",
    "resp_person": "赵刚",
    "phone": "0376-2912345",
    "deadline": "2024年9月底前",
    "status": "正在整改",
    "progress_text": "管材已到位，正在施工",
    "done_date": None,
    "evidence": None,
}


def row(base: dict[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
    return {**(base or DONE), **changes}


def cell(key: str, excel_row: int, columns: list[tuple[str, str]] = COLUMNS) -> str:
    return keyed_cell(columns, key, excel_row)


def spec(*rows: dict[str, Any], columns: list[tuple[str, str]] = COLUMNS, merges: tuple[str, ...] = ()) -> SheetSpec:
    return keyed_sheet("整改台账", columns, rows, above=[["新集镇脱贫攻坚问题整改台账"]], merges=merges)


def ledger(
    tmp_path: Path,
    *rows: dict[str, Any],
    columns: list[tuple[str, str]] = COLUMNS,
    settings: Settings | None = None,
) -> Checked:
    return check_sheets(tmp_path, spec(*rows, columns=columns), settings=settings)


FIRST = 3  # title line, header, then data


def pr_rules(checked: Checked) -> set[str]:
    return {f.rule for f in checked.findings}


# ------------------------------------------------------------------ clean ledgers
def test_clean_realistic_rows_raise_nothing(tmp_path: Path) -> None:
    checked = ledger(
        tmp_path,
        row(DONE),
        row(ONGOING),
        # long-term item with stage targets in the measures
        row(
            ONGOING,
            seq="3",
            category="产业扶贫",
            description="村集体经济收入偏低，产业带动不足",
            deadline="长期坚持",
            status="长期坚持",
            measures="每季度召开一次产业推进会，2024年底前村集体收入达到5万元",
            progress_text="已召开两次推进会",
        ),
        # void item with its reason
        row(
            ONGOING,
            seq="4",
            description="反映王某家庭享受低保不符合条件",
            category="社会保障兜底",
            status="经核实不属实",
            deadline=None,
            progress_text=None,
            remark="经镇村两级入户核实，该户符合低保条件",
        ),
        # immediate item done within the week, closed and verified
        row(
            DONE,
            seq="5",
            description="村务公开栏未公示低保名单",
            category="公示公开",
            deadline="立行立改",
            found_date=D(2024, 7, 1),
            done_date=D(2024, 7, 3),
            status="已销号",
            verifier="县扶贫办 周敏",
            progress_text="已张贴公示",
        ),
        # a county-level item: no village, no township
        row(
            ONGOING,
            seq="6",
            description="扶贫资金项目库更新不及时",
            category="资金项目管理",
            township=None,
            village=None,
            resp_unit="县财政局",
            deadline=D(2024, 8, 31),
            status="整改中",
        ),
    )
    assert checked.findings == []


def test_rows_numbered_in_advance_are_not_reported(tmp_path: Path) -> None:
    """Templates number empty rows in advance; a row with nothing but 序号 is not an empty problem."""
    checked = ledger(
        tmp_path,
        row(DONE),
        {"seq": 2},
        {"seq": "二、饮水安全方面"},  # a section row: implies 问题类别 for the rows below it
        row(ONGOING, seq="3", category=None),  # category from the section row
        {"seq": 4},
        {"seq": 5, "status": "未整改"},  # something besides the number: a real, incomplete row
    )
    assert {f.row for f in checked.findings} == {FIRST + 5}
    assert checked.rules_on_row(FIRST + 5) >= {"PR-NO-DESCRIPTION", "PR-NO-MEASURES", "PR-NO-DEADLINE"}


# ------------------------------------------------------------------ ZG-01 … ZG-06
def test_pr_no_description(tmp_path: Path) -> None:
    checked = ledger(tmp_path, row(DONE), row(ONGOING, description=None), row(ONGOING, description="/"))
    assert checked.cells("PR-NO-DESCRIPTION") == {
        cell("description", FIRST + 1),
        cell("description", FIRST + 2),
    }
    assert checked.by_rule("PR-NO-DESCRIPTION")[0].message == "问题描述为空"


def test_pr_category_unmapped_suggests_from_description(tmp_path: Path) -> None:
    checked = ledger(
        tmp_path,
        row(DONE),
        row(DONE, category=None),  # empty: suggestion from the description (漏评 → 精准识别)
        row(ONGOING, category="两不愁三保障"),  # not a C01–C99 class; description mentions 饮水
        row(DONE, category="其他", description="其他需要说明的情况"),  # 其他 is a class
        row(DONE, category=None, description="某某事项需要说明"),  # nothing to suggest
    )
    assert checked.cells("PR-CATEGORY-UNMAPPED") == {
        cell("category", FIRST + 1),
        cell("category", FIRST + 2),
        cell("category", FIRST + 4),
    }
    messages = {f.row: f.message for f in checked.by_rule("PR-CATEGORY-UNMAPPED")}
    assert messages[FIRST + 1] == "问题类别为空或无法归类（建议：精准识别）"
    assert messages[FIRST + 2] == "问题类别为空或无法归类（建议：饮水安全）"
    assert messages[FIRST + 4] == "问题类别为空或无法归类"


def test_pr_no_resp_unit_and_person(tmp_path: Path) -> None:
    checked = ledger(
        tmp_path,
        row(DONE, resp_unit=None),
        row(DONE, resp_person=None),
        row(DONE, resp_unit="—", resp_person="/"),
        row(DONE),
    )
    assert checked.cells("PR-NO-RESP-UNIT") == {cell("resp_unit", FIRST), cell("resp_unit", FIRST + 2)}
    assert checked.cells("PR-NO-RESP-PERSON") == {
        cell("resp_person", FIRST + 1),
        cell("resp_person", FIRST + 2),
    }
    # The four rows repeat one description in one village: ZG-21 rightly calls them duplicates.
    assert checked.rules_on_row(FIRST + 3) - {"PR-DUPLICATE-PROBLEM"} == set()


def test_pr_no_resp_unit_accepts_a_lead_unit(tmp_path: Path) -> None:
    """With 牵头单位 + 配合单位 columns, an empty 配合单位 is normal when the lead unit is named."""
    columns = [*COLUMNS[:9], ("牵头单位", "lead_unit"), ("配合单位", "resp_unit"), *COLUMNS[10:]]
    checked = ledger(
        tmp_path,
        row(DONE, lead_unit="县扶贫办", resp_unit=None),
        row(DONE, lead_unit=None, resp_unit=None),
        columns=columns,
    )
    assert checked.cells("PR-NO-RESP-UNIT") == {cell("resp_unit", FIRST + 1, columns)}


def test_pr_no_leader(tmp_path: Path) -> None:
    checked = ledger(tmp_path, row(DONE, resp_leader=None), row(DONE))
    assert checked.cells("PR-NO-LEADER") == {cell("resp_leader", FIRST)}
    assert checked.by_rule("PR-NO-LEADER")[0].severity == "warning"


@pytest.mark.parametrize(
    "person",
    [
        "新集镇人民政府",
        "县扶贫办",
        "张湾村",
        "沙窝镇",
        "第一书记",
        "村支书",
        "新集镇镇长",
        "各村第一书记",
        "驻村工作队长",
        "村委",
        "李明、县扶贫办",
        "包村干部",
    ],
)
def test_pr_person_not_individual(tmp_path: Path, person: str) -> None:
    checked = ledger(tmp_path, row(DONE, resp_person=person))
    assert checked.cells("PR-PERSON-NOT-INDIVIDUAL") == {cell("resp_person", FIRST)}
    assert checked.by_rule("PR-PERSON-NOT-INDIVIDUAL")[0].message == f"责任人应落实到具体个人（当前为“{person}”）"


def test_pr_person_not_individual_leaves_names_alone(tmp_path: Path) -> None:
    names = [
        "李明",
        "张三（乡长）",
        "李镇",
        "欧阳建国、王芳",
        "扶贫办 周敏",
        "阿卜杜·热合曼",
        "刘洋 13912345678",
    ]
    checked = ledger(tmp_path, *[row(DONE, resp_person=n) for n in names])
    assert checked.by_rule("PR-PERSON-NOT-INDIVIDUAL") == []


def test_pr_no_measures_and_vague_measures(tmp_path: Path) -> None:
    checked = ledger(
        tmp_path,
        row(DONE, measures=None),
        row(DONE, measures="立即整改"),  # shorter than 10 characters
        row(DONE, measures="高度重视，加强领导，认真整改，举一反三"),  # only stock phrases
        row(DONE, measures="1.进一步高度重视；2.切实加强领导；3.举一反三、全面整改到位"),  # phrases + filler
        row(DONE, measures="高度重视，组织村两委入户核实并完善档卡资料"),  # a phrase, but real content
        row(DONE, measures="更换老化管网1.2公里"),  # exactly 10 characters (spaces ignored)
    )
    assert checked.cells("PR-NO-MEASURES") == {cell("measures", FIRST)}
    assert checked.cells("PR-VAGUE-MEASURES") == {
        cell("measures", FIRST + 1),
        cell("measures", FIRST + 2),
        cell("measures", FIRST + 3),
    }
    assert {f.severity for f in checked.by_rule("PR-NO-MEASURES")} == {"error"}
    assert {f.severity for f in checked.by_rule("PR-VAGUE-MEASURES")} == {"warning"}


def test_pr_vague_measures_threshold_is_a_parameter(tmp_path: Path) -> None:
    settings = Settings(params={"min_measure_chars": 15})
    checked = ledger(tmp_path, row(DONE, measures="更换老化管网1.2公里"), settings=settings)
    assert checked.cells("PR-VAGUE-MEASURES") == {cell("measures", FIRST)}


# ------------------------------------------------------------------ ZG-07 … ZG-10 deadlines
def test_pr_no_deadline(tmp_path: Path) -> None:
    checked = ledger(
        tmp_path,
        row(ONGOING, deadline=None),
        row(ONGOING, deadline=None, status="长期坚持", measures="每月开展一次排查，2024年底前全覆盖"),
        row(ONGOING, deadline=None, status="不属实", remark="经核实不属实"),
        row(ONGOING),
    )
    assert checked.cells("PR-NO-DEADLINE") == {cell("deadline", FIRST)}


def test_pr_no_deadline_long_term_by_rectify_type(tmp_path: Path) -> None:
    columns = [*COLUMNS[:14], ("整改类型", "rectify_type"), *COLUMNS[14:]]
    checked = ledger(
        tmp_path,
        row(ONGOING, deadline=None, rectify_type="长期坚持", measures="每季度回访一次，2024年底前完成全覆盖"),
        row(ONGOING, deadline=None, rectify_type="限期整改"),
        columns=columns,
    )
    assert checked.cells("PR-NO-DEADLINE") == {cell("deadline", FIRST + 1, columns)}


def test_pr_bad_deadline(tmp_path: Path) -> None:
    checked = ledger(
        tmp_path,
        row(ONGOING, deadline="尽快"),
        row(DONE, deadline="已完成"),  # a status written where the deadline belongs
        row(ONGOING, deadline="2024年12月底前"),
        row(ONGOING, deadline="三季度"),
        row(ONGOING, deadline="长期坚持", status="长期坚持", measures="每月开展一次排查，年底前全覆盖"),
    )
    assert checked.cells("PR-BAD-DEADLINE") == {cell("deadline", FIRST), cell("deadline", FIRST + 1)}
    assert checked.by_rule("PR-BAD-DEADLINE")[0].message == "整改时限无法识别：“尽快”"


def test_pr_deadline_before_found(tmp_path: Path) -> None:
    checked = ledger(
        tmp_path,
        row(
            ONGOING,
            found_date=D(2024, 5, 12),
            deadline=D(2024, 5, 1),
            status="已完成",
            done_date=D(2024, 5, 20),
            evidence="施工照片",
        ),
        row(ONGOING, found_date=D(2024, 5, 12), deadline=D(2024, 5, 12)),  # same day: fine
        row(ONGOING, found_date="2024年5月", deadline="5月底前"),  # month precision: fine
    )
    assert checked.cells("PR-DEADLINE-BEFORE-FOUND") == {cell("deadline", FIRST)}


def test_pr_overdue(tmp_path: Path) -> None:
    checked = ledger(
        tmp_path,
        row(ONGOING, deadline=D(2024, 6, 30)),  # 17 days late
        row(ONGOING, deadline="2024年6月底前", status=None),  # empty status counts as 未整改
        row(ONGOING, deadline=D(2024, 7, 17)),  # due today: not yet late
        row(ONGOING, deadline=D(2024, 6, 30), status="已整改到位", done_date=D(2024, 6, 28), evidence="照片"),
        row(ONGOING, deadline=D(2024, 6, 30), status="长期坚持", measures="每月巡查一次，年底前完成"),
        row(ONGOING, deadline=D(2024, 6, 30), status="不属实", remark="经核实不属实"),
        row(ONGOING, deadline="立行立改", found_date=D(2024, 7, 1)),  # due 7-08
        row(ONGOING, deadline=D(2024, 6, 30), status=None, done_date=D(2024, 6, 28), evidence="照片"),  # done, unsaid
    )
    assert checked.cells("PR-OVERDUE") == {
        cell("deadline", FIRST),
        cell("deadline", FIRST + 1),
        cell("deadline", FIRST + 6),
    }
    messages = {f.row: f.message for f in checked.by_rule("PR-OVERDUE")}
    assert messages[FIRST] == "整改逾期17天"
    assert messages[FIRST + 6] == "整改逾期9天"


def test_pr_overdue_grace_days(tmp_path: Path) -> None:
    settings = Settings(rules={"PR-OVERDUE": {"params": {"grace_days": 20}}})
    checked = ledger(
        tmp_path,
        row(ONGOING, deadline=D(2024, 6, 30)),
        row(ONGOING, deadline=D(2024, 6, 1)),
        settings=settings,
    )
    assert checked.cells("PR-OVERDUE") == {cell("deadline", FIRST + 1)}


# ------------------------------------------------------------------ ZG-11 … ZG-19 completion
def test_pr_done_without_date_or_evidence(tmp_path: Path) -> None:
    checked = ledger(
        tmp_path,
        row(DONE, done_date=None),
        row(DONE, evidence=None),
        row(DONE, status="已销号", done_date=None, evidence="无", verifier="周敏"),
        row(ONGOING),  # not done: nothing required
        row(DONE),
    )
    assert checked.cells("PR-DONE-NO-DATE") == {cell("done_date", FIRST), cell("done_date", FIRST + 2)}
    assert checked.cells("PR-DONE-NO-EVIDENCE") == {cell("evidence", FIRST + 1), cell("evidence", FIRST + 2)}


def test_pr_done_rules_need_their_columns(tmp_path: Path) -> None:
    """A ledger without 完成时间/佐证材料 columns is not flagged on every finished row."""
    columns = [c for c in COLUMNS if c[1] not in ("done_date", "evidence")]
    checked = ledger(tmp_path, row(DONE), columns=columns)
    assert checked.findings == []


def test_pr_done_date_future(tmp_path: Path) -> None:
    checked = ledger(
        tmp_path,
        row(DONE, done_date=D(2024, 7, 18), deadline=D(2024, 7, 31)),
        row(DONE, done_date=D(2024, 7, 17)),
        row(DONE, done_date="2024年7月"),  # month precision, this month
    )
    assert checked.cells("PR-DONE-DATE-FUTURE") == {cell("done_date", FIRST)}
    assert checked.rules_at(cell("done_date", FIRST)) == {"PR-DONE-DATE-FUTURE"}


def test_pr_done_late(tmp_path: Path) -> None:
    checked = ledger(
        tmp_path,
        row(DONE, deadline=D(2024, 6, 30), done_date=D(2024, 7, 5)),
        row(DONE, deadline=D(2024, 6, 30), done_date=D(2024, 6, 30)),
        row(DONE, deadline="6月底前", done_date="2024年6月"),
        row(ONGOING, deadline=D(2024, 6, 30), status="正在整改", done_date=None),
    )
    assert checked.cells("PR-DONE-LATE") == {cell("done_date", FIRST)}
    assert checked.by_rule("PR-DONE-LATE")[0].message == "逾期完成（超出时限5天）"


def test_pr_done_before_found(tmp_path: Path) -> None:
    checked = ledger(
        tmp_path,
        row(DONE, found_date=D(2024, 3, 5), done_date=D(2024, 3, 1)),
        row(DONE, found_date=D(2024, 3, 5), done_date="2024年3月"),  # month precision: same month is fine
        row(DONE, found_date=D(2024, 3, 5), done_date=D(2024, 3, 5)),
    )
    assert checked.cells("PR-DONE-BEFORE-FOUND") == {cell("done_date", FIRST)}


def test_pr_closed_without_verifier(tmp_path: Path) -> None:
    checked = ledger(
        tmp_path,
        row(DONE, status="已销号"),
        row(DONE, status="已销号", verifier="县扶贫办 周敏"),
        row(DONE, status="已完成"),
    )
    assert checked.cells("PR-CLOSED-NO-VERIFIER") == {cell("verifier", FIRST)}


def test_pr_closed_flag_column(tmp_path: Path) -> None:
    columns = [*COLUMNS, ("是否销号", "closed")]
    checked = ledger(
        tmp_path,
        row(DONE, closed="是"),
        row(DONE, closed="否"),
        # closed ledgers are not overdue whatever the status column says
        row(ONGOING, deadline=D(2024, 6, 30), closed="是", verifier="周敏"),
        columns=columns,
    )
    assert checked.cells("PR-CLOSED-NO-VERIFIER") == {cell("verifier", FIRST, columns)}
    assert checked.by_rule("PR-OVERDUE") == []


def test_pr_long_term_without_stages(tmp_path: Path) -> None:
    checked = ledger(
        tmp_path,
        row(
            ONGOING,
            status="长期坚持",
            deadline="长期坚持",
            measures="持续加强政策宣传，提高群众知晓率",
            progress_text="持续推进",
        ),
        row(
            ONGOING,
            status="整改中",
            deadline="常态化",
            measures="持续加强政策宣传，提高群众知晓率",
            progress_text="正在推进",
        ),
        row(ONGOING, status="长期坚持", deadline="长期坚持", measures="每月开展一次政策宣传，提高群众知晓率"),
        row(
            ONGOING,
            status="长期坚持",
            deadline="长期坚持",
            measures="持续加强政策宣传，提高群众知晓率",
            progress_text="2024年6月已开展集中宣传",
        ),
        row(
            ONGOING,
            status="持续推进",
            deadline="长期坚持",
            measures="持续加强政策宣传，提高群众知晓率",
            target="三季度末群众知晓率达到95%",
        ),
    )
    assert checked.cells("PR-LONG-TERM-NO-STAGES") == {cell("measures", FIRST), cell("measures", FIRST + 1)}


def test_pr_done_still_progressing(tmp_path: Path) -> None:
    checked = ledger(
        tmp_path,
        row(DONE, progress_text="管网正在施工，预计8月完工"),
        row(DONE, progress_text="已完成主体工程，下一步将开展验收"),
        row(DONE, progress_text="已按计划完成全部整改"),
        row(ONGOING, progress_text="正在施工"),  # not done: consistent
        row(DONE, progress_text="已全部整改到位"),
    )
    assert checked.cells("PR-DONE-STILL-PROGRESSING") == {
        cell("progress_text", FIRST),
        cell("progress_text", FIRST + 1),
    }


def test_pr_undone_with_date(tmp_path: Path) -> None:
    checked = ledger(
        tmp_path,
        row(ONGOING, status="未整改", done_date=D(2024, 6, 1)),
        row(ONGOING, status="正在整改", done_date=None),
        row(ONGOING, status="未整改", done_date=None),
    )
    assert checked.cells("PR-UNDONE-WITH-DATE") == {cell("done_date", FIRST)}


# ------------------------------------------------------------------ ZG-20 … ZG-25
def test_pr_village_without_township(tmp_path: Path) -> None:
    checked = ledger(
        tmp_path,
        row(DONE, township=None, village="张湾村"),
        row(DONE, township=None, village=None),
        row(DONE),
    )
    assert checked.cells("PR-VILLAGE-NO-TOWNSHIP") == {cell("township", FIRST)}
    assert checked.by_rule("PR-VILLAGE-NO-TOWNSHIP")[0].message == "填写了村（张湾村）但未填写乡镇"


def test_pr_village_without_township_uses_merged_township(tmp_path: Path) -> None:
    """A township merged over several rows belongs to every row of the merge."""
    merged = f"{cell('township', FIRST)}:{cell('township', FIRST + 1)}"
    sheet = spec(row(DONE, village="张湾村"), row(DONE, seq="2", township=None, village="李湾村"), merges=(merged,))
    checked = check_sheets(tmp_path, sheet)
    assert checked.by_rule("PR-VILLAGE-NO-TOWNSHIP") == []


def test_pr_no_source(tmp_path: Path) -> None:
    checked = ledger(tmp_path, row(DONE, source=None), row(DONE))
    assert checked.cells("PR-NO-SOURCE") == {cell("source", FIRST)}


def test_pr_immediate_overdue(tmp_path: Path) -> None:
    checked = ledger(
        tmp_path,
        row(ONGOING, deadline="立行立改", found_date=D(2024, 7, 1)),  # 16 days, not done
        row(ONGOING, deadline="即知即改", found_date=D(2024, 7, 12)),  # 5 days: still within the week
        row(DONE, deadline="立行立改", found_date=D(2024, 7, 1), done_date=D(2024, 7, 3)),
        row(ONGOING, deadline="立行立改", found_date=None),  # no found date: cannot tell
        row(ONGOING, deadline="立行立改", found_date="2024年7月"),  # found some day in July: cannot tell yet
        row(ONGOING, deadline=D(2024, 7, 31), found_date=D(2024, 3, 1)),  # not an immediate item
    )
    assert checked.cells("PR-IMMEDIATE-OVERDUE") == {cell("status", FIRST)}
    assert checked.by_rule("PR-IMMEDIATE-OVERDUE")[0].message == "立行立改事项超过7天仍未完成（发现已16天）"
    assert checked.by_rule("PR-IMMEDIATE-OVERDUE")[0].severity == "warning"
    # its effective deadline (found date + 7 days) has passed too
    assert checked.rules_on_row(FIRST) == {"PR-OVERDUE", "PR-IMMEDIATE-OVERDUE"}


def test_pr_void_without_reason(tmp_path: Path) -> None:
    checked = ledger(
        tmp_path,
        row(ONGOING, status="不属实", progress_text=None, remark=None),
        row(ONGOING, status="无需整改", progress_text=None, remark="无"),
        row(ONGOING, status="经核实不属实", progress_text="经入户核实，该户住房已于2019年改造", remark=None),
        row(ONGOING, status="无需整改", progress_text=None, remark="与第3项合并整改"),
    )
    assert checked.cells("PR-VOID-NO-REASON") == {cell("status", FIRST), cell("status", FIRST + 1)}


# ------------------------------------------------------------------ a whole row
def test_exact_rules_on_a_bad_row(tmp_path: Path) -> None:
    checked = ledger(
        tmp_path,
        row(DONE),
        row(
            DONE,
            seq="2",
            description=None,
            resp_person="扶贫办",
            measures="立即整改",
            done_date=None,
            evidence=None,
            source=None,
        ),
    )
    assert checked.rules_on_row(FIRST) == set()
    assert checked.rules_on_row(FIRST + 1) == {
        "PR-NO-DESCRIPTION",
        "PR-PERSON-NOT-INDIVIDUAL",
        "PR-VAGUE-MEASURES",
        "PR-DONE-NO-DATE",
        "PR-DONE-NO-EVIDENCE",
        "PR-NO-SOURCE",
    }
