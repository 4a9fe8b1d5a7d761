"""Valid ID numbers for test ledgers (computed independently of addin.ledger.idcard).

Rule tests need realistic people; an independent check-digit computation keeps the
ID rules' own tests honest (a bug in the product's check digit cannot make its own
fixtures look valid).
"""

from __future__ import annotations

_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def make_id(birth: str, seq: int, area: str = "411523") -> str:
    """A valid 18-digit ID of 新县 (411523 by default) with the given birth date (yyyymmdd)."""
    body = f"{area}{birth}{seq:03d}"
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, _WEIGHTS, strict=True)) % 11]
    return body + check
