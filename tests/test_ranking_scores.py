"""Manual scores and veto entries from a real 督查评分 sheet (ledger kind inspection_scores)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from addin.check import check_book
from addin.ledger.reader import read_ledgers
from addin.resources import template_path
from addin.settings import Settings
from addin.summary.month import Month
from addin.summary.ranking_run import rank_books
from addin.summary.ranking_scores import KIND, manual_entries, parse_yi
from addin.summary.ranking_settings import ranking_config
from addin.summary.ranking_sheet import sheet_rows, write_ranking_workbook
from tests.helpers.ranking_books import problem_row, problems_book, scores_book

AS_OF = dt.date(2024, 7, 17)
MAY = Month(2024, 5)

ROWS = [
    ["2024年5月", "第一组", "沙窝镇", "乡镇", "逾期2项扣3分", 92, "否", None, None],
    ["2024年5月", "第一组", "新集", "乡镇", None, 120, "否", None, None],
    ["2024年5月", "第二组", "周河乡", "乡镇", None, "优秀", "否", None, None],
    ["2024年5月", "第三组", "卡房乡", "乡镇", None, 70, "是", "②台账一户一户校准：错退一户", "县督查组抽查"],
    ["2024年4月", "第二组", "卡房乡", "乡镇", None, 60, "否", None, None],
    ["2024年5月", "第二组", "陈店乡", "乡镇", None, 85, "是", None, None],
    ["2024年5月", "第一组", "沙窝镇", "乡镇", None, 50, "否", None, None],
    ["2024年5月", "第一组", "县财政局", "县直部门", None, 88.5, "否", None, None],
    ["2024年5月", "第一组", "不存在局", "县直部门", None, 88.5, "否", None, None],
]


@pytest.fixture
def scores(tmp_path: Path) -> Path:
    return scores_book(tmp_path / "督查评分.xlsx", ROWS)


def test_the_scores_sheet_is_recognised_as_its_own_kind(scores: Path) -> None:
    book = read_ledgers(str(scores), today=AS_OF)
    assert [(t.kind, t.sheet) for t in book.tables] == [(KIND, "督查评分")]
    assert book.tables[0].header_rows == [2]


def test_rows_of_the_month_become_scores_and_vetoes_with_notes_for_the_rest(scores: Path) -> None:
    entries = manual_entries([read_ledgers(str(scores), today=AS_OF)], MAY, ranking_config(Settings()))
    assert {u: s.score for u, s in entries.scores.items()} == {"沙窝镇": 92.0, "卡房乡": 70.0, "陈店乡": 85.0,
                                                                "财政局": 88.5}  # fmt: skip
    assert entries.scores["沙窝镇"].where == "督查评分.xlsx 工作表“督查评分”第3行"
    assert entries.scores["沙窝镇"].remark == "逾期2项扣3分"
    assert entries.vetoes["卡房乡"].yi == 2 and "错退一户" in entries.vetoes["卡房乡"].item
    assert entries.vetoes["陈店乡"].yi == 0
    notes = "\n".join(entries.notes)
    assert "第4行：新集镇的得分 120 超出 0–100，该分未采用" in notes
    assert "第5行：周河乡的得分“优秀”不是数字" in notes
    assert "第6行：卡房乡的督查组写为“第三组”，设置中为“第二组”" in notes
    assert "第8行：陈店乡登记了一票否决，但未注明是哪个“一”出问题（PM-03）" in notes
    assert "第9行：沙窝镇重复评分，采用督查评分.xlsx 工作表“督查评分”第3行的得分" in notes
    assert "单位“不存在局”不在排名名单中" in notes
    assert "督查评分表缺少 31 个单位的评分" in notes


def test_manual_scores_and_vetoes_decide_the_ranking(tmp_path: Path, scores: Path) -> None:
    ledger = problems_book(
        tmp_path / "台账.xlsx",
        [problem_row(1, "沙窝镇", found=dt.date(2024, 5, 6), deadline=dt.date(2024, 5, 31), status="已完成",
                     done=dt.date(2024, 5, 20))],
    )  # fmt: skip
    settings = Settings()
    ledgers, findings = check_book(ledger, settings=settings, today=AS_OF)
    score_book = read_ledgers(str(scores), today=AS_OF)
    run = rank_books([ledgers], findings, month=MAY, as_of=AS_OF, settings=settings, score_books=[score_book])
    towns = {p.unit.name: p for p in run.ranking.of_type("乡镇")}
    assert (towns["沙窝镇"].score, towns["沙窝镇"].score_source) == (92.0, "人工")
    assert towns["沙窝镇"].computed == 99.0  # the ledger's own item: 自查 × 一般 = 1
    assert (towns["新集镇"].score, towns["新集镇"].score_source) == (100.0, "计算")  # its 120 was refused
    vetoed = [p.unit.name for p in run.ranking.of_type("乡镇") if p.vetoed]
    assert vetoed == ["陈店乡", "卡房乡"]  # after all others, by score: 85 before 70
    assert (towns["陈店乡"].rank, towns["卡房乡"].rank) == (16, 17)
    assert "第②个“一”（台账一户一户校准）" in towns["卡房乡"].veto.text
    assert run.manual.sheets == ["督查评分.xlsx 工作表“督查评分”"]


def test_our_own_ranking_sheet_is_never_read_back_as_scores(tmp_path: Path, scores: Path) -> None:
    settings = Settings()
    ledgers, findings = check_book(scores, settings=settings, today=AS_OF)
    run = rank_books([ledgers], findings, month=MAY, as_of=AS_OF, settings=settings)
    out = write_ranking_workbook(
        tmp_path / "排名-2024-05.xlsx", sheet_rows(run.ranking, as_of=AS_OF, state=run.state), []
    )
    ours = read_ledgers(str(out), today=AS_OF)
    assert [t.kind for t in ours.tables] == [KIND]  # it looks like a scores sheet …
    again = manual_entries([ours], MAY, ranking_config(settings))
    assert again.scores == {} and again.vetoes == {} and again.sheets == []  # … but is never taken for one


def test_no_bundled_ledger_is_mistaken_for_a_scores_sheet() -> None:
    for path in sorted(template_path("samples").glob("*.xlsx")):
        kinds = {t.kind for t in read_ledgers(str(path), today=AS_OF).tables}
        assert KIND not in kinds, path.name


@pytest.mark.parametrize(
    ("text", "yi"),
    [("①", 1), ("第三个“一”出问题", 3), ("资金一笔一笔审核", 4), ("台账校准不到位", 2), ("政策落地", 5),
     ("6", 6), ("其他原因", 0)],
)  # fmt: skip
def test_which_yi_a_veto_entry_names(text: str, yi: int) -> None:
    assert parse_yi(text) == yi
