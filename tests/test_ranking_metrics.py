"""Unit deductions and scores (domain §4.2 step 4) on real ledgers, against numbers worked out by hand.

The hand-made ledger below is ranked for May 2024 with the as-of date 2024-07-17,
so every item is judged as it stood on 31 May. Expected deductions for 沙窝镇:

* new problems in May (void ones left out): 严重 × 省级督查 = 5 × 3, 一般 × 自查 = 1 × 1 → 16;
* overdue on 31 May: row 3 by 82 days (3 × 30-day spans), row 4 by 16 days (1), row 8
  (finished only on 10 June) by 11 days (1) → 5 × 0.5 = 2.5;
* due in May: rows 2, 4, 8; on time only row 2 → 10 × (1 − 1/3) = 6.67;
* done without evidence: row 5 → 0.5.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from pathlib import Path

import pytest

from addin.check import check_book
from addin.errors import UsageError
from addin.settings import Settings
from addin.summary.month import Month
from addin.summary.ranking_metrics import unit_metrics
from addin.summary.ranking_run import rank_books
from addin.summary.ranking_settings import ranking_config
from tests.helpers.ranking_books import problem_row, problems_book
from tests.samples import build_county_workbook
from tests.samples.people import build_county

AS_OF = dt.date(2024, 7, 17)
MAY = Month(2024, 5)
D = dt.date


def may_ledger(path: Path, extra: list[list[object]] = ()) -> Path:
    rows = [
        problem_row(1, "沙窝镇", found=D(2024, 5, 6), deadline=D(2024, 8, 31), status="整改中", source="省级督查",
                    severity="严重"),
        problem_row(2, "沙窝镇", found=D(2024, 5, 20), deadline=D(2024, 5, 30), status="已完成", done=D(2024, 5, 25)),
        problem_row(3, "沙窝镇", found=D(2024, 2, 1), deadline=D(2024, 3, 10), status="整改中", source="县督查巡查组"),
        problem_row(4, "沙窝镇", found=D(2024, 4, 1), deadline=D(2024, 5, 15), status="未整改"),
        problem_row(5, "沙窝镇", found=D(2024, 3, 1), deadline=D(2024, 4, 30), status="已完成", done=D(2024, 4, 20),
                    evidence=None),
        problem_row(6, "沙窝镇", found=D(2024, 5, 10), deadline=D(2024, 6, 30), status="无需整改", source="第三方评估"),
        problem_row(7, "沙窝镇", found=D(2024, 6, 5), deadline=D(2024, 9, 30), status="整改中", source="省级督查"),
        problem_row(8, "沙窝镇", found=D(2024, 4, 10), deadline=D(2024, 5, 20), status="已完成", done=D(2024, 6, 10)),
        problem_row(9, "新集镇", found=D(2024, 5, 3), deadline=D(2024, 5, 31), status="已完成", done=D(2024, 5, 28),
                    source="市级督查"),
        *extra,
    ]  # fmt: skip
    return problems_book(path, rows)


def ranked(path: Path, settings: Settings | None = None, month: Month = MAY):
    settings = settings or Settings()
    ledgers, findings = check_book(path, settings=settings, today=AS_OF)
    return rank_books([ledgers], findings, month=month, as_of=AS_OF, settings=settings)


def parts(run, unit: str) -> dict[str, float]:
    return {p.label: round(p.points, 2) for p in run.ranking.position(unit).metrics.parts}


def test_deductions_of_a_township_match_the_domain_formula(tmp_path: Path) -> None:
    run = ranked(may_ledger(tmp_path / "沙窝镇台账.xlsx"))
    assert parts(run, "沙窝镇") == {
        "新发现问题": 16.0, "逾期未整改": 2.5, "按期完成": 6.67, "已完成无完成时间或佐证": 0.5,
        "户数据质量": 0.0, "帮扶走访": 0.0,
    }  # fmt: skip
    position = run.ranking.position("沙窝镇")
    assert position.computed == round(100 - (16 + 2.5 + 10 * 2 / 3 + 0.5), 2)
    assert (position.metrics.severe, position.metrics.overdue) == (1, 3)
    assert position.metrics.completion_rate == pytest.approx(1 / 3)
    reasons = position.reasons[0]
    assert "新发现问题 2 个（严重1个、一般1个）" in reasons and "本月到期 3 项，按期完成 1 项（33%）" in reasons
    assert "户数据质量：没有该乡镇的户表数据，未计" in reasons
    assert run.evaluated_at == D(2024, 5, 31)


def test_a_problem_counts_for_its_township_and_its_department(tmp_path: Path) -> None:
    run = ranked(may_ledger(tmp_path / "台账.xlsx"))
    assert run.ranking.position("新集镇").score == 98.0  # 市级督查 × 一般 = 2; due once, on time
    department = parts(run, "扶贫办")
    assert department["新发现问题"] == 18.0 and department["逾期未整改"] == 2.5 and department["按期完成"] == 5.0
    assert department["资金拨付"] == 0.0
    assert "资金拨付：无项目资金台账，资金拨付差距未计" in run.ranking.position("扶贫办").reasons[0]
    assert run.ranking.position("财政局").score == 100.0


def test_the_chain_veto_trigger_moves_the_township_and_names_the_item(tmp_path: Path) -> None:
    run = ranked(may_ledger(tmp_path / "台账.xlsx"))
    vetoed = [p.unit.name for p in run.ranking.positions if p.vetoed]
    assert vetoed == ["沙窝镇"]  # row 1: 省级督查, found in May, open on 31 May; 新集镇's is done
    position = run.ranking.position("沙窝镇")
    assert position.rank == 17 and position.veto is not None and position.veto.yi == 2  # 档卡信息 → ②
    assert "第1项" in position.veto.item and "第3行" in position.veto.item and "K05" in position.veto.reason
    assert position.in_bottom


def test_veto_scope_open_also_counts_older_open_items(tmp_path: Path) -> None:
    older = problem_row(10, "新集镇", found=D(2024, 3, 2), deadline=D(2024, 9, 30), status="整改中", source="审计")
    path = may_ledger(tmp_path / "台账.xlsx", [older])
    assert [p.unit.name for p in ranked(path).ranking.positions if p.vetoed] == ["沙窝镇"]
    wide = ranked(path, Settings(ranking={"veto_scope": "open"}))
    assert sorted(p.unit.name for p in wide.ranking.positions if p.vetoed) == ["新集镇", "沙窝镇"]


def test_an_item_finished_after_the_month_was_open_at_its_end(tmp_path: Path) -> None:
    late = problem_row(10, "新集镇", found=D(2024, 5, 12), deadline=D(2024, 6, 30), status="已完成",
                       done=D(2024, 6, 3), source="审计")  # fmt: skip
    run = ranked(may_ledger(tmp_path / "台账.xlsx", [late]))
    assert run.ranking.position("新集镇").vetoed  # open on 31 May, from an audit: a veto for May
    june = ranked(may_ledger(tmp_path / "台账.xlsx", [late]), month=Month(2024, 6))
    assert not june.ranking.position("新集镇").vetoed


def test_units_outside_the_lists_are_noted_not_counted(tmp_path: Path) -> None:
    stray = problem_row(10, "泼陂河镇", found=D(2024, 5, 2), deadline=D(2024, 9, 1), status="整改中", lead="县委组织部")
    run = ranked(may_ledger(tmp_path / "台账.xlsx", [stray]))
    assert "1 个问题的乡镇“泼陂河镇”不在乡镇排名名单中，未计入排名" in run.notes
    assert any("县委组织部" in n for n in run.notes)


def test_a_month_that_has_not_started_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="2024年8月还没有开始"):
        ranked(may_ledger(tmp_path / "台账.xlsx"), month=Month(2024, 8))


def test_household_quality_and_visits_per_township_on_a_generated_county(tmp_path: Path) -> None:
    """Expected values come from the findings' sheets (one roster sheet per township) and the generator's county."""
    seed, households = 21, 170
    rules = ["HH-ATTR-EMPTY", "HH-CAUSE-EMPTY", "HH-HOUSE-AREA-EMPTY", "HH-ATTR-INVALID", "VS-NO-RECENT-VISIT",
             "VS-NEVER-VISITED", "VS-NO-RECENT-VISIT"]  # fmt: skip
    sample = build_county_workbook(tmp_path / "全县.xlsx", households=households, seed=seed, problems=30,
                                   as_of=AS_OF, inject_rules=rules)  # fmt: skip
    county = build_county(random.Random(seed), households, as_of=AS_OF)
    settings = Settings()
    ledgers, findings = check_book(sample.path, settings=settings, today=AS_OF)
    metrics, _ = unit_metrics([ledgers], findings, month=Month(2024, 7), as_of=AS_OF,
                              config=ranking_config(settings), settings=settings)  # fmt: skip

    def town_of(sheet: str) -> str | None:
        return next((t.name for t in county.townships if sheet.startswith(t.name)), None)

    errors = Counter(town_of(f.sheet) for f in findings if f.ref.startswith("HH-") and f.severity == "error")
    unvisited: dict[str | None, set[tuple[str, int | None]]] = {}
    for f in findings:
        if f.ref == "BF-08":
            unvisited.setdefault(town_of(f.sheet), set()).add((f.sheet, f.row))
    assert sum(errors.values()) >= 3 and unvisited, "the injections must produce findings"
    for t in county.townships:
        n = len(t.households)
        got = {p.label: p.points for p in metrics[t.name].parts}
        assert got["户数据质量"] == pytest.approx(10 * min(1, errors[t.name] / (n * 0.2))), t.name
        assert got["帮扶走访"] == pytest.approx(10 * len(unvisited.get(t.name, ())) / n), t.name
