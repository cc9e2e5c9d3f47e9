"""Recording a status update that arrived in chat.

History is append-only (`bot.db.updates.record_update`): a new update never replaces an earlier
one, and the task's current status follows the latest. A mistake (`nhầm rồi`, `/sua`) is corrected
by one more update that restores the status before it (`correct_update`), never by deleting one.
The evidence is kept beside it: the chat message it came from (`task_updates.source_ref`) and the
files sent with it, as references to the platform's files (`task_update_attachments`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.channels.events import Attachment, SourceMessage
from bot.db.models import (
    Occurrence,
    OccurrenceState,
    OutboxMessage,
    OutboxState,
    Person,
    Task,
    TaskStatus,
    TaskUpdate,
    TaskUpdateAttachment,
)
from bot.db.updates import corrected_id, correction_ref, record_update
from bot.people.errors import NotAllowed, NotUnderstood, msg
from bot.people.messages import NO_STATUS, NOT_ALLOWED_REPORT, NOT_UNDERSTOOD
from bot.people.permissions import can_report
from bot.reminders.closing import close_task_occurrences
from bot.reminders.reasons import CloseReason
from bot.schedules import ReportingCycles
from bot.understand import Understanding


@dataclass(frozen=True, slots=True)
class FiledUpdate:
    update: TaskUpdate
    previous: TaskUpdate | None
    """The update that was the latest before this one, when somebody else wrote it: the chat
    tells the person, so nobody's report is replaced without them knowing."""


def file_update(
    session: Session,
    *,
    person: Person,
    task: Task,
    understanding: Understanding,
    source_message: SourceMessage,
    attachments: tuple[Attachment, ...] | list[Attachment] = (),
    now: dt.datetime,
    tz: ZoneInfo,
    cycles: ReportingCycles,
) -> FiledUpdate:
    """Check the person may report on the task, then append the update to its history.

    Raises `NotAllowed` or `NotUnderstood` (nothing is written) — their `message(lang)` says why.
    `tz` and `cycles` (the office's time zone and reporting cycles) decide which occurrences it closes.
    """
    if not can_report(session, person, task):
        raise NotAllowed(NOT_ALLOWED_REPORT, task=task.key, title=task.title, unit=person.unit_id)
    status: TaskStatus | None = understanding.status
    if status is None or understanding.problem is not None:
        question = understanding.question or msg(NO_STATUS)
        raise NotUnderstood(NOT_UNDERSTOOD, task=task.key, question=question)
    previous = session.exec(
        select(TaskUpdate)
        .where(TaskUpdate.task_id == task.id)
        .order_by(col(TaskUpdate.at).desc(), col(TaskUpdate.id).desc())
    ).first()
    update = record_update(
        session,
        task,
        status,
        at=now,
        source=source_message.channel,
        percent=understanding.percent,
        note=understanding.note,
        author_person_id=person.id,
        source_ref=source_message.reference(),
    )
    session.flush()
    assert update.id is not None
    session.add_all(
        TaskUpdateAttachment(
            update_id=update.id,
            channel=source_message.channel,
            kind=item.kind,
            file_id=item.file_id,
            file_name=item.file_name,
        )
        for item in attachments
    )
    # Done (or reported for this period) answers the task's open occurrences: close them and
    # cancel their pending reminders (the reminder engine's rule).
    close_task_occurrences(session, update.task_id, now, tz=tz, cycles=cycles)
    shown = previous if previous is not None and previous.author_person_id != person.id else None
    return FiledUpdate(update=update, previous=shown)


@dataclass(frozen=True, slots=True)
class Correction:
    undone: TaskUpdate
    """The update cancelled."""
    update: TaskUpdate
    """The correcting update (the status before `undone`, restored)."""
    reopened: int
    """Deadlines of the task that `undone` had closed and that are open again."""


class NothingToCorrect(Exception):
    """No update of the person's today, or it was corrected or superseded already."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        """`none`, `corrected` or `superseded`."""


def latest_own_update(session: Session, person: Person, *, since: dt.datetime) -> TaskUpdate | None:
    """The person's newest update at or after `since` (the start of their working day)."""
    return session.exec(
        select(TaskUpdate)
        .where(TaskUpdate.author_person_id == person.id, col(TaskUpdate.at) >= since)
        .order_by(col(TaskUpdate.at).desc(), col(TaskUpdate.id).desc())
    ).first()


def correct_update(
    session: Session,
    *,
    person: Person,
    since: dt.datetime,
    note: Callable[[TaskUpdate], str],
    source_message: SourceMessage,
    now: dt.datetime,
) -> Correction:
    """Cancel the person's newest update since `since` with a correcting update that restores the
    status before it; deadlines it closed open again (their future reminders come back).

    Raises `NothingToCorrect`. History keeps both updates; `note(undone)` is the correction's note.
    """
    undone = latest_own_update(session, person, since=since)
    if undone is None:
        raise NothingToCorrect("none")
    if corrected_id(undone) is not None:
        raise NothingToCorrect("corrected")
    history = list(
        session.exec(
            select(TaskUpdate)
            .where(TaskUpdate.task_id == undone.task_id)
            .order_by(col(TaskUpdate.at).desc(), col(TaskUpdate.id).desc())
        ).all()
    )
    if history[0].id != undone.id:
        raise NothingToCorrect("superseded")  # somebody reported on the task since: theirs stands
    before = history[1] if len(history) > 1 else None
    task = session.get(Task, undone.task_id)
    assert task is not None
    update = record_update(
        session,
        task,
        before.status if before is not None else TaskStatus.NOT_STARTED,
        at=now,
        source=source_message.channel,
        percent=before.percent if before is not None else None,
        note=note(undone),
        author_person_id=person.id,
        source_ref=correction_ref(undone, source_message.reference()),
    )
    session.flush()
    reopened = _reopen(session, task, since=undone.at, now=now) if task.status is not TaskStatus.DONE else 0
    return Correction(undone=undone, update=update, reopened=reopened)


_REOPENED_REASONS = (CloseReason.TASK_DONE.value, CloseReason.PROGRESS_REPORTED.value)


def _reopen(session: Session, task: Task, *, since: dt.datetime, now: dt.datetime) -> int:
    """The task's deadlines closed by an update at `since` or later, open again, with their
    reminders still to come (those whose time has passed stay cancelled: they would come late)."""
    occurrences = session.exec(
        select(Occurrence).where(
            Occurrence.task_id == task.id,
            Occurrence.state == OccurrenceState.DONE,
            col(Occurrence.closed_at) >= since,
        )
    ).all()
    for occurrence in occurrences:
        occurrence.state = OccurrenceState.OPEN
        occurrence.closed_at = None
        occurrence.updated_at = now
        reminders = session.exec(
            select(OutboxMessage).where(
                OutboxMessage.occurrence_id == occurrence.id,
                OutboxMessage.state == OutboxState.CANCELLED,
                col(OutboxMessage.error).in_(_REOPENED_REASONS),
                col(OutboxMessage.updated_at) >= since,
                col(OutboxMessage.send_at) > now,
            )
        ).all()
        for row in reminders:
            row.state = OutboxState.PENDING
            row.error = None
            row.next_attempt_at = row.send_at
            row.updated_at = now
    session.flush()
    return len(occurrences)
