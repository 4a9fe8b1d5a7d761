"""One assignment run over one workbook: what ``zhenggai assign`` and the 分配责任人 button both call.

It checks the workbook (the same ``check_book`` as 检查台账), reads the roster in
force (roster sheets of the workbook itself plus ``settings.roster``), gives every
problem row and every finding its "一" and named owners, plans the writes that put
the owners into the problem sheets without overwriting anything typed, and counts
the 六个一统计. Nothing is written here: the front-ends apply the plan (the CLI to a
new file, the ribbon to the open workbook) and record it in 操作记录.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from addin.chain.assign import Owners, assign_findings, assign_problems
from addin.chain.audit import (
    AUDIT_HEADER,
    AUDIT_SHEET,
    CellChange,
    audit_rows,
    edited_since,
    new_run_id,
    parse_audit,
    undo_last,
    undoable_batch,
)
from addin.chain.mapping import yi_mark
from addin.chain.plan import AssignmentPlan, plan_assignment
from addin.chain.roster import Roster, load_roster
from addin.chain.stats import ChainStats, build_chain_stats
from addin.chain.yimap import YiMap, load_yi_map
from addin.check import check_book
from addin.ledger.reader import WorkbookLedgers
from addin.ledger.workbook import RawSheet, RawWorkbook, read_workbook
from addin.rules.model import Finding
from addin.settings import Settings


def owner_text(owners: Owners) -> str:
    """The 责任人 cell of a findings row: "② 张三（沙窝镇、王湾村）", or why nobody could be named."""
    if owners.yi == 0:
        return f"未能确定所属“六个一”：{owners.reason}" if owners.reason else "未能确定所属“六个一”"
    mark = yi_mark(owners.yi)
    if not owners.person:
        why = f"未能分配责任人：{owners.reason}" if owners.reason else "未能分配责任人"
        return f"{mark} {owners.unit_text}（{why}）" if owners.unit_text else f"{mark} {why}"
    text = f"{mark} {owners.person}"
    if owners.unit_text:
        text += f"（{owners.unit_text}）"
    return text


@dataclass
class AssignRun:
    """Everything one assignment run decided for one workbook (nothing written yet)."""

    ledgers: WorkbookLedgers
    findings: list[Finding]  # the rule findings of 检查台账
    roster: Roster
    yimap: YiMap
    plans: list[AssignmentPlan]
    finding_owners: list[Owners]  # same order as ``findings``
    stats: ChainStats
    run_id: str
    when: dt.datetime
    previous_audit: list[list[Any]] = field(default_factory=list)  # rows of an existing 操作记录 (header excluded)
    problem_owners: dict[tuple[str, int], Owners] = field(default_factory=dict)  # (sheet, Excel row) → owners

    @property
    def changes(self) -> list[CellChange]:
        return [c for p in self.plans for c in p.changes]

    @property
    def notes(self) -> list[Finding]:
        """Conflicts with typed values and rows nobody could be named for, as warning findings."""
        return [n.as_finding() for p in self.plans for n in p.notes]

    @property
    def problems(self) -> int:
        return sum(len(t) for t in self.ledgers.of_kind("problems"))

    def audit_rows(self) -> list[list[Any]]:
        """The whole 操作记录 after this run: earlier rows, then this run's."""
        return [*self.previous_audit, *audit_rows(self.changes, self.run_id, self.when)]

    def owner_texts(self) -> list[str]:
        """The 责任人 column for ``findings + notes`` (a note names the owners of its problem row)."""
        texts = [owner_text(o) for o in self.finding_owners]
        for note in (n for p in self.plans for n in p.notes):
            owners = self.problem_owners.get((note.sheet, note.row))
            texts.append(owner_text(owners) if owners is not None else note.suggested)
        return texts


def _used_widths(book: RawWorkbook) -> dict[str, int]:
    return {s.name: s.n_cols for s in book.sheets}


def audit_sheet(book: RawWorkbook) -> RawSheet | None:
    return next((s for s in book.sheets if s.name == AUDIT_SHEET), None)


def previous_audit_rows(book: RawWorkbook) -> list[list[Any]]:
    """The data rows an existing 操作记录 sheet holds (kept as they are, below the header)."""
    sheet = audit_sheet(book)
    if sheet is None or not sheet.cells:
        return []
    rows = [list(r) for r in sheet.cells[1:]]
    while rows and all(v in ("", None) for v in rows[-1]):
        rows.pop()
    return [r + [""] * (len(AUDIT_HEADER) - len(r)) for r in rows]


def assign_workbook(
    source: str | Path | RawWorkbook,
    *,
    settings: Settings,
    today: dt.date,
    now: dt.datetime | None = None,
) -> AssignRun:
    """Check one workbook and plan its owner assignment (see the module docstring)."""
    book = (
        source
        if isinstance(source, RawWorkbook)
        else read_workbook(str(source), max_mb=settings.max_file_mb, max_rows=settings.max_rows)
    )
    now = now or dt.datetime.now().replace(microsecond=0)
    ledgers, findings = check_book(book, settings=settings, today=today)
    roster = load_roster(settings, [ledgers], today=today)
    yimap = load_yi_map(settings)
    run_id = new_run_id(now)
    widths = _used_widths(book)
    plans = []
    problem_owners: dict[tuple[str, int], Owners] = {}
    for table in ledgers.of_kind("problems"):
        assignments = assign_problems(table, roster, yimap)
        problem_owners.update({(table.sheet, a.row): a.owners for a in assignments})
        plans.append(plan_assignment(table, assignments, run_id, now, used_width=widths.get(table.sheet)))
    owners = assign_findings(findings, ledgers, roster, yimap)
    stats = build_chain_stats([ledgers], roster, yimap, today=today, settings=settings, findings=findings)
    return AssignRun(
        ledgers=ledgers,
        findings=findings,
        roster=roster,
        yimap=yimap,
        plans=plans,
        finding_owners=owners,
        stats=stats,
        run_id=run_id,
        when=now,
        previous_audit=previous_audit_rows(book),
        problem_owners=problem_owners,
    )


def finding_owner_texts(
    ledgers: WorkbookLedgers, findings: list[Finding], *, settings: Settings, today: dt.date
) -> list[str]:
    """The 责任人 column of 检查结果 for a plain check (no writes planned)."""
    if not findings:
        return []
    roster = load_roster(settings, [ledgers], today=today)
    return [owner_text(o) for o in assign_findings(findings, ledgers, roster, load_yi_map(settings))]


@dataclass
class UndoPlan:
    """What 撤销上次分配 writes: the inverse changes, the cells left alone because the user edited them since."""

    batch: str | None
    changes: list[CellChange]
    kept: list[CellChange]  # cells that no longer hold what we wrote: not touched
    previous: list[list[Any]]  # 操作记录 rows before the undo
    added: list[list[Any]]  # the rows the undo adds to 操作记录

    @property
    def audit(self) -> list[list[Any]]:
        """The whole 操作记录 afterwards."""
        return [*self.previous, *self.added]


def plan_undo(book: RawWorkbook, *, now: dt.datetime | None = None) -> UndoPlan:
    """The undo of the newest assignment batch still in force, from the workbook's own 操作记录."""
    previous = previous_audit_rows(book)
    sheet = audit_sheet(book)
    entries = parse_audit(sheet.cells) if sheet is not None else []
    batch = undoable_batch(entries)
    inverse = undo_last(entries, file=book.path)
    if batch is None or not inverse:
        return UndoPlan(None, [], [], previous, [])
    sheets = {s.name: s for s in book.sheets}

    def current(name: str, row: int, col: int) -> Any:
        s = sheets.get(name)
        return None if s is None else s.value(row - 1, col - 1)

    kept = edited_since(inverse, current)
    changes = [c for c in inverse if c not in kept]
    now = now or dt.datetime.now().replace(microsecond=0)
    rows = audit_rows(changes, new_run_id(now, "撤销"), now, undoes=batch)
    return UndoPlan(batch, changes, kept, previous, rows)
