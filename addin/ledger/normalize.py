"""Turn raw cell values into typed, canonical values, one whole column at a time.

Each normaliser takes the raw values of one column (an object array, merged cells
already filled) and returns a :class:`Normalised` column: the typed values, which
cells are empty, and which are filled but not a legal value of the type ("bad").
Work is done once per *distinct* value, so a 100,000-row column with a few hundred
distinct entries costs a few hundred conversions, not 100,000.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from addin.ledger import dates as dates_mod
from addin.ledger import idcard
from addin.ledger.definitions import CodeList, CodeValue, FieldDef
from addin.ledger.text import PLACEHOLDERS, clean_text, is_placeholder, squeeze

NAT = np.datetime64("NaT", "D")


@dataclass
class Normalised:
    """One column after normalisation."""

    values: np.ndarray  # typed values: float, datetime64[D], or object (str / tuple / bool / None)
    empty: np.ndarray  # bool: nothing in the cell (or a placeholder such as "/" or "无")
    bad: np.ndarray  # bool: filled, but not a legal value of the column's type
    extra: dict[str, Any] = field(default_factory=dict)  # type-specific side results (deadline kinds, ID analysis …)


def is_empty_value(value: object) -> bool:
    """Empty cell, whitespace, or a "nothing here" placeholder."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str):
        text = clean_text(value)
        return not text or is_placeholder(text)
    return False


def empty_mask(raw: np.ndarray) -> np.ndarray:
    """Vectorised :func:`is_empty_value`: decided once per distinct value, with pandas' string methods."""
    if len(raw) < 64:  # a worksheet function's single row: pandas' set-up would cost more than the work
        return np.fromiter((is_empty_value(v) for v in raw), bool, len(raw))
    factorized = _factorize(raw)
    if factorized is None:
        return _map_distinct(raw, is_empty_value, dtype=bool)
    codes, uniques = factorized
    is_str = np.fromiter((type(v) is str for v in uniques), bool, len(uniques))
    empty = np.zeros(len(uniques), dtype=bool)
    if not is_str.all():  # None, NaN, NaT among the other values
        empty[~is_str] = pd.isna(uniques[~is_str])
    if is_str.any():
        # A placeholder is short: only texts that short after stripping are lower-cased and looked up.
        longest = _PLACEHOLDER_LONGEST
        forms = _PLACEHOLDER_FORMS
        empty[is_str] = [
            not (t := v.strip()) or (len(t) <= longest and t.lower() in forms) for v in uniques[is_str].tolist()
        ]
    return empty[codes]


_PLACEHOLDER_FORMS = frozenset(PLACEHOLDERS | {unicodedata.normalize("NFKC", p) for p in PLACEHOLDERS})
_PLACEHOLDER_LONGEST = max(len(p) for p in _PLACEHOLDER_FORMS)
_LAST_FACTORIZED: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []


def _factorize(raw: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(codes, distinct values) of a column, or None when it holds booleans (True and 1 hash alike).

    A column is mapped several times in a row (empty mask, then its values), so the
    last factorization is kept and reused while the same array object comes back.
    """
    if _LAST_FACTORIZED and _LAST_FACTORIZED[0][0] is raw:
        return _LAST_FACTORIZED[0][1], _LAST_FACTORIZED[0][2]
    if not len(raw):
        return None
    codes, uniques = pd.factorize(np.asarray(raw, dtype=object), use_na_sentinel=False)
    uniques = np.asarray(uniques, dtype=object)
    if any(type(u) is bool for u in uniques):  # a True may stand for a 1 (or the reverse): not exact
        return None
    _LAST_FACTORIZED[:] = [(raw, codes, uniques)]
    return codes, uniques


def _map_distinct(raw: np.ndarray, fn: Callable[[object], Any], dtype: Any = object) -> np.ndarray:
    """Apply ``fn`` once per distinct value of ``raw``, broadcasting results to every row.

    pandas' hash-based factorize finds the distinct values in C; only a column
    holding booleans (True and 1 hash alike) takes the exact, slower path.
    """
    factorized = _factorize(raw)
    if factorized is not None:
        codes, uniques = factorized
        mapped = np.empty(len(uniques), dtype=dtype)
        for k, u in enumerate(uniques):
            mapped[k] = fn(u)
        return mapped[codes]
    out = np.empty(len(raw), dtype=dtype)
    cache: dict[Any, Any] = {}
    for i, v in enumerate(raw):
        key = (type(v), v) if isinstance(v, (int, float, str, bool, dt.date)) or v is None else id(v)
        try:
            out[i] = cache[key]
        except KeyError:
            out[i] = cache[key] = fn(v)
    return out


# ---------------------------------------------------------------- text-like
def _text(raw: np.ndarray, empty: np.ndarray, *, person: bool = False) -> Normalised:
    def conv(v: object) -> str:
        if v is None:
            return ""
        if isinstance(v, dt.datetime | dt.date):
            return v.isoformat()[:10]
        t = clean_text(v)
        return squeeze(t) if person else t

    values = _map_distinct(raw, conv)
    values[empty] = ""  # placeholders ("/", "无") read as empty text
    return Normalised(values, empty, np.zeros(len(raw), dtype=bool))


# ---------------------------------------------------------------- numbers
_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "贰": 2,
    "两": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
_CN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


def chinese_number(text: str) -> float | None:
    """Value of a Chinese numeral such as "伍万" or "一千二百" (integers below 10^12)."""
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_UNITS and ch not in "万亿" for ch in text):
        return None
    total, section, digit = 0, 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (digit or 1) * _CN_UNITS[ch]
            digit = 0
        else:  # 万 / 亿
            section += digit
            total += section * (10_000 if ch == "万" else 100_000_000)
            section, digit = 0, 0
    return float(total + section + digit)


def parse_number(value: object, *, unit: str | None = None) -> float | None:
    """A number from a cell: numbers, "1,200", "5万", "5万元", "伍万元", "10%".

    Money is returned in the column's unit: with ``unit="wan"`` "5万" is 5.0, with
    ``unit="yuan"`` (or no unit) it is 50000.0. Returns NaN-free ``None`` when the
    cell holds no number.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return None if isinstance(value, float) and math.isnan(value) else float(value)
    text = squeeze(clean_text(value)).replace(",", "").replace("，", "")
    if not text:
        return None
    scale = 1.0
    if text.endswith("%"):
        text, scale = text[:-1], 0.01 if unit != "percent" else 1.0
    for suffix in ("万元", "万"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
            scale = 1.0 if unit == "wan" else 10_000.0
            break
    else:
        if text.endswith("元") and unit == "wan":  # "50000元" typed into a 万元 column
            text, scale = text[:-1], 0.0001
        for suffix in ("元", "平方米", "㎡", "m2", "亩", "人", "户", "个月", "月", "年", "天", "岁", "口"):
            if text.endswith(suffix):
                text = text[: -len(suffix)]
                break
    if _NUMBER.match(text):
        return float(text) * scale
    cn = chinese_number(text)
    return None if cn is None else cn * scale


def _number(raw: np.ndarray, empty: np.ndarray, unit: str | None) -> Normalised:
    parsed = _map_distinct(raw, lambda v: parse_number(v, unit=unit))
    bad = np.array([p is None for p in parsed], dtype=bool) & ~empty
    values = np.array([np.nan if p is None else p for p in parsed], dtype=float)
    return Normalised(values, empty, bad)


# ---------------------------------------------------------------- booleans
_TRUE = frozenset({"是", "有", "√", "✓", "✔", "☑", "■", "y", "yes", "1", "对", "已", "true", "是的", "有的"})
_FALSE = frozenset({"否", "无", "×", "✗", "✘", "☐", "□", "n", "no", "0", "不是", "没有", "未", "false", "x"})


def parse_bool(value: object) -> bool | None:
    """True/False for the many ways staff write yes and no; None when neither."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = squeeze(clean_text(value)).lower()
    if not text:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if text.startswith(("未", "没", "不", "无")):
        return False
    if text.startswith(("已", "是", "有")):
        return True
    return None


def _yes_no(raw: np.ndarray, empty: np.ndarray) -> Normalised:
    # "无" is a placeholder elsewhere but a real "no" here.
    parsed = _map_distinct(raw, parse_bool)
    has_answer = np.array([p is not None for p in parsed], dtype=bool)
    empty = empty & ~has_answer
    bad = ~has_answer & ~empty
    return Normalised(parsed, empty, bad)


# ---------------------------------------------------------------- code lists
def _enum(raw: np.ndarray, empty: np.ndarray, codes: CodeList) -> Normalised:
    def conv(v: object) -> str | None:
        if is_empty_value(v):
            return None
        hit = codes.lookup(v)
        if hit is not None:
            return hit.value
        return clean_text(v) if codes.open else None

    values = _map_distinct(raw, conv)
    bad = np.array([v is None for v in values], dtype=bool) & ~empty
    extra: dict[str, Any] = {}
    if codes.open:
        extra["unlisted"] = _map_distinct(raw, lambda v: not is_empty_value(v) and codes.lookup(v) is None, bool)
    return Normalised(values, empty, bad, extra=extra)


def _multi_enum(raw: np.ndarray, empty: np.ndarray, codes: CodeList) -> Normalised:
    # Distinct cells are mostly new orders of the same few dozen items: look each item up once.
    looked_up: dict[str, CodeValue | None] = {}

    def lookup(item: str) -> CodeValue | None:
        if item not in looked_up:
            looked_up[item] = codes.lookup(item)
        return looked_up[item]

    def conv(v: object) -> tuple[tuple[str, ...], bool]:
        if is_empty_value(v):
            return (), False
        found: list[str] = []
        unknown = False
        text = clean_text(v)
        # A whole-cell match must be exact: a pattern would swallow "因病、缺资金" as one item.
        whole = codes.lookup_exact(text)
        items = [text] if whole is not None else codes.split(text)
        for item in items:
            hit = lookup(item)
            if hit is None:
                if codes.open:
                    found.append(item)
                else:
                    unknown = True
            elif hit.value not in found:
                found.append(hit.value)
        return tuple(found), unknown

    parsed = _map_distinct(raw, conv)
    values = np.empty(len(raw), dtype=object)
    values[:] = [p[0] for p in parsed]
    bad = np.array([p[1] for p in parsed], dtype=bool) & ~empty
    return Normalised(values, empty, bad, extra={"unknown_items": bad.copy()})


# ---------------------------------------------------------------- dates
def _date(raw: np.ndarray, empty: np.ndarray, ledger_year: int | None) -> Normalised:
    col = dates_mod.parse_date_column(list(raw), ledger_year=ledger_year)
    empty = empty | col.empty
    bad = col.unparsable & ~empty
    extra = {"last_days": col.last_days, "ambiguous": col.ambiguous, "precision": col.precision}
    return Normalised(col.dates, empty, bad, extra=extra)


def _year(raw: np.ndarray, empty: np.ndarray) -> Normalised:
    years = _map_distinct(raw, dates_mod.year_of)
    values = np.array([np.nan if y is None else float(y) for y in years], dtype=float)
    bad = np.isnan(values) & ~empty
    return Normalised(values, empty, bad)


def id_card_column(
    raw: np.ndarray, empty: np.ndarray, today: dt.date, disability_cert: np.ndarray | bool = False
) -> Normalised:
    """ID numbers; rows flagged ``disability_cert`` hold a 20-character 残疾人证 number instead."""
    analysis = idcard.analyse_ids(list(raw), today=today, disability_cert=disability_cert)
    empty = empty | analysis.empty
    bad = (
        analysis.stored_as_number
        | analysis.bad_length
        | analysis.bad_chars
        | analysis.bad_checksum
        | analysis.bad_birth
    ) & ~empty
    return Normalised(analysis.text, empty, bad, extra={"ids": analysis})


def normalise(
    f: FieldDef,
    raw: np.ndarray,
    *,
    codes: CodeList | None,
    unit: str | None,
    today: dt.date,
    ledger_year: int | None,
) -> Normalised:
    """Normalise one column according to its field definition."""
    empty = empty_mask(raw)
    match f.type:
        case "integer" | "number" | "money" | "percent":
            return _number(raw, empty, unit)
        case "date":
            return _date(raw, empty, ledger_year)
        case "deadline":
            # Deadlines need the found dates of the same rows; the table builder
            # finishes them (see LedgerTable._finish_deadlines).
            return Normalised(raw, empty, np.zeros(len(raw), dtype=bool))
        case "year":
            return _year(raw, empty)
        case "enum":
            assert codes is not None
            return _enum(raw, empty, codes)
        case "multi_enum":
            assert codes is not None
            return _multi_enum(raw, empty, codes)
        case "yes_no":
            return _yes_no(raw, empty)
        case "id_card":
            return id_card_column(raw, empty, today)
        case "person":
            return _text(raw, empty, person=True)
        case _:
            return _text(raw, empty)


def deadline_column(
    raw: np.ndarray,
    empty: np.ndarray,
    found: np.ndarray | None,
    *,
    ledger_year: int | None,
    immediate_days: int,
) -> Normalised:
    """Deadlines: a date, or 立行立改 (found date + N days), or 长期坚持 (none)."""
    col = dates_mod.parse_deadline_column(
        list(raw), found_dates=found, ledger_year=ledger_year, immediate_days=immediate_days
    )
    empty = empty | col.empty
    bad = col.unparsable & ~empty
    return Normalised(col.dates, empty, bad, extra={"kind": col.kind})
