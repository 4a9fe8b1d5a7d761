"""The ribbon button 月度排名 on a real .xlsx through the xlwings remote engine (tests/helpers/remote.py).

The 排名 sheet it writes must hold the same values as ``zhenggai rank`` writes for
the same file and month; a 排名 sheet of the user's must never be touched; a
rerun replaces our own sheet; the history is read, never written.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from addin.cli import main
from addin.excel import marks, ribbon
from addin.summary.history import DEFAULT_NAME
from addin.summary.ladder import sanction_for
from addin.summary.ranking_sheet import FALLBACK_SHEET, RANKING_SHEET, header
from tests.helpers.ranking_books import PROBLEM_HEADER, problem_row
from tests.helpers.remote import Click, click, workbook_state

AS_OF = "2024-07-17"
D = dt.date


@pytest.fixture(autouse=True)
def own_config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("APPDATA", str(tmp_path / "config"))


def township_book(path: Path, *, foreign_ranking: bool = False) -> Path:
    """沙窝镇's ledger for July 2024: a provincial finding still open (a veto), an overdue item, a done one."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "问题整改台账"
    ws.append(["沙窝镇脱贫攻坚问题整改台账"])
    ws.append(PROBLEM_HEADER)
    for row in (
        problem_row(1, "沙窝镇", found=D(2024, 7, 2), deadline=D(2024, 9, 30), status="整改中", source="省级督查"),
        problem_row(2, "沙窝镇", found=D(2024, 4, 2), deadline=D(2024, 6, 10), status="未整改"),
        problem_row(3, "新集镇", found=D(2024, 7, 1), deadline=D(2024, 7, 10), status="已完成", done=D(2024, 7, 8)),
    ):
        ws.append(row)
    if foreign_ranking:
        mine = wb.create_sheet(RANKING_SHEET)
        mine.append(["我们镇自己的排名表"])
        mine.append(["名次", "村", "得分"])
        mine.append([1, "王湾村", 98])
    wb.save(path)
    (path.parent / "zhenggai.json").write_text(json.dumps({"as_of": AS_OF}), encoding="utf-8")
    return path


def press(wb: openpyxl.Workbook, path: Path) -> Click:
    return click(wb, lambda book: ribbon.dispatch("monthly_ranking", book), name=str(path))


def values(ws: openpyxl.worksheet.worksheet.Worksheet) -> list[list[object]]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def cli_rows(path: Path, out: Path) -> list[list[object]]:
    assert main(["rank", "--month", "2024-07", str(path), "--out", str(out), "-q"]) == 0
    return values(openpyxl.load_workbook(out / "排名-2024-07.xlsx")[RANKING_SHEET])


def test_the_sheet_holds_the_cli_ranking_of_the_as_of_month(tmp_path: Path) -> None:
    path = township_book(tmp_path / "沙窝镇台账.xlsx")
    wb = openpyxl.load_workbook(path)
    result = press(wb, path)
    assert wb.sheetnames == ["问题整改台账", RANKING_SHEET, marks.FLAGS_SHEET]
    got = values(wb[RANKING_SHEET])
    want = cli_rows(path, tmp_path / "out")
    assert got[1] == header() and got[: len(want)] == [[None if v == "" else v for v in r] for r in want]
    rows = {r[3]: r for r in got[2 : len(want)]}
    assert rows["沙窝镇"][5] == "是" and rows["沙窝镇"][2] == 17 and "省级督查" in rows["沙窝镇"][13]
    assert rows["新集镇"][0] == "2024-07"  # the month stays text, not a date
    notes = [r[0] for r in got[len(want) :] if r[0]]
    assert notes[0] == "说明" and any("按 2024-07-17 的台账状态" in str(n) for n in notes)
    assert wb.active.title == RANKING_SHEET and wb[RANKING_SHEET].freeze_panes == "A3"
    assert wb[marks.FLAGS_SHEET].sheet_state == "hidden"
    assert result.warnings == []
    ((prompt, _title, mode),) = result.alerts
    assert mode == "info" and "2024年7月月度排名完成" in prompt and "结果在“排名”工作表" in prompt
    assert "沙窝镇" in prompt and "没有找到排名历史数据库" in prompt


def test_a_users_own_ranking_sheet_is_never_overwritten(tmp_path: Path) -> None:
    path = township_book(tmp_path / "沙窝镇台账.xlsx", foreign_ranking=True)
    wb = openpyxl.load_workbook(path)
    before = workbook_state(wb, sheets=[RANKING_SHEET])
    result = press(wb, path)
    assert workbook_state(wb, sheets=[RANKING_SHEET])[RANKING_SHEET] == before[RANKING_SHEET]
    assert FALLBACK_SHEET in wb.sheetnames and "整改台账助手生成" in wb[FALLBACK_SHEET]["A1"].value
    assert "已有的“排名”工作表不是整改助手生成的，没有改动它" in result.alerts[0][0]
    press(wb, path)  # a rerun replaces our fallback sheet, still leaving the user's alone
    assert wb.sheetnames.count(FALLBACK_SHEET) == 1
    assert workbook_state(wb, sheets=[RANKING_SHEET])[RANKING_SHEET] == before[RANKING_SHEET]


def test_a_rerun_replaces_our_sheet_and_the_record_survives_a_check(tmp_path: Path) -> None:
    path = township_book(tmp_path / "沙窝镇台账.xlsx")
    wb = openpyxl.load_workbook(path)
    press(wb, path)
    wb[RANKING_SHEET]["A5"] = "用户在我们的表上改了一格"
    click(wb, lambda book: ribbon.dispatch("check_ledgers", book), name=str(path))
    assert marks.KIND_SHEET in [r[0] for r in values(wb[marks.FLAGS_SHEET])]
    press(wb, path)
    assert wb.sheetnames.count(RANKING_SHEET) == 1 and FALLBACK_SHEET not in wb.sheetnames
    assert wb[RANKING_SHEET]["A5"].value == "2024-07"


def test_the_ladder_comes_from_the_history_which_is_never_written(tmp_path: Path) -> None:
    path = township_book(tmp_path / "沙窝镇台账.xlsx")
    db = tmp_path / DEFAULT_NAME
    for month in ("2024-05", "2024-06"):
        assert main(["rank", "--month", month, str(path), "--out", str(tmp_path / "out"), "--publish", "-q"]) == 0
    before = db.read_bytes()
    with sqlite3.connect(db) as conn:
        (earlier,) = conn.execute("SELECT COUNT(*) FROM results WHERE in_bottom = 1 AND unit = '沙窝镇'").fetchone()
    assert earlier == 1  # June (its overdue item); in May every township still had a full score
    wb = openpyxl.load_workbook(path)
    result = press(wb, path)
    assert db.read_bytes() == before
    row = next(r for r in values(wb[RANKING_SHEET]) if r[3] == "沙窝镇")
    assert row[11] == earlier + 1 and row[12] == sanction_for(earlier + 1) == "诫勉谈话"  # June + July
    assert "后三名累计次数取自排名历史" in result.alerts[0][0] and "本月未发布" in result.alerts[0][0]


def test_a_workbook_without_a_problems_ledger_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "说明.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "本表按月更新"
    wb.save(path)
    wb = openpyxl.load_workbook(path)
    before = workbook_state(wb)
    result = press(wb, path)
    assert result.funcs == ["alert"] and "没有问题整改台账或督查评分表" in result.alerts[0][0]
    assert workbook_state(wb) == before
