"""The 饮水安全 ledger (domain.md §1.9) and its rules (§3.10, templates/rules/water.json) on real workbooks.

The four indicators of 《农村饮水安全评价准则》 (quantity, convenience, guarantee rate,
quality) and the scope of renovation targets, each on a small ledger written the way
villages keep them (one household per row), checked with the library call the CLI
uses. As-of date: 2024-07-17.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from addin.settings import Settings
from tests.helpers.book import Checked, SheetSpec, check_sheets, keyed_cell, keyed_sheet
from tests.helpers.ids import make_id

D = dt.date

COLUMNS: list[tuple[str, str]] = [
    ("序号", "seq"),
    ("户主姓名", "head_name"),
    ("身份证号", "head_id"),
    ("乡镇", "township"),
    ("村", "village"),
    ("组", "group"),
    ("供水方式", "supply_mode"),
    ("是否入户", "piped"),
    ("人均日供水量（升）", "liters"),
    ("取水往返时间（分钟）", "fetch_minutes"),
    ("取水水平距离（米）", "fetch_h_dist"),
    ("取水垂直距离（米）", "fetch_v_dist"),
    ("年停水天数", "stop_days"),
    ("水质检测结果", "quality_test"),
    ("水质情况", "quality_desc"),
    ("存在问题", "problem"),
    ("整改措施", "measure"),
    ("改造对象类别", "target_cat"),
    ("完成时间", "finish_date"),
    ("验收情况", "accept_result"),
]

# An old man living alone, now on piped water: every rule has what it needs.
BASE: dict[str, Any] = {
    "seq": "1",
    "head_name": "罗长福",
    "head_id": make_id("19480923", 15),
    "township": "八里畈镇",
    "village": "王里河村",
    "group": "五组",
    "supply_mode": "集中供水",
    "piped": "是",
    "liters": 60,
    "fetch_minutes": None,
    "fetch_h_dist": None,
    "fetch_v_dist": None,
    "stop_days": 5,
    "quality_test": "合格",
    "quality_desc": "水质清澈，无异味",
    "problem": "枯水期间歇性供水",
    "measure": "新建100立方米蓄水池，管网延伸入户",
    "target_cat": "独居老人户",
    "finish_date": D(2024, 5, 30),
    "accept_result": "合格",
}

# A scattered household fetching spring water near the house.
SPRING: dict[str, Any] = {
    **BASE,
    "supply_mode": "山泉水",
    "piped": "否",
    "liters": 40,
    "fetch_minutes": 10,
    "fetch_h_dist": 300,
    "fetch_v_dist": 20,
    "quality_test": "未检测",
    "quality_desc": "看、闻、问、尝均正常，无浑浊",
    "target_cat": "五保户（吃水困难）",
}


def row(base: dict[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
    return {**(base or BASE), **changes}


def cell(key: str, excel_row: int, columns: list[tuple[str, str]] = COLUMNS) -> str:
    return keyed_cell(columns, key, excel_row)


def spec(*rows: dict[str, Any], columns: list[tuple[str, str]] = COLUMNS) -> SheetSpec:
    return keyed_sheet("饮水安全台账", columns, rows, text_keys=("head_id",))


def check(tmp_path: Path, *rows: dict[str, Any], settings: Settings | None = None) -> Checked:
    return check_sheets(tmp_path, spec(*rows), settings=settings)


def wt_rules(checked: Checked) -> set[str]:
    return {f.rule for f in checked.findings if f.rule.startswith("WT-")}


# ------------------------------------------------------------------ detection and a clean ledger
def test_messy_village_sheet_is_read_as_a_water_ledger(tmp_path: Path) -> None:
    above = [["八里畈镇农村饮水安全台账"], ["填报单位：八里畈镇人民政府", None, None, None, "填报日期：2024年7月10日"]]
    header = ["序号", "户主信息", None, "行政村", "饮水方式", "用水方便程度", None, None, None, "年断水天数",
              "水质", None, "改造对象"]  # fmt: skip
    header2 = [None, "户主", "身份证号码", None, None, "自来水是否入户", "取水时间", "水平距离", "垂直距离", None,
               "水质检测情况", "水质状况", None]  # fmt: skip
    merges = ["A1:M1", "A3:A4", "B3:C3", "D3:D4", "E3:E4", "F3:I3", "J3:J4", "K3:L3", "M3:M4"]
    rows = [
        ["1", "曹玉珍", make_id("19530817", 36), "卡房村", "山泉水", "否", 35, 1200, 95, 50, "不合格",
         "雨后浑浊", "一般农户"],
        ["2", "罗长福", make_id("19480923", 15), "王里河村", "自来水入户", "是", None, None, None, 3, "合格",
         "清澈", "独居老人户"],
    ]  # fmt: skip
    sheet = SheetSpec("Sheet1", header, rows, above=above, header2=header2, merges=merges, text_columns=[3])
    checked = check_sheets(tmp_path, sheet)
    (table,) = checked.ledgers.tables
    assert table.kind == "water"
    assert table.header_rows == [3, 4]
    assert {k: c.letter for k, c in table.columns.items()} == {
        "seq": "A", "head_name": "B", "head_id": "C", "village": "D", "supply_mode": "E", "piped": "F",
        "fetch_minutes": "G", "fetch_h_dist": "H", "fetch_v_dist": "I", "stop_days": "J", "quality_test": "K",
        "quality_desc": "L", "target_cat": "M",
    }  # fmt: skip
    assert checked.cells("WT-INCONVENIENT") == {"G5"}
    assert checked.cells("WT-SUPPLY-INTERRUPTED") == {"J5"}
    assert checked.cells("WT-QUALITY-BAD") == {"K5"}
    assert checked.cells("WT-TARGET-OUT-OF-SCOPE") == {"M5"}
    assert {f.rule for f in checked.findings if f.row == 6} & wt_rules(checked) == set()


def test_water_sheet_with_few_indicator_columns_is_still_water(tmp_path: Path) -> None:
    """Only 是否入户 / 人均日供水量 / 年停水天数 name water: the sheet is not taken for a problems list."""
    sheet = SheetSpec(
        "王里河村",
        ["户主姓名", "村", "是否入户", "人均日供水量（升）", "年停水天数", "存在问题", "整改措施"],
        [["罗长福", "王里河村", "是", 18, 40, "枯水期停水", "新建蓄水池"]],
    )
    checked = check_sheets(tmp_path, sheet)
    assert [t.kind for t in checked.ledgers.tables] == ["water"]
    assert checked.cells("WT-WATER-SHORT") == {"D2"}


def test_clean_realistic_ledger_raises_nothing(tmp_path: Path) -> None:
    rows = [row(seq=str(i + 1), head_id=make_id("19480923", 15 + i)) for i in range(4)]
    rows += [row(SPRING, seq="5", head_name="曹玉珍", head_id=make_id("19530817", 36))]
    rows += [row(SPRING, seq="6", head_name="叶成林", head_id=make_id("19620708", 32), fetch_minutes=None,
                 fetch_h_dist=None, fetch_v_dist=60, target_cat="水源地环境差")]  # fmt: skip
    checked = check(tmp_path, *rows)
    assert wt_rules(checked) == set()
    assert [f for f in checked.findings if f.severity == "error"] == []


# ------------------------------------------------------------------ YS-01 quantity
def test_wt_water_short(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(liters=28),
        row(seq="2", liters=35),  # the standard itself
        row(seq="3", liters="15"),  # a number stored as text
        row(seq="4", liters=None),
    )
    assert checked.cells("WT-WATER-SHORT") == {cell("liters", 2), cell("liters", 4)}
    assert checked.by_rule("WT-WATER-SHORT")[0].message == "水量不达标（28升/人·日，低于35升）"
    # 28 litres would be enough in a water-scarce area: the county is told it has not said which those are.
    (missing,) = checked.by_rule("WT-SCARCE-AREAS-UNSET")
    assert (missing.row, missing.cell, missing.severity) == (1, None, "warning")
    assert (
        missing.message
        == "未设置缺水地区（参数 water_scarce），本表1户人均日供水量在20～35升之间，已按丰水地区35升的标准判定"
    )


def test_wt_water_scarce_areas_from_the_sheet_or_the_settings(tmp_path: Path) -> None:
    columns = [*COLUMNS, ("水资源分区", "area_type")]
    rows = [
        row(liters=28, area_type="缺水地区"),
        row(seq="2", liters=15, area_type="缺水"),
        row(seq="3", liters=28, village="李店村", area_type=None),  # listed in water_scarce
        row(seq="4", liters=28, township="沙窝镇", village="沙坪村", area_type=None),  # its township is listed
        row(seq="5", liters=28, area_type=None),  # 王里河村 is not listed
        row(seq="6", liters=30, village="李店村", area_type="丰水地区"),  # the sheet says otherwise
    ]
    settings = Settings(params={"water_scarce": ["李店", "沙窝镇"]})
    checked = check_sheets(tmp_path, spec(*rows, columns=columns), settings=settings)
    assert checked.cells("WT-WATER-SHORT") == {cell("liters", r, columns) for r in (3, 6, 7)}
    assert checked.by_rule("WT-WATER-SHORT")[0].message == "水量不达标（15升/人·日，低于20升）"
    assert checked.by_rule("WT-SCARCE-AREAS-UNSET") == []
    county = check_sheets(
        tmp_path, spec(row(liters=28)), settings=Settings(params={"water_scarce": True}), name="全县.xlsx"
    )
    assert wt_rules(county) == set()


# ------------------------------------------------------------------ YS-02 convenience
def test_wt_inconvenient(tmp_path: Path) -> None:
    far = {"supply_mode": "山泉水", "piped": "否", "fetch_minutes": 35, "fetch_h_dist": 1200, "fetch_v_dist": 95}
    checked = check(
        tmp_path,
        row(**far),
        row(seq="2", **{**far, "fetch_minutes": 20}),  # 20 minutes is within the standard
        row(seq="3", **{**far, "fetch_v_dist": 80}),
        row(seq="4", **{**far, "piped": None, "supply_mode": "自来水入户"}),
        row(seq="5", **{**far, "fetch_minutes": None, "fetch_h_dist": None}),  # only the height is known
        row(seq="6", **{**far, "fetch_minutes": None, "fetch_h_dist": None, "fetch_v_dist": None}),  # nothing known
    )
    assert checked.cells("WT-INCONVENIENT") == {cell("fetch_minutes", 2), cell("fetch_minutes", 6)}
    assert checked.by_rule("WT-INCONVENIENT")[0].message == (
        "用水方便程度不达标：未入户，取水往返时间、水平距离、垂直距离都超出标准（20分钟、800米、80米）"
    )


def test_wt_inconvenient_points_at_the_first_distance_column_the_sheet_has(tmp_path: Path) -> None:
    columns = [c for c in COLUMNS if c[1] != "fetch_minutes"]
    checked = check_sheets(tmp_path, spec(row(piped="否", fetch_h_dist=900, fetch_v_dist=100), columns=columns))
    assert checked.cells("WT-INCONVENIENT") == {cell("fetch_h_dist", 2, columns)}


# ------------------------------------------------------------------ YS-03 / YS-04 / YS-05
def test_wt_supply_interrupted(tmp_path: Path) -> None:
    checked = check(tmp_path, row(stop_days=50), row(seq="2", stop_days=36), row(seq="3", stop_days="40天"))
    assert checked.cells("WT-SUPPLY-INTERRUPTED") == {cell("stop_days", 2), cell("stop_days", 4)}
    assert checked.by_rule("WT-SUPPLY-INTERRUPTED")[0].message == "供水保障率不达标（年停水50天，超过36天）"


def test_wt_quality_bad(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(quality_test="不合格", quality_desc="清澈"),
        row(seq="2", quality_test="未检测", quality_desc="雨后水质浑浊，有异味"),
        row(seq="3", quality_test="合格", quality_desc="无浑浊、无异味、无异色"),
        row(seq="4", quality_test="合格", quality_desc="水源地浑浊问题已治理"),
        row(seq="5", quality_test="超标", quality_desc=None),
    )
    assert checked.cells("WT-QUALITY-BAD") == {
        cell("quality_test", 2),
        cell("quality_desc", 3),
        cell("quality_test", 6),
    }
    messages = {f.cell: f.message for f in checked.by_rule("WT-QUALITY-BAD")}
    assert messages[cell("quality_desc", 3)] == "水质不达标（水质情况：雨后水质浑浊，有异味）"
    assert messages[cell("quality_test", 2)] == "水质不达标（水质检测结果：不合格）"


def test_wt_target_out_of_scope(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        row(target_cat="一般农户"),
        row(seq="2", target_cat="其他"),
        row(seq="3", target_cat="五保户吃水困难"),
        row(seq="4", target_cat="水源地脏乱差"),
        row(seq="5", target_cat=None),
    )
    assert checked.cells("WT-TARGET-OUT-OF-SCOPE") == {cell("target_cat", 2), cell("target_cat", 3)}
    assert checked.by_rule("WT-TARGET-OUT-OF-SCOPE")[0].message == "饮水改造对象超出规定范围（改造对象类别：一般农户）"
    assert checked.by_rule("WT-TARGET-OUT-OF-SCOPE")[0].severity == "warning"
