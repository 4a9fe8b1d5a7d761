"""One month's ranking from checked workbooks: what ``zhenggai rank`` and the 月度排名 button call.

Steps: the units' deductions (:mod:`~addin.summary.ranking_metrics`), the 督查组's
manual scores and veto entries (:mod:`~addin.summary.ranking_scores`), the chain's
veto candidates (:mod:`addin.chain`), the placement (:func:`~addin.summary.ranking.rank_month`),
then the ladder from the history (:func:`attach_history`), which the CLI may
publish. Front-ends only render the :class:`RankingRun`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from addin.ledger.reader import WorkbookLedgers
from addin.rules.model import Finding
from addin.settings import Settings
from addin.summary.facts import problem_facts
from addin.summary.history import History
from addin.summary.ladder import PREVIEW_NOTE, REPUBLISH_NOTE, apply_ladder, window_text
from addin.summary.month import Month
from addin.summary.ranking import Ranking, Veto, rank_month
from addin.summary.ranking_metrics import evaluation_date, unit_metrics
from addin.summary.ranking_scores import ManualEntries, manual_entries
from addin.summary.ranking_settings import ranking_config
from addin.summary.ranking_vetoes import chain_vetoes


@dataclass
class RankingRun:
    """A computed month, its inputs' notes, and what happened with the history."""

    ranking: Ranking
    as_of: dt.date
    evaluated_at: dt.date
    manual: ManualEntries
    sources: list[str] = field(default_factory=list)
    history_path: Path | None = None
    history_months: int = 0  # months stored before this run
    published: bool = False
    published_before: bool = False  # the history already held this month

    @property
    def state(self) -> str:
        """Whether this ranking is in the history, in words (the 排名 sheet's title says it)."""
        if self.published:
            return "已发布到排名历史"
        if self.published_before:
            return "本月已发布过，此表按本次结果计算，未重新发布"
        return "未发布，问责次数按发布后计算"

    @property
    def notes(self) -> list[str]:
        return self.ranking.notes

    def summary_notes(self) -> list[str]:
        """What the 排名说明 sheet lists: inputs, dates, score sources, history, and every note."""
        config = self.ranking.config
        lines = [
            f"排名月份：{self.ranking.month.label}；参照日期 {self.as_of.isoformat()}；"
            f"按 {self.evaluated_at.isoformat()} 的台账状态评价（月末或参照日期，取较早者）",
            f"读取的台账文件：{len(self.sources)} 个",
            *(f"· {s}" for s in self.sources),
        ]
        if self.manual.sheets:
            lines.append(f"督查评分表：{'、'.join(self.manual.sheets)}（有评分的单位以评分为准）")
        else:
            lines.append("没有督查评分表：全部使用计算得分")
        lines.append(
            f"一票否决的单位排在未否决单位之后；前{config.top}名/后{config.bottom}名分乡镇、部门分别确定；"
            f"问责阶梯按后{config.escalation_bottom}名计（{window_text(self.ranking.month, config)}）"
        )
        if self.history_path is None:
            lines.append("没有排名历史数据库：后三名累计次数只计本月")
        else:
            state = "本月已发布" if self.published else "本月未发布（命令行加 --publish 发布）"
            lines.append(f"排名历史数据库：{self.history_path}（此前已有 {self.history_months} 个月；{state}）")
        lines.append("建议问责措施仅为建议，由县里研究决定。")
        lines += [f"注意：{n}" for n in self.notes]
        return lines


def rank_books(
    books: Sequence[WorkbookLedgers],
    findings: Sequence[Finding],
    *,
    month: Month,
    as_of: dt.date,
    settings: Settings,
    score_books: Sequence[WorkbookLedgers] = (),
    vetoes: Mapping[str, Veto] | None = None,
) -> RankingRun:
    """Rank ``month`` from checked workbooks (``findings`` are their check's) and optional 督查评分 workbooks.

    ``vetoes`` replaces the chain's veto candidates (tests, or a caller that has them already).
    """
    config = ranking_config(settings)
    at = evaluation_date(month, as_of)
    facts = problem_facts(books, today=at, settings=settings)  # once: metrics and vetoes both read it
    metrics, notes = unit_metrics(
        books, findings, month=month, as_of=as_of, config=config, settings=settings, facts=facts
    )
    manual = manual_entries([*books, *score_books], month, config)
    found = (
        dict(vetoes)
        if vetoes is not None
        else chain_vetoes(books, month=month, at=at, settings=settings, config=config, facts=facts)
    )
    for unit, veto in manual.vetoes.items():
        found.setdefault(unit, veto)
    ranking = rank_month(month, config, metrics, vetoes=found, manual=manual.scores)
    ranking.notes = [*notes, *manual.notes]
    for name, m in metrics.items():
        ranking.notes += [f"{name}：{n}" for n in m.notes]
    sources = [b.path for b in books] + [b.path for b in score_books]
    return RankingRun(ranking=ranking, as_of=as_of, evaluated_at=at, manual=manual, sources=sources)


def use_history(run: RankingRun, path: Path | None, *, publish: bool) -> RankingRun:
    """:func:`attach_history` with the database at ``path``: created when publishing, otherwise only read
    when it exists (the ribbon and a run without ``--publish`` never create or change it)."""
    if publish and path is not None:
        with History(path) as db:
            return attach_history(run, db, publish=True)
    if path is not None and path.is_file():
        with History(path, create=False) as db:
            return attach_history(run, db, publish=False)
    return attach_history(run, None, publish=False)


def attach_history(run: RankingRun, history: History | None, *, publish: bool) -> RankingRun:
    """Fill the ladder from ``history`` (None = no database yet) and, with ``publish``, store the month."""
    if history is None:
        apply_ladder(run.ranking, {}, note=PREVIEW_NOTE)
        return run
    months = history.months()
    run.history_path = history.path
    run.history_months = len(months)
    run.published_before = run.ranking.month in months
    note = "" if publish else REPUBLISH_NOTE if run.published_before else PREVIEW_NOTE
    apply_ladder(run.ranking, history.bottom_months(), note=note)
    if publish:
        history.publish(run.ranking, as_of=run.as_of, sources=run.sources)
        run.published = True
    return run
