"""For rules whose inputs may be absent: another ledger, or a value the county must configure.

``otherwise``: ``{"otherwise": [expr, fallback]}`` is ``expr``, or ``fallback`` where
``expr`` cannot be evaluated on this workbook (``related`` raises NotApplicable when the
workbook has no such ledger). A rule that can judge a row from its own columns *or*
from a related ledger uses it so that the missing ledger does not switch the whole
rule off (JC-05: 务工信息 in the monitoring row, or in the member table).

``@table``: one constant key per table (its sheet name). ``"once_per": ["@table"]``
reports a rule once per table, e.g. “未设置2012年的扶贫标准（设置项 poverty_line）”
instead of once per row when a county value a rule needs is missing.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from addin.rules.expressions import Context, NotApplicable, args_of, broadcast, derived, evaluate, operator


@operator("otherwise")
def otherwise(ctx: Context, arg: Any) -> np.ndarray:
    """``[expr, fallback]``: the expression, or the fallback when it cannot apply (no such related ledger)."""
    expr, fallback = args_of(arg, 2)
    try:
        return evaluate(expr, ctx)
    except NotApplicable:
        return broadcast(fallback, ctx.n) if not isinstance(fallback, dict | str) else evaluate(fallback, ctx)


@derived("table")
def table(ctx: Context) -> np.ndarray:
    """The table's sheet name on every row: a constant key for ``once_per`` (one finding per table)."""
    out = np.empty(ctx.n, dtype=object)
    out[:] = ctx.table.sheet
    return out
