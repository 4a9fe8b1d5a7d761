"""Return-to-poverty risk of one household (addin.risk, domain.md §5.2)."""

from __future__ import annotations

import pytest

from addin.risk import (
    RiskAssessment,
    RiskFacts,
    RiskFlag,
    RiskLevel,
    assess_risk,
    level_of,
    line_for_year,
    share_threshold,
)

LINES = {"2021": 6000, "2023": 6500}


def facts(
    pci: float | None = 9000,
    transfer: float | None = 0,
    total: float | None = 10000,
    ill: bool = False,
    no_labour: bool = False,
    year: int = 2023,
) -> RiskFacts:
    return RiskFacts(pci, transfer, total, ill, no_labour, year)


@pytest.mark.parametrize(
    ("flags", "level"),
    [
        ((), RiskLevel.LOW),
        ((RiskFlag.LOW_INCOME,), RiskLevel.HIGH),
        ((RiskFlag.TRANSFER_SHARE,), RiskLevel.MEDIUM),
        ((RiskFlag.SERIOUS_ILLNESS,), RiskLevel.MEDIUM),
        ((RiskFlag.NO_LABOUR,), RiskLevel.MEDIUM),
        ((RiskFlag.TRANSFER_SHARE, RiskFlag.NO_LABOUR), RiskLevel.HIGH),
        ((RiskFlag.SERIOUS_ILLNESS, RiskFlag.NO_LABOUR), RiskLevel.HIGH),
    ],
)
def test_level_of(flags: tuple[RiskFlag, ...], level: RiskLevel) -> None:
    assert level_of(flags) is level


@pytest.mark.parametrize(
    ("year", "line"),
    [(2020, None), (2021, 6000.0), (2022, 6000.0), (2023, 6500.0), (2030, 6500.0)],
)
def test_line_for_year_takes_the_latest_year_not_after(year: int, line: float | None) -> None:
    assert line_for_year(LINES, year) == line
    assert line_for_year({int(k): v for k, v in LINES.items()}, year) == line


def test_line_for_year_plain_number_and_nothing() -> None:
    assert line_for_year(7000, 1999) == 7000.0
    assert line_for_year(None, 2024) is None
    assert line_for_year({}, 2024) is None


@pytest.mark.parametrize("table", [{"二〇二三": 6000}, {"2023": "很多"}, "6000", True])
def test_line_for_year_rejects_a_table_that_is_not_year_to_amount(table: object) -> None:
    with pytest.raises(ValueError, match="监测线"):
        line_for_year(table, 2024)  # type: ignore[arg-type]


@pytest.mark.parametrize(("value", "fraction"), [(None, 0.5), (0.5, 0.5), (50, 0.5), (0.6, 0.6), (1, 1.0), (75, 0.75)])
def test_share_threshold_accepts_fraction_or_percent(value: object, fraction: float) -> None:
    assert share_threshold(value) == pytest.approx(fraction)


@pytest.mark.parametrize("value", [0, -0.5, "50%", True, float("nan")])
def test_share_threshold_rejects_nonsense(value: object) -> None:
    with pytest.raises(ValueError, match="阈值"):
        share_threshold(value)


def test_low_income_alone_is_high_risk() -> None:
    result = assess_risk(facts(pci=6499.99), monitoring_line=LINES)
    assert result == RiskAssessment(RiskLevel.HIGH, (RiskFlag.LOW_INCOME,), ("人均纯收入低于监测线",))
    assert result.text() == "高风险：人均纯收入低于监测线"


def test_income_on_the_line_is_not_below_it() -> None:
    assert assess_risk(facts(pci=6500), monitoring_line=LINES).text() == "低风险"
    assert assess_risk(facts(pci=6200, year=2022), monitoring_line=LINES).text() == "低风险"


def test_transfer_share_at_the_threshold_counts() -> None:
    assert assess_risk(facts(transfer=5000), monitoring_line=LINES).text() == "中风险：转移性收入占比50%"
    assert assess_risk(facts(transfer=4999), monitoring_line=LINES).text() == "低风险"
    at_60 = assess_risk(facts(transfer=5500), monitoring_line=LINES, transfer_share_threshold=60)
    assert at_60.level is RiskLevel.LOW


def test_all_four_flags_in_rule_order() -> None:
    result = assess_risk(facts(pci=100, transfer=9000, ill=True, no_labour=True), monitoring_line=LINES)
    assert result.flags == tuple(RiskFlag)
    assert result.text() == "高风险：人均纯收入低于监测线；转移性收入占比90%；家庭成员有大病患者；家庭成员均无劳动力"


def test_two_other_flags_make_high_one_makes_medium() -> None:
    assert assess_risk(facts(ill=True), monitoring_line=LINES).text() == "中风险：家庭成员有大病患者"
    both = assess_risk(facts(ill=True, no_labour=True), monitoring_line=LINES)
    assert both.text() == "高风险：家庭成员有大病患者；家庭成员均无劳动力"


def test_what_cannot_be_judged_is_said() -> None:
    no_line = assess_risk(facts(pci=100, year=2020), monitoring_line=LINES)
    assert no_line.text() == "低风险（未判断：未设置2020年监测线）"
    empty = assess_risk(facts(pci=None, transfer=None, ill=True), monitoring_line=LINES)
    assert empty.text() == "中风险：家庭成员有大病患者（未判断：人均纯收入未填写；转移性收入或家庭总收入未填写）"
    zero_total = assess_risk(facts(transfer=10, total=0), monitoring_line=LINES)
    assert zero_total.not_judged == ("家庭总收入不大于0，无法计算转移性收入占比",)
