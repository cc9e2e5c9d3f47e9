"""The preview of `nhacviec schedule`: upcoming reminders computed in memory, nothing written.

It runs the same planner as the materialiser, so it shows what the engine will send, and it
works before the engine ever ran. Occurrences already closed or superseded in the database are
left out; everyone else is shown, a unit where nobody is registered yet by its id.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session

from bot.db import models as db
from bot.db.models import OccurrenceKind, OccurrenceState
from bot.reminders import messages as msg
from bot.reminders.materialize import build_planner
from bot.reminders.planning import PlannedMessage, Planner
from bot.reminders.policy import ReminderKind
from bot.reminders.sqlbulk import table
from bot.reminders.subjects import SubjectKind, load_subjects
from bot.schedules import ScheduleDefaults
from bot.workcal import WorkCalendar

MAX_DAYS = 3660


@dataclass(frozen=True, slots=True)
class PreviewRow:
    plan: str
    subject: SubjectKind
    task: str
    """The subject's own numbering in the plan (`III.1.a`)."""
    title: str
    occurrence: str
    due: dt.date
    effective_due: dt.date
    kind: ReminderKind
    step: int
    recipient: str
    """A person id, or the unit id where nobody of the unit is registered yet."""
    registered: bool
    send_at: dt.datetime
    """Local time (the office's time zone)."""
    why: str

    def as_json(self) -> dict[str, object]:
        return {
            "plan": self.plan,
            "subject": self.subject.value,
            "task": self.task,
            "title": self.title,
            "occurrence": self.occurrence,
            "due": self.due.isoformat(),
            "effective_due": self.effective_due.isoformat(),
            "kind": self.kind.value,
            "step": self.step,
            "recipient": self.recipient,
            "registered": self.registered,
            "send_at": self.send_at.isoformat(),
            "why": self.why,
            "checkin": self.checkin,
        }

    @property
    def checkin(self) -> str:
        """The one message this reminder goes out in: its recipient's check-in of that send slot
        (escalations to a leader are a message of their own)."""
        part = "escalation" if self.kind is ReminderKind.ESCALATION else "checkin"
        return f"{self.recipient}|{self.send_at:%Y-%m-%dT%H:%M}|{part}"


def preview(
    session: Session,
    now: dt.datetime,
    *,
    days: int,
    plan_id: str | None = None,
    unit_id: str | None = None,
    lang: str = "vi",
    calendar: WorkCalendar,
    defaults: ScheduleDefaults,
    tz: ZoneInfo,
    horizon_months: int,
) -> list[PreviewRow]:
    """Reminders with a send time from `now` to the end of the `days`-th day, in time order."""
    planner = build_planner(
        session,
        now,
        calendar=calendar,
        defaults=defaults,
        tz=tz,
        horizon_months=max(horizon_months, days // 28 + 2),
        plan_ids=[plan_id] if plan_id else None,
    )
    end = dt.datetime.combine(planner.today + dt.timedelta(days=days), dt.time(), tzinfo=planner.tz)
    closed = _closed_keys(session, list(planner.plans))
    rows: list[PreviewRow] = []
    for subject in load_subjects(session, list(planner.plans)):
        series = planner.series(subject)
        for spec in planner.occurrences(subject, series):
            if spec.key in closed or planner.close_reason(subject, spec.kind, spec.due, series):
                continue
            for message in planner.messages(spec):
                if not now <= message.send_at < end:
                    continue
                if unit_id is not None and unit_id not in (message.recipient.unit_id, *subject.units):
                    continue
                rows.append(_row(planner, message, lang))
    rows.sort(key=lambda row: (row.send_at, row.plan, row.task, row.kind != ReminderKind.ESCALATION))
    return rows


def _closed_keys(session: Session, plan_ids: list[str]) -> set[str]:
    occurrences = table(db.Occurrence)
    query = sa.select(occurrences.c.key).where(
        occurrences.c.plan_id.in_(plan_ids), occurrences.c.state != OccurrenceState.OPEN.value
    )
    return set(session.execute(query).scalars())


def _row(planner: Planner, message: PlannedMessage, lang: str) -> PreviewRow:
    spec = message.occurrence
    return PreviewRow(
        plan=spec.subject.plan_id,
        subject=spec.subject.kind,
        task=spec.subject.key,
        title=spec.subject.title,
        occurrence=spec.key,
        due=spec.due,
        effective_due=spec.effective_due,
        kind=message.kind,
        step=message.step,
        recipient=message.recipient.shown,
        registered=message.recipient.person_id is not None,
        send_at=message.send_at.astimezone(planner.tz),
        why=why(planner, message, lang),
    )


def why(planner: Planner, message: PlannedMessage, lang: str) -> str:
    """Why this reminder is sent then, in the user's language (`nhắc trước 3 ngày làm việc`)."""
    spec = message.occurrence
    parts = [_reason(planner, message, lang)]
    if spec.effective_due != spec.due:
        shifted = msg.render(lang, msg.NOTE_SHIFTED, due=_day(spec.due), effective=_day(spec.effective_due))
        parts.append(shifted)
    cycle = spec.standard_cycle
    if cycle is not None:
        progress = spec.kind is OccurrenceKind.PROGRESS
        template = msg.NOTE_STANDARD_PROGRESS if progress else msg.NOTE_STANDARD_DAY
        parts.append(msg.render(lang, template, day=cycle.send_by_day, cycle=cycle.name))
    return "; ".join(parts)


def _reason(planner: Planner, message: PlannedMessage, lang: str) -> str:
    spec = message.occurrence
    if message.kind is ReminderKind.BEFORE:
        return msg.render(lang, msg.WHY_BEFORE, days=message.step)
    if message.kind is ReminderKind.DUE:
        return msg.render(lang, msg.WHY_DUE)
    if message.kind is ReminderKind.OVERDUE:
        return msg.render(lang, msg.WHY_OVERDUE, number=message.step)
    if message.kind is ReminderKind.ESCALATION:
        late = planner.calendar.working_days_between(
            planner.calendar.previous_working_day(spec.effective_due), message.send_at.date()
        )
        return msg.render(lang, msg.WHY_ESCALATION, days=late)
    if spec.subject.kind is SubjectKind.TARGET:
        horizon = spec.subject.horizon_due
        if horizon is None:
            return msg.render(lang, msg.WHY_PROGRESS_TARGET_OPEN)
        return msg.render(lang, msg.WHY_PROGRESS_TARGET, horizon=_day(horizon))
    return msg.render(lang, msg.WHY_PROGRESS_TASK)


def _day(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def kind_label(kind: ReminderKind, lang: str) -> str:
    template = {
        ReminderKind.BEFORE: msg.KIND_BEFORE,
        ReminderKind.DUE: msg.KIND_DUE,
        ReminderKind.OVERDUE: msg.KIND_OVERDUE,
        ReminderKind.ESCALATION: msg.KIND_ESCALATION,
        ReminderKind.PROGRESS: msg.KIND_PROGRESS,
    }[kind]
    return msg.render(lang, template)


@dataclass(frozen=True, slots=True)
class ChannelProjection:
    channel: str
    reminders: int
    """Messages in the window if every reminder went alone (the old way)."""
    messages: int
    """Messages in the window as check-ins."""
    per_month: int
    """`messages` scaled to 30 days."""
    budget: int | None


def project_messages(
    rows: list[PreviewRow],
    channel_of: dict[str, str],
    *,
    days: int,
    budgets: dict[str, int | None],
) -> list[ChannelProjection]:
    """Messages per channel over the window and per month: one per check-in, not per reminder.
    Only registered recipients count (the others cannot be sent anything yet)."""
    reminders: dict[str, int] = {}
    checkins: dict[str, set[str]] = {}
    for row in rows:
        channel = channel_of.get(row.recipient) if row.registered else None
        if channel is None:
            continue
        reminders[channel] = reminders.get(channel, 0) + 1
        checkins.setdefault(channel, set()).add(row.checkin)
    return [
        ChannelProjection(
            channel,
            reminders[channel],
            len(checkins[channel]),
            round(len(checkins[channel]) * 30 / days),
            budgets.get(channel),
        )
        for channel in sorted(reminders)
    ]


CHANNEL_PREFERENCE = ("telegram", "zalo", "console")
"""Where a person with several chats is reminded (`bot.outbox.context.choose_binding`)."""


def recipient_channels(session: Session, people: set[str]) -> dict[str, str]:
    """Person → the channel their reminders go to (the preferred chat that is not blocked)."""
    if not people:
        return {}
    bindings = table(db.ChatBinding)
    query = sa.select(bindings.c.person_id, bindings.c.channel).where(
        bindings.c.person_id.in_(sorted(people)), bindings.c.blocked_at.is_(None)
    )
    found: dict[str, str] = {}
    for person_id, channel in session.execute(query):
        kept = found.get(person_id)
        rank = CHANNEL_PREFERENCE.index(channel) if channel in CHANNEL_PREFERENCE else 9
        if kept is None or rank < (CHANNEL_PREFERENCE.index(kept) if kept in CHANNEL_PREFERENCE else 9):
            found[person_id] = channel
    return found
