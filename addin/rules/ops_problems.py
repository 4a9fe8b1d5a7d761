"""Expression operators and derived values for the 问题整改台账 rules (domain.md §3.2).

``@blank_row``: nothing but the serial number is filled (templates often number
empty rows in advance); the "field is empty" rules skip such rows.

``deadline_kind``: what each 整改时限 cell says ("date", "immediate", "long_term",
"status_text", "unparsable"; None when empty), as the deadline normaliser stored it.
``only_phrases``: the text consists of nothing but stock phrases (高度重视、举一反三 …),
filler words, numbering and punctuation (ZG-06).
``code_hint``: "（建议：<value>）" where a text (the problem description) matches an
entry of a field's code list, "" otherwise (ZG-02's suggestion).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from addin.errors import ConfigError
from addin.rules.expressions import Context, args_of, code_list, derived, evaluate, operator, param, text_values

# Numbering, punctuation and connectives that carry no content between stock phrases.
_NOISE = re.compile(r"[\s\d一二三四五六七八九十①-⑳.,，。、;；:：!！?？()（）\[\]【】\"“”'‘’《》+\-—/和并及与、]+")


_NUMBERING_FIELDS = frozenset({"seq", "issue_id"})


@derived("blank_row")
def blank_row(ctx: Context) -> np.ndarray:
    """True where no column but the serial number / issue number holds a value of the row's own.

    Values a section row above implies ("一、精准识别方面" → 问题类别) do not count.
    """
    table = ctx.table
    out = np.ones(ctx.n, dtype=bool)
    for key in table.cols:
        if key in _NUMBERING_FIELDS:
            continue
        filled = ~table.empty(key)
        implied = table.implied.get(key)
        if implied is not None:
            filled = filled & ~implied
        out &= ~filled
    return out


@operator("deadline_kind")
def deadline_kind(ctx: Context, arg: Any) -> np.ndarray:
    """Per row, the kind of the 整改时限 cell as text ("immediate", "long_term" …); None when empty."""
    out = np.empty(ctx.n, dtype=object)
    out[:] = None
    col = ctx.table.cols.get(arg) if isinstance(arg, str) else None
    if col is None or "kind" not in col.extra:
        return out
    out[:] = [None if k is None else str(k) for k in col.extra["kind"]]
    return out


def _word_list(ctx: Context, ref: Any) -> list[str]:
    words = param(ref[1:], ctx) if isinstance(ref, str) and ref.startswith("$") else ref
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise ConfigError("rules", f"only_phrases 需要一个词语列表：{ref}")
    return sorted(words, key=len, reverse=True)


@operator("only_phrases")
def only_phrases(ctx: Context, arg: Any) -> np.ndarray:
    """``{"only_phrases": ["measures", "$generic_phrases", "$filler_words"]}``.

    True where the text is filled, holds at least one of the phrases, and nothing
    but phrases, filler words, numbering and punctuation.
    """
    items = args_of(arg)
    if len(items) not in (2, 3):
        raise ConfigError("rules", f"only_phrases 的参数应为 [字段, 词组列表, 填充词列表]：{arg}")
    phrases = _word_list(ctx, items[1])
    filler = _word_list(ctx, items[2]) if len(items) == 3 else []
    phrase_re = re.compile("|".join(map(re.escape, phrases))) if phrases else None
    filler_re = re.compile("|".join(map(re.escape, filler))) if filler else None
    cache: dict[str, bool] = {}

    def judge(text: str) -> bool:
        if not text or phrase_re is None:
            return False
        if text not in cache:
            rest, found = phrase_re.subn("", text)
            if filler_re is not None:
                rest = filler_re.sub("", rest)
            cache[text] = found > 0 and not _NOISE.sub("", rest)
        return cache[text]

    return np.array([judge(t) for t in text_values(evaluate(items[0], ctx))], dtype=bool)


@operator("code_hint")
def code_hint(ctx: Context, arg: Any) -> np.ndarray:
    """``{"code_hint": ["category", "description"]}``: "（建议：精准识别）" or ""."""
    key, text_expr = args_of(arg, 2)
    codes = code_list(ctx, key)
    cache: dict[str, str] = {}

    def hint(text: str) -> str:
        if text not in cache:
            hit = codes.lookup(text) if text else None
            cache[text] = f"（建议：{hit.value}）" if hit is not None else ""
        return cache[text]

    out = np.empty(ctx.n, dtype=object)
    out[:] = [hint(t) for t in text_values(evaluate(text_expr, ctx))]
    return out
