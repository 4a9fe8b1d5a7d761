"""The county's ranking options (``settings.ranking``) as one typed, validated object.

Every number and choice of domain §4.2 that the seed does not fix is a default
here and can be changed in ``zhenggai.json`` without touching code; docs/ranking.md
lists them in Chinese. Units default to the bundled code lists (17 townships, 18
departments); a unit the settings do not assign to a 督查组 is put into the groups
in list order (5/4/4/4 for 17 units), so that "每组有个第一、有个倒数第一" always has
groups to work with.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from addin.errors import ConfigError
from addin.ledger.definitions import CodeList, default_catalog
from addin.ledger.text import header_key
from addin.settings import Settings

TOWNSHIP = "乡镇"
DEPARTMENT = "县直部门"
UNIT_TYPES = (TOWNSHIP, DEPARTMENT)
DEFAULT_GROUPS = ("第一组", "第二组", "第三组", "第四组")

DEFAULT_SEVERITY_WEIGHTS: Mapping[str, float] = {"一般": 1.0, "较重": 2.0, "严重": 5.0}
DEFAULT_SOURCE_WEIGHTS: Mapping[str, float] = {
    "K01": 4.0,  # 国家成效考核 / 交叉考核
    "K02": 4.0,  # 第三方评估
    "K03": 3.0,  # 巡视巡察 (central or provincial)
    "K04": 3.0,  # 审计
    "K05": 3.0,  # 省级督查 / 暗访
    "K06": 2.0,  # 市级督查
    "K07": 1.5,  # 县督查巡查组
    "K08": 1.5,  # 县纪委监委
    "K09": 1.5,  # 信访举报
    "K10": 1.0,  # 自查自纠
    "K11": 3.0,  # 媒体暗访
    "K99": 1.0,  # 其他
}
UNKNOWN_SOURCE_WEIGHT = 1.0
UNKNOWN_SEVERITY = "一般"


@dataclass(frozen=True)
class Weights:
    """The deductions of domain §4.2 step 4 (all PROPOSAL defaults)."""

    severity: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_SEVERITY_WEIGHTS))
    source: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_SOURCE_WEIGHTS))
    new_problems_cap: float = 40.0
    overdue_per_month: float = 0.5
    overdue_cap: float = 20.0
    completion: float = 10.0
    no_evidence_each: float = 0.5
    no_evidence_cap: float = 5.0
    data_quality: float = 10.0
    dq_norm: float = 0.2
    no_visit: float = 10.0
    disbursement: float = 10.0

    def source_weight(self, code: str | None) -> float:
        return float(self.source.get(code or "", UNKNOWN_SOURCE_WEIGHT))

    def severity_weight(self, severity: str | None) -> float:
        return float(self.severity.get(severity or UNKNOWN_SEVERITY, self.severity.get(UNKNOWN_SEVERITY, 1.0)))


@dataclass(frozen=True, slots=True)
class Unit:
    """A ranked unit: its canonical name, its type (乡镇 / 县直部门) and its 督查组."""

    name: str
    unit_type: str
    group: str


@dataclass(frozen=True)
class RankingConfig:
    """Everything the ranking, the ladder and the history read from the settings."""

    units: tuple[Unit, ...]
    groups: tuple[str, ...] = DEFAULT_GROUPS
    weights: Weights = field(default_factory=Weights)
    score_mode: str = "auto"  # auto | computed | manual
    max_score: float = 100.0
    top: int = 4
    bottom: int = 4
    escalation_bottom: int = 3
    all_vetoed_in_bottom: bool = True
    group_mode: str = "inspection_group"  # inspection_group | unit_type
    escalation_window: str = "campaign"  # campaign | calendar_year
    campaign_start: dt.date | None = None
    department_escalation: bool = False
    veto_applies_to_departments: bool = False
    veto_scope: str = "month"  # month: problems found in the month | open: any problem open at the evaluation date

    def of_type(self, unit_type: str) -> list[Unit]:
        return [u for u in self.units if u.unit_type == unit_type]

    def escalates(self, unit_type: str) -> bool:
        """Whether the bottom-3 ladder applies to this kind of unit (townships always; departments by setting)."""
        return unit_type == TOWNSHIP or self.department_escalation

    def veto_applies(self, unit_type: str) -> bool:
        """Whether a one-vote veto moves this kind of unit ("对乡镇来说"; departments by setting)."""
        return unit_type == TOWNSHIP or self.veto_applies_to_departments

    def unit(self, text: object) -> Unit | None:
        """The unit a cell text names: exact, then the code lists' synonyms (沙窝 → 沙窝镇), then loosely."""
        return self._index.find(text)

    @functools.cached_property
    def _index(self) -> _UnitIndex:
        return _UnitIndex(self.units)


_LOOSE_PREFIXES = ("县",)
_LOOSE_SUFFIXES = ("人民政府", "办事处")


class _UnitIndex:
    """Name lookups over the configured units."""

    def __init__(self, units: Sequence[Unit]) -> None:
        self.by_name = {u.name: u for u in units}
        self.by_key = {header_key(u.name): u for u in units}
        catalog = default_catalog()
        self.lists: list[CodeList] = [catalog.codes[n] for n in ("townships", "departments") if n in catalog.codes]

    def find(self, text: object) -> Unit | None:
        name = "" if text is None else str(text).strip()
        if not name:
            return None
        if name in self.by_name:
            return self.by_name[name]
        key = header_key(name)
        loose = [key, *(key.removeprefix(p) for p in _LOOSE_PREFIXES), *(key.removesuffix(s) for s in _LOOSE_SUFFIXES)]
        for variant in dict.fromkeys(loose):
            if variant in self.by_key:
                return self.by_key[variant]
            for codes in self.lists:
                entry = codes.lookup(variant)
                if entry is not None and entry.value in self.by_name:
                    return self.by_name[entry.value]
        return None


def _code_values(name: str) -> list[str]:
    codes = default_catalog().codes.get(name)
    return [v.value for v in codes.values] if codes is not None else []


def _assign_groups(names: Sequence[str], groups: Sequence[str], given: Mapping[str, str]) -> dict[str, str]:
    """Each unit's group: the settings' assignment, else the groups in list order (contiguous, sizes differ by ≤1)."""
    unassigned = [n for n in names if n not in given]
    out = {n: given[n] for n in names if n in given}
    size, extra = divmod(len(unassigned), len(groups))
    start = 0
    for i, group in enumerate(groups):
        take = size + (1 if i < extra else 0)
        for n in unassigned[start : start + take]:
            out[n] = group
        start += take
    return out


def _month_or_date(value: str | None, path: Path) -> dt.date | None:
    if value is None:
        return None
    text = value if len(value) > 7 else f"{value}-01"
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ConfigError(
            path, f"ranking.campaign_start 不是有效的月份或日期：{value}（格式 YYYY-MM 或 YYYY-MM-DD）"
        ) from exc


def ranking_config(settings: Settings) -> RankingConfig:
    """The ranking options in force (defaults for everything the settings leave out)."""
    doc: dict[str, Any] = dict(settings.ranking or {})
    where = settings.path or Path("zhenggai.json")
    townships = list(doc.get("townships") or _code_values("townships"))
    departments = list(doc.get("departments") or _code_values("departments"))
    both = sorted(set(townships) & set(departments))
    if both:
        raise ConfigError(where, f"ranking：{'、'.join(both)} 同时列在乡镇和部门名单中", remedy="每个单位只能属于一类")
    groups = tuple(doc.get("groups") or DEFAULT_GROUPS)
    given = dict(doc.get("group_assignment") or {})
    unknown_units = sorted(set(given) - set(townships) - set(departments))
    if unknown_units:
        raise ConfigError(
            where,
            f"ranking.group_assignment 中的单位不在乡镇或部门名单中：{'、'.join(unknown_units)}",
            remedy="请检查单位名称是否与名单一致",
        )
    unknown_groups = sorted(set(given.values()) - set(groups))
    if unknown_groups:
        raise ConfigError(
            where,
            f"ranking.group_assignment 用了未定义的督查组：{'、'.join(unknown_groups)}",
            remedy=f"督查组应为 {'、'.join(groups)} 之一，或在 ranking.groups 中加上",
        )
    units = tuple(
        Unit(name, unit_type, group)
        for names, unit_type in ((townships, TOWNSHIP), (departments, DEPARTMENT))
        for name, group in _assign_groups(names, groups, given).items()
    )
    w = dict(doc.get("weights") or {})
    weights = Weights(
        severity={**DEFAULT_SEVERITY_WEIGHTS, **w.pop("severity", {})},
        source={**DEFAULT_SOURCE_WEIGHTS, **w.pop("source", {})},
        **{k: float(v) for k, v in w.items()},
    )
    bands = dict(doc.get("bands") or {})
    return RankingConfig(
        units=units,
        groups=groups,
        weights=weights,
        score_mode=doc.get("score_mode", "auto"),
        max_score=float(doc.get("max_score", 100.0)),
        top=int(bands.get("top", 4)),
        bottom=int(bands.get("bottom", 4)),
        escalation_bottom=int(doc.get("escalation_bottom", 3)),
        all_vetoed_in_bottom=bool(doc.get("all_vetoed_in_bottom", True)),
        group_mode=doc.get("group_mode", "inspection_group"),
        escalation_window=doc.get("escalation_window", "campaign"),
        campaign_start=_month_or_date(doc.get("campaign_start"), where),
        department_escalation=bool(doc.get("department_escalation", False)),
        veto_applies_to_departments=bool(doc.get("veto_applies_to_departments", False)),
        veto_scope=doc.get("veto_scope", "month"),
    )
