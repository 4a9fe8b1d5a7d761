"""The people of the sample roster, and the owners a sample problem row names.

The roster (:mod:`tests.samples.roster`) lists who answers for each village,
household, township and unit; the problem ledgers of the same county should name
mostly those people, the way a county whose staff know its responsibility system
fills them in. Both read the same :class:`RosterPeople`, drawn from a dedicated
random stream right after the county is built, so every sample that rebuilds the
county gets the same names the roster lists.

The owners follow the category's default "一" (domain §2.3/§2.4, docs/chain.md §3)
derived here from the county's own data: this is test data that must stay
independent of the add-in's assignment code it is used to test.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from addin.chain.roster_names import department_name
from addin.ledger.definitions import default_catalog
from tests.samples.people import DEPARTMENTS, County, Household, Registry, Township, Village

PEOPLE_SEED = 4
"""Seed of the roster's own draws (names of secretaries, team leaders, unit heads …)."""

GROUP_NAMES = ("第一", "第二", "第三", "第四")
EXTRA_UNITS = ("县金融办",)  # lead unit of 金融扶贫 items (tests/samples/content.py), not a helper unit
UNIT_AREAS = {"县委组织部": "C05、C19", "县纪委监委": "C19", "县人民医院": "C14"}  # units the department list lacks
COUNTY_WIDE = ("县纪委监委", "县委组织部")
FINANCE = "县财政局"

YI = {
    "C01": 1, "C21": 1, "C02": 2, "C03": 2, "C04": 3, "C05": 3, "C06": 3, "C08": 4, "C09": 4,
    "C10": 5, "C11": 5, "C12": 5, "C13": 5, "C14": 5, "C15": 5, "C16": 5, "C17": 5, "C19": 6,
}  # fmt: skip
"""The default "一" of each sample category (templates/chain/yi_map.json, domain §2.3)."""

CONSISTENT_SHARE = 0.8
"""Share of problem rows whose typed owners agree with the roster; the rest name someone else."""


def unit_codes(unit: str) -> list[str]:
    """The category codes a unit's 政策领域 covers (the county's department list, or :data:`UNIT_AREAS`)."""
    if unit in UNIT_AREAS:
        return UNIT_AREAS[unit].split("、")
    entry = default_catalog().code_list("departments").by_value(department_name(unit))
    return str(entry.attrs.get("categories", "")).split(",") if entry is not None else []


@dataclass
class RosterPeople:
    """The roster's own people, drawn once per county (unique among all the county's names)."""

    county: County

    def __post_init__(self) -> None:
        base = self.county.registry
        rng = random.Random(PEOPLE_SEED)
        reg = Registry(rng, base.as_of)
        reg.cadre_names, reg.head_names, reg.phones = set(base.cadre_names), base.head_names, set(base.phones)
        self.secretaries: dict[tuple[str, str], str] = {}
        self.team_leaders: dict[tuple[str, str], str] = {}
        self.work_leaders: dict[tuple[str, str], str] = {}
        self.village_cadres: dict[tuple[str, str], list[str]] = {}
        for t in self.county.townships:
            for k, v in enumerate(t.villages):
                key = (t.name, v.name)
                self.secretaries[key] = reg.cadre_name()
                self.team_leaders[key] = t.cadres[4 + k % 2]  # 包村副科级干部: a township cadre
                self.work_leaders[key] = v.first_secretary if rng.random() < 0.6 else reg.cadre_name()
                self.village_cadres[key] = [self.secretaries[key], reg.cadre_name()]
        self.units = [*DEPARTMENTS, *EXTRA_UNITS]
        self.heads = {u: reg.cadre_name() for u in self.units}
        self.unit_leaders = {u: rng.choice(self.county.county_leaders) for u in self.units}
        self.group_heads = [reg.cadre_name() for _ in GROUP_NAMES]
        self.bodies = {b: (reg.cadre_name(), reg.cadre_name(), reg.phone()) for b in COUNTY_WIDE}
        self.group_contacts = [(reg.cadre_name(), reg.phone()) for _ in GROUP_NAMES]
        base.cadre_names |= reg.cadre_names  # later draws of the county never reuse these names
        base.phones |= reg.phones

    def group_head(self, township: str) -> str:
        """The head of the 督查巡查组 covering a township (the roster gives group i % 4 to township i)."""
        names = [t.name for t in self.county.townships]
        return self.group_heads[names.index(township) % len(GROUP_NAMES)]

    def department(self, code: str, preferred: str = "") -> str | None:
        """The unit whose 政策领域 covers ``code`` (``preferred`` when it is one of them)."""
        covering = [u for u in self.units if code in unit_codes(u)]
        return preferred if preferred in covering else (covering[0] if covering else None)


def roster_people(county: County) -> RosterPeople:
    """The roster people of ``county`` (built once per county object; call it right after building the county)."""
    cached = county.__dict__.get("_roster_people")
    if cached is None:
        cached = county.__dict__["_roster_people"] = RosterPeople(county)
    return cached


@dataclass(frozen=True)
class Owners:
    """What a problem row types as 责任单位, 责任领导 and 责任人."""

    unit: str
    leader: str
    person: str


def consistent_owners(
    people: RosterPeople, code: str, t: Township, v: Village | None, hh: Household | None, lead_unit: str
) -> Owners:
    """The owners the roster gives an item of category ``code`` at this place (docs/chain.md §3).

    ``v`` is None for an item naming only the township; ``hh`` the household it names, if any.
    """
    yi = YI[code]
    town = f"{t.name}人民政府"
    if yi in (1, 2, 3):
        if hh is not None and yi in (2, 3) and hh.helper is not None:
            return Owners(town, t.leader, hh.helper.name)
        village = _village_of(t, v, hh)
        if village is None:  # township-level: the 分管副乡镇长 answers
            return Owners(town, t.leader, t.cadres[2])
        key = (t.name, village.name)
        person = people.team_leaders[key] if yi == 1 else people.work_leaders[key]
        return Owners(town, t.leader, person)
    if yi == 4:
        project = people.department(code, lead_unit)
        if project == FINANCE:
            project = None
        lead = project or FINANCE
        return Owners("、".join(dict.fromkeys((lead, FINANCE))), people.unit_leaders[lead], people.heads[lead])
    if yi == 5:
        dept = people.department(code, lead_unit) or lead_unit
        unit = f"{dept}、{t.name}" if v is not None else dept
        return Owners(unit, people.unit_leaders[dept], people.heads[dept])
    return Owners(COUNTY_WIDE[0], t.leader, people.group_head(t.name))


def _village_of(t: Township, v: Village | None, hh: Household | None) -> Village | None:
    if v is not None:
        return v
    if hh is not None:
        return next((x for x in t.villages if x.name == hh.village), None)
    return None


def typed_owners(
    people: RosterPeople,
    code: str,
    t: Township,
    v: Village | None,
    hh: Household | None,
    lead_unit: str,
    leaders: list[str],
    rng: random.Random,
) -> Owners:
    """The owners a row names: mostly the roster's (:func:`consistent_owners`); on the other rows staff typed
    someone else — a cadre of the township (now and then two), sometimes another county leader as well."""
    ours = consistent_owners(people, code, t, v, hh, lead_unit)
    if rng.random() < CONSISTENT_SHARE:
        return ours
    person = rng.choice(t.cadres) if rng.random() < 0.85 else "、".join(rng.sample(t.cadres, 2))
    leader = ours.leader if rng.random() < 0.6 else rng.choice(leaders)
    return Owners(ours.unit, leader, person)


def as_values(owners: Owners) -> dict[str, Any]:
    return {"resp_unit": owners.unit, "resp_leader": owners.leader, "resp_person": owners.person}
