"""Findings → what we show in a workbook: the 检查结果 rows and the per-cell marks.

Both the CLI's annotated copy and the ribbon's 检查台账 button render from these
functions, so the two front-ends can never disagree about what a finding says.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from addin.ledger.table import column_index
from addin.rules.engine import display
from addin.rules.model import Finding, Severity

FINDINGS_SHEET = "检查结果"
FINDINGS_HEADER = [
    "序号",
    "工作表",
    "单元格",
    "行号",
    "列名",
    "问题说明",
    "级别",
    "规则",
    "对应条目",
    "当前值",
    "户/项标识",
    "责任人",
]


@dataclass(frozen=True, slots=True)
class FindingRow:
    """One row of the 检查结果 sheet; ``link`` is the (sheet, cell) the 单元格 column jumps to."""

    values: list[object]
    link: tuple[str, str] | None


def findings_rows(
    findings: Sequence[Finding], *, rule_titles: dict[str, str] | None = None, owners: Sequence[str] | None = None
) -> list[FindingRow]:
    """Rows for the findings sheet, in report order; ``owners`` fills the 责任人 column (same order)."""
    if owners is not None and len(owners) != len(findings):
        raise ValueError(f"{len(owners)} owners for {len(findings)} findings")
    rows = []
    for n, f in enumerate(findings, start=1):
        cell = f.cell or ""
        rows.append(
            FindingRow(
                values=[
                    n,
                    f.sheet,
                    cell or "整行",
                    f.row,
                    f.column or "",
                    f.message,
                    f.severity.label,
                    f.rule,
                    f.ref,
                    "" if f.value is None else display(f.value),
                    f.key,
                    owners[n - 1] if owners is not None else "",
                ],
                link=(f.sheet, cell or f"A{f.row}") if f.row else None,
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class Mark:
    """What goes onto one flagged cell: the worst severity and every reason."""

    sheet: str
    row: int
    column: int  # 1-based
    severity: Severity
    text: str


def cell_marks(findings: Sequence[Finding]) -> list[Mark]:
    """One mark per flagged cell, reasons joined, errors winning over warnings.

    A 提示 (info) finding never colours a cell by itself — hints would drown the
    red and yellow cells the clerk must fix; it is listed on 检查结果, and its text
    joins the note of a cell that is marked anyway for an error or a warning.
    """
    reasons: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in findings:
        if f.cell:
            reasons[(f.sheet, f.cell)].append(f)
    marks = []
    for (sheet, cell), items in reasons.items():
        if all(f.severity is Severity.INFO for f in items):
            continue
        row, col = column_index(cell)
        severity = Severity.ERROR if any(f.severity is Severity.ERROR for f in items) else Severity.WARNING
        text = "\n".join(f"【{f.severity.label}】{f.message}" for f in items)
        marks.append(Mark(sheet=sheet, row=row, column=col, severity=severity, text=text))
    return marks
