"""Annual outputs from the ranking history (domain §4.2 step 8; S-9 and S-10 of §4.1).

The pure part is checked on hand-made history rows whose annual order can be
worked out by hand; the command ``zhenggai rank --year`` on months really published
from a folder of 17 township workbooks, read back with openpyxl.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from addin.chain.roster import DepartmentOwners, Roster, TownshipOwners
from addin.cli import main
from addin.summary.annual import annual_report
from addin.summary.history import HistoryRow
from addin.summary.ranking_settings import DEPARTMENT, TOWNSHIP
from tests.helpers.ranking_books import township_folder

AS_OF = "2024-07-17"


def row(
    month: str, unit: str, rank: int, score: float, *, kind: str = TOWNSHIP, veto: bool = False, bottom: bool = False
) -> HistoryRow:
    return HistoryRow(month, unit, kind, rank, score, "计算", veto, "①" if veto else "", "", "", None, "", bottom, "")


HISTORY = [
    # 2023: 沙窝镇 and 新集镇 on top
    row("2023-11", "沙窝镇", 1, 95), row("2023-11", "新集镇", 2, 90), row("2023-11", "苏河镇", 3, 85),
    row("2023-11", "卡房乡", 4, 60, bottom=True),
    # 2024: 沙窝镇 first twice; 新集镇 and 苏河镇 tie on mean rank (2.5), 新集镇 has more points
    row("2024-05", "沙窝镇", 1, 96), row("2024-05", "新集镇", 2, 91), row("2024-05", "苏河镇", 3, 80),
    row("2024-05", "卡房乡", 4, 40, veto=True, bottom=True),
    row("2024-06", "沙窝镇", 1, 94), row("2024-06", "苏河镇", 2, 88), row("2024-06", "新集镇", 3, 89),
    row("2024-06", "卡房乡", 4, 70, bottom=True),
    row("2024-06", "财政局", 1, 90, kind=DEPARTMENT), row("2024-06", "教育局", 2, 80, kind=DEPARTMENT),
]  # fmt: skip
ROSTER = Roster(
    townships={"卡房乡": TownshipOwners("卡房乡", county_leader="郑国华")},
    departments={"财政局": DepartmentOwners("财政局", head="高建设", county_leader="方志远")},
)


def test_annual_rank_by_mean_monthly_rank_then_points() -> None:
    report = annual_report(HISTORY, 2024, roster=ROSTER)
    towns = [(a.rank, a.unit, a.months, a.mean_rank) for a in report.results if a.unit_type == TOWNSHIP]
    assert towns == [(1, "沙窝镇", 2, 1.0), (2, "新集镇", 2, 2.5), (3, "苏河镇", 2, 2.5), (4, "卡房乡", 2, 4.0)]
    kafang = next(a for a in report.results if a.unit == "卡房乡")
    assert kafang.vetoes == ("2024-05",) and kafang.bottom == ("2024-05", "2024-06")
    assert [a.unit for a in report.results if a.unit_type == DEPARTMENT] == ["财政局", "教育局"]


def test_annual_rank_by_points_when_the_county_says_so() -> None:
    report = annual_report(HISTORY, 2024, roster=ROSTER, mode="score_sum")
    assert [a.unit for a in report.results if a.unit_type == TOWNSHIP] == ["沙窝镇", "新集镇", "苏河镇", "卡房乡"]
    assert next(a for a in report.results if a.unit == "新集镇").score_sum == 180.0


def test_consecutive_top_three_years_and_the_county_leaders_to_note() -> None:
    report = annual_report(HISTORY, 2024, roster=ROSTER)
    assert report.consecutive_top3 == [
        ("新集镇", TOWNSHIP, (2023, 2024)),
        ("沙窝镇", TOWNSHIP, (2023, 2024)),
        ("苏河镇", TOWNSHIP, (2023, 2024)),
    ]
    ((note,),) = [report.leaders]
    assert (note.leader, note.unit) == ("郑国华", "卡房乡")
    assert note.reasons == ("2024-05 一票否决", "2024-06 后三名")
    assert report.unnamed == []
    assert annual_report(HISTORY, 2024, roster=Roster()).unnamed == ["卡房乡"]


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("annual")
    folder = root / "各乡镇台账"
    township_folder(folder, as_of=dt.date.fromisoformat(AS_OF))
    db = root / "history.sqlite"
    for month in ("2024-05", "2024-06", "2024-07"):
        args = ["rank", "--month", month, str(folder), "--publish", "--history-db", str(db)]
        assert main([*args, "--as-of", AS_OF, "--out", str(root / "out"), "-q"]) == 0
    return root, db


def test_year_command_writes_the_annual_workbook(
    published: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root, db = published
    capsys.readouterr()
    assert main(["rank", "--year", "2024", "--history-db", str(db), "--out", str(root / "年度")]) == 0
    printed = capsys.readouterr().out
    assert "2024年度排名（3 个已发布月份，按月平均名次）" in printed
    wb = openpyxl.load_workbook(root / "年度" / "年度排名-2024.xlsx")
    assert wb.sheetnames == ["2024年度排名", "连续前三名", "县级领导提示"]
    table = list(wb["2024年度排名"].iter_rows(values_only=True))
    assert table[0][:4] == ("单位类型", "年度名次", "单位", "排名月数")
    towns = [r for r in table[1:] if r[0] == TOWNSHIP]
    assert len(towns) == 17 and [r[1] for r in towns] == list(range(1, 18))
    assert all(r[3] == 3 for r in towns)
    means = [r[4] for r in towns]
    assert means == sorted(means)
    assert f"前三名 {'、'.join(r[2] for r in towns[:3])}" in printed


def test_a_year_without_published_months_is_explained(
    published: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root, db = published
    assert main(["rank", "--year", "2023", "--history-db", str(db), "--out", str(root / "年度")]) == 2
    assert "没有 2023 年已发布的月份" in capsys.readouterr().err
