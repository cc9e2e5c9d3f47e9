"""What a digest holds: plain data built by `bot.digest.queries`, read by the renderers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Generic, TypeVar

T = TypeVar("T")


class Standing(StrEnum):
    """Where a task stands on the as-of date (domain.md §5), in the government reports' order."""

    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    OPEN_IN_TIME = "open_in_time"
    OPEN_OVERDUE = "open_overdue"
    NO_DEADLINE = "no_deadline"


@dataclass(frozen=True, slots=True)
class StandingCounts:
    done_on_time: int = 0
    done_late: int = 0
    open_in_time: int = 0
    open_overdue: int = 0
    no_deadline: int = 0

    @property
    def total(self) -> int:
        return self.done_on_time + self.done_late + self.open_in_time + self.open_overdue + self.no_deadline

    def of(self, standing: Standing) -> int:
        count: int = getattr(self, standing.value)
        return count

    def __add__(self, other: StandingCounts) -> StandingCounts:
        return StandingCounts(*(self.of(s) + other.of(s) for s in Standing))


@dataclass(frozen=True, slots=True)
class PlanSummary:
    plan_id: str
    number: str
    title: str
    synced_at: dt.datetime
    counts: StandingCounts


@dataclass(frozen=True, slots=True)
class UnitSummary:
    unit_id: str
    unit_name: str
    counts: StandingCounts


@dataclass(frozen=True, slots=True)
class TaskLine:
    """A task in the overdue and due-soon lists."""

    plan_id: str
    key: str
    title: str
    lead_unit: str | None
    leader: str | None
    due: dt.date
    working_days_overdue: int
    """0 for a task that is not overdue."""
    status: str
    percent: int | None
    last_update_at: dt.datetime | None
    last_update_note: str | None


@dataclass(frozen=True, slots=True)
class UpdateLine:
    at: dt.datetime
    author: str
    plan_id: str
    task_key: str
    task_title: str
    status: str
    percent: int | None
    note: str | None
    """At most `NOTE_EXCERPT` characters, with an ellipsis when cut."""


@dataclass(frozen=True, slots=True)
class ReportUnitLine:
    """One unit's periodic reports for the current periods: on time, late, missing."""

    unit_id: str
    unit_name: str
    on_time: int
    late: int
    missing: int


@dataclass(frozen=True, slots=True)
class MissingReport:
    unit_name: str
    plan_id: str
    text: str
    due: dt.date


@dataclass(frozen=True, slots=True)
class SilentUnit:
    unit_id: str
    unit_name: str
    tasks: int


@dataclass(frozen=True, slots=True)
class FailedDelivery:
    at: dt.datetime
    person: str
    kind: str
    task_title: str | None
    error: str


@dataclass(frozen=True, slots=True)
class Listing(Generic[T]):
    """The first rows of a list and how many there are in all (the rest is in the workbook)."""

    rows: list[T] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return self.total - len(self.rows)

    def first(self, rows: int) -> Listing[T]:
        return Listing(self.rows[:rows], self.total)


@dataclass(frozen=True, slots=True)
class Digest:
    as_of: dt.date
    since: dt.datetime
    """Updates after this moment are "since the last digest"."""
    recipient: str | None
    plans: list[PlanSummary]
    totals: StandingCounts
    units: list[UnitSummary]
    overdue: Listing[TaskLine]
    due_soon: Listing[TaskLine]
    updates: Listing[UpdateLine]
    reports: list[ReportUnitLine]
    missing_reports: Listing[MissingReport]
    silent_units: Listing[SilentUnit]
    failed: Listing[FailedDelivery]

    def first(self, rows: int) -> Digest:
        """The same digest with each list cut to its first `rows` (every total stays)."""
        return replace(
            self,
            overdue=self.overdue.first(rows),
            due_soon=self.due_soon.first(rows),
            updates=self.updates.first(rows),
            missing_reports=self.missing_reports.first(rows),
            silent_units=self.silent_units.first(rows),
            failed=self.failed.first(rows),
        )
