"""Departments' 资金拨付 deduction (domain §4.2 step 4) from a project-funds ledger, against numbers worked out by hand.

The workbook holds a one-item rectification ledger and a 项目资金台账; it is ranked for
May 2024 with the as-of date 2024-07-17, so every project is judged on 31 May:

* 交通运输局 — road A (100 万元) accepted 10 April, so due in full 30 days later (10 May);
  40 paid. Bridge B (50 万元) planned 1 March → 1 July, due in full 30 days after that
  (31 July): on 31 May 91 of its 152 days have passed, so 50 × 91/152 is due; 30 paid.
  Planned (100 + 50 × 91/152) / 150, actual 70 / 150 → 10 × the difference.
* 农业局 (written 县农业农村局) — a project with no dates (nothing due) and one fully paid
  without plan dates: actual ahead of plan, so no deduction.
* 财政局 — no projects: nothing to deduct, and the reason says so.
* 县供销社 / 沙窝镇人民政府 are not on the department list: noted, not counted.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from addin.check import check_book
from addin.settings import Settings
from addin.summary.month import Month
from addin.summary.ranking_run import rank_books
from tests.helpers.book import SheetSpec, write_book
from tests.helpers.ranking_books import PROBLEM_HEADER, problem_row

AS_OF = dt.date(2024, 7, 17)
MAY = Month(2024, 5)
D = dt.date

PROJECT_HEADER = [
    "序号", "项目名称", "项目类别", "乡镇", "村", "建设内容", "资金规模（万元）", "项目主管单位", "实施单位",
    "计划开工时间", "计划完工时间", "验收时间", "已拨付资金（万元）", "受益贫困户数", "带贫减贫机制", "绩效目标",
]  # fmt: skip


def project(n: int, name: str, owner: str, total: float, paid: float | None, **dates: Any) -> list[Any]:
    return [
        n, name, "基础设施", "新集镇", "王湾村", "道路桥梁建设", total, owner, "新集镇人民政府",
        dates.get("start"), dates.get("end"), dates.get("accepted"), paid, 20, "方便脱贫户出行", "通车率100%",
    ]  # fmt: skip


PROJECTS = [
    project(1, "王湾村道路A", "交通运输局", 100, 40, accepted=D(2024, 4, 10)),
    project(2, "王湾村桥梁B", "县交通局", 50, 30, start=D(2024, 3, 1), end=D(2024, 7, 1)),
    project(3, "茶园灌溉C", "县农业农村局", 20, None),
    project(4, "茶叶烘干D", "农业局", 10, 10),
    project(5, "供销网点E", "县供销社", 30, 0, accepted=D(2024, 1, 10)),
    project(6, "村部维修F", "沙窝镇人民政府", 8, 0, accepted=D(2024, 1, 10)),
]


def workbook(path: Path, projects: list[list[Any]] = PROJECTS) -> Path:
    problems = [problem_row(1, "沙窝镇", found=D(2024, 5, 6), deadline=D(2024, 8, 31), status="整改中")]
    return write_book(
        path,
        [
            SheetSpec("问题整改台账", PROBLEM_HEADER, problems, above=[["问题整改台账"]]),
            SheetSpec("项目资金", PROJECT_HEADER, projects, above=[["2024年扶贫项目资金台账"]]),
        ],
    )


def ranked(path: Path, settings: Settings | None = None):
    settings = settings or Settings()
    ledgers, findings = check_book(path, settings=settings, today=AS_OF)
    assert [t.kind for t in ledgers.tables] == ["problems", "projects"]
    return rank_books([ledgers], findings, month=MAY, as_of=AS_OF, settings=settings)


def disbursement(run, unit: str):
    (part,) = [p for p in run.ranking.position(unit).metrics.parts if p.label == "资金拨付"]
    return part


def test_the_gap_of_a_department_that_pays_behind_plan(tmp_path: Path) -> None:
    run = ranked(workbook(tmp_path / "台账.xlsx"))
    planned = (100 + 50 * 91 / 152) / 150
    part = disbursement(run, "交通运输局")
    assert part.counted and part.points == pytest.approx(10 * (planned - 70 / 150))
    assert part.detail == "：主管项目 2 个，资金规模 150 万元，按计划应拨付 87%，实际拨付 47%，差距 40%"
    position = run.ranking.position("交通运输局")
    assert position.computed == pytest.approx(100 - 10 * (planned - 70 / 150), abs=0.01)
    assert "资金拨付：主管项目 2 个" in position.reasons[0]


def test_no_deduction_when_payments_keep_up_or_there_are_no_projects(tmp_path: Path) -> None:
    run = ranked(workbook(tmp_path / "台账.xlsx"))
    agriculture = disbursement(run, "农业局")
    assert agriculture.points == 0.0 and "主管项目 2 个" in agriculture.detail and "实际拨付 33%" in agriculture.detail
    finance = disbursement(run, "财政局")
    assert finance.points == 0.0 and finance.counted
    assert finance.detail == "：项目资金台账中没有该部门主管的项目"
    assert run.ranking.position("财政局").score == 100.0


def test_units_off_the_department_list_are_noted(tmp_path: Path) -> None:
    run = ranked(workbook(tmp_path / "台账.xlsx"))
    assert "1 个项目的项目主管单位“县供销社”不在县直部门排名名单中，未计入资金拨付" in run.notes
    assert "1 个项目的项目主管单位“沙窝镇人民政府”不在县直部门排名名单中，未计入资金拨付" in run.notes


def test_the_grace_after_acceptance_is_the_county_s_pay_days(tmp_path: Path) -> None:
    """With 60 days, road A (accepted 10 April, no plan dates) is not due yet on 31 May, and bridge B
    is due 50 × 91/182 = 25: actual (70) is ahead of plan, so no deduction."""
    settings = Settings(rules={"PJ-NOT-PAID-AFTER-ACCEPT": {"params": {"pay_days": 60}}})
    part = disbursement(ranked(workbook(tmp_path / "台账.xlsx"), settings), "交通运输局")
    assert part.points == 0.0 and "按计划应拨付 17%" in part.detail


def test_without_a_project_ledger_the_part_is_not_counted(tmp_path: Path) -> None:
    path = write_book(
        tmp_path / "台账.xlsx",
        [
            SheetSpec(
                "问题整改台账",
                PROBLEM_HEADER,
                [problem_row(1, "沙窝镇", found=D(2024, 5, 6), deadline=D(2024, 8, 31), status="整改中")],
            )
        ],
    )
    ledgers, findings = check_book(path, settings=Settings(), today=AS_OF)
    run = rank_books([ledgers], findings, month=MAY, as_of=AS_OF, settings=Settings())
    part = disbursement(run, "交通运输局")
    assert not part.counted and part.detail == "：无项目资金台账，资金拨付差距未计"
