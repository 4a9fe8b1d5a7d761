"""``zhenggai rank`` end to end on a folder of 17 township workbooks (plus the county departments' ledger).

The written 排名 files are read back with openpyxl and checked against the rules of
domain §3.12 (PM-04 veto placement, PM-06 ranks follow scores, PM-07 ladder step
matches the count, PM-08 bands) and against each other across published months.
"""

from __future__ import annotations

import datetime as dt
import itertools
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from addin.cli import main
from addin.summary.history import DEFAULT_NAME
from addin.summary.ladder import sanction_for
from addin.summary.ranking_sheet import header
from tests.helpers.ranking_books import scores_book, township_folder
from tests.helpers.township_books import TownshipBook

AS_OF = "2024-07-17"
HEAD = header()
COL = {name: i for i, name in enumerate(HEAD)}


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[TownshipBook]]:
    folder = tmp_path_factory.mktemp("county") / "各乡镇台账"
    return folder, township_folder(folder, as_of=dt.date.fromisoformat(AS_OF))


@pytest.fixture
def folder(county: tuple[Path, list[TownshipBook]]) -> Path:
    return county[0]


def rank(*args: str) -> int:
    return main(["rank", "--as-of", AS_OF, "-q", *args])


def rows_of(path: Path) -> list[dict[str, object]]:
    ws = openpyxl.load_workbook(path)["排名"]
    values = list(ws.iter_rows(values_only=True))
    assert "整改台账助手生成" in str(values[0][0]) and list(values[1]) == HEAD
    return [dict(zip(HEAD, r, strict=True)) for r in values[2:]]


def check_rules(rows: list[dict[str, object]], unit_type: str, count: int) -> None:
    """PM-04, PM-06, PM-08 for one unit type, from the values in the sheet alone."""
    mine = [r for r in rows if r["单位类型"] == unit_type]
    assert len(mine) == count
    vetoed = [r["一票否决"] == "是" for r in mine]
    assert vetoed == sorted(vetoed), "a vetoed unit ranks above one without a veto"
    for a, b in itertools.pairwise(mine):
        assert a["名次"] <= b["名次"]
        if a["一票否决"] == b["一票否决"]:
            assert a["得分"] >= b["得分"]
            assert (a["名次"] == b["名次"]) <= (a["得分"] == b["得分"])
    clean = [r for r in mine if r["一票否决"] == "否"]
    if len(clean) > 4:
        cut = clean[3]["名次"]
        assert {r["单位"] for r in mine if r["等次（前4名/后4名）"] == "前4名"} == {
            r["单位"] for r in clean if r["名次"] <= cut
        }
    last4 = mine[-4]["名次"]
    assert {r["单位"] for r in mine if r["等次（前4名/后4名）"] == "后4名"} == {
        r["单位"] for r in mine if r["名次"] >= last4 and r["等次（前4名/后4名）"] != "前4名"
    }


def test_rank_a_folder_of_township_workbooks(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert rank("--month", "2024-06", str(folder), "--out", str(out), "--history-db", str(tmp_path / "h.sqlite")) == 0
    printed = capsys.readouterr().out
    rows = rows_of(out / "排名-2024-06.xlsx")
    check_rules(rows, "乡镇", 17)
    check_rules(rows, "县直部门", 18)
    assert all(r["月份"] == "2024-06" and r["备注"] for r in rows)
    top = [r["单位"] for r in rows if r["单位类型"] == "乡镇" and r["等次（前4名/后4名）"] == "前4名"]
    assert f"乡镇前4名：{top[0]}（" in printed and "排名表：" in printed
    assert "本月未发布到排名历史" in printed and not (tmp_path / "h.sqlite").exists()
    for r in rows:  # PM-07: the proposed step matches the count (n = 1, nothing published yet)
        if r["建议问责措施"]:
            assert r["单位类型"] == "乡镇" and r["后三名累计次数"] == 1 and r["建议问责措施"] == "表态发言"
    explained = openpyxl.load_workbook(out / "排名-2024-06.xlsx")["排名说明"]
    assert sum(1 for (v,) in explained.iter_rows(values_only=True) if str(v).startswith("· ")) == 18


def test_publishing_three_months_climbs_the_ladder_and_republishing_does_not_double_count(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    months = ["2024-05", "2024-06", "2024-07"]
    for month in months:
        assert rank("--month", month, str(folder), "--out", str(out), "--publish") == 0
    assert rank("--month", "2024-06", str(folder), "--out", str(out), "--publish") == 0  # re-published
    db = folder / DEFAULT_NAME  # beside the inputs by default
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT month, COUNT(*) FROM results GROUP BY month").fetchall() == [
            (m, 35) for m in months
        ]
    bottoms = {m: {r["单位"] for r in rows_of(out / f"排名-{m}.xlsx") if r["建议问责措施"]} for m in months}
    july = rows_of(out / "排名-2024-07.xlsx")
    assert "已发布到排名历史" in openpyxl.load_workbook(out / "排名-2024-07.xlsx")["排名"]["A1"].value
    for r in july:
        if r["单位类型"] != "乡镇":
            assert r["后三名累计次数"] is None
            continue
        n = sum(r["单位"] in bottoms[m] for m in months)
        assert r["后三名累计次数"] == n, r["单位"]
        assert r["建议问责措施"] == (sanction_for(n) if r["单位"] in bottoms["2024-07"] else None)
    assert any(r["后三名累计次数"] >= 2 for r in july if r["单位类型"] == "乡镇"), "the data should repeat someone"
    capsys.readouterr()
    export = tmp_path / "历史.xlsx"
    assert main(["rank", "--list", str(folder), "--export", str(export)]) == 0
    listing = capsys.readouterr().out
    assert all(f"■ {m}" in listing for m in months) and "已导出" in listing
    assert openpyxl.load_workbook(export).active.max_row == 2 + 3 * 35


def test_manual_scores_from_a_scores_workbook(folder: Path, tmp_path: Path) -> None:
    scores = scores_book(
        tmp_path / "督查评分.xlsx",
        [["2024年6月", "第一组", "新集镇", "乡镇", "暗访发现问题扣分", 61.5, "否", None, None],
         ["2024年6月", "第一组", "财政局", "县直部门", None, 99.5, "否", None, None]],
    )  # fmt: skip
    out = tmp_path / "out"
    assert rank("--month", "2024-06", str(folder), "--scores", str(scores), "--out", str(out)) == 0
    rows = {r["单位"]: r for r in rows_of(out / "排名-2024-06.xlsx")}
    assert rows["新集镇"]["得分"] == 61.5 and str(rows["新集镇"]["备注"]).startswith("督查组评分 61.5")
    assert rows["财政局"]["得分"] == 99.5


def test_a_bad_file_is_reported_and_the_rest_ranked(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "坏文件.xlsx"
    broken.write_bytes(b"PK\x03\x04 truncated")
    out = tmp_path / "out"
    assert rank("--month", "2024-06", str(broken), str(folder), "--out", str(out)) == 0
    assert "坏文件.xlsx" in capsys.readouterr().err
    assert len(rows_of(out / "排名-2024-06.xlsx")) == 35


def test_usage_mistakes_are_explained(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    assert rank(str(folder)) == 2
    assert "排名需要 --month" in capsys.readouterr().err
    assert rank("--month", "2024-13", str(folder)) == 2
    assert "月份格式应为 YYYY-MM" in capsys.readouterr().err


def test_overdue_items_written_into_the_ledgers_are_counted(
    county: tuple[Path, list[TownshipBook]], tmp_path: Path
) -> None:
    """The fixture makes ``i % 3`` items of the i-th township overdue on the as-of date (July is judged on it)."""
    folder, books = county
    out = tmp_path / "out"
    assert rank("--month", "2024-07", str(folder), "--out", str(out), "--history-db", str(tmp_path / "h.sqlite")) == 0
    rows = {r["单位"]: r for r in rows_of(out / "排名-2024-07.xlsx")}
    assert sum(b.overdue for b in books) > 0
    for b in books:
        remark = str(rows[b.township]["备注"])
        if b.overdue:
            assert f"逾期未整改 {b.overdue} 项" in remark, b.township
        else:
            assert "逾期未整改 " not in remark and "逾期未整改" in remark.split("未扣分：")[1], b.township
