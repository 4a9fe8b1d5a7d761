"""Comparing the checker's findings with the problems a generated workbook was given."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from addin.rules.model import Finding, Severity


def _field(injection: Any, name: str) -> Any:
    return injection[name] if isinstance(injection, dict) else getattr(injection, name)


def matches(finding: Finding, injection: Any) -> bool:
    """The finding reports the injection: same rule and sheet, and the same cell (or row, for whole-row ones)."""
    if finding.rule != _field(injection, "rule") or finding.sheet != _field(injection, "sheet"):
        return False
    if _field(injection, "cell") is None:
        return finding.row == _field(injection, "row")
    return finding.cell == _field(injection, "cell")


def clean_rows(sample: Any) -> set[tuple[str, int]]:
    """(sheet, row) of every data row no injection touched."""
    return {(sheet, row) for sheet, rows in sample.clean_rows.items() for row in rows}


def errors_on(rows: set[tuple[str, int]], findings: Iterable[Finding]) -> list[tuple[str, str, str | None, str]]:
    """Error-level findings that land on the given rows (rule, sheet, cell, message)."""
    return [
        (f.rule, f.sheet, f.cell, f.message)
        for f in findings
        if f.severity is Severity.ERROR and (f.sheet, f.row) in rows
    ]
