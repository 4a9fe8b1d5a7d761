"""The cell writes one assignment run makes in one problems table, decided before anything is written.

Rules (issue 4, design §6): an empty target cell gets our value (the user asked
for the assignment, and the write is audited); a missing target column becomes
a new column of ours right of the table; a value the user typed is never
overwritten — when it differs from ours, our suggestion goes to a side column
(建议责任人 …) and the row is reported as a conflict. Every write, header cells
of the columns we create included, is a :class:`CellChange` for 操作记录.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from addin.chain.assign import TARGET_FIELDS, ProblemAssignment
from addin.chain.audit import CellChange, audit_rows
from addin.chain.mapping import yi_label
from addin.chain.roster_names import person_key, person_names, split_list, unit_key
from addin.ledger.definitions import default_catalog
from addin.ledger.table import LedgerTable, cell_address
from addin.ledger.text import clean_text, header_key
from addin.rules.model import Finding, Severity

HEADERS = {"yi": "六个一归属", "resp_unit": "责任单位", "resp_leader": "责任领导", "resp_person": "责任人"}
SUGGESTION_HEADERS = {
    "yi": "建议六个一归属",
    "resp_unit": "建议责任单位",
    "resp_leader": "建议责任领导",
    "resp_person": "建议责任人",
}
CONFLICT_RULE = "ASSIGN-CONFLICT"
UNRESOLVED_RULE = "ASSIGN-UNRESOLVED"


@dataclass(frozen=True, slots=True)
class AssignmentNote:
    """A row the assignment could not settle: a conflict with a typed value, or owners it could not name."""

    rule: str  # CONFLICT_RULE / UNRESOLVED_RULE
    file: str
    sheet: str
    row: int
    cell: str | None
    column: str | None
    message: str
    typed: Any = None
    suggested: str = ""

    def as_finding(self) -> Finding:
        """The note as a warning finding (for the 检查结果 sheet or the console)."""
        return Finding(
            file=self.file,
            sheet=self.sheet,
            row=self.row,
            column=self.column,
            cell=self.cell,
            rule=self.rule,
            ref="§2.4",
            severity=Severity.WARNING,
            message=self.message,
            value=self.typed,
            kind="problems",
        )


@dataclass
class AssignmentPlan:
    """Everything one run writes into one problems table, and what it could not settle."""

    file: str
    sheet: str
    run_id: str
    when: dt.datetime
    changes: list[CellChange] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)  # header text -> 1-based column we created
    notes: list[AssignmentNote] = field(default_factory=list)

    @property
    def conflicts(self) -> list[AssignmentNote]:
        return [n for n in self.notes if n.rule == CONFLICT_RULE]

    @property
    def unresolved(self) -> list[AssignmentNote]:
        return [n for n in self.notes if n.rule == UNRESOLVED_RULE]

    def audit_rows(self) -> list[list[str]]:
        """This plan's rows for 操作记录."""
        return audit_rows(self.changes, self.run_id, self.when)


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def agrees(key: str, typed: Any, ours: str, also: Sequence[str] = ()) -> bool:
    """Whether a typed value says the same as our suggestion: the same "一", or a unit / person in common.

    ``also`` are further people who answer for the item (the co-owners: 第一书记,
    村支部书记 …); a 责任人 typed as one of them is not a conflict.
    """
    if key == "yi":
        hit = default_catalog().code_list("yi").lookup(typed)
        return hit is not None and hit.value == ours
    if key == "resp_unit":
        return bool({unit_key(u) for u in split_list(typed)} & {unit_key(u) for u in split_list(ours)})
    named = {person_key(n) for text in (ours, *also) for n in person_names(text)}
    return bool({person_key(n) for n in person_names(typed)} & named)


class _Columns:
    """Where each target and side column is, creating ours right of the table when needed."""

    def __init__(self, table: LedgerTable, plan: AssignmentPlan, used_width: int | None, reason: str) -> None:
        self.table = table
        self.plan = plan
        self.reason = reason
        self.header_row = table.layout.leaf_row + 1  # 1-based; never the row numbering the columns
        layout = table.layout
        self.by_header = {header_key(c.leaf): c.col + 1 for c in layout.columns}
        right = max([layout.last_col + 1, *(c.col + 1 for c in layout.columns)])
        self.next_col = max(right, used_width or 0) + 1

    def target(self, key: str) -> int:
        column = self.table.columns.get(key)
        return column.col if column is not None else self.create(HEADERS[key])

    def side(self, key: str) -> int | None:
        """The side column for suggestions on ``key`` if it exists (ours from an earlier run)."""
        return self.plan.created.get(SUGGESTION_HEADERS[key]) or self.by_header.get(header_key(SUGGESTION_HEADERS[key]))

    def create(self, header: str) -> int:
        col = self.plan.created.get(header)
        if col is None:
            col = self.plan.created[header] = self.next_col
            self.next_col += 1
            plan, why = self.plan, f"{self.reason}：新建列"
            plan.changes.append(CellChange(plan.file, plan.sheet, self.header_row, col, None, header, why))
        return col


def plan_assignment(
    table: LedgerTable,
    assignments: Sequence[ProblemAssignment],
    run_id: str,
    now: dt.datetime,
    *,
    used_width: int | None = None,
) -> AssignmentPlan:
    """The writes that put the assignments into ``table``'s sheet without overwriting anything typed.

    ``used_width`` is the sheet's last used column (1-based), when the caller knows
    it, so new columns never land on cells right of the table that hold something.
    """
    plan = AssignmentPlan(table.file, table.sheet, run_id, now)
    reason = "分配责任人"
    columns = _Columns(table, plan, used_width, reason)
    side_values = _side_values(table, columns)
    for a in assignments:
        ours = a.owners.values()
        if a.owners.reason:
            plan.notes.append(
                AssignmentNote(
                    UNRESOLVED_RULE, table.file, table.sheet, a.row, None, None, f"未能分配：{a.owners.reason}"
                )
            )
        for key in TARGET_FIELDS:
            value = ours[key]
            typed = a.typed.get(key)
            if not value or (key in table.columns and not _writable(table, key, a.index)):
                continue
            if key not in table.columns or _empty(typed):
                col = columns.target(key)
                why = f"{reason}（{yi_label(a.owners.yi) or '六个一'}）"
                plan.changes.append(CellChange(table.file, table.sheet, a.row, col, typed, value, why))
                continue
            if agrees(key, typed, value, a.owners.co_owners if key == "resp_person" else ()):
                continue  # an old suggestion of ours on this row is now stale: cleared below
            col = columns.side(key) or columns.create(SUGGESTION_HEADERS[key])
            current = side_values.pop((key, a.row), None)
            if current != value:
                why = f"{reason}：已填{HEADERS[key]}与建议不一致，建议写入旁列"
                plan.changes.append(CellChange(table.file, table.sheet, a.row, col, current, value, why))
            header = table.header_text(key)
            plan.notes.append(
                AssignmentNote(
                    CONFLICT_RULE,
                    table.file,
                    table.sheet,
                    a.row,
                    cell_address(a.row, table.columns[key].col),
                    header,
                    f"已填{header}与建议不一致（已填“{clean_text(typed)}”，建议“{value}”），未改动，"
                    f"建议见“{SUGGESTION_HEADERS[key]}”列",
                    typed,
                    value,
                )
            )
    for (key, row), stale in side_values.items():  # an earlier suggestion no longer in conflict
        col = columns.side(key)
        if col is not None and not _empty(stale):
            why = f"{reason}：建议已无冲突，清除"
            plan.changes.append(CellChange(table.file, table.sheet, row, col, stale, None, why))
    return plan


def _writable(table: LedgerTable, key: str, i: int) -> bool:
    """A target cell we may fill: not the lower part of a vertical merge (its value lives in the top cell)."""
    origin = table.origin_rows.get(key)
    return origin is None or int(origin[i]) == int(table.rows[i])


def _side_values(table: LedgerTable, columns: _Columns) -> dict[tuple[str, int], Any]:
    """What our side columns from an earlier run hold, per (field, Excel row)."""
    out: dict[tuple[str, int], Any] = {}
    layout = table.layout
    rows0 = table.rows - 1
    for key in TARGET_FIELDS:
        col = columns.side(key)
        if col is None or not (layout.first_col <= col - 1 <= layout.last_col) or not len(rows0):
            continue
        for row, value in zip(table.rows.tolist(), layout.cell_values(col - 1, rows0).tolist(), strict=True):
            if not _empty(value):
                out[(key, int(row))] = value
    return out
