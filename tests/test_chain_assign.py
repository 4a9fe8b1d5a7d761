"""Named owners per §2.4 step 3, and the plan of writes that never overwrites what the user typed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import python_calamine as calamine

from addin.chain.assign import Owners, assign_findings, assign_problems, owner_for
from addin.chain.mapping import load_yi_map
from addin.chain.plan import CONFLICT_RULE, UNRESOLVED_RULE, plan_assignment
from addin.chain.roster import Roster
from addin.check import check_book
from addin.rules.model import Finding, Severity
from addin.settings import Settings
from tests.helpers.chain import AS_OF, FIRST_DATA_ROW, HEAD_ID, problem, problems_table, read, roster, write_problems

NOW = dt.datetime(2024, 7, 17, 9, 30)
ROWS = [
    problem(category="精准识别", description="王湾村2户无房户未纳入", village="王湾村"),  # ①
    problem(
        category="档卡信息", description="人口数与系统不一致", village="沙坪村", head="陈大山", head_id=HEAD_ID
    ),  # ②
    problem(category="档卡信息", description="村级台账与系统不一致", village="沙坪村"),  # ② village level
    problem(category="驻村帮扶", description="帮扶记录代签", village="王湾村", head="李小河"),  # ③
    problem(category="扶贫资金与项目管理", description="产业项目资金滞留", village=""),  # ④
    problem(category="住房安全", description="C级危房未改造", village="王湾村"),  # ⑤
    problem(category="责任落实与作风", description="包村干部不在岗", village=""),  # ⑥
]


def owners(tmp_path: Path, rows: list[dict[str, Any]], the_roster: Roster | None = None) -> list[Owners]:
    table = problems_table(write_problems(tmp_path / "台账.xlsx", rows))
    return [a.owners for a in assign_problems(table, roster() if the_roster is None else the_roster, load_yi_map())]


def test_every_yi_gets_its_named_owners(tmp_path: Path) -> None:
    one, two_hh, two_village, three, four, five, six = owners(tmp_path, ROWS)
    assert (one.yi, one.person, one.co_owners, one.leader) == (1, "冯组长", ("陈书记", "褚第一书记"), "王县长")
    assert one.units == ("沙窝镇", "王湾村") and one.reason == ""
    assert (two_hh.person, two_hh.co_owners) == ("孙帮扶", ("郑第一书记", "蒋村干"))
    assert (two_village.person, two_village.co_owners) == ("钱队长", ("郑第一书记",))
    assert (three.yi, three.person, three.co_owners) == (3, "沈帮扶", ("卫队长",))
    assert four.yi == 4 and four.units == ("财政局", "沙窝镇") and four.person == "何局长"
    assert four.co_owners == ("朱镇长",) and four.leader == "吕副县长"
    assert (five.yi, five.units, five.person, five.leader) == (5, ("住建局", "沙窝镇"), "施局长", "张副县长")
    assert five.co_owners == ("秦副镇长",)
    assert six.yi == 6 and six.units == ("第一督查巡查组", "县纪委", "县委组织部")
    assert (six.person, six.co_owners, six.leader) == ("邹组长", ("戚书记", "谢部长"), "王县长")
    assert all(not o.reason for o in (two_hh, two_village, three, four, five, six))


def test_the_project_unit_of_a_money_item_comes_from_the_lead_unit(tmp_path: Path) -> None:
    rows = [problem(category="产业扶贫", description="到户增收资金未拨付", village="", unit="县农业农村局")]
    (four,) = owners(tmp_path, [{**rows[0], "category": "扶贫资金与项目管理"}])
    assert four.units == ("财政局", "沙窝镇")  # 责任单位 is not the 牵头单位: no project unit named
    table_rows = [problem(category="扶贫资金与项目管理", description="产业项目资金滞留", village="")]
    path = write_problems(tmp_path / "牵头.xlsx", table_rows)
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws.insert_cols(19)
    ws.cell(4, 19).value = "牵头单位"
    ws.cell(FIRST_DATA_ROW, 19).value = "县农业局"
    wb.save(path)
    table = problems_table(path)
    assert table.has("lead_unit")
    (a,) = assign_problems(table, roster(), load_yi_map())
    assert a.owners.units == ("财政局", "农业局", "沙窝镇")
    assert (a.owners.person, a.owners.co_owners, a.owners.leader) == ("金局长", ("何局长", "朱镇长"), "魏副县长")


def test_unknown_village_household_or_roster_gives_a_reason_not_an_error(tmp_path: Path) -> None:
    rows = [
        problem(category="精准识别", description="漏评", village="不存在村"),
        problem(category="驻村帮扶", description="帮扶记录代签", village="沙坪村", head="查无此人"),
        problem(category="精准识别", description="漏评", village=""),
        problem(category="其他", description="村部门前杂物堆放", village="沙坪村"),
    ]
    village, household, nowhere, unknown = owners(tmp_path, rows)
    assert village.yi == 1 and village.person is None and "花名册中没有“沙窝镇不存在村”" in village.reason
    assert household.person is None and "查无此人" in household.reason and household.co_owners == ("钱队长",)
    # No village: the township's 分管副乡镇长 answers for a village-chain item.
    assert (nowhere.person, nowhere.co_owners, nowhere.units, nowhere.reason) == (
        "秦副镇长",
        ("许专干", "朱镇长"),
        ("沙窝镇",),
        "",
    )
    lost = owner_for(roster(), load_yi_map(), category="C01")  # neither township nor village
    assert lost.yi == 1 and lost.person is None and "未写明所在村" in lost.reason and "未写明乡镇" in lost.reason
    assert unknown.yi == 0 and unknown.person is None and "其他" in unknown.reason
    (empty,) = owners(tmp_path, rows[:1], Roster())
    assert empty.yi == 1 and empty.person is None and "没有责任体系花名册" in empty.reason


def test_owner_for_a_single_item() -> None:
    the_roster, yimap = roster(), load_yi_map()
    water = owner_for(the_roster, yimap, description="自来水水质浑浊", township="沙窝", village="王湾村")
    assert (water.yi, water.units, water.person) == (5, ("水利局", "沙窝镇"), "孔局长")
    helper = owner_for(the_roster, yimap, category="C05", township="沙窝镇", village="沙坪村", household="陈大山")
    assert (helper.yi, helper.person, helper.co_owners) == (3, "孙帮扶", ("钱队长",))
    by_id = owner_for(the_roster, yimap, category="档卡信息", household_id=HEAD_ID)
    assert (by_id.yi, by_id.person, by_id.units) == (2, "孙帮扶", ("沙窝镇", "沙坪村"))
    unknown = owner_for(the_roster, yimap, description="")
    assert unknown.yi == 0 and unknown.reason


def test_findings_get_owners_from_the_row_they_stand_on(tmp_path: Path) -> None:
    path = write_problems(tmp_path / "台账.xlsx", ROWS)
    wb = openpyxl.load_workbook(path)
    hh = wb.create_sheet("户表")
    hh.append(["乡镇", "行政村", "户编号", "户主姓名", "户主证件号码", "家庭人口数", "帮扶责任人"])
    hh.append(["沙窝镇", "沙坪村", "H001", "陈大山", HEAD_ID, 3, "孙帮扶"])
    hh.append(["沙窝镇", "王湾村", "H002", "李小河", None, 2, "沈帮扶"])
    wb.save(path)
    books = read(path)
    (households,) = books.of_kind("households")

    def at(sheet: str, row: int, ref: str, kind: str) -> Finding:
        return Finding(str(path), sheet, row, None, None, "X", ref, Severity.ERROR, "……", kind=kind)

    findings = [
        at("户表", 2, "HH-53", "households"),  # ① of 沙坪村
        at("户表", 3, "HH-21", "households"),  # ③: 李小河's helper
        at("户表", 3, "HH-31", "households"),  # ⑤ 饮水 → 水利局
        at("问题整改台账", FIRST_DATA_ROW + 5, "ALL-03", "problems"),  # the ⑤ problem row
        at("户表", 1, "ALL-01", "households"),  # a header-level finding: no household, no village
    ]
    one, three, water, row5, header = assign_findings(findings, books, roster(), load_yi_map())
    assert households.sheet == "户表"
    assert (one.yi, one.person) == (1, "周组长")
    assert (three.yi, three.person, three.co_owners) == (3, "沈帮扶", ("卫队长",))
    assert (water.yi, water.units, water.person) == (5, ("水利局", "沙窝镇"), "孔局长")
    assert (row5.yi, row5.person) == (5, "施局长")
    assert header.yi == 2 and header.person is None and header.reason


def test_findings_of_a_real_check_all_get_owners_or_a_reason(tmp_path: Path) -> None:
    rows = [*ROWS, problem(category="住房安全", description="危房", village="王湾村", deadline=dt.date(2024, 5, 1))]
    path = write_problems(tmp_path / "台账.xlsx", rows)
    books, findings = check_book(path, settings=Settings(), today=AS_OF)
    assert any(f.rule == "PR-OVERDUE" for f in findings)
    result = assign_findings(findings, books, roster(), load_yi_map())
    assert len(result) == len(findings)
    for f, o in zip(findings, result, strict=True):
        assert o.person or o.reason, f
        if f.rule == "PR-OVERDUE":
            assert (o.yi, o.person) == (6, "邹组长")


# ------------------------------------------------------------------ the plan of writes
def values(path: Path, sheet: str = "问题整改台账") -> list[list[Any]]:
    book = calamine.CalamineWorkbook.from_path(str(path))
    try:
        return book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    finally:
        book.close()


def apply(path: Path, changes: list, audit: list[list[str]] | None = None) -> None:
    wb = openpyxl.load_workbook(path)
    for c in changes:
        wb[c.sheet].cell(c.row, c.col).value = c.new
    if audit is not None:
        ws = wb["操作记录"] if "操作记录" in wb.sheetnames else wb.create_sheet("操作记录")
        for row in audit:
            ws.append(row)
    wb.save(path)


def cell(grid: list[list[Any]], row: int, col: int) -> Any:
    return grid[row - 1][col - 1] if row - 1 < len(grid) and col - 1 < len(grid[row - 1]) else ""


def test_plan_fills_empty_cells_creates_missing_columns_and_never_overwrites(tmp_path: Path) -> None:
    rows = [
        problem(category="精准识别", description="漏评", village="王湾村"),  # all empty → filled
        problem(category="住房安全", description="危房", village="王湾村", person="张三", leader="张副县长"),
        problem(category="住房安全", description="危房", village="王湾村", unit="县住建局", person="施局长"),
    ]
    path = write_problems(tmp_path / "台账.xlsx", rows)
    before = values(path)
    table = problems_table(path)
    plan = plan_assignment(table, assign_problems(table, roster(), load_yi_map()), "分配-1", NOW)
    created = plan.created
    assert list(created) == ["六个一归属", "建议责任人"]
    assert created["六个一归属"] == 19  # right of the last column (备注, R)
    headers = {(c.row, c.col): c.new for c in plan.changes if c.row == 4}
    assert headers == {(4, col): name for name, col in created.items()}
    written = {(c.row, c.col) for c in plan.changes}
    r1, r2, r3 = FIRST_DATA_ROW, FIRST_DATA_ROW + 1, FIRST_DATA_ROW + 2
    assert {(r1, 11), (r1, 12), (r1, 13), (r1, 19)} <= written  # 责任单位, 责任领导, 责任人, 六个一归属
    assert (r2, 13) not in written and (r2, 12) not in written and (r3, 11) not in written and (r3, 13) not in written
    (conflict,) = plan.conflicts
    assert conflict.rule == CONFLICT_RULE and (conflict.row, conflict.cell) == (r2, f"M{r2}")
    assert conflict.message.startswith("已填责任人与建议不一致") and "张三" in conflict.message
    assert conflict.as_finding().severity is Severity.WARNING
    apply(path, plan.changes)
    after = values(path)
    assert cell(after, r2, 13) == "张三" and cell(after, r2, created["建议责任人"]) == "施局长"
    assert cell(after, r1, 13) == "冯组长" and cell(after, r1, 19) == "问题一村一村查找"
    for r in (r2, r3):
        for c in range(1, 19):
            if (r, c) not in written:
                assert cell(after, r, c) == cell(before, r, c)
    reread = problems_table(path)  # our column is read back as 六个一归属 and agrees: a rerun writes nothing
    assert reread.has("yi")
    again = plan_assignment(reread, assign_problems(reread, roster(), load_yi_map()), "分配-2", NOW)
    assert again.changes == [] and len(again.conflicts) == 1 and again.created == {}


def test_a_resolved_conflict_clears_our_old_suggestion(tmp_path: Path) -> None:
    path = write_problems(tmp_path / "台账.xlsx", [problem(category="住房安全", description="危房", person="张三")])
    table = problems_table(path)
    first = plan_assignment(table, assign_problems(table, roster(), load_yi_map()), "分配-1", NOW)
    apply(path, first.changes)
    col = first.created["建议责任人"]
    wb = openpyxl.load_workbook(path)
    wb.active.cell(FIRST_DATA_ROW, 13).value = "施局长"  # the user takes our suggestion
    wb.save(path)
    table = problems_table(path)
    second = plan_assignment(table, assign_problems(table, roster(), load_yi_map()), "分配-2", NOW)
    assert second.conflicts == []
    (clear,) = second.changes
    assert (clear.row, clear.col, clear.old, clear.new) == (FIRST_DATA_ROW, col, "施局长", None)


def test_unresolved_rows_are_reported_and_new_columns_skip_used_cells(tmp_path: Path) -> None:
    rows = [problem(category="精准识别", description="漏评", village="不存在村")]
    table = problems_table(write_problems(tmp_path / "台账.xlsx", rows))
    plan = plan_assignment(table, assign_problems(table, roster(), load_yi_map()), "分配-1", NOW, used_width=25)
    (note,) = plan.unresolved
    assert note.rule == UNRESOLVED_RULE and "不存在村" in note.message
    assert plan.created["六个一归属"] == 26
    people = {c.col for c in plan.changes if c.row == FIRST_DATA_ROW}
    assert 13 not in people  # no 责任人 could be named: nothing written there


def test_no_write_into_the_lower_part_of_a_merged_cell(tmp_path: Path) -> None:
    rows = [
        problem(category="精准识别", description="漏评", village="王湾村"),
        problem(category="精准识别", description="错评", village="沙坪村"),
    ]
    path = write_problems(tmp_path / "台账.xlsx", rows)
    wb = openpyxl.load_workbook(path)
    wb.active.merge_cells(start_row=FIRST_DATA_ROW, start_column=13, end_row=FIRST_DATA_ROW + 1, end_column=13)
    wb.save(path)
    table = problems_table(path)
    plan = plan_assignment(table, assign_problems(table, roster(), load_yi_map()), "分配-1", NOW)
    people = [(c.row, c.new) for c in plan.changes if c.col == 13]
    assert people == [(FIRST_DATA_ROW, "冯组长")]
    assert {(c.row, c.col) for c in plan.changes} >= {(FIRST_DATA_ROW + 1, 11), (FIRST_DATA_ROW + 1, 12)}
