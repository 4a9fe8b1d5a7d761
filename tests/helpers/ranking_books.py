"""Workbooks for the ranking tests: 17 townships' generated ledgers, and small hand-made ledgers.

:func:`township_folder` writes the 17 township workbooks of the 汇总 tests and a county
departments' ledger, small enough to check quickly. :func:`problems_book` writes a rectification ledger whose rows the
test spells out, so the expected deductions can be worked out by hand from domain
§4.2; :func:`scores_book` writes a 督查评分 sheet the way an inspection group keeps it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl

from tests.helpers.book import SheetSpec, write_book
from tests.helpers.township_books import TownshipBook, write_township_books
from tests.samples import content, ledgers
from tests.samples.generator import write_book as write_plans
from tests.samples.people import AS_OF, build_county

PROBLEM_HEADER = [
    "序号", "乡镇", "村", "问题类别", "问题描述", "问题来源", "问题等级", "发现时间", "整改措施", "牵头单位",
    "责任单位", "责任领导", "责任人", "整改时限", "整改进度", "完成时间", "佐证材料",
]  # fmt: skip


def township_folder(folder: Path, *, as_of: dt.date = AS_OF, seed: int = 5) -> list[TownshipBook]:
    """The 汇总 tests' 17 township workbooks (see :mod:`tests.helpers.township_books`) plus the county
    departments' ledger ``县直部门整改台账.xlsx``, whose items name both a township and a department."""
    books = write_township_books(folder, as_of=as_of, seed=seed, problems_per_township=8)
    rng = random.Random(seed)
    county = build_county(rng, 17 * 4, villages_per_township=2, as_of=as_of)
    items = content.problem_items(county, 36, rng, as_of=as_of, county_level=True)
    common = {"messy": False, "as_of": as_of, "people": county.county_leaders, "reporter": "县脱贫攻坚指挥部办公室"}
    write_plans(
        folder / "县直部门整改台账.xlsx",
        [ledgers.problems_plan("县直部门整改台账", items, rng, county_level=True, **common)],
    )
    return books


def problem_row(
    n: int,
    township: str,
    *,
    found: dt.date,
    deadline: Any,
    status: str,
    source: str = "自查自纠",
    severity: str | None = None,
    done: dt.date | None = None,
    evidence: str | None = "整改台账、照片",
    lead: str = "扶贫办",
    description: str | None = None,
) -> list[Any]:
    """One row under :data:`PROBLEM_HEADER` (a complete, plausible item unless told otherwise)."""
    return [
        n, township, "王湾村", "档卡信息", description or f"第{n}项：贫困户档卡信息与系统不一致", source, severity,
        found, "逐户核对档卡信息并在系统中更正", lead, f"{township}人民政府", "张县长", "李明", deadline, status,
        done, evidence if status in ("已完成", "已销号") else None,
    ]  # fmt: skip


def problems_book(path: Path, rows: Sequence[Sequence[Any]], *, title: str = "问题整改台账") -> Path:
    """A one-sheet workbook: a title line, the header and ``rows``."""
    return write_book(path, [SheetSpec("问题整改台账", PROBLEM_HEADER, rows, above=[[title]])])


def scores_book(path: Path, rows: Sequence[Sequence[Any]], *, title: str = "全县脱贫攻坚督查评分表") -> Path:
    """A 督查评分 sheet: 月份, 督查组, 单位, 单位类型, 扣分, 得分, 一票否决, 否决事项, 备注."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "督查评分"
    ws.append([title])
    ws.append(["序号", "月份", "督查组", "单位", "单位类型", "扣分情况", "得分", "一票否决", "否决事项", "备注"])
    for n, row in enumerate(rows, start=1):
        ws.append([n, *row])
    wb.save(path)
    return path
