"""A person's tasks nearest deadline first (`/viec`) and their overdue tasks (`/quahan`).

A task's date is `tasks.effective_due` (already moved off a day off, BLDS Điều 148); a recurring
or continuous task has none, so its earliest open deadline occurrence stands in when the reminder
engine has materialised one. Tasks with no date at all come last, in document order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from bot.db.models import (
    Occurrence,
    OccurrenceKind,
    OccurrenceState,
    Person,
    Plan,
    Task,
    TaskStatus,
    TaskSupportUnit,
)
from bot.people.permissions import SEES_EVERYTHING
from bot.workcal import WorkCalendar


@dataclass(frozen=True, slots=True)
class TaskDue:
    task: Task
    due: dt.date | None
    """The effective deadline (a working day), or None for a task without one."""
    leads: bool
    """The person's unit leads the task (rather than supporting it)."""


@dataclass(frozen=True, slots=True)
class OverdueTask:
    task: Task
    due: dt.date
    working_days_late: int


def tasks_for(session: Session, person: Person, *, open_only: bool = True) -> list[TaskDue]:
    """The tasks the person's unit leads or supports (what they report on), nearest deadline first."""
    supported = select(TaskSupportUnit.task_id).where(TaskSupportUnit.unit_id == person.unit_id)
    query = _live_tasks().where(sa.or_(col(Task.lead_unit_id) == person.unit_id, col(Task.id).in_(supported)))
    if open_only:
        query = query.where(col(Task.status) != TaskStatus.DONE)
    rows = session.exec(query).all()
    dues = _occurrence_dues(session, [task.id for task in rows if task.id is not None])
    listed = [
        TaskDue(task, task.effective_due or dues.get(task.id or 0), task.lead_unit_id == person.unit_id)
        for task in rows
    ]
    return sorted(listed, key=_nearest_first)


def overdue_for(
    session: Session, person: Person, *, today: dt.date, calendar: WorkCalendar
) -> list[OverdueTask]:
    """Unfinished tasks whose deadline has passed, most overdue first: the person's unit's tasks,
    or every task for chiefs and admins (they follow the whole office)."""
    if person.role in SEES_EVERYTHING:
        rows = session.exec(_live_tasks().where(col(Task.status) != TaskStatus.DONE)).all()
        dues = _occurrence_dues(session, [task.id for task in rows if task.id is not None])
        listed = [TaskDue(task, task.effective_due or dues.get(task.id or 0), False) for task in rows]
    else:
        listed = tasks_for(session, person, open_only=True)
    late = [
        OverdueTask(item.task, item.due, calendar.working_days_between(item.due, today))
        for item in listed
        if item.due is not None and item.due < today
    ]
    return sorted(late, key=lambda item: (item.due, item.task.plan_id, item.task.position))


def _live_tasks() -> SelectOfScalar[Task]:
    return (
        select(Task)
        .join(Plan, col(Plan.id) == col(Task.plan_id))
        .where(col(Task.archived_at).is_(None), col(Plan.archived_at).is_(None))
    )


def _occurrence_dues(session: Session, task_ids: list[int]) -> dict[int, dt.date]:
    if not task_ids:
        return {}
    query = (
        select(Occurrence.task_id, sa.func.min(Occurrence.effective_due))
        .where(
            col(Occurrence.task_id).in_(task_ids),
            Occurrence.kind == OccurrenceKind.DEADLINE,
            Occurrence.state == OccurrenceState.OPEN,
        )
        .group_by(col(Occurrence.task_id))
    )
    return {task_id: due for task_id, due in session.exec(query).all() if task_id is not None}


def _nearest_first(item: TaskDue) -> tuple[bool, dt.date, str, int]:
    return (item.due is None, item.due or dt.date.max, item.task.plan_id, item.task.position)
