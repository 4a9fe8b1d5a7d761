"""The 易地扶贫搬迁 rules (domain.md §3.8, templates/rules/relocation.json) on real workbooks.

Each test writes a small relocation ledger (one household per row) the way townships
keep them, checks it with the library call the CLI uses, and asserts the exact cells
a rule marks, plus clean or borderline rows where it must stay silent. As-of date:
2024-07-17.
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
    ("户编号", "hh_no"),
    ("户主姓名", "head_name"),
    ("身份证号", "head_id"),
    ("搬迁\n人口", "persons"),
    ("其中建档立卡人口", "poor_persons"),
    ("搬迁类型（建档立卡/同步搬迁）", "is_poor"),
    ("乡镇", "from_town"),
    ("村", "from_village"),
    ("组", "from_group"),
    ("搬迁年度", "year"),
    ("安置方式", "mode"),
    ("安置类型", "mode_detail"),
    ("安置点名称", "site_name"),
    ("安置乡镇", "to_town"),
    ("安置村", "to_village"),
    ("安置组", "to_group"),
    ("住房面积（㎡）", "area"),
    ("装修情况", "decoration"),
    ("自筹资金（元）", "self_fund"),
    ("负债（元）", "debt"),
    ("竣工时间", "finish_date"),
    ("验收时间", "accept_date"),
    ("验收情况", "accept_result"),
    ("入住时间", "move_in_date"),
    ("旧房拆除", "old_house"),
    ("后续扶持措施", "followup"),
    ("集中安置点计划完工时间", "site_plan_finish"),
    ("是否具备入住条件", "site_ready"),
]

# A household resettled in the county-town site: every rule has what it needs.
BASE: dict[str, Any] = {
    "seq": "1",
    "hh_no": "411523101001",
    "head_name": "张大山",
    "head_id": make_id("19650312", 31),
    "persons": 4,
    "poor_persons": 4,
    "is_poor": "建档立卡户",
    "from_town": "新集镇",
    "from_village": "王岗村",
    "from_group": "三组",
    "year": 2018,
    "mode": "集中安置",
    "mode_detail": "县城安置",
    "site_name": "幸福家园小区",
    "to_town": "城关街道",
    "to_village": "幸福社区",
    "to_group": "3号楼",
    "area": 100,
    "decoration": "简装",
    "self_fund": 3000,
    "debt": 0,
    "finish_date": D(2018, 10, 30),
    "accept_date": D(2018, 11, 20),
    "accept_result": "合格",
    "move_in_date": D(2018, 12, 15),
    "old_house": "已拆除",
    "followup": "扶贫车间就业1人，公益岗位1人",
    "site_plan_finish": D(2018, 10, 31),
    "site_ready": "是",
}

# A household resettled by itself in another village (插花安置).
SCATTERED: dict[str, Any] = {
    **BASE,
    "mode": "分散安置",
    "mode_detail": "插花安置",
    "site_name": None,
    "to_town": "新集镇",
    "to_village": "柳林村",
    "to_group": "五组",
    "site_plan_finish": None,
    "site_ready": None,
}


def row(base: dict[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
    return {**(base or BASE), **changes}


def cell(key: str, excel_row: int, columns: list[tuple[str, str]] = COLUMNS) -> str:
    return keyed_cell(columns, key, excel_row)


def spec(*rows: dict[str, Any], columns: list[tuple[str, str]] = COLUMNS) -> SheetSpec:
    return keyed_sheet("易地扶贫搬迁台账", columns, rows, text_keys=("head_id", "hh_no"))


def check(tmp_path: Path, *rows: dict[str, Any], settings: Settings | None = None) -> Checked:
    return check_sheets(tmp_path, spec(*rows), settings=settings)


def rl_rules(checked: Checked) -> set[str]:
    return {f.rule for f in checked.findings if f.rule.startswith("RL-")}


# ------------------------------------------------------------------ clean ledger
def test_clean_realistic_ledger_raises_nothing(tmp_path: Path) -> None:
    rows = [row(seq=str(i + 1), hh_no=f"4115231010{i + 1:02d}") for i in range(5)]
    rows.append(row(SCATTERED, seq="6", hh_no="411523101006", area=75, persons=3, poor_persons=3))
    rows.append(row(seq="7", hh_no="411523101007", is_poor="同步搬迁", poor_persons=0, area=140, persons=5))
    rows.append(row(seq="8", hh_no="411523101008", is_poor="低保贫困户", persons=6, poor_persons=6, area=150))
    checked = check(tmp_path, *rows)
    assert rl_rules(checked) == set()
    assert [f for f in checked.findings if f.severity == "error"] == []


# ------------------------------------------------------------------ BQ-01 / BQ-02 area
def test_rl_area_over_redline(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(area=105),  # 26.25 ㎡ per person
        row(seq="2", area=100),  # exactly 25: allowed
        row(seq="3", is_poor="同步搬迁户", poor_persons=0, area=120),  # the red line is for 建档立卡户
        row(seq="4", is_poor="一般贫困户", area=110),  # the household attribute says 建档立卡
        row(seq="5", is_poor=None, poor_persons=3, persons=3, area=80),  # only the count says so
    )
    assert checked.cells("RL-AREA-OVER-REDLINE") == {cell("area", r) for r in (2, 5, 6)}
    assert checked.by_rule("RL-AREA-OVER-REDLINE")[0].message == "人均住房面积26.2㎡，突破25平方米红线"


def test_rl_area_redline_uses_the_per_capita_column_when_persons_are_missing(tmp_path: Path) -> None:
    columns = [*COLUMNS, ("人均住房面积", "area_pc")]
    checked = check_sheets(
        tmp_path,
        spec(row(persons=None, area=100, area_pc=33.3), row(seq="2", area_pc=25), columns=columns),
    )
    assert checked.cells("RL-AREA-OVER-REDLINE") == {cell("area", 2, columns)}


def test_rl_area_redline_without_attribute_columns_treats_all_as_registered(tmp_path: Path) -> None:
    columns = [c for c in COLUMNS if c[1] not in ("is_poor", "poor_persons")]
    checked = check_sheets(tmp_path, spec(row(area=105), row(seq="2", area=100), columns=columns))
    assert checked.cells("RL-AREA-OVER-REDLINE") == {cell("area", 2, columns)}


def test_rl_large_household_area(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(persons=7, poor_persons=7, area=160),
        row(seq="2", persons=6, poor_persons=6, area=150),
        row(seq="3", persons=5, poor_persons=5, area=125),
    )
    assert checked.cells("RL-LARGE-HOUSEHOLD-AREA") == {cell("area", 2)}
    assert checked.by_rule("RL-LARGE-HOUSEHOLD-AREA")[0].severity == "warning"


# ------------------------------------------------------------------ BQ-03 / BQ-04 same group / village
def test_rl_same_group(tmp_path: Path) -> None:
    same_group = {"to_town": "新集镇", "to_village": "王岗", "to_group": "第3村民小组", "site_name": None}
    checked = check(
        tmp_path,
        row(SCATTERED, **same_group, accept_date=None, accept_result=None),
        row(SCATTERED, seq="2", mode_detail="本组安置", accept_date=None, accept_result="未验收"),
        row(SCATTERED, seq="3", **same_group),  # accepted on 2018-11-20
        row(SCATTERED, seq="4", mode_detail="本组安置", accept_date=None, accept_result="已验收"),
        row(SCATTERED, seq="5", to_village="王岗村", to_group="三组", to_town="沙窝镇"),  # another township
    )
    assert checked.cells("RL-SAME-GROUP") == {cell("mode_detail", 2), cell("mode_detail", 3)}
    assert checked.cells("RL-SAME-GROUP-ACCEPTED") == {cell("accept_date", 4), cell("accept_date", 5)}
    assert checked.by_rule("RL-SAME-GROUP-ACCEPTED")[0].message.startswith("本组安置已验收，应改按危房改造户管理")
    assert not {"RL-SAME-VILLAGE"} & rl_rules(checked)


def test_rl_same_village(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(SCATTERED, to_village="王岗村", to_group="七组"),
        row(SCATTERED, seq="2", mode_detail="本村安置", to_village=None, to_group=None),
        row(SCATTERED, seq="3"),
    )
    assert checked.cells("RL-SAME-VILLAGE") == {cell("to_village", 2), cell("to_village", 3)}
    assert "RL-SAME-GROUP" not in rl_rules(checked)


# ------------------------------------------------------------------ BQ-05 进城购房
def test_rl_city_purchase_luxury_or_oversize(tmp_path: Path) -> None:
    bought = {"mode": "分散安置", "mode_detail": "进城购房", "site_name": None, "site_plan_finish": None}
    checked = check(
        tmp_path,
        row(seq="1", **bought, decoration="精装修"),
        row(seq="2", **bought, area=120),
        row(seq="3", **bought),
        row(seq="4", decoration="豪华装修"),  # not a purchase: BQ-05 does not apply
    )
    assert checked.cells("RL-PURCHASE-LUXURY") == {cell("decoration", 2)}
    assert checked.cells("RL-PURCHASE-OVERSIZE") == {cell("mode_detail", 3)}
    assert checked.by_rule("RL-PURCHASE-OVERSIZE")[0].message == "进城购房超标或奢华装修，一律不认可（人均30.0㎡）"


# ------------------------------------------------------------------ BQ-06 money
def test_rl_self_fund_and_debt(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(self_fund=15000, debt=0),
        row(seq="2", self_fund=10000, debt="1.2万"),
        row(seq="3", self_fund=8000, debt=10000),
    )
    assert checked.cells("RL-SELF-FUND-HIGH") == {cell("self_fund", 2)}
    assert checked.cells("RL-DEBT-HIGH") == {cell("debt", 3)}
    assert checked.by_rule("RL-DEBT-HIGH")[0].message == "搬迁户负债超过10000元（12000元）"


def test_rl_money_in_wan_columns(tmp_path: Path) -> None:
    columns = [(h.replace("（元）", "（万元）"), k) for h, k in COLUMNS]
    checked = check_sheets(tmp_path, spec(row(self_fund=1.5, debt=0.5), columns=columns))
    assert checked.cells("RL-SELF-FUND-HIGH") == {cell("self_fund", 2)}
    assert "RL-DEBT-HIGH" not in rl_rules(checked)


# ------------------------------------------------------------------ BQ-07 site schedule
def test_rl_site_behind_schedule(tmp_path: Path) -> None:
    late = {"site_name": "茶乡新村", "site_plan_finish": D(2024, 6, 30), "finish_date": None, "year": 2024,
            "accept_date": None, "accept_result": None, "move_in_date": None, "site_ready": None}  # fmt: skip
    checked = check(
        tmp_path,
        row(seq="1", **late),
        row(seq="2", **late),  # same site: reported once
        row(seq="3", **{**late, "site_name": "栗园小区", "site_ready": "否", "finish_date": D(2024, 6, 1)}),
        row(seq="4", **{**late, "site_name": "河湾小区", "site_plan_finish": D(2024, 9, 30)}),  # not due yet
        row(seq="5", **{**late, "site_name": "枫林小区", "site_ready": "是"}),
    )
    assert checked.cells("RL-SITE-BEHIND-SCHEDULE") == {cell("site_plan_finish", 2), cell("site_plan_finish", 4)}


# ------------------------------------------------------------------ BQ-08 scattered share
def test_rl_scattered_share_per_township(tmp_path: Path) -> None:
    xinji = [row(seq=str(i), hh_no=f"41152310100{i}") for i in range(1, 4)]
    xinji += [row(SCATTERED, seq="4", hh_no="411523101004")]  # 1 of 4: 25 %
    shawo = [row(seq=str(i), hh_no=f"41152320100{i}", from_town="沙窝镇", from_village="大栗园村") for i in range(5, 9)]
    shawo += [row(SCATTERED, seq="9", hh_no="411523201009", from_town="沙窝镇", from_village="大栗园村")]  # 20 %
    checked = check(tmp_path, *xinji, *shawo)
    assert checked.cells("RL-SCATTERED-SHARE") == {cell("mode", 5)}
    assert checked.by_rule("RL-SCATTERED-SHARE")[0].message == "新集镇分散安置占比过高（25%）"


def test_rl_scattered_share_threshold_is_a_parameter(tmp_path: Path) -> None:
    rows = [row(seq=str(i), hh_no=f"41152310100{i}") for i in range(1, 4)] + [row(SCATTERED, seq="4")]
    checked = check(tmp_path, *rows, settings=Settings(params={"max_scattered_share": 0.3}))
    assert "RL-SCATTERED-SHARE" not in rl_rules(checked)


# ------------------------------------------------------------------ BQ-09 old house
def test_rl_old_house_standing(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(old_house="未拆除"),
        row(seq="2", old_house=None),
        row(seq="3", old_house="否", move_in_date=D(2024, 1, 10), finish_date=D(2023, 12, 1),
            accept_date=D(2023, 12, 20)),  # moved in six months ago: still in time
        row(seq="4", old_house="是"),
    )  # fmt: skip
    assert checked.cells("RL-OLD-HOUSE-STANDING") == {cell("old_house", 2), cell("old_house", 3)}
    assert "入住已67个月" in checked.by_rule("RL-OLD-HOUSE-STANDING")[0].message


# ------------------------------------------------------------------ BQ-10 / BQ-11
def test_rl_not_registered(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(is_poor="一般群众"),
        row(seq="2", is_poor=None, poor_persons=None),
        row(seq="3", is_poor=None, poor_persons=0, area=80),
        row(seq="4", is_poor="同步搬迁"),
        row(seq="5", is_poor="特困供养脱贫户"),
    )
    assert checked.cells("RL-NOT-REGISTERED") == {cell("is_poor", r) for r in (2, 3, 4)}
    assert "“一般群众”" in checked.by_rule("RL-NOT-REGISTERED")[0].message


def test_rl_no_followup(tmp_path: Path) -> None:
    columns = [*COLUMNS, ("稳定就业人数", "employed")]
    checked = check_sheets(
        tmp_path,
        spec(row(followup=None), row(seq="2", followup="无", employed=2), row(seq="3", followup="/"), columns=columns),
    )
    assert checked.cells("RL-NO-FOLLOWUP") == {cell("followup", 2, columns), cell("followup", 4, columns)}


# ------------------------------------------------------------------ BQ-12 dates
def test_rl_move_in_or_acceptance_before_finish(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(move_in_date=D(2018, 10, 1)),
        row(seq="2", accept_date=D(2018, 10, 20)),
        row(seq="3", move_in_date="2018年10月"),  # the month of completion: cannot tell, accepted
        row(seq="4", move_in_date=D(2018, 10, 30), accept_date=D(2018, 10, 30)),
    )
    assert checked.cells("RL-MOVE-IN-BEFORE-FINISH") == {cell("move_in_date", 2)}
    assert checked.cells("RL-ACCEPT-BEFORE-FINISH") == {cell("accept_date", 3)}
    assert checked.by_rule("RL-MOVE-IN-BEFORE-FINISH")[0].message == (
        "入住/验收时间早于竣工时间（入住2018-10-01，竣工2018-10-30）"
    )


# ------------------------------------------------------------------ BQ-13
def test_rl_scattered_not_moved_in(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(SCATTERED, move_in_date=None),
        row(SCATTERED, seq="2", move_in_date=None, year=2025, finish_date=None, accept_date=None),  # planned
        row(seq="3", move_in_date=None),  # 集中安置: the keys count
        row(SCATTERED, seq="4"),
    )
    assert checked.cells("RL-SCATTERED-NOT-MOVED-IN") == {cell("move_in_date", 2)}
