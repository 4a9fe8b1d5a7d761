"""What a rule is and what it finds.

A :class:`Rule` is data (loaded from ``templates/rules/*.json``); a
:class:`Finding` carries its location and identity as data (file, sheet, row,
header, cell, value) and the rendered Chinese sentence, so every consumer (JSON
report, findings sheet, cell marks, UDF text) renders from the same object.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np


class Severity(StrEnum):
    """How serious a finding is.

    The JSON report (design §5) knows only error and warning; ``info`` findings are
    hints for the clerk, shown on 检查结果 and in the console but never reported upward.
    """

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def reported(self) -> bool:
        """Whether findings of this severity belong in the JSON report and count for ``--strict``."""
        return self is not Severity.INFO


_LABELS = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}


@dataclass(frozen=True)
class Rule:
    """One declarative check."""

    id: str  # stable code, e.g. "PR-OVERDUE"
    ref: str  # the rule id of shared/domain.md it implements, e.g. "ZG-10"
    ledger: str  # ledger kind, or "*" for every kind
    check: str  # name of a registered check kind
    severity: Severity
    message: str  # template rendered per finding: "整改逾期{days}天"
    title: str = ""
    target: str | None = None  # field the finding points at; None = the whole row
    fields: tuple[str, ...] = ()  # columns that must exist for the rule to apply
    params: dict[str, Any] = field(default_factory=dict)  # thresholds; a settings file may override them
    options: dict[str, Any] = field(default_factory=dict)  # check-specific configuration ("when" for condition)
    let: dict[str, Any] = field(default_factory=dict)  # named expressions usable in params and message
    once_per: tuple[str, ...] = ()  # report only the first hit of each group of these fields
    source: str = ""  # file the rule came from (for error messages)
    why: str = ""  # 为什么要查 (docs and 规则说明)
    fix: str = ""  # 怎样改
    examples: dict[str, Any] = field(default_factory=dict)  # {"as_of", "settings", "fail": [...], "pass": [...]}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem at one place."""

    file: str
    sheet: str
    row: int | None
    column: str | None
    cell: str | None
    rule: str
    ref: str
    severity: Severity
    message: str
    value: Any = None
    kind: str = ""
    key: str = ""  # business key (户编号, 户主姓名 …) to recognise the row

    def as_report(self) -> dict[str, Any]:
        """The finding in the fixed JSON report shape (design §5)."""
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "cell": self.cell,
            "rule": self.rule,
            "severity": str(self.severity),
            "message": self.message,
            "value": json_value(self.value),
        }


def json_value(value: Any) -> Any:
    """A cell value as JSON: dates as ISO text, whole floats as ints, NaN/NaT as null."""
    if value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return int(value) if value.is_integer() and abs(value) < 1e15 else value
    if isinstance(value, str | int | bool):
        return value
    return str(value)
