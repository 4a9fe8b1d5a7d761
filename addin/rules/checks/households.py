"""``condition_at``: a condition whose finding points at a cell chosen per row.

Household rules often have two candidate culprits: HH-30 marks 是否危房户 when it
says 是, else the 危房等级 cell; HH-21 marks the 帮扶措施 column, or the 技能培训
column of a one-column-per-category roster. ``targets`` lists the candidates in
order, each a field key or ``{"field": key, "when": expression}``; a row's finding
goes to the first candidate the sheet has whose ``when`` holds on that row, else to
the rule's ``target``.
"""

from __future__ import annotations

import numpy as np

from addin.errors import ConfigError
from addin.rules.checks import Hits, check
from addin.rules.expressions import Context, evaluate, truthy
from addin.rules.model import Rule

_TARGET = {
    "anyOf": [
        {"type": "string"},
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["field"],
            "properties": {"field": {"type": "string"}, "when": {}},
        },
    ]
}


@check(
    "condition_at",
    {
        "type": "object",
        "additionalProperties": False,
        "required": ["when", "targets"],
        "properties": {
            "when": {"description": "an expression (see addin/rules/expressions.py)"},
            "targets": {"type": "array", "minItems": 1, "items": _TARGET},
        },
    },
)
def condition_at(rule: Rule, ctx: Context) -> Hits:
    """A finding on every row where ``when`` holds, at the first applicable cell of ``targets``."""
    mask = truthy(evaluate(rule.options["when"], ctx))
    targets = np.empty(ctx.n, dtype=object)
    targets[:] = rule.target
    chosen = np.zeros(ctx.n, dtype=bool)
    for item in rule.options["targets"]:
        key = item if isinstance(item, str) else item["field"]
        if key not in ctx.table.ledger.by_key:
            raise ConfigError("rules", f"规则 {rule.id}：台账“{ctx.table.ledger.label}”没有字段“{key}”")
        if not ctx.table.has(key):
            continue
        here = ~chosen & mask
        if isinstance(item, dict) and "when" in item:
            here &= truthy(evaluate(item["when"], ctx))
        targets[here] = key
        chosen |= here
    return Hits(mask=mask, targets=targets)
