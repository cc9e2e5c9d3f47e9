"""Closing an occurrence when the task is done or the report is in (called by the chat layer).

After it records a task update (`bot.db.updates.record_update`) the chat layer calls
`close_task_occurrences`; after it records a report submission, `close_occurrence_if_done`.
Both only ever close: an occurrence never reopens, and its pending reminders are cancelled with
the reason in `error`.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session

from bot.db import models as db
from bot.db.models import OccurrenceKind, OccurrenceState
from bot.reminders.reasons import CloseReason
from bot.reminders.series import series_for
from bot.reminders.sqlbulk import cancel_pending, set_state, table
from bot.reminders.status_rule import close_reason
from bot.reminders.subjects import load_plans, load_subjects
from bot.schedules import ReportingCycles


def close_occurrence_if_done(
    session: Session,
    occurrence_id: int,
    now: dt.datetime,
    *,
    cycles: ReportingCycles,
    tz: ZoneInfo,
) -> bool:
    """Close the occurrence if its task is done / every reporting unit has submitted.

    For a report some of whose units have submitted, the reminders of those units' people are
    cancelled (the others keep theirs). Returns whether the occurrence is now closed.
    """
    occurrence = session.get(db.Occurrence, occurrence_id)
    if occurrence is None:
        raise LookupError(f"no occurrence with id {occurrence_id}")
    if occurrence.state is not OccurrenceState.OPEN:
        return occurrence.state is OccurrenceState.DONE
    if occurrence.reporting_id is not None:
        return _close_report(session, occurrence, now)
    if occurrence.task_id is not None:
        return occurrence_id in close_task_occurrences(session, occurrence.task_id, now, cycles=cycles, tz=tz)
    return False


def close_task_occurrences(
    session: Session,
    task_id: int,
    now: dt.datetime,
    *,
    cycles: ReportingCycles,
    tz: ZoneInfo,
) -> list[int]:
    """Close the task's open occurrences that its latest status answers; returns their ids."""
    session.flush()
    task = session.get(db.Task, task_id)
    if task is None:
        raise LookupError(f"no task with id {task_id}")
    subject = next(iter(load_subjects(session, [task.plan_id], task_id=task_id)), None)
    plans = load_plans(session, [task.plan_id])
    if subject is None or task.plan_id not in plans:
        return []
    today = now.astimezone(tz).date()
    series = series_for(subject, plans[task.plan_id], cycles, today)
    closing: dict[CloseReason, list[int]] = {}
    for occurrence_id, kind, due in _open_occurrences(session, task_id):
        reason = close_reason(subject, kind, due, series, tz)
        if reason is not None:
            closing.setdefault(reason, []).append(occurrence_id)
    for reason, ids in closing.items():
        set_state(session, ids, reason.state, now)
        cancel_pending(session, ids, reason.value, now)
    return [occurrence_id for ids in closing.values() for occurrence_id in ids]


def _open_occurrences(session: Session, task_id: int) -> list[tuple[int, OccurrenceKind, dt.date]]:
    occurrences = table(db.Occurrence)
    query = sa.select(occurrences.c.id, occurrences.c.kind, occurrences.c.due).where(
        occurrences.c.task_id == task_id, occurrences.c.state == OccurrenceState.OPEN.value
    )
    return [(row.id, row.kind, row.due) for row in session.execute(query)]


def _close_report(session: Session, occurrence: db.Occurrence, now: dt.datetime) -> bool:
    session.flush()
    assert occurrence.id is not None and occurrence.reporting_id is not None
    units = table(db.ReportingUnit)
    submissions = table(db.ReportSubmission)
    who = set(
        session.execute(
            sa.select(units.c.unit_id).where(units.c.reporting_id == occurrence.reporting_id)
        ).scalars()
    )
    submitted = set(
        session.execute(
            sa.select(submissions.c.unit_id).where(submissions.c.occurrence_id == occurrence.id)
        ).scalars()
    )
    if submitted and who <= submitted:
        set_state(session, [occurrence.id], OccurrenceState.DONE, now)
        cancel_pending(session, [occurrence.id], CloseReason.REPORT_SUBMITTED.value, now)
        return True
    if submitted:
        people = table(db.Person)
        person_ids = list(
            session.execute(sa.select(people.c.id).where(people.c.unit_id.in_(sorted(submitted)))).scalars()
        )
        cancel_pending(session, [occurrence.id], CloseReason.UNIT_SUBMITTED.value, now, person_ids)
    return False
