"""Facts about a 督查评分/排名 sheet for the ranking rules (domain.md §3.12, PM-01…PM-08).

``{"ranking_fact": ["=<fact>", "$ranking"]}`` is one column of facts about each row of
an ``inspection_scores`` table, judged with the county's ranking settings (``$ranking``
is the ``ranking`` block of zhenggai.json; Settings passes it to the rules). The
facts use the ranking's own code — unit lists and name lookups
(:func:`addin.summary.ranking_settings.ranking_config`), the bands and the bottom of
the ranking (``_head``/``_tail`` of :mod:`addin.summary.ranking`), the escalation
ladder (:func:`addin.summary.ladder.sanction_for`) — so that a sheet the add-in
ranked itself always passes, and a hand-made one is held to the same reading.

Rows are grouped by month (月份; rows without one form one group) and unit type
(单位类型, else the type of the named unit). Facts (text facts are "" when there is
nothing to say):

``unit_unknown`` the 单位 is filled but names no configured township or department;
``missing`` (on the first row of a month, in the first such sheet of the workbook) the
configured units no 督查评分 sheet of the workbook lists for that month;
``twice`` the Excel row of an earlier row of the same unit and month;
``group_conflict`` another 督查组 the same unit has in this sheet, or in the settings'
``group_assignment``; ``max_score`` the configured full score;
``vetoed`` 一票否决 is 是 and the veto moves this kind of unit (townships, and
departments only when ``veto_applies_to_departments``);
``veto_above`` the first unit without a veto ranked after a vetoed one;
``ordered`` the row has a 名次 and a known unit type, so the checks of order apply;
``band_kind`` top/bottom/"" as the 等次 cell says; ``expected_band`` the band the ranks
give (前4名/后4名/不标注); ``band_wrong`` the 等次 cell says otherwise;
``inverted`` a unit with a lower score ranked before this one;
``tie_unexplained`` a unit with the same score ranked before this one while the 备注
and 扣分 cells say nothing about how the tie was broken;
``sanction_problem`` mismatch / missing / not_bottom for the 问责措施 cell, with
``expected_sanction`` the step of the ladder for the 后三名次数 given.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np

from addin.errors import ConfigError
from addin.ledger.table import LedgerTable
from addin.ledger.text import clean_text
from addin.rules.expressions import Context, args_of, operator, param
from addin.settings import Settings
from addin.summary.ladder import SANCTIONS, sanction_for
from addin.summary.ranking import _head, _tail
from addin.summary.ranking_settings import RankingConfig, ranking_config

KIND = "inspection_scores"
TIE_WORDS = re.compile(r"同分|并列|相同|比较|依次|抽签|决定名次")


@dataclass
class _Row:
    """What the ranking helpers need of a row: its rank and whether the veto moves it."""

    index: int
    rank: int
    vetoed: bool
    score: float


@dataclass(frozen=True)
class _Setup:
    """The ranking settings in force, and the units the county put into a 督查组 by name."""

    config: RankingConfig
    explicit_groups: dict[str, str]


def _settings_doc(ctx: Context, ref: Any) -> dict[str, Any]:
    doc = param(ref[1:], ctx) if isinstance(ref, str) and ref.startswith("$") else ref
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise ConfigError("rules", f"ranking_fact 的第二个参数应为 ranking 设置（一个对象）：{ref}")
    return doc


def _texts(table: LedgerTable, key: str) -> list[str]:
    if not table.has(key):
        return [""] * len(table)
    empty = table.empty(key)
    return ["" if empty[i] else clean_text(v) for i, v in enumerate(table.values(key).tolist())]


def _numbers(table: LedgerTable, key: str) -> np.ndarray:
    if not table.has(key):
        return np.full(len(table), np.nan)
    values = table.values(key)
    return np.array([float(v) if isinstance(v, int | float) and not isinstance(v, bool) else np.nan for v in values])


def _months(table: LedgerTable) -> list[str]:
    if not table.has("period"):
        return [""] * len(table)
    dates = table.values("period").astype("datetime64[M]")
    return ["" if np.isnat(d) else str(d) for d in dates]


@dataclass
class _Sheet:
    """The normalised reading of one 督查评分 table."""

    units: list[str]  # canonical unit name, "" when unknown or empty
    types: list[str]  # 乡镇 / 县直部门 / ""
    months: list[str]  # "2024-05" or ""


def _read(table: LedgerTable, config: RankingConfig) -> _Sheet:
    units, types = [], []
    given_types = _texts(table, "unit_type")
    for text, given in zip(_texts(table, "unit"), given_types, strict=True):
        unit = config.unit(text) if text else None
        units.append(unit.name if unit is not None else "")
        types.append(given or (unit.unit_type if unit is not None else ""))
    return _Sheet(units, types, _months(table))


def _facts(ctx: Context, ref: Any) -> dict[str, np.ndarray]:
    """The facts of this table under these settings, computed once per run and table."""
    doc = _settings_doc(ctx, ref)
    key = json.dumps(doc, sort_keys=True, ensure_ascii=False, default=str)
    cache_key = ("ranking_facts", id(ctx.table), key)
    hit = ctx.cache.get(cache_key)
    if hit is None:
        setup = _Setup(ranking_config(Settings(ranking=doc)), dict(doc.get("group_assignment") or {}))
        hit = ctx.cache[cache_key] = _compute(ctx, setup)  # type: ignore[assignment]
    return hit  # type: ignore[return-value]


def _compute(ctx: Context, setup: _Setup) -> dict[str, np.ndarray]:
    table, n, config = ctx.table, ctx.n, setup.config
    sheet = _read(table, config)
    facts: dict[str, np.ndarray] = {name: np.full(n, "", dtype=object) for name in _TEXT_FACTS}
    facts["twice"] = np.full(n, np.nan)
    facts["ordered"] = np.zeros(n, dtype=bool)
    facts["band_wrong"] = np.zeros(n, dtype=bool)
    facts["vetoed"] = np.zeros(n, dtype=bool)
    facts["max_score"] = np.full(n, config.max_score)
    unit_text = _texts(table, "unit")
    facts["unit_unknown"] = np.array([bool(t) and not u for t, u in zip(unit_text, sheet.units, strict=True)])
    _duplicates_and_groups(table, setup.explicit_groups, sheet, facts)
    _missing(ctx, config, sheet, facts)
    _ordering(table, config, sheet, facts)
    return facts


_TEXT_FACTS = (
    "missing",
    "group_conflict",
    "veto_above",
    "band_kind",
    "expected_band",
    "inverted",
    "tie_unexplained",
    "sanction_problem",
    "expected_sanction",
)


def _duplicates_and_groups(table: LedgerTable, explicit: dict[str, str], sheet: _Sheet, facts: dict) -> None:
    first: dict[tuple[str, str], int] = {}
    group_of: dict[str, tuple[str, int]] = {}
    groups = _texts(table, "group")
    for i, unit in enumerate(sheet.units):
        if not unit:
            continue
        key = (sheet.months[i], unit)
        if key in first:
            facts["twice"][i] = float(table.rows[first[key]])
        else:
            first[key] = i
        group = groups[i]
        if not group:
            continue
        if explicit.get(unit) and group != explicit[unit]:
            facts["group_conflict"][i] = f"设置中分在{explicit[unit]}"
        elif unit in group_of and group_of[unit][0] != group:
            other, row = group_of[unit]
            facts["group_conflict"][i] = f"第{table.rows[row]}行分在{other}"
        group_of.setdefault(unit, (group, i))


def _missing(ctx: Context, config: RankingConfig, sheet: _Sheet, facts: dict) -> None:
    """Units no 督查评分 sheet of the workbook lists, per month, on the month's first row of the first sheet."""
    tables = ctx.tables.get(KIND, []) or [ctx.table]
    listed: dict[str, set[str]] = defaultdict(set)
    first_table: dict[str, int] = {}
    for t in tables:
        other = sheet if t is ctx.table else _read(t, config)
        for month, unit in zip(other.months, other.units, strict=True):
            first_table.setdefault(month, id(t))
            if unit:
                listed[month].add(unit)
    seen: set[str] = set()
    for i, month in enumerate(sheet.months):
        if month in seen or first_table.get(month) != id(ctx.table):
            continue
        seen.add(month)
        parts = []
        for label, unit_type in (("乡镇", "乡镇"), ("部门", "县直部门")):
            absent = [u.name for u in config.of_type(unit_type) if u.name not in listed[month]]
            if absent:
                parts.append(f"{label}{len(absent)}个（{'、'.join(absent)}）")
        if parts:
            when = f"{int(month[:4])}年{int(month[5:])}月" if month else "本表"
            facts["missing"][i] = f"{when}缺{'；'.join(parts)}"


def _ordering(table: LedgerTable, config: RankingConfig, sheet: _Sheet, facts: dict) -> None:
    """Veto placement, bands, rank vs score and the ladder, per month and unit type."""
    ranks, scores, counts = _numbers(table, "rank_all"), _numbers(table, "score"), _numbers(table, "bottom3_count")
    vetoes = table.values("veto") if table.has("veto") else np.full(len(table), None, dtype=object)
    for i, unit_type in enumerate(sheet.types):
        facts["vetoed"][i] = vetoes[i] is True and bool(unit_type) and config.veto_applies(unit_type)
    notes = [" ".join(p) for p in zip(_texts(table, "remark"), _texts(table, "deduction"), strict=True)]
    sanctions = _texts(table, "sanction")
    bands = _texts(table, "band")
    for i, band in enumerate(bands):
        facts["band_kind"][i] = "top" if band.startswith("前") else "bottom" if band.startswith("后") else ""
    groups: dict[tuple[str, str], list[_Row]] = defaultdict(list)
    for i in range(len(table)):
        unit_type = sheet.types[i]
        if not unit_type or math.isnan(ranks[i]):
            continue
        facts["ordered"][i] = True
        groups[(sheet.months[i], unit_type)].append(_Row(i, int(ranks[i]), bool(facts["vetoed"][i]), scores[i]))
    for (_month, unit_type), rows in groups.items():
        rows.sort(key=lambda r: (r.rank, r.vetoed))
        _veto_and_scores(rows, notes, sheet, facts)
        top_ids = {r.index for r in _head(rows, config.top)}
        bottom_ids = {r.index for r in _tail(rows, config.bottom)} - top_ids
        for r in rows:
            kind = "top" if r.index in top_ids else "bottom" if r.index in bottom_ids else ""
            label = {"top": f"前{config.top}名", "bottom": f"后{config.bottom}名"}.get(kind, "")
            facts["expected_band"][r.index] = label or "不标注（中间名次）"
            facts["band_wrong"][r.index] = table.has("band") and facts["band_kind"][r.index] != kind
        if config.escalates(unit_type):
            _ladder(rows, config, top_ids, counts, sanctions, facts)


def _veto_and_scores(rows: list[_Row], notes: list[str], sheet: _Sheet, facts: dict) -> None:
    clear = [r for r in rows if not r.vetoed]
    for r in rows:
        if r.vetoed:
            after = next((c for c in clear if c.rank >= r.rank), None)
            if after is not None:
                facts["veto_above"][r.index] = f"{sheet.units[after.index]}（第{after.rank}名）"
        if math.isnan(r.score):
            continue
        same_class = [c for c in rows if c.vetoed == r.vetoed and not math.isnan(c.score) and c.rank < r.rank]
        lower = next((c for c in same_class if c.score < r.score), None)
        if lower is not None:
            facts["inverted"][r.index] = f"{sheet.units[lower.index]}得分{lower.score:g}排第{lower.rank}名"
            continue
        tied = next((c for c in same_class if c.score == r.score), None)
        if tied is not None and not TIE_WORDS.search(notes[r.index]):
            facts["tie_unexplained"][r.index] = f"{sheet.units[tied.index]}（第{tied.rank}名）"


def _ladder(
    rows: list[_Row], config: RankingConfig, top_ids: set[int], counts: np.ndarray, sanctions: list[str], facts: dict
) -> None:
    """The bottom of the ranking as the ranking computes it (domain §4.2 step 7) against the 问责措施 cells."""
    n = config.escalation_bottom
    bottom = {r.index for r in _tail(rows, n) if r.index not in top_ids}
    vetoed = [r.index for r in rows if r.vetoed]
    if config.all_vetoed_in_bottom and len(vetoed) > n:
        bottom |= set(vetoed)
    for r in rows:
        i = r.index
        count = counts[i]
        expected = sanction_for(int(count)) if not math.isnan(count) else ""
        facts["expected_sanction"][i] = expected
        given = sanctions[i]
        if given and i not in bottom and any(s in given for s in SANCTIONS):
            facts["sanction_problem"][i] = "not_bottom"
        elif given and expected and expected not in given:
            facts["sanction_problem"][i] = "mismatch"
        elif not given and expected and i in bottom:
            facts["sanction_problem"][i] = "missing"


@operator("ranking_fact")
def ranking_fact(ctx: Context, arg: Any) -> np.ndarray:
    """``["=fact", "$ranking"]``: a fact about each row of a 督查评分 sheet under the county's ranking settings."""
    name, ref = args_of(arg, 2)
    name = name[1:] if isinstance(name, str) and name.startswith("=") else name
    if ctx.table.kind != KIND:
        raise ConfigError("rules", "ranking_fact 只能用于督查评分表（inspection_scores）")
    facts = _facts(ctx, ref)
    if name not in facts:
        raise ConfigError("rules", f"ranking_fact 不认识“{name}”，可用：{'、'.join(sorted(facts))}")
    return facts[name]
