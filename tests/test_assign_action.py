"""分配责任人 and 撤销上次分配 through the real xlwings remote engine (tests/helpers/remote.py).

The sample township workbook and the sample roster are the user's files; the
button's writes are replayed onto the workbook and compared with what the CLI's
``zhenggai assign`` decides for the same file, then taken back by 撤销上次分配.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from addin.chain.audit import AUDIT_SHEET, parse_audit
from addin.chain.run import assign_workbook
from addin.chain.stats import STATS_SHEET
from addin.excel import assign_action, ribbon
from addin.report.findings import FINDINGS_HEADER, FINDINGS_SHEET
from addin.resources import template_path
from addin.settings import load_settings
from tests.helpers.remote import Click, click, workbook_state

AS_OF = "2024-07-17"
USER_SHEETS = ["填表说明", "汇总", "问题整改台账", "沙窝镇", "帮扶记录", "下拉选项"]


def press(wb: openpyxl.Workbook, tag: str, path: Path) -> Click:
    return click(wb, lambda book: ribbon.dispatch(tag, book), name=str(path))


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """沙窝镇台账.xlsx with a zhenggai.json next to it naming the sample roster."""
    path = tmp_path / "沙窝镇台账.xlsx"
    shutil.copy(template_path("samples") / path.name, path)
    roster = template_path("samples") / "责任体系花名册（示例）.xlsx"
    settings = {"as_of": AS_OF, "roster": str(roster)}
    (tmp_path / "zhenggai.json").write_text(json.dumps(settings, ensure_ascii=False), encoding="utf-8")
    return path


def test_assign_writes_what_the_cli_decides_into_empty_cells_only(sample: Path) -> None:
    wb = openpyxl.load_workbook(sample)
    assert wb.sheetnames == USER_SHEETS
    before = workbook_state(wb, sheets=USER_SHEETS)
    result = press(wb, "assign_owners", sample)
    ((prompt, _title, mode),) = result.alerts
    assert mode == "info" and "分配责任人完成" in prompt and "撤销上次分配" in prompt

    run = assign_workbook(sample, settings=load_settings(near=sample), today=dt.date.fromisoformat(AS_OF))
    assert len(run.changes) > 30
    written = {(c.sheet, c.row, c.col) for c in run.changes}
    for c in run.changes:
        assert wb[c.sheet].cell(c.row, c.col).value == c.new, (c.sheet, c.cell)
        assert c.old in (None, ""), "only empty cells are written"
    after = workbook_state(wb, sheets=USER_SHEETS)
    for name in USER_SHEETS:
        for address, state in before[name]["cells"].items():
            row, col = openpyxl.utils.cell.coordinate_to_tuple(address)
            if (name, row, col) not in written:
                now = after[name]["cells"].get(address)
                assert now is not None and now[:4] == state[:4] and now[5] == state[5], f"{name}!{address} changed"
                assert now[4] == state[4] or (state[4] is None and now[4][0].startswith("整改助手检查")), address

    assert wb.sheetnames[: len(USER_SHEETS)] == USER_SHEETS
    assert {FINDINGS_SHEET, STATS_SHEET, AUDIT_SHEET} <= set(wb.sheetnames)
    audit = parse_audit([list(r) for r in wb[AUDIT_SHEET].iter_rows(values_only=True)])
    assert {(e.sheet, e.row, e.col) for e in audit} == written
    results = [list(r) for r in wb[FINDINGS_SHEET].iter_rows(values_only=True)]
    assert results[0] == FINDINGS_HEADER and len(results) - 1 == len(run.findings) + len(run.notes)
    owner = FINDINGS_HEADER.index("责任人")
    assert all(r[owner] for r in results[1:])
    stats = [list(r) for r in wb[STATS_SHEET].iter_rows(values_only=True)]
    assert any(r[0] == "合计" for r in stats)


def test_undo_gives_back_the_workbook_exactly_and_only_once(sample: Path) -> None:
    wb = openpyxl.load_workbook(sample)
    before = workbook_state(wb, sheets=USER_SHEETS)
    press(wb, "assign_owners", sample)
    assert workbook_state(wb, sheets=USER_SHEETS) != before
    result = press(wb, "undo_assignment", sample)
    assert "已撤销分配批次" in result.alerts[0][0]
    press(wb, "clear_marks", sample)  # the marks and notes are 检查台账's, taken away by 清除标记
    after = workbook_state(wb, sheets=USER_SHEETS)
    assert after.pop("sheets")[: len(USER_SHEETS)] == before.pop("sheets")
    assert after == before, "every user sheet is back as it was"
    assert wb.sheetnames[len(USER_SHEETS) :] == [STATS_SHEET, AUDIT_SHEET], "our own sheets stay"

    audit = parse_audit([list(r) for r in wb[AUDIT_SHEET].iter_rows(values_only=True)])
    assert any(e.undoes for e in audit), "the undo itself is recorded"
    state = workbook_state(wb)
    again = press(wb, "undo_assignment", sample)
    assert again.funcs == ["alert"] and "没有尚未撤销的分配" in again.alerts[0][0]
    assert workbook_state(wb) == state


def test_undo_leaves_a_cell_the_user_changed_since(sample: Path) -> None:
    wb = openpyxl.load_workbook(sample)
    press(wb, "assign_owners", sample)
    audit = parse_audit([list(r) for r in wb[AUDIT_SHEET].iter_rows(values_only=True)])
    edited = next(e for e in audit if e.old in (None, "") and e.row > 6)
    wb[edited.sheet].cell(edited.row, edited.col).value = "王五（手工改）"
    result = press(wb, "undo_assignment", sample)
    assert f"{edited.sheet}!{edited.cell}" in result.alerts[0][0]
    assert wb[edited.sheet].cell(edited.row, edited.col).value == "王五（手工改）"
    others = [e for e in audit if (e.sheet, e.row, e.col) != (edited.sheet, edited.row, edited.col)]
    assert all(wb[e.sheet].cell(e.row, e.col).value in (None, "") for e in others if e.old in (None, ""))


def test_a_failure_midway_writes_nothing(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wb = openpyxl.load_workbook(sample)
    before = workbook_state(wb)

    def broken(*args: object) -> None:
        raise OSError("Excel stopped responding")

    monkeypatch.setattr(assign_action, "append_audit", broken)
    result = press(wb, "assign_owners", sample)
    assert result.funcs == ["alert"] and "OSError: Excel stopped responding" in result.alerts[0][0]
    assert workbook_state(wb) == before


def test_without_a_roster_the_yi_is_still_written_and_the_message_says_why(tmp_path: Path) -> None:
    path = tmp_path / "沙窝镇台账.xlsx"
    shutil.copy(template_path("samples") / path.name, path)
    (tmp_path / "zhenggai.json").write_text(json.dumps({"as_of": AS_OF}), encoding="utf-8")
    wb = openpyxl.load_workbook(path)
    result = press(wb, "assign_owners", path)
    assert "没有找到责任体系花名册" in result.alerts[0][0]
    ws = wb["问题整改台账"]
    header = [c.value for c in ws[6]]
    yi = header.index("六个一归属") + 1
    values = [ws.cell(r, yi).value for r in range(7, ws.max_row + 1)]
    assert sum(1 for v in values if v and "一" in v) >= 20
