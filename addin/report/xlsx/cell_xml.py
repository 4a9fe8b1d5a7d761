"""One cell's XML from a Python value, shared by our own sheets and the cells we write into the user's.

Text goes in as an inline string (no shared-string table to merge with the
user's, and text starting with "=" stays text); numbers as plain values;
booleans as ``t="b"``; dates and times as serial numbers in the workbook's date
system, which only look like dates under a date number format — so the content
says which format it needs and the caller picks the style.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from addin.report.xlsx.styles import DATE_FORMAT, DATETIME_FORMAT, TIME_FORMAT
from addin.report.xlsx.xmltext import clean_text, display_width, esc_attr, esc_text, space_attr

MAX_EXACT_INT = 10**15
"""Integers from here on lose digits as doubles (18-digit ID numbers): they are written as text."""

_EPOCH_1900 = datetime(1899, 12, 30)
_EPOCH_1904 = datetime(1904, 1, 1)
_FIRST_1900 = datetime(1900, 1, 1)
_LEAP_BUG_END = datetime(1900, 3, 1)


@dataclass(frozen=True, slots=True)
class Content:
    """What goes inside a ``<c>``: its type attribute, its children, the number format it needs, its width."""

    t: str | None
    inner: str
    number_format: str | None = None
    width: float = 0


def excel_serial(value: date, date1904: bool) -> float | None:
    """The serial number Excel stores for a date or datetime; None when it has none."""
    moment = value.replace(tzinfo=None) if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    if date1904:
        delta = moment - _EPOCH_1904
        if delta < timedelta(0):
            return None
    else:
        if moment < _FIRST_1900:
            return None
        delta = moment - _EPOCH_1900
        if moment < _LEAP_BUG_END:  # Excel counts a 29 February 1900 that never was
            delta -= timedelta(days=1)
    serial = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
    return int(serial) if serial == int(serial) else serial


def text_content(text: str) -> Content:
    """An inline string (made storable: no illegal characters, at most 32,767 characters)."""
    text = clean_text(text)
    return Content("inlineStr", f"<is><t{space_attr(text)}>{esc_text(text)}</t></is>", None, display_width(text))


def cell_content(value: object, date1904: bool) -> Content | None:
    """The content for ``value``; None for what makes an empty cell (None, "", NaN, NaT)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return Content("b", f"<v>{int(value)}</v>", None, 5)
    if isinstance(value, date):
        if isinstance(value, datetime) and value != value:  # pandas NaT
            return None
        serial = excel_serial(value, date1904)
        if serial is None:  # before the workbook's epoch: Excel has no number for it
            return text_content(value.isoformat())
        if isinstance(value, datetime):
            return Content(None, f"<v>{serial!r}</v>", DATETIME_FORMAT, 19)
        return Content(None, f"<v>{serial!r}</v>", DATE_FORMAT, 10)
    if isinstance(value, time):
        seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
        return Content(None, f"<v>{seconds / 86400!r}</v>", TIME_FORMAT, 8)
    if isinstance(value, numbers.Integral):
        number = int(value)
        if abs(number) >= MAX_EXACT_INT:
            return text_content(str(number))
        return Content(None, f"<v>{number}</v>", None, len(str(number)))
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isnan(number):
            return None
        if math.isinf(number):
            return text_content(str(number))
        text = repr(number)
        return Content(None, f"<v>{text}</v>", None, min(len(text), 12))
    text = str(value)
    return text_content(text) if text else None


def cell_xml(ref: str, content: Content | None, style: int, extra: str = "") -> str:
    """``<c>`` for cell ``ref`` (unprefixed); ``extra`` is further attribute text of the user's cell."""
    s = f' s="{style}"' if style else ""
    if content is None:
        return f'<c r="{esc_attr(ref)}"{s}{extra}/>'
    t = f' t="{content.t}"' if content.t else ""
    return f'<c r="{esc_attr(ref)}"{s}{t}{extra}>{content.inner}</c>'
