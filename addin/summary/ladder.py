"""The escalation ladder: a township's n-th time in the bottom 3 → 表态发言 / 诫勉谈话 / 降级降职.

Domain §4.2 step 7 (seed: "第一次表态发言，第二次诫勉谈话，第三次降级降职"). ``n``
counts the months within the escalation window in which the unit was in the
bottom 3, this month included; the months need not be consecutive. The window is
"since the campaign started" (CFG:campaign_start; all history when unset) or the
calendar year. The add-in only proposes a step; it never applies one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from addin.summary.month import Month
from addin.summary.ranking import Ranking
from addin.summary.ranking_settings import RankingConfig

SANCTIONS = ("表态发言", "诫勉谈话", "降级降职")


def sanction_for(n: int) -> str:
    """The proposed step for the n-th time in the bottom 3 (n ≥ 3 stays at 降级降职)."""
    if n <= 0:
        return ""
    return SANCTIONS[min(n, len(SANCTIONS)) - 1]


def window_start(month: Month, config: RankingConfig) -> Month | None:
    """The first month that counts for ``month`` (None = no lower bound)."""
    if config.escalation_window == "calendar_year":
        return Month(month.year, 1)
    return Month.of(config.campaign_start) if config.campaign_start is not None else None


def window_text(month: Month, config: RankingConfig) -> str:
    """The window in words, for reasons and messages."""
    start = window_start(month, config)
    if config.escalation_window == "calendar_year":
        return f"{month.year}年内累计"
    return f"自{start.label}起累计" if start is not None else "历次累计"


def count_in_window(months: Iterable[Month], month: Month, config: RankingConfig) -> int:
    """How many distinct ``months`` fall in the window of ``month`` (up to and including it)."""
    start = window_start(month, config)
    return len({m for m in months if m <= month and (start is None or m >= start)})


PREVIEW_NOTE = "本月尚未发布到排名历史，次数按发布后计算"
REPUBLISH_NOTE = "本月已发布过，次数按本次结果计算（重新发布将替换原记录）"


def apply_ladder(ranking: Ranking, bottom_months: Mapping[str, Iterable[Month]], *, note: str = "") -> None:
    """Fill each position's 后三名累计次数 and 建议问责措施 from the history's bottom-3 months.

    ``bottom_months`` are the months already published with the unit in the bottom 3;
    this month's entry there (a month published before) is replaced by this
    ranking's own result, so re-ranking a month never counts it twice. ``note``
    is added to each proposal (e.g. :data:`PREVIEW_NOTE` when nothing is published).
    """
    config, month = ranking.config, ranking.month
    n_bottom = config.escalation_bottom
    for p in ranking.positions:
        if not config.escalates(p.unit.unit_type):
            continue
        months = {m for m in bottom_months.get(p.unit.name, ()) if m != month}
        if p.in_bottom:
            months.add(month)
        p.bottom_count = count_in_window(months, month, config)
        if not p.in_bottom:
            continue
        p.sanction = sanction_for(p.bottom_count)
        text = (
            f"第{p.bottom_count}次进入后{n_bottom}名（{window_text(month, config)}），"
            f"建议{p.sanction}（仅为建议，由县里研究决定）"
        )
        if note:
            text += f"；{note}"
        p.reasons.append(text)
