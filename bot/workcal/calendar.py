"""The Vietnamese working-day calendar (domain.md §3): weekends, public holidays, announced swaps.

Each year is turned once into a table of working-day flags and running counts, so that the
questions the reminder engine asks for every task are a list lookup or a binary search.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import holidays
from holidays import country_holidays

from bot.fingerprint import digest
from bot.workcal.overrides import load_overrides

HOLIDAY_FILE_NAME = "holidays.yaml"
_SATURDAY = 5
_EMPTY: Mapping[dt.date, str] = MappingProxyType({})


@lru_cache(maxsize=256)
def _statutory_year(year: int) -> tuple[Mapping[dt.date, str], frozenset[dt.date]]:
    """What the `holidays` package knows for `year`: days off with their names, working weekend days."""
    calendar = country_holidays("VN", years=year, language="vi")
    days_off = {day: str(name) for day, name in calendar.items() if day.year == year}
    working_weekend_days = frozenset(day for day in calendar.weekend_workdays if day.year == year)
    return MappingProxyType(days_off), working_weekend_days


@dataclass(frozen=True, slots=True)
class _Year:
    first_ordinal: int
    working: bytes
    """1 for a working day, by day of the year (0-based)."""
    running: tuple[int, ...]
    """Working days from 1 January up to and including each day of the year."""

    @property
    def total(self) -> int:
        return self.running[-1]

    def index(self, day: dt.date) -> int:
        return day.toordinal() - self.first_ordinal

    def day(self, index: int) -> dt.date:
        return dt.date.fromordinal(self.first_ordinal + index)


class WorkCalendar:
    """Working days in Vietnam: `holidays.Vietnam` plus the admin's overrides (schedules/holidays.yaml)."""

    def __init__(
        self,
        extra_days_off: Mapping[dt.date, str] = _EMPTY,
        extra_working_days: Mapping[dt.date, str] = _EMPTY,
    ) -> None:
        both = sorted(set(extra_days_off) & set(extra_working_days))
        if both:
            listed = ", ".join(day.isoformat() for day in both)
            raise ValueError(f"Ngày vừa là ngày nghỉ vừa là ngày làm việc: {listed}")
        self._extra_days_off = dict(extra_days_off)
        self._extra_working_days = dict(extra_working_days)
        self._years: dict[int, _Year] = {}

    @classmethod
    def from_file(cls, path: Path | None, lang: str = "vi") -> WorkCalendar:
        """Overrides from a YAML file; no path or no file means none. Raises HolidayFileError."""
        if path is None or not path.exists():
            return cls()
        overrides = load_overrides(path, lang)
        return cls(overrides.days_off, overrides.working_days)

    @classmethod
    def in_folder(cls, schedules_dir: Path, lang: str = "vi") -> WorkCalendar:
        """The calendar of an installation: `holidays.yaml` in its schedules folder.

        `lang` is the language of the error message if the file is wrong."""
        return cls.from_file(schedules_dir / HOLIDAY_FILE_NAME, lang)

    def fingerprint(self) -> str:
        """What the calendar is made of: the admin's overrides and the `holidays` package's
        version (its lunar holidays), for results computed on it that are stored
        (`bot.fingerprint`)."""
        overrides = [
            f"{kind}:{day.isoformat()}"
            for kind, days in (("off", self._extra_days_off), ("working", self._extra_working_days))
            for day in sorted(days)
        ]
        return digest([f"holidays {getattr(holidays, '__version__', '')}", *overrides])

    def _year(self, year: int) -> _Year:
        table = self._years.get(year)
        if table is None:
            table = self._years[year] = self._build_year(year)
        return table

    def _build_year(self, year: int) -> _Year:
        statutory_off, statutory_working = _statutory_year(year)
        first = dt.date(year, 1, 1)
        length = (dt.date(year + 1, 1, 1) - first).days if year < dt.MAXYEAR else 365
        flags = bytearray(length)
        running: list[int] = []
        count = 0
        for index in range(length):
            day = first + dt.timedelta(days=index)
            if day in self._extra_working_days:
                works = True
            elif day in self._extra_days_off:
                works = False
            elif day.weekday() >= _SATURDAY:
                works = day in statutory_working
            else:
                works = day not in statutory_off
            flags[index] = works
            count += works
            running.append(count)
        return _Year(first.toordinal(), bytes(flags), tuple(running))

    def is_working_day(self, d: dt.date) -> bool:
        table = self._year(d.year)
        return bool(table.working[d.toordinal() - table.first_ordinal])

    def holiday_name(self, d: dt.date) -> str | None:
        """Why `d` is a day off, when it is more than an ordinary weekend; None on a working day."""
        if d in self._extra_working_days:
            return None
        if d in self._extra_days_off:
            return self._extra_days_off[d]
        return _statutory_year(d.year)[0].get(d)

    def next_working_day(self, d: dt.date) -> dt.date:
        """`d` itself if it is a working day, else the first working day after it."""
        return d if self.is_working_day(d) else self.add_working_days(d, 1)

    def previous_working_day(self, d: dt.date) -> dt.date:
        """`d` itself if it is a working day, else the last working day before it."""
        return d if self.is_working_day(d) else self.add_working_days(d, -1)

    def effective_deadline(self, due: dt.date) -> dt.date:
        """BLDS 2015 Điều 148 khoản 5: a period ending on a day off ends on the next working day."""
        return self.next_working_day(due)

    def add_working_days(self, d: dt.date, n: int) -> dt.date:
        """The n-th working day after `d` (n > 0) or before it (n < 0); `d` itself for n = 0."""
        if n == 0:
            return d
        year = d.year
        table = self._year(year)
        position = table.index(d)
        if n > 0:
            # Find the day where the running count first reaches (count at d) + n.
            target = table.running[position] + n
            while target > table.total:
                target -= table.total
                year += 1
                table = self._year(year)
            return table.day(bisect_left(table.running, target))
        before = table.running[position] - table.working[position]
        target = before + n + 1
        while target < 1:
            year -= 1
            table = self._year(year)
            target += table.total
        return table.day(bisect_left(table.running, target))

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        first, last = self._year(start.year), self._year(end.year)
        if start.year == end.year:
            return first.running[first.index(end)] - first.running[first.index(start)]
        count = first.total - first.running[first.index(start)] + last.running[last.index(end)]
        for year in range(start.year + 1, end.year):
            count += self._year(year).total
        return count
