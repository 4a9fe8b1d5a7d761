"""The 责任体系花名册 rules (templates/rules/roster.json, domain §2.4) on real workbooks.

Each test writes a small roster the way a county fills it (and, for the
cross-sheet rules, a household ledger beside it or in another workbook named by
the settings), checks it with the library call the CLI uses, and asserts the exact
cells a rule marks, plus the spellings and cases where it must stay silent.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from addin.check import check_book
from addin.settings import Settings
from tests.helpers.book import AS_OF, SheetSpec, check_sheets, write_book
from tests.helpers.ids import make_id

TITLE = [["新县脱贫攻坚责任体系花名册"]]

VILLAGE_HEADER = ["序号", "乡镇", "村", "村级脱贫责任组长", "村支部书记", "第一书记", "驻村工作队队长", "是否贫困村"]
VILLAGES: list[list[Any]] = [
    [1, "沙窝镇", "沙坪村", "刘建国", "王德贵", "陈志强", "陈志强", "是"],
    [2, "沙窝镇", "王湾村", "刘建国", "李长顺", "周海波", "吴刚", "否"],
    [3, "新集镇", "杨河村", "胡卫东", "张友全", "黄文杰", "黄文杰", "是"],
]
TOWNSHIP_HEADER = ["序号", "乡镇", "包乡县领导", "乡镇党委书记", "乡镇长", "分管副乡镇长", "扶贫专干", "督查组"]
TOWNSHIPS: list[list[Any]] = [
    [1, "沙窝镇", "郑国华", "彭建军", "余海燕", "程立新", "汪小红", "第一组"],
    [2, "新集镇", "方志远", "罗振山", "詹秀英", "卢海涛", "熊丽", "第二组"],
]
DEPARTMENT_HEADER = ["序号", "部门", "部门负责人", "分管县领导", "政策领域", "督查组"]
DEPARTMENTS: list[list[Any]] = [
    [1, "县住建局", "夏光明", "郑国华", "C11", "第三组"],
    [2, "县水利局", "许春生", "方志远", "饮水安全", "第三组"],
    [3, "县教育局", "殷建平", "方志远", "C13、义务教育", "第四组"],
]
DISCIPLINE_HEADER = ["序号", "机构", "负责人", "联系人", "联系电话", "督查范围"]
DISCIPLINE: list[list[Any]] = [
    [1, "县纪委监委", "柯建华", "叶小兵", "0376-2981234", None],
    [2, "县委组织部", "袁立平", "舒晓燕", "0376-2982345", None],
    [3, "第一督查巡查组", "曹德明", "易红", "13812345678", "沙窝镇、新集镇"],
]
HELPER_HEADER = [
    "序号",
    "乡镇",
    "村",
    "户编号",
    "户主姓名",
    "户主身份证号",
    "帮扶责任人",
    "帮扶单位",
    "职务",
    "联系电话",
    "包户村干部",
]
HELPERS: list[list[Any]] = [
    [1, "沙窝镇", "沙坪村", "411523002001001", "王大山", make_id("19600312", 11),
     "蔡明", "县住建局", "科员", "13912345678", "王德贵"],
    [2, "沙窝镇", "沙坪村", "411523002001002", "王有福", make_id("19581103", 31),
     "蔡明", "县住建局", "科员", "13912345678", "王德贵"],
    [3, "沙窝镇", "王湾村", "411523002002001", "李桂英", make_id("19650721", 42),
     "邓华", "沙窝镇人民政府", "干部", "13712345678", "李长顺"],
    [4, "新集镇", "杨河村", "411523001001001", "杨春生", make_id("19700201", 13),
     "吕文", "县水利局", "股长", "13612345678", "张友全"],
]  # fmt: skip
LEDGER_HEADER = [
    "乡镇",
    "行政村",
    "户编号",
    "户主姓名",
    "家庭人口数",
    "贫困户属性",
    "脱贫状态",
    "帮扶责任人",
    "帮扶单位",
]
LEDGER: list[list[Any]] = [
    ["沙窝镇", "沙坪村", "411523002001001", "王大山", 4, "一般脱贫户", "已脱贫（享受政策）", "蔡明", "县住建局"],
    ["沙窝", "沙坪村委会", "411523002001002", "王有福", 3, "低保脱贫户", "已脱贫（享受政策）",
     "蔡明（科员）", "县住建局"],
    ["沙窝镇", "王湾", "411523002002001", "李桂英", 2, "一般脱贫户", "已脱贫（享受政策）", "邓华", "沙窝镇人民政府"],
    ["新集镇", "杨河村", "411523001001001", "杨春生", 5, "一般脱贫户", "已脱贫（享受政策）", "吕文", "县水利局"],
]  # fmt: skip


def roster(**changes: list[list[Any]]) -> list[SheetSpec]:
    """The five roster sheets (title row above each header); ``changes`` replaces a sheet's rows."""
    rows = {
        "villages": VILLAGES,
        "townships": TOWNSHIPS,
        "departments": DEPARTMENTS,
        "discipline": DISCIPLINE,
        "helpers": HELPERS,
    }
    rows = {k: copy.deepcopy(changes.get(k, v)) for k, v in rows.items()}
    return [
        SheetSpec("村级责任人", VILLAGE_HEADER, rows["villages"], above=TITLE),
        SheetSpec("乡镇领导", TOWNSHIP_HEADER, rows["townships"], above=TITLE),
        SheetSpec("责任单位", DEPARTMENT_HEADER, rows["departments"], above=TITLE),
        SheetSpec("督查问责机构", DISCIPLINE_HEADER, rows["discipline"], above=TITLE),
        SheetSpec("帮扶责任人", HELPER_HEADER, rows["helpers"], above=TITLE, text_columns=(4, 6)),
    ]


def changed(rows: list[list[Any]], row: int, col: int, value: Any) -> list[list[Any]]:
    out = copy.deepcopy(rows)
    out[row][col] = value
    return out


def ledger(rows: list[list[Any]] = LEDGER) -> SheetSpec:
    return SheetSpec("沙窝镇花名册", LEDGER_HEADER, copy.deepcopy(rows), text_columns=(3,))


def test_a_clean_roster_gives_no_finding_at_all(tmp_path: Path) -> None:
    checked = check_sheets(tmp_path, *roster())
    assert {t.kind for t in checked.ledgers.tables} == {
        "roster_villages",
        "roster_townships",
        "roster_departments",
        "roster_discipline",
        "roster_households",
    }
    assert checked.findings == []


def test_a_clean_roster_beside_its_household_ledger_gives_no_roster_finding(tmp_path: Path) -> None:
    checked = check_sheets(tmp_path, *roster(), ledger())
    assert [f for f in checked.findings if f.rule.startswith("RS-")] == []


# ---------------------------------------------------------------- villages
def test_village_without_first_secretary(tmp_path: Path) -> None:
    checked = check_sheets(tmp_path, *roster(villages=changed(VILLAGES, 1, 5, None)))
    (finding,) = checked.by_rule("RS-VILLAGE-NO-FIRST-SECRETARY")
    assert (finding.sheet, finding.cell, finding.severity) == ("村级责任人", "F4", "error")
    assert "王湾村" in finding.message
    placeholder = check_sheets(tmp_path, *roster(villages=changed(VILLAGES, 2, 5, "/")), name="2.xlsx")
    assert placeholder.cells("RS-VILLAGE-NO-FIRST-SECRETARY") == {"F5"}


def test_village_without_team_leader(tmp_path: Path) -> None:
    checked = check_sheets(tmp_path, *roster(villages=changed(VILLAGES, 0, 3, "")))
    assert checked.cells("RS-VILLAGE-NO-TEAM-LEADER") == {"D3"}
    assert checked.rules_on_row(3) == {"RS-VILLAGE-NO-TEAM-LEADER"}


def test_one_first_secretary_for_two_villages(tmp_path: Path) -> None:
    checked = check_sheets(tmp_path, *roster(villages=changed(VILLAGES, 2, 5, "周海波")))
    findings = checked.by_rule("RS-FIRST-SECRETARY-TWICE")
    assert {f.cell for f in findings} == {"F4", "F5"}
    assert all("2个村" in f.message for f in findings)


def test_first_secretary_twice_across_township_sheets(tmp_path: Path) -> None:
    """A roster kept as one sheet per township: the same person in both sheets is found."""
    shawo = SheetSpec("沙窝镇村级", VILLAGE_HEADER, VILLAGES[:2], above=TITLE)
    xinji = SheetSpec("新集镇村级", VILLAGE_HEADER, changed(VILLAGES[2:], 0, 5, "陈志强"), above=TITLE)
    checked = check_sheets(tmp_path, shawo, xinji)
    assert {(f.sheet, f.cell) for f in checked.by_rule("RS-FIRST-SECRETARY-TWICE")} == {
        ("沙窝镇村级", "F3"),
        ("新集镇村级", "F3"),
    }


def test_the_same_village_spelled_twice_is_no_second_village(tmp_path: Path) -> None:
    """沙窝/沙坪村委会 is 沙窝镇/沙坪村: listed twice (a warning), but its 第一书记 serves one village."""
    rows = [*VILLAGES, [4, "沙窝", "沙坪村委会", "刘建国", "王德贵", "陈志强", "陈志强", "是"]]
    checked = check_sheets(tmp_path, *roster(villages=rows))
    assert checked.by_rule("RS-FIRST-SECRETARY-TWICE") == []
    twice = checked.by_rule("RS-VILLAGE-TWICE")
    assert {f.cell for f in twice} == {"C3", "C6"} and {f.severity for f in twice} == {"warning"}


def test_same_village_name_in_two_townships_is_two_villages(tmp_path: Path) -> None:
    rows = [*VILLAGES, [4, "新集镇", "王湾村", "胡卫东", "汪德明", "余志刚", "余志刚", "否"]]
    checked = check_sheets(tmp_path, *roster(villages=rows))
    assert checked.by_rule("RS-VILLAGE-TWICE") == []


# ---------------------------------------------------------------- townships, departments, discipline
def test_township_without_county_leader_or_group(tmp_path: Path) -> None:
    rows = changed(changed(TOWNSHIPS, 0, 2, None), 1, 7, None)
    checked = check_sheets(tmp_path, *roster(townships=rows))
    (leader,) = checked.by_rule("RS-TOWNSHIP-NO-LEADER")
    (group,) = checked.by_rule("RS-TOWNSHIP-NO-GROUP")
    assert (leader.sheet, leader.cell, leader.severity) == ("乡镇领导", "C3", "error")
    assert "沙窝镇" in leader.message
    assert (group.cell, group.severity) == ("H4", "warning")


def test_township_sheet_without_group_column_is_not_flagged_row_by_row(tmp_path: Path) -> None:
    sheets = roster()
    sheets[1] = SheetSpec("乡镇领导", TOWNSHIP_HEADER[:-1], [r[:-1] for r in TOWNSHIPS], above=TITLE)
    checked = check_sheets(tmp_path, *sheets)
    assert checked.by_rule("RS-TOWNSHIP-NO-GROUP") == [] and checked.findings == []


def test_department_without_head_or_county_leader(tmp_path: Path) -> None:
    checked = check_sheets(tmp_path, *roster(departments=changed(changed(DEPARTMENTS, 0, 2, None), 2, 3, "—")))
    (head,) = checked.by_rule("RS-DEPARTMENT-NO-HEAD")
    (leader,) = checked.by_rule("RS-DEPARTMENT-NO-LEADER")
    assert (head.sheet, head.cell) == ("责任单位", "C3") and "县住建局" in head.message
    assert leader.cell == "D5" and leader.severity == "error"


def test_department_policy_area_that_is_no_category(tmp_path: Path) -> None:
    checked = check_sheets(tmp_path, *roster(departments=changed(DEPARTMENTS, 1, 4, "饮水安全、招商引资")))
    (finding,) = checked.by_rule("RS-DEPARTMENT-UNKNOWN-AREA")
    assert finding.cell == "E4" and finding.severity == "warning"
    codes = check_sheets(tmp_path, *roster(departments=changed(DEPARTMENTS, 1, 4, "C12,C16")), name="2.xlsx")
    assert codes.by_rule("RS-DEPARTMENT-UNKNOWN-AREA") == []


def test_discipline_body_without_head(tmp_path: Path) -> None:
    checked = check_sheets(tmp_path, *roster(discipline=changed(DISCIPLINE, 2, 2, None)))
    (finding,) = checked.by_rule("RS-DISCIPLINE-NO-HEAD")
    assert (finding.sheet, finding.cell) == ("督查问责机构", "C5") and "第一督查巡查组" in finding.message


# ---------------------------------------------------------------- households
def test_roster_household_without_helper(tmp_path: Path) -> None:
    checked = check_sheets(tmp_path, *roster(helpers=changed(HELPERS, 2, 6, None)))
    (finding,) = checked.by_rule("RS-HOUSEHOLD-NO-HELPER")
    assert (finding.sheet, finding.cell) == ("帮扶责任人", "G5") and "李桂英" in finding.message


def test_household_ledger_helper_missing_from_the_roster(tmp_path: Path) -> None:
    rows = changed(changed(LEDGER, 3, 7, "孙立"), 2, 7, "孙立")
    checked = check_sheets(tmp_path, *roster(), ledger(rows))
    (finding,) = checked.by_rule("RS-HELPER-NOT-IN-ROSTER")  # once per helper
    assert (finding.sheet, finding.cell, finding.severity) == ("沙窝镇花名册", "H4", "error")
    assert "孙立" in finding.message


def test_helper_check_needs_a_helper_sheet(tmp_path: Path) -> None:
    """Without a 帮扶责任人 roster the household ledger is the helper list itself: nothing to compare."""
    rows = changed(LEDGER, 3, 7, "孙立")
    checked = check_sheets(tmp_path, *roster()[:4], ledger(rows))
    assert checked.by_rule("RS-HELPER-NOT-IN-ROSTER") == []


def test_household_ledger_village_missing_from_the_roster(tmp_path: Path) -> None:
    rows = [
        *LEDGER,
        ["新集镇", "松林村", "411523001002001", "松林户", 3, "一般脱贫户", "已脱贫（享受政策）", "吕文", "县水利局"],
    ]
    rows.append(
        ["新集镇", "松林村", "411523001002002", "松林二户", 2, "一般脱贫户", "已脱贫（享受政策）", "吕文", "县水利局"]
    )
    checked = check_sheets(tmp_path, *roster(), ledger(rows))
    (finding,) = checked.by_rule("RS-VILLAGE-NOT-IN-ROSTER")  # once per village; 沙窝/沙坪村委会 and 王湾 match
    assert (finding.cell, finding.value) == ("B6", "松林村")
    assert checked.by_rule("RS-HELPER-NOT-IN-ROSTER") == []


def test_village_check_needs_a_village_sheet(tmp_path: Path) -> None:
    rows = changed(LEDGER, 3, 1, "松林村")
    checked = check_sheets(tmp_path, *roster()[1:], ledger(rows))
    assert checked.by_rule("RS-VILLAGE-NOT-IN-ROSTER") == []


# ---------------------------------------------------------------- a roster in its own workbook
def test_roster_in_its_own_workbook_named_by_the_settings(tmp_path: Path) -> None:
    roster_path = write_book(tmp_path / "责任体系花名册.xlsx", roster(villages=changed(VILLAGES, 1, 5, None)))
    rows = changed(changed(LEDGER, 0, 7, "孙立"), 3, 1, "松林村")
    ledger_path = write_book(tmp_path / "沙窝镇台账.xlsx", [ledger(rows)])
    settings = Settings(roster=roster_path)
    ledgers, findings = check_book(ledger_path, settings=settings, today=AS_OF)
    roster_rules = {(f.rule, f.file, f.cell) for f in findings if f.rule.startswith("RS-")}
    assert roster_rules == {
        ("RS-HELPER-NOT-IN-ROSTER", str(ledger_path), "H2"),
        ("RS-VILLAGE-NOT-IN-ROSTER", str(ledger_path), "B5"),
    }
    assert [t.kind for t in ledgers.tables] == ["households"]  # the roster is no part of the ledger's result
    # The roster's own gap is reported where it is: when the roster workbook itself is checked.
    _, own = check_book(roster_path, settings=settings, today=AS_OF)
    assert {(f.rule, f.cell) for f in own} == {("RS-VILLAGE-NO-FIRST-SECRETARY", "F4")}


def test_without_a_roster_the_cross_rules_are_silent(tmp_path: Path) -> None:
    checked = check_sheets(tmp_path, ledger(changed(LEDGER, 0, 7, "孙立")))
    assert [f for f in checked.findings if f.rule.startswith("RS-")] == []
