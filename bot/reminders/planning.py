"""Subjects → occurrences → planned messages (who, when, which kind), all in memory.

Both the materialiser (which writes outbox rows) and the preview (`nhacviec schedule`, which
writes nothing) use this, so what the preview shows is what the engine will send.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session

from bot.db import models as db
from bot.db.models import OccurrenceKind
from bot.plans.model import ReminderPolicyOverride
from bot.reminders.policy import PlannedReminder, ReminderKind, plan_reminders
from bot.reminders.reasons import CloseReason
from bot.reminders.recipients import Recipient, Registry
from bot.reminders.series import Series, add_months, occurrence_key, series_for, window
from bot.reminders.sqlbulk import table
from bot.reminders.status_rule import close_reason
from bot.reminders.subjects import PlanInfo, Subject, SubjectKind, policy_override
from bot.schedules import ReminderPolicy, ReportingCycle, ScheduleDefaults, effective_policy
from bot.workcal import WorkCalendar


@dataclass(frozen=True, slots=True)
class OccurrenceSpec:
    key: str
    subject: Subject
    kind: OccurrenceKind
    due: dt.date
    due_time: dt.time | None
    effective_due: dt.date
    standard_cycle: ReportingCycle | None
    """The standard cycle that gave the date, when the plan did not."""


@dataclass(frozen=True, slots=True)
class PlannedMessage:
    occurrence: OccurrenceSpec
    kind: ReminderKind
    step: int
    send_at: dt.datetime
    recipient: Recipient

    @property
    def idempotency_key(self) -> str:
        return f"{self.occurrence.key}|{self.recipient.person_id}|{self.kind.value}:{self.step}"


def load_unit_overrides(session: Session) -> dict[str, ReminderPolicyOverride | None]:
    units = table(db.Unit)
    return {
        unit_id: policy_override(reminders)
        for unit_id, reminders in session.execute(sa.select(units.c.id, units.c.reminders))
    }


class Planner:
    """Holds what every subject shares (calendar, policies, registry) and caches the policy maths."""

    def __init__(
        self,
        *,
        calendar: WorkCalendar,
        tz: ZoneInfo,
        defaults: ScheduleDefaults,
        plans: dict[str, PlanInfo],
        registry: Registry,
        unit_overrides: dict[str, ReminderPolicyOverride | None],
        today: dt.date,
        horizon_months: int,
    ) -> None:
        self.calendar = calendar
        self.tz = tz
        self.defaults = defaults
        self.plans = plans
        self.registry = registry
        self.unit_overrides = unit_overrides
        self.today = today
        self.horizon_end = add_months(today, horizon_months)
        self._policies: dict[tuple[str, str | None], ReminderPolicy] = {}
        self._reminders: dict[tuple[dt.date, tuple[object, ...]], list[PlannedReminder]] = {}
        self._effective: dict[dt.date, dt.date] = {}

    # Occurrences -------------------------------------------------------------------------------

    def series(self, subject: Subject) -> Series | None:
        return series_for(subject, self.plans[subject.plan_id], self.defaults.cycles, self.today)

    def occurrences(self, subject: Subject, series: Series | None = None) -> list[OccurrenceSpec]:
        """The occurrences to materialise now: every date of the series within the window."""
        series = series or self.series(subject)
        if series is None:
            return []
        start, end = window(series, self.today, self.horizon_end)
        once = series.once is not None and subject.kind is not SubjectKind.TARGET
        time = subject.due_time if once else None
        return [self.spec(subject, series, due, time) for due in series.dates(start, end)]

    def spec(
        self, subject: Subject, series: Series, due: dt.date, due_time: dt.time | None
    ) -> OccurrenceSpec:
        return OccurrenceSpec(
            occurrence_key(subject, series.kind, due),
            subject,
            series.kind,
            due,
            due_time,
            self.effective_due(due),
            series.standard_cycle,
        )

    def effective_due(self, due: dt.date) -> dt.date:
        effective = self._effective.get(due)
        if effective is None:
            effective = self._effective[due] = self.calendar.effective_deadline(due)
        return effective

    def close_reason(
        self, subject: Subject, kind: OccurrenceKind, due: dt.date, series: Series | None
    ) -> CloseReason | None:
        return close_reason(subject, kind, due, series, self.tz)

    # Reminders ---------------------------------------------------------------------------------

    def policy(self, plan_id: str, unit_id: str | None) -> ReminderPolicy:
        cache_key = (plan_id, unit_id)
        policy = self._policies.get(cache_key)
        if policy is None:
            plan = self.plans[plan_id]
            unit_override = self.unit_overrides.get(unit_id) if unit_id else None
            policy = effective_policy(self.defaults.policy, plan.reminders, unit_override)
            self._policies[cache_key] = policy
        return policy

    def _planned(self, effective_due: dt.date, policy: ReminderPolicy) -> list[PlannedReminder]:
        # By value: 200 units with the same policy share one computation per date.
        cache_key = (
            effective_due,
            (
                tuple(policy.before),
                policy.send_at,
                policy.overdue_every,
                policy.overdue_max,
                policy.escalate_after,
            ),
        )
        planned = self._reminders.get(cache_key)
        if planned is None:
            planned = plan_reminders(effective_due, policy, self.calendar, self.tz)
            self._reminders[cache_key] = planned
        return planned

    def messages(self, occurrence: OccurrenceSpec) -> list[PlannedMessage]:
        """Every message of one occurrence, to registered people or (preview) to their unit."""
        subject = occurrence.subject
        plan = self.plans[subject.plan_id]
        messages: list[PlannedMessage] = []
        seen: set[tuple[str, ReminderKind, int]] = set()

        def add(kind: ReminderKind, step: int, send_at: dt.datetime, recipients: list[Recipient]) -> None:
            for recipient in recipients:
                marker = (recipient.shown, kind, step)
                if marker not in seen:
                    seen.add(marker)
                    messages.append(PlannedMessage(occurrence, kind, step, send_at, recipient))

        if occurrence.kind is OccurrenceKind.PROGRESS:
            policy = self.policy(subject.plan_id, subject.units[0] if subject.units else None)
            day = self.calendar.previous_working_day(occurrence.effective_due)
            send_at = dt.datetime.combine(day, policy.send_at, tzinfo=self.tz)
            add(ReminderKind.PROGRESS, 0, send_at, self.registry.units_recipients(subject.units))
            return messages

        # A report is each reporting unit's own deadline; a task's is its lead unit's.
        is_report = subject.kind is SubjectKind.REPORT
        groups = [(unit,) for unit in subject.units] if is_report else [subject.units]
        for units in groups:
            lead = units[0] if units else None
            policy = self.policy(subject.plan_id, lead)
            reminded = list(units) + (list(subject.support) if policy.notify_support else [])
            recipients = self.registry.units_recipients(reminded)
            escalate_to = self.registry.escalation_recipients(subject.leader_person_id, plan.monitor_unit_id)
            for planned in self._planned(occurrence.effective_due, policy):
                targets = escalate_to if planned.kind is ReminderKind.ESCALATION else recipients
                add(planned.kind, planned.step, planned.send_at, targets)
        messages.sort(key=lambda message: message.send_at)
        return messages
