"""Dates and deadlines as county staff type them into ledgers (domain.md §6.3).

A date column of a real ledger holds true date cells next to Excel serials that
lost their format, text in a dozen spellings ("2024.5.12", "2024年5月12号",
"二〇二四年五月十二日", "5/12/2024"), month-only values ("2024.5" typed as a number),
ranges ("2024.5.1—2024.5.31") and words ("立行立改", "6月底前", "三季度"). Rules
compare days, so everything is turned into :class:`datetime.date` here, once, and
what we had to assume (a missing year, a US day order, 2024.1 that may mean October)
is carried along as ``ambiguous``/``note`` instead of being guessed silently.

Nothing here raises for bad data: an empty cell gives ``None``, a value that is not
a date gives :data:`UNPARSABLE` (or a :class:`Deadline` of kind ``UNPARSABLE``).
The ``*_column`` helpers parse each distinct value once and return numpy arrays,
because a column has 100 000 rows but only a few hundred different values.
"""

from __future__ import annotations

import calendar
import datetime
import math
import numbers
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from addin.ledger._chinese_numerals import arabic_numerals
from addin.ledger.text import is_placeholder

__all__ = [
    "UNPARSABLE", "DateColumn", "DateValue", "Deadline", "DeadlineColumn", "DeadlineKind", "Precision",
    "parse_date", "parse_date_column", "parse_deadline", "parse_deadline_column", "year_of",
]  # fmt: skip

MIN_YEAR, MAX_YEAR = 1900, 2100
"""Years outside this window are typing errors (or serials read as years), not dates."""


class Precision(StrEnum):
    """How much of the date the cell gave; month-precision values are compared at month level."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"


@dataclass(frozen=True, slots=True)
class DateValue:
    """A parsed date cell.

    ``date`` is the first day of the period for MONTH/YEAR precision, so sorting works;
    :attr:`last_day` is what a deadline means. ``inferred_year`` is set when the cell had
    no year and the ledger year was used, so the caller can warn about future dates.
    """

    date: datetime.date | None
    precision: Precision
    ambiguous: bool = False
    note: str = ""
    inferred_year: bool = False

    @property
    def last_day(self) -> datetime.date | None:
        """The last day of the period the value names ("2024年5月" → 2024-05-31)."""
        d = self.date
        if d is None or self.precision is Precision.DAY:
            return d
        if self.precision is Precision.MONTH:
            return d.replace(day=calendar.monthrange(d.year, d.month)[1])
        return d.replace(month=12, day=31)


UNPARSABLE = DateValue(None, Precision.DAY)
"""Returned for a non-empty value that is not a date; test with ``result is UNPARSABLE``."""

_Parts = tuple[int | None, int | None, int | None]  # year, month, day as written

_TIME = re.compile(r"(?:T|\s+)\d{1,2}:\d{1,2}(?::\d{1,2}(?:\.\d+)?)?\s*(?:[AaPp][Mm])?$")
_SPACES = re.compile(r"\s+")
_TRAILING_PUNCT = re.compile(r"[,.;:!?，。；：、！？]+$")
_US = re.compile(r"(\d{1,2})([-./])(\d{1,2})\2(\d{4})")
_YMD = re.compile(r"(\d{4}|\d{2})([-./])(\d{1,2})\2(\d{1,2})[日号]?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})?")
_YM = re.compile(r"(\d{4})[-./](\d{1,2})月?")
_MD = re.compile(r"(\d{1,2})[-./](\d{1,2})[日号]?")
_CHINESE = re.compile(r"(?:(\d{4}|\d{2})年)?(?:(\d{1,2})月份?)?(?:(\d{1,2})[日号]?)?")
_YEAR = re.compile(r"(\d{4})(?:年度)?")
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")
_RANGE_SEP = re.compile(r"—+|―+|–|~|〜|至|到")


def _normalise(text: str) -> str:
    """Half-width, no time of day, no spaces, no trailing punctuation, Arabic digits."""
    s = _TIME.sub("", unicodedata.normalize("NFKC", text).strip())
    return arabic_numerals(_TRAILING_PUNCT.sub("", _SPACES.sub("", s)))


def _full_year(text: str) -> int:
    """Two-digit years: 00–69 → 20xx, 70–99 → 19xx (ledgers are 20xx, birth dates may be 19xx)."""
    y = int(text)
    if len(text) == 2:
        return 2000 + y if y < 70 else 1900 + y
    return y


def _parts(s: str) -> tuple[_Parts, bool, str] | None:
    """Year/month/day as written in one (non-range) normalised text, plus ambiguity and note."""
    if m := _US.fullmatch(s):
        a, b, y = int(m[1]), int(m[3]), int(m[4])
        if a > 12:  # 13/5/2024 can only be day first
            return (y, b, a), False, ""
        if b <= 12 and a != b:
            return (y, a, b), True, f"按“月/日/年”理解为{y}年{a}月{b}日，也可能是{y}年{b}月{a}日"
        return (y, a, b), False, ""
    if m := _YMD.fullmatch(s):
        return (_full_year(m[1]), int(m[3]), int(m[4])), False, ""
    if m := _COMPACT.fullmatch(s):
        return (int(m[1]), int(m[2]), int(m[3]) if m[3] else None), False, ""
    if m := _YM.fullmatch(s):
        return (int(m[1]), int(m[2]), None), False, ""
    if m := _MD.fullmatch(s):
        return (None, int(m[1]), int(m[2])), False, ""
    if (m := _CHINESE.fullmatch(s)) and m.group(0):
        return (_full_year(m[1]) if m[1] else None, int(m[2]) if m[2] else None,
                int(m[3]) if m[3] else None), False, ""  # fmt: skip
    if m := _YEAR.fullmatch(s):
        return (int(m[1]), None, None), False, ""
    return None


def _to_value(parts: _Parts, ledger_year: int | None, ambiguous: bool = False, note: str = "") -> DateValue:
    """Check the parts against the calendar and fill a missing year from the ledger year."""
    year, month, day = parts
    if month is None and day is not None:  # "2024年12" or a bare day
        return UNPARSABLE
    inferred = year is None
    if inferred:
        if ledger_year is None:
            return UNPARSABLE
        year = ledger_year
        note = note or f"未写年份，按{year}年理解"
    if not MIN_YEAR <= year <= MAX_YEAR:
        return UNPARSABLE
    try:
        d = datetime.date(year, 1 if month is None else month, 1 if day is None else day)
    except ValueError:  # 2024-02-30, month 13
        return UNPARSABLE
    precision = Precision.DAY if day is not None else Precision.MONTH if month is not None else Precision.YEAR
    return DateValue(d, precision, ambiguous, note, inferred)


def _range(s: str, ledger_year: int | None) -> DateValue:
    """A period "start—end": the END date, because a range in a date column is a time limit.

    "-" is both a date separator and a range dash, so a hyphen only splits where both
    sides name a month, or both name a day ("2024-05-01-2024-05-31", "2024.5.1-31").
    The end inherits a missing year and month from the start ("5月1日至31日").
    """
    pieces = _RANGE_SEP.split(s)
    if len(pieces) == 2:
        candidates, hyphen = [pieces], False
    elif len(pieces) == 1:
        candidates, hyphen = [(s[:i], s[i + 1 :]) for i, c in enumerate(s) if c == "-"], True
    else:
        return UNPARSABLE
    for left, right in candidates:
        lp, rp = _parts(left), _parts(right)
        if lp is None or rp is None:
            continue
        (ly, lm, ld), (ry, rm, rd) = lp[0], rp[0]
        if hyphen and not ((lm and rm) or (ld and rd)):
            continue
        start = _to_value(lp[0], ledger_year)
        end = _to_value((ry if ry is not None else ly, rm if rm is not None else lm, rd), ledger_year)
        if start.date is None or end.date is None:
            continue
        reversed_ = start.date > end.last_day
        notes = ["日期区间，取结束日期", "结束早于开始，请核对" if reversed_ else "", rp[2], end.note]
        note = "；".join(n for n in notes if n)
        ambiguous = lp[1] or rp[1] or reversed_
        return DateValue(end.date, end.precision, ambiguous, note, end.inferred_year)
    return UNPARSABLE


def _serial(n: int, date1904: bool) -> DateValue:
    """An Excel serial day number; Excel's fictitious 1900-02-29 (serial 60) is not a date."""
    if date1904:
        base = datetime.date(1904, 1, 1) if n >= 0 else None
    elif n >= 61:
        base = datetime.date(1899, 12, 30)
    else:
        base = datetime.date(1899, 12, 31) if 1 <= n <= 59 else None
    if base is None or n > 2_958_465:  # 9999-12-31, Excel's last date
        return UNPARSABLE
    d = base + datetime.timedelta(days=n)
    return DateValue(d, Precision.DAY) if MIN_YEAR <= d.year <= MAX_YEAR else UNPARSABLE


def _from_number(x: float, ledger_year: int | None, date1904: bool) -> DateValue:
    """A number in a date cell: a serial, or what the user typed that Excel stored as a number."""
    if not math.isfinite(x):
        return UNPARSABLE
    if x.is_integer():
        n = int(x)
        if 19000101 <= n <= 21001231:  # 20240512
            return _to_value((n // 10000, n // 100 % 100, n % 100), None)
        if 190001 <= n <= 210012:  # 202405
            return _to_value((n // 100, n % 100, None), None)
        if MIN_YEAR <= n <= MAX_YEAR:  # a year typed into a date cell; as a serial it would be 1905
            return DateValue(datetime.date(n, 1, 1), Precision.YEAR, note=f"数值{n}按年份理解")
        return _serial(n, date1904)
    text = repr(x)
    whole, _, frac = text.partition(".")
    if "e" not in text and len(frac) <= 2 and MIN_YEAR <= int(whole) <= MAX_YEAR:  # 2024.5 → May 2024
        if frac == "1":
            note = f"数值{text}可能是{whole}年1月，也可能是{whole}年10月（“{whole}.10”存成了{text}）"
            return _to_value((int(whole), 1, None), None, True, note)
        return _to_value((int(whole), int(frac), None), None)
    if MIN_YEAR <= x < MAX_YEAR + 1:
        return UNPARSABLE  # 2024.123: neither year.month nor a plausible serial
    if "e" not in text and len(frac) <= 2 and 1 <= int(whole) <= 12:  # 5.12 → 12 May of the ledger year
        month, day = int(whole), int(frac)
        value = _to_value((None, month, day), ledger_year)
        if value.date and len(frac) == 1 and day * 10 <= calendar.monthrange(value.date.year, month)[1]:
            note = f"数值{text}按{month}月{day}日理解，也可能是{month}月{day * 10}日；{value.note}"
            return DateValue(value.date, value.precision, True, note, value.inferred_year)
        return value
    return _serial(math.floor(x), date1904)  # a serial with a time of day


def _from_text(s: str, ledger_year: int | None, date1904: bool, serial_text: bool) -> DateValue:
    """A normalised, non-empty text."""
    if _SERIAL.fullmatch(s):
        n = float(s)
        return _serial(math.floor(n), date1904) if serial_text and 20_000 < n < 80_000 else UNPARSABLE
    parsed = _parts(s)
    if parsed is not None:
        return _to_value(parsed[0], ledger_year, parsed[1], parsed[2])
    return _range(s, ledger_year)


def parse_date(
    value: object, *, ledger_year: int | None = None, date1904: bool = False, serial_text: bool = True
) -> DateValue | None:
    """Turn a date cell into a :class:`DateValue`; ``None`` for an empty cell.

    ``ledger_year`` completes values without a year ("5月12日"); without it they are
    UNPARSABLE. ``date1904`` selects the Mac 1904 date system for serials.
    ``serial_text`` allows "45424" typed as text to be read as a serial (only in
    20 000–80 000), which is right for a known date column and wrong elsewhere.
    A range ("2024.5.1—2024.5.31") gives its END date. Times of day are dropped.
    """
    if value is None:
        return None
    if isinstance(value, datetime.date):  # datetime.datetime and pandas.Timestamp included
        if value != value:  # pandas.NaT
            return None
        day = value.date() if isinstance(value, datetime.datetime) else value
        return DateValue(day, Precision.DAY) if MIN_YEAR <= day.year <= MAX_YEAR else UNPARSABLE
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else parse_date(value.astype("datetime64[D]").item())
    if isinstance(value, bool):
        return UNPARSABLE
    if isinstance(value, numbers.Real):
        x = float(value)
        return None if math.isnan(x) else _from_number(x, ledger_year, date1904)
    if not isinstance(value, str):
        return UNPARSABLE
    s = _normalise(value)
    if not s or is_placeholder(s):
        return None
    return _from_text(s, ledger_year, date1904, serial_text)


def year_of(value: object, *, date1904: bool = False) -> int | None:
    """The year in a "年度"/"年份" cell: 2014, 2014.0, "2014年度", "2014年12月", a date → 2014."""
    parsed = parse_date(value, date1904=date1904, serial_text=False)
    return parsed.date.year if parsed is not None and parsed.date is not None else None


# ---------------------------------------------------------------- deadlines


class DeadlineKind(StrEnum):
    """What a 整改时限 cell says: a day, "at once", "no end", a status word, or nothing usable."""

    DATE = "date"
    IMMEDIATE = "immediate"
    LONG_TERM = "long_term"
    STATUS_TEXT = "status_text"
    UNPARSABLE = "unparsable"


@dataclass(frozen=True, slots=True)
class Deadline:
    """A parsed 整改时限: ``date`` is the last day by which rectification is due."""

    kind: DeadlineKind
    date: datetime.date | None
    keyword: str = ""
    ambiguous: bool = False
    note: str = ""


_IMMEDIATE_WORDS = ("立行立改", "即知即改", "立即整改", "立查立改", "边查边改")
_LONG_TERM_WORDS = ("长期坚持", "长期", "持续推进", "持续整改", "常态化", "常态化推进", "长期整改", "持续")
_STATUS_WORDS = frozenset({"已完成", "完成", "已整改", "已整改到位", "整改到位", "整改完成", "已完成整改",
                           "已销号", "销号", "已办结", "办结"})  # fmt: skip
_KEYWORD_KIND = {w: DeadlineKind.IMMEDIATE for w in _IMMEDIATE_WORDS} | {
    w: DeadlineKind.LONG_TERM for w in _LONG_TERM_WORDS
}
_KEYWORD = re.compile("|".join(sorted(_KEYWORD_KIND, key=len, reverse=True)))
_LEAD = re.compile(r"^(?:截至|截止到?|到|于|在|计划|预计)")
_TAIL = re.compile(r"(?:之前|以前|前|为止|止)?(?:全面|全部)?(?:整改)?(?:完成|到位|办结|销号)?(?:整改)?$")
_YEAR_PREFIX = r"(?:(\d{4}|\d{2})年|[本今当]年)?"
_MONTH_PART = re.compile(_YEAR_PREFIX + r"(\d{1,2})月份?(底|末|上旬|中旬|下旬)")
_YEAR_END = re.compile(r"(?:(\d{4}|\d{2})|[本今当])?年(?:底|末|内|度)")
_QUARTER = re.compile(_YEAR_PREFIX + r"第?([1-4])季度?(?:末|底)?")
_HALF = re.compile(_YEAR_PREFIX + r"([上下])半年(?:末|底)?")
_NO_DEADLINE = Deadline(DeadlineKind.UNPARSABLE, None)


def _deadline_core(s: str) -> str:
    """The date part of a deadline text: "截至2024年6月底前完成" → "2024年6月底"."""
    return _TRAILING_PUNCT.sub("", _TAIL.sub("", _LEAD.sub("", s), count=1))


def _period_end(core: str, ledger_year: int | None) -> Deadline | None:
    """Deadlines that name a part of a year: "6月底", "5月中旬", "年底", "三季度", "上半年"."""
    month = day = 0  # day 0 = last day of the month
    if m := _MONTH_PART.fullmatch(core):
        month, day = int(m[2]), {"上旬": 10, "中旬": 20}.get(m[3], 0)
    elif m := _YEAR_END.fullmatch(core):
        month = 12
    elif m := _QUARTER.fullmatch(core):
        month = int(m[2]) * 3
    elif m := _HALF.fullmatch(core):
        month = 6 if m[2] == "上" else 12
    else:
        return None
    year = _full_year(m[1]) if m[1] else ledger_year
    if year is None:
        return Deadline(DeadlineKind.UNPARSABLE, None, note="未写年份，台账年度也未知")
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
        return _NO_DEADLINE
    due = datetime.date(year, month, day or calendar.monthrange(year, month)[1])
    return Deadline(DeadlineKind.DATE, due, note="" if m[1] else f"未写年份，按{year}年理解")


def parse_deadline(
    value: object,
    *,
    found_date: datetime.date | None = None,
    ledger_year: int | None = None,
    immediate_days: int = 7,
    date1904: bool = False,
) -> Deadline | None:
    """Turn a 整改时限 cell into a :class:`Deadline`; ``None`` for an empty cell.

    Keywords: 立行立改 and the like → IMMEDIATE, due ``found_date + immediate_days``
    (date ``None`` when the found date is unknown); 长期坚持/常态化/… → LONG_TERM;
    "已完成" written where a date belongs → STATUS_TEXT (the caller moves it to the
    status). Periods mean their last day ("5月底前" → 31 May, "三季度" → 30 Sep,
    "年底前" → 31 Dec of the ledger year); ranges mean their end.
    """
    if not isinstance(value, str):
        parsed = parse_date(value, ledger_year=ledger_year, date1904=date1904)
        if parsed is None:
            return None
        if parsed.date is None:
            return _NO_DEADLINE
        return Deadline(DeadlineKind.DATE, parsed.last_day, "", parsed.ambiguous, parsed.note)
    s = _normalise(value)
    if not s or is_placeholder(s):
        return None
    if s in _STATUS_WORDS:
        return Deadline(DeadlineKind.STATUS_TEXT, None, keyword=s, note="时限栏填写的是整改状态，不是日期")
    keyword = s if s in _KEYWORD_KIND else ""
    if not keyword:
        core = _deadline_core(s)
        period = _period_end(core, ledger_year) if core else None
        if period is not None:
            return period
        parsed = _from_text(core, ledger_year, date1904, serial_text=True) if core else UNPARSABLE
        if parsed.date is not None:
            return Deadline(DeadlineKind.DATE, parsed.last_day, "", parsed.ambiguous, parsed.note)
        found = _KEYWORD.search(s)
        if found is None:
            return _NO_DEADLINE
        keyword = found.group()
    if _KEYWORD_KIND[keyword] is DeadlineKind.LONG_TERM:
        return Deadline(DeadlineKind.LONG_TERM, None, keyword)
    if found_date is None:
        return Deadline(DeadlineKind.IMMEDIATE, None, keyword, note="发现时间未知，无法推算立行立改的时限")
    return Deadline(DeadlineKind.IMMEDIATE, found_date + datetime.timedelta(days=immediate_days), keyword)


# ---------------------------------------------------------------- columns


@dataclass(frozen=True, slots=True)
class DateColumn:
    """A parsed date column; every array has one entry per input row."""

    dates: np.ndarray  # datetime64[D]; NaT where empty or unparsable; first day for MONTH/YEAR
    last_days: np.ndarray  # datetime64[D]; end of the period (== dates for DAY precision)
    empty: np.ndarray  # bool
    unparsable: np.ndarray  # bool: not empty and not a date
    ambiguous: np.ndarray  # bool
    precision: np.ndarray  # object: Precision, or None where there is no date


@dataclass(frozen=True, slots=True)
class DeadlineColumn:
    """A parsed 整改时限 column; every array has one entry per input row."""

    dates: np.ndarray  # datetime64[D]; NaT for LONG_TERM, STATUS_TEXT, UNPARSABLE, empty
    kind: np.ndarray  # object: DeadlineKind, or None where empty
    empty: np.ndarray  # bool
    unparsable: np.ndarray  # bool: kind is UNPARSABLE
    ambiguous: np.ndarray  # bool


def _distinct(values: Iterable[object]) -> tuple[list[object], np.ndarray]:
    """The distinct values and, per row, the index of its value among them.

    Keys include the type so that True and 1, or "1" and 1, stay apart.
    """
    index: dict[object, int] = {}
    distinct: list[object] = []
    codes: list[int] = []
    for v in values:
        try:
            key: object = (v.__class__, v)
            code = index.get(key)
        except TypeError:  # unhashable: parse it on its own
            key = (v.__class__, id(v))
            code = index.get(key)
        if code is None:
            code = index[key] = len(distinct)
            distinct.append(v)
        codes.append(code)
    return distinct, np.asarray(codes, dtype=np.intp)


def _nat(n: int) -> np.ndarray:
    return np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")


def parse_date_column(
    values: Iterable[object],
    *,
    ledger_year: int | None = None,
    date1904: bool = False,
    serial_text: bool = True,
) -> DateColumn:
    """:func:`parse_date` over a whole column, parsing each distinct value once."""
    distinct, codes = _distinct(values)
    k = len(distinct)
    dates, last_days, precision = _nat(k), _nat(k), np.full(k, None, dtype=object)
    empty, unparsable, ambiguous = np.zeros(k, bool), np.zeros(k, bool), np.zeros(k, bool)
    for i, v in enumerate(distinct):
        parsed = parse_date(v, ledger_year=ledger_year, date1904=date1904, serial_text=serial_text)
        if parsed is None:
            empty[i] = True
        elif parsed.date is None:
            unparsable[i] = True
        else:
            dates[i], last_days[i] = parsed.date, parsed.last_day
            ambiguous[i], precision[i] = parsed.ambiguous, parsed.precision
    return DateColumn(dates[codes], last_days[codes], empty[codes], unparsable[codes], ambiguous[codes],
                      precision[codes])  # fmt: skip


def _as_days(values: object, n: int) -> np.ndarray:
    """Found dates as datetime64[D]: from a datetime64 array, or objects (date, None, NaT)."""
    arr = np.asarray(values)
    if arr.shape != (n,):
        raise ValueError(f"found_dates has shape {arr.shape}, the deadline column has {n} rows")
    if arr.dtype.kind == "M":
        return arr.astype("datetime64[D]")
    out = _nat(n)
    for i, v in enumerate(arr):
        parsed = parse_date(v, serial_text=False)
        if parsed is not None and parsed.date is not None:
            out[i] = parsed.date
    return out


def parse_deadline_column(
    values: Iterable[object],
    *,
    found_dates: np.ndarray | None = None,
    ledger_year: int | None = None,
    immediate_days: int = 7,
    date1904: bool = False,
) -> DeadlineColumn:
    """:func:`parse_deadline` over a whole column, parsing each distinct value once.

    Only the value → kind/date part is cached; IMMEDIATE rows get their own
    ``found_dates[i] + immediate_days`` (NaT when the found date is NaT or not given).
    """
    distinct, codes = _distinct(values)
    k = len(distinct)
    dates, kind = _nat(k), np.full(k, None, dtype=object)
    empty, ambiguous = np.zeros(k, bool), np.zeros(k, bool)
    for i, v in enumerate(distinct):
        parsed = parse_deadline(v, ledger_year=ledger_year, date1904=date1904)
        if parsed is None:
            empty[i] = True
            continue
        kind[i], ambiguous[i] = parsed.kind, parsed.ambiguous
        if parsed.date is not None:
            dates[i] = parsed.date
    row_kind, row_dates = kind[codes], dates[codes]
    immediate = row_kind == DeadlineKind.IMMEDIATE
    if found_dates is not None and immediate.any():
        found = _as_days(found_dates, len(codes))
        row_dates[immediate] = found[immediate] + np.timedelta64(immediate_days, "D")
    return DeadlineColumn(row_dates, row_kind, empty[codes], row_kind == DeadlineKind.UNPARSABLE,
                          ambiguous[codes])  # fmt: skip
