"""The ribbon's 生成汇总 through the real xlwings remote engine (tests/helpers/remote.py).

A township workbook from the sample generator is clicked; the 汇总 sheet the
button writes is compared cell by cell with the file ``zhenggai summary`` writes
for the same workbook. Data safety: a 汇总 sheet of the user's own is never
touched (the result goes to 汇总（整改助手）), our own one is replaced on a rerun,
and a failed write leaves the workbook as it was.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import PatternFill

from addin.cli import main
from addin.excel import com, marks, ribbon
from addin.summary.layout import FALLBACK_SHEET, SUMMARY_SHEET
from tests.helpers.remote import Click, click, workbook_state
from tests.helpers.township_books import TownshipBook, write_township_books

AS_OF = "2024-07-17"


@pytest.fixture(autouse=True)
def own_config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No developer settings leak in, and the support log lands in the test's folder."""
    folder = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    monkeypatch.setenv("APPDATA", str(folder))
    return folder / "zhenggai"


@pytest.fixture
def township(tmp_path: Path) -> TownshipBook:
    books = write_township_books(tmp_path / "towns", households_per_township=5, problems_per_township=6)
    book = books[2]  # 吴陈河镇: two overdue items
    (book.path.parent / "zhenggai.json").write_text(json.dumps({"as_of": AS_OF}), encoding="utf-8")
    return book


def press(wb: openpyxl.Workbook, tag: str, path: Path) -> Click:
    return click(wb, lambda book: ribbon.dispatch(tag, book), name=str(path))


def grid(ws: openpyxl.worksheet.worksheet.Worksheet) -> list[list[object]]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def with_users_summary(path: Path) -> None:
    """Add the county's own 汇总 sheet (as the bundled county sample has) and save."""
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("汇总")
    ws.append(["脱贫攻坚问题整改及帮扶情况汇总表"])
    ws.append(["序号", "乡镇", "问题总数", "已完成", "完成率"])
    ws.append([1, "吴陈河镇", 6, 2, "33.3%"])
    ws["A1"].fill = PatternFill("solid", fgColor="FFFCE4D6")
    ws.column_dimensions["B"].width = 14
    wb.save(path)


def test_the_sheet_holds_exactly_what_the_cli_writes(township: TownshipBook, tmp_path: Path) -> None:
    out = tmp_path / "cli.xlsx"
    assert main(["summary", str(township.path), "--as-of", AS_OF, "--out", str(out), "-q"]) == 0
    want = grid(openpyxl.load_workbook(out)[SUMMARY_SHEET])

    wb = openpyxl.load_workbook(township.path)
    result = press(wb, "make_summary", township.path)
    assert grid(wb[SUMMARY_SHEET]) == want
    assert result.warnings == [], "a month label or a code turned into a number on the way into Excel"
    ws = wb[SUMMARY_SHEET]
    overdue = next(r for r in want if r[0] == township.township)[7]
    assert overdue == township.overdue == 2
    assert ws.freeze_panes == "A3" and ws["A1"].font.b
    assert wb.active.title == SUMMARY_SHEET
    assert wb[marks.FLAGS_SHEET].sheet_state == "hidden"
    ((prompt, _title, mode),) = result.alerts
    assert mode == "info" and "结果在“汇总”工作表" in prompt and f"逾期未完成 {township.overdue} 项" in prompt
    assert "zhenggai summary" in prompt  # where the charts are


def test_a_rerun_replaces_our_sheet_in_place(township: TownshipBook) -> None:
    wb = openpyxl.load_workbook(township.path)
    press(wb, "make_summary", township.path)
    once = workbook_state(wb)
    order = list(wb.sheetnames)
    again = press(wb, "make_summary", township.path)
    assert again.funcs.count("addSheet") == 1 and again.funcs.count("sheetDelete") == 1
    assert list(wb.sheetnames) == order
    assert workbook_state(wb) == once, "a second run leaves exactly what one run leaves"


def test_the_users_own_summary_sheet_is_never_touched(township: TownshipBook) -> None:
    with_users_summary(township.path)
    wb = openpyxl.load_workbook(township.path)
    theirs = workbook_state(wb, sheets=[SUMMARY_SHEET])
    first = press(wb, "make_summary", township.path)
    assert FALLBACK_SHEET in wb.sheetnames
    assert "不是整改助手生成的，没有改动它" in first.alerts[0][0] and f"结果在“{FALLBACK_SHEET}”" in first.alerts[0][0]
    press(wb, "make_summary", township.path)
    assert wb.sheetnames.count(FALLBACK_SHEET) == 1 and wb.sheetnames.count(SUMMARY_SHEET) == 1
    after = workbook_state(wb, sheets=[SUMMARY_SHEET])
    assert after[SUMMARY_SHEET] == theirs[SUMMARY_SHEET]
    index = [r for r in wb[marks.FLAGS_SHEET].iter_rows(values_only=True) if r[0] == marks.KIND_SHEET]
    assert [r[1] for r in index] == [FALLBACK_SHEET]


def test_two_sheets_of_the_users_with_both_names_stop_the_button(township: TownshipBook) -> None:
    with_users_summary(township.path)
    wb = openpyxl.load_workbook(township.path)
    wb.create_sheet(FALLBACK_SHEET)["A1"] = "我们自己的另一张汇总"
    before = workbook_state(wb)
    result = press(wb, "make_summary", township.path)
    assert result.funcs == ["alert"]
    assert "为避免覆盖，没有写入汇总" in result.alerts[0][0] and "请把其中一张改名" in result.alerts[0][0]
    assert workbook_state(wb) == before


def test_checking_and_clearing_marks_in_between_keep_one_summary(township: TownshipBook) -> None:
    wb = openpyxl.load_workbook(township.path)
    press(wb, "make_summary", township.path)
    summary = grid(wb[SUMMARY_SHEET])
    press(wb, "check_ledgers", township.path)
    press(wb, "make_summary", township.path)
    assert wb.sheetnames.count(SUMMARY_SHEET) == 1 and FALLBACK_SHEET not in wb.sheetnames
    press(wb, "clear_marks", township.path)
    press(wb, "make_summary", township.path)
    assert wb.sheetnames.count(SUMMARY_SHEET) == 1 and FALLBACK_SHEET not in wb.sheetnames
    assert grid(wb[SUMMARY_SHEET]) == summary, "our own 汇总 is never read back as a ledger"


def test_our_fallback_sheet_is_reused_once_the_users_summary_is_gone(township: TownshipBook) -> None:
    with_users_summary(township.path)
    wb = openpyxl.load_workbook(township.path)
    press(wb, "make_summary", township.path)
    wb.remove(wb[SUMMARY_SHEET])  # the user deletes their own 汇总
    result = press(wb, "make_summary", township.path)
    assert FALLBACK_SHEET in wb.sheetnames and SUMMARY_SHEET not in wb.sheetnames
    assert "不是整改助手生成" not in result.alerts[0][0]


def test_a_write_failing_midway_leaves_the_workbook_as_it_was(
    township: TownshipBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    wb = openpyxl.load_workbook(township.path)
    press(wb, "make_summary", township.path)
    before = workbook_state(wb)

    def failing(*args: object, **kwargs: object) -> None:
        raise OSError("Excel stopped responding")

    monkeypatch.setattr(com, "set_column_width", failing)
    result = press(wb, "make_summary", township.path)
    assert result.funcs == ["alert"], "every queued write of the failed run must be dropped"
    assert "“生成汇总”没有完成" in result.alerts[0][0] and "工作簿保持原样" in result.alerts[0][0]
    assert workbook_state(wb) == before


def test_a_workbook_without_ledgers_is_left_alone(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.active["A1"] = "本表按月更新。"
    result = press(wb, "make_summary", tmp_path / "x.xlsx")
    assert result.funcs == ["alert"] and "没有找到可以检查的台账" in result.alerts[0][0]
    assert wb.sheetnames == ["说明"]
