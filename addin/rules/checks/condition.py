"""The workhorse check kind: a finding wherever an expression holds."""

from __future__ import annotations

from addin.rules.checks import Hits, check
from addin.rules.expressions import Context, evaluate, truthy
from addin.rules.model import Rule

EXPRESSION = {"description": "an expression (see addin/rules/expressions.py)"}


@check(
    "condition",
    {
        "type": "object",
        "additionalProperties": False,
        "required": ["when"],
        "properties": {"when": EXPRESSION},
    },
)
def condition(rule: Rule, ctx: Context) -> Hits:
    """A finding on every data row where the ``when`` expression is true."""
    return Hits(mask=truthy(evaluate(rule.options["when"], ctx)))
