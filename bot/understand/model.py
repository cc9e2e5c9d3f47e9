"""What the bot made of one chat message."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from bot.db.models import TaskStatus


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"


@dataclass(frozen=True, slots=True)
class ReportPeriod:
    """The period a report covers: `month 11 of 2026`, `quarter 3 of 2026`, `half 1`, `year`."""

    kind: PeriodKind
    number: int
    """Month 1–12, quarter 1–4, half 1–2; 1 for a year."""
    year: int

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, _first_month(self), 1)

    @property
    def last_day(self) -> dt.date:
        last_month = _first_month(self) + _MONTHS[self.kind] - 1
        if last_month == 12:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, last_month + 1, 1) - dt.timedelta(days=1)

    def code(self) -> str:
        """`month:2026-11`, `quarter:2026-3`, `half:2026-1`, `year:2026`."""
        if self.kind is PeriodKind.YEAR:
            return f"year:{self.year}"
        return f"{self.kind.value}:{self.year}-{self.number}"


_MONTHS = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.HALF: 6, PeriodKind.YEAR: 12}


def _first_month(period: ReportPeriod) -> int:
    return (period.number - 1) * _MONTHS[period.kind] + 1


@dataclass(frozen=True, slots=True)
class ReportClaim:
    """`đã nộp báo cáo …`: a unit says it submitted a periodic report."""

    period: ReportPeriod | None
    """None when the message names no period: the report the reminder asked about."""


@dataclass(frozen=True, slots=True)
class Snooze:
    """`nhắc lại sau 2 ngày`, `để mai`: remind again later. Exactly one field is set."""

    until: dt.date | None = None
    """Remind again on this day (the outbox moves it to a working day)."""
    delay: dt.timedelta | None = None
    """Remind again after this long (`sau 3 tiếng`)."""


class Problem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"


class ReplyKind(StrEnum):
    STATUS = "status"
    REPORT = "report"
    SNOOZE = "snooze"
    UNCLEAR = "unclear"
    EMPTY = "empty"
    TOO_LONG = "too_long"


@dataclass(frozen=True, slots=True)
class Understanding:
    status: TaskStatus | None = None
    percent: int | None = None
    note: str | None = None
    """The person's own words after `vướng mắc:`, `ghi chú:`, `do`… as written."""
    report: ReportClaim | None = None
    snooze: Snooze | None = None
    choices: tuple[TaskStatus, ...] = ()
    """Not empty when the bot is unsure: the statuses to offer so the person picks one."""
    problem: Problem | None = None
    question: str | None = None
    """What to answer when unsure or on a problem, in the language asked for."""

    @property
    def confident(self) -> bool:
        return self.problem is None and not self.choices and self.kind is not ReplyKind.UNCLEAR

    @property
    def kind(self) -> ReplyKind:
        if self.problem is Problem.TOO_LONG:
            return ReplyKind.TOO_LONG
        if self.problem is Problem.EMPTY:
            return ReplyKind.EMPTY
        if self.report is not None:
            return ReplyKind.REPORT
        if self.status is not None:
            return ReplyKind.STATUS
        if self.snooze is not None and not self.choices:
            return ReplyKind.SNOOZE
        return ReplyKind.UNCLEAR
