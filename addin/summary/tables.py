"""The 汇总 content as plain data, from checked workbooks.

:func:`build_summary` is the one entry point (the CLI and the ribbon
call it): problem facts (:mod:`addin.summary.facts`) give the rectification
blocks — by 乡镇, by category with the "39类367项" comparison, by source, and
the overdue trend by month of deadline; the checker's findings give the data
quality, "两不愁三保障" gap, risk and KPI blocks (:mod:`addin.summary.quality`).

Completion rate = 已完成 / (问题总数 − 无需整改): an item found untrue is neither
done nor to be done. 逾期未完成 counts the items rule PR-OVERDUE flags at the
as-of date, so it always equals the number of PR-OVERDUE findings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from addin.check import CheckRun
from addin.ledger.definitions import Catalog, default_catalog
from addin.ledger.reader import WorkbookLedgers
from addin.rules.model import Finding
from addin.settings import Settings
from addin.summary import quality
from addin.summary.config import SummaryConfig, summary_config
from addin.summary.facts import StatusClass, household_facts, problem_facts
from addin.summary.model import Block, Chart, ChartKind, ColumnKind, SummaryTables, Value, numbered, with_total
from addin.summary.places import PlaceIndex, label, township_order

__all__ = ["STATUS_HEADER", "TREND_HEADER", "build_summary", "completion_rate", "status_counts", "summarize_run"]

STATUS_HEADER = ["问题总数", "已完成", "整改中", "未整改", "长期坚持", "无需整改", "逾期未完成", "完成率"]
_STATUS_KINDS = [ColumnKind.COUNT] * 7 + [ColumnKind.PERCENT]
_CLASSES = [StatusClass.DONE, StatusClass.IN_PROGRESS, StatusClass.NOT_STARTED, StatusClass.LONG_TERM, StatusClass.VOID]


def completion_rate(done: Value, total: Value, void: Value) -> float | None:
    """已完成 / (问题总数 − 无需整改); None (an empty cell) when nothing is to be done."""
    base = int(total or 0) - int(void or 0)
    return int(done or 0) / base if base > 0 else None


def status_counts(frame: pd.DataFrame) -> list[Value]:
    """The :data:`STATUS_HEADER` values of a group of problems."""
    counts = frame["status_class"].value_counts()
    by_class = [int(counts.get(str(c), 0)) for c in _CLASSES]
    total = len(frame)
    return [total, *by_class, int(frame["overdue"].sum()), completion_rate(by_class[0], total, by_class[4])]


def _status_rate(total: list[Value], first: int) -> Value:
    """The completion rate of a totals row whose status columns start at ``first``."""
    return completion_rate(total[first + 1], total[first], total[first + 5])


# ---------------------------------------------------------------- problem blocks
def by_township(facts: pd.DataFrame, townships: list[str]) -> Block:
    block = Block("by_township", "一、按乡镇统计整改进度", ["乡镇", *STATUS_HEADER], [ColumnKind.TEXT, *_STATUS_KINDS])
    for town in townships:
        block.rows.append([label(town), *status_counts(facts[facts["township"] == town])])
    block.note = "完成率 = 已完成 ÷（问题总数 − 无需整改）；逾期未完成 = 超过整改时限仍未完成（规则 ZG-10）。"
    return with_total(block, 1, {8: lambda t: _status_rate(t, 1)})


def by_category(facts: pd.DataFrame, config: SummaryConfig, catalog: Catalog) -> tuple[Block, Block]:
    """The category table and the comparison with the plan's "39类367项"."""
    expected = config.expected_by_category
    header = ["问题类别", *(["方案项数"] if expected else []), *STATUS_HEADER]
    kinds = [ColumnKind.TEXT, *([ColumnKind.COUNT] if expected else []), *_STATUS_KINDS]
    block = Block("by_category", "二、按问题类别统计", header, kinds)
    codes = set(facts["category_code"]) | set(expected)
    for entry in catalog.code_list("problem_category").values:
        if entry.code in codes:
            plan = [expected.get(entry.code, 0)] if expected else []
            group = facts[facts["category_code"] == entry.code]
            block.rows.append([f"{entry.code} {entry.value}", *plan, *status_counts(group)])
    unknown = facts[facts["category_code"] == ""]
    if len(unknown):
        block.rows.append(["未归类", *([0] if expected else []), *status_counts(unknown)])
    first = 2 if expected else 1
    with_total(block, 1, {first + 7: lambda t: _status_rate(t, first)})
    n_categories = int(facts.loc[facts["category_code"] != "", "category_code"].nunique())
    n_items = len(facts)
    plan = Block(
        "plan",
        f"三、与整改方案对照（{config.expected_categories}类{config.expected_items}项）",
        ["项目", "整改方案", "台账实有", "差额", "是否一致"],
        [ColumnKind.TEXT, ColumnKind.COUNT, ColumnKind.COUNT, ColumnKind.COUNT, ColumnKind.TEXT],
    )
    for name, want, have in (
        ("问题类别（类）", config.expected_categories, n_categories),
        ("问题（项）", config.expected_items, n_items),
    ):
        plan.rows.append([name, want, have, have - want, "一致" if have == want else "不一致"])
    plan.note = (
        f"台账共 {n_categories} 类 {n_items} 项，整改方案为 {config.expected_categories} 类 {config.expected_items} 项"
        "（类别按问题类别代码表计）。"
    )
    return block, plan


def by_source(facts: pd.DataFrame, catalog: Catalog) -> Block:
    block = Block("by_source", "四、按问题来源统计", ["问题来源", *STATUS_HEADER], [ColumnKind.TEXT, *_STATUS_KINDS])
    for entry in catalog.code_list("problem_source").values:
        group = facts[facts["source_code"] == entry.code]
        if len(group):
            block.rows.append([f"{entry.code} {entry.value}", *status_counts(group)])
    unknown = facts[facts["source_code"] == ""]
    if len(unknown):
        block.rows.append(["未注明来源", *status_counts(unknown)])
    return with_total(block, 1, {8: lambda t: _status_rate(t, 1)})


TREND_HEADER = ["整改时限月份", "到期问题", "按期完成", "逾期完成", "逾期未完成", "其他"]


def overdue_trend(facts: pd.DataFrame, today: dt.date, months: int) -> Block:
    """Items with a dated deadline up to the as-of month, by month of deadline (earlier months in one row).

    其他 = due in the month but neither completed with a date nor overdue now
    (无需整改, 长期坚持, done without a 完成时间, or still within the rule's grace days).
    """
    block = Block("trend", "五、逾期趋势（按整改时限月份）", TREND_HEADER, [ColumnKind.TEXT] + [ColumnKind.COUNT] * 5)
    month_end = pd.Period(today, freq="M")
    deadline = pd.to_datetime(facts["deadline"])
    dated = facts[deadline.notna() & (deadline.dt.to_period("M") <= month_end)]
    periods = pd.to_datetime(dated["deadline"]).dt.to_period("M")
    first = month_end - (months - 1)
    groups = [("更早", dated[periods < first])] if (periods < first).any() else []
    groups += [(str(p), dated[periods == p]) for p in pd.period_range(first, month_end, freq="M")]
    for name, group in groups:
        on_time, late, overdue = (int(group[c].sum()) for c in ("done_on_time", "done_late", "overdue"))
        block.rows.append([name, len(group), on_time, late, overdue, len(group) - on_time - late - overdue])
    block.note = "按整改时限所在月份统计截至统计日期已到期的问题；逾期未完成为统计日期时仍未完成的问题。"
    return with_total(block, 1)


def sources(tables: SummaryTables, number: int) -> Block:
    """The workbooks summarised, and those that could not be read (with why)."""
    block = Block("sources", numbered(number, "来源文件"), ["文件", "说明"], [ColumnKind.TEXT, ColumnKind.NOTE])
    block.rows = [[name, "已汇总"] for name in tables.sources]
    block.rows += [[name, f"无法读取，未计入：{reason}"] for name, reason in tables.failed]
    return block


# ---------------------------------------------------------------- entry points
def build_summary(
    books: Sequence[WorkbookLedgers],
    findings: Sequence[Finding],
    *,
    today: dt.date,
    settings: Settings | None = None,
    failed: Sequence[tuple[str, str]] = (),
    catalog: Catalog | None = None,
) -> SummaryTables:
    """The 汇总 of checked workbooks: ``findings`` are the checker's findings on ``books`` at ``today``."""
    settings = settings or Settings()
    catalog = catalog or default_catalog()
    config = summary_config(settings)
    places = PlaceIndex(books, catalog.code_list("townships"))
    facts = problem_facts(books, today=today, settings=settings, catalog=catalog)
    households = household_facts(books, catalog, places)
    towns = township_order(set(facts["township"]) | set(households["township"]), catalog.code_list("townships"))
    category, plan = by_category(facts, config, catalog)
    tables = SummaryTables(
        title=config.title,
        as_of=today,
        sources=[Path(b.path).name for b in books],
        failed=list(failed),
        blocks=[
            by_township(facts, towns),
            category,
            plan,
            by_source(facts, catalog),
            overdue_trend(facts, today, config.trend_months),
        ],
    )
    tables.blocks += quality.blocks(findings, facts, households, places, config, catalog, first_number=6)
    tables.blocks.append(sources(tables, number=len(tables.blocks) + 1))
    tables.charts = [
        Chart(ChartKind.BAR, "by_township", "各乡镇整改完成率", "乡镇", ("完成率",), "完成率", percent_axis=True),
        Chart(
            ChartKind.LINE, "trend", "逾期趋势（按整改时限月份）", "整改时限月份", ("逾期未完成", "逾期完成"), "问题数"
        ),
    ]
    return tables


def summarize_run(run: CheckRun, settings: Settings | None = None) -> SummaryTables:
    """The 汇总 of a ``check_paths`` batch; files that could not be read are listed, the rest summarised."""
    books = [r.ledgers for r in run.files if r.ledgers is not None and r.error is None]
    failed = [(Path(r.path).name, str(r.error)) for r in run.failed]
    findings = [f for r in run.files if r.error is None for f in r.findings]
    return build_summary(books, findings, today=run.as_of, settings=settings, failed=failed)
