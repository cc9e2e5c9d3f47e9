"""Recording a status update that arrived in chat.

History is append-only (`bot.db.updates.record_update`): a new update never replaces an earlier
one, and the task's current status follows the latest. The evidence is kept beside it: the chat
message it came from (`task_updates.source_ref`) and the files sent with it, as references to the
platform's files (`task_update_attachments`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.channels.events import Attachment, SourceMessage
from bot.db.models import Person, Task, TaskStatus, TaskUpdate, TaskUpdateAttachment
from bot.db.updates import record_update
from bot.people.errors import NotAllowed, NotUnderstood, msg
from bot.people.messages import NO_STATUS, NOT_ALLOWED_REPORT, NOT_UNDERSTOOD
from bot.people.permissions import can_report
from bot.reminders.closing import close_task_occurrences
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
        select(TaskUpdate).where(TaskUpdate.task_id == task.id).order_by(col(TaskUpdate.at).desc(),
                                                                       col(TaskUpdate.id).desc())
    ).first()
    update = record_update(
        session, task, status, at=now, source=source_message.channel, percent=understanding.percent,
        note=understanding.note, author_person_id=person.id, source_ref=source_message.reference(),
    )
    session.flush()
    assert update.id is not None
    session.add_all(
        TaskUpdateAttachment(
            update_id=update.id, channel=source_message.channel, kind=item.kind,
            file_id=item.file_id, file_name=item.file_name,
        )
        for item in attachments
    )
    # Done (or reported for this period) answers the task's open occurrences: close them and
    # cancel their pending reminders (the reminder engine's rule).
    close_task_occurrences(session, update.task_id, now, tz=tz, cycles=cycles)
    shown = previous if previous is not None and previous.author_person_id != person.id else None
    return FiledUpdate(update=update, previous=shown)

