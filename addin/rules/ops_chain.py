"""Expression operators for the "六个一" chain (domain §2.3): the "一" of each problem row.

``{"six_one": "$chain"}`` is the row's "一" (1–6, 0 = cannot be determined) and
``{"six_one_reason": "$chain"}`` the Chinese reason when it is 0. ``$chain`` is the
rule parameter carrying the county's ``chain`` settings (``Settings.rule_settings``
passes them), so ``zhenggai check`` maps exactly as ``zhenggai assign`` does.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from addin.chain.mapping import ProblemYi, load_yi_map, problem_yi
from addin.errors import ConfigError
from addin.rules.expressions import Context, operator, param


def _problem_yi(ctx: Context, arg: Any) -> ProblemYi:
    chain = param(arg[1:], ctx) if isinstance(arg, str) and arg.startswith("$") else arg
    if chain is None:
        chain = {}
    if not isinstance(chain, dict):
        raise ConfigError("rules", f"six_one 的参数应为 chain 设置（一个对象）：{arg}")
    if ctx.table.kind != "problems":
        raise ConfigError("rules", "six_one 只能用于问题整改台账")
    key = ("six_one", id(ctx.table), json.dumps(chain, sort_keys=True, ensure_ascii=False, default=str))
    hit = ctx.cache.get(key)
    if hit is None:
        hit = ctx.cache[key] = problem_yi(ctx.table, load_yi_map(overrides=chain))  # type: ignore[assignment]
    return hit  # type: ignore[return-value]


@operator("six_one")
def six_one(ctx: Context, arg: Any) -> np.ndarray:
    """``{"six_one": "$chain"}``: the problem row's “六个一” (1–6; 0 = cannot be determined), domain §2.3."""
    return _problem_yi(ctx, arg).yi.astype(float)


@operator("six_one_reason")
def six_one_reason(ctx: Context, arg: Any) -> np.ndarray:
    """``{"six_one_reason": "$chain"}``: why the row's “六个一” cannot be determined ("" when it can)."""
    out = np.empty(ctx.n, dtype=object)
    out[:] = [c.reason for c in _problem_yi(ctx, arg).choices]
    return out
