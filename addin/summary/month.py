"""A ranking period: one calendar month (CFG:ranking_period = month, domain §4.2 step 1).

Months are written ``YYYY-MM`` everywhere we store or print them (the history
database, file names ``排名-2024-05.xlsx``), because that text sorts in time order.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from addin.errors import UsageError

_MONTH = re.compile(r"^\s*(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?\s*$")


@dataclass(frozen=True, order=True, slots=True)
class Month:
    """A calendar month; ``str(m)`` is ``YYYY-MM``."""

    year: int
    month: int

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        """The month as county staff write it: 2024年5月."""
        return f"{self.year}年{self.month}月"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def contains(self, day: dt.date) -> bool:
        return self.first_day <= day <= self.last_day

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str) -> Month:
        """``2024-05`` (also 2024.5, 2024/05, 2024年5月); anything else is a usage error in Chinese."""
        found = _MONTH.match(str(text))
        if found is None or not 1 <= int(found.group(2)) <= 12:
            raise UsageError(f"月份格式应为 YYYY-MM（例如 2024-05）：{text}")
        return cls(int(found.group(1)), int(found.group(2)))
