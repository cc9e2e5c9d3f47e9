"""The reminder policy as a pure function: one deadline occurrence → the reminders it calls for.

Everything is counted in working days on the office calendar, so a reminder never lands on a
weekend or a holiday, and "3 days before" means three days people are at their desks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol
from zoneinfo import ZoneInfo


class ReminderKind(StrEnum):
    BEFORE = "before"
    DUE = "due"
    OVERDUE = "overdue"
    ESCALATION = "escalation"
    PROGRESS = "progress"


class Calendar(Protocol):
    def add_working_days(self, d: dt.date, n: int) -> dt.date: ...
    def previous_working_day(self, d: dt.date) -> dt.date: ...


class Policy(Protocol):
    @property
    def before(self) -> Sequence[int]: ...
    @property
    def send_at(self) -> dt.time: ...
    @property
    def overdue_every(self) -> int: ...
    @property
    def overdue_max(self) -> int: ...
    @property
    def escalate_after(self) -> int: ...


@dataclass(frozen=True, slots=True)
class PlannedReminder:
    kind: ReminderKind
    step: int
    """Which one of its kind: working days before (BEFORE), nag number (OVERDUE), 0 otherwise.
    Part of the idempotency key, so a re-computation finds the same row."""
    day: dt.date
    send_at: dt.datetime


def plan_reminders(
    effective_due: dt.date, policy: Policy, calendar: Calendar, tz: ZoneInfo
) -> list[PlannedReminder]:
    """Every reminder for one occurrence whose effective deadline is `effective_due`, in time order.

    `effective_due` is already shifted to a working day (BLDS Điều 148), so counting back from
    it lands on working days; the `previous_working_day` guard keeps that true for any input.
    """
    planned: list[PlannedReminder] = []

    def at(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, policy.send_at, tzinfo=tz)

    due_day = calendar.previous_working_day(effective_due)
    for days_before in sorted(set(policy.before), reverse=True):
        if days_before < 0:
            continue
        day = calendar.add_working_days(due_day, -days_before) if days_before else due_day
        kind = ReminderKind.BEFORE if days_before else ReminderKind.DUE
        planned.append(PlannedReminder(kind, days_before, day, at(day)))
    for nag in range(1, policy.overdue_max + 1):
        day = calendar.add_working_days(due_day, nag * policy.overdue_every)
        planned.append(PlannedReminder(ReminderKind.OVERDUE, nag, day, at(day)))
    escalation_day = calendar.add_working_days(due_day, policy.escalate_after)
    planned.append(PlannedReminder(ReminderKind.ESCALATION, 0, escalation_day, at(escalation_day)))
    planned.sort(key=lambda r: (r.send_at, r.kind != ReminderKind.ESCALATION))
    return planned
