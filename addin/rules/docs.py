"""What each rule means, for people: the text of docs/rules.md and of the 规则说明 sheet.

Both are rendered from :func:`rule_docs`, which reads the catalogue itself (title,
message, ``why``, ``fix`` and the first failing and passing ``examples``), so the
generated document and the sheet the ribbon writes can never say different things.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from addin.ledger.definitions import Catalog, default_catalog
from addin.rules.catalog import RuleTemplate, default_rules
from addin.rules.engine import RuleSettings, configure
from addin.rules.model import Rule

GENERIC_LEDGER = "通用（所有台账）"
NO_EXAMPLE = "（暂无示例）"
SHEET_HEADER = ["编号", "台账", "级别", "检查内容", "为什么", "错误示例", "正确示例", "怎样改"]
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


@dataclass(frozen=True)
class ExampleSheet:
    """One sheet of an example: the ledger it belongs to, its header labels and its rows, as displayed."""

    ledger: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class RuleDoc:
    """Everything a reader is told about one rule."""

    id: str
    ref: str
    kind: str  # ledger kind, "*" for every kind
    ledger: str  # its Chinese name
    severity: str  # 错误 / 警告 / 提示
    title: str
    message: str  # the message with its placeholders shown as "…"
    why: str
    fix: str
    wrong: tuple[ExampleSheet, ...]  # the first failing example
    right: tuple[ExampleSheet, ...]  # the first passing example (usually the failing row corrected)

    @property
    def checks(self) -> str:
        """检查内容: the rule's name and the sentence a finding carries."""
        if not self.title or self.title == self.message:
            return self.message or self.title
        return f"{self.title}（检查结果显示：{self.message}）"


def message_pattern(message: str) -> str:
    """``整改逾期{days}天`` → ``整改逾期…天``: what a finding's sentence looks like, without engine names."""
    return _PLACEHOLDER.sub("…", message)


def example_kind(rule: Rule, row: Mapping[str, Any], catalog: Catalog | None = None) -> str | None:
    """The ledger kind of a one-row example: the rule's own, or for a '*' rule the first kind knowing every label."""
    if rule.ledger != "*":
        return rule.ledger
    catalog = catalog or default_catalog()
    for kind, ledger in catalog.ledgers.items():
        if all(ledger.match_header(h) is not None for h in row):
            return kind
    return None


def example_tables(rule: Rule, example: Mapping[str, Any], catalog: Catalog | None = None) -> dict[str, list[Any]]:
    """An example as {ledger kind: rows}: a workbook example as written, a one-row example under its kind."""
    if "sheets" in example:
        return {kind: list(rows) for kind, rows in example["sheets"].items()}
    kind = example_kind(rule, example, catalog)
    return {kind or "*": [example]}


def display_value(value: Any) -> str:
    """A value of an example as the clerk typed it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sheets(rule: Rule, outcome: str, catalog: Catalog) -> tuple[ExampleSheet, ...]:
    examples = rule.examples.get(outcome) or []
    if not examples:
        return ()
    out = []
    for kind, rows in example_tables(rule, examples[0], catalog).items():
        header = tuple(dict.fromkeys(h for row in rows for h in row))
        label = catalog.ledgers[kind].label if kind in catalog.ledgers else GENERIC_LEDGER
        out.append(ExampleSheet(label, header, tuple(tuple(display_value(row.get(h)) for h in header) for row in rows)))
    return tuple(out)


def ledger_order(catalog: Catalog) -> list[str]:
    """Generic rules first, then the ledger kinds in catalogue order."""
    return ["*", *catalog.ledgers]


def rule_docs(
    templates: Sequence[RuleTemplate] | None = None,
    catalog: Catalog | None = None,
    *,
    settings: RuleSettings | None = None,
) -> list[RuleDoc]:
    """One entry per rule id, by ledger (generic first) and then by domain reference and id.

    Without ``settings``: every rule of the catalogue as shipped (docs/rules.md). With a
    county's settings: the rules in force — its own rules added, its titles, messages and
    severities applied, the rules it switched off left out (the 规则说明 sheet).
    """
    catalog = catalog or default_catalog()
    templates = default_rules() if templates is None else templates
    order = {kind: i for i, kind in enumerate(ledger_order(catalog))}
    rules: dict[str, Rule] = {}
    for template in (*templates, *(settings.custom if settings else ())):
        rule: Rule | None = template.rule
        if settings is not None:
            rule = configure(template.rule, settings) if settings.enabled(template) else None
        if rule is not None:
            rules.setdefault(rule.id, rule)
    docs = [
        RuleDoc(
            id=r.id,
            ref=r.ref,
            kind=r.ledger,
            ledger=GENERIC_LEDGER if r.ledger == "*" else catalog.ledgers[r.ledger].label,
            severity=r.severity.label,
            title=r.title,
            message=message_pattern(r.message),
            why=r.why,
            fix=r.fix,
            wrong=_sheets(r, "fail", catalog),
            right=_sheets(r, "pass", catalog),
        )
        for r in rules.values()
    ]
    docs.sort(key=lambda d: (order.get(d.kind, len(order)), d.ref, d.id))
    return docs


# ------------------------------------------------------------------ the 规则说明 sheet
def example_text(sheets: Sequence[ExampleSheet]) -> str:
    """An example in one cell: a line per row, "列：值；列：值", each sheet under 【台账】 when there are several."""
    if not sheets:
        return NO_EXAMPLE
    lines = []
    for sheet in sheets:
        if len(sheets) > 1:
            lines.append(f"【{sheet.ledger}】")
        for row in sheet.rows:
            lines.append("；".join(f"{h}：{v}" for h, v in zip(sheet.header, row, strict=True) if v != ""))
    return "\n".join(lines)


def sheet_rows(docs: Sequence[RuleDoc]) -> list[list[str]]:
    """The rows under :data:`SHEET_HEADER` of the 规则说明 sheet, one per rule."""
    return [
        [d.id, d.ledger, d.severity, d.checks, d.why, example_text(d.wrong), example_text(d.right), d.fix] for d in docs
    ]
