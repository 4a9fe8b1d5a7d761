"""The county's 汇总 settings: the bundled defaults with the ``summary`` block of zhenggai.json over them.

The defaults are data (``templates/summary/defaults.json``: expected 39 categories /
367 items, which rules mark a "两不愁三保障" gap, the three zero-error KPIs), validated
against the same schema block as a county's settings, so a mistake in either is
reported with its JSON path.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from addin.jsonfiles import load_schema, read_json, validate
from addin.resources import template_path
from addin.rules.model import Finding, Severity
from addin.settings import Settings

DEFAULTS_FILE = ("summary", "defaults.json")


@dataclass(frozen=True)
class Kpi:
    """One 达标/未达标 indicator (domain §2.2, "三个零差错")."""

    key: str
    label: str
    kind: str  # "open_problems" or "findings"
    description: str = ""
    categories: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    severity: str = "error"
    max: int = 0

    def counts_finding(self, finding: Finding) -> bool:
        """Whether a finding counts towards this indicator (rule id or domain ref, exact or as a prefix)."""
        if self.severity != "any" and finding.severity is not Severity(self.severity):
            return False
        return any(rule_matches(p, finding) for p in self.rules)


def rule_matches(pattern: str, finding: Finding) -> bool:
    """``pattern`` names the finding's rule code or domain ref; a pattern ending in "-" is a prefix."""
    if pattern.endswith("-"):
        return finding.rule.startswith(pattern) or finding.ref.startswith(pattern)
    return pattern in (finding.rule, finding.ref)


@dataclass(frozen=True)
class SummaryConfig:
    """Everything the 汇总 tables take from settings."""

    title: str
    expected_categories: int
    expected_items: int
    expected_by_category: Mapping[str, int]
    quality_ledgers: tuple[str, ...]
    trend_months: int
    gap_rules: Mapping[str, tuple[str, ...]]
    kpis: tuple[Kpi, ...]


@functools.cache
def _defaults() -> dict[str, Any]:
    path = template_path(*DEFAULTS_FILE)
    doc = read_json(path)
    validate(doc, load_schema("settings.schema.json")["properties"]["summary"], path)
    return doc


def summary_config(settings: Settings | None = None) -> SummaryConfig:
    """The defaults, with each key the county's ``summary`` block sets replacing the default's."""
    doc = {**_defaults(), **(settings.summary if settings is not None else {})}
    return SummaryConfig(
        title=str(doc["title"]),
        expected_categories=int(doc["expected_categories"]),
        expected_items=int(doc["expected_items"]),
        expected_by_category=dict(doc.get("expected_by_category", {})),
        quality_ledgers=tuple(doc["quality_ledgers"]),
        trend_months=int(doc["trend_months"]),
        gap_rules={name: tuple(rules) for name, rules in doc["gap_rules"].items()},
        kpis=tuple(
            Kpi(
                key=k["key"],
                label=k["label"],
                kind=k["kind"],
                description=k.get("description", ""),
                categories=tuple(k.get("categories", ())),
                rules=tuple(k.get("rules", ())),
                severity=k.get("severity", "error"),
                max=int(k.get("max", 0)),
            )
            for k in doc["kpis"]
        ),
    )
