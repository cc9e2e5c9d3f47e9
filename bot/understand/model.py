"""What the bot made of one chat message."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from bot.db.models import TaskStatus


class PeriodKind(StrEnum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"


@dataclass(frozen=True, slots=True)
class ReportPeriod:
    """The period a report covers: `month 11 of 2026`, `quarter 3 of 2026`, `half 1`, `year`,
    `week 47` (ISO weeks, Monday to Sunday)."""

    kind: PeriodKind
    number: int
    """Week 1–53 (ISO), month 1–12, quarter 1–4, half 1–2; 1 for a year."""
    year: int
    """The ISO year for a week."""

    @property
    def first_day(self) -> dt.date:
        if self.kind is PeriodKind.WEEK:
            return dt.date.fromisocalendar(self.year, self.number, 1)
        return dt.date(self.year, _first_month(self), 1)

    @property
    def last_day(self) -> dt.date:
        if self.kind is PeriodKind.WEEK:
            return self.first_day + dt.timedelta(days=6)
        last_month = _first_month(self) + _MONTHS[self.kind] - 1
        if last_month == 12:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, last_month + 1, 1) - dt.timedelta(days=1)

    def code(self) -> str:
        """`month:2026-11`, `quarter:2026-3`, `half:2026-1`, `year:2026`, `week:2026-47`."""
        if self.kind is PeriodKind.YEAR:
            return f"year:{self.year}"
        return f"{self.kind.value}:{self.year}-{self.number}"

    def label(self) -> str:
        """`2026-11`, `2026-Q3`, `2026-H1`, `2026`, `2026-W47`: how `nhacviec understand` shows it."""
        if self.kind is PeriodKind.MONTH:
            return f"{self.year}-{self.number:02d}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.year}-Q{self.number}"
        if self.kind is PeriodKind.HALF:
            return f"{self.year}-H{self.number}"
        if self.kind is PeriodKind.WEEK:
            return f"{self.year}-W{self.number:02d}"
        return str(self.year)


_MONTHS = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.HALF: 6, PeriodKind.YEAR: 12}


def _first_month(period: ReportPeriod) -> int:
    return (period.number - 1) * _MONTHS[period.kind] + 1


@dataclass(frozen=True, slots=True)
class ReportClaim:
    """`đã nộp báo cáo …`: a unit says it submitted a periodic report."""

    period: ReportPeriod | None
    """None when the message names no period: the report the reminder asked about."""
    more: tuple[ReportPeriod, ...] = ()
    """Further periods named in the same message (`tháng 10 và tháng 11`)."""

    @property
    def periods(self) -> tuple[ReportPeriod, ...]:
        return (self.period, *self.more) if self.period is not None else ()


@dataclass(frozen=True, slots=True)
class Snooze:
    """`nhắc lại sau 2 ngày`, `để thứ Hai 8h`, `chiều mai`, `sau 3 tiếng`: remind again later.

    Either `delay` (from now), or a day (`until`) and/or a time of day (`at`); a day alone is at
    the reminder's usual hour, a time alone is today (`chiều nay`). All unset: the next working day.
    """

    until: dt.date | None = None
    """Remind again on this day (moved to a working day when it is a day off)."""
    delay: dt.timedelta | None = None
    """Remind again after this long (`sau 3 tiếng`)."""
    at: dt.time | None = None
    """At this time of day (`8h`, `chiều`)."""


class Problem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"


class Aside(StrEnum):
    """What a reply is when it is no plain status: said so the bot answers it for what it is."""

    WAITING = "waiting"
    """Waiting on someone (`chờ phê duyệt`, `đã trình ký`, `tạm dừng`): recorded as blocked,
    with what is waited for as the note."""
    DEFERRAL = "deferral"
    """Busy, or "I will report later": nothing recorded, the bot asks again later (the snooze)."""
    QUESTION = "question"
    """A question (`việc này hạn khi nào?`): nothing recorded."""
    HANDOFF = "handoff"
    """The task is someone else's (`việc này đã giao chị Lan`): nothing recorded."""
    COMPLAINT = "complaint"
    """About the reminders (`nhắc hoài vậy`): nothing recorded."""


class ReplyKind(StrEnum):
    STATUS = "status"
    REPORT = "report"
    SNOOZE = "snooze"
    QUESTION = "question"
    NO_UPDATE = "no_update"
    """A hand-off or a complaint: acknowledged, nothing recorded, nothing asked."""
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
    confirm_done: bool = False
    """A completion that is not certain (a typo, a hedge, `đã gửi`): ask «Xác nhận hoàn thành?»
    before closing the task."""
    aside: Aside | None = None

    @property
    def confident(self) -> bool:
        return (
            self.problem is None
            and not self.choices
            and not self.confirm_done
            and self.kind is not ReplyKind.UNCLEAR
        )

    @property
    def asks_back(self) -> bool:
        """The bot asks instead of recording (`nhacviec understand`'s `ask_back`)."""
        return self.problem is not None or bool(self.choices) or self.confirm_done

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
        if self.choices or self.confirm_done:
            return ReplyKind.UNCLEAR
        if self.snooze is not None:
            return ReplyKind.SNOOZE
        if self.aside is Aside.QUESTION:
            return ReplyKind.QUESTION
        if self.aside in (Aside.HANDOFF, Aside.COMPLAINT):
            return ReplyKind.NO_UPDATE
        return ReplyKind.UNCLEAR
