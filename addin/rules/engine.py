"""Run the rule catalogue over the ledger tables of a workbook.

One pass per (table, rule): every rule is a vectorised check over whole columns;
only the rows it flags are turned into :class:`Finding` objects, whose sentences
are rendered from the finding's own data (style lesson 5).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from addin.ledger.reader import WorkbookLedgers
from addin.ledger.table import LedgerTable
from addin.rules.catalog import RuleTemplate, default_rules
from addin.rules.checks import CHECKS, Hits, load_all
from addin.rules.expressions import Context, NotApplicable, evaluate, join_keys
from addin.rules.model import Finding, Rule, Severity, json_value


@dataclass
class RuleSettings:
    """What a county's settings change about the catalogue."""

    params: Mapping[str, Any] = field(default_factory=dict)  # global thresholds by name (CFG:…)
    # rule id -> {enabled, severity, params, title, message}
    overrides: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    custom: tuple[RuleTemplate, ...] = ()  # the county's own rules (settings "custom_rules"), already validated

    def enabled(self, template: RuleTemplate) -> bool:
        """A rule runs unless switched off; a county may also switch on a rule shipped switched off."""
        return bool(self.overrides.get(template.rule.id, {}).get("enabled", template.enabled))


def configure(rule: Rule, settings: RuleSettings) -> Rule | None:
    """The rule with the county's parameters, severity, title and message, or None when switched off."""
    params = {**rule.params, **{k: v for k, v in settings.params.items() if k in rule.params}}
    override = settings.overrides.get(rule.id, {})
    if override.get("enabled") is False:
        return None
    params.update(override.get("params", {}))
    severity = Severity(override["severity"]) if "severity" in override else rule.severity
    return replace(
        rule,
        params=params,
        severity=severity,
        title=override.get("title", rule.title),
        message=override.get("message", rule.message),
    )


def run_rules(
    book: WorkbookLedgers,
    *,
    today: dt.date,
    age_reference: dt.date | None = None,
    templates: Sequence[RuleTemplate] | None = None,
    settings: RuleSettings | None = None,
) -> list[Finding]:
    """Every finding of every applicable rule on every table of the workbook, in sheet order."""
    load_all()
    settings = settings or RuleSettings()
    templates = (*(default_rules() if templates is None else templates), *settings.custom)
    by_kind: dict[str, list[LedgerTable]] = {}
    for table in book.tables:
        by_kind.setdefault(table.kind, []).append(table)
    cache: dict[Any, np.ndarray] = {}
    findings: list[Finding] = []
    seen: set[tuple[Any, ...]] = set()
    plans: dict[tuple[str, tuple[str, ...]], list[tuple[Rule, tuple[str, ...], tuple[str, ...]]]] = {}
    for table in book.tables:
        present = tuple(f.key for f in table.ledger.fields if table.has(f.key))
        signature = (table.kind, present)
        if signature not in plans:  # 17 township sheets of one kind share one plan
            plans[signature] = _cached_plan(table, signature, templates, settings)
        for rule, eager, deferred in plans[signature]:
            ctx = Context(table, by_kind, today, age_reference or today, dict(rule.params), cache=cache)
            try:
                for name in eager:
                    ctx.lets[name] = evaluate(rule.let[name], ctx)
                hits = CHECKS[rule.check].run(rule, ctx)
                _message_lets(rule, ctx, hits, deferred)
            except NotApplicable:
                continue
            for finding in _findings(rule, ctx, hits):
                key = (finding.file, finding.sheet, finding.row, finding.cell, finding.column, finding.rule)
                if key not in seen:
                    seen.add(key)
                    findings.append(finding)
    order = {t.sheet: i for i, t in enumerate(book.tables)}
    findings.sort(key=lambda f: (order.get(f.sheet, 0), f.row or 0, f.cell or "", f.rule))
    return findings


_PLAN_CACHE: dict[tuple[Any, ...], list[tuple[Rule, tuple[str, ...], tuple[str, ...]]]] = {}


def _cached_plan(
    table: LedgerTable, signature: tuple[Any, ...], templates: Sequence[RuleTemplate], settings: RuleSettings
) -> list[tuple[Rule, tuple[str, ...], tuple[str, ...]]]:
    """Plans survive between runs in one process: a worksheet function checks one row per call."""
    key = (
        signature,
        tuple(id(t) for t in templates),
        json.dumps([settings.params, settings.overrides], sort_keys=True, default=str, ensure_ascii=False),
        repr(settings.custom),  # ids of a county's rules may be reused by the next settings file's
    )
    plan = _PLAN_CACHE.get(key)
    if plan is None:
        if len(_PLAN_CACHE) > 256:
            _PLAN_CACHE.clear()
        plan = _PLAN_CACHE[key] = _plan(table, templates, settings)
    return plan


def _plan(
    table: LedgerTable, templates: Sequence[RuleTemplate], settings: RuleSettings
) -> list[tuple[Rule, tuple[str, ...], tuple[str, ...]]]:
    """The configured rules that apply to a table of this kind with these columns, with their let plans."""
    present_fields = [f for f in table.ledger.fields if table.has(f.key)]
    out = []
    for template in templates:
        if not settings.enabled(template) or template.rule.ledger not in ("*", table.kind):
            continue
        for raw_rule in template.instances(present_fields):
            rule = configure(raw_rule, settings)
            if rule is None or any(not table.has(f) for f in rule.fields):
                continue
            eager, deferred = split_lets(rule)
            out.append((rule, eager, deferred))
    return out


# ------------------------------------------------------------------ lets
_TABLE_WIDE = frozenset({"group_count", "group_share"})


def _refs(expr: Any) -> tuple[set[str], bool]:
    """``$names`` an expression (or options object) mentions, and whether it aggregates over its table."""
    names: set[str] = set()
    wide = False
    stack = [expr]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            wide |= any(k in _TABLE_WIDE for k in item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and item.startswith("$"):
            names.add(item[1:])
    return names, wide


def split_lets(rule: Rule) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(lets the check needs, lets only the message needs).

    A message-only let is computed for the flagged rows alone — on a 10,000-row
    sheet with three findings that is three rows of work instead of 10,000 — unless
    it aggregates over the table (group_count/group_share), which needs every row.
    """
    needed, _ = _refs(rule.options)
    order = list(rule.let)
    changed = True
    while changed:  # lets the check needs, and the lets those need
        changed = False
        for name in order:
            if name in needed:
                more, _ = _refs(rule.let[name])
                if not more <= needed:
                    needed |= more
                    changed = True
    deferred = []
    for name in order:
        refs, wide = _refs(rule.let[name])
        if name not in needed and not wide and not (refs & set(deferred)):
            deferred.append(name)
    return tuple(n for n in order if n not in deferred), tuple(deferred)


def _message_lets(rule: Rule, ctx: Context, hits: Hits, deferred: Sequence[str]) -> None:
    if not deferred:
        return
    index = np.nonzero(hits.mask)[0] if hits.mask is not None else np.empty(0, dtype=int)
    sub = Context(ctx.table.subset(index), ctx.tables, ctx.today, ctx.age_reference, ctx.params)
    sub.lets = {name: value[index] for name, value in ctx.lets.items()}
    for name in deferred:
        values = evaluate(rule.let[name], sub) if len(index) else np.empty(0, dtype=object)
        sub.lets[name] = values
        full = np.empty(ctx.n, dtype=object)
        full[index] = list(values)
        ctx.lets[name] = full


# ------------------------------------------------------------------ rendering
def display(value: Any) -> str:
    """A value as it should read inside a Chinese sentence."""
    value = json_value(value)
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def _business_key(table: LedgerTable, i: int) -> str:
    parts = [display(table.raw_value(k, i)) for k in table.ledger.key_fields if table.has(k)]
    return " ".join(p for p in parts if p)


class _Values(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(template: str, values: Mapping[str, Any]) -> str:
    """Fill a message template; numbers keep a format spec ("{share:.0f}"), others are displayed."""
    out = []
    for literal, name, spec, _conv in string.Formatter().parse(template):
        out.append(literal)
        if name is None:
            continue
        value = values.get(name, "{" + name + "}")
        if spec and isinstance(value, int | float) and not (isinstance(value, float) and math.isnan(value)):
            out.append(format(value, spec))
        else:
            out.append(display(value) if not isinstance(value, str) else value)
    return "".join(out)


def _row_values(rule: Rule, ctx: Context, hits: Hits, i: int, target: str | None) -> dict[str, Any]:
    table = ctx.table
    values: dict[str, Any] = dict(rule.params)
    for name, column in ctx.lets.items():
        values[name] = column[i]
    for name, column in hits.values.items():
        values[name] = column[i]
    names = {n for _, n, _, _ in string.Formatter().parse(rule.message) if n}
    for name in names - values.keys():
        if table.has(name):
            values[name] = table.raw_value(name, i)
    if target is not None:
        values.setdefault("value", table.raw_value(target, i))
        values.setdefault("column", table.header_text(target))
        values.setdefault("field", table.ledger.field(target).label)
    return values


def _findings(rule: Rule, ctx: Context, hits: Hits) -> Iterable[Finding]:
    table = ctx.table
    if hits.mask is not None and hits.mask.any():
        index = np.nonzero(hits.mask)[0]
        if rule.once_per:
            keys = join_keys(ctx, list(rule.once_per))
            _, first = np.unique(keys[index], return_index=True)
            index = np.sort(index[first])
        for i in index:
            target = hits.targets[i] if hits.targets is not None else rule.target
            values = _row_values(rule, ctx, hits, int(i), target)
            cell = table.cell(target, int(i)) if target else None
            row = int(table.origin_rows[target][i]) if cell is not None and target else int(table.rows[i])
            yield Finding(
                file=table.file,
                sheet=table.sheet,
                row=row,
                column=table.header_text(target) if target else None,
                cell=cell,
                rule=rule.id,
                ref=rule.ref,
                severity=rule.severity,
                message=render(rule.message, values),
                value=table.raw_value(target, int(i)) if target else None,
                kind=table.kind,
                key=_business_key(table, int(i)),
            )
    for place in hits.places:
        values = {**rule.params, **place.values, "value": place.value, "column": place.column or ""}
        yield Finding(
            file=table.file,
            sheet=table.sheet,
            row=place.row,
            column=place.column,
            cell=place.cell,
            rule=rule.id,
            ref=rule.ref,
            severity=rule.severity,
            message=render(rule.message, values),
            value=place.value,
            kind=table.kind,
        )
