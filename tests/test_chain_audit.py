"""The audit sheet 操作记录: exact round trip of values, and undo of the last batch only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
import python_calamine as calamine

from addin.chain.assign import assign_problems
from addin.chain.audit import (
    AUDIT_HEADER,
    AUDIT_SHEET,
    CellChange,
    audit_rows,
    decode_value,
    edited_since,
    encode_value,
    excel_would_convert,
    new_run_id,
    parse_audit,
    read_audit,
    undo_last,
    undoable_batch,
)
from addin.chain.mapping import load_yi_map
from addin.chain.plan import plan_assignment
from tests.helpers.chain import problem, problems_table, roster, write_problems

WHEN = dt.datetime(2024, 7, 17, 9, 30, 5)
TRICKY = [
    None,
    "0012",  # text that looks like a number
    "=SUM(A1:A3)",  # text with a leading "="
    "2024-05-30",  # text that looks like a date
    "文本:张三",  # text that looks like one of our tags
    " 前后空格 ",
    12,
    12.0,
    0.1,
    -3.5e-7,
    123456789012345678,
    True,
    False,
    dt.date(2024, 5, 30),
    dt.datetime(2024, 5, 30, 8, 15, 30),
    dt.time(8, 30),
    dt.timedelta(hours=1, minutes=30),
]


@pytest.mark.parametrize("value", TRICKY, ids=repr)
def test_values_round_trip_exactly(value: Any) -> None:
    text = encode_value(value)
    back = decode_value(text)
    assert back == value and type(back) is type(value)
    assert not excel_would_convert(text)  # the stored text survives Excel's own conversions


def test_numpy_values_are_stored_as_the_python_values_they_hold() -> None:
    assert decode_value(encode_value(np.int64(7))) == 7 and decode_value(encode_value(np.float64(2.5))) == 2.5
    assert decode_value(encode_value(np.bool_(True))) is True


def test_excel_would_convert_the_raw_values() -> None:
    assert all(excel_would_convert(v) for v in ("0012", "=SUM(A1:A3)", "2024-05-30", "12.5", "TRUE", "-3"))
    assert not any(excel_would_convert(v) for v in ("张三", "沙窝镇", "", None, 12))


def grid_of(path: Path, sheet: str) -> list[list[Any]]:
    book = calamine.CalamineWorkbook.from_path(str(path))
    try:
        return book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    finally:
        book.close()


def write_cell(ws: Any, row: int, col: int, value: Any) -> None:
    """Write a value the way a careful writer does: text stays text even when it starts with "="."""
    target = ws.cell(row, col)
    target.value = value
    if isinstance(value, str) and value.startswith("="):
        target.data_type = "s"


def apply(path: Path, changes: list[CellChange], audit: list[list[str]]) -> None:
    wb = openpyxl.load_workbook(path)
    for c in changes:
        write_cell(wb[c.sheet], c.row, c.col, c.new)
    ws = wb[AUDIT_SHEET] if AUDIT_SHEET in wb.sheetnames else wb.create_sheet(AUDIT_SHEET)
    if ws.max_row == 1 and ws.cell(1, 1).value is None:
        ws.append(AUDIT_HEADER)
    for row in audit:
        ws.append(row)
    wb.save(path)


def test_undo_restores_a_sheet_exactly_through_a_real_file(tmp_path: Path) -> None:
    path = tmp_path / "台账.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表"
    originals = [v for v in TRICKY if not isinstance(v, dt.time | dt.timedelta)]
    for col, value in enumerate(originals, start=1):
        write_cell(ws, 2, col, value)
    wb.save(path)
    before = grid_of(path, "表")
    read_back = before[1]
    changes = [
        CellChange(str(path), "表", 2, col, read_back[col - 1], f"新值{col}", "测试写入")
        for col in range(1, len(originals) + 1)
    ]
    changes.append(CellChange(str(path), "表", 3, 1, None, 42.0, "测试写入"))
    changes.append(CellChange(str(path), "表", 2, 1, "新值1", "再改一次", "同一单元格改两次"))
    apply(path, changes, audit_rows(changes, "分配-1", WHEN))
    assert grid_of(path, "表") != before
    entries = parse_audit(grid_of(path, AUDIT_SHEET))
    assert len(entries) == len(changes) and entries[0].batch == "分配-1" and entries[0].when == "2024-07-17 09:30:05"
    undo = undo_last(entries, file=str(path))
    assert [(c.row, c.col) for c in undo] == [(c.row, c.col) for c in reversed(changes)]
    apply(path, undo, audit_rows(undo, "撤销-1", WHEN, undoes="分配-1"))
    after = grid_of(path, "表")
    assert after[:2] == before[:2] and all(v == "" for r in after[2:] for v in r)
    for got, want in zip(after[1], before[1], strict=True):
        assert type(got) is type(want), (got, want)


def change(sheet: str, row: int, col: int, old: Any, new: Any) -> CellChange:
    return CellChange("f.xlsx", sheet, row, col, old, new, "测试")


def test_undo_takes_only_the_newest_batch_still_in_force() -> None:
    a = [change("表", 2, 2, None, "甲"), change("表", 3, 2, None, "乙")]
    b = [change("表", 2, 3, "旧", "丙")]
    c = [change("表", 4, 2, 7.0, "丁")]
    rows = [AUDIT_HEADER, *audit_rows(a, "分配-A", WHEN), *audit_rows(b, "分配-B", WHEN)]
    entries = parse_audit(rows)
    assert undoable_batch(entries) == "分配-B"
    (undo_b,) = undo_last(entries)
    assert (undo_b.row, undo_b.col, undo_b.old, undo_b.new) == (2, 3, "丙", "旧") and "分配-B" in undo_b.reason
    rows += audit_rows([undo_b], "撤销-B", WHEN, undoes="分配-B")
    assert undoable_batch(parse_audit(rows)) == "分配-A"
    rows += audit_rows(c, "分配-C", WHEN)
    assert [(x.new, x.old) for x in undo_last(parse_audit(rows))] == [(7.0, "丁")]
    rows += audit_rows(undo_last(parse_audit(rows)), "撤销-C", WHEN, undoes="分配-C")
    undo_a = undo_last(parse_audit(rows))
    assert [(x.row, x.new) for x in undo_a] == [(3, None), (2, None)]
    rows += audit_rows(undo_a, "撤销-A", WHEN, undoes="分配-A")
    assert undo_last(parse_audit(rows)) == [] and undoable_batch(parse_audit(rows)) is None


def test_reading_is_tolerant_and_says_what_it_skipped() -> None:
    grid = [
        ["操作记录（整改台账助手自动生成，请勿修改）"],
        [],
        ["批次", "时间", "工作表", "单元格", "原值", "新值", "原因", "撤销批次", "备注"],
        ["分配-1", dt.datetime(2024, 7, 17, 9, 30), "表", "b2", "", "文本:甲", "分配", "", "用户加的列"],
        ["分配-1", "2024-07-17 09:30:00", 2024.0, "C2", 12.0, "数值:3", "分配", None],
        ["", "", "", "", "", "", "", ""],
        ["分配-1", "", "表", "第二行", "", "文本:乙", "分配", ""],
        ["分配-1", "", "表", "D2", "数值:十二", "文本:丙", "分配", ""],
        ["", "", "表", "E2", "", "文本:丁", "分配", ""],
    ]
    entries, skipped = read_audit(grid)
    assert [(e.sheet, e.cell, e.old, e.new) for e in entries] == [("表", "B2", None, "甲"), ("2024", "C2", 12.0, 3)]
    assert entries[0].when == "2024-07-17 09:30:00" and entries[0].line == 4
    assert [(s.line, s.reason[:4]) for s in skipped] == [(7, "单元格地"), (8, "取值“数"), (9, "缺少批次")]
    assert read_audit([["随便写的"]])[1][0].reason.startswith("找不到表头")
    assert read_audit([["批次", "单元格", "原值"]])[1][0].reason.startswith("表头缺少列")


def test_edited_since_spots_cells_the_user_changed_after_us() -> None:
    undo = [change("表", 2, 2, "甲", None), change("表", 3, 2, "乙", "旧")]
    now = {(2, 2): "甲", (3, 2): "用户改过"}
    (stale,) = edited_since(undo, lambda sheet, row, col: now.get((row, col)))
    assert (stale.row, stale.col) == (3, 2)


def test_an_assignment_run_is_undone_exactly(tmp_path: Path) -> None:
    rows = [
        problem(category="精准识别", description="漏评", village="王湾村"),
        problem(category="住房安全", description="危房", village="王湾村", person="张三"),
    ]
    path = write_problems(tmp_path / "台账.xlsx", rows)
    before = grid_of(path, "问题整改台账")
    table = problems_table(path)
    run = new_run_id(WHEN)
    assert run == "分配-20240717-093005" and not excel_would_convert(run)
    plan = plan_assignment(table, assign_problems(table, roster(), load_yi_map()), run, WHEN)
    apply(path, plan.changes, plan.audit_rows())
    assert grid_of(path, "问题整改台账") != before
    undo = undo_last(parse_audit(grid_of(path, AUDIT_SHEET)), file=str(path))
    assert len(undo) == len(plan.changes)
    apply(path, undo, audit_rows(undo, new_run_id(WHEN, "撤销"), WHEN, undoes=run))
    after = grid_of(path, "问题整改台账")
    width = len(before[0])
    assert [r[:width] for r in after] == before
    assert all(v == "" for r in after for v in r[width:])
