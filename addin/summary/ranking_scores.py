"""The inspection groups' own scores and veto entries, read from 督查评分 sheets (ledger kind inspection_scores).

A 督查评分 sheet is read by the same machinery as every ledger (header detection,
aliases, value normalisation, templates/ledgers/inspection_scores.json). Rows of
another month are left out; a row without a month counts for the month being
ranked. What is wrong with a row is not raised but noted (and the unit keeps its
computed score), in the words of domain §3.12: units missing (PM-01), a group
differing from the settings (PM-02), a veto without its "一" (PM-03), a score
out of range (PM-05).

Our own 排名 sheet looks much like a 督查评分 sheet; its title carries
:data:`OWN_TITLE_MARK`, and such sheets are never read back as manual scores.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from addin.ledger.definitions import default_catalog
from addin.ledger.reader import WorkbookLedgers
from addin.ledger.table import LedgerTable
from addin.ledger.text import clean_text, value_key
from addin.summary.month import Month
from addin.summary.ranking import ManualScore, Veto, num
from addin.summary.ranking_settings import RankingConfig

KIND = "inspection_scores"
OWN_TITLE_MARK = "整改台账助手"
_CIRCLED = {"①": 1, "②": 2, "③": 3, "④": 4, "⑤": 5, "⑥": 6}
_ORDINAL = re.compile(r"第([一二三四五六1-6])个")
_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6}


@dataclass
class ManualEntries:
    """The month's manual scores and vetoes by unit, and notes about rows not used as they stand."""

    scores: dict[str, ManualScore] = field(default_factory=dict)
    vetoes: dict[str, Veto] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)  # "file 工作表“…”" of every sheet read


def parse_yi(text: str) -> int:
    """Which "一" a 否决事项 text names (①, 第二个, 1, or the words of a "一"); 0 when it names none."""
    for mark, n in _CIRCLED.items():
        if mark in text:
            return n
    text = clean_text(text)
    ordinal = _ORDINAL.search(text)
    if ordinal:
        word = ordinal.group(1)
        return _DIGITS.get(word) or int(word)
    codes = default_catalog().code_list("yi")
    hit = codes.lookup(text)
    if hit is not None:
        return int(hit.attrs.get("n", 0))
    key = value_key(text)
    for entry in codes.values:
        if any(value_key(word) in key for word in (entry.value, *entry.synonyms) if len(word) >= 4):
            return int(entry.attrs.get("n", 0))
    return 0


def is_own_sheet(table: LedgerTable) -> bool:
    """A 排名 sheet written by this add-in (never read as the groups' scores)."""
    return OWN_TITLE_MARK in (table.layout.title or "")


def _where(table: LedgerTable, row: int) -> str:
    return f"{Path(table.file).name} 工作表“{table.sheet}”第{row}行"


def _text(table: LedgerTable, key: str, i: int) -> str:
    if not table.has(key) or table.empty(key)[i]:
        return ""
    return clean_text(table.values(key)[i])


def manual_entries(books: Sequence[WorkbookLedgers], month: Month, config: RankingConfig) -> ManualEntries:
    """Every 督查评分 row of ``month`` in ``books`` (sheets of kind inspection_scores, ours excluded)."""
    out = ManualEntries()
    for book in books:
        for table in book.of_kind(KIND):
            if is_own_sheet(table):
                continue
            out.sheets.append(f"{Path(table.file).name} 工作表“{table.sheet}”")
            _read_table(table, month, config, out)
    if out.scores:
        missing = [u.name for u in config.units if u.name not in out.scores]
        if missing:
            out.notes.append(f"督查评分表缺少 {len(missing)} 个单位的评分（{'、'.join(missing)}），这些单位用计算得分")
    return out


def _read_table(table: LedgerTable, month: Month, config: RankingConfig, out: ManualEntries) -> None:
    periods = table.values("period") if table.has("period") else np.full(len(table), np.datetime64("NaT"))
    for i, row in enumerate(table.rows.tolist()):
        where = _where(table, row)
        period = periods[i]
        if not np.isnat(np.datetime64(period, "D")):
            day = np.datetime64(period, "D").item()
            if Month.of(day) != month:
                continue
        name = _text(table, "unit", i)
        if not name:
            continue
        unit = config.unit(name)
        if unit is None:
            out.notes.append(f"{where}：单位“{name}”不在排名名单中，该行未采用")
            continue
        group = _text(table, "group", i)
        if group and group != unit.group:
            out.notes.append(f"{where}：{unit.name}的督查组写为“{group}”，设置中为“{unit.group}”，按设置计")
        _score(table, i, where, unit.name, config, out)
        _veto(table, i, where, unit.name, out)


def _score(table: LedgerTable, i: int, where: str, unit: str, config: RankingConfig, out: ManualEntries) -> None:
    if not table.has("score") or table.empty("score")[i]:
        return
    value = table.values("score")[i]
    if table.bad("score")[i] or not isinstance(value, float) or math.isnan(value):
        out.notes.append(f"{where}：{unit}的得分“{table.raw_value('score', i)}”不是数字，该分未采用")
        return
    if not 0 <= value <= config.max_score:
        out.notes.append(f"{where}：{unit}的得分 {num(value)} 超出 0–{num(config.max_score)}，该分未采用")
        return
    if unit in out.scores:
        out.notes.append(f"{where}：{unit}重复评分，采用{out.scores[unit].where}的得分")
        return
    remark = "；".join(t for t in (_text(table, "deduction", i), _text(table, "remark", i)) if t)
    out.scores[unit] = ManualScore(score=float(value), where=where, remark=remark)


def _veto(table: LedgerTable, i: int, where: str, unit: str, out: ManualEntries) -> None:
    if not table.has("veto") or table.values("veto")[i] is not True or unit in out.vetoes:
        return
    raw = table.raw_value("veto_yi", i) if table.has("veto_yi") and not table.empty("veto_yi")[i] else ""
    what = str(raw).strip()
    yi = parse_yi(what)
    if not what:
        out.notes.append(f"{where}：{unit}登记了一票否决，但未注明是哪个“一”出问题（PM-03）")
    out.vetoes[unit] = Veto(yi=yi, reason=f"督查组登记一票否决（{where}）", item=what or "未注明事项")
