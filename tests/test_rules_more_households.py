"""The household-roster rules added with issue 6 (domain §3.3 HH-34, HH-37, HH-48), on a messy
real .xlsx roster: a title and a 填报 line, a two-row header whose 收入情况 group is merged
over its columns, 乡镇/村 merged down over the households of one village, and the aliases
village clerks use (是否通电, 家庭人口, 人均收入). As-of date 2024-07-17.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from addin.ledger.table import column_letter
from addin.rules.model import Severity
from addin.settings import Settings
from tests.helpers.book import Checked, SheetSpec, check_sheets
from tests.helpers.ids import make_id

# (group header, leaf header, key); "" = a single header merged down over both header rows.
COLUMNS: list[tuple[str, str, str]] = [
    ("", "序号", "seq"),
    ("", "乡镇", "township"),
    ("", "行政村", "village"),
    ("", "户编号", "hh_no"),
    ("", "户主姓名", "head_name"),
    ("", "户主身份证号", "head_id"),
    ("", "家庭人口", "hh_size"),
    ("", "贫困户属性", "poor_attr"),
    ("", "脱贫状态", "exit_status"),
    ("", "主要致贫原因", "main_cause"),
    ("", "是否通电", "power_life"),
    ("收入情况（元）", "工资性收入", "inc_wage"),
    ("收入情况（元）", "人均收入", "inc_pc"),
    ("", "帮扶责任人", "helper"),
]
KEYS = [k for _, _, k in COLUMNS]
FIRST = 5

BASE: dict[str, Any] = {
    "seq": "1",
    "township": "新集镇",
    "village": "王岗村",
    "hh_no": "4115231010010001",
    "head_name": "胡传富",
    "head_id": make_id("19650312", 11),
    "hh_size": 4,
    "poor_attr": "一般脱贫户",
    "exit_status": "已脱贫（享受政策）",
    "main_cause": "缺技术",
    "power_life": "是",
    "inc_wage": 21000,
    "inc_pc": 7600,
    "helper": "刘海峰",
}
POOR: dict[str, Any] = {**BASE, "poor_attr": "一般贫困户", "exit_status": "未脱贫", "inc_pc": 3600}


def spec(rows: list[dict[str, Any]]) -> SheetSpec:
    top = [g or t for g, t, _ in COLUMNS]
    top[KEYS.index("inc_pc")] = None
    leaf = [t if g else None for g, t, _ in COLUMNS]
    merges = [f"{column_letter(c + 1)}3:{column_letter(c + 1)}4" for c, (g, _, _) in enumerate(COLUMNS) if not g]
    start, end = column_letter(KEYS.index("inc_wage") + 1), column_letter(KEYS.index("inc_pc") + 1)
    merges.append(f"{start}3:{end}3")
    # one village per township block: 乡镇 and 村 merged down while they repeat
    for key in ("township", "village"):
        col = column_letter(KEYS.index(key) + 1)
        first = 0
        for i in range(1, len(rows) + 1):
            if i == len(rows) or rows[i][key] != rows[first][key]:
                if i - first > 1:
                    merges.append(f"{col}{FIRST + first}:{col}{FIRST + i - 1}")
                first = i
    body = []
    for i, r in enumerate(rows):
        line = [r.get(k) for k in KEYS]
        for key in ("township", "village"):  # merged cells keep only their first value
            if i and rows[i - 1][key] == r[key]:
                line[KEYS.index(key)] = None
        body.append(line)
    return SheetSpec(
        "王岗村花名册",
        top,
        body,
        above=[["新集镇建档立卡户花名册"], ["填报单位：新集镇人民政府", None, None, None, "填报日期：2024年7月10日"]],
        header2=leaf,
        merges=merges,
        text_columns=[KEYS.index("hh_no") + 1, KEYS.index("head_id") + 1],
    )


def hh(n: int, base: dict[str, Any] = BASE, **changes: Any) -> dict[str, Any]:
    return {
        **base,
        "seq": str(n),
        "hh_no": f"41152310100100{n:02d}",
        "head_id": make_id("19650312", 10 + n),
        **changes,
    }


def check(tmp_path: Path, *rows: dict[str, Any], settings: Settings | None = None, name: str = "台账.xlsx") -> Checked:
    return check_sheets(tmp_path, spec(list(rows)), settings=settings, name=name)


def cell(key: str, n: int) -> str:
    return f"{column_letter(KEYS.index(key) + 1)}{FIRST + n - 1}"


def test_the_messy_roster_is_read_with_its_merged_villages(tmp_path: Path) -> None:
    checked = check(tmp_path, hh(1), hh(2), hh(3, village="张湾村"))
    (table,) = checked.ledgers.tables
    assert table.kind == "households" and table.header_rows == [3, 4]
    assert table.values("village").tolist() == ["王岗村", "王岗村", "张湾村"]
    assert {"power_life", "inc_pc", "hh_size"} <= set(table.columns)


# ------------------------------------------------------------------ HH-34
def test_hh_exited_household_without_electricity(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        hh(1, power_life="否"),
        hh(2, power_life="×"),
        hh(3, POOR, power_life="否"),  # not exited: HH-34 is about 脱贫户
        hh(4, power_life=None),
        hh(5),
    )
    assert checked.cells("HH-EXITED-NO-POWER") == {cell("power_life", 1), cell("power_life", 2)}
    assert checked.by_rule("HH-EXITED-NO-POWER")[0].severity == Severity.WARNING


# ------------------------------------------------------------------ HH-37
def test_hh_general_poor_household_above_the_line(tmp_path: Path) -> None:
    checked = check(
        tmp_path,
        hh(1, POOR, inc_pc=5200),
        hh(2, POOR, inc_pc=5200, main_cause="因残"),  # rigid costs explain it
        hh(3, POOR, inc_pc=5200, poor_attr="低保贫困户"),  # 低保 households are not 一般
        hh(4, POOR, inc_pc=3900),  # below the 2020 line of 4000
        hh(5, inc_pc=5200),  # exited
        hh(6, POOR, inc_pc=4100, main_cause=None),
    )
    assert checked.cells("HH-GENERAL-ABOVE-LINE") == {cell("inc_pc", 1), cell("inc_pc", 6)}
    assert checked.by_rule("HH-GENERAL-ABOVE-LINE")[0].message.startswith(
        "一般贫困户人均纯收入5200元已超过扶贫标准4000元，致贫原因（缺技术）又不是因病、因残、因学"
    )
    assert "HH-NO-POVERTY-LINE" not in {f.rule for f in checked.findings}


def test_hh_poverty_line_is_a_county_setting(tmp_path: Path) -> None:
    settings = Settings(params={"poverty_line": {"2023": 5500, "2024": 6000}})
    checked = check(tmp_path, hh(1, POOR, inc_pc=5200), hh(2, POOR, inc_pc=6100), settings=settings)
    assert checked.cells("HH-GENERAL-ABOVE-LINE") == {cell("inc_pc", 2)}


def test_hh_missing_poverty_line_is_reported_once_per_sheet(tmp_path: Path) -> None:
    settings = Settings(params={"poverty_line": {"2025": 4500}})
    checked = check(
        tmp_path,
        hh(1, inc_pc=5200),  # exited: the line is not needed
        hh(2, POOR, inc_pc=5200),
        hh(3, POOR, inc_pc=3000),
        settings=settings,
    )
    (finding,) = checked.by_rule("HH-NO-POVERTY-LINE")
    assert finding.cell == cell("inc_pc", 2)
    assert finding.message == "未设置2024年的扶贫标准（设置项 params.poverty_line），本表一般贫困户收入是否超标未核对"
    assert checked.by_rule("HH-GENERAL-ABOVE-LINE") == []


# ------------------------------------------------------------------ HH-48
def test_hh_large_household_is_an_info(tmp_path: Path) -> None:
    checked = check(tmp_path, hh(1, hh_size=7), hh(2, hh_size=6), hh(3, hh_size="9人"), hh(4))
    assert checked.cells("HH-LARGE-HOUSEHOLD") == {cell("hh_size", 1), cell("hh_size", 3)}
    finding = checked.by_rule("HH-LARGE-HOUSEHOLD")[0]
    assert finding.severity == Severity.INFO and not finding.severity.reported
    assert finding.message == "一户7人（不少于7人），请核实是否应分户"
    wider = check(tmp_path, hh(1, hh_size=8), settings=Settings(params={"large_household": 9}), name="九人.xlsx")
    assert wider.by_rule("HH-LARGE-HOUSEHOLD") == []


def test_clean_roster_raises_none_of_these(tmp_path: Path) -> None:
    checked = check(tmp_path, hh(1), hh(2, POOR), hh(3, POOR, main_cause="因病", inc_pc=4600))
    mine = {"HH-EXITED-NO-POWER", "HH-GENERAL-ABOVE-LINE", "HH-NO-POVERTY-LINE", "HH-LARGE-HOUSEHOLD"}
    assert {f.rule for f in checked.findings} & mine == set()
