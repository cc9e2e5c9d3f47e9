"""Periods of the calendar the parser needs: month ends, quarters, BLDS Điều 146 points."""

from __future__ import annotations

import calendar
import datetime as dt

MIN_YEAR = 1900
MAX_YEAR = 2199
"""Years the patterns accept (`(?:19|20|21)\\d\\d`); anything else is not a plan's year."""


def month_length(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, month_length(year, month))


def valid_date(year: int, month: int, day: int) -> dt.date | None:
    """The date, or None when the numbers name no real day (31/2, 0/5, 12/13)."""
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
        return None
    if not 1 <= day <= month_length(year, month):
        return None
    return dt.date(year, month, day)


def month_period(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), month_end(year, month)


def quarter_period(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    last_month = quarter * 3
    return dt.date(year, last_month - 2, 1), month_end(year, last_month)


def months_of_year(year: int, count: int, *, from_end: bool) -> tuple[dt.date, dt.date]:
    """`6 tháng đầu năm` (count=6): 1 Jan – 30 Jun; `3 tháng cuối năm` (from_end): 1 Oct – 31 Dec."""
    if from_end:
        return dt.date(year, 13 - count, 1), dt.date(year, 12, 31)
    return dt.date(year, 1, 1), month_end(year, count)


def year_period(first_year: int, last_year: int | None = None) -> tuple[dt.date, dt.date]:
    return dt.date(first_year, 1, 1), dt.date(last_year or first_year, 12, 31)


TEN_DAY_ENDS = {"thuong_tuan": 10, "trung_tuan": 20, "ha_tuan": 0}
"""Last day of each ten-day part of a month (0: the month's last day)."""


def point_in_period(start: dt.date, end: dt.date, where: str) -> dt.date:
    """`dau`/`giua`/`cuoi` (đầu/giữa/cuối) of a month or year, as BLDS 2015 Điều 146 defines them.

    Đầu = the first day, cuối = the last day; giữa tháng = the 15th, giữa năm = 30 June. For a
    quarter the law says nothing; giữa quý is read as the 15th of its middle month (the caller
    marks that reading ambiguous).
    """
    if where == "dau":
        return start
    if where == "cuoi":
        return end
    if where in TEN_DAY_ENDS:
        # thượng / trung / hạ tuần: the first, second and last ten days of a month.
        if start.month != end.month:
            return end
        return start.replace(day=TEN_DAY_ENDS[where]) if TEN_DAY_ENDS[where] else end
    if start.month == end.month:
        return start.replace(day=15)
    if start.month == 1 and end.month == 12:
        return dt.date(start.year, 6, 30)
    return dt.date(start.year, start.month + 1, 15)


def day_before(day: dt.date) -> dt.date | None:
    try:
        return day - dt.timedelta(days=1)
    except OverflowError:
        return None
