"""Decide which ledger kind a sheet holds and which column is which field.

Headers decide, the sheet name and title only break ties: staff name sheets after
townships ("沙窝镇") or leave "Sheet1", while the headers are what they actually
filled in. A person-per-row roster holds household and member columns side by
side; such a sheet yields both kinds (see ``shares_sheet_with`` in the ledger
definitions).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from addin.ledger.definitions import Catalog, FieldDef, LedgerDef
from addin.ledger.layout import HeaderColumn
from addin.ledger.text import header_key


@dataclass
class KindMatch:
    """How well one ledger kind fits a sheet's header, and its column mapping."""

    ledger: LedgerDef
    columns: dict[str, HeaderColumn] = field(default_factory=dict)
    duplicates: dict[str, list[HeaderColumn]] = field(default_factory=dict)
    identifying: int = 0
    title_hit: bool = False

    @property
    def matched(self) -> int:
        return len(self.columns)

    @property
    def qualifies(self) -> bool:
        return self.matched >= self.ledger.min_matched_fields and self.identifying >= 1

    @property
    def score(self) -> float:
        return self.identifying * 3 + self.matched + (2 if self.title_hit else 0)

    @property
    def missing_required(self) -> list[FieldDef]:
        return [f for f in self.ledger.fields if f.required and f.key not in self.columns]


def column_field(ledger: LedgerDef, column: HeaderColumn) -> FieldDef | None:
    """The field a header column names: its leaf text, else leaf joined with its group header."""
    f = ledger.match_header(column.leaf)
    if f is None and len(column.path) > 1:
        f = ledger.match_header(column.path[-2] + column.leaf) or ledger.match_header("".join(column.path))
    return f


def match_kind(ledger: LedgerDef, columns: list[HeaderColumn], hints: str) -> KindMatch:
    """Map header columns to this kind's fields (first column wins; later ones are duplicates)."""
    match = KindMatch(ledger=ledger)
    for column in columns:
        f = column_field(ledger, column)
        if f is None:
            continue
        if f.key in match.columns:
            match.duplicates.setdefault(f.key, []).append(column)
            continue
        match.columns[f.key] = column
        if f.identifying:
            match.identifying += 1
    hint_key = header_key(hints)
    match.title_hit = any(header_key(k) in hint_key for k in ledger.title_keywords if k)
    return match


def detect_kinds(
    catalog: Catalog,
    columns: list[HeaderColumn],
    *,
    sheet_name: str = "",
    title: str = "",
    override: str | None = None,
) -> list[KindMatch]:
    """The kinds a sheet holds, best first: none, one, or a kind plus those sharing its sheet."""
    hints = f"{sheet_name} {title}"
    if override is not None:
        return [match_kind(catalog.ledger(override), columns, hints)]
    matches = [match_kind(ledger, columns, hints) for ledger in catalog.ledgers.values()]
    candidates = sorted((m for m in matches if m.qualifies), key=lambda m: m.score, reverse=True)
    if not candidates:
        return []
    best = candidates[0]
    result = [best]
    for other in candidates[1:]:
        if other.ledger.kind in best.ledger.shares_sheet_with and best.ledger.kind in other.ledger.shares_sheet_with:
            result.append(other)
    return result


def best_near_miss(catalog: Catalog, columns: list[HeaderColumn], sheet_name: str = "") -> KindMatch | None:
    """The closest kind when none qualifies, to explain why a sheet was skipped."""
    matches = [match_kind(ledger, columns, sheet_name) for ledger in catalog.ledgers.values()]
    return max(matches, key=lambda m: m.score, default=None)
