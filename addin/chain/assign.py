"""Named owners for every problem row and every finding (domain §2.4 step 3).

The "一" says which role answers (①: the village's 村级脱贫责任组长; ④: 财政局 and
the project unit …); the roster says who holds that role for this village,
household, township or department. Anything that cannot be named — a village the
roster does not list, a household without a helper, no roster at all — gives an
:class:`Owners` with a Chinese ``reason``, never an exception, so a batch of 17
townships always finishes and the user sees what to fill in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from addin.chain.mapping import (
    YiChoice,
    category_code,
    finding_target,
    household_mask,
    problem_rows,
    problem_yi,
    resolve_yi,
    row_scope,
    texts,
    yi_label,
)
from addin.chain.owners import Place, owners_for
from addin.chain.roster import Roster
from addin.chain.yimap import YiMap
from addin.ledger.definitions import CodeList, default_catalog
from addin.ledger.reader import WorkbookLedgers
from addin.ledger.table import LedgerTable
from addin.ledger.text import clean_text
from addin.rules.model import Finding
from addin.summary.places import row_townships, table_township

TARGET_FIELDS = ("yi", "resp_unit", "resp_leader", "resp_person")
"""The problem-ledger columns an assignment fills: 六个一归属, 责任单位, 责任领导, 责任人."""


@dataclass(frozen=True, slots=True)
class Owners:
    """Who answers for one item: its "一", 责任单位, 责任领导, 责任人 and co-owners (named people)."""

    yi: int  # 1–6; 0 = unknown
    tags: tuple[int, ...] = ()  # secondary "一"
    units: tuple[str, ...] = ()  # 责任单位
    leader: str | None = None  # 责任领导
    person: str | None = None  # 责任人
    co_owners: tuple[str, ...] = ()  # named co-owners (第一书记, 村支部书记 …)
    reason: str = ""  # Chinese: what could not be named, and why
    category: str | None = None  # category code the owners were looked up by
    scope: str = ""  # village / township / county

    @property
    def unit_text(self) -> str:
        return "、".join(self.units)

    @property
    def yi_text(self) -> str:
        """The "一" as the 六个一归属 column spells it ("" when unknown)."""
        return yi_label(self.yi)

    def values(self) -> dict[str, str]:
        """What goes into each target column ("" = nothing to write)."""
        return {
            "yi": self.yi_text,
            "resp_unit": self.unit_text,
            "resp_leader": self.leader or "",
            "resp_person": self.person or "",
        }


@dataclass(frozen=True, slots=True)
class ProblemAssignment:
    """The owners of one problem row and what the user had already typed in the target columns."""

    index: int  # data row position in the table
    row: int  # 1-based Excel row
    owners: Owners
    typed: dict[str, Any] = field(default_factory=dict)  # field -> raw cell value (None = empty or no column)


def _owners(choice: YiChoice, place: Place, roster: Roster) -> Owners:
    if choice.yi == 0:
        return Owners(0, choice.tags, reason=choice.reason, category=choice.category, scope=choice.scope)
    named = owners_for(
        choice.yi, place, roster, category=choice.category, scope=choice.scope, household=choice.household
    )
    return Owners(
        yi=choice.yi,
        tags=choice.tags,
        units=named.units,
        leader=named.leader,
        person=named.person,
        co_owners=named.co_owners,
        reason="；".join(named.reasons),
        category=choice.category,
        scope=choice.scope,
    )


def _places(table: LedgerTable) -> list[Place]:
    """The place each data row names (township — the sheet's own when the row has none —, village, household …)."""
    n = len(table)

    def col(*keys: str) -> list[str]:
        for key in keys:
            if table.has(key):
                return texts(table, key)
        return [""] * n

    township = row_townships(table, _townships()).tolist()
    village, hh_no = col("village"), col("hh_no")
    head_name = col("household_head", "head_name", "borrower")
    head_id = col("household_id_no", "head_id", "borrower_id")
    lead_unit, resp_unit, helper = col("lead_unit"), col("resp_unit"), col("helper")
    return [
        Place(township[i], village[i], hh_no[i], head_name[i], head_id[i], lead_unit[i], resp_unit[i], helper[i])
        for i in range(n)
    ]


def _townships() -> CodeList:
    return default_catalog().code_list("townships")


def assign_problems(table: LedgerTable, roster: Roster, yimap: YiMap) -> list[ProblemAssignment]:
    """Owners for every non-blank data row of a problems table."""
    result = problem_yi(table, yimap)
    places = _places(table)
    typed_cols = {k: table.raw[k].tolist() if table.has(k) else None for k in TARGET_FIELDS}
    out = []
    for i, choice in enumerate(result.choices):
        if result.blank[i]:
            continue
        typed = {k: (None if v is None else v[i]) for k, v in typed_cols.items()}
        out.append(ProblemAssignment(i, int(table.rows[i]), _owners(choice, places[i], roster), typed))
    return out


def _row_index(table: LedgerTable, rows: Iterable[int]) -> dict[int, int]:
    """Excel row → data-row index for ``rows`` (a vertical merge's top row counts for the rows below it)."""
    wanted = sorted(set(rows))
    found: dict[int, int] = {}
    pos = np.searchsorted(table.rows, wanted)
    for row, p in zip(wanted, pos.tolist(), strict=True):
        if p < len(table) and int(table.rows[p]) == row:
            found[row] = p
    missing = [r for r in wanted if r not in found]
    for origin in table.origin_rows.values() if missing else ():
        for row in missing:
            hits = np.flatnonzero(origin == row)
            if len(hits) and row not in found:
                found[row] = int(hits[0])
    return found


@dataclass
class _FindingRows:
    """The rows of one table that findings stand on, with their places (only those rows are looked at)."""

    table: LedgerTable
    index: dict[int, int]  # Excel row → data-row index
    places: dict[int, tuple[Place, bool]]  # data-row index → (place, household-level)

    @classmethod
    def of(cls, table: LedgerTable, rows: Iterable[int]) -> _FindingRows:
        index = _row_index(table, rows)
        positions = np.array(sorted(set(index.values())), dtype=int)
        sub = table.subset(positions)
        places = _places(sub)
        household = household_mask(sub).tolist() if table.kind == "problems" else [p.household_key for p in places]
        return cls(table, index, dict(zip(positions.tolist(), zip(places, household, strict=True), strict=True)))

    def place(self, row: int | None) -> tuple[Place, bool]:
        i = self.index.get(row or 0)
        if i is None:
            return Place(township=table_township(self.table, _townships())), False
        return self.places[i]


def assign_findings(
    findings: Sequence[Finding],
    ledgers: WorkbookLedgers | Sequence[WorkbookLedgers],
    roster: Roster,
    yimap: YiMap,
) -> list[Owners]:
    """Owners for each finding (same order), from its rule's "一" and the row it stands on."""
    books = [ledgers] if isinstance(ledgers, WorkbookLedgers) else list(ledgers)
    tables = [t for b in books for t in b.tables]
    rows_of: dict[tuple[str, str, str], list[int]] = {}
    for f in findings:
        rows_of.setdefault((f.file, f.sheet, f.kind), []).append(f.row or 0)
    located: dict[tuple[str, str, str], _FindingRows] = {}
    for table in tables:
        key = (table.file, table.sheet, table.kind)
        if key in rows_of and key not in located:
            located[key] = _FindingRows.of(table, rows_of[key])
    problems = problem_rows(tables, yimap)
    out = []
    for finding in findings:
        choice = finding_target(finding, yimap, problems)
        hit = located.get((finding.file, finding.sheet, finding.kind))
        place, household = hit.place(finding.row) if hit is not None else (Place(), False)
        if choice.how == "rule":
            scope = row_scope(
                yimap,
                township=place.township,
                village=place.village,
                household=household,
                description="",
                units=(place.resp_unit, place.lead_unit),
            )
            choice = replace(choice, scope=scope, household=household)
        out.append(_owners(choice, place, roster))
    return out


def owner_for(
    roster: Roster,
    yimap: YiMap,
    *,
    category: str = "",
    description: str = "",
    township: str = "",
    village: str = "",
    household: str = "",
    household_id: str = "",
    unit: str = "",
) -> Owners:
    """Owners of one item described by hand (what ZG_OWNER gets from a worksheet row).

    ``category`` may be a code (C11), a standard name (住房安全) or the county's own
    wording (``category_map``); without it the description's keywords decide.
    """
    codes = default_catalog().codes
    cat_codes = codes.get("problem_category")
    hit = cat_codes.lookup(category) if cat_codes is not None and category else None
    code = category_code(yimap, category or None, hit.value if hit is not None else None, cat_codes)
    towns = codes.get("townships")
    town_hit = towns.lookup(township) if towns is not None and township else None
    township = town_hit.value if town_hit is not None else clean_text(township)
    is_household = bool(clean_text(household) or clean_text(household_id))
    scope = row_scope(
        yimap,
        township=township,
        village=clean_text(village),
        household=is_household,
        description=clean_text(description),
        units=(unit,),
    )
    choice = resolve_yi(yimap, category=code, description=clean_text(description), scope=scope, household=is_household)
    place = Place(
        township=township,
        village=clean_text(village),
        head_name=clean_text(household),
        head_id=clean_text(household_id),
        resp_unit=clean_text(unit),
    )
    return _owners(choice, place, roster)


def owners_by_row(assignments: Iterable[ProblemAssignment]) -> dict[int, Owners]:
    """Excel row → owners (for a findings sheet's 责任人 column)."""
    return {a.row: a.owners for a in assignments}
