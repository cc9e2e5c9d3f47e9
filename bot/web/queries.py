"""What the pages show, each list one SQL statement, cut in SQL (only the rows shown are read).

A task's standing (the government's five categories, `bot.digest.model.Standing`) follows the
digest's rules (`bot.digest.queries`), as of today: the due date is `effective_due`, or for a
recurring task the earliest open period; "hoàn thành đúng hạn" is a `done` whose day is on or
before it; a task nobody updated is "đang thực hiện". The digest's own statement is not reused
here: it covers whole plans as of any past day, while the pages need today's standing restricted
to what the viewer sees and to the period asked for, which lets this one read `tasks.status`
(the copy of the latest update) and never the history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from bot.db.models import (
    Occurrence,
    OccurrenceKind,
    OccurrenceState,
    OutboxKind,
    OutboxMessage,
    Person,
    Plan,
    ReportingObligation,
    ReportingUnit,
    ReportSubmission,
    Task,
    TaskStatus,
    TaskSupportUnit,
    TaskUpdate,
    TaskUpdateAttachment,
    Unit,
)
from bot.deadlines.model import Kind
from bot.digest.model import ReportUnitLine, Standing, StandingCounts
from bot.digest.queries import cutoff_of, local_day
from bot.web.access import Viewer, visible_tasks
from bot.web.filters import Filters
from bot.workcal import WorkCalendar

OVERDUE_LIMIT = 200
"""Rows on the overdue page; the total is said, the workbook has them all."""
ARCHIVE_LIMIT = 200


@dataclass(frozen=True, slots=True)
class Row:
    """A plan or a unit with its counts."""

    id: str
    label: str
    title: str
    counts: StandingCounts


@dataclass(frozen=True, slots=True)
class Overview:
    plans: list[Row]
    units: list[Row]
    totals: StandingCounts


@dataclass(frozen=True, slots=True)
class OverdueLine:
    task_id: int
    plan_id: str
    plan_number: str
    key: str
    title: str
    unit: str | None
    leader: str | None
    due: dt.date
    working_days_late: int
    status: str
    percent: int | None


@dataclass(frozen=True, slots=True)
class Choice:
    id: str
    label: str


def _tables() -> tuple[Any, ...]:
    return (
        Task.__table__,  # type: ignore[attr-defined]
        Occurrence.__table__,  # type: ignore[attr-defined]
        Plan.__table__,  # type: ignore[attr-defined]
        Unit.__table__,  # type: ignore[attr-defined]
        Person.__table__,  # type: ignore[attr-defined]
    )


def task_state(
    connection: Connection, viewer: Viewer, filters: Filters, today: dt.date, tz: ZoneInfo, now: dt.datetime
) -> sa.Subquery:
    """One row per live task the viewer sees under the filters, with its due date and standing."""
    tasks, occurrences, *_ = _tables()
    t = tasks.alias("t")
    o = occurrences.alias("o")
    # A recurring task's due date is its earliest open period: one seek in the occurrences'
    # (task_id, kind, state, effective_due) index. Only recurring tasks are looked up: continuous
    # and undated ones (most of a province's) have no deadline periods, one-off ones their date.
    open_period_due = (
        sa.select(sa.func.min(o.c.effective_due))
        .where(
            o.c.task_id == t.c.id,
            o.c.kind == OccurrenceKind.DEADLINE.value,
            o.c.state == OccurrenceState.OPEN.value,
        )
        .scalar_subquery()
    )
    due = sa.case(
        (t.c.effective_due.is_not(None), t.c.effective_due),
        (t.c.deadline_kind == Kind.RECURRING.value, open_period_due),
        else_=sa.null(),
    )
    where: list[ColumnElement[bool]] = [t.c.archived_at.is_(None)]
    if filters.plan:
        where.append(t.c.plan_id == filters.plan)
    if filters.unit:
        supported = sa.select(TaskSupportUnit.__table__.c.task_id).where(  # type: ignore[attr-defined]
            TaskSupportUnit.__table__.c.unit_id == filters.unit  # type: ignore[attr-defined]
        )
        where.append(sa.or_(t.c.lead_unit_id == filters.unit, t.c.id.in_(supported)))
    seen = visible_tasks(viewer, t)
    if seen is not None:
        where.append(seen)
    # Narrow on purpose: the counts read 25,000 rows, and titles or notes would only weigh them
    # down; the lists join the few tasks they show to `tasks` afterwards.
    inner = (
        sa.select(
            t.c.id.label("task_id"),
            t.c.plan_id,
            t.c.position,
            t.c.lead_unit_id,
            t.c.status,
            t.c.status_at,
            due.label("due"),
        )
        .where(*where)
        .subquery("inner_state")
    )
    done_day = local_day(inner.c.status_at, tz, now, connection.dialect.name)
    done = inner.c.status == TaskStatus.DONE.value
    standing = sa.case(
        (inner.c.due.is_(None), Standing.NO_DEADLINE.value),
        (sa.and_(done, done_day <= inner.c.due), Standing.DONE_ON_TIME.value),
        (done, Standing.DONE_LATE.value),
        (inner.c.due >= today, Standing.OPEN_IN_TIME.value),
        else_=Standing.OPEN_OVERDUE.value,
    )
    state = sa.select(*inner.c, standing.label("standing"))
    if filters.period is not None:
        state = state.where(inner.c.due.between(filters.period.start, filters.period.end))
    return state.subquery("task_state")


def _sums(state: Any) -> list[ColumnElement[Any]]:
    return [
        sa.func.sum(sa.case((state.c.standing == member.value, 1), else_=0)).label(member.value)
        for member in Standing
    ]


def _counts(row: Any) -> StandingCounts:
    return StandingCounts(*(int(getattr(row, member.value) or 0) for member in Standing))


def overview(
    connection: Connection, viewer: Viewer, filters: Filters, today: dt.date, tz: ZoneInfo, now: dt.datetime
) -> Overview:
    """Counts per plan and per lead unit: one GROUP BY (plan, unit, standing) over the task set,
    at most plans × units × 5 rows, summed both ways here (one pass over the tasks, not two)."""
    _, _, plans, units, _ = _tables()
    state = task_state(connection, viewer, filters, today, tz, now)
    cells = connection.execute(
        sa.select(
            state.c.plan_id, state.c.lead_unit_id, state.c.standing, sa.func.count().label("n")
        ).group_by(state.c.plan_id, state.c.lead_unit_id, state.c.standing)
    ).all()
    by_plan: dict[str, dict[str, int]] = {}
    by_unit: dict[str, dict[str, int]] = {}
    for plan_id, unit_id, standing, count in cells:
        plan_counts = by_plan.setdefault(plan_id, {})
        plan_counts[standing] = plan_counts.get(standing, 0) + count
        if unit_id is not None:
            unit_counts = by_unit.setdefault(unit_id, {})
            unit_counts[standing] = unit_counts.get(standing, 0) + count
    # Names of every plan and unit: a directory and a plan list are small, and reading them whole
    # is cheaper than a 500-id IN list.
    plan_names = [
        row
        for row in connection.execute(sa.select(plans.c.id, plans.c.number, plans.c.title))
        if row.id in by_plan
    ]
    unit_names: dict[str, str] = {}
    for unit_id, name in connection.execute(sa.select(units.c.id, units.c.name)):
        unit_names[unit_id] = name
    plan_rows = sorted(
        (Row(row.id, row.number, row.title, _standing_counts(by_plan[row.id])) for row in plan_names),
        key=lambda row: row.id,
    )
    unit_rows = sorted(
        (
            Row(
                unit_id,
                unit_names.get(unit_id, unit_id),
                unit_names.get(unit_id, unit_id),
                _standing_counts(counts),
            )
            for unit_id, counts in by_unit.items()
        ),
        key=lambda row: (-row.counts.total, row.label),
    )
    totals = sum((row.counts for row in plan_rows), StandingCounts())
    return Overview(plan_rows, unit_rows, totals)


def _standing_counts(counts: dict[str, int]) -> StandingCounts:
    return StandingCounts(*(counts.get(member.value, 0) for member in Standing))


def overdue(
    connection: Connection,
    viewer: Viewer,
    filters: Filters,
    today: dt.date,
    tz: ZoneInfo,
    now: dt.datetime,
    calendar: WorkCalendar,
    limit: int = OVERDUE_LIMIT,
) -> tuple[list[OverdueLine], int]:
    """Open tasks past their due date, the latest first (the oldest due date), and how many."""
    tasks, _, plans, units, people = _tables()
    state = task_state(connection, viewer, filters, today, tz, now)
    # The overdue set once: its size rides on each row (a window count), so the task state is
    # not computed a second time for the total; the rows shown are picked, then joined.
    late = (
        sa.select(state.c.task_id, state.c.due, sa.func.count().over().label("total"))
        .where(state.c.standing == Standing.OPEN_OVERDUE.value)
        .order_by(state.c.due, state.c.plan_id, state.c.position)
        .limit(limit)
        .subquery("late")
    )
    rows = connection.execute(
        sa.select(
            late.c.total,
            late.c.task_id,
            late.c.due,
            tasks.c.plan_id,
            plans.c.number,
            tasks.c.key,
            tasks.c.title,
            tasks.c.status,
            tasks.c.status_percent,
            units.c.name.label("unit"),
            sa.func.coalesce(people.c.name, tasks.c.leader_text).label("leader"),
        )
        .select_from(
            late.join(tasks, tasks.c.id == late.c.task_id)
            .join(plans, plans.c.id == tasks.c.plan_id)
            .outerjoin(units, units.c.id == tasks.c.lead_unit_id)
            .outerjoin(people, people.c.id == tasks.c.leader_person_id)
        )
        .order_by(late.c.due, tasks.c.plan_id, tasks.c.position)
    ).all()
    total = rows[0].total if rows else 0
    lines = [
        OverdueLine(
            task_id=row.task_id,
            plan_id=row.plan_id,
            plan_number=row.number,
            key=row.key,
            title=row.title,
            unit=row.unit,
            leader=row.leader,
            due=row.due,
            working_days_late=calendar.working_days_between(row.due, today),
            status=row.status or TaskStatus.NOT_STARTED.value,
            percent=row.status_percent,
        )
        for row in rows
    ]
    return lines, int(total)


def reports(
    connection: Connection, viewer: Viewer, filters: Filters, today: dt.date, tz: ZoneInfo
) -> list[ReportUnitLine]:
    """Per reporting unit, the latest period of each obligation that has come due (in the
    period asked for, else by today): submitted on time, late, or missing (by the end of today,
    as the digest counts them)."""
    cutoff = cutoff_of(today, tz)
    o = Occurrence.__table__  # type: ignore[attr-defined]
    r = ReportingObligation.__table__  # type: ignore[attr-defined]
    ru = ReportingUnit.__table__  # type: ignore[attr-defined]
    s = ReportSubmission.__table__  # type: ignore[attr-defined]
    units = Unit.__table__  # type: ignore[attr-defined]
    last_day = min(today, filters.period.end) if filters.period else today
    # `reporting_id IS NOT NULL` says what `kind = report` means, in words the reporting_id index
    # understands: without it PostgreSQL walks the index through every task's occurrences.
    live = [
        o.c.reporting_id.is_not(None),
        o.c.kind == OccurrenceKind.REPORT.value,
        o.c.state != OccurrenceState.SUPERSEDED.value,
    ]
    if filters.plan:
        live.append(o.c.plan_id == filters.plan)
    period_where = [o.c.effective_due <= last_day, r.c.archived_at.is_(None)]
    if filters.period:
        period_where.append(o.c.effective_due >= filters.period.start)
    # Each obligation's periods that have come due, with the latest one's date beside each (a
    # window, one pass): a GROUP BY joined back made PostgreSQL, misjudging the row counts, run the
    # aggregate once per period.
    periods = (
        sa.select(
            o.c.id,
            o.c.reporting_id,
            o.c.effective_due,
            sa.func.max(o.c.effective_due).over(partition_by=o.c.reporting_id).label("latest"),
        )
        .select_from(o.join(r, r.c.id == o.c.reporting_id))
        .where(*live, *period_where)
        .subquery("periods")
    )
    unit_where: list[ColumnElement[bool]] = []
    if filters.unit:
        unit_where.append(ru.c.unit_id == filters.unit)
    if viewer.units is not None:
        unit_where.append(ru.c.unit_id.in_(sorted(viewer.units)))
    submitted = s.c.id.is_not(None)

    def total(condition: ColumnElement[bool]) -> ColumnElement[Any]:
        return sa.func.sum(sa.case((condition, 1), else_=0))

    rows = connection.execute(
        sa.select(
            ru.c.unit_id,
            units.c.name,
            total(sa.and_(submitted, s.c.on_time == sa.true())).label("on_time"),
            total(sa.and_(submitted, s.c.on_time == sa.false())).label("late"),
            total(sa.not_(submitted)).label("missing"),
        )
        .select_from(
            periods.join(ru, ru.c.reporting_id == periods.c.reporting_id)
            .join(units, units.c.id == ru.c.unit_id)
            .outerjoin(
                s,
                sa.and_(
                    s.c.occurrence_id == periods.c.id, s.c.unit_id == ru.c.unit_id, s.c.submitted_at < cutoff
                ),
            )
        )
        .where(periods.c.effective_due == periods.c.latest, *unit_where)
        .group_by(ru.c.unit_id, units.c.name)
        .order_by(sa.desc("missing"), units.c.name)
    )
    return [
        ReportUnitLine(
            unit_id=row.unit_id,
            unit_name=row.name,
            on_time=int(row.on_time),
            late=int(row.late),
            missing=int(row.missing),
        )
        for row in rows
    ]


# --- one task --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Evidence:
    channel: str
    kind: str
    file_id: str
    file_name: str | None


@dataclass(frozen=True, slots=True)
class UpdateEntry:
    at: dt.datetime
    author: str
    status: str
    percent: int | None
    note: str | None
    source: str
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class TaskPage:
    task: Task
    plan: Plan
    unit: str | None
    leader: str | None
    support_units: list[str]
    updates: list[UpdateEntry]


def task_page(session: Session, task: Task) -> TaskPage:
    """The task with its plan, units, leader and full update history, newest first."""
    connection = session.connection()
    plan = session.get(Plan, task.plan_id)
    assert plan is not None  # a task's plan is never deleted (tasks.plan_id is a foreign key)
    unit = session.get(Unit, task.lead_unit_id) if task.lead_unit_id else None
    leader = session.get(Person, task.leader_person_id) if task.leader_person_id else None
    units = Unit.__table__  # type: ignore[attr-defined]
    link = TaskSupportUnit.__table__  # type: ignore[attr-defined]
    support = connection.execute(
        sa.select(units.c.name)
        .select_from(link.join(units, units.c.id == link.c.unit_id))
        .where(link.c.task_id == task.id)
        .order_by(units.c.name)
    ).scalars()
    u = TaskUpdate.__table__  # type: ignore[attr-defined]
    people = Person.__table__  # type: ignore[attr-defined]
    rows = connection.execute(
        sa.select(u, people.c.name.label("author"))
        .select_from(u.outerjoin(people, people.c.id == u.c.author_person_id))
        .where(u.c.task_id == task.id)
        .order_by(u.c.at.desc(), u.c.id.desc())
    ).all()
    a = TaskUpdateAttachment.__table__  # type: ignore[attr-defined]
    files: dict[int, list[Evidence]] = {}
    if rows:
        for item in connection.execute(
            sa.select(a).where(a.c.update_id.in_([row.id for row in rows])).order_by(a.c.id)
        ):
            files.setdefault(item.update_id, []).append(
                Evidence(item.channel, item.kind, item.file_id, item.file_name)
            )
    updates = [
        UpdateEntry(
            at=row.at,
            author=row.author or row.source,
            status=row.status,
            percent=row.percent,
            note=row.note,
            source=row.source,
            evidence=files.get(row.id, []),
        )
        for row in rows
    ]
    return TaskPage(
        task=task,
        plan=plan,
        unit=unit.name if unit else None,
        leader=leader.name if leader else task.leader_text,
        support_units=list(support),
        updates=updates,
    )


# --- filters and the archive ------------------------------------------------------------------


def choices(connection: Connection, viewer: Viewer) -> tuple[list[Choice], list[Choice]]:
    """The plans and units the filters offer (units: those the viewer sees)."""
    plans = Plan.__table__  # type: ignore[attr-defined]
    units = Unit.__table__  # type: ignore[attr-defined]
    plan_rows = connection.execute(
        sa.select(plans.c.id, plans.c.number).where(plans.c.archived_at.is_(None)).order_by(plans.c.id)
    ).all()
    unit_query = sa.select(units.c.id, units.c.name).where(units.c.archived_at.is_(None))
    if viewer.units is not None:
        unit_query = unit_query.where(units.c.id.in_(sorted(viewer.units)))
    unit_rows = connection.execute(unit_query.order_by(units.c.name)).all()
    return (
        [Choice(row.id, f"{row.number}") for row in plan_rows],
        [Choice(row.id, row.name) for row in unit_rows],
    )


@dataclass(frozen=True, slots=True)
class ArchivedDigest:
    id: int
    person: str
    as_of: dt.date | None
    plans: list[str]
    state: str
    sent_at: dt.datetime | None
    channel: str | None


def digest_archive(
    connection: Connection, viewer: Viewer, limit: int = ARCHIVE_LIMIT
) -> list[ArchivedDigest]:
    """The digests the bot queued, newest first: all of them for chiefs and admins, one's own
    for everyone else."""
    box = OutboxMessage.__table__  # type: ignore[attr-defined]
    people = Person.__table__  # type: ignore[attr-defined]
    query = (
        sa.select(box.c.id, box.c.payload, box.c.state, box.c.sent_at, box.c.channel, people.c.name)
        .select_from(box.join(people, people.c.id == box.c.person_id))
        .where(box.c.kind == OutboxKind.DIGEST.value)
    )
    if not viewer.sees_everything:
        query = query.where(box.c.person_id == viewer.person_id)
    rows = connection.execute(query.order_by(box.c.send_at.desc(), box.c.id.desc()).limit(limit)).all()
    found = []
    for row in rows:
        payload = row.payload if isinstance(row.payload, dict) else {}
        as_of = payload.get("as_of")
        found.append(
            ArchivedDigest(
                id=row.id,
                person=row.name,
                as_of=dt.date.fromisoformat(as_of) if isinstance(as_of, str) else None,
                plans=[str(plan) for plan in payload.get("plans") or []],
                state=row.state,
                sent_at=row.sent_at,
                channel=row.channel,
            )
        )
    return found
