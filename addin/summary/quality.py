"""The 汇总 blocks counted from the checker's findings: data quality, "两不愁三保障" gaps, risk, KPIs.

Each finding is placed by :class:`~addin.summary.places.PlaceIndex` (township and
household of its row), so these blocks count exactly the findings ``check_book``
returned — nothing is re-checked here.

* data quality: findings of the ledgers named in ``summary.quality_ledgers`` per 100
  households of each township, errors and warnings apart, and per rule;
* gaps: households with a finding of a rule listed under each guarantee in
  ``summary.gap_rules`` (住房 HH-30, 饮水 HH-31, 义务教育 HH-32/RY-04, 基本医疗 HH-33/RY-21);
* risk: households flagged by RISK-01…06, and the combined level :func:`addin.risk.level_of`
  gives for their RISK-01…04 flags (RISK-07 is a whole-sheet statistic, not a household);
* KPIs (domain §2.2): each indicator's count against its maximum, as 达标/未达标.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import pandas as pd

from addin.ledger.definitions import Catalog
from addin.risk import RiskFlag, RiskLevel, level_of
from addin.rules.catalog import default_rules
from addin.rules.model import Finding, Severity
from addin.summary.config import Kpi, SummaryConfig, rule_matches
from addin.summary.facts import households_by_township, open_mask
from addin.summary.model import Block, ColumnKind, Value, numbered, with_total
from addin.summary.places import Place, PlaceIndex, label, township_order

RISK_REFS = {
    "RISK-01": "收入低于监测线",
    "RISK-02": "转移性收入占比高",
    "RISK-03": "有大病患者",
    "RISK-04": "无劳动力",
    "RISK-05": "收入连续下降",
    "RISK-06": "刚性支出大或收入骤减",
}
"""Household-level risk rules (domain §5.2) and their column labels."""
_FLAGS = frozenset(f.value for f in RiskFlag)


def per_hundred(count: Value, households: Value) -> float | None:
    """Findings per 100 households; None (an empty cell) where there are no households."""
    return int(count or 0) * 100 / int(households) if households else None


def quality_by_township(
    findings: Sequence[Finding], places: Sequence[Place], households: dict[str, int], towns: list[str], number: int
) -> Block:
    header = ["乡镇", "户数", "错误", "警告", "每百户错误", "每百户警告"]
    kinds = [ColumnKind.TEXT, ColumnKind.COUNT, ColumnKind.COUNT, ColumnKind.COUNT, ColumnKind.RATE, ColumnKind.RATE]
    block = Block("quality_by_township", numbered(number, "数据质量（按乡镇，每百户问题数）"), header, kinds)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for f, p in zip(findings, places, strict=True):
        counts[p.township][0 if f.severity is Severity.ERROR else 1] += 1
    for town in towns:
        errors, warnings = counts.get(town, [0, 0])
        n = households.get(town, 0)
        block.rows.append([label(town), n, errors, warnings, per_hundred(errors, n), per_hundred(warnings, n)])
    block.note = "统计户表、人表、帮扶记录、金融和搬迁台账的检查结果（问题整改台账见前几表）；户数为户表中的户数。"
    return with_total(block, 1, {4: lambda t: per_hundred(t[2], t[1]), 5: lambda t: per_hundred(t[3], t[1])})


def quality_by_rule(findings: Sequence[Finding], places: Sequence[Place], total_households: int, number: int) -> Block:
    header = ["问题名称", "条款", "级别", "发现数", "涉及乡镇数", "每百户"]
    kinds = [ColumnKind.TEXT] * 3 + [ColumnKind.COUNT, ColumnKind.COUNT, ColumnKind.RATE]
    block = Block("quality_by_rule", numbered(number, "数据质量（按规则）"), header, kinds)
    titles = {t.rule.id: t.rule.title for t in default_rules()}
    groups: dict[tuple[str, Severity], list[Place]] = defaultdict(list)
    refs: dict[str, str] = {}
    for f, p in zip(findings, places, strict=True):
        groups[(f.rule, f.severity)].append(p)
        refs[f.rule] = f.ref
    ordered = sorted(
        groups.items(), key=lambda kv: (kv[0][1] is not Severity.ERROR, -len(kv[1]), refs[kv[0][0]], kv[0][0])
    )
    for (rule, severity), items in ordered:
        towns = len({p.township for p in items})
        per100 = per_hundred(len(items), total_households)
        block.rows.append([titles.get(rule, rule), refs[rule], severity.label, len(items), towns, per100])
    with_total(block, 3, {5: lambda t: per_hundred(t[3], total_households)})
    assert block.total is not None
    block.total[4] = None  # townships overlap between rules: their sum means nothing
    block.note = "条款为检查规则的编号（见 docs/rules.md）；错误在前，各按发现数排列；每百户按全部户数计算。"
    return block


def _households_with(findings: Sequence[Finding], places: Sequence[Place], patterns: Sequence[str]) -> dict[str, str]:
    """Household key → township, for households with a finding of one of the rules."""
    out: dict[str, str] = {}
    for f, p in zip(findings, places, strict=True):
        if p.household and any(rule_matches(pattern, f) for pattern in patterns):
            out[p.household] = p.township
    return out


def _count_by_town(households: dict[str, str]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for town in households.values():
        counts[town] += 1
    return counts


def gaps(findings: Sequence[Finding], places: Sequence[Place], households: dict[str, int], towns: list[str],
         config: SummaryConfig, number: int) -> Block:  # fmt: skip
    names = list(config.gap_rules)
    header = ["乡镇", "户数", *names, "有缺口户数"]
    block = Block(
        "gaps",
        numbered(number, "“两不愁三保障”缺口（户数）"),
        header,
        [ColumnKind.TEXT] + [ColumnKind.COUNT] * (len(names) + 2),
    )
    per_gap = [_households_with(findings, places, config.gap_rules[n]) for n in names]
    anyone = _count_by_town({k: v for gap in per_gap for k, v in gap.items()})
    counted = [_count_by_town(g) for g in per_gap]
    for town in towns:
        block.rows.append(
            [label(town), households.get(town, 0), *(c.get(town, 0) for c in counted), anyone.get(town, 0)]
        )
    block.note = (
        "按规则认定：" + "；".join(f"{n} = {'、'.join(config.gap_rules[n])}" for n in names) + "。一户可有多项缺口。"
    )
    return with_total(block, 1)


def risk(findings: Sequence[Finding], places: Sequence[Place], households: dict[str, int], towns: list[str],
         number: int) -> Block:  # fmt: skip
    header = ["乡镇", "户数", *RISK_REFS.values(), "高风险户", "中风险户"]
    block = Block(
        "risk",
        numbered(number, "防返贫风险（户数）"),
        header,
        [ColumnKind.TEXT] + [ColumnKind.COUNT] * (len(header) - 1),
    )
    flagged: dict[str, tuple[str, set[str]]] = {}
    for f, p in zip(findings, places, strict=True):
        if p.household and f.ref in RISK_REFS:
            flagged.setdefault(p.household, (p.township, set()))[1].add(f.ref)
    levels = {RiskLevel.HIGH: defaultdict(int), RiskLevel.MEDIUM: defaultdict(int)}
    per_ref = {ref: defaultdict(int) for ref in RISK_REFS}
    for town, refs in flagged.values():
        for ref in refs:
            per_ref[ref][town] += 1
        level = level_of([RiskFlag(r) for r in sorted(refs) if r in _FLAGS])
        if level in levels:
            levels[level][town] += 1
    for town in towns:
        row: list[Value] = [label(town), households.get(town, 0), *(per_ref[r].get(town, 0) for r in RISK_REFS)]
        block.rows.append([*row, levels[RiskLevel.HIGH].get(town, 0), levels[RiskLevel.MEDIUM].get(town, 0)])
    codes = "，".join(f"{text} {ref}" for ref, text in RISK_REFS.items())
    block.note = (
        f"按规则统计户数：{codes}。高风险 = 收入低于监测线，或另有两项及以上风险；中风险 = 一项风险"
        "（按 RISK-01…04 判定，domain §5.2）。RISK-07（监测对象规模）为整表统计，不计入户数。"
    )
    return with_total(block, 1)


def kpi_value(kpi: Kpi, findings: Sequence[Finding], facts: pd.DataFrame) -> int:
    """The count an indicator is judged on."""
    if kpi.kind == "open_problems":
        return int((open_mask(facts) & facts["category_code"].isin(kpi.categories)).sum())
    return sum(1 for f in findings if kpi.counts_finding(f))


def kpis(config: SummaryConfig, findings: Sequence[Finding], facts: pd.DataFrame, number: int) -> Block:
    header = ["指标", "数值", "达标标准", "结果", "统计口径"]
    kinds = [ColumnKind.TEXT, ColumnKind.COUNT, ColumnKind.TEXT, ColumnKind.TEXT, ColumnKind.NOTE]
    block = Block("kpis", numbered(number, "“三个零差错”"), header, kinds)
    for kpi in config.kpis:
        value = kpi_value(kpi, findings, facts)
        block.rows.append([kpi.label, value, f"≤ {kpi.max}", "达标" if value <= kpi.max else "未达标", kpi.description])
    return block


def blocks(findings: Sequence[Finding], facts: pd.DataFrame, households: pd.DataFrame, places: PlaceIndex,
           config: SummaryConfig, catalog: Catalog, *, first_number: int) -> list[Block]:  # fmt: skip
    """The finding-based blocks, numbered from ``first_number``."""
    quality = [f for f in findings if f.kind in config.quality_ledgers and f.severity.reported]  # 提示 not counted
    where_q = places.of_findings(quality)
    where_all = places.of_findings(findings)
    per_town = households_by_township(households)
    names = {p.township for p in where_q} | {p.township for p in where_all if p.household} | set(per_town)
    towns = township_order(names, catalog.code_list("townships"))
    n = first_number
    return [
        quality_by_township(quality, where_q, per_town, towns, n),
        quality_by_rule(quality, where_q, len(households), n + 1),
        gaps(findings, where_all, per_town, towns, config, n + 2),
        risk(findings, where_all, per_town, towns, n + 3),
        kpis(config, findings, facts, n + 4),
    ]
