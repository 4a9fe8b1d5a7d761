"""The monthly ranking: scores, the one-vote veto, ranks with ties, bands, group first/last, bottom 3.

Domain §4.2 steps 3–7, as pure functions over data: what each unit lost points
for (:class:`UnitMetrics`, from :mod:`addin.summary.ranking_metrics`), which units
have a veto (:class:`Veto`, from the chain's veto candidates or a 督查组's entry),
and the manual scores of a 督查评分 sheet. Nothing here reads a workbook or a
database, so every placement rule is tested on plain numbers, and every position
carries its reasons in Chinese: the score and its parts, the veto with its "一"
and item, ties (并列) and how they were broken, bands that a tie pushed beyond 4.

Order within a unit type (乡镇 1–17, 部门 1–18): units without a veto by score,
higher first; equal scores are broken by fewer 严重 problems, then fewer overdue
items, then a higher on-time completion rate; what is still equal shares a rank
(competition ranking: 1, 2, 2, 4). Vetoed units follow all others, ordered the
same way among themselves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from addin.chain.mapping import yi_label as chain_yi_label
from addin.chain.mapping import yi_mark
from addin.errors import UsageError
from addin.summary.month import Month
from addin.summary.ranking_settings import DEPARTMENT, TOWNSHIP, UNIT_TYPES, RankingConfig, Unit

MANUAL, COMPUTED = "人工", "计算"
TIE_KEYS = "得分、严重问题数、逾期未整改数、按期完成率"


def num(value: float) -> str:
    """A score or deduction as printed: at most two decimals, no trailing zeros (87.5, 90, 0.25)."""
    return f"{round(value, 2):g}"


def yi_label(yi: int) -> str:
    """ "第②个“一”（台账一户一户校准）", or that it was not stated."""
    name = chain_yi_label(yi)
    return f"第{yi_mark(yi)}个“一”（{name}）" if name else "未注明哪个“一”"


@dataclass(frozen=True, slots=True)
class Veto:
    """A one-vote veto: which "一" failed, why, and the item that triggered it."""

    yi: int  # 1–6; 0 = not stated
    reason: str
    item: str

    @property
    def text(self) -> str:
        """What the 否决事项 column shows: the "一" and the item."""
        return f"{yi_label(self.yi)}：{self.item}" if self.item else yi_label(self.yi)


@dataclass(frozen=True, slots=True)
class ScorePart:
    """One deduction of the computed score: its name, the points taken, and what was counted."""

    label: str
    points: float
    detail: str
    counted: bool = True  # False: the data for this part is missing, so it could not be counted (detail says why)


@dataclass
class UnitMetrics:
    """What a unit lost points for in a month, and the tie-break counts."""

    parts: list[ScorePart] = field(default_factory=list)
    severe: int = 0  # new 严重 problems in the month
    overdue: int = 0  # open overdue items at the evaluation date
    completion_rate: float | None = None  # on-time share of items due in the month; None = nothing was due
    notes: list[str] = field(default_factory=list)

    @property
    def deduction(self) -> float:
        return round(sum(p.points for p in self.parts), 2)


@dataclass(frozen=True, slots=True)
class ManualScore:
    """A 督查组's score for a unit, and where it was read."""

    score: float
    where: str
    remark: str = ""


@dataclass
class Position:
    """One unit's line of the month's ranking."""

    month: Month
    unit: Unit
    score: float
    score_source: str  # 人工 | 计算
    computed: float
    metrics: UnitMetrics
    veto: Veto | None = None
    vetoed: bool = False  # the veto moved the unit (townships; departments only by setting)
    rank: int = 0
    tied_with: list[str] = field(default_factory=list)
    band: str = ""
    group_rank: int = 0
    group_mark: str = ""
    in_bottom: bool = False  # among the last ``escalation_bottom`` (the ladder counts these)
    bottom_count: int | None = None  # n-th time in the bottom 3 within the window (None = ladder not applicable)
    sanction: str = ""
    reasons: list[str] = field(default_factory=list)

    @property
    def sort_key(self) -> tuple[bool, float, int, int, float]:
        rate = 1.0 if self.metrics.completion_rate is None else self.metrics.completion_rate
        return (self.vetoed, -self.score, self.metrics.severe, self.metrics.overdue, -round(rate, 6))


@dataclass
class Ranking:
    """The month's ranking: positions of townships then departments, each in rank order."""

    month: Month
    config: RankingConfig
    positions: list[Position]
    notes: list[str] = field(default_factory=list)  # about the inputs (manual scores ignored, units unknown …)

    def of_type(self, unit_type: str) -> list[Position]:
        return [p for p in self.positions if p.unit.unit_type == unit_type]

    def position(self, unit: str) -> Position:
        return next(p for p in self.positions if p.unit.name == unit)

    def top(self, unit_type: str) -> list[Position]:
        return [p for p in self.of_type(unit_type) if p.band == self.band_labels[0]]

    def bottom(self, unit_type: str) -> list[Position]:
        return [p for p in self.of_type(unit_type) if p.band == self.band_labels[1]]

    @property
    def band_labels(self) -> tuple[str, str]:
        return f"前{self.config.top}名", f"后{self.config.bottom}名"


def computed_score(metrics: UnitMetrics, config: RankingConfig) -> float:
    """S = max(0, max_score − D)."""
    return round(max(0.0, config.max_score - metrics.deduction), 2)


def rank_month(
    month: Month,
    config: RankingConfig,
    metrics: Mapping[str, UnitMetrics],
    *,
    vetoes: Mapping[str, Veto] | None = None,
    manual: Mapping[str, ManualScore] | None = None,
) -> Ranking:
    """Rank every configured unit for ``month`` (units without metrics count as having lost nothing)."""
    vetoes, manual = vetoes or {}, manual or {}
    _require_manual(config, manual)
    positions: list[Position] = []
    for unit_type in UNIT_TYPES:
        group = [
            _position(month, u, config, metrics.get(u.name), vetoes.get(u.name), manual.get(u.name))
            for u in config.of_type(unit_type)
        ]
        order = {u.name: i for i, u in enumerate(config.of_type(unit_type))}
        group.sort(key=lambda p: (p.sort_key, order[p.unit.name]))
        _assign_ranks(group)
        _bands(group, config)
        _escalation(group, config)
        _group_marks(group, config, unit_type)
        for p in group:
            p.reasons = [*p.reasons[:1], *_reasons(p, group), *p.reasons[1:]]
        positions.extend(group)
    return Ranking(month, config, positions)


def _require_manual(config: RankingConfig, manual: Mapping[str, ManualScore]) -> None:
    if config.score_mode != "manual":
        return
    missing = [u.name for u in config.units if u.name not in manual]
    if missing:
        raise UsageError(
            f"设置 score_mode = manual（只用督查组评分），但以下单位没有评分：{'、'.join(missing)}",
            remedy="请补全督查评分表，或把 ranking.score_mode 改为 auto",
        )


def _position(
    month: Month,
    unit: Unit,
    config: RankingConfig,
    metrics: UnitMetrics | None,
    veto: Veto | None,
    manual: ManualScore | None,
) -> Position:
    metrics = metrics or UnitMetrics()
    computed = computed_score(metrics, config)
    use_manual = manual is not None and config.score_mode != "computed"
    position = Position(
        month=month,
        unit=unit,
        score=manual.score if use_manual and manual is not None else computed,
        score_source=MANUAL if use_manual else COMPUTED,
        computed=computed,
        metrics=metrics,
        veto=veto,
        vetoed=veto is not None and config.veto_applies(unit.unit_type),
    )
    position.reasons = [_score_reason(position, manual, config)]
    return position


def _score_reason(p: Position, manual: ManualScore | None, config: RankingConfig) -> str:
    parts = p.metrics.parts
    pieces = [f"{part.label}{part.detail}，扣{num(part.points)}分" for part in parts if part.points > 0]
    zero = [part.label for part in parts if part.points <= 0 and part.counted]
    if zero:
        pieces.append(f"未扣分：{'、'.join(zero)}")
    pieces += [f"{part.label}{part.detail}" for part in parts if part.points <= 0 and not part.counted]
    computed = f"计算得分 {num(p.computed)} = {num(config.max_score)} − 扣分 {num(p.metrics.deduction)}"
    computed += f"（{'；'.join(pieces)}）" if pieces else "（无扣分项）"
    if manual is None:
        return computed
    given = f"督查组评分 {num(manual.score)}（{manual.where}{'，' + manual.remark if manual.remark else ''}）"
    if p.score_source == MANUAL:
        return f"{given}；{computed}，仅供参考"
    return f"{computed}；{given}未采用（设置 score_mode = computed）"


def _assign_ranks(group: list[Position]) -> None:
    """Competition ranks (1, 2, 2, 4); units equal in every key share a rank and list each other."""
    previous: Position | None = None
    for i, p in enumerate(group):
        p.rank = previous.rank if previous is not None and previous.sort_key == p.sort_key else i + 1
        previous = p
    for p in group:
        p.tied_with = [q.unit.name for q in group if q is not p and q.rank == p.rank]


def _head(group: Sequence[Position], n: int) -> list[Position]:
    """The first ``n`` among units without a veto, plus any unit tied with the n-th."""
    eligible = [p for p in group if not p.vetoed]
    if n <= 0 or not eligible:
        return []
    if len(eligible) <= n:
        return eligible
    cut = eligible[n - 1].rank
    return [p for p in eligible if p.rank <= cut]


def _tail(group: Sequence[Position], n: int) -> list[Position]:
    """The last ``n``, plus any unit tied with the first of them."""
    if n <= 0 or not group:
        return []
    if len(group) <= n:
        return list(group)
    cut = group[len(group) - n].rank
    return [p for p in group if p.rank >= cut]


def _bands(group: list[Position], config: RankingConfig) -> None:
    top_label, bottom_label = f"前{config.top}名", f"后{config.bottom}名"
    top = _head(group, config.top)
    for p in top:
        p.band = top_label
    bottom = [p for p in _tail(group, config.bottom) if not p.band]
    for p in bottom:
        p.band = bottom_label
    for members, n, label in ((top, config.top, top_label), (bottom, config.bottom, bottom_label)):
        if len(members) > n:
            for p in members:
                if p.tied_with:
                    p.reasons.append(f"并列跨越{label}界线，{label}共 {len(members)} 个单位")


def _escalation(group: list[Position], config: RankingConfig) -> None:
    n = config.escalation_bottom
    top = {id(p) for p in _head(group, config.top)}
    bottom = [p for p in _tail(group, n) if id(p) not in top]  # a tie that spans everything has no bottom
    vetoed = [p for p in group if p.vetoed]
    extra_vetoed = config.all_vetoed_in_bottom and len(vetoed) > n
    if extra_vetoed:
        bottom += [p for p in vetoed if all(p is not q for q in bottom)]
    for p in bottom:
        p.in_bottom = True
        if extra_vetoed and p.vetoed:
            p.reasons.append(f"一票否决单位多于 {n} 个，全部计入后{n}名")
        elif len(bottom) > n and p.tied_with:
            p.reasons.append(f"并列跨越后{n}名界线，后{n}名共 {len(bottom)} 个单位")


def _group_marks(group: list[Position], config: RankingConfig, unit_type: str) -> None:
    """组内名次 and 组内第一/倒数第一 (per 督查组), or the first and last of the unit type."""
    kind = "乡镇" if unit_type == TOWNSHIP else "部门" if unit_type == DEPARTMENT else unit_type
    if config.group_mode == "unit_type":
        last = max((p.rank for p in group), default=0)
        for p in group:
            p.group_rank = p.rank
            if p.rank == 1:
                p.group_mark = f"{kind}第一"
            elif p.rank == last:
                p.group_mark = f"{kind}倒数第一"
        return
    for name in dict.fromkeys(p.unit.group for p in group):
        members = [p for p in group if p.unit.group == name]
        previous: Position | None = None
        for i, p in enumerate(members):
            p.group_rank = previous.group_rank if previous is not None and previous.rank == p.rank else i + 1
            previous = p
        last = max(p.group_rank for p in members)
        for p in members:
            if p.group_rank == 1:
                p.group_mark = "组内第一"
            elif p.group_rank == last:
                p.group_mark = "组内倒数第一"
        if len(members) == 1:
            members[0].reasons.append(f"{name}只有这一个{kind}")


def _reasons(p: Position, group: Sequence[Position]) -> list[str]:
    """Why the unit stands where it stands: veto, ties, tie-breaks."""
    out: list[str] = []
    if p.veto is not None:
        if p.vetoed:
            out.append(
                f"一票否决：{yi_label(p.veto.yi)}出问题（{p.veto.reason}；{p.veto.item}），排在未被否决的单位之后"
            )
        else:
            out.append(
                f"有一票否决情形：{yi_label(p.veto.yi)}出问题（{p.veto.reason}；{p.veto.item}），"
                "按设置部门不适用一票否决，仅作提示"
            )
    if p.tied_with:
        out.append(f"与{'、'.join(p.tied_with)}并列第{p.rank}名（{TIE_KEYS}均相同）")
    same_score = [
        q.unit.name for q in group if q is not p and q.vetoed == p.vetoed and q.score == p.score and q.rank != p.rank
    ]
    if same_score:
        out.append(
            f"得分与{'、'.join(same_score)}相同，依次比较严重问题数、逾期未整改数（少者在前）和按期完成率（高者在前）后排第{p.rank}名"
        )
    return out
