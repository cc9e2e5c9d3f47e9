"""What the reminder planner needs from the synced plans, read in a few bulk queries.

A *subject* is anything with a deadline: a task, a reporting obligation or a target. Rows are
read as plain tuples (no ORM objects) because a province may have 100,000 tasks.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from bot.db import models as db
from bot.deadlines.model import Freq, Kind, Recurrence
from bot.plans.model import ReminderPolicyOverride
from bot.reminders.sqlbulk import table


class SubjectKind(StrEnum):
    TASK = "task"
    REPORT = "report"
    TARGET = "target"


@dataclass(frozen=True, slots=True)
class Subject:
    kind: SubjectKind
    id: int
    plan_id: str
    key: str
    """The document's own numbering (`III.1.a`), shown to people."""
    title: str
    units: tuple[str, ...]
    """Who must act: the lead unit (task, target) or every reporting unit (report)."""
    support: tuple[str, ...]
    leader_person_id: str | None
    deadline_kind: Kind
    due: dt.date | None
    due_time: dt.time | None
    recurrence: Recurrence | None
    horizon_due: dt.date | None = None
    """Targets only: the horizon's last day."""
    done: bool = False
    """Tasks only: the latest status is `done`."""
    status_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class PlanInfo:
    id: str
    monitor_unit_id: str | None
    reminders: ReminderPolicyOverride | None
    progress_rule: Recurrence | None
    """The plan's reporting cycle (its first reporting obligation that gives dates), if any."""


def recurrence_of(
    freq: Freq | None,
    day: int | None,
    months: str | None,
    weekday: int | None,
    window_start: int | None,
    exceptions: str | None,
) -> Recurrence | None:
    if freq is None:
        return None
    month_tuple = tuple(int(part) for part in months.split(",")) if months else None
    return Recurrence(
        freq=freq,
        day=day,
        months=month_tuple,
        weekday=weekday,
        window_start=window_start,
        exceptions=Recurrence.exceptions_from(exceptions),
    )


def policy_override(data: dict[str, Any] | None) -> ReminderPolicyOverride | None:
    return ReminderPolicyOverride.model_validate(data) if data else None


def load_plans(session: Session, plan_ids: Iterable[str] | None = None) -> dict[str, PlanInfo]:
    """Active plans (all, or those named), each with its reporting cycle."""
    plans = table(db.Plan)
    query = sa.select(plans.c.id, plans.c.monitor_unit_id, plans.c.reminders).where(
        plans.c.archived_at.is_(None)
    )
    if plan_ids is not None:
        query = query.where(plans.c.id.in_(list(plan_ids)))
    rows = session.execute(query).all()
    rules = _plan_cycles(session, [row.id for row in rows])
    return {
        row.id: PlanInfo(row.id, row.monitor_unit_id, policy_override(row.reminders), rules.get(row.id))
        for row in rows
    }


def _plan_cycles(session: Session, plan_ids: list[str]) -> dict[str, Recurrence]:
    reports = table(db.ReportingObligation)
    query = (
        sa.select(
            reports.c.plan_id,
            reports.c.recurrence_freq,
            reports.c.recurrence_day,
            reports.c.recurrence_months,
            reports.c.recurrence_weekday,
            reports.c.recurrence_window_start,
            reports.c.recurrence_exceptions,
        )
        .where(
            reports.c.archived_at.is_(None),
            reports.c.plan_id.in_(plan_ids),
            reports.c.deadline_kind == Kind.RECURRING.value,
        )
        .order_by(reports.c.plan_id, reports.c.position)
    )
    rules: dict[str, Recurrence] = {}
    for row in session.execute(query):
        rule = recurrence_of(*row[1:])
        if row.plan_id not in rules and rule is not None and rule.has_dates:
            rules[row.plan_id] = rule
    return rules


def _deadline_columns(rows: sa.Table) -> list[sa.ColumnElement[Any]]:
    return [
        rows.c.deadline_kind,
        rows.c.due,
        rows.c.due_time,
        rows.c.recurrence_freq,
        rows.c.recurrence_day,
        rows.c.recurrence_months,
        rows.c.recurrence_weekday,
        rows.c.recurrence_window_start,
        rows.c.recurrence_exceptions,
    ]


def _links(
    session: Session,
    links_table: sa.Table,
    owner: str,
    owners: sa.Table,
    plan_ids: list[str],
) -> dict[int, tuple[str, ...]]:
    query = (
        sa.select(links_table.c[owner], links_table.c.unit_id)
        .join(owners, owners.c.id == links_table.c[owner])
        .where(owners.c.plan_id.in_(plan_ids), owners.c.archived_at.is_(None))
        .order_by(links_table.c[owner], links_table.c.unit_id)
    )
    links: dict[int, list[str]] = defaultdict(list)
    for owner_id, unit_id in session.execute(query):
        links[owner_id].append(unit_id)
    return {owner_id: tuple(units) for owner_id, units in links.items()}


def load_subjects(session: Session, plan_ids: list[str], *, task_id: int | None = None) -> list[Subject]:
    """Every active task, reporting obligation and target of the plans, in plan order (or only
    the task `task_id`, for the chat layer's check after an update)."""
    subjects: list[Subject] = []
    tasks = table(db.Task)
    support = _links(session, table(db.TaskSupportUnit), "task_id", tasks, plan_ids)
    query = (
        sa.select(
            tasks.c.id,
            tasks.c.plan_id,
            tasks.c.key,
            tasks.c.title,
            tasks.c.lead_unit_id,
            tasks.c.leader_person_id,
            tasks.c.status,
            tasks.c.status_at,
            *_deadline_columns(tasks),
        )
        .where(tasks.c.plan_id.in_(plan_ids), tasks.c.archived_at.is_(None))
        .order_by(tasks.c.plan_id, tasks.c.position)
    )
    if task_id is not None:
        query = query.where(tasks.c.id == task_id)
    for row in session.execute(query):
        subjects.append(
            Subject(
                SubjectKind.TASK,
                row.id,
                row.plan_id,
                row.key,
                row.title,
                (row.lead_unit_id,) if row.lead_unit_id else (),
                support.get(row.id, ()),
                row.leader_person_id,
                row.deadline_kind,
                row.due,
                row.due_time,
                recurrence_of(*row[-6:]),
                done=row.status == db.TaskStatus.DONE,
                status_at=row.status_at,
            )
        )
    if task_id is not None:
        return subjects

    reports = table(db.ReportingObligation)
    who = _links(session, table(db.ReportingUnit), "reporting_id", reports, plan_ids)
    query = (
        sa.select(reports.c.id, reports.c.plan_id, reports.c.key, reports.c.text, *_deadline_columns(reports))
        .where(reports.c.plan_id.in_(plan_ids), reports.c.archived_at.is_(None))
        .order_by(reports.c.plan_id, reports.c.position)
    )
    for row in session.execute(query):
        subjects.append(
            Subject(
                SubjectKind.REPORT,
                row.id,
                row.plan_id,
                row.key,
                row.text,
                who.get(row.id, ()),
                (),
                None,
                row.deadline_kind,
                row.due,
                row.due_time,
                recurrence_of(*row[-6:]),
            )
        )

    targets = table(db.Target)
    target_support = _links(session, table(db.TargetSupportUnit), "target_id", targets, plan_ids)
    query = (
        sa.select(
            targets.c.id,
            targets.c.plan_id,
            targets.c.key,
            targets.c.text,
            targets.c.lead_unit_id,
            targets.c.horizon_due,
        )
        .where(targets.c.plan_id.in_(plan_ids), targets.c.archived_at.is_(None))
        .order_by(targets.c.plan_id, targets.c.position)
    )
    for row in session.execute(query):
        subjects.append(
            Subject(
                SubjectKind.TARGET,
                row.id,
                row.plan_id,
                row.key,
                row.text,
                (row.lead_unit_id,) if row.lead_unit_id else (),
                target_support.get(row.id, ()),
                None,
                Kind.ONCE if row.horizon_due else Kind.NONE,
                row.horizon_due,
                None,
                None,
                horizon_due=row.horizon_due,
            )
        )
    return subjects
