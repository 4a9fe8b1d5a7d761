"""The county's responsibility roster (责任体系花名册): who answers for which village, household, township, unit.

The "六个一" chain (domain §2) names owners by role; the roster turns roles into
people. It is filled once by the county (template ``templates/责任体系花名册.xlsx``)
and read with the same ledger machinery as every other sheet, so messy layouts
work. Each entry remembers the sheet and row it came from, so a finding about the
roster can point at the cell to fix.

Where it comes from (:func:`load_roster`): roster sheets inside the ledger
workbooks being checked, plus the workbook named by ``roster`` in ``zhenggai.json``.
Lookups compare normalised names (:mod:`addin.chain.roster_names`), so "沙窝" finds
"沙窝镇" and "王湾村委会" finds "王湾村".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from addin.chain.roster_files import ROSTER_KINDS, read_roster_file
from addin.chain.roster_names import (
    department_name,
    group_key,
    person_key,
    person_names,
    place_key,
    split_list,
    township_key,
    unit_key,
    village_key,
)
from addin.ledger.definitions import default_catalog
from addin.ledger.reader import WorkbookLedgers
from addin.ledger.table import LedgerTable
from addin.ledger.text import clean_text, value_key
from addin.settings import Settings

__all__ = [
    "ROSTER_KINDS",
    "DepartmentOwners",
    "DisciplineBody",
    "HouseholdOwners",
    "Roster",
    "Source",
    "TownshipOwners",
    "VillageOwners",
    "category_code",
    "load_roster",
    "roster_from_ledgers",
    "roster_workbook",
    "with_roster_tables",
]


@dataclass(frozen=True, slots=True)
class Source:
    """Where a roster entry was read: workbook file, sheet, 1-based Excel row."""

    file: str
    sheet: str
    row: int


@dataclass(frozen=True, slots=True)
class VillageOwners:
    """CFG:villages — owners of ① (and co-owners of ②③) for one administrative village."""

    township: str
    village: str
    team_leader: str | None = None  # 村级脱贫责任组长（包村副科级干部）
    party_secretary: str | None = None  # 村支部书记
    first_secretary: str | None = None  # 驻村第一书记
    work_team_leader: str | None = None  # 驻村工作队队长
    poor_village: bool | None = None  # 是否贫困村
    source: Source | None = None


@dataclass(frozen=True, slots=True)
class HouseholdOwners:
    """CFG:households — the helper (帮扶责任人) and the village cadre in charge (包户村干部) of one household."""

    township: str | None
    village: str | None
    hh_no: str | None = None  # 户编号
    head_name: str | None = None  # 户主姓名
    head_id: str | None = None  # 户主身份证号
    helper: str | None = None  # 帮扶责任人
    helper_unit: str | None = None  # 帮扶单位
    village_cadre: str | None = None  # 包户村干部
    source: Source | None = None


@dataclass(frozen=True, slots=True)
class TownshipOwners:
    """CFG:townships — the township's leaders and its inspection group."""

    township: str
    county_leader: str | None = None  # 包乡县处级领导
    secretary: str | None = None  # 乡镇党委书记
    mayor: str | None = None  # 乡镇长
    deputy: str | None = None  # 分管副乡镇长
    poverty_officer: str | None = None  # 扶贫专干
    group: str | None = None  # 督查组（4 个督查巡查组之一）
    source: Source | None = None


@dataclass(frozen=True, slots=True)
class DepartmentOwners:
    """CFG:departments — one of the county's responsible units, its head, its county leader, its policy areas."""

    department: str  # canonical name (templates/codes/departments.json when known)
    head: str | None = None  # 部门负责人
    county_leader: str | None = None  # 分管县领导
    categories: tuple[str, ...] = ()  # 政策领域 as problem-category codes (C07 … C17)
    group: str | None = None  # 督查组
    source: Source | None = None


@dataclass(frozen=True, slots=True)
class DisciplineBody:
    """The owners of ⑥: 县纪委, 县委组织部 and the four 督查巡查组, with the units each covers."""

    body: str  # 县纪委 / 县委组织部 / 第一督查巡查组 …
    head: str | None = None  # 负责人
    contact: str | None = None  # 联系人
    covers: tuple[str, ...] = ()  # townships / departments it inspects (empty = the whole county)
    source: Source | None = None


@dataclass
class _Index:
    """Normalised keys → entries, built on the first lookup (first entry wins on duplicates)."""

    villages: dict[str, VillageOwners] = field(default_factory=dict)  # place_key
    village_names: dict[str, list[VillageOwners]] = field(default_factory=dict)  # village_key alone
    hh_no: dict[str, HouseholdOwners] = field(default_factory=dict)
    head_id: dict[str, HouseholdOwners] = field(default_factory=dict)
    head_name: dict[str, list[HouseholdOwners]] = field(default_factory=dict)
    townships: dict[str, TownshipOwners] = field(default_factory=dict)
    departments: dict[str, DepartmentOwners] = field(default_factory=dict)


@dataclass
class Roster:
    """Everything the county filled in, indexed for lookup by normalised names (see the lookup methods)."""

    villages: dict[tuple[str, str], VillageOwners] = field(default_factory=dict)  # (township, village)
    households: list[HouseholdOwners] = field(default_factory=list)
    townships: dict[str, TownshipOwners] = field(default_factory=dict)
    departments: dict[str, DepartmentOwners] = field(default_factory=dict)
    discipline: list[DisciplineBody] = field(default_factory=list)
    files: tuple[str, ...] = ()  # workbooks the roster was read from
    _index_cache: tuple[tuple[int, ...], _Index] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def empty(self) -> bool:
        return not (self.villages or self.households or self.townships or self.departments or self.discipline)

    # ------------------------------------------------------------------ lookups
    def village(self, township: str | None, village: str) -> VillageOwners | None:
        """The village's owners; with no township (here or in the roster), by the village name alone when it
        is unique in the county."""
        index = self._index()
        found = index.village_names.get(village_key(village), [])
        if township:
            hit = index.villages.get(place_key(township, village))
            if hit is not None:
                return hit
            found = [v for v in found if not v.township]  # a roster sheet without a 乡镇 column
        return found[0] if len(found) == 1 else None

    def household(
        self,
        hh_no: str | None = None,
        head_id: str | None = None,
        head_name: str | None = None,
        village: str | None = None,
    ) -> HouseholdOwners | None:
        """A household by 户编号, else 户主身份证号, else 户主姓名 (narrowed by village; None when ambiguous)."""
        index = self._index()
        if hh_no and (hit := index.hh_no.get(value_key(hh_no))) is not None:
            return hit
        if head_id and (hit := index.head_id.get(value_key(head_id).upper())) is not None:
            return hit
        if not head_name:
            return None
        found = index.head_name.get(person_key(head_name), [])
        if village and len(found) > 1:
            found = [h for h in found if village_key(h.village or "") == village_key(village)]
        return found[0] if len(found) == 1 else None

    def township(self, name: str) -> TownshipOwners | None:
        """The township's leaders ("沙窝", "沙窝镇", "沙窝镇人民政府" alike)."""
        return self._index().townships.get(township_key(name))

    def department(self, name: str) -> DepartmentOwners | None:
        """A responsible unit by any of its names ("县扶贫办" = "扶贫办" = "乡村振兴局")."""
        return self._index().departments.get(unit_key(name))

    def departments_for_category(self, code: str) -> list[DepartmentOwners]:
        """The units whose 政策领域 include a problem category (code "C11" or a name such as "危房改造")."""
        wanted = category_code(code)
        return [d for d in self.departments.values() if wanted and wanted in d.categories]

    def discipline_for(self, unit: str) -> list[DisciplineBody]:
        """The ⑥ owners of a township or department: the bodies covering it or named as its 督查组, then
        the county-wide ones (县纪委, 县委组织部: bodies with no 督查范围 that are no numbered group)."""
        key = unit_key(unit) if unit else ""
        groups = {group_key(o.group) for o in (self.township(unit), self.department(unit)) if o and o.group} - {""}
        specific, county_wide = [], []
        for body in self.discipline:
            number = group_key(body.body)
            if (key and key in {unit_key(c) for c in body.covers}) or (number and number in groups):
                specific.append(body)
            elif not body.covers and not number:
                county_wide.append(body)
        return specific + county_wide

    def people(self) -> set[str]:
        """Every person the roster names, in comparison form."""
        named: list[str | None] = []
        for v in self.villages.values():
            named += [v.team_leader, v.party_secretary, v.first_secretary, v.work_team_leader]
        for h in self.households:
            named += [h.helper, h.village_cadre]
        for t in self.townships.values():
            named += [t.county_leader, t.secretary, t.mayor, t.deputy, t.poverty_officer]
        for d in self.departments.values():
            named += [d.head, d.county_leader]
        for b in self.discipline:
            named += [b.head, b.contact]
        return {name for text in named if text for name in person_names(text)}

    def _index(self) -> _Index:
        signature = (
            id(self.villages), len(self.villages), id(self.households), len(self.households),
            id(self.townships), len(self.townships), id(self.departments), len(self.departments),
        )  # fmt: skip
        if self._index_cache is None or self._index_cache[0] != signature:
            self._index_cache = (signature, _build_index(self))
        return self._index_cache[1]


def _build_index(roster: Roster) -> _Index:
    index = _Index()
    for v in roster.villages.values():
        index.villages.setdefault(place_key(v.township, v.village), v)
        index.village_names.setdefault(village_key(v.village), []).append(v)
    for h in roster.households:
        if h.hh_no:
            index.hh_no.setdefault(value_key(h.hh_no), h)
        if h.head_id:
            index.head_id.setdefault(value_key(h.head_id).upper(), h)
        if h.head_name:
            index.head_name.setdefault(person_key(h.head_name), []).append(h)
    for t in roster.townships.values():
        index.townships.setdefault(township_key(t.township), t)
    for d in roster.departments.values():
        index.departments.setdefault(unit_key(d.department), d)
    return index


def category_code(text: str | None) -> str:
    """A problem category as its code: "C11" stays, "危房改造" → "C11"; "" when unknown."""
    codes = default_catalog().codes.get("problem_category")
    if not text or codes is None:
        return ""
    hit = codes.lookup(text)
    return hit.code if hit is not None else ""


# ------------------------------------------------------------------ from ledger tables
class _Rows:
    """Row-wise access to one roster table's normalised values."""

    def __init__(self, table: LedgerTable) -> None:
        self.table = table

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.table)))

    def text(self, key: str, i: int) -> str | None:
        if not self.table.has(key) or self.table.empty(key)[i]:
            return None
        return clean_text(self.table.values(key)[i]) or None

    def person(self, key: str, i: int) -> str | None:
        names = person_names(self.table.values(key)[i]) if self.table.has(key) and not self.table.empty(key)[i] else []
        return "、".join(names) or None

    def value(self, key: str, i: int) -> Any:
        return None if not self.table.has(key) or self.table.empty(key)[i] else self.table.values(key)[i]

    def source(self, i: int) -> Source:
        return Source(self.table.file, self.table.sheet, int(self.table.rows[i]))


def roster_from_ledgers(ledgers: Sequence[WorkbookLedgers]) -> Roster:
    """The roster held by the roster sheets of these workbooks.

    Without any 帮扶责任人花名册 sheet, the household ledgers' own 帮扶责任人 and
    帮扶单位 columns stand in for it (domain §2.4: the household roster itself).
    """
    roster = Roster()
    files: list[str] = []
    tables = [t for book in ledgers for t in book.tables]
    for table in tables:
        reader = _READERS.get(table.kind)
        if reader is not None:
            reader(roster, _Rows(table))
            files.append(table.file)
    if not any(t.kind == "roster_households" for t in tables):
        for table in tables:
            if table.kind == "households" and table.has("helper"):
                _households(roster, _Rows(table), fallback=True)
    roster.files = tuple(dict.fromkeys(files))
    return roster


def _villages(roster: Roster, rows: _Rows) -> None:
    for i in rows:
        village = rows.text("village", i)
        if village is None:
            continue
        township = rows.text("township", i) or ""
        entry = VillageOwners(
            township=township,
            village=village,
            team_leader=rows.person("team_leader", i),
            party_secretary=rows.person("party_secretary", i),
            first_secretary=rows.person("first_secretary", i),
            work_team_leader=rows.person("work_team_leader", i),
            poor_village=rows.value("poor_village", i),
            source=rows.source(i),
        )
        roster.villages.setdefault((township, village), entry)


def _households(roster: Roster, rows: _Rows, *, fallback: bool = False) -> None:
    for i in rows:
        entry = HouseholdOwners(
            township=rows.text("township", i),
            village=rows.text("village", i),
            hh_no=rows.text("hh_no", i),
            head_name=rows.person("head_name", i),
            head_id=rows.text("head_id", i),
            helper=rows.person("helper", i),
            helper_unit=rows.text("helper_unit", i),
            village_cadre=None if fallback else rows.person("village_cadre", i),
            source=rows.source(i),
        )
        if entry.hh_no or entry.head_id or entry.head_name:
            roster.households.append(entry)


def _townships(roster: Roster, rows: _Rows) -> None:
    for i in rows:
        name = rows.text("township", i)
        if name is None:
            continue
        entry = TownshipOwners(
            township=name,
            county_leader=rows.person("county_leader", i),
            secretary=rows.person("secretary", i),
            mayor=rows.person("mayor", i),
            deputy=rows.person("deputy", i),
            poverty_officer=rows.person("poverty_officer", i),
            group=rows.text("group", i),
            source=rows.source(i),
        )
        roster.townships.setdefault(name, entry)


def _departments(roster: Roster, rows: _Rows) -> None:
    codes = default_catalog().codes
    for i in rows:
        typed = rows.text("department", i)
        if typed is None:
            continue
        name = department_name(typed)
        areas = rows.value("policy_areas", i) or ()
        categories = tuple(c for c in dict.fromkeys(category_code(a) for a in areas) if c)
        if not categories and "departments" in codes:
            # A unit the county left without 政策领域 keeps the default areas of the department list.
            listed = codes["departments"].attr(name, "categories", "")
            categories = tuple(c.strip() for c in str(listed).split(",") if c.strip())
        entry = DepartmentOwners(
            department=name,
            head=rows.person("head", i),
            county_leader=rows.person("county_leader", i),
            categories=categories,
            group=rows.text("group", i),
            source=rows.source(i),
        )
        roster.departments.setdefault(name, entry)


def _discipline(roster: Roster, rows: _Rows) -> None:
    for i in rows:
        body = rows.text("body", i)
        if body is None:
            continue
        covers = tuple(split_list(rows.text("covers", i) or ""))
        roster.discipline.append(
            DisciplineBody(body, rows.person("head", i), rows.person("contact", i), covers, rows.source(i))
        )


_READERS = {
    "roster_villages": _villages,
    "roster_households": _households,
    "roster_townships": _townships,
    "roster_departments": _departments,
    "roster_discipline": _discipline,
}


# ------------------------------------------------------------------ from files
def load_roster(settings: Settings, ledgers: Sequence[WorkbookLedgers], *, today: dt.date) -> Roster:
    """The roster in force: roster sheets of ``ledgers`` plus the workbook ``settings.roster`` names.

    A missing, damaged or roster-less workbook named in the settings raises the
    :class:`~addin.errors.InputError` that names it.
    """
    books = list(ledgers)
    extra = roster_workbook(settings, today=today, skip=[b.path for b in books])
    if extra is not None:
        books.append(extra)
    return roster_from_ledgers(books)


def with_roster_tables(book: WorkbookLedgers, settings: Settings, *, today: dt.date) -> WorkbookLedgers:
    """``book`` plus the roster tables of the settings' roster workbook, for rules that look across both.

    The same object comes back when no separate roster is configured (nothing is read).
    """
    extra = roster_workbook(settings, today=today, skip=[book.path])
    if extra is None:
        return book
    return WorkbookLedgers(path=book.path, tables=[*book.tables, *extra.tables], skipped=list(book.skipped))


def roster_workbook(settings: Settings, *, today: dt.date, skip: Iterable[str] = ()) -> WorkbookLedgers | None:
    """The roster tables of the workbook named by ``settings.roster`` (None: not set, or one of ``skip``)."""
    if settings.roster is None:
        return None
    return read_roster_file(settings.roster, settings=settings, today=today, skip=skip)
