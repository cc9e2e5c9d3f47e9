"""The reminder a button press or a reply points at, checked against the database, and snoozing.

Callback data and reply ids come from the chat platform, so they are never trusted: the outbox
row must exist, have been sent, belong to the person (or to a task their unit may report on), and
its occurrence must still be open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.chat.conversation.messages import NOT_A_TASK, NOT_YOUR_REMINDER, STALE_REMINDER, TASK_CLOSED
from bot.db.models import (
    Occurrence,
    OccurrenceState,
    OutboxKind,
    OutboxMessage,
    OutboxState,
    Person,
    ReportingObligation,
    Target,
    Task,
    TaskStatus,
)
from bot.people.permissions import can_report
from bot.reminders.snooze import snooze
from bot.workcal import WorkCalendar

DEFAULT_SEND_TIME = dt.time(8, 0)


class Stale(Exception):
    """The reminder cannot be answered; `template` is the message id to show."""

    def __init__(self, template: str, task: str | None = None) -> None:
        super().__init__(template)
        self.template = template
        self.task = task


@dataclass(frozen=True, slots=True)
class Reminder:
    row: OutboxMessage
    occurrence: Occurrence
    task: Task | None
    report: ReportingObligation | None
    target: Target | None = None
    """A target's progress check-in (`Đến năm 2030, 100% …`): no task status to record."""

    @property
    def title(self) -> str:
        if self.task is not None:
            return self.task.title
        if self.report is not None:
            return self.report.text
        return self.target.text if self.target is not None else ""


def quoted_reminder(
    session: Session, person: Person, channel: str, chat_id: str, message_id: str
) -> Reminder | None:
    """The reminder sent as message `message_id` of the chat (the one a reply quotes), checked as
    `checked_reminder` does; None when that message is no reminder."""
    row = session.exec(
        select(OutboxMessage).where(
            OutboxMessage.channel == channel,
            OutboxMessage.chat_id == chat_id,
            OutboxMessage.sent_message_id == message_id,
        )
    ).first()
    if row is None or row.id is None:
        return None
    return checked_reminder(session, person, row.id)


def checked_reminder(session: Session, person: Person, outbox_id: int) -> Reminder:
    """The reminder, if this person may answer it now; raises `Stale` with the reason."""
    row = session.get(OutboxMessage, outbox_id)
    if row is None or row.occurrence_id is None:
        raise Stale(STALE_REMINDER)
    occurrence = session.get(Occurrence, row.occurrence_id)
    if occurrence is None:
        raise Stale(STALE_REMINDER)
    task = session.get(Task, occurrence.task_id) if occurrence.task_id is not None else None
    report = (
        session.get(ReportingObligation, occurrence.reporting_id)
        if occurrence.reporting_id is not None
        else None
    )
    target = session.get(Target, occurrence.target_id) if occurrence.target_id is not None else None
    if row.person_id != person.id and not (task is not None and can_report(session, person, task)):
        raise Stale(NOT_YOUR_REMINDER)
    if row.state is not OutboxState.SENT:
        raise Stale(STALE_REMINDER)
    title = task.title if task is not None else (report.text if report is not None else None)
    if title is None and target is not None:
        title = target.text
    if occurrence.state is OccurrenceState.SUPERSEDED:
        raise Stale(STALE_REMINDER)
    if occurrence.state is not OccurrenceState.OPEN:
        raise Stale(TASK_CLOSED, title)
    if task is not None and (task.archived_at is not None or task.status is TaskStatus.DONE):
        raise Stale(TASK_CLOSED, task.title)
    if task is None and report is None and target is None:
        raise Stale(NOT_A_TASK)
    return Reminder(row, occurrence, task, report, target)


def snooze_until(
    row: OutboxMessage, days: int, now: dt.datetime, *, tz: ZoneInfo, calendar: WorkCalendar
) -> dt.datetime:
    """`days` working days from today, at the reminder's usual local hour (reminders never fire
    on a day off)."""
    day = calendar.add_working_days(now.astimezone(tz).date(), days)
    at = row.send_at.astimezone(tz).time() if row.send_at is not None else DEFAULT_SEND_TIME
    return dt.datetime.combine(day, at, tzinfo=tz).astimezone(dt.UTC)


def snooze_reminder(
    session: Session, person: Person, row: OutboxMessage, until: dt.datetime, now: dt.datetime
) -> None:
    """Remind the person again at `until` about the reminder's occurrence.

    A pending row is moved (`bot.reminders.snooze`). A sent one is answered by moving the
    person's next pending reminders of the same occurrence that would come earlier; when none is
    pending, one more reminder, a copy of this one, is queued for `until`.
    """
    if row.state is OutboxState.PENDING:
        snooze(session, row.id or 0, person.id, until, now)
        return
    pending = session.exec(
        select(OutboxMessage)
        .where(
            OutboxMessage.occurrence_id == row.occurrence_id,
            OutboxMessage.person_id == person.id,
            OutboxMessage.state == OutboxState.PENDING,
        )
        .order_by(col(OutboxMessage.next_attempt_at))
    ).all()
    earlier = [p for p in pending if p.next_attempt_at < until]
    for item in earlier:
        snooze(session, item.id or 0, person.id, until, now)
    if pending:
        return
    key = f"{row.idempotency_key}|snooze:{until.isoformat(timespec='minutes')}"
    if session.exec(select(OutboxMessage).where(OutboxMessage.idempotency_key == key)).first() is not None:
        return  # the same snooze pressed twice
    session.add(
        OutboxMessage(
            idempotency_key=key,
            kind=row.kind,
            step=row.step,
            occurrence_id=row.occurrence_id,
            person_id=person.id,
            send_at=until,
            next_attempt_at=until,
            state=OutboxState.PENDING,
            payload=row.payload,
            created_at=now,
            updated_at=now,
        )
    )
    session.flush()


def recent_reminders(
    session: Session, person: Person, now: dt.datetime, within: dt.timedelta = dt.timedelta(days=14)
) -> list[Reminder]:
    """The person's reminders sent recently whose occurrence is still open, newest first, one per
    occurrence."""
    rows = session.exec(
        select(OutboxMessage)
        .where(
            OutboxMessage.person_id == person.id,
            OutboxMessage.state == OutboxState.SENT,
            col(OutboxMessage.sent_at) >= now - within,
        )
        .order_by(col(OutboxMessage.sent_at).desc())
    ).all()
    found: list[Reminder] = []
    seen: set[int] = set()
    for row in rows:
        if row.occurrence_id is None or row.occurrence_id in seen or row.id is None:
            continue
        seen.add(row.occurrence_id)
        try:
            found.append(checked_reminder(session, person, row.id))
        except Stale:
            continue
    return found


ANSWERABLE = (OutboxKind.BEFORE, OutboxKind.DUE, OutboxKind.OVERDUE, OutboxKind.PROGRESS)
"""Reminders shown with numbered choices (an escalation informs the chief; a digest is a report)."""
CHOICE_WINDOW = dt.timedelta(days=3)
"""A bare «1» answers a reminder sent to the chat within this time."""


def latest_reminder_in_chat(
    session: Session,
    person: Person,
    channel: str,
    chat_id: str,
    now: dt.datetime,
    within: dt.timedelta = CHOICE_WINDOW,
) -> Reminder | None:
    """The newest reminder sent to this chat within `within` that the person may still answer.

    None when no reminder was sent there; raises `Stale` (the newest one's reason) when every
    recent reminder has been answered or closed, so a late «1» hears why nothing is recorded.
    """
    rows = session.exec(
        select(OutboxMessage)
        .where(
            OutboxMessage.channel == channel,
            OutboxMessage.chat_id == chat_id,
            OutboxMessage.state == OutboxState.SENT,
            col(OutboxMessage.kind).in_(ANSWERABLE),
            col(OutboxMessage.occurrence_id).is_not(None),
            col(OutboxMessage.sent_at) >= now - within,
        )
        .order_by(col(OutboxMessage.sent_at).desc(), col(OutboxMessage.id).desc())
    ).all()
    newest: Stale | None = None
    for row in rows:
        try:
            return checked_reminder(session, person, row.id or 0)
        except Stale as stale:
            newest = newest or stale
    if newest is not None:
        raise newest
    return None
