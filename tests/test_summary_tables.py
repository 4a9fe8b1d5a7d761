"""The 汇总 blocks (addin/summary/tables.py, quality.py) against the checker's findings and the generator's truth.

The bundled samples (five workbooks, a whole county among them, with one deliberate
instance of every problem an injector knows) are checked once; every block's
numbers are then compared with what the findings say, counted here from the
findings themselves, and every totals row with the sum of its rows.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from addin.check import CheckRun, check_paths
from addin.errors import SchemaError
from addin.resources import template_path
from addin.rules.model import Severity
from addin.settings import Settings, load_settings
from addin.summary.config import summary_config
from addin.summary.model import Block, ColumnKind, SummaryTables
from addin.summary.tables import STATUS_HEADER, summarize_run
from tests.helpers.book import AS_OF
from tests.helpers.township_books import write_township_books

QUALITY_KINDS = {"households", "members", "visits", "loans", "relocation"}


@pytest.fixture(scope="module")
def run() -> CheckRun:
    return check_paths([template_path("samples")], settings=Settings(), today=AS_OF)


@pytest.fixture(scope="module")
def tables(run: CheckRun) -> SummaryTables:
    return summarize_run(run)


def count_findings(run: CheckRun, **where: object) -> int:
    def keep(f: object) -> bool:
        return all(getattr(f, k) == v for k, v in where.items())

    return sum(1 for f in run.findings if keep(f))


def test_every_totals_row_is_the_sum_of_its_rows(tables: SummaryTables) -> None:
    with_totals = [b for b in tables.blocks if b.total is not None]
    assert {b.key for b in with_totals} >= {"by_township", "by_category", "by_source", "trend", "gaps", "risk"}
    for block in with_totals:
        assert block.total is not None and block.total[0] == "合计"
        for i, kind in enumerate(block.kinds):
            if kind is ColumnKind.COUNT and block.total[i] is not None:
                assert block.total[i] == sum(r[i] for r in block.rows), (block.key, block.header[i])


def test_completion_rate_is_done_over_total_less_void_in_every_row(tables: SummaryTables) -> None:
    for key in ("by_township", "by_category", "by_source"):
        block = tables.block(key)
        at = {h: block.header.index(h) for h in STATUS_HEADER}
        for row in [*block.rows, block.total]:
            base = row[at["问题总数"]] - row[at["无需整改"]]
            want = row[at["已完成"]] / base if base else None
            assert row[at["完成率"]] == pytest.approx(want) if want is not None else row[at["完成率"]] is None
            parts = ("已完成", "整改中", "未整改", "长期坚持", "无需整改")
            assert sum(row[at[p]] for p in parts) == row[at["问题总数"]], (key, row)


def test_the_three_problem_views_count_the_same_problems(tables: SummaryTables) -> None:
    totals = [tables.block(k).total for k in ("by_township", "by_category", "by_source")]
    assert len({tuple(t[1:8]) for t in totals}) == 1
    plan = tables.block("plan")
    assert plan.row("问题（项）")[2] == tables.block("by_township").total[1]


def test_overdue_equals_the_checkers_overdue_findings(run: CheckRun, tables: SummaryTables) -> None:
    overdue = count_findings(run, rule="PR-OVERDUE")
    assert overdue >= 2
    assert tables.block("by_township").total[STATUS_HEADER.index("逾期未完成") + 1] == overdue
    trend = tables.block("trend")
    assert trend.total[trend.header.index("逾期未完成")] == overdue
    for row in trend.rows:
        assert row[1] == sum(row[2:6]), row


def test_data_quality_counts_the_findings_of_the_household_level_ledgers(run: CheckRun, tables: SummaryTables) -> None:
    errors = sum(1 for f in run.findings if f.kind in QUALITY_KINDS and f.severity is Severity.ERROR)
    warnings = sum(1 for f in run.findings if f.kind in QUALITY_KINDS and f.severity is Severity.WARNING)
    block = tables.block("quality_by_township")
    total = dict(zip(block.header, block.total, strict=True))
    assert (total["错误"], total["警告"]) == (errors, warnings)
    assert total["每百户错误"] == pytest.approx(errors * 100 / total["户数"])
    by_rule = tables.block("quality_by_rule")
    assert by_rule.total[by_rule.header.index("发现数")] == errors + warnings
    counted = Counter(f.ref for f in run.findings if f.kind in QUALITY_KINDS)
    for row in by_rule.rows:
        assert row[3] <= counted[row[1]], row
    assert "ZG-10" not in {r[1] for r in by_rule.rows}, "the rectification ledger has its own blocks"


def test_risk_counts_households_flagged_by_each_risk_rule(run: CheckRun, tables: SummaryTables) -> None:
    block = tables.block("risk")
    total = dict(zip(block.header, block.total, strict=True))
    low_income = {(f.file, f.sheet, f.row) for f in run.findings if f.ref == "RISK-01"}
    assert total["收入低于监测线"] == len(low_income) >= 1
    assert total["高风险户"] >= len(low_income), "RISK-01 alone makes a household 高风险"
    assert total["户数"] == tables.block("quality_by_township").total[1]


def test_kpis_count_what_their_definitions_say(run: CheckRun, tables: SummaryTables) -> None:
    kpis = {r[0]: r for r in tables.block("kpis").rows}
    prefixes = ("HH-", "RY-", "ID-")
    record_errors = sum(
        1
        for f in run.findings
        if f.severity is Severity.ERROR and any(f.rule.startswith(p) or f.ref.startswith(p) for p in prefixes)
    )
    assert kpis["档卡信息零差错"][1] == record_errors > 0
    assert kpis["档卡信息零差错"][3] == "未达标"
    category = tables.block("by_category")
    c01 = category.row("C01 精准识别")
    assert kpis["零漏评"][1] == c01[category.header.index("整改中")] + c01[category.header.index("未整改")]


def test_county_wording_and_thresholds_come_from_settings(run: CheckRun, tables: SummaryTables) -> None:
    items = tables.block("by_township").total[1]
    categories = sum(1 for r in tables.block("by_category").rows if r[0] != "未归类")
    settings = Settings(
        summary={
            "title": "新县问题整改汇总",
            "expected_categories": categories,
            "expected_items": items,
            "expected_by_category": {"C01": 20},
            "kpis": [
                {"key": "records", "label": "档卡信息零差错", "kind": "findings", "rules": ["HH-"], "max": 10_000},
                {"key": "missed", "label": "识别零差错", "kind": "open_problems", "categories": ["C01"]},
            ],
        }
    )
    tables = summarize_run(run, settings)
    assert tables.title == "新县问题整改汇总"
    plan = tables.block("plan")
    assert plan.title == f"三、与整改方案对照（{categories}类{items}项）"
    assert [r[4] for r in plan.rows] == ["一致", "一致"]
    category = tables.block("by_category")
    assert category.header[1] == "方案项数" and category.row("C01 精准识别")[1] == 20
    assert category.total[1] == 20
    assert [(r[0], r[3]) for r in tables.block("kpis").rows] == [("档卡信息零差错", "达标"), ("识别零差错", "未达标")]


def test_the_bundled_defaults_are_the_domains(tmp_path: Path) -> None:
    config = summary_config(None)
    assert (config.expected_categories, config.expected_items) == (39, 367)
    assert config.gap_rules["住房安全"][0] == "HH-30" and set(config.gap_rules["义务教育"]) == {"HH-32", "RY-04"}
    assert [k.key for k in config.kpis] == ["zero_missed", "zero_wrong_exit", "zero_record_errors"]


@pytest.mark.parametrize(
    ("summary", "path"),
    [
        ({"expected_items": "367"}, "$.summary.expected_items"),
        ({"kpis": [{"key": "x", "label": "零漏评", "kind": "count"}]}, "$.summary.kpis[0].kind"),
        ({"expected_by_category": {"精准识别": 3}}, "$.summary.expected_by_category"),
        ({"colour": "red"}, "$.summary"),
    ],
)
def test_a_mistake_in_the_summary_settings_names_its_place(tmp_path: Path, summary: dict, path: str) -> None:
    import json

    file = tmp_path / "zhenggai.json"
    file.write_text(json.dumps({"summary": summary}, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SchemaError) as err:
        load_settings(file)
    assert err.value.json_path == path


def test_gaps_and_township_rows_match_what_was_put_into_17_township_workbooks(tmp_path: Path) -> None:
    books = write_township_books(tmp_path / "townships", households_per_township=4, problems_per_township=3)
    tables = summarize_run(check_paths([tmp_path / "townships"], settings=Settings(), today=AS_OF))
    gaps = tables.block("gaps")
    by_town = {r[0]: r for r in gaps.rows}
    injected = {b.township: sum(1 for i in b.injections if i.rule == "HH-EXITED-DANGER-HOUSE") for b in books}
    assert sum(injected.values()) >= 4
    assert {t: by_town[t][gaps.header.index("住房安全")] for t in injected} == injected
    assert {t: by_town[t][1] for t in injected} == {b.township: b.households for b in books}
    township = tables.block("by_township")
    assert [r[0] for r in township.rows] == [b.township for b in books], "the 17 townships in the county's order"


def test_an_as_of_date_before_the_deadlines_means_nothing_is_overdue(run: CheckRun) -> None:
    early = check_paths([template_path("samples", "沙窝镇台账.xlsx")], settings=Settings(), today=dt.date(2023, 1, 1))
    block: Block = summarize_run(early).block("by_township")
    assert block.total[STATUS_HEADER.index("逾期未完成") + 1] == 0
