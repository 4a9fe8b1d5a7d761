"""Chinese citizen ID numbers (GB 11643-1999): normalisation, derived facts, problems.

An 18-character ID is 6 address digits (the first two are the province), 8 birth
digits (yyyymmdd), 3 sequence digits (the last one odd for men, even for women) and
an ISO 7064 MOD 11-2 check character ("X" stands for 10). Old 15-digit IDs carry a
6-digit birth date (yymmdd, 19yy) and no check character.

IDs stay text from the cell to the report. A cell Excel stored as a number has lost
the last digits of an 18-digit ID (15 significant digits), so such a value is
rendered in Excel's own scientific form ("4.11523199001011E+17") and is never turned
back into digits that could pass as an ID.

Precedence of the problems of one value (``problems`` and ``analyse_ids`` agree):

1. Empty text: no problem (the required-field rules own emptiness).
2. ``STORED_AS_NUMBER`` (ALL-06) alone: the digits are Excel's, not the person's,
   so every other finding would be a consequence of the corruption.
3. Length. An ID must have 18 characters; 15 digits are an old ID (``OLD_15``);
   any other length, 15 characters that are not all digits included, is
   ``BAD_LENGTH`` alone. When the caller says a row holds a disability
   certificate (残疾人证, 20 characters = ID + category + grade) only 20 is
   accepted, there is no ``OLD_15``, and the ID checks below run on its first 18
   characters (the category/grade digits are ID-12's business, not this module's).
4. ``BAD_CHARS`` (ID-02) alone when 18 characters do not match ``\\d{17}[\\dX]``
   (20 for a certificate: ``\\d{17}[\\dX]\\d{2}``): checksum, date, placeholder and
   province findings on a malformed value would only restate that it is malformed.
5. A well-formed value gets every independent check that applies:
   ``BAD_CHECKSUM`` (18 only), ``BAD_BIRTH``, ``PLACEHOLDER``, ``BAD_PROVINCE``;
   a 15-digit old ID gets ``OLD_15`` plus the last three.

Problems come back in the declaration order of ``IdProblem``.

Sex and birth date are facts of the digits of a well-formed value, checksum and
plausibility aside: sex is always known, the birth date whenever its digits are a
real calendar date (a future date is known, and flagged ``BAD_BIRTH``). Callers that
compare them with other columns decide whether to trust rows with problems.
"""

from __future__ import annotations

import datetime as dt
import numbers
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import repeat

import numpy as np
import pandas as pd

__all__ = [
    "PROVINCE_CODES",
    "IdAnalysis",
    "IdProblem",
    "IdText",
    "age_on",
    "analyse_ids",
    "birth_date",
    "check_digit",
    "normalise_id_text",
    "problems",
    "sex",
    "upgrade_15_to_18",
]

PROVINCE_CODES: frozenset[str] = frozenset(
    str(code)
    for code in (
        *range(11, 16),
        *range(21, 24),
        *range(31, 38),
        *range(41, 47),
        *range(50, 55),
        *range(61, 66),
        71,
        81,
        82,
    )
)
"""First two digits of a valid address code (GB/T 2260 provinces, Taiwan, Hong Kong, Macao)."""

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_MIN_BIRTH = dt.date(1900, 1, 1)
_MAX_AGE = 120
_MALE, _FEMALE = "男", "女"

# ASCII only: \d would also accept Arabic-Indic and other Unicode digits.
_DIGITS = re.compile(r"[0-9]+")
_ID18 = re.compile(r"[0-9]{17}[0-9X]")
_CERT20 = re.compile(r"[0-9]{17}[0-9X][0-9]{2}")
_PLACEHOLDER = re.compile(r"99999|([0-9])\1{7}")
# Whitespace (NFKC has already turned U+3000 into a space), apostrophes typed to force
# text ("'411…"), and the invisible characters that come with text pasted from the web.
_NOISE = re.compile(r"[\s'‘’`\u200b\u200c\u200d\u2060\ufeff]+")
_SCIENTIFIC = re.compile(r"[eE]\+")
_TRAILING_ZERO_DECIMAL = re.compile(r"\.0+$")


class IdProblem(StrEnum):
    """One value per ID rule; the Chinese messages live in the rule catalogue."""

    STORED_AS_NUMBER = "stored_as_number"  # ALL-06
    BAD_LENGTH = "bad_length"  # ID-01
    BAD_CHARS = "bad_chars"  # ID-02
    BAD_CHECKSUM = "bad_checksum"  # ID-03
    BAD_BIRTH = "bad_birth"  # ID-04
    PLACEHOLDER = "placeholder"  # ID-07
    OLD_15 = "old_15"  # ID-10
    BAD_PROVINCE = "bad_province"  # ID-11


@dataclass(frozen=True, slots=True)
class IdText:
    """A cell value as ID text, and whether Excel held it as a number (ALL-06)."""

    text: str
    stored_as_number: bool


# ---------------------------------------------------------------- single values


def check_digit(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits of an ID.

    Raises ``ValueError`` for anything but 17 ASCII digits: that is a program error,
    data problems are reported by ``problems``.
    """
    if len(first17) != 17 or not _DIGITS.fullmatch(first17):
        raise ValueError(f"check_digit needs 17 digits, got {first17!r}")
    return _CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def upgrade_15_to_18(id15: str) -> str:
    """The 18-digit form of an old 15-digit ID: "19" before the yymmdd birth date, plus a check digit.

    Raises ``ValueError`` for anything but 15 ASCII digits.
    """
    if len(id15) != 15 or not _DIGITS.fullmatch(id15):
        raise ValueError(f"upgrade_15_to_18 needs 15 digits, got {id15!r}")
    first17 = id15[:6] + "19" + id15[6:]
    return first17 + check_digit(first17)


def _number_text(value: numbers.Real) -> str:
    """A number as Excel keeps and shows it: 15 significant digits, scientific from 12 digits up.

    Excel's General format shows numbers of 12 or more integer digits as "1.10105E+14";
    the "E+" keeps the text flagged when it goes through ``normalise_id_text`` again,
    so no ID-length number ever comes back as a digit string.
    """
    number = float(value)
    if abs(number) < 1e11:
        return format(number, ".15G")
    mantissa, exponent = format(number, ".14E").split("E")
    return f"{mantissa.rstrip('0').rstrip('.')}E{exponent}"


def _is_missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # array-likes: not a cell value we know
        return False


def normalise_id_text(value: object) -> IdText:
    """A cell value as comparable ID text: trimmed, half-width, no spaces or apostrophes, upper-case X.

    Numbers (int, float, numpy scalars) are ``stored_as_number`` and rendered as
    Excel keeps them, never as 18 digits. Text showing "E+" or a trailing ".0" is
    ``stored_as_number`` too: it was a number before somebody turned it into text.
    None, NaN, NaT and pd.NA give "". The function is idempotent on its own ``text``.
    """
    if value is None or isinstance(value, bool | np.bool_):
        return IdText("" if value is None else str(value), False)
    if isinstance(value, numbers.Real):
        if _is_missing(value):
            return IdText("", False)
        return IdText(_number_text(value), True)
    if not isinstance(value, str):
        if _is_missing(value):
            return IdText("", False)
        value = str(value)
    text = _NOISE.sub("", unicodedata.normalize("NFKC", value)).replace("x", "X")
    stored = bool(_SCIENTIFIC.search(text) or _TRAILING_ZERO_DECIMAL.search(text))
    return IdText(text, stored)


def _shape(text: str) -> str | None:
    """The normalised text when it is a well-formed 18- or 15-character ID, else None."""
    norm = normalise_id_text(text)
    if norm.stored_as_number:
        return None
    t = norm.text
    if (len(t) == 18 and _ID18.fullmatch(t)) or (len(t) == 15 and _DIGITS.fullmatch(t)):
        return t
    return None


def _date_parts(t: str) -> tuple[int, int, int]:
    """(year, month, day) digits of a well-formed 15-digit ID or 18-character ID/prefix."""
    if len(t) == 15:
        return 1900 + int(t[6:8]), int(t[8:10]), int(t[10:12])
    return int(t[6:10]), int(t[10:12]), int(t[12:14])


def _to_date(t: str) -> dt.date | None:
    try:
        return dt.date(*_date_parts(t))
    except ValueError:
        return None


def _full_years(born: dt.date, on: dt.date) -> int:
    # A 29 February birthday counts on 1 March in common years.
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def birth_date(text: str) -> dt.date | None:
    """Birth date in an 18- or 15-digit ID; None when malformed or not a calendar date."""
    t = _shape(text)
    return None if t is None else _to_date(t)


def sex(text: str) -> str | None:
    """Sex by the sequence digit (17th; 15th of an old ID): odd 男, even 女; None when malformed."""
    t = _shape(text)
    if t is None:
        return None
    return _MALE if int(t[14 if len(t) == 15 else 16]) % 2 else _FEMALE


def age_on(text: str, on: dt.date) -> int | None:
    """Full years of age on ``on``; None when the birth date is unknown or after ``on``."""
    born = birth_date(text)
    if born is None or born > on:
        return None
    return _full_years(born, on)


def _content_problems(t: str, today: dt.date) -> set[IdProblem]:
    """Birth and province checks of a well-formed 15-digit ID, 18-character ID or certificate prefix."""
    found: set[IdProblem] = set()
    born = _to_date(t)
    if born is None or born < _MIN_BIRTH or born > today or _full_years(born, today) > _MAX_AGE:
        found.add(IdProblem.BAD_BIRTH)
    if t[:2] not in PROVINCE_CODES:
        found.add(IdProblem.BAD_PROVINCE)
    return found


def problems(
    text: str, *, today: dt.date, stored_as_number: bool = False, disability_cert: bool = False
) -> list[IdProblem]:
    """Every ID rule the value breaks, with the precedence of the module docstring.

    ``text`` is normalised here (text that shows a number sets ``stored_as_number``);
    ``stored_as_number`` says the cell itself was numeric. ``disability_cert`` says
    the row holds a 20-character disability certificate instead of an ID.
    """
    norm = normalise_id_text(text)
    t = norm.text
    if not t:
        return []
    if stored_as_number or norm.stored_as_number:
        return [IdProblem.STORED_AS_NUMBER]
    found: set[IdProblem] = set()
    if disability_cert:
        if len(t) != 20:
            return [IdProblem.BAD_LENGTH]
        if not _CERT20.fullmatch(t):
            return [IdProblem.BAD_CHARS]
        id18 = t[:18]
    elif len(t) == 15 and _DIGITS.fullmatch(t):
        found.add(IdProblem.OLD_15)
        id18 = None
    elif len(t) != 18:
        return [IdProblem.BAD_LENGTH]
    elif not _ID18.fullmatch(t):
        return [IdProblem.BAD_CHARS]
    else:
        id18 = t
    if id18 is not None and check_digit(id18[:17]) != id18[17]:
        found.add(IdProblem.BAD_CHECKSUM)
    found |= _content_problems(id18 or t, today)
    if _PLACEHOLDER.search(t):
        found.add(IdProblem.PLACEHOLDER)
    return [p for p in IdProblem if p in found]


# ---------------------------------------------------------------- whole columns

_WIDTH = 20  # the longest value whose characters are inspected (a disability certificate)
_CHECK_CODES = np.array([ord(c) for c in _CHECK_CHARS], dtype=np.uint32)
_WEIGHT_VECTOR = np.array(_WEIGHTS, dtype=np.int32)
_PROVINCE_TABLE = np.zeros(100, dtype=bool)
_PROVINCE_TABLE[[int(c) for c in PROVINCE_CODES]] = True
_MONTH_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int32)
_ZERO, _NINE, _X = ord("0"), ord("9"), ord("X")


@dataclass
class IdAnalysis:
    """Facts and problem masks of a column of ID values, row-aligned with the input.

    The masks follow the precedence of the module docstring and agree with
    ``problems`` row by row; a mask's name is the value of its ``IdProblem``.
    """

    text: np.ndarray  # object: normalised text, "" when empty
    empty: np.ndarray
    stored_as_number: np.ndarray
    bad_length: np.ndarray
    bad_chars: np.ndarray
    bad_checksum: np.ndarray
    bad_birth: np.ndarray
    placeholder: np.ndarray
    old_15: np.ndarray
    bad_province: np.ndarray
    birth: np.ndarray  # datetime64[D], NaT when malformed or not a calendar date
    sex: np.ndarray  # object: "男" / "女" / None

    def mask(self, problem: IdProblem) -> np.ndarray:
        """The boolean mask of one problem."""
        return getattr(self, problem.value)

    def problems_at(self, row: int) -> list[IdProblem]:
        """The problems of one row, as ``problems`` lists them."""
        return [p for p in IdProblem if self.mask(p)[row]]

    def ages(self, on: dt.date) -> np.ndarray:
        """Full years on ``on`` as floats; NaN when the birth date is unknown or after ``on``."""
        out = np.full(len(self.birth), np.nan)
        known = ~np.isnat(self.birth) & (self.birth <= np.datetime64(on, "D"))
        born = self.birth[known]
        months = born.astype("datetime64[M]")
        year = months.astype(np.int64) // 12 + 1970
        month = months.astype(np.int64) % 12 + 1
        day = (born - months.astype("datetime64[D]")).astype(np.int64) + 1
        before_birthday = (on.month * 100 + on.day) < (month * 100 + day)
        out[known] = on.year - year - before_birthday
        return out

    def upgraded(self) -> np.ndarray:
        """The 18-digit form of every ``old_15`` row, "" elsewhere (ID-10's suggested number)."""
        out = np.full(len(self.text), "", dtype=object)
        rows = np.flatnonzero(self.old_15)
        out[rows] = [upgrade_15_to_18(t) for t in self.text[rows]]
        return out


def _code_points(texts: np.ndarray) -> np.ndarray:
    """(n, _WIDTH) uint32 code points of str objects no longer than _WIDTH, zero-padded."""
    return np.ascontiguousarray(texts.astype(f"U{_WIDTH}")).view(np.uint32).reshape(-1, _WIDTH)


def _lengths(texts: np.ndarray) -> np.ndarray:
    return np.fromiter(map(len, texts), dtype=np.intp, count=len(texts))


def _normalise_column(obj: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Normalised text and stored-as-number flags of a column.

    Text already made of ASCII digits and "X" (the common case) is its own
    normalisation and is taken as is after a numpy check; only the other values
    (numbers, full-width text, spaces, lower-case x, …) go through
    ``normalise_id_text`` one by one.
    """
    n = len(obj)
    text = np.full(n, "", dtype=object)
    stored = np.zeros(n, dtype=bool)
    missing = np.asarray(pd.isna(obj), dtype=bool)
    is_str = np.fromiter(map(isinstance, obj, repeat(str)), dtype=bool, count=n)
    lengths = np.zeros(n, dtype=np.intp)
    lengths[is_str] = _lengths(obj[is_str])
    short = np.flatnonzero(is_str & (lengths <= _WIDTH))
    cp = _code_points(obj[short])
    plain = (cp >= _ZERO) & (cp <= _NINE) | (cp == _X)
    beyond_end = np.arange(_WIDTH) >= lengths[short][:, None]
    clean = short[(plain | beyond_end).all(axis=1)]
    text[clean] = obj[clean]
    slow = ~missing
    slow[clean] = False
    for i in np.flatnonzero(slow):
        norm = normalise_id_text(obj[i])
        text[i] = norm.text
        stored[i] = norm.stored_as_number
    return text, stored


def _placeholder_mask(cp: np.ndarray, digit: np.ndarray) -> np.ndarray:
    """Rows with "99999" or a run of 8+ identical digits (ID-07)."""
    hit = np.zeros(len(cp), dtype=bool)
    run = np.zeros(len(cp), dtype=np.int16)
    for j in range(_WIDTH):
        same = digit[:, j] & (cp[:, j] == cp[:, j - 1]) if j else np.zeros(len(cp), dtype=bool)
        run = np.where(same, run + 1, digit[:, j].astype(np.int16))
        hit |= (run >= 8) | ((run >= 5) & (cp[:, j] == _NINE))
    return hit


def analyse_ids(
    values: Sequence[object],
    *,
    today: dt.date,
    disability_cert: bool | Sequence[bool] | np.ndarray = False,
) -> IdAnalysis:
    """Normalise and check a column of ID values at once (numpy over a digit matrix).

    ``today`` bounds birth dates (ID-04). ``disability_cert`` (one flag, or one per
    row, e.g. from a 证件类型 column) marks rows that hold 20-character disability
    certificates instead of IDs.
    """
    n = len(values)
    obj = np.empty(n, dtype=object)
    obj[:] = list(values)
    text, stored = _normalise_column(obj)
    cert = np.broadcast_to(np.asarray(disability_cert, dtype=bool), (n,))

    lengths = _lengths(text)
    empty = lengths == 0
    live = ~empty & ~stored
    cp = np.zeros((n, _WIDTH), dtype=np.uint32)
    short = np.flatnonzero(live & (lengths <= _WIDTH))
    cp[short] = _code_points(text[short])
    digit = (cp >= _ZERO) & (cp <= _NINE)
    d = np.where(digit, cp - _ZERO, 0).astype(np.uint8)

    head17 = digit[:, :17].all(axis=1) & (digit[:, 17] | (cp[:, 17] == _X))
    shape18 = (lengths == 18) & head17
    shape15 = (lengths == 15) & digit[:, :15].all(axis=1)
    shape20 = (lengths == 20) & head17 & digit[:, 18:20].all(axis=1)

    ids, certs = live & ~cert, live & cert
    old_15 = ids & shape15
    bad_length = (ids & (lengths != 18) & ~shape15) | (certs & (lengths != 20))
    bad_chars = (ids & (lengths == 18) & ~shape18) | (certs & (lengths == 20) & ~shape20)
    full18 = (ids & shape18) | (certs & shape20)  # IDs and certificate prefixes with a check character
    formed = full18 | old_15

    weighted = (d[:, :17].astype(np.int32) * _WEIGHT_VECTOR).sum(axis=1) % 11
    bad_checksum = full18 & (cp[:, 17] != _CHECK_CODES[weighted])

    # Birth date digits: yyyymmdd at 7-14, or yymmdd (19yy) at 7-12 of an old ID.
    d32 = d.astype(np.int32)
    year = np.where(
        old_15,
        1900 + d32[:, 6] * 10 + d32[:, 7],
        d32[:, 6] * 1000 + d32[:, 7] * 100 + d32[:, 8] * 10 + d32[:, 9],
    )
    month = np.where(old_15, d32[:, 8] * 10 + d32[:, 9], d32[:, 10] * 10 + d32[:, 11])
    day = np.where(old_15, d32[:, 10] * 10 + d32[:, 11], d32[:, 12] * 10 + d32[:, 13])
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_days = _MONTH_DAYS[np.clip(month, 1, 12) - 1] + ((month == 2) & leap)
    calendar = formed & (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= month_days)

    birth = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    rows = np.flatnonzero(calendar)
    months = ((year[rows] - 1970) * 12 + month[rows] - 1).astype("datetime64[M]")
    birth[rows] = months.astype("datetime64[D]") + (day[rows] - 1).astype("timedelta64[D]")

    age = today.year - year - ((today.month * 100 + today.day) < (month * 100 + day))
    too_old_or_new = (year < _MIN_BIRTH.year) | (birth > np.datetime64(today, "D")) | (age > _MAX_AGE)
    bad_birth = formed & (~calendar | too_old_or_new)

    bad_province = formed & ~_PROVINCE_TABLE[d32[:, 0] * 10 + d32[:, 1]]
    placeholder = formed & _placeholder_mask(cp, digit)

    odd = d[np.arange(n), np.where(old_15, 14, 16)] % 2 == 1
    sexes = np.full(n, None, dtype=object)
    sexes[formed & odd] = _MALE
    sexes[formed & ~odd] = _FEMALE

    return IdAnalysis(
        text=text,
        empty=empty,
        stored_as_number=stored & ~empty,
        bad_length=bad_length,
        bad_chars=bad_chars,
        bad_checksum=bad_checksum,
        bad_birth=bad_birth,
        placeholder=placeholder,
        old_15=old_15,
        bad_province=bad_province,
        birth=birth,
        sex=sexes,
    )
