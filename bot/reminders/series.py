"""Which deadline occurrences a subject calls for, as pure functions of its deadline and today.

- a one-off task (or a target within a year): one occurrence;
- a recurring task or reporting obligation: one per period, from a little before today (so that
  recent overdue periods keep their nags) to the rolling horizon;
- a continuous task, or a target whose horizon is more than a year away: a progress check-in on
  each date of the plan's reporting cycle (the monthly standard cycle when the plan has none).

A recurring rule with a frequency but no day (`hằng quý`) takes the send-by day and months of
the standard cycle of that frequency (Nghị định 09/2019, `schedules/reporting_cycles.yaml`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.db.models import OccurrenceKind
from bot.deadlines.model import Freq, Kind, Recurrence
from bot.deadlines.recurrence import occurrences_between
from bot.reminders.subjects import PlanInfo, Subject, SubjectKind
from bot.schedules import ReportingCycle, ReportingCycles

LOOKBACK = dt.timedelta(days=45)
"""Periods due this long ago are still materialised: their overdue nags may not be over yet."""
PROGRESS_LOOKBACK = dt.timedelta(days=14)
"""A check-in due on a day off is asked for on the next working day: keep the last two weeks'."""
LONG_HORIZON = dt.timedelta(days=365)


@dataclass(frozen=True, slots=True)
class Series:
    """How one subject's occurrences fall: a single date or a repeating rule."""

    kind: OccurrenceKind
    once: dt.date | None = None
    rule: Recurrence | None = None
    standard_cycle: ReportingCycle | None = None
    """Set when the rule's day (or the progress cycle) comes from the standard cycles."""

    def dates(self, start: dt.date, end: dt.date) -> list[dt.date]:
        if self.once is not None:
            return [self.once]
        assert self.rule is not None
        return occurrences_between(self.rule, start, end)

    def produces(self, due: dt.date) -> bool:
        """Whether `due` is one of this series' dates (for periods before the window)."""
        if self.once is not None:
            return due == self.once
        assert self.rule is not None
        return occurrences_between(self.rule, due, due) == [due]


def occurrence_key(subject: Subject, kind: OccurrenceKind, due: dt.date) -> str:
    if kind is OccurrenceKind.PROGRESS:
        return f"progress:{subject.kind.value}:{subject.id}:{due.isoformat()}"
    return f"{subject.kind.value}:{subject.id}:{due.isoformat()}"


def standard_cycle(cycles: ReportingCycles, freq: Freq) -> ReportingCycle | None:
    return {
        Freq.MONTHLY: cycles.monthly,
        Freq.QUARTERLY: cycles.quarterly,
        Freq.SEMIANNUAL: cycles.semiannual,
        Freq.ANNUAL: cycles.annual,
    }.get(freq)


def cycle_rule(cycle: ReportingCycle, freq: Freq) -> Recurrence:
    return Recurrence(freq=freq, day=cycle.send_by_day, months=tuple(cycle.months))


def _recurring(kind: OccurrenceKind, rule: Recurrence, cycles: ReportingCycles) -> Series | None:
    if rule.has_dates:
        return Series(kind, rule=rule)
    cycle = standard_cycle(cycles, rule.freq)
    if cycle is None:  # weekly without a weekday: no standard day to borrow
        return None
    return Series(kind, rule=cycle_rule(cycle, rule.freq), standard_cycle=cycle)


def progress_series(plan: PlanInfo, cycles: ReportingCycles) -> Series:
    if plan.progress_rule is not None:
        return Series(OccurrenceKind.PROGRESS, rule=plan.progress_rule)
    monthly = cycles.monthly
    return Series(OccurrenceKind.PROGRESS, rule=cycle_rule(monthly, Freq.MONTHLY), standard_cycle=monthly)


def series_for(subject: Subject, plan: PlanInfo, cycles: ReportingCycles, today: dt.date) -> Series | None:
    """The occurrences `subject` calls for, or None (no date to keep: `khi có yêu cầu`, …)."""
    if subject.kind is SubjectKind.TARGET:
        if subject.horizon_due is not None and subject.horizon_due - today <= LONG_HORIZON:
            return Series(OccurrenceKind.DEADLINE, once=subject.horizon_due)
        return progress_series(plan, cycles)
    own_kind = OccurrenceKind.REPORT if subject.kind is SubjectKind.REPORT else OccurrenceKind.DEADLINE
    if subject.deadline_kind is Kind.ONCE and subject.due is not None:
        return Series(own_kind, once=subject.due)
    if subject.deadline_kind is Kind.RECURRING and subject.recurrence is not None:
        return _recurring(own_kind, subject.recurrence, cycles)
    if subject.deadline_kind is Kind.CONTINUOUS and subject.kind is SubjectKind.TASK:
        return progress_series(plan, cycles)
    return None


def window(series: Series, today: dt.date, horizon_end: dt.date) -> tuple[dt.date, dt.date]:
    """The dates to materialise: deadlines from a little back (their nags may still run), progress
    check-ins from two weeks back (one due on a day off is asked for days later)."""
    if series.kind is OccurrenceKind.PROGRESS:
        return today - PROGRESS_LOOKBACK, horizon_end
    return today - LOOKBACK, horizon_end


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")
