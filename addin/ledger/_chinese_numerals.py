"""Chinese numerals in dates to Arabic digits.

Official documents write dates as "二〇二四年五月十二日" and deadlines as "三季度",
"十二月底". The date parser only knows Arabic digits, so every run of Chinese
numerals is rewritten first: digit-by-digit runs for years ("二〇二四" → "2024")
and the tens form for months and days ("十二" → "12", "三十一" → "31").
"""

from __future__ import annotations

import re

_DIGITS = {
    "〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3,
    "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_RUN = re.compile("[〇○零一二两三四五六七八九十]+")


def _run_to_digits(run: str) -> str:
    """One run of Chinese numerals as Arabic digits; a run we cannot read is returned unchanged."""
    if "十" not in run:
        return "".join(str(_DIGITS[c]) for c in run)
    head, _, tail = run.partition("十")
    if len(head) > 1 or len(tail) > 1 or "十" in tail:
        return run  # "一百十" or "十十": not a month or a day
    tens = _DIGITS[head] if head else 1
    ones = _DIGITS[tail] if tail else 0
    return str(tens * 10 + ones)


def arabic_numerals(text: str) -> str:
    """Rewrite every run of Chinese numerals in ``text`` as Arabic digits.

    >>> arabic_numerals("二〇二四年十二月三十一日")
    '2024年12月31日'
    >>> arabic_numerals("第三季度")
    '第3季度'
    """
    if not _RUN.search(text):
        return text
    return _RUN.sub(lambda m: _run_to_digits(m.group()), text)
