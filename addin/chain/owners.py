"""From a "一" and a place to named people, through the roster (domain §2.4 step 3).

One function per "一" says which roles answer; :func:`owners_for` picks it. Each
collects what it could not name as Chinese reasons instead of failing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from addin.chain.roster import DepartmentOwners, HouseholdOwners, Roster, TownshipOwners, VillageOwners

FINANCE = "财政局"


@dataclass(frozen=True, slots=True)
class Place:
    """Where an item is: as named on its ledger row (any field may be "")."""

    township: str = ""
    village: str = ""
    hh_no: str = ""
    head_name: str = ""
    head_id: str = ""
    lead_unit: str = ""  # 牵头单位 (the project's competent unit for ④)
    resp_unit: str = ""  # 责任单位 as typed
    helper: str = ""  # 帮扶责任人 named on the row itself (household ledgers, visit logs)

    @property
    def household_key(self) -> bool:
        return bool(self.hh_no or self.head_name or self.head_id)


@dataclass
class Named:
    """Owners found so far, and what could not be named."""

    units: tuple[str, ...] = ()
    leader: str | None = None
    person: str | None = None
    co_owners: tuple[str, ...] = ()
    reasons: list[str] = field(default_factory=list)


class _Lookup:
    """The roster entries a place leads to (looked up once; what is missing is collected in ``reasons``)."""

    def __init__(self, place: Place, roster: Roster, *, household_level: bool) -> None:
        self.place = place
        self.roster = roster
        self.household_level = household_level
        self.reasons: list[str] = []
        self.household: HouseholdOwners | None = None
        if household_level:
            self.household = roster.household(
                hh_no=place.hh_no or None,
                head_id=place.head_id or None,
                head_name=place.head_name or None,
                village=place.village or None,
            )
        known = self.household
        self.township_name = place.township or (known.township or "" if known else "")
        self.village_name = place.village or (known.village or "" if known else "")
        self.town: TownshipOwners | None = roster.township(self.township_name) if self.township_name else None
        self.village: VillageOwners | None = (
            roster.village(self.township_name, self.village_name) if self.village_name else None
        )

    @property
    def local_units(self) -> tuple[str, ...]:
        return tuple(u for u in (self.township_name, self.village_name) if u)

    def need_village(self) -> VillageOwners | None:
        if self.village is None:
            if not self.village_name:
                self.reasons.append("未写明所在村，无法确定村级责任人")
            else:
                self.reasons.append(f"花名册中没有“{self.township_name}{self.village_name}”")
        return self.village

    def need_township(self) -> TownshipOwners | None:
        if self.town is None:
            if not self.township_name:
                self.reasons.append("未写明乡镇，无法确定包乡县领导")
            else:
                self.reasons.append(f"花名册中没有乡镇“{self.township_name}”")
        return self.town

    def helper(self) -> str | None:
        if self.household is not None and self.household.helper:
            return self.household.helper
        if self.place.helper:
            return self.place.helper
        who = self.place.head_name or self.place.hh_no or self.place.head_id
        if self.household is None:
            self.reasons.append(f"花名册中没有农户“{who}”")
        else:
            self.reasons.append(f"花名册中农户“{who}”未填帮扶责任人")
        return None

    def role(self, value: str | None, what: str, where: str) -> str | None:
        if not value:
            self.reasons.append(f"花名册中“{where}”未填{what}")
        return value or None


def _names(*values: str | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def _leader(look: _Lookup) -> str | None:
    town = look.need_township()
    return look.role(town.county_leader, "包乡县领导", look.township_name) if town else None


def _yi1(look: _Lookup, category: str | None, scope: str) -> Named:
    v = look.need_village()
    person = look.role(v.team_leader, "村级脱贫责任组长", look.village_name) if v else None
    co = _names(v.party_secretary, v.first_secretary) if v else ()
    return Named(look.local_units, _leader(look), person, co)


def _yi2(look: _Lookup, category: str | None, scope: str) -> Named:
    v = look.need_village()
    if look.household_level:
        person = look.helper()
        co = _names(v.first_secretary if v else None, look.household.village_cadre if look.household else None)
    else:
        person = look.role(v.work_team_leader, "驻村工作队队长", look.village_name) if v else None
        co = _names(v.first_secretary) if v else ()
    return Named(look.local_units, _leader(look), person, co)


def _yi3(look: _Lookup, category: str | None, scope: str) -> Named:
    v = look.need_village()
    team = v.work_team_leader if v else None
    if look.household_level:
        return Named(look.local_units, _leader(look), look.helper(), _names(team))
    person = look.role(team, "驻村工作队队长", look.village_name) if v else None
    return Named(look.local_units, _leader(look), person, _names(v.first_secretary) if v else ())


def _township_level(look: _Lookup) -> Named:
    """①②③ for an item naming a township but no village: the township's 分管副乡镇长 (else 扶贫专干) answers."""
    town = look.need_township()
    if town is None:
        return Named(look.local_units)
    person = town.deputy or look.role(town.poverty_officer, "分管副乡镇长或扶贫专干", look.township_name)
    co = _names(town.poverty_officer if person == town.deputy else None, town.mayor)
    return Named(look.local_units, _leader(look), person, co)


def _department(look: _Lookup, name: str) -> DepartmentOwners | None:
    return look.roster.department(name) if name else None


def _category_department(look: _Lookup, category: str | None, exclude: str = "") -> DepartmentOwners | None:
    """The department whose policy areas cover the category (the typed 责任单位/牵头单位 preferred when it does)."""
    found = look.roster.departments_for_category(category) if category else []
    candidates = [d for d in found if d.department != exclude]
    for typed in (look.place.resp_unit, look.place.lead_unit):
        dept = _department(look, typed)
        if dept is not None and any(d.department == dept.department for d in candidates):
            return dept
    return candidates[0] if candidates else None


def _yi4(look: _Lookup, category: str | None, scope: str) -> Named:
    finance = _department(look, FINANCE)
    if finance is None:
        look.reasons.append(f"花名册中没有“{FINANCE}”")
    project = _department(look, look.place.lead_unit)
    if project is None or project.department == (finance.department if finance else FINANCE):
        project = _category_department(look, category, exclude=finance.department if finance else FINANCE)
    town = look.town
    finance_name = finance.department if finance else FINANCE
    units = _names(finance_name, project.department if project else None, look.township_name)
    heads = [d.head for d in (project, finance) if d is not None]
    if town is not None:
        heads.append(town.mayor or town.secretary)
    named = _names(*heads)
    if not named:
        look.reasons.append("花名册中没有这些单位的负责人")
    lead_dept = project or finance
    leader = lead_dept.county_leader if lead_dept else None
    return Named(units, leader, named[0] if named else None, named[1:])


def _yi5(look: _Lookup, category: str | None, scope: str) -> Named:
    dept = _category_department(look, category)
    if dept is None:
        dept = _department(look, look.place.resp_unit) or _department(look, look.place.lead_unit)
    local = scope in ("village", "township") and bool(look.township_name)
    if dept is None:
        look.reasons.append(f"花名册中没有对口问题类别 {category or '（未知）'} 的责任单位")
        return Named(look.local_units if local else ())
    person = look.role(dept.head, "部门负责人", dept.department)
    leader = look.role(dept.county_leader, "分管县领导", dept.department)
    units = _names(dept.department, look.township_name if local else None)
    co = _names(look.town.deputy if local and look.town else None)
    return Named(units, leader, person, co)


def _yi6(look: _Lookup, category: str | None, scope: str) -> Named:
    unit = look.township_name or look.place.resp_unit or look.place.lead_unit
    bodies = look.roster.discipline_for(unit)
    if not bodies:
        look.reasons.append("花名册中没有县纪委、县委组织部或督查巡查组")
        return Named()
    heads = _names(*(b.head for b in bodies))  # the 督查组 covering the unit first, then the county-wide bodies
    if look.town is not None:
        leader = look.town.county_leader
    else:
        dept = _department(look, look.place.resp_unit)
        leader = dept.county_leader if dept else None
    return Named(_names(*(b.body for b in bodies)), leader, heads[0] if heads else None, heads[1:])


_BY_YI: dict[int, Callable[[_Lookup, str | None, str], Named]] = {
    1: _yi1,
    2: _yi2,
    3: _yi3,
    4: _yi4,
    5: _yi5,
    6: _yi6,
}


def owners_for(
    yi: int, place: Place, roster: Roster, *, category: str | None, scope: str, household: bool = False
) -> Named:
    """The named owners of an item of "一" ``yi`` at ``place`` (reasons list what is missing)."""
    if roster.empty:
        return Named(reasons=["没有责任体系花名册（在设置文件 roster 中指定，或把花名册工作表放进台账工作簿）"])
    look = _Lookup(place, roster, household_level=household or place.household_key)
    if yi in (1, 2, 3) and look.township_name and not look.village_name and not look.household_level:
        named = _township_level(look)
    else:
        named = _BY_YI[yi](look, category, scope)
    named.reasons = list(dict.fromkeys([*look.reasons, *named.reasons]))
    return named
