"""Derived values for the 防返贫监测对象 rules (domain.md §3.11, JC-01…JC-10).

A monitoring export writes the household's risks either in one column (“因病、因学”)
or in five (致贫返贫风险1…5), and its measures one category per column, with two
pairs of columns the household roster folds into one (义务教育保障 / 教育帮扶,
基础设施建设 / 生产生活条件改善). Rules ask about the household, not the layout:

``@mo_risks``: the tuple of risks named anywhere in the row (风险 column and 风险1…5),
every item of a cell looked up on its own.
``@mo_measures``: the measure categories (M01…M13) the household receives — the
household roster's reading of 帮扶措施 and the one-column-per-category columns
(``@measure_codes``), plus the monitoring-only columns. Rules reading it do not apply
to a sheet without any measure column.
"""

from __future__ import annotations

import numpy as np

from addin.rules.expressions import Context, NotApplicable, derived, evaluate, items_of
from addin.rules.ops_households import _has_measure, measure_codes

RISK_FIELDS = ("risks", "risk1", "risk2", "risk3", "risk4", "risk5")

EXTRA_MEASURE_COLUMNS: dict[str, str] = {
    "measure_compulsory_edu": "M04",  # 义务教育保障 (the roster folds it into 教育扶贫)
    "measure_living": "M12",  # 生产生活条件改善 (the roster folds it into 基础设施)
}
"""Monitoring-ledger measure columns the household roster does not have → measure code."""


@derived("mo_risks")
def mo_risks(ctx: Context) -> np.ndarray:
    """The risks of each monitored household, from the 风险 column and 风险1…5 together."""
    found: list[dict[str, None]] = [{} for _ in range(ctx.n)]
    for key in RISK_FIELDS:
        if key not in ctx.table.ledger.by_key or not ctx.table.has(key):
            continue
        for i, cell in enumerate(evaluate({"cell_items": key}, ctx).tolist()):
            found[i].update(dict.fromkeys(items_of(cell)))
    out = np.empty(ctx.n, dtype=object)
    out[:] = [tuple(f) for f in found]
    return out


@derived("mo_measures")
def mo_measures(ctx: Context) -> np.ndarray:
    """The measure codes each household receives, monitoring-only columns included (see module docstring)."""
    table = ctx.table
    extra = [k for k in EXTRA_MEASURE_COLUMNS if table.has(k)]
    try:
        base = [set(items_of(v)) for v in measure_codes(ctx).tolist()]
    except NotApplicable:
        if not extra:
            raise
        base = [set() for _ in range(ctx.n)]
    for key in extra:
        empty = table.empty(key)
        for i, raw in enumerate(table.raw[key]):
            if not empty[i] and _has_measure(raw):
                base[i].add(EXTRA_MEASURE_COLUMNS[key])
    out = np.empty(ctx.n, dtype=object)
    out[:] = [tuple(sorted(s)) for s in base]
    return out
