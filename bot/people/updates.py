"""Recording a status update that arrived in chat.

History is append-only (`bot.db.updates.record_update`): a new update never replaces an earlier
one, and the task's current status follows the latest. The schema has no attachments table yet,
so the evidence — the chat message the update came from and the files sent with it (channel file
ids) — is kept at the end of the update's note as one structured line:

    <the person's note>
    [nhacviec] {"message": "telegram:12345:678", "attachments": [{"kind": "photo", "file_id": "…"}]}

`split_note` reads it back.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.chat.understand import Understanding
from bot.db.models import Person, Task, TaskStatus, TaskUpdate
from bot.db.updates import record_update
from bot.people.errors import NotAllowed, NotUnderstood, msg
from bot.people.messages import NO_STATUS, NOT_ALLOWED_REPORT, NOT_UNDERSTOOD
from bot.people.permissions import can_report
from bot.reminders.closing import close_task_occurrences

EVIDENCE_MARK = "[nhacviec] "


@dataclass(frozen=True, slots=True)
class SourceMessage:
    channel: str
    """`telegram`, `zalo`, `console`: becomes the update's `source`."""
    chat_id: str
    message_id: str

    def reference(self) -> str:
        return f"{self.channel}:{self.chat_id}:{self.message_id}"


@dataclass(frozen=True, slots=True)
class Attachment:
    kind: str
    """`document` or `photo`."""
    file_id: str
    """The platform's file id (fetch it again through the channel's API)."""
    file_name: str | None = None


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
    tz: ZoneInfo | None = None,
) -> FiledUpdate:
    """Check the person may report on the task, then append the update to its history.

    Raises `NotAllowed` or `NotUnderstood` (nothing is written) — their `message(lang)` says why.
    `tz` is the office's time zone (default: the settings'), for the occurrences it closes.
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
        note=join_note(understanding.note, source_message, attachments), author_person_id=person.id,
    )
    # Done (or reported for this period) answers the task's open occurrences: close them and
    # cancel their pending reminders (the reminder engine's rule).
    close_task_occurrences(session, update.task_id, now, tz=tz)
    shown = previous if previous is not None and previous.author_person_id != person.id else None
    return FiledUpdate(update=update, previous=shown)


def join_note(
    note: str | None, source: SourceMessage, attachments: tuple[Attachment, ...] | list[Attachment]
) -> str:
    evidence = {"message": source.reference(), "attachments": [asdict(item) for item in attachments]}
    line = EVIDENCE_MARK + json.dumps(evidence, ensure_ascii=False, separators=(", ", ": "))
    return f"{note}\n{line}" if note else line


def split_note(stored: str | None) -> tuple[str | None, dict[str, object] | None]:
    """The person's note and the evidence (message reference, attachments) of a stored note."""
    if stored is None:
        return None, None
    head, _, last = stored.rpartition("\n")
    candidate = last if last.startswith(EVIDENCE_MARK) else None
    if candidate is None:
        return stored, None
    try:
        evidence = json.loads(candidate[len(EVIDENCE_MARK) :])
    except json.JSONDecodeError:
        return stored, None
    if not isinstance(evidence, dict):
        return stored, None
    return (head or None), evidence
