"""Nearly identical texts among the rows of one group (ZG-21: the same problem entered twice).

``{"similar_row": ["description", "$dup_similarity", "township", "village", "household_head"]}``
is, per row, the Excel row of the first earlier row of the same group (乡镇, 村, 户主 —
an empty part is a value like any other, so village-level problems of one village
form a group) whose text is at least ``dup_similarity`` similar (difflib ratio on the
text without spaces and punctuation); NaN when there is none. A description merged down
over several rows (one problem, several villages or units) is one cell, not a duplicate. Cheap bounds (length,
character counts) rule out most pairs before the exact ratio is computed, so a
county-wide ledger of several hundred problems in one group stays fast.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from typing import Any

import numpy as np

from addin.errors import ConfigError
from addin.ledger.text import clean_text, squeeze
from addin.rules.expressions import Context, args_of, evaluate, numeric, operator, present, text_values

_PUNCT = re.compile(r"[\s,，。.、；;：:！!？?（）()\[\]【】\"“”'‘’《》\-—]+")


def _norm(text: str) -> str:
    return _PUNCT.sub("", squeeze(clean_text(text)))


def _group_keys(ctx: Context, fields: list[Any]) -> list[str]:
    parts = []
    for key in fields:
        values = evaluate(key, ctx)
        filled = present(values)
        parts.append([_norm(str(v)) if p else "" for v, p in zip(values.tolist(), filled, strict=True)])
    return ["\x1f".join(ps) for ps in zip(*parts, strict=True)] if parts else [""] * ctx.n


def _similar(a: str, b: str, threshold: float) -> bool:
    if a == b:
        return True
    if 2 * min(len(a), len(b)) / (len(a) + len(b)) < threshold:
        return False
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return (
        matcher.real_quick_ratio() >= threshold and matcher.quick_ratio() >= threshold and matcher.ratio() >= threshold
    )


@operator("similar_row")
def similar_row(ctx: Context, arg: Any) -> np.ndarray:
    """``[text, threshold, group fields…]``: Excel row of an earlier similar row of the group (NaN: none)."""
    items = args_of(arg)
    if len(items) < 2:
        raise ConfigError("rules", f"similar_row 的参数应为 [文本字段, 相似度, 分组字段…]：{arg}")
    texts = [_norm(t) for t in text_values(evaluate(items[0], ctx))]
    threshold = float(numeric(evaluate(items[1], ctx))[0]) if ctx.n else 1.0
    groups = _group_keys(ctx, items[2:])
    # A text merged down over several rows is one cell, entered once: never a duplicate of itself.
    origin = ctx.table.origin_rows.get(items[0]) if isinstance(items[0], str) else None
    cells = origin.tolist() if origin is not None else list(range(ctx.n))
    out = np.full(ctx.n, np.nan)
    seen: dict[str, list[int]] = defaultdict(list)
    for i, (text, group) in enumerate(zip(texts, groups, strict=True)):
        if not text:
            continue
        earlier = seen[group]
        match = next((j for j in earlier if cells[j] != cells[i] and _similar(texts[j], text, threshold)), None)
        if match is not None:
            out[i] = float(ctx.table.rows[match])
        earlier.append(i)
    return out
