"""Comparison keys for the names a roster and the ledgers spell differently.

The roster says "沙窝镇", a ledger "沙窝" or "沙窝镇人民政府"; "王湾村" stands as
"王湾" or "王湾村委会"; "县扶贫办" is "扶贫办" in the department list; a helper's
cell reads "张三（科员）13812345678". Lookups and the cross-sheet roster rules
compare these keys, never the texts as typed, so each spelling staff use finds the
same roster row (domain §6.4). Keys are for comparison only; nothing displayed is
rewritten.
"""

from __future__ import annotations

import functools
import re

from addin.ledger._chinese_numerals import arabic_numerals
from addin.ledger.definitions import CodeList, default_catalog
from addin.ledger.text import clean_text, is_placeholder, squeeze, value_key

_GOVERNMENT = re.compile(r"(?:人民政府|政府)$")
_TOWNSHIP_TYPE = re.compile(r"(?:街道办事处|办事处|街道|管理区|镇|乡)$")
_VILLAGE_TYPE = re.compile(r"(?:村?(?:行政村|村民委员会|村委会|村委)|村)$")
_COMMUNITY = re.compile(r"(?:社区居民委员会|社区居委会|居民委员会|居委会)$")
_COUNTY_PREFIX = re.compile(r"^(?:中共)?(?:县委|县)(?=..)")
_BRACKETED = re.compile(r"[(\[【][^)\]】]*[)\]】]")
_PHONE = re.compile(r"\d[\d\-—]{5,}\d")
_NAME_SEPARATORS = re.compile(r"[、,;/，；／\n\r]+")
_LIST_SEPARATORS = re.compile(r"[、,;/，；／\n\r]+")
_GROUP = re.compile(r"第?(\d{1,2})(?:督查|巡查|督导)*组|(?:督查|巡查|督导)+第?(\d{1,2})组")


@functools.cache
def _codes(name: str) -> CodeList | None:
    return default_catalog().codes.get(name)


def township_key(text: object) -> str:
    """ "沙窝镇", "沙窝", "沙窝镇人民政府" → "沙窝" (the county list's spelling, without 镇/乡/街道)."""
    s = _GOVERNMENT.sub("", value_key(text))
    if not s:
        return ""
    codes = _codes("townships")
    hit = codes.lookup(s) if codes is not None else None
    if hit is not None:
        s = value_key(hit.value)
    return _TOWNSHIP_TYPE.sub("", s) or s


def village_key(text: object) -> str:
    """ "王湾村", "王湾", "王湾村委会", "王湾村村委会" → "王湾"; "王湾社区居委会" → "王湾社区"."""
    s = _COMMUNITY.sub("社区", value_key(text))
    return _VILLAGE_TYPE.sub("", s) or s


def person_names(value: object) -> list[str]:
    """The people a person cell names: "张三（科员）、李四 13812345678" → ["张三", "李四"].

    Brackets (titles, units) and phone numbers go; "、，,；;/" and line breaks
    separate people. Spaces separate people only when every part is at least two
    characters long ("张三 李四"); "张  三" is one person. Cached per text: a
    county's 30,000 households name a few thousand helpers.
    """
    return list(_person_names(clean_text(value)))


@functools.lru_cache(maxsize=65_536)
def _person_names(text: str) -> tuple[str, ...]:
    text = _PHONE.sub(" ", _BRACKETED.sub(" ", text))
    names: list[str] = []
    for part in _NAME_SEPARATORS.split(text):
        tokens = part.split()
        if len(tokens) > 1 and all(len(t) >= 2 for t in tokens):
            names.extend(tokens)
        elif tokens:
            names.append("".join(tokens))
    return tuple(n for n in names if not is_placeholder(n))


def person_key(value: object) -> str:
    """One person's comparison form (the first person a cell names)."""
    names = person_names(value)
    return names[0] if names else ""


def split_list(value: object) -> list[str]:
    """Items of a list cell ("沙窝镇、新集镇；县财政局"); 和/及 do not separate (县发展和改革委员会)."""
    return [squeeze(t) for t in _LIST_SEPARATORS.split(clean_text(value)) if squeeze(t)]


def _department(text: str) -> str | None:
    """The department list's value for a unit name, with or without the leading 县/县委."""
    codes = _codes("departments")
    if codes is None or not text:
        return None
    hit = codes.lookup(text) or codes.lookup(_COUNTY_PREFIX.sub("", text))
    return hit.value if hit is not None else None


def department_name(text: object) -> str:
    """The canonical name of a county unit when the department list knows it, else the cleaned text."""
    s = squeeze(clean_text(text))
    return _department(s) or s


def unit_key(text: object) -> str:
    """A township or a county unit: "县扶贫办" = "扶贫办"; "沙窝镇人民政府" = "沙窝"; "县纪委监委" = "纪委"."""
    s = _GOVERNMENT.sub("", value_key(text))
    if not s:
        return ""
    towns = _codes("townships")
    if towns is not None and towns.lookup(s) is not None:
        return "乡镇:" + township_key(s)
    known = _department(s)
    if known is not None:
        return value_key(known)
    s = _COUNTY_PREFIX.sub("", s).replace("纪委监委", "纪委")
    if _TOWNSHIP_TYPE.search(s) and not s.endswith(("局", "委", "办", "部", "院")):
        return "乡镇:" + (_TOWNSHIP_TYPE.sub("", s) or s)
    return s


def group_key(text: object) -> str:
    """ "第一督查巡查组", "第一组", "督查一组", "1组" → "1"; "" when the text names no numbered group."""
    m = _GROUP.search(arabic_numerals(value_key(text)))
    if m is None:
        return ""
    return str(int(m.group(1) or m.group(2)))


def place_key(township: object, village: object) -> str:
    """Township and village together, for telling apart two 王湾村 in different townships."""
    return f"{township_key(township)}\x1f{village_key(village)}"
