"""Text normalisation shared by header matching and value normalisation.

County ledgers mix full-width and half-width characters, stray spaces and line
breaks inside headers ("整改\n时限"), units in brackets ("金额（万元）") and leading
numbering ("1.问题描述", "A17 户编号"). Matching must see through all of that, so
every comparison of Chinese text goes through these functions.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Units and remarks in brackets at any place of a header: （元） (万元) 【必填】 ［㎡］.
_BRACKETED = re.compile(r"[(\[【{<《][^)\]】}>》]{0,20}[)\]】}>》]")
# Leading numbering: "1.", "1、", "（一）", "一、", "A17", "①", "1-1".
_LEADING_NUMBER = re.compile(
    r"^(?:[A-Z]{1,2}\d{1,3}(?=\D)|\d{1,3}(?:[-.]\d{1,3})*[.、:：)]|[一二三四五六七八九十]{1,3}[、.]"
    r"|\([一二三四五六七八九十\d]{1,3}\)|[①-⑳])\s*"
)
_WHITESPACE = re.compile(r"\s+")
_PUNCT_TAIL = re.compile(r"[:：*＊※\s]+$")

PLACEHOLDERS = frozenset({"—", "——", "-", "--", "/", "／", "\\", "无", "空", "以下空白", "n/a", "na", "null", "#n/a"})
"""Cell texts that mean "nothing here" in a data column."""


def nfkc(text: str) -> str:
    """Full-width digits, letters and punctuation to half-width (and other NFKC unifications)."""
    return unicodedata.normalize("NFKC", text)


def clean_text(value: object) -> str:
    """A cell value as trimmed half-width text; "" for empty cells and None."""
    if value is None:
        return ""
    if type(value) is str:
        # ASCII text (ID numbers, codes, digits) is its own NFKC form: no normalisation, no cache slot.
        return value.strip() if value.isascii() else _clean_str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfkc(str(value)).strip()


@functools.lru_cache(maxsize=1 << 16)
def _clean_str(text: str) -> str:
    # Every stage of the reader asks for the same cells' clean text: compute it once.
    return nfkc(text).strip()


def squeeze(text: str) -> str:
    """Remove every whitespace character, line breaks included ("张  三" → "张三")."""
    # Most cells have none: every whitespace character but " " is unprintable, and two C scans cost a fifth
    # of the regular expression's.
    if " " not in text and text.isprintable():
        return text
    return _WHITESPACE.sub("", text)


@functools.lru_cache(maxsize=1 << 14)
def _header_key_str(text: str) -> str:
    return _header_key(text)


def header_key(text: object) -> str:
    """The form a header (or an alias) is compared in (cached for text)."""
    return _header_key_str(text) if type(text) is str else _header_key(text)


def _header_key(text: object) -> str:
    """The form a header (or an alias) is compared in.

    NFKC, no whitespace, no bracketed units or remarks, no leading numbering, no
    trailing colon or asterisk, lower-case Latin letters.
    """
    s = squeeze(clean_text(text))
    s = _LEADING_NUMBER.sub("", s)
    stripped = _BRACKETED.sub("", s)
    if stripped:  # a header that is only a bracket ("（元）") keeps its text
        s = stripped
    s = _PUNCT_TAIL.sub("", s)
    return s.lower()


def bracket_unit(text: object) -> str:
    """The unit written in brackets in a header, e.g. "万元" for "贷款金额（万元）"; "" if none."""
    m = re.search(r"[(\[【]([^)\]】]{1,8})[)\]】]", clean_text(text))
    return squeeze(m.group(1)) if m else ""


def is_placeholder(text: str) -> bool:
    """True for the texts county staff type to mean "not applicable / empty"."""
    return text.lower() in PLACEHOLDERS


def value_key(text: object) -> str:
    """The form enum values and synonyms are compared in: NFKC, no whitespace, lower-case."""
    return squeeze(clean_text(text)).lower()
