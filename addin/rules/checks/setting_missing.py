"""``setting_missing``: say once per table that a county setting a rule needs is not filled in.

Some rules compare with lists only the county can supply (the qualified assessors
named by the 住建局, the province's floor-area standard, the water-scarce villages).
Without them the rule cannot judge; a silent skip would read as "no problem", so a
companion rule of this kind reports one finding per sheet naming the missing setting.
"""

from __future__ import annotations

import numpy as np

from addin.rules.checks import Hits, SheetHit, check
from addin.rules.expressions import Context, evaluate, truthy
from addin.rules.model import Rule


def is_unset(value: object) -> bool:
    """A parameter the county has not filled in: absent, null, "", [] or {}."""
    return value is None or (isinstance(value, str | list | tuple | dict) and len(value) == 0)


@check(
    "setting_missing",
    {
        "type": "object",
        "additionalProperties": False,
        "required": ["setting"],
        "properties": {
            "setting": {"type": "string", "description": "name of the parameter (in the rule's params)"},
            "when": {"description": "rows that need the setting; no finding when none does (default: any row)"},
        },
    },
)
def setting_missing(rule: Rule, ctx: Context) -> Hits:
    """One finding per table (at its header) when the named parameter is empty and some row needs it."""
    if not is_unset(rule.params.get(rule.options["setting"])):
        return Hits()
    needs = truthy(evaluate(rule.options["when"], ctx)) if "when" in rule.options else np.ones(ctx.n, dtype=bool)
    if not needs.any():
        return Hits()
    row = ctx.table.header_rows[-1] if ctx.table.header_rows else 1
    return Hits(places=[SheetHit(row=row, column=None, cell=None, values={"rows": int(needs.sum())})])
