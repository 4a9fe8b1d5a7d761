"""Checks on a whole table's statistics rather than on rows (e.g. RISK-07)."""

from __future__ import annotations

import numpy as np

from addin.rules.checks import Hits, SheetHit, check
from addin.rules.expressions import Context, evaluate, truthy
from addin.rules.model import Rule


@check(
    "table_share",
    {
        "type": "object",
        "additionalProperties": False,
        "required": ["part", "whole"],
        "properties": {
            "part": {"description": "expression selecting the rows counted in the numerator"},
            "whole": {"description": "expression selecting the rows of the denominator"},
            "weight": {"description": "expression weighting each row (e.g. household size); default 1"},
            "requires_any": {
                "type": "array",
                "items": {"type": "string"},
                "description": "skip unless the sheet has at least one of these columns",
            },
        },
    },
)
def table_share(rule: Rule, ctx: Context) -> Hits:
    """One finding for the table when the weighted share part/whole lies outside [min_share, max_share]."""
    needs = rule.options.get("requires_any")
    if needs and not any(ctx.table.has(key) for key in needs):
        return Hits()
    weight = evaluate(rule.options["weight"], ctx) if "weight" in rule.options else np.ones(ctx.n)
    weight = np.nan_to_num(weight.astype(float), nan=1.0)
    whole = truthy(evaluate(rule.options["whole"], ctx))
    part = truthy(evaluate(rule.options["part"], ctx)) & whole
    denominator = float(weight[whole].sum())
    min_rows = int(rule.params.get("min_rows", 1))
    if denominator <= 0 or whole.sum() < min_rows:
        return Hits()
    share = float(weight[part].sum()) / denominator
    low, high = float(rule.params.get("min_share", 0.0)), float(rule.params.get("max_share", 1.0))
    if low <= share <= high:
        return Hits()
    row = ctx.table.header_rows[-1] if ctx.table.header_rows else 1
    return Hits(places=[SheetHit(row=row, column=None, cell=None, values={"share": share * 100})])
