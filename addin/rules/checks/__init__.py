"""Check kinds: the closed set of ways a rule can look at a table.

Each kind is a function registered under a name with the JSON Schema of its own
``params``, so a mistake in a rule file is reported at the exact key. Most rules
use ``condition`` (a vectorised expression); the others cover what is not a
per-row condition: missing columns, duplicated columns or rows, 合计 rows,
money units, weekly visit counts, copied visit texts.

A check returns :class:`Hits`: a boolean mask over the table's data rows (the
common, fast case) and/or explicit :class:`SheetHit` places for findings that are
not "this field of this row" (a missing column, a 合计 row, a header cell).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from addin.rules.expressions import Context
from addin.rules.model import Rule


@dataclass(frozen=True, slots=True)
class SheetHit:
    """A finding at an explicit place (1-based row; cell may be None)."""

    row: int
    column: str | None
    cell: str | None
    values: dict[str, Any] = field(default_factory=dict)
    value: Any = None


@dataclass
class Hits:
    """What a check found on one table."""

    mask: np.ndarray | None = None  # data rows that fail
    values: dict[str, np.ndarray] = field(default_factory=dict)  # per-row message values
    targets: np.ndarray | None = None  # per-row field key overriding rule.target (object array)
    places: list[SheetHit] = field(default_factory=list)


CheckFn = Callable[[Rule, Context], Hits]


@dataclass(frozen=True)
class CheckKind:
    name: str
    run: CheckFn
    params_schema: dict[str, Any]
    doc: str


CHECKS: dict[str, CheckKind] = {}


def check(name: str, params_schema: dict[str, Any] | None = None) -> Callable[[CheckFn], CheckFn]:
    """Register a check kind with the schema of its params."""

    def register(fn: CheckFn) -> CheckFn:
        schema = params_schema or {"type": "object", "additionalProperties": False}
        CHECKS[name] = CheckKind(name, fn, schema, (fn.__doc__ or "").strip())
        return fn

    return register


def load_all() -> dict[str, CheckKind]:
    """Import every module that registers check kinds, operators or derived values.

    Check kinds live in ``addin/rules/checks/*.py``; extra expression operators and
    derived values in ``addin/rules/ops_*.py``. Adding a module there is enough.
    """
    import importlib
    import pkgutil

    import addin.rules as rules_pkg
    import addin.rules.checks as checks_pkg
    import addin.rules.derived  # noqa: F401

    for info in pkgutil.iter_modules(checks_pkg.__path__):
        importlib.import_module(f"{checks_pkg.__name__}.{info.name}")
    for info in pkgutil.iter_modules(rules_pkg.__path__):
        if info.name.startswith("ops_"):
            importlib.import_module(f"{rules_pkg.__name__}.{info.name}")
    return CHECKS
