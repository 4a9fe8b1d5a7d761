"""Departments' fund-disbursement gap for the monthly ranking (domain §4.2 step 4, departments only).

``10 × max(0, planned disbursement % − actual disbursement %)`` over the projects a
department is 项目主管单位 of, in the project-funds ledgers (kind ``projects``). The
domain does not say what "planned" is; this is the PROPOSAL, read from the same
columns the XM rules read:

* a project whose acceptance (验收时间) lies ``pay_days`` (XM-06, default 30) or more
  before the evaluation date should be paid in full;
* otherwise its plan runs from 计划开工时间 to the planned completion (``@plan_finish``:
  计划完工时间, else 开工 + 实施期限) plus ``pay_days``, and the planned share grows
  linearly over that span (0 before the start, all of it at the end);
* a project with neither is planned at 0 (nothing can be said to be late).

Planned % = Σ planned amounts ÷ Σ 资金规模; actual % = Σ min(已拨付, 资金规模) ÷ Σ 资金规模,
both in 元. The ledgers hold the cumulative amount paid as typed, not its history, so a
past month is judged by the payments the ledger shows now. Projects without 资金规模 do
not count; 主管单位 names that are not on the department list are noted once each.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from addin.ledger.reader import WorkbookLedgers
from addin.ledger.table import LedgerTable
from addin.rules.catalog import default_rules
from addin.rules.engine import configure
from addin.rules.expressions import Context, evaluate, field_values
from addin.settings import Settings
from addin.summary.ranking import ScorePart, num
from addin.summary.ranking_settings import DEPARTMENT, RankingConfig

LABEL = "资金拨付"
PAY_RULE = "PJ-NOT-PAID-AFTER-ACCEPT"
DEFAULT_PAY_DAYS = 30


@dataclass
class _Money:
    """One department's projects, in 元."""

    projects: int = 0
    total: float = 0.0
    planned: float = 0.0
    paid: float = 0.0


@dataclass
class Disbursement:
    """The 资金拨付 deduction of every listed department, and what could not be attributed."""

    parts: dict[str, ScorePart] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def part(self, department: str) -> ScorePart:
        return self.parts.get(department) or ScorePart(LABEL, 0.0, "：项目资金台账中没有该部门主管的项目")


def pay_days(settings: Settings) -> float:
    """XM-06's grace days after acceptance, as the county configured them."""
    for template in default_rules():
        if template.rule.id == PAY_RULE:
            rule = configure(template.rule, settings.rule_settings) or template.rule
            return float(rule.params.get("pay_days", DEFAULT_PAY_DAYS))
    return float(DEFAULT_PAY_DAYS)


def planned_share(accepted: np.ndarray, start: np.ndarray, finish: np.ndarray, at: dt.date, grace: float) -> np.ndarray:
    """Share (0–1) of each project's funds that should have been paid by ``at`` (see the module docstring)."""
    day = np.datetime64(at, "D")
    lag = np.timedelta64(round(grace), "D")
    share = np.zeros(len(accepted), dtype=float)
    span = ~np.isnat(start) & ~np.isnat(finish)
    length = (finish[span] + lag - start[span]).astype(float)
    elapsed = (day - start[span]).astype(float)
    safe = np.where(length > 0, length, 1.0)
    share[span] = np.clip(np.where(length > 0, elapsed / safe, (elapsed >= 0).astype(float)), 0.0, 1.0)
    paid_up = ~np.isnat(accepted) & (accepted + lag <= day)
    share[paid_up] = 1.0
    return share


def _table_money(table: LedgerTable, ctx: Context, at: dt.date, grace: float) -> tuple[np.ndarray, ...]:
    total = evaluate({"yuan": "fund_total"}, ctx)
    paid = np.minimum(evaluate({"sum0": [{"yuan": "paid"}]}, ctx), np.nan_to_num(total, nan=0.0))
    nat = np.full(ctx.n, np.datetime64("NaT"), dtype="datetime64[D]")
    accepted = field_values(ctx, "accept_date") if table.has("accept_date") else nat
    start = field_values(ctx, "plan_start") if table.has("plan_start") else nat
    share = planned_share(accepted, start, evaluate("@plan_finish", ctx), at, grace)
    return total, paid, share


def department_disbursement(
    books: Sequence[WorkbookLedgers], *, at: dt.date, config: RankingConfig, settings: Settings
) -> Disbursement | None:
    """Each listed department's 资金拨付 deduction at ``at``; None when no workbook has a project-funds ledger."""
    tables = [(book, t) for book in books for t in book.of_kind("projects")]
    if not tables:
        return None
    grace = pay_days(settings)
    money: dict[str, _Money] = {}
    unlisted: Counter[str] = Counter()
    for book, table in tables:
        by_kind: dict[str, list[LedgerTable]] = {}
        for t in book.tables:
            by_kind.setdefault(t.kind, []).append(t)
        ctx = Context(table, by_kind, at, at, {})
        total, paid, share = _table_money(table, ctx, at, grace)
        owners = table.values("owner_unit").tolist() if table.has("owner_unit") else [None] * len(table)
        for i, owner in enumerate(owners):
            if np.isnan(total[i]) or total[i] <= 0 or not owner:
                continue
            unit = config.unit(owner)
            if unit is None or unit.unit_type != DEPARTMENT:
                unlisted[str(owner)] += 1
                continue
            m = money.setdefault(unit.name, _Money())
            m.projects += 1
            m.total += float(total[i])
            m.planned += float(total[i] * share[i])
            m.paid += float(paid[i])
    out = Disbursement()
    weight = config.weights.disbursement
    for name, m in money.items():
        planned, actual = m.planned / m.total, m.paid / m.total
        gap = max(0.0, planned - actual)
        out.parts[name] = ScorePart(
            LABEL,
            weight * gap,
            f"：主管项目 {m.projects} 个，资金规模 {num(m.total / 10_000)} 万元，按计划应拨付 {planned:.0%}，"
            f"实际拨付 {actual:.0%}" + (f"，差距 {gap:.0%}" if gap > 0 else ""),
        )
    for name, n in unlisted.most_common():
        out.notes.append(f"{n} 个项目的项目主管单位“{name}”不在{DEPARTMENT}排名名单中，未计入资金拨付")
    return out
