"""Status history: the one place that records a task's progress.

History is append-only: a mistake is corrected by a new update that restores the status before
it (`correction_ref` marks it, naming the update it cancels), never by deleting or editing one.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from bot.db.models import Task, TaskStatus, TaskUpdate


def record_update(
    session: Session,
    task: Task,
    status: TaskStatus,
    *,
    at: dt.datetime,
    source: str,
    percent: int | None = None,
    note: str | None = None,
    author_person_id: str | None = None,
    source_ref: str | None = None,
) -> TaskUpdate:
    """Append an update to the task's history and keep `tasks.status` equal to the latest one.

    An update older than the one already shown (a late-arriving message) only joins the history.
    """
    if task.id is None:
        raise ValueError("the task must be flushed before updates are recorded")
    if percent is not None and not 0 <= percent <= 100:
        raise ValueError(f"percent must be between 0 and 100, got {percent}")
    update = TaskUpdate(
        task_id=task.id,
        author_person_id=author_person_id,
        at=at,
        status=status,
        percent=percent,
        note=note,
        source=source,
        source_ref=source_ref,
    )
    session.add(update)
    if task.status_at is None or at >= task.status_at:
        task.status = status
        task.status_percent = percent
        task.status_at = at
    return update


CORRECTION = "undo:"
"""`source_ref` of a correcting update: `undo:<id of the update it cancels>:<chat message>`."""


def correction_ref(undone: TaskUpdate, chat_reference: str) -> str:
    return f"{CORRECTION}{undone.id}:{chat_reference}"


def corrected_id(update: TaskUpdate) -> int | None:
    """The update a correcting update cancels (None for any other update)."""
    ref = update.source_ref or ""
    if not ref.startswith(CORRECTION):
        return None
    number = ref[len(CORRECTION) :].split(":", 1)[0]
    return int(number) if number.isdigit() else None
