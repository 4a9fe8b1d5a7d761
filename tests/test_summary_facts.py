"""Per-problem and per-household facts (addin/summary/facts.py) on real workbooks.

A small rectification ledger holds one row of each kind a county writes (done on
time, done late, closed, overdue, ahead of its deadline, long-term, void, no status
but a completion date, no status with "正在推进", 是否销号 = 是, a row numbered in
advance); each fact is compared with what the dates say, worked out by hand, and
with the findings of the checker on the same file. As-of date 2024-07-17.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from addin.check import check_book
from addin.settings import Settings
from addin.summary.facts import (
    PROBLEM_COLUMNS,
    StatusClass,
    due_in,
    household_facts,
    households_by_township,
    month_bounds,
    open_mask,
    problem_facts,
)
from tests.helpers.book import AS_OF, SheetSpec, write_book
from tests.helpers.township_books import write_township_books

D = dt.date
HEADER = [
    "序号", "问题类别", "问题描述", "问题来源", "发现时间", "乡镇", "村", "整改措施", "牵头单位", "责任单位",
    "责任领导", "责任人", "整改时限", "整改进度", "整改进展情况", "完成时间", "佐证材料", "是否销号", "备注",
]  # fmt: skip
BASE: dict[str, Any] = {
    "category": "饮水安全",
    "description": "沙坪村3户饮水管网老化，水龙头生锈无水",
    "source": "省级督查",
    "found_date": D(2024, 3, 1),
    "township": "沙窝镇",
    "village": "沙坪村",
    "measures": "更换老化管网1.2公里，入户水表同步更换",
    "lead_unit": "县水利局",
    "resp_unit": "沙窝镇人民政府",
    "resp_leader": "王建国",
    "resp_person": "李明",
}
# (label, changes) in sheet order; the label names the case in assertions.
CASES: list[tuple[str, dict[str, Any]]] = [
    ("on_time", {"deadline": D(2024, 6, 30), "status": "已完成", "done_date": D(2024, 6, 20), "evidence": "照片"}),
    ("late", {"deadline": D(2024, 5, 31), "status": "已整改", "done_date": D(2024, 6, 10), "evidence": "验收单"}),
    ("closed", {"deadline": D(2024, 4, 30), "status": "已销号", "done_date": D(2024, 4, 20), "evidence": "照片"}),
    ("overdue", {"deadline": D(2024, 6, 30), "status": "正在整改"}),
    ("ahead", {"deadline": D(2024, 9, 30), "status": "未整改"}),
    ("long_term", {"deadline": "长期坚持", "status": "长期坚持", "measures": "每月排查一次，2024年底前全覆盖"}),
    ("void", {"deadline": D(2024, 5, 31), "status": "经核实不属实", "remark": "经县水利局核实不属实"}),
    ("no_status_done", {"deadline": D(2024, 6, 30), "done_date": D(2024, 6, 1), "evidence": "照片"}),
    ("no_status_going", {"deadline": D(2024, 7, 7), "progress_text": "正在推进，已完成一半"}),
    ("flag_closed", {"deadline": D(2024, 5, 31), "status": "整改中", "closed": "是"}),
    ("units", {"deadline": D(2024, 8, 31), "status": "整改中", "lead_unit": "县农业农村局",
               "resp_unit": "县住建局、县财政局"}),
    ("towns_only", {"deadline": D(2024, 8, 31), "status": "整改中", "lead_unit": None, "township": None}),
]  # fmt: skip
FIRST_ROW = 4  # title, 填报单位 line, header


def ledger(tmp_path: Path, *, blank_row: bool = True) -> Path:
    rows = []
    for n, (_label, changes) in enumerate(CASES, start=1):
        values = {**BASE, **changes}
        rows.append([str(n), *(values.get(k) for k in KEYS)])
    if blank_row:
        rows.append([str(len(CASES) + 1)])  # numbered in advance, nothing else: not a problem
    spec = SheetSpec(
        "问题整改台账",
        HEADER,
        rows,
        above=[["沙窝镇脱贫攻坚问题整改台账"], ["填报单位：沙窝镇人民政府"]],
    )
    return write_book(tmp_path / "沙窝镇台账.xlsx", [spec])


KEYS = [
    "category", "description", "source", "found_date", "township", "village", "measures", "lead_unit", "resp_unit",
    "resp_leader", "resp_person", "deadline", "status", "progress_text", "done_date", "evidence", "closed", "remark",
]  # fmt: skip


@pytest.fixture
def checked(tmp_path: Path) -> tuple[pd.DataFrame, list]:
    path = ledger(tmp_path)
    ledgers, findings = check_book(path, settings=Settings(), today=AS_OF)
    return problem_facts([ledgers], today=AS_OF), findings


def by_case(facts: pd.DataFrame) -> dict[str, pd.Series]:
    assert list(facts["row"]) == list(range(FIRST_ROW, FIRST_ROW + len(CASES))), "one fact per problem row, in order"
    return {label: facts.iloc[i] for i, (label, _changes) in enumerate(CASES)}


def test_every_documented_column_is_there_and_the_blank_row_is_not_a_problem(checked: tuple) -> None:
    facts, _ = checked
    assert tuple(facts.columns) == PROBLEM_COLUMNS
    assert len(facts) == len(CASES)
    assert set(facts["file"].map(lambda p: Path(p).name)) == {"沙窝镇台账.xlsx"}
    assert set(facts["sheet"]) == {"问题整改台账"}


def test_status_classes_follow_the_status_and_the_dates(checked: tuple) -> None:
    rows = by_case(checked[0])
    want = {
        "on_time": StatusClass.DONE,
        "late": StatusClass.DONE,
        "closed": StatusClass.DONE,
        "overdue": StatusClass.IN_PROGRESS,
        "ahead": StatusClass.NOT_STARTED,
        "long_term": StatusClass.LONG_TERM,
        "void": StatusClass.VOID,
        "no_status_done": StatusClass.DONE,
        "no_status_going": StatusClass.IN_PROGRESS,
        "flag_closed": StatusClass.DONE,
        "units": StatusClass.IN_PROGRESS,
        "towns_only": StatusClass.IN_PROGRESS,
    }
    assert {k: r["status_class"] for k, r in rows.items()} == {k: str(v) for k, v in want.items()}
    assert rows["closed"]["closed"] and rows["flag_closed"]["closed"] and not rows["on_time"]["closed"]
    assert rows["late"]["status"] == "已完成" and rows["void"]["status"] == "无需整改"
    assert rows["no_status_done"]["status"] == ""


def test_overdue_days_are_counted_from_the_deadline_to_the_as_of_date(checked: tuple) -> None:
    rows = by_case(checked[0])
    overdue = {k for k, r in rows.items() if r["overdue"]}
    # 正在整改 past 2024-06-30 (17 days), no status but "正在推进" past 2024-07-07 (10 days).
    assert overdue == {"overdue", "no_status_going"}
    assert rows["overdue"]["days_overdue"] == (AS_OF - D(2024, 6, 30)).days == 17
    assert rows["no_status_going"]["days_overdue"] == 10
    assert all(r["days_overdue"] == 0 for k, r in rows.items() if k not in overdue)


def test_overdue_rows_are_exactly_the_checkers_overdue_findings(checked: tuple) -> None:
    facts, findings = checked
    found = {f.row: int(re.search(r"(\d+)天", f.message).group(1)) for f in findings if f.rule == "PR-OVERDUE"}
    mine = {int(r["row"]): int(r["days_overdue"]) for _, r in facts[facts["overdue"]].iterrows()}
    assert mine == found and len(found) == 2


def test_on_time_and_late_completion(checked: tuple) -> None:
    rows = by_case(checked[0])
    assert {k for k, r in rows.items() if r["done_on_time"]} == {"on_time", "closed", "no_status_done"}
    assert {k for k, r in rows.items() if r["done_late"]} == {"late"}  # done 2024-06-10, deadline 2024-05-31
    assert not rows["flag_closed"]["done_on_time"], "closed without a completion date is not 'on time'"


def test_dates_codes_and_places(checked: tuple) -> None:
    rows = by_case(checked[0])
    first = rows["on_time"]
    assert (first["found_date"], first["deadline"], first["done_date"]) == (
        pd.Timestamp(2024, 3, 1),
        pd.Timestamp(2024, 6, 30),
        pd.Timestamp(2024, 6, 20),
    )
    assert pd.isna(rows["long_term"]["deadline"]) and rows["long_term"]["deadline_kind"] == "long_term"
    assert (first["category"], first["category_code"]) == ("饮水安全", "C12")
    assert (first["source"], first["source_code"]) == ("省级督查", "K05")
    assert first["township"] == "沙窝镇" and first["village"] == "沙坪村"
    assert rows["towns_only"]["township"] == "沙窝镇", "no 乡镇 on the row: the sheet's 填报单位 says 沙窝镇"


def test_departments_are_canonical_when_listed_and_townships_are_not_departments(checked: tuple) -> None:
    rows = by_case(checked[0])
    assert (rows["on_time"]["department"], rows["on_time"]["department_listed"]) == ("水利局", True)
    # 县农业农村局 is not on the proposed list of 18: kept as written, and the listed 住建局 wins.
    assert (rows["units"]["department"], rows["units"]["department_listed"]) == ("住建局", True)
    assert rows["units"]["units"] == ("县农业农村局", "县住建局", "县财政局")
    assert (rows["towns_only"]["department"], rows["towns_only"]["department_listed"]) == ("", False)


def test_a_countys_grace_days_change_overdue_like_they_change_the_rule(tmp_path: Path) -> None:
    path = ledger(tmp_path)
    settings = Settings(rules={"PR-OVERDUE": {"params": {"grace_days": 12}}})
    ledgers, findings = check_book(path, settings=settings, today=AS_OF)
    facts = problem_facts([ledgers], today=AS_OF, settings=settings)
    assert list(facts.loc[facts["overdue"], "row"]) == [f.row for f in findings if f.rule == "PR-OVERDUE"]
    assert facts["overdue"].sum() == 1  # 17 days > 12; 10 days is within the grace period


def test_helpers_over_the_frame(checked: tuple) -> None:
    facts = checked[0]
    rows = by_case(facts)
    assert month_bounds("2024-02") == (D(2024, 2, 1), D(2024, 2, 29))
    assert month_bounds("2023-12") == (D(2023, 12, 1), D(2023, 12, 31))
    june = facts[due_in(facts, "2024-06")]
    assert set(june["row"]) == {int(rows[k]["row"]) for k in ("on_time", "overdue", "no_status_done")}
    spring = facts[due_in(facts, (D(2024, 4, 1), D(2024, 5, 31)))]
    assert len(spring) == 4  # closed (04-30), late, void, flag_closed (05-31)
    assert set(facts.loc[open_mask(facts), "row"]) == {
        int(rows[k]["row"]) for k in ("overdue", "ahead", "no_status_going", "units", "towns_only")
    }


def test_no_problem_ledger_gives_an_empty_frame_with_the_columns() -> None:
    facts = problem_facts([], today=AS_OF)
    assert tuple(facts.columns) == PROBLEM_COLUMNS and len(facts) == 0
    assert not open_mask(facts).any() and not due_in(facts, "2024-06").any()


def test_households_per_township_across_a_folder_of_township_workbooks(tmp_path: Path) -> None:
    books = write_township_books(tmp_path / "townships", households_per_township=3, problems_per_township=2)
    read = [check_book(b.path, settings=Settings(), today=AS_OF)[0] for b in books]
    households = household_facts(read)
    assert households_by_township(households) == {b.township: b.households for b in books}
    assert households["household"].is_unique
    assert set(households["file"]) == {str(b.path) for b in books}
