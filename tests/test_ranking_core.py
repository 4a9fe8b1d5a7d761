"""The placement rules of domain §4.2 steps 3–7 on plain numbers: veto, ties, bands, groups, bottom 3.

Each test builds a small configuration (a few townships and departments), gives
each unit a deduction, and checks where it lands and what its reasons say. The
expected places are worked out by hand from the rules, not read from the code.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from addin.errors import ConfigError, SchemaError, UsageError
from addin.settings import Settings, load_settings
from addin.summary.ladder import apply_ladder, count_in_window, sanction_for, window_start
from addin.summary.month import Month
from addin.summary.ranking import ManualScore, Ranking, ScorePart, UnitMetrics, Veto, rank_month
from addin.summary.ranking_settings import DEPARTMENT, TOWNSHIP, RankingConfig, Unit, ranking_config

MAY = Month(2024, 5)


def config(towns: list[tuple[str, str]], departments: list[tuple[str, str]] = (), **options: object) -> RankingConfig:
    units = tuple(Unit(n, TOWNSHIP, g) for n, g in towns) + tuple(Unit(n, DEPARTMENT, g) for n, g in departments)
    return RankingConfig(units=units, **options)  # type: ignore[arg-type]


def lost(points: float, *, severe: int = 0, overdue: int = 0, rate: float | None = None) -> UnitMetrics:
    return UnitMetrics(parts=[ScorePart("新发现问题", points, f" 扣分 {points}")], severe=severe, overdue=overdue,
                       completion_rate=rate)  # fmt: skip


def places(ranking: Ranking, unit_type: str = TOWNSHIP) -> list[tuple[str, int]]:
    return [(p.unit.name, p.rank) for p in ranking.of_type(unit_type)]


def ten_towns(**options: object) -> RankingConfig:
    groups = ["第一组", "第一组", "第一组", "第二组", "第二组", "第二组", "第三组", "第三组", "第四组", "第四组"]
    return config([(f"乡{i}", g) for i, g in enumerate(groups, start=1)], **options)


def test_score_is_hundred_minus_deductions_and_never_negative() -> None:
    cfg = config([("甲镇", "第一组"), ("乙镇", "第一组")])
    ranking = rank_month(MAY, cfg, {"甲镇": lost(12.5), "乙镇": lost(130)})
    assert ranking.position("甲镇").score == 87.5
    assert ranking.position("乙镇").score == 0
    assert "计算得分 87.5 = 100 − 扣分 12.5" in ranking.position("甲镇").reasons[0]


def test_a_vetoed_township_ranks_after_every_other_whatever_its_score() -> None:
    cfg = config([("甲镇", "第一组"), ("乙镇", "第一组"), ("丙镇", "第二组")])
    veto = Veto(2, "问题来源为“省级督查”（K05），尚未整改完成", "错退一户（台账.xlsx 第5行）")
    ranking = rank_month(MAY, cfg, {"甲镇": lost(0), "乙镇": lost(30), "丙镇": lost(50)}, vetoes={"甲镇": veto})
    assert places(ranking) == [("乙镇", 1), ("丙镇", 2), ("甲镇", 3)]
    first = ranking.position("甲镇")
    assert first.vetoed and first.score == 100 and first.band != "前4名"
    reason = "；".join(first.reasons)
    assert "一票否决：第②个“一”（台账一户一户校准）出问题" in reason and "错退一户" in reason
    assert "排在未被否决的单位之后" in reason


def test_vetoed_townships_are_ordered_among_themselves_by_score() -> None:
    cfg = config([("甲镇", "第一组"), ("乙镇", "第一组"), ("丙镇", "第二组"), ("丁镇", "第二组")])
    vetoes = {n: Veto(1, "x", "y") for n in ("甲镇", "乙镇")}
    ranking = rank_month(
        MAY, cfg, {"甲镇": lost(20), "乙镇": lost(5), "丙镇": lost(40), "丁镇": lost(60)}, vetoes=vetoes
    )
    assert places(ranking) == [("丙镇", 1), ("丁镇", 2), ("乙镇", 3), ("甲镇", 4)]


def test_departments_are_not_moved_by_a_veto_unless_the_setting_says_so() -> None:
    towns, departments = [("甲镇", "第一组")], [("财政局", "第一组"), ("民政局", "第一组")]
    metrics = {"财政局": lost(0), "民政局": lost(10)}
    veto = {"财政局": Veto(4, "审计发现", "资金滞留")}
    kept = rank_month(MAY, config(towns, departments), metrics, vetoes=veto)
    assert places(kept, DEPARTMENT) == [("财政局", 1), ("民政局", 2)]
    assert not kept.position("财政局").vetoed
    assert "按设置部门不适用一票否决，仅作提示" in "；".join(kept.position("财政局").reasons)
    moved = rank_month(MAY, config(towns, departments, veto_applies_to_departments=True), metrics, vetoes=veto)
    assert places(moved, DEPARTMENT) == [("民政局", 1), ("财政局", 2)]


def test_equal_scores_are_broken_by_severe_then_overdue_then_completion() -> None:
    cfg = config([(n, "第一组") for n in ("甲镇", "乙镇", "丙镇", "丁镇")])
    metrics = {
        "甲镇": lost(10, severe=1, overdue=0, rate=1.0),
        "乙镇": lost(10, severe=0, overdue=2, rate=1.0),
        "丙镇": lost(10, severe=0, overdue=1, rate=0.5),
        "丁镇": lost(10, severe=0, overdue=1, rate=0.9),
    }
    ranking = rank_month(MAY, cfg, metrics)
    assert places(ranking) == [("丁镇", 1), ("丙镇", 2), ("乙镇", 3), ("甲镇", 4)]
    assert "得分与" in "；".join(ranking.position("丙镇").reasons)


def test_full_ties_share_a_rank_and_the_next_rank_is_skipped() -> None:
    cfg = config([(n, "第一组") for n in ("甲镇", "乙镇", "丙镇", "丁镇")])
    ranking = rank_month(MAY, cfg, {"甲镇": lost(1), "乙镇": lost(3), "丙镇": lost(3), "丁镇": lost(5)})
    assert places(ranking) == [("甲镇", 1), ("乙镇", 2), ("丙镇", 2), ("丁镇", 4)]
    assert ranking.position("乙镇").tied_with == ["丙镇"]
    assert "与丙镇并列第2名" in "；".join(ranking.position("乙镇").reasons)


def test_bands_are_top_four_and_bottom_four() -> None:
    cfg = ten_towns()
    ranking = rank_month(MAY, cfg, {f"乡{i}": lost(i) for i in range(1, 11)})
    assert [p.unit.name for p in ranking.top(TOWNSHIP)] == ["乡1", "乡2", "乡3", "乡4"]
    assert [p.unit.name for p in ranking.bottom(TOWNSHIP)] == ["乡7", "乡8", "乡9", "乡10"]
    assert all(p.band == "" for p in ranking.of_type(TOWNSHIP)[4:6])


def test_a_tie_straddling_a_band_boundary_puts_every_tied_unit_in_and_says_so() -> None:
    deductions = {"乡1": 1, "乡2": 2, "乡3": 3, "乡4": 4, "乡5": 4, "乡6": 6, "乡7": 7, "乡8": 8, "乡9": 8, "乡10": 10}
    ranking = rank_month(MAY, ten_towns(), {n: lost(d) for n, d in deductions.items()})
    assert [p.unit.name for p in ranking.top(TOWNSHIP)] == ["乡1", "乡2", "乡3", "乡4", "乡5"]
    # the 4th from last is 乡7 (rank 7); 乡8 and 乡9 tie at rank 8 inside the band: the band is exactly 4
    assert [p.unit.name for p in ranking.bottom(TOWNSHIP)] == ["乡7", "乡8", "乡9", "乡10"]
    assert "并列跨越前4名界线，前4名共 5 个单位" in "；".join(ranking.position("乡5").reasons)
    deductions["乡6"] = 7  # now 乡6 and 乡7 tie across the bottom boundary
    ranking = rank_month(MAY, ten_towns(), {n: lost(d) for n, d in deductions.items()})
    assert [p.unit.name for p in ranking.bottom(TOWNSHIP)] == ["乡6", "乡7", "乡8", "乡9", "乡10"]
    assert "后4名共 5 个单位" in "；".join(ranking.position("乡6").reasons)


def test_bottom_three_for_the_ladder_with_a_tie_and_with_many_vetoes() -> None:
    deductions = {f"乡{i}": i for i in range(1, 11)}
    deductions["乡7"] = 8  # 乡7 and 乡8 tie at rank 7; the last 3 are 乡8, 乡9, 乡10
    ranking = rank_month(MAY, ten_towns(), {n: lost(d) for n, d in deductions.items()})
    assert [p.unit.name for p in ranking.positions if p.in_bottom] == ["乡7", "乡8", "乡9", "乡10"]
    vetoes = {n: Veto(3, "x", "y") for n in ("乡1", "乡2", "乡3", "乡4", "乡5")}
    ranking = rank_month(MAY, ten_towns(), {f"乡{i}": lost(i) for i in range(1, 11)}, vetoes=vetoes)
    assert {p.unit.name for p in ranking.positions if p.in_bottom} == set(vetoes)
    assert "一票否决单位多于 3 个，全部计入后3名" in "；".join(ranking.position("乡1").reasons)
    strict = rank_month(MAY, ten_towns(all_vetoed_in_bottom=False), {f"乡{i}": lost(i) for i in range(1, 11)},
                        vetoes=vetoes)  # fmt: skip
    assert [p.unit.name for p in strict.positions if p.in_bottom] == ["乡3", "乡4", "乡5"]


def test_first_and_last_within_each_inspection_group() -> None:
    ranking = rank_month(MAY, ten_towns(), {f"乡{i}": lost(i) for i in range(1, 11)})
    marks = {p.unit.name: (p.group_rank, p.group_mark) for p in ranking.positions}
    assert marks["乡1"] == (1, "组内第一") and marks["乡3"] == (3, "组内倒数第一") and marks["乡2"] == (2, "")
    assert marks["乡4"] == (1, "组内第一") and marks["乡6"] == (3, "组内倒数第一")
    assert marks["乡7"] == (1, "组内第一") and marks["乡8"] == (2, "组内倒数第一")
    assert marks["乡9"] == (1, "组内第一") and marks["乡10"] == (2, "组内倒数第一")


def test_group_mode_unit_type_marks_the_first_and_last_of_each_unit_type() -> None:
    towns = [("甲镇", "第一组"), ("乙镇", "第二组"), ("丙镇", "第三组")]
    cfg = config(towns, [("财政局", "第一组"), ("民政局", "第一组")], group_mode="unit_type")
    ranking = rank_month(MAY, cfg, {"甲镇": lost(3), "乙镇": lost(1), "丙镇": lost(2), "民政局": lost(1)})
    assert {p.unit.name: p.group_mark for p in ranking.positions} == {
        "乙镇": "乡镇第一", "丙镇": "", "甲镇": "乡镇倒数第一", "财政局": "部门第一", "民政局": "部门倒数第一",
    }  # fmt: skip


def test_manual_scores_are_authoritative_and_the_computed_one_is_kept_for_reference() -> None:
    cfg = config([("甲镇", "第一组"), ("乙镇", "第一组")])
    manual = {"甲镇": ManualScore(70.0, "评分.xlsx 工作表“督查评分”第3行", "逾期扣分")}
    ranking = rank_month(MAY, cfg, {"甲镇": lost(0), "乙镇": lost(20)}, manual=manual)
    assert places(ranking) == [("乙镇", 1), ("甲镇", 2)]
    first = ranking.position("甲镇")
    assert (first.score, first.score_source, first.computed) == (70.0, "人工", 100.0)
    assert first.reasons[0].startswith("督查组评分 70（评分.xlsx 工作表“督查评分”第3行，逾期扣分）；计算得分 100")
    computed = rank_month(MAY, config([("甲镇", "第一组"), ("乙镇", "第一组")], score_mode="computed"),
                          {"甲镇": lost(0), "乙镇": lost(20)}, manual=manual)  # fmt: skip
    assert places(computed) == [("甲镇", 1), ("乙镇", 2)]
    assert "未采用（设置 score_mode = computed）" in computed.position("甲镇").reasons[0]


def test_manual_mode_refuses_units_without_a_score() -> None:
    cfg = config([("甲镇", "第一组"), ("乙镇", "第一组")], score_mode="manual")
    with pytest.raises(UsageError, match="以下单位没有评分：乙镇"):
        rank_month(MAY, cfg, {}, manual={"甲镇": ManualScore(90.0, "x")})


def test_ladder_steps_and_windows() -> None:
    assert [sanction_for(n) for n in range(5)] == ["", "表态发言", "诫勉谈话", "降级降职", "降级降职"]
    months = [Month(2023, 11), Month(2024, 2), Month(2024, 5), Month(2024, 7)]
    since = config([], campaign_start=dt.date(2024, 1, 1))
    assert window_start(MAY, since) == Month(2024, 1)
    assert count_in_window(months, MAY, since) == 2  # 2024-02 and 2024-05; 2024-07 is later
    assert count_in_window(months, MAY, config([])) == 3  # no start: all history up to May
    assert count_in_window(months, Month(2024, 7), config([], escalation_window="calendar_year")) == 3


def test_apply_ladder_counts_this_month_once_even_when_it_was_published_before() -> None:
    cfg = ten_towns()
    ranking = rank_month(MAY, cfg, {f"乡{i}": lost(i) for i in range(1, 11)})
    history = {"乡10": [Month(2024, 3), MAY], "乡9": [Month(2024, 4)], "乡1": [Month(2024, 4)]}
    apply_ladder(ranking, history)
    steps = {p.unit.name: (p.bottom_count, p.sanction) for p in ranking.positions}
    assert steps["乡10"] == (2, "诫勉谈话") and steps["乡9"] == (2, "诫勉谈话") and steps["乡8"] == (1, "表态发言")
    assert steps["乡1"] == (1, "")  # counted, but not in the bottom 3 this month: no step proposed
    assert "第2次进入后3名（历次累计），建议诫勉谈话（仅为建议" in "；".join(ranking.position("乡10").reasons)


def test_departments_get_no_ladder_unless_configured() -> None:
    depts = [(f"局{i}", "第一组") for i in range(1, 9)]
    metrics = {f"局{i}": lost(i) for i in range(1, 9)}
    ranking = rank_month(MAY, config([], depts), metrics)
    apply_ladder(ranking, {})
    assert all(p.bottom_count is None and p.sanction == "" for p in ranking.positions)
    ranking = rank_month(MAY, config([], depts, department_escalation=True), metrics)
    apply_ladder(ranking, {})
    assert [p.unit.name for p in ranking.positions if p.sanction == "表态发言"] == ["局6", "局7", "局8"]


def test_settings_defaults_and_group_assignment() -> None:
    cfg = ranking_config(Settings())
    assert len(cfg.of_type(TOWNSHIP)) == 17 and len(cfg.of_type(DEPARTMENT)) == 18
    sizes = [sum(1 for u in cfg.of_type(TOWNSHIP) if u.group == g) for g in cfg.groups]
    assert sizes == [5, 4, 4, 4]
    assert (cfg.top, cfg.bottom, cfg.escalation_bottom, cfg.group_mode) == (4, 4, 3, "inspection_group")
    custom = ranking_config(Settings(ranking={"group_assignment": {"沙窝镇": "第四组"}, "bands": {"top": 3}}))
    assert custom.unit("沙窝").group == "第四组" and custom.top == 3 and custom.bottom == 4
    assert custom.unit("县农业农村局").name == "农业局" and custom.unit("沙窝镇人民政府").name == "沙窝镇"


def test_a_settings_file_with_a_ranking_block_is_validated(tmp_path: Path) -> None:
    good = {
        "history_db": "历史/排名.sqlite",
        "ranking": {
            "townships": ["甲镇", "乙镇"],
            "departments": ["财政局"],
            "group_assignment": {"甲镇": "第二组"},
            "weights": {"source": {"K07": 2}, "overdue_cap": 10},
            "bands": {"top": 1, "bottom": 1},
            "escalation_window": "calendar_year",
            "campaign_start": "2024-03",
            "veto_scope": "open",
        },
    }
    path = tmp_path / "zhenggai.json"
    path.write_text(json.dumps(good, ensure_ascii=False), encoding="utf-8")
    settings = load_settings(path)
    cfg = ranking_config(settings)
    assert settings.history_db == tmp_path / "历史" / "排名.sqlite"
    assert [(u.name, u.group) for u in cfg.units] == [("甲镇", "第二组"), ("乙镇", "第一组"), ("财政局", "第一组")]
    assert cfg.weights.source_weight("K07") == 2 and cfg.weights.source_weight("K05") == 3
    assert cfg.weights.overdue_cap == 10 and cfg.campaign_start == dt.date(2024, 3, 1)
    path.write_text(json.dumps({"ranking": {"bands": {"top": 4, "middle": 2}}}), encoding="utf-8")
    with pytest.raises(SchemaError, match=r"\$\.ranking\.bands"):
        load_settings(path)
    path.write_text(json.dumps({"ranking": {"group_assignment": {"沙窝镇": "第五组"}}}), encoding="utf-8")
    with pytest.raises(ConfigError, match="未定义的督查组：第五组"):
        ranking_config(load_settings(path))
