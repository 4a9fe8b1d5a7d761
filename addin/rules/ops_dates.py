"""Date literals and date shifting for rules a county writes by hand.

``days``/``months`` (in ops_basic) measure the distance between two dates; these two
let a rule name a fixed day and move a date by a number of days, so a clerk can write
"发现时间早于 2024-01-01" or "完成时间晚于发现时间 + 30 天" directly::

    {"<": ["found_date", {"date": "2024-01-01"}]}
    {">": ["done_date", {"add_days": ["found_date", 30]}]}
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from addin.errors import ConfigError
from addin.rules.expressions import Array, Context, args_of, as_dates, broadcast, evaluate, numeric, operator


@operator("date")
def _date(ctx: Context, arg: Any) -> Array:
    """A fixed date written as "YYYY-MM-DD": {"date": "2024-01-01"}."""
    try:
        day = dt.date.fromisoformat(str(arg))
    except ValueError as exc:
        raise ConfigError("rules", f"日期应写成 YYYY-MM-DD：{arg}") from exc
    return broadcast(np.datetime64(day, "D"), ctx.n)


@operator("add_days")
def _add_days(ctx: Context, arg: Any) -> Array:
    """A date moved by n days (negative = earlier): {"add_days": ["found_date", 30]}; missing stays missing."""
    date_expr, days_expr = args_of(arg, 2)
    dates = as_dates(evaluate(date_expr, ctx))
    days = numeric(evaluate(days_expr, ctx))
    missing = np.isnat(dates) | np.isnan(days)
    shifted = dates + np.where(missing, 0, days).astype("timedelta64[D]")
    shifted[missing] = np.datetime64("NaT")
    return shifted
