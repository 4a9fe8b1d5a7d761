"""The sheet 六个一统计: who owns what, and which townships face the one-vote veto.

"这'六个一'哪一个出了问题，就找负责人的事" — so the counts are by "一": open,
overdue and finished problems by "一" × 乡镇 and by "一" × 责任单位, each person's
workload with their oldest open item, and the veto candidates (domain §4.2
step 3: a township with an open problem from a higher-level check, sources
K01–K06 by default, or one marked 重大; the trigger is the ``veto`` key of the
``chain`` settings). Status, overdue and township come from
:mod:`addin.summary.facts` (rule PR-OVERDUE itself), so this sheet, the 汇总 and
the ranking never disagree. The result is :class:`~addin.summary.model.SummaryTables`
blocks (``addin.summary.layout.lay_out`` puts them on a sheet, as for the 汇总)
plus the veto candidates as data.

Each problem counts once per block: under its first 责任单位 and first 责任人 —
what the user typed when the cell is filled, else our assignment — so every
totals row is the sum of its rows and equals the number of problems.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from addin.chain.assign import Owners, ProblemAssignment, assign_findings, assign_problems
from addin.chain.mapping import texts, yi_label, yi_mark
from addin.chain.roster import Roster
from addin.chain.roster_names import department_name, person_names, split_list
from addin.chain.yimap import YiMap
from addin.ledger.definitions import default_catalog
from addin.ledger.reader import WorkbookLedgers
from addin.ledger.table import LedgerTable
from addin.rules.model import Finding, Severity
from addin.settings import Settings
from addin.summary.facts import StatusClass, problem_facts
from addin.summary.model import Block, ColumnKind, SummaryTables, with_total
from addin.summary.places import PlaceIndex, label, township_order

STATS_SHEET = "六个一统计"
NO_UNIT = "未明确责任单位"
NO_PERSON = "未明确责任人"
UNKNOWN_YI = "未确定"
STATUS_COLUMNS = ["问题数", "未完成", "其中逾期", "长期坚持", "已完成", "无需整改"]


@dataclass(frozen=True, slots=True)
class Item:
    """One problem as the statistics see it: its "一", place, owners in force and status."""

    file: str
    sheet: str
    row: int
    yi: int
    township: str  # canonical; "" = county level
    unit: str  # first 责任单位 in force ("" = none)
    person: str  # first 责任人 in force ("" = none)
    status: str  # StatusClass value
    overdue: bool
    description: str = ""
    found_date: dt.date | None = None
    deadline: dt.date | None = None
    source_code: str = ""
    source: str = ""
    flag: str = ""  # the 重大 word found on the row ("" = not flagged)

    @property
    def open(self) -> bool:
        return self.status in (StatusClass.IN_PROGRESS, StatusClass.NOT_STARTED)


@dataclass(frozen=True, slots=True)
class VetoCandidate:
    """A unit whose "一" failed: an open problem that triggers the one-vote veto (domain §4.2 step 3)."""

    unit: str  # township (or department when the trigger includes departments)
    unit_type: str  # 乡镇 / 部门
    yi: int
    reason: str  # Chinese: why this item triggers
    item: str  # the problem's description
    file: str
    sheet: str
    row: int
    source_code: str = ""
    found_date: dt.date | None = None


@dataclass
class ChainStats:
    """The 六个一统计 sheet as blocks, and the veto candidates as data for the ranking."""

    tables: SummaryTables
    vetoes: list[VetoCandidate] = field(default_factory=list)

    def vetoes_by_unit(self) -> dict[str, list[VetoCandidate]]:
        out: dict[str, list[VetoCandidate]] = defaultdict(list)
        for veto in self.vetoes:
            out[veto.unit].append(veto)
        return dict(out)


# ------------------------------------------------------------------ items
def _date(value: object) -> dt.date | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


def _first_unit(typed: object, owners: Owners) -> str:
    units = split_list(typed) if typed not in (None, "") else []
    if units:
        return department_name(units[0])
    return owners.units[0] if owners.units else ""


def _first_person(typed: object, owners: Owners) -> str:
    names = person_names(typed) if typed not in (None, "") else []
    return names[0] if names else (owners.person or "")


def _flags(table: LedgerTable, yimap: YiMap) -> list[str]:
    """Per data row, the first 重大 word found in the trigger's fields ("" when none)."""
    columns = [texts(table, key) for key in yimap.veto.flag_fields if table.has(key)]
    out = []
    for i in range(len(table)):
        text = " ".join(c[i] for c in columns)
        out.append(next((w for w in yimap.veto.flag_words if w in text), ""))
    return out


def problem_items(
    books: Sequence[WorkbookLedgers],
    roster: Roster,
    yimap: YiMap,
    *,
    today: dt.date,
    settings: Settings | None = None,
    facts: pd.DataFrame | None = None,
) -> list[Item]:
    """Every problem of the books with its "一", owners in force, status and overdue at ``today``.

    ``facts`` are :func:`problem_facts` of the same books at ``today`` when the caller has them already.
    """
    facts = problem_facts(books, today=today, settings=settings) if facts is None else facts
    assigned: dict[tuple[str, str, int], tuple[ProblemAssignment, str]] = {}
    for book in books:
        for table in book.of_kind("problems"):
            flags = _flags(table, yimap)
            for a in assign_problems(table, roster, yimap):
                assigned[(table.file, table.sheet, a.row)] = (a, flags[a.index])
    items = []
    for rec in facts.to_dict("records"):
        hit = assigned.get((rec["file"], rec["sheet"], int(rec["row"])))
        if hit is None:
            continue
        a, flag = hit
        items.append(
            Item(
                file=rec["file"],
                sheet=rec["sheet"],
                row=int(rec["row"]),
                yi=a.owners.yi,
                township=rec["township"] or "",
                unit=rec["department"] or _first_unit(a.typed.get("resp_unit"), a.owners),
                person=_first_person(a.typed.get("resp_person"), a.owners),
                status=str(rec["status_class"]),
                overdue=bool(rec["overdue"]),
                description=rec["description"] or "",
                found_date=_date(rec["found_date"]),
                deadline=_date(rec["deadline"]),
                source_code=rec["source_code"] or "",
                source=rec["source"] or "",
                flag=flag,
            )
        )
    return items


# ------------------------------------------------------------------ blocks
def _yi_name(yi: int) -> str:
    return f"{yi_mark(yi)}{yi_label(yi)}" if yi else UNKNOWN_YI


def _yi_order(yis: Sequence[int]) -> list[int]:
    return sorted(set(yis), key=lambda y: (y == 0, y))


def _status_counts(items: Sequence[Item]) -> list[int]:
    return [
        len(items),
        sum(i.open for i in items),
        sum(i.open and i.overdue for i in items),
        sum(i.status == StatusClass.LONG_TERM for i in items),
        sum(i.status == StatusClass.DONE for i in items),
        sum(i.status == StatusClass.VOID for i in items),
    ]


@dataclass(frozen=True, slots=True)
class FindingOwner:
    """A finding with its owners and the township it was found in (for the counts)."""

    finding: Finding
    owners: Owners
    township: str


def _by_yi_township(items: Sequence[Item], findings: Sequence[FindingOwner]) -> Block:
    groups: dict[tuple[int, str], list[Item]] = defaultdict(list)
    for item in items:
        groups[(item.yi, item.township)].append(item)
    errors: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    for f in findings:
        if f.finding.severity.reported:  # 提示 (info) is neither an error nor a warning
            errors[(f.owners.yi, f.township)][0 if f.finding.severity is Severity.ERROR else 1] += 1
    keys = set(groups) | set(errors)
    towns = township_order({t for _, t in keys}, default_catalog().code_list("townships"))
    block = Block(
        "yi_township",
        "按“六个一”和乡镇统计",
        ["六个一", "乡镇", *STATUS_COLUMNS, "检查发现（错误）", "检查发现（警告）"],
        [ColumnKind.TEXT] * 2 + [ColumnKind.COUNT] * 8,
        note="“未完成”含整改中和未整改；逾期按规则 PR-OVERDUE 计算；检查发现按规则所属“一”和所在乡镇计入。",
    )
    for yi in _yi_order([y for y, _ in keys]):
        for town in towns:
            if (yi, town) in keys:
                found = errors.get((yi, town), [0, 0])
                block.rows.append([_yi_name(yi), label(town), *_status_counts(groups.get((yi, town), [])), *found])
    return with_total(block, 2)


def _unit_order(units: set[str]) -> list[str]:
    listed = [v.value for v in default_catalog().code_list("departments").values if v.value in units]
    return listed + sorted(u for u in units if u and u not in listed) + ([""] if "" in units else [])


def _by_yi_unit(items: Sequence[Item]) -> Block:
    groups: dict[tuple[int, str], list[Item]] = defaultdict(list)
    for item in items:
        groups[(item.yi, item.unit)].append(item)
    block = Block(
        "yi_unit",
        "按“六个一”和责任单位统计",
        ["六个一", "责任单位", *STATUS_COLUMNS],
        [ColumnKind.TEXT] * 2 + [ColumnKind.COUNT] * 6,
        note="每个问题只计入第一个责任单位（已填的为准，未填的按自动分配）。",
    )
    units = _unit_order({u for _, u in groups})
    for yi in _yi_order([y for y, _ in groups]):
        for unit in units:
            if (yi, unit) in groups:
                block.rows.append([_yi_name(yi), unit or NO_UNIT, *_status_counts(groups[(yi, unit)])])
    return with_total(block, 2)


def _oldest(items: Sequence[Item]) -> Item | None:
    opened = [i for i in items if i.open]
    if not opened:
        return None
    return min(opened, key=lambda i: (i.found_date or i.deadline or dt.date.max, i.file, i.sheet, i.row))


def _by_person(items: Sequence[Item], findings: Sequence[FindingOwner]) -> Block:
    groups: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        groups[item.person].append(item)
    found: dict[str, int] = defaultdict(int)
    yis: dict[str, set[int]] = defaultdict(set)
    for f in findings:
        found[f.owners.person or ""] += 1
        if f.owners.yi:
            yis[f.owners.person or ""].add(f.owners.yi)
    block = Block(
        "person",
        "按责任人统计（工作量）",
        ["责任人", "涉及“一”", "问题数", "未完成", "其中逾期", "检查发现", "最早未完成事项时间", "最早未完成事项"],
        [ColumnKind.TEXT] * 2 + [ColumnKind.COUNT] * 4 + [ColumnKind.TEXT] * 2,
        note="每个问题只计入第一个责任人；“最早未完成事项”按发现时间（无则按整改时限）。",
    )
    people = set(groups) | set(found)
    rows = []
    for person in people:
        mine = groups.get(person, [])
        marks = "".join(yi_mark(y) for y in sorted({i.yi for i in mine if i.yi} | yis.get(person, set())))
        counts = _status_counts(mine)
        oldest = _oldest(mine)
        when = (oldest.found_date or oldest.deadline) if oldest else None
        what = f"{oldest.description}（{oldest.sheet} 第{oldest.row}行）" if oldest else ""
        row = [person or NO_PERSON, marks, counts[0], counts[1], counts[2], found.get(person, 0)]
        rows.append([*row, when.isoformat() if when else "", what])
    rows.sort(key=lambda r: (r[0] == NO_PERSON, -int(r[3]), -int(r[4]), str(r[0])))
    block.rows = rows
    return with_total(block, 2)


def veto_candidates(items: Sequence[Item], yimap: YiMap) -> list[VetoCandidate]:
    """Open problems that trigger the one-vote veto of their township (and department, when configured)."""
    out = []
    for item in items:
        if not item.open:
            continue
        reasons = []
        if item.source_code and item.source_code in yimap.veto.sources:
            reasons.append(f"问题来源为“{item.source or item.source_code}”（{item.source_code}）")
        if item.flag:
            reasons.append(f"标注为“{item.flag}”")
        if not reasons:
            continue
        reason = "、".join(reasons) + "，尚未整改完成"
        if item.township:
            unit, kind = item.township, "乡镇"
        elif yimap.veto.departments and item.unit:
            unit, kind = item.unit, "部门"
        else:
            continue
        out.append(
            VetoCandidate(
                unit, kind, item.yi, reason, item.description, item.file, item.sheet, item.row, item.source_code,
                item.found_date,
            )
        )  # fmt: skip
    return out


def find_vetoes(
    books: Sequence[WorkbookLedgers],
    yimap: YiMap,
    *,
    today: dt.date,
    settings: Settings | None = None,
    roster: Roster | None = None,
) -> list[VetoCandidate]:
    """The veto candidates of the books alone (what the monthly ranking needs; the roster is optional)."""
    items = problem_items(books, roster or Roster(), yimap, today=today, settings=settings)
    return veto_candidates(items, yimap)


def _veto_block(vetoes: Sequence[VetoCandidate]) -> Block:
    block = Block(
        "veto",
        "一票否决候选（任何一个“一”出问题）",
        ["单位", "单位类型", "六个一", "事项", "触发原因", "工作表", "行号"],
        [ColumnKind.TEXT] * 7,
    )
    towns = township_order({v.unit for v in vetoes if v.unit_type == "乡镇"}, default_catalog().code_list("townships"))
    order = {t: i for i, t in enumerate(towns)}
    for v in sorted(vetoes, key=lambda v: (v.unit_type != "乡镇", order.get(v.unit, len(order)), v.unit, v.yi, v.row)):
        block.rows.append([v.unit, v.unit_type, _yi_name(v.yi), v.item, v.reason, v.sheet, str(v.row)])
    units = len({(v.unit_type, v.unit) for v in vetoes})
    block.note = f"共 {units} 个单位、{len(vetoes)} 项；触发条件见设置 chain.veto（domain §4.2 第 3 步）。"
    return block


def chain_stats(
    items: Sequence[Item],
    yimap: YiMap,
    *,
    as_of: dt.date,
    findings: Sequence[FindingOwner] = (),
    sources: Sequence[str] = (),
) -> ChainStats:
    """The 六个一统计 blocks (a)–(d) and the veto candidates from problem items and owned findings."""
    vetoes = veto_candidates(items, yimap)
    tables = SummaryTables(
        title="“六个一”责任统计",
        as_of=as_of,
        sources=list(sources),
        blocks=[
            _by_yi_township(items, findings),
            _by_yi_unit(items),
            _by_person(items, findings),
            _veto_block(vetoes),
        ],
    )
    return ChainStats(tables, vetoes)


def build_chain_stats(
    books: Sequence[WorkbookLedgers],
    roster: Roster,
    yimap: YiMap,
    *,
    today: dt.date,
    settings: Settings | None = None,
    findings: Sequence[Finding] = (),
) -> ChainStats:
    """Everything in one call: assign problems and findings, read status and overdue, count."""
    items = problem_items(books, roster, yimap, today=today, settings=settings)
    owners = assign_findings(findings, books, roster, yimap) if findings else []
    places = PlaceIndex(books, default_catalog().code_list("townships"))
    owned = [FindingOwner(f, o, places.of_finding(f).township) for f, o in zip(findings, owners, strict=True)]
    return chain_stats(items, yimap, as_of=today, findings=owned, sources=[Path(b.path).name for b in books])


__all__ = [
    "STATS_SHEET",
    "ChainStats",
    "FindingOwner",
    "Item",
    "VetoCandidate",
    "build_chain_stats",
    "chain_stats",
    "find_vetoes",
    "problem_items",
    "veto_candidates",
]
