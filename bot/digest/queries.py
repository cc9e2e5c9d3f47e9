"""Building a digest from the database: every count is one SQL aggregation (GROUP BY, CASE).

A task's standing is decided in SQL from three expressions (see `_task_state`):
- its due date: `tasks.effective_due` for a one-off task; for a recurring task the earliest
  open `deadline` occurrence (the period it still owes); none for continuous / undated tasks;
- its status as of the cut-off (the end of the as-of day, local time): `tasks.status`, the copy of
  the latest update, unless that update came after the cut-off — only then is the history read;
- the local day of its latest update: "hoàn thành đúng hạn" means that update, a `done`, falls on
  or before the effective due date. A task nobody has updated yet is "đang thực hiện" (in time or
  overdue by its due date), as the government tracking reports count it.

Lists (overdue, due soon, updates, missing reports, …) are sorted and cut in SQL; only the rows
shown are read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from bot.cutting import cut_at_word
from bot.db.models import (
    Occurrence,
    OccurrenceKind,
    OccurrenceState,
    OutboxMessage,
    OutboxState,
    Person,
    Plan,
    ReportingObligation,
    ReportingUnit,
    ReportSubmission,
    Target,
    Task,
    TaskStatus,
    TaskSupportUnit,
    TaskUpdate,
    Unit,
)
from bot.digest.model import (
    Digest,
    FailedDelivery,
    Listing,
    MissingReport,
    PlanSummary,
    ReportUnitLine,
    SilentUnit,
    Standing,
    StandingCounts,
    TaskLine,
    UnitSummary,
    UpdateLine,
)
from bot.workcal import WorkCalendar

DUE_SOON_DAYS = 14
NOTE_EXCERPT = 100
DEFAULT_SINCE = dt.timedelta(days=7)
FETCH_ROWS = 2000
"""Rows fetched at a time where every task is read (the workbook)."""


@dataclass(frozen=True, slots=True)
class Limits:
    """How many rows each list shows in a message (the workbook has every task)."""

    overdue: int = 20
    due_soon: int = 20
    updates: int = 20
    missing_reports: int = 20
    silent_units: int = 20
    failed: int = 10


def cutoff_of(as_of: dt.date, tz: ZoneInfo) -> dt.datetime:
    """The first moment after the as-of day, where the office is (as UTC)."""
    start = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    return start.astimezone(dt.UTC)


def build_digest(
    session: Session,
    plan_ids: Sequence[str],
    *,
    as_of: dt.date,
    tz: ZoneInfo,
    calendar: WorkCalendar,
    since: dt.datetime | None = None,
    recipient: str | None = None,
    limits: Limits = Limits(),
) -> Digest:
    """The digest of `plan_ids` as of the end of `as_of`; updates after `since` are listed as new
    (default: the 7 days before the cut-off)."""
    connection = session.connection()
    cutoff = cutoff_of(as_of, tz)
    since = since if since is not None else cutoff - DEFAULT_SINCE
    state = _task_state(connection, list(plan_ids), as_of, cutoff, tz)
    plans, due_soon_total = _plan_summaries(connection, state, list(plan_ids), as_of)
    units, silent_units = _unit_summaries(connection, state, limits.silent_units)
    totals = sum((plan.counts for plan in plans), StandingCounts())
    return Digest(
        as_of=as_of,
        since=since,
        recipient=recipient,
        plans=plans,
        totals=totals,
        units=units,
        overdue=_overdue(connection, state, cutoff, as_of, calendar, limits.overdue, totals.open_overdue),
        due_soon=_due_soon(connection, state, cutoff, as_of, limits.due_soon, due_soon_total),
        updates=_updates(connection, list(plan_ids), since, cutoff, limits.updates),
        reports=_report_units(connection, list(plan_ids), as_of, cutoff),
        missing_reports=_missing_reports(connection, list(plan_ids), as_of, cutoff, limits.missing_reports),
        silent_units=silent_units,
        failed=_failed(connection, list(plan_ids), cutoff, limits.failed),
    )


# --- The per-task expressions ---------------------------------------------------------------


def local_day(moment: Any, tz: ZoneInfo, at: dt.datetime, dialect: str) -> ColumnElement[Any]:
    """The office's calendar day of a stored UTC moment.

    PostgreSQL converts with the time-zone database. SQLite has none: the zone's offset at `at`
    is applied, which is exact for zones without daylight saving (Asia/Ho_Chi_Minh has none).
    """
    if dialect == "postgresql":
        return sa.cast(sa.func.timezone(tz.key, moment), sa.Date)
    offset = at.astimezone(tz).utcoffset() or dt.timedelta()
    minutes = int(offset.total_seconds() // 60)
    return sa.func.date(moment, f"{minutes:+d} minutes", type_=sa.Date)


def _task_state(
    connection: Connection, plan_ids: list[str], as_of: dt.date, cutoff: dt.datetime, tz: ZoneInfo
) -> sa.Subquery:
    """One row per live task of the plans: due, status as of the cut-off, standing."""
    t = Task.__table__.alias("t")  # type: ignore[attr-defined]
    u = TaskUpdate.__table__.alias("u")  # type: ignore[attr-defined]
    o = Occurrence.__table__.alias("o")  # type: ignore[attr-defined]

    open_period_due = (
        sa.select(sa.func.min(o.c.effective_due))
        .where(
            o.c.task_id == t.c.id,
            o.c.kind == OccurrenceKind.DEADLINE.value,
            o.c.state == OccurrenceState.OPEN.value,
        )
        .scalar_subquery()
    )
    due = sa.func.coalesce(t.c.effective_due, open_period_due, type_=sa.Date)
    current = sa.or_(t.c.status_at.is_(None), t.c.status_at < cutoff)

    def as_of_cutoff(copy: Any, history: Any) -> Any:
        # Only a task updated after the cut-off (a digest of a past day) reads its history.
        latest = (
            sa.select(history)
            .where(u.c.task_id == t.c.id, u.c.at < cutoff)
            .order_by(u.c.at.desc(), u.c.id.desc())
            .limit(1)
            .scalar_subquery()
        )
        return sa.case((current, copy), else_=latest)

    status = as_of_cutoff(t.c.status, u.c.status)
    status_at = as_of_cutoff(t.c.status_at, u.c.at)
    percent = as_of_cutoff(t.c.status_percent, u.c.percent)
    inner = (
        sa.select(
            t.c.id.label("task_id"),
            t.c.plan_id,
            t.c.key,
            t.c.position,
            t.c.title,
            t.c.lead_unit_id,
            t.c.leader_person_id,
            t.c.leader_text,
            t.c.timing,
            due.label("due"),
            status.label("status"),
            status_at.label("status_at"),
            percent.label("percent"),
        )
        .where(t.c.plan_id.in_(plan_ids), t.c.archived_at.is_(None))
        .subquery("inner_state")
    )
    done_day = local_day(inner.c.status_at, tz, cutoff, connection.dialect.name)
    standing = sa.case(
        (inner.c.due.is_(None), Standing.NO_DEADLINE.value),
        (
            sa.and_(inner.c.status == TaskStatus.DONE.value, done_day <= inner.c.due),
            Standing.DONE_ON_TIME.value,
        ),
        (inner.c.status == TaskStatus.DONE.value, Standing.DONE_LATE.value),
        (inner.c.due >= as_of, Standing.OPEN_IN_TIME.value),
        else_=Standing.OPEN_OVERDUE.value,
    )
    return sa.select(*inner.c, standing.label("standing")).subquery("task_state")


def _standing_sums(state: sa.Subquery) -> list[ColumnElement[Any]]:
    return [
        sa.func.coalesce(sa.func.sum(sa.case((state.c.standing == member.value, 1), else_=0)), 0).label(
            member.value
        )
        for member in Standing
    ]


def _counts(row: Any) -> StandingCounts:
    return StandingCounts(*(int(getattr(row, member.value)) for member in Standing))


# --- Summaries ------------------------------------------------------------------------------


def _due_soon_where(state: sa.Subquery, as_of: dt.date) -> ColumnElement[bool]:
    horizon = as_of + dt.timedelta(days=DUE_SOON_DAYS)
    return sa.and_(state.c.standing == Standing.OPEN_IN_TIME.value, state.c.due <= horizon)


def _plan_summaries(
    connection: Connection, state: sa.Subquery, plan_ids: list[str], as_of: dt.date
) -> tuple[list[PlanSummary], int]:
    """Counts per plan, and how many tasks fall due in the next 14 days (in the same pass)."""
    plans = Plan.__table__  # type: ignore[attr-defined]
    due_soon = sa.func.sum(sa.case((_due_soon_where(state, as_of), 1), else_=0)).label("due_soon")
    per_plan = (
        sa.select(state.c.plan_id, *_standing_sums(state), due_soon)
        .group_by(state.c.plan_id)
        .subquery("per_plan")
    )
    rows = connection.execute(
        sa.select(plans.c.id, plans.c.number, plans.c.title, plans.c.created_at, *per_plan.c[1:])
        .select_from(plans.outerjoin(per_plan, per_plan.c.plan_id == plans.c.id))
        .where(plans.c.id.in_(plan_ids))
        .order_by(plans.c.id)
    ).all()
    summaries = [
        PlanSummary(
            plan_id=row.id,
            number=row.number,
            title=row.title,
            synced_at=row.created_at,
            counts=StandingCounts(*(int(getattr(row, member.value) or 0) for member in Standing)),
        )
        for row in rows
    ]
    return summaries, sum(int(row.due_soon or 0) for row in rows)


def _unit_summaries(
    connection: Connection, state: sa.Subquery, silent_limit: int
) -> tuple[list[UnitSummary], Listing[SilentUnit]]:
    """Counts per lead unit, and the units that never answered: no update before the cut-off on
    any task they lead (a task's status as of the cut-off has a time only if it was updated)."""
    units = Unit.__table__  # type: ignore[attr-defined]
    total = sa.func.count().label("total")
    answered = sa.func.sum(sa.case((state.c.status_at.is_not(None), 1), else_=0)).label("answered")
    rows = connection.execute(
        sa.select(state.c.lead_unit_id, units.c.name, *_standing_sums(state), total, answered)
        .select_from(state.join(units, units.c.id == state.c.lead_unit_id))
        .group_by(state.c.lead_unit_id, units.c.name)
        .order_by(total.desc(), state.c.lead_unit_id)
    ).all()
    summaries = [
        UnitSummary(unit_id=row.lead_unit_id, unit_name=row.name, counts=_counts(row)) for row in rows
    ]
    silent = sorted(
        (
            SilentUnit(unit_id=row.lead_unit_id, unit_name=row.name, tasks=int(row.total))
            for row in rows
            if not row.answered
        ),
        key=lambda unit: (-unit.tasks, unit.unit_name),
    )
    return summaries, Listing(silent[:silent_limit], len(silent))


# --- Task lists -----------------------------------------------------------------------------


def _task_lines(
    connection: Connection,
    state: sa.Subquery,
    where: ColumnElement[bool],
    cutoff: dt.datetime,
    as_of: dt.date,
    calendar: WorkCalendar | None,
    limit: int,
) -> list[TaskLine]:
    units = Unit.__table__  # type: ignore[attr-defined]
    people = Person.__table__  # type: ignore[attr-defined]
    # The rows shown are picked first, then joined to their unit and leader: PostgreSQL cannot
    # estimate how many tasks a standing matches (it guessed 1 of 12,000) and, joining first,
    # scanned the units table once per task.
    shown = (
        sa.select(state).where(where).order_by(state.c.due, state.c.plan_id, state.c.position).limit(limit)
    ).subquery("shown")
    rows = connection.execute(
        sa.select(
            shown,
            units.c.name.label("unit_name"),
            sa.func.coalesce(people.c.name, shown.c.leader_text).label("leader"),
        )
        .select_from(
            shown.outerjoin(units, units.c.id == shown.c.lead_unit_id).outerjoin(
                people, people.c.id == shown.c.leader_person_id
            )
        )
        .order_by(shown.c.due, shown.c.plan_id, shown.c.position)
    ).all()
    notes = _latest_notes(connection, [row.task_id for row in rows], cutoff)
    return [
        TaskLine(
            plan_id=row.plan_id,
            key=row.key,
            title=row.title,
            lead_unit=row.unit_name,
            leader=row.leader,
            due=row.due,
            working_days_overdue=calendar.working_days_between(row.due, as_of) if calendar else 0,
            status=row.status or TaskStatus.NOT_STARTED.value,
            percent=row.percent,
            last_update_at=row.status_at,
            last_update_note=notes.get(row.task_id),
        )
        for row in rows
    ]


def _latest_notes(connection: Connection, task_ids: list[int], cutoff: dt.datetime) -> dict[int, str]:
    """The note of each task's latest update before the cut-off (for the few tasks listed)."""
    if not task_ids:
        return {}
    u = TaskUpdate.__table__  # type: ignore[attr-defined]
    rows = connection.execute(
        sa.select(u.c.task_id, u.c.note)
        .where(u.c.task_id.in_(task_ids), u.c.at < cutoff)
        .order_by(u.c.task_id, u.c.at.desc(), u.c.id.desc())
    )
    notes: dict[int, str] = {}
    seen: set[int] = set()
    for task_id, note in rows:
        if task_id not in seen:
            seen.add(task_id)
            if note:
                notes[task_id] = excerpt(note)
    return notes


def _overdue(
    connection: Connection,
    state: sa.Subquery,
    cutoff: dt.datetime,
    as_of: dt.date,
    calendar: WorkCalendar,
    limit: int,
    total: int,
) -> Listing[TaskLine]:
    where = state.c.standing == Standing.OPEN_OVERDUE.value
    return Listing(_task_lines(connection, state, where, cutoff, as_of, calendar, limit), total)


def _due_soon(
    connection: Connection, state: sa.Subquery, cutoff: dt.datetime, as_of: dt.date, limit: int, total: int
) -> Listing[TaskLine]:
    where = _due_soon_where(state, as_of)
    return Listing(_task_lines(connection, state, where, cutoff, as_of, None, limit), total)


def excerpt(text: str, length: int = NOTE_EXCERPT) -> str:
    """The first `length` characters of a note on one line, cut at a word, with an ellipsis."""
    return cut_at_word(text, length)


def _updates(
    connection: Connection, plan_ids: list[str], since: dt.datetime, cutoff: dt.datetime, limit: int
) -> Listing[UpdateLine]:
    u = TaskUpdate.__table__  # type: ignore[attr-defined]
    t = Task.__table__  # type: ignore[attr-defined]
    people = Person.__table__  # type: ignore[attr-defined]
    # The week's updates first (a range of the `at` index), then their tasks: left to itself,
    # SQLite would walk every task of the plans and probe its history instead.
    recent = (
        sa.select(u).where(u.c.at > since, u.c.at < cutoff).cte("recent_updates").prefix_with("MATERIALIZED")
    )
    where = sa.and_(t.c.plan_id.in_(plan_ids), t.c.archived_at.is_(None))
    joined = recent.join(t, t.c.id == recent.c.task_id)
    total = connection.execute(sa.select(sa.func.count()).select_from(joined).where(where)).scalar_one()
    rows = connection.execute(
        sa.select(
            recent.c.at,
            recent.c.status,
            recent.c.percent,
            recent.c.note,
            recent.c.source,
            t.c.plan_id,
            t.c.key,
            t.c.title,
            people.c.name.label("author"),
        )
        .select_from(joined.outerjoin(people, people.c.id == recent.c.author_person_id))
        .where(where)
        .order_by(recent.c.at.desc(), recent.c.id.desc())
        .limit(limit)
    )
    lines = [
        UpdateLine(
            at=row.at,
            author=row.author or row.source,
            plan_id=row.plan_id,
            task_key=row.key,
            task_title=row.title,
            status=row.status,
            percent=row.percent,
            note=excerpt(row.note) if row.note else None,
        )
        for row in rows
    ]
    return Listing(lines, int(total))


# --- Periodic reports -----------------------------------------------------------------------


def _current_reports(plan_ids: list[str], as_of: dt.date, cutoff: dt.datetime) -> sa.Subquery:
    """Each reporting unit × the latest period of each obligation that has come due by `as_of`,
    with its submission (if made before the cut-off)."""
    o = Occurrence.__table__  # type: ignore[attr-defined]
    r = ReportingObligation.__table__  # type: ignore[attr-defined]
    ru = ReportingUnit.__table__  # type: ignore[attr-defined]
    s = ReportSubmission.__table__  # type: ignore[attr-defined]
    live = sa.and_(
        o.c.kind == OccurrenceKind.REPORT.value,
        o.c.state != OccurrenceState.SUPERSEDED.value,
        o.c.plan_id.in_(plan_ids),
    )
    latest = (
        sa.select(o.c.reporting_id, sa.func.max(o.c.effective_due).label("due"))
        .select_from(o.join(r, r.c.id == o.c.reporting_id))
        .where(live, o.c.effective_due <= as_of, r.c.archived_at.is_(None))
        .group_by(o.c.reporting_id)
        .subquery("latest")
    )
    return (
        sa.select(
            ru.c.unit_id,
            o.c.plan_id,
            o.c.effective_due.label("due"),
            r.c.text,
            r.c.position,
            s.c.id.label("submission_id"),
            s.c.on_time,
        )
        .select_from(
            latest.join(
                o, sa.and_(o.c.reporting_id == latest.c.reporting_id, o.c.effective_due == latest.c.due)
            )
            .join(r, r.c.id == o.c.reporting_id)
            .join(ru, ru.c.reporting_id == o.c.reporting_id)
            .outerjoin(
                s,
                sa.and_(s.c.occurrence_id == o.c.id, s.c.unit_id == ru.c.unit_id, s.c.submitted_at < cutoff),
            )
        )
        .where(live)
        .subquery("current_reports")
    )


def _report_units(
    connection: Connection, plan_ids: list[str], as_of: dt.date, cutoff: dt.datetime
) -> list[ReportUnitLine]:
    current = _current_reports(plan_ids, as_of, cutoff)
    units = Unit.__table__  # type: ignore[attr-defined]
    submitted = current.c.submission_id.is_not(None)

    def total(condition: ColumnElement[bool]) -> ColumnElement[Any]:
        return sa.func.sum(sa.case((condition, 1), else_=0))

    rows = connection.execute(
        sa.select(
            current.c.unit_id,
            units.c.name,
            total(sa.and_(submitted, current.c.on_time == sa.true())).label("on_time"),
            total(sa.and_(submitted, current.c.on_time == sa.false())).label("late"),
            total(sa.not_(submitted)).label("missing"),
        )
        .select_from(current.join(units, units.c.id == current.c.unit_id))
        .group_by(current.c.unit_id, units.c.name)
        .order_by(units.c.name)
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


def _missing_reports(
    connection: Connection, plan_ids: list[str], as_of: dt.date, cutoff: dt.datetime, limit: int
) -> Listing[MissingReport]:
    current = _current_reports(plan_ids, as_of, cutoff)
    units = Unit.__table__  # type: ignore[attr-defined]
    where = current.c.submission_id.is_(None)
    total = connection.execute(sa.select(sa.func.count()).select_from(current).where(where)).scalar_one()
    rows = connection.execute(
        sa.select(units.c.name, current.c.plan_id, current.c.text, current.c.due)
        .select_from(current.join(units, units.c.id == current.c.unit_id))
        .where(where)
        .order_by(current.c.due, units.c.name, current.c.plan_id, current.c.position)
        .limit(limit)
    )
    lines = [
        MissingReport(unit_name=row.name, plan_id=row.plan_id, text=row.text, due=row.due) for row in rows
    ]
    return Listing(lines, int(total))


# --- Delivery failures ----------------------------------------------------------


def _failed(
    connection: Connection, plan_ids: list[str], cutoff: dt.datetime, limit: int
) -> Listing[FailedDelivery]:
    """Reminders of the plans that could not be delivered (outbox rows left `failed`)."""
    box = OutboxMessage.__table__  # type: ignore[attr-defined]
    o = Occurrence.__table__  # type: ignore[attr-defined]
    t = Task.__table__  # type: ignore[attr-defined]
    r = ReportingObligation.__table__  # type: ignore[attr-defined]
    g = Target.__table__  # type: ignore[attr-defined]
    people = Person.__table__  # type: ignore[attr-defined]
    joined = box.join(o, o.c.id == box.c.occurrence_id)
    where = sa.and_(
        box.c.state == OutboxState.FAILED.value, o.c.plan_id.in_(plan_ids), box.c.created_at < cutoff
    )
    total = connection.execute(sa.select(sa.func.count()).select_from(joined).where(where)).scalar_one()
    rows = connection.execute(
        sa.select(
            box.c.updated_at,
            box.c.kind,
            box.c.error,
            people.c.name,
            sa.func.coalesce(t.c.title, r.c.text, g.c.text).label("subject"),
        )
        .select_from(
            joined.join(people, people.c.id == box.c.person_id)
            .outerjoin(t, t.c.id == o.c.task_id)
            .outerjoin(r, r.c.id == o.c.reporting_id)
            .outerjoin(g, g.c.id == o.c.target_id)
        )
        .where(where)
        .order_by(box.c.updated_at.desc(), box.c.id.desc())
        .limit(limit)
    )
    lines = [
        FailedDelivery(
            at=row.updated_at,
            person=row.name,
            kind=row.kind,
            task_title=row.subject,
            error=excerpt(row.error or "?"),
        )
        for row in rows
    ]
    return Listing(lines, int(total))


# --- Every task of a plan (for the workbook) ------------------------------------------------


@dataclass(frozen=True, slots=True)
class TaskRow:
    position: int
    key: str
    title: str
    lead_unit: str | None
    support_units: list[str]
    due: dt.date | None
    timing: str | None
    standing: Standing
    status: str
    percent: int | None
    last_update_at: dt.datetime | None


def plan_task_rows(session: Session, plan_id: str, *, as_of: dt.date, tz: ZoneInfo) -> list[TaskRow]:
    """Every live task of one plan in document order, with its standing as of `as_of`."""
    return task_rows_by_plan(session, [plan_id], as_of=as_of, tz=tz)[plan_id]


def task_rows_by_plan(
    session: Session, plan_ids: Sequence[str], *, as_of: dt.date, tz: ZoneInfo
) -> dict[str, list[TaskRow]]:
    """`plan_task_rows` of every plan named (each in document order; an empty list for a plan
    without live tasks), in two queries whatever the number of plans: the workbook of a digest
    of many plans would otherwise plan and run the standing query once per plan."""
    found: dict[str, list[TaskRow]] = {plan_id: [] for plan_id in plan_ids}
    if not found:
        return found
    connection = session.connection()
    cutoff = cutoff_of(as_of, tz)
    state = _task_state(connection, list(found), as_of, cutoff, tz)
    units = Unit.__table__  # type: ignore[attr-defined]
    # Unit names are looked up here rather than joined: a directory is small, and PostgreSQL,
    # misjudging how many tasks the plans hold, joined by scanning the units once per task.
    names: dict[str, str] = {}
    for unit_id, name in connection.execute(sa.select(units.c.id, units.c.name)):
        names[unit_id] = name
    columns = (
        state.c.plan_id,
        state.c.task_id,
        state.c.position,
        state.c.key,
        state.c.title,
        state.c.lead_unit_id,
        state.c.due,
        state.c.timing,
        state.c.standing,
        state.c.status,
        state.c.percent,
        state.c.status_at,
    )
    support = _support_units(connection, list(found))
    standings = {member.value: member for member in Standing}
    not_started = TaskStatus.NOT_STARTED.value
    # Fetched a few thousand rows at a time and unpacked as tuples: fetching row by row and
    # reading columns by name were most of the time of a 20,000-task workbook's query, and all
    # rows at once would add their copies to the peak memory.
    result = connection.execute(sa.select(*columns).order_by(state.c.plan_id, state.c.position))
    rows = (row for partition in result.partitions(FETCH_ROWS) for row in partition)
    for plan_id, task_id, position, key, title, lead, due, timing, standing, status, percent, at in rows:
        found[plan_id].append(
            TaskRow(
                position=position,
                key=key,
                title=title,
                lead_unit=names.get(lead) if lead is not None else None,
                support_units=support.get(task_id, []),
                due=due,
                timing=timing,
                standing=standings[standing],
                status=status or not_started,
                percent=percent,
                last_update_at=at,
            )
        )
    return found


def _support_units(connection: Connection, plan_ids: list[str]) -> dict[int, list[str]]:
    link = TaskSupportUnit.__table__  # type: ignore[attr-defined]
    t = Task.__table__  # type: ignore[attr-defined]
    units = Unit.__table__  # type: ignore[attr-defined]
    rows = connection.execute(
        sa.select(link.c.task_id, units.c.name)
        .select_from(link.join(t, t.c.id == link.c.task_id).join(units, units.c.id == link.c.unit_id))
        .where(t.c.plan_id.in_(plan_ids), t.c.archived_at.is_(None))
        .order_by(link.c.task_id, units.c.name)
    )
    support: dict[int, list[str]] = {}
    for task_id, name in rows:
        support.setdefault(task_id, []).append(name)
    return support
