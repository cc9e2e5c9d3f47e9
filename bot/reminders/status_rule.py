"""When a task's latest status closes one of its occurrences (a plain function of the two)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.db.models import OccurrenceKind
from bot.reminders.reasons import CloseReason
from bot.reminders.series import Series, add_months
from bot.reminders.subjects import Subject, SubjectKind


def close_reason(
    subject: Subject, kind: OccurrenceKind, due: dt.date, series: Series | None, tz: ZoneInfo
) -> CloseReason | None:
    """Whether the task's latest status closes this occurrence, and why.

    A one-off or continuous task that is done is over. For a recurring task, `done` answers
    the period it was reported in: that period and every earlier one close, later ones stay.
    Any update answers the progress check-in of the period it falls in.
    """
    if subject.kind is not SubjectKind.TASK:
        return None
    if subject.done:
        if kind is OccurrenceKind.PROGRESS or series is None or series.once is not None:
            return CloseReason.TASK_DONE
        current = current_period(series, subject.status_at, tz)
        return CloseReason.TASK_DONE if current is None or due <= current else None
    progress = kind is OccurrenceKind.PROGRESS and series is not None and series.rule is not None
    if progress and series is not None and due == current_period(series, subject.status_at, tz):
        return CloseReason.PROGRESS_REPORTED
    return None


def current_period(series: Series, at: dt.datetime | None, tz: ZoneInfo) -> dt.date | None:
    """The first due date on or after the local day of `at` (None: no such date or no `at`)."""
    if at is None:
        return None
    day = at.astimezone(tz).date()
    dates = series.dates(day, add_months(day, 13))
    return dates[0] if dates else None
