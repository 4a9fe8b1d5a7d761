"""Return-to-poverty risk of one household: the four flags and the combined level (domain.md §5.2).

The rule catalogue flags each risk separately on a household ledger (RISK-01/02 on
the household row, RISK-03/04 from the members table). Staff also need the one
word they report upward (高风险 / 中风险 / 低风险) for a single household, e.g. in a
worksheet formula next to the income columns; no single rule gives that, so the
combination lives here, as a pure function with the thresholds passed in.

Thresholds are the rule parameters of the same names (``monitoring_line``: year →
yuan per person and year, ``transfer_share_threshold``: 0.5), so a county sets them
once in its settings file for both the checker and this function.

Combined level (domain.md §5.2, PROPOSAL): 高风险 = RISK-01, or at least two of the
other flags; 中风险 = exactly one flag; 低风险 = none.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = [
    "DEFAULT_TRANSFER_SHARE",
    "RiskAssessment",
    "RiskFacts",
    "RiskFlag",
    "RiskLevel",
    "assess_risk",
    "level_of",
    "line_for_year",
    "share_threshold",
]

DEFAULT_TRANSFER_SHARE = 0.5
"""RISK-02 default: transfer income at least half of the household's total income."""


class RiskLevel(StrEnum):
    """The combined level, spelled as it is reported."""

    HIGH = "高风险"
    MEDIUM = "中风险"
    LOW = "低风险"


class RiskFlag(StrEnum):
    """One risk of §5.2; the value is the domain rule id."""

    LOW_INCOME = "RISK-01"
    TRANSFER_SHARE = "RISK-02"
    SERIOUS_ILLNESS = "RISK-03"
    NO_LABOUR = "RISK-04"


@dataclass(frozen=True, slots=True)
class RiskFacts:
    """What is known about one household; ``None`` = not filled in (that flag is not judged)."""

    per_capita_income: float | None
    transfer_income: float | None
    total_income: float | None
    serious_illness: bool
    no_labour: bool
    year: int


@dataclass(frozen=True, slots=True)
class RiskAssessment:
    """The level, the reason for each flag raised, and what could not be judged."""

    level: RiskLevel
    flags: tuple[RiskFlag, ...]
    reasons: tuple[str, ...]
    not_judged: tuple[str, ...] = ()

    def text(self) -> str:
        """The cell text, e.g. 高风险：人均纯收入低于监测线；转移性收入占比62%, then what was not judged in brackets."""
        out = str(self.level)
        if self.reasons:
            out += "：" + "；".join(self.reasons)
        if self.not_judged:
            out += "（未判断：" + "；".join(self.not_judged) + "）"
        return out


def line_for_year(table: Mapping[Any, Any] | float | int | None, year: int) -> float | None:
    """The monitoring line in force in ``year``: the entry of the latest year not after it.

    Same lookup as the rules' ``by_year`` operator (a line set for 2021 holds until a
    later year is set). A plain number applies to every year. ``None`` when nothing
    is set for that year or earlier. Raises ``ValueError`` (with a Chinese message)
    for a table that is not "year: number".
    """
    if table is None:
        return None
    if isinstance(table, bool):
        raise ValueError("监测线设置应为“年份: 金额”的对照表或一个金额")
    if isinstance(table, int | float):
        return float(table)
    if not isinstance(table, Mapping):
        raise ValueError("监测线设置应为“年份: 金额”的对照表或一个金额")
    best: tuple[int, float] | None = None
    for key, value in table.items():
        try:
            y, v = int(str(key).strip()), float(value)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"监测线设置有误：“{key}: {value}”不是“年份: 金额”") from exc
        if y <= year and (best is None or y > best[0]):
            best = (y, v)
    return None if best is None else best[1]


def share_threshold(value: Any) -> float:
    """The RISK-02 threshold as a fraction: 0.5 and 50 (percent) both mean half."""
    if value is None:
        return DEFAULT_TRANSFER_SHARE
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value) or value <= 0:
        raise ValueError(f"转移性收入占比阈值设置有误：{value}")
    return float(value) / 100 if value > 1 else float(value)


def level_of(flags: tuple[RiskFlag, ...] | list[RiskFlag]) -> RiskLevel:
    """高风险 = low income, or two or more other flags; 中风险 = one flag; 低风险 = none."""
    if RiskFlag.LOW_INCOME in flags or len(flags) >= 2:
        return RiskLevel.HIGH
    return RiskLevel.MEDIUM if flags else RiskLevel.LOW


def assess_risk(
    facts: RiskFacts,
    *,
    monitoring_line: Mapping[Any, Any] | float | int | None,
    transfer_share_threshold: Any = DEFAULT_TRANSFER_SHARE,
) -> RiskAssessment:
    """Flag RISK-01…04 for one household and combine them into a level.

    RISK-01 needs the per-capita income and a monitoring line for the year; RISK-02
    needs transfer and total income (total > 0). A flag that cannot be judged is
    named in ``not_judged`` instead of being counted as "no risk" silently.
    """
    flags: list[RiskFlag] = []
    reasons: list[str] = []
    not_judged: list[str] = []
    line = line_for_year(monitoring_line, facts.year)
    if facts.per_capita_income is None:
        not_judged.append("人均纯收入未填写")
    elif line is None:
        not_judged.append(f"未设置{facts.year}年监测线")
    elif facts.per_capita_income < line:
        flags.append(RiskFlag.LOW_INCOME)
        reasons.append("人均纯收入低于监测线")
    threshold = share_threshold(transfer_share_threshold)
    if facts.transfer_income is None or facts.total_income is None:
        not_judged.append("转移性收入或家庭总收入未填写")
    elif facts.total_income <= 0:
        not_judged.append("家庭总收入不大于0，无法计算转移性收入占比")
    else:
        share = facts.transfer_income / facts.total_income
        if share >= threshold:
            flags.append(RiskFlag.TRANSFER_SHARE)
            reasons.append(f"转移性收入占比{share * 100:.0f}%")
    if facts.serious_illness:
        flags.append(RiskFlag.SERIOUS_ILLNESS)
        reasons.append("家庭成员有大病患者")
    if facts.no_labour:
        flags.append(RiskFlag.NO_LABOUR)
        reasons.append("家庭成员均无劳动力")
    return RiskAssessment(level_of(flags), tuple(flags), tuple(reasons), tuple(not_judged))
