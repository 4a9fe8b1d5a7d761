"""六个一统计 from a real messy ledger: counts by "一", totals that add up, veto candidates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from addin.chain.mapping import load_yi_map
from addin.chain.stats import STATS_SHEET, ChainStats, build_chain_stats, find_vetoes
from addin.check import check_book
from addin.ledger.reader import read_ledgers
from addin.settings import Settings
from addin.summary.layout import lay_out
from addin.summary.model import Block, ColumnKind
from tests.helpers.chain import AS_OF, problem, roster, write_problems

COUNTY = "县扶贫办"  # the ledger is the county's: a row without 乡镇 is a county-level item
PAST = dt.date(2024, 5, 31)  # before the as-of date: open items with this deadline are overdue
DONE = {"status": "已完成", "done": dt.date(2024, 4, 1), "evidence": "验收照片"}

# (what the row is, the row): the expected counts below are worked out by hand from these labels.
ROWS = [
    problem(category="精准识别", description="王湾村漏评2户", village="王湾村", source="国家成效考核", deadline=PAST),
    problem(category="精准识别", description="沙坪村错评1户", village="沙坪村", source="县督查巡查组", **DONE),
    problem(category="住房安全", description="C级危房未改造", village="王湾村", source="自查自纠", person="张三"),
    problem(
        category="住房安全",
        description="危房改造补助未发放",
        village="沙坪村",
        source="审计",
        deadline=PAST,
        found=dt.date(2024, 1, 5),
        person="张三",
    ),
    problem(category="饮水安全", description="间歇供水", village="沙坪村", source="自查自纠", remark="重大问题"),
    problem(
        category="社会保障兜底",
        description="低保户名单未公示",
        village="",
        source="省级督查",
        deadline="长期坚持",
        status="长期坚持",
    ),
    problem(
        category="精准识别",
        description="经核实不属实",
        village="王湾村",
        source="国家成效考核",
        status="无需整改",
        remark="经核实不属实",
    ),
    problem(
        category="扶贫资金与项目管理",
        description="项目资金滞留",
        village="",
        township="",
        source="审计",
        unit="县财政局",
        deadline=PAST,
    ),
]


@pytest.fixture
def stats(tmp_path: Path) -> ChainStats:
    return stats_for(tmp_path, Settings())


def stats_for(tmp_path: Path, settings: Settings) -> ChainStats:
    path = write_problems(tmp_path / "台账.xlsx", ROWS, merge_township=False, reporter=COUNTY)
    books, findings = check_book(path, settings=settings, today=AS_OF)
    return build_chain_stats([books], roster(), load_yi_map(settings), today=AS_OF, settings=settings,
                             findings=findings)  # fmt: skip


def block(stats: ChainStats, key: str) -> Block:
    return stats.tables.block(key)


def row(b: Block, *labels: str) -> dict[str, Any]:
    for r in b.rows:
        if tuple(r[: len(labels)]) == labels:
            return dict(zip(b.header, r, strict=True))
    raise KeyError(labels)


def test_every_totals_row_is_the_sum_of_its_rows_and_counts_each_problem_once(stats: ChainStats) -> None:
    for b in stats.tables.blocks:
        if b.total is None:
            continue
        for i, kind in enumerate(b.kinds):
            if kind is ColumnKind.COUNT:
                assert b.total[i] == sum(int(r[i] or 0) for r in b.rows), (b.key, b.header[i])
    for key in ("yi_township", "yi_unit", "person"):
        total = dict(zip(block(stats, key).header, block(stats, key).total, strict=True))
        assert total["问题数"] == len(ROWS)
    total = dict(zip(block(stats, "yi_township").header, block(stats, "yi_township").total, strict=True))
    assert total["问题数"] == total["未完成"] + total["长期坚持"] + total["已完成"] + total["无需整改"]
    assert (total["未完成"], total["其中逾期"], total["长期坚持"], total["已完成"], total["无需整改"]) == (
        5,
        3,
        1,
        1,
        1,
    )


def test_counts_by_yi_and_township(stats: ChainStats) -> None:
    b = block(stats, "yi_township")
    one = row(b, "①问题一村一村查找", "沙窝镇")
    assert (one["问题数"], one["未完成"], one["其中逾期"], one["已完成"], one["无需整改"]) == (3, 1, 1, 1, 1)
    five = row(b, "⑤政策一条一条落地", "沙窝镇")
    assert (five["问题数"], five["未完成"], five["其中逾期"], five["长期坚持"]) == (4, 3, 1, 1)
    county = row(b, "④资金一笔一笔审核", "县直/未注明乡镇")
    assert (county["问题数"], county["其中逾期"]) == (1, 1)


def test_overdue_agrees_with_the_overdue_rule(tmp_path: Path) -> None:
    path = write_problems(tmp_path / "台账.xlsx", ROWS, merge_township=False, reporter=COUNTY)
    _, findings = check_book(path, settings=Settings(), today=AS_OF)
    overdue = [f for f in findings if f.rule == "PR-OVERDUE"]
    stats = stats_for(tmp_path, Settings())
    total = dict(zip(block(stats, "yi_township").header, block(stats, "yi_township").total, strict=True))
    assert total["其中逾期"] == len(overdue) == 3
    graced = stats_for(tmp_path, Settings(rules={"PR-OVERDUE": {"params": {"grace_days": 60}}}))
    total = dict(zip(block(graced, "yi_township").header, block(graced, "yi_township").total, strict=True))
    assert total["其中逾期"] == 0


def test_findings_are_counted_by_yi_and_severity(stats: ChainStats, tmp_path: Path) -> None:
    path = write_problems(tmp_path / "x.xlsx", ROWS, merge_township=False, reporter=COUNTY)
    _, findings = check_book(path, settings=Settings(), today=AS_OF)
    b = block(stats, "yi_township")
    total = dict(zip(b.header, b.total, strict=True))
    errors = sum(f.severity == "error" for f in findings)
    assert (total["检查发现（错误）"], total["检查发现（警告）"]) == (errors, len(findings) - errors)
    assert block(stats, "person").total[block(stats, "person").header.index("检查发现")] == len(findings)


def test_units_and_people_in_force(stats: ChainStats) -> None:
    units = block(stats, "yi_unit")
    assert row(units, "⑤政策一条一条落地", "住建局")["问题数"] == 2  # assigned: 住建局 answers for 住房安全
    assert row(units, "④资金一笔一笔审核", "财政局")["问题数"] == 1  # typed 县财政局
    people = block(stats, "person")
    zhang = row(people, "张三")  # typed 责任人 wins over the assignment
    assert (zhang["问题数"], zhang["未完成"], zhang["其中逾期"]) == (2, 2, 1)
    assert zhang["涉及“一”"] == "⑤"
    assert zhang["最早未完成事项时间"] == "2024-01-05" and zhang["最早未完成事项"].startswith("危房改造补助未发放")
    assert row(people, "冯组长")["未完成"] == 1  # ① of 王湾村, assigned from the roster


def test_veto_candidates_are_open_higher_level_or_major_items(stats: ChainStats) -> None:
    vetoes = stats.vetoes_by_unit()
    assert list(vetoes) == ["沙窝镇"]  # the county-level 审计 item names no township
    found = {(v.yi, v.item, v.source_code) for v in vetoes["沙窝镇"]}
    assert found == {
        (1, "王湾村漏评2户", "K01"),  # 国家成效考核, open
        (5, "危房改造补助未发放", "K04"),  # 审计, open
        (5, "间歇供水", "K10"),  # 自查自纠, but marked 重大问题
    }
    reasons = {v.item: v.reason for v in vetoes["沙窝镇"]}
    assert "国家成效考核" in reasons["王湾村漏评2户"] and "重大问题" in reasons["间歇供水"]
    veto = block(stats, "veto")
    assert len(veto.rows) == 3 and "共 1 个单位、3 项" in veto.note


def test_the_veto_trigger_is_a_setting(tmp_path: Path) -> None:
    county = Settings(chain={"veto": {"sources": ["K10"], "flag_words": [], "departments": True}})
    stats = stats_for(tmp_path, county)
    found = {(v.unit, v.unit_type, v.item) for v in stats.vetoes}
    assert found == {("沙窝镇", "乡镇", "C级危房未改造"), ("沙窝镇", "乡镇", "间歇供水")}
    county = Settings(chain={"veto": {"departments": True}})
    units = {(v.unit, v.unit_type) for v in stats_for(tmp_path, county).vetoes}
    assert ("财政局", "部门") in units


def test_the_sheet_lays_out_and_is_not_read_back_as_a_ledger(stats: ChainStats, tmp_path: Path) -> None:
    layout = lay_out(stats.tables)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = STATS_SHEET
    for values in layout.cells:
        ws.append(values)
    path = tmp_path / "统计.xlsx"
    wb.save(path)
    assert ws.cell(1, 1).value == "“六个一”责任统计"
    placed = layout.placed["yi_township"]
    assert ws.cell(placed.total_row, 1).value == "合计"
    assert read_ledgers(str(path), today=AS_OF).tables == []


def test_vetoes_need_no_roster(tmp_path: Path, stats: ChainStats) -> None:
    path = write_problems(tmp_path / "无花名册.xlsx", ROWS, merge_township=False, reporter=COUNTY)
    books = read_ledgers(str(path), today=AS_OF)
    vetoes = find_vetoes([books], load_yi_map(), today=AS_OF)
    assert {(v.unit, v.yi, v.item) for v in vetoes} == {(v.unit, v.yi, v.item) for v in stats.vetoes}
