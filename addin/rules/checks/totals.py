"""``workbook_totals``: the size of a whole ledger against the plan it implements (ZG-26).

The seed county's rectification plan had “39类367项”: 39 categories, 367 items. A
ledger kept across several sheets (one per township, or one per category) is one
ledger, so the count runs over every table of the rule's kind in the workbook and the
one finding (info) stands on the first of them, at its header row. Only a workbook of
about the plan's size is compared (``min_share`` to ``max_share`` times the expected
rows): one township's part of the plan cannot match it, and a list many times longer
is not the plan's ledger; their totals would say nothing.
"""

from __future__ import annotations

from addin.ledger.text import clean_text, squeeze
from addin.rules.checks import Hits, SheetHit, check
from addin.rules.expressions import Context, evaluate, truthy
from addin.rules.model import Rule


@check(
    "workbook_totals",
    {
        "type": "object",
        "additionalProperties": False,
        "required": ["distinct", "expected_distinct", "expected_rows"],
        "properties": {
            "distinct": {"type": "string", "description": "field whose distinct values are counted (e.g. category)"},
            "expected_distinct": {"type": "string", "description": "name of the param with the expected count"},
            "expected_rows": {"type": "string", "description": "name of the param with the expected number of rows"},
            "where": {"description": "expression selecting the rows that count (e.g. not a blank row)"},
        },
    },
)
def workbook_totals(rule: Rule, ctx: Context) -> Hits:
    """One finding for all tables of the kind together when the rows or distinct values differ from the params.

    Only workbooks with ``min_share``–``max_share`` × the expected rows (params; default: any) are compared.
    """
    tables = ctx.tables.get(ctx.table.kind, []) or [ctx.table]
    if tables[0] is not ctx.table:
        return Hits()
    opts = rule.options
    key = opts["distinct"]
    rows, values = 0, set()
    for table in tables:
        tctx = ctx.for_table(table)
        where = truthy(evaluate(opts["where"], tctx)) if "where" in opts else [True] * len(table)
        raw = table.raw.get(key)
        empty = table.empty(key)
        for i, keep in enumerate(where):
            if not keep:
                continue
            rows += 1
            if raw is not None and not empty[i]:
                values.add(squeeze(clean_text(raw[i])))
    expected_distinct = int(rule.params[opts["expected_distinct"]])
    expected_rows = int(rule.params[opts["expected_rows"]])
    if rows == expected_rows and len(values) == expected_distinct:
        return Hits()
    low, high = float(rule.params.get("min_share", 0.0)), float(rule.params.get("max_share", float("inf")))
    if not expected_rows * low <= rows <= expected_rows * high:
        return Hits()  # a part of the plan (one township's items) or some other, much longer list
    row = ctx.table.header_rows[-1] if ctx.table.header_rows else 1
    return Hits(places=[SheetHit(row=row, column=None, cell=None, values={"distinct": len(values), "rows": rows})])
