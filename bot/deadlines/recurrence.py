"""Due dates of a repeating deadline (`Recurrence`).

When a rule gives a day but no months, the due months are the last month of each period
(quarterly: 3, 6, 9, 12; semiannual: 6, 12; annual: 12), matching the reporting deadlines of
Nghị định 09/2019/NĐ-CP (the period's last month). A day past a month's end (`ngày 30 hằng
tháng` in February) is clamped to the month's last day. A month listed in `exceptions` has its
own day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from bot.deadlines.model import LAST_DAY, Freq, Recurrence
from bot.deadlines.periods import month_length

DEFAULT_MONTHS: dict[Freq, tuple[int, ...]] = {
    Freq.MONTHLY: tuple(range(1, 13)),
    Freq.QUARTERLY: (3, 6, 9, 12),
    Freq.SEMIANNUAL: (6, 12),
    Freq.ANNUAL: (12,),
}


def due_months(rule: Recurrence) -> tuple[int, ...]:
    """The months that carry a due date under `rule` (not meaningful for weekly rules)."""
    months = tuple(sorted({m for m in rule.months or () if 1 <= m <= 12}))
    return months or DEFAULT_MONTHS.get(rule.freq, tuple(range(1, 13)))


def due_in_month(rule: Recurrence, year: int, month: int) -> dt.date:
    length = month_length(year, month)
    day = rule.day if rule.day is not None else LAST_DAY
    for excepted, own_day in rule.exceptions:
        if excepted == month:
            day = own_day
    if day == LAST_DAY or day > length:
        return dt.date(year, month, length)
    return dt.date(year, month, max(day, 1))


def _iter_dates(rule: Recurrence, start: dt.date) -> Iterator[dt.date]:
    """Due dates on or after `start`, in order, until the calendar runs out."""
    if not rule.has_dates:
        return
    if rule.freq is Freq.WEEKLY:
        assert rule.weekday is not None
        offset = (rule.weekday - start.weekday()) % 7
        day = start.toordinal() + offset
        while day <= dt.date.max.toordinal():
            yield dt.date.fromordinal(day)
            day += 7
        return
    months = due_months(rule)
    year, month = start.year, start.month
    while year <= dt.MAXYEAR:
        if month in months:
            due = due_in_month(rule, year, month)
            if due >= start:
                yield due
        month += 1
        if month > 12:
            year, month = year + 1, 1


def occurrences(rule: Recurrence, start: dt.date, count: int) -> list[dt.date]:
    """The next `count` due dates on or after `start`; [] when the rule fixes no dates."""
    result: list[dt.date] = []
    if count <= 0:
        return result
    for due in _iter_dates(rule, start):
        result.append(due)
        if len(result) >= count:
            break
    return result


def occurrences_between(rule: Recurrence, start: dt.date, end: dt.date) -> list[dt.date]:
    """All due dates d with start <= d <= end."""
    result: list[dt.date] = []
    if end < start:
        return result
    for due in _iter_dates(rule, start):
        if due > end:
            break
        result.append(due)
    return result
