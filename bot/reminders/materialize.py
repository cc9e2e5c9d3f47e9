"""Writing occurrences and their reminders (outbox rows), idempotently and in bulk.

`materialize` is what `plans sync` runs after a sync and what the engine runs daily (to extend
the rolling horizon and to pick up people who registered since). Running it twice creates
nothing new: occurrences are keyed by subject and date, outbox rows by
`<occurrence key>|<person id>|<kind>:<step>`, and both are inserted with ON CONFLICT DO NOTHING.

Nothing is deleted. An occurrence the plan no longer calls for (new due date, task archived) is
`superseded`, one the task's status answers is `done`; their pending reminders are `cancelled`
with the reason.

Reminders whose time is already past are not all created: per occurrence and person only the
latest one, marked `late`, and only if it is at most CATCH_UP old. So a person who registers
today, or a plan synced after its deadlines, gets one useful message, not a flood.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session

from bot.db import models as db
from bot.db.models import OccurrenceKind, OccurrenceState
from bot.reminders import marks
from bot.reminders.messages import SYNC_SCHEDULE, render
from bot.reminders.planning import OccurrenceSpec, PlannedMessage, Planner, load_unit_overrides
from bot.reminders.reasons import CloseReason, due_changed
from bot.reminders.recipients import load_registry
from bot.reminders.series import Series
from bot.reminders.sqlbulk import (
    among,
    cancel_pending,
    chunked,
    insert_ignoring_duplicates,
    insert_many_ignoring_duplicates,
    set_state,
    table,
)
from bot.reminders.subjects import Subject, SubjectKind, load_plans, load_subjects
from bot.schedules import ScheduleDefaults
from bot.workcal import WorkCalendar

CATCH_UP = dt.timedelta(days=7)
SUBJECTS_PER_BATCH = 2000

_SUBJECT_COLUMN = {
    SubjectKind.TASK: "task_id",
    SubjectKind.REPORT: "reporting_id",
    SubjectKind.TARGET: "target_id",
}


@dataclass
class MaterializeReport:
    occurrences_added: int = 0
    occurrences_closed: int = 0
    occurrences_superseded: int = 0
    reminders_added: int = 0
    reminders_cancelled: int = 0

    @property
    def changed(self) -> bool:
        return any(
            (
                self.occurrences_added,
                self.occurrences_closed,
                self.occurrences_superseded,
                self.reminders_added,
                self.reminders_cancelled,
            )
        )


class _Existing(NamedTuple):
    """An occurrence as read back (a tuple: a province reads 170,000 of them per run)."""

    id: int
    key: str
    kind: OccurrenceKind
    due: dt.date
    state: OccurrenceState
    subject_id: int


def schedule_line(report: MaterializeReport, lang: str) -> str:
    """One line for `plans sync` to say what happened to the reminders."""
    return render(
        lang,
        SYNC_SCHEDULE,
        added=report.occurrences_added,
        superseded=report.occurrences_superseded,
        closed=report.occurrences_closed,
        reminders=report.reminders_added,
        cancelled=report.reminders_cancelled,
    )


_ExistingBySubject = dict[tuple[SubjectKind, int], list[_Existing]]


def build_planner(
    session: Session,
    now: dt.datetime,
    *,
    calendar: WorkCalendar,
    defaults: ScheduleDefaults,
    tz: ZoneInfo,
    horizon_months: int,
    plan_ids: Iterable[str] | None = None,
) -> Planner:
    """A planner over the active plans (or those named)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return Planner(
        calendar=calendar,
        tz=tz,
        defaults=defaults,
        plans=load_plans(session, plan_ids),
        registry=load_registry(session),
        unit_overrides=load_unit_overrides(session),
        today=now.astimezone(tz).date(),
        horizon_months=horizon_months,
    )


def materialize(
    session: Session,
    now: dt.datetime,
    *,
    calendar: WorkCalendar,
    defaults: ScheduleDefaults,
    tz: ZoneInfo,
    horizon_months: int,
    plan_ids: Iterable[str] | None = None,
    unless_current: bool = False,
) -> MaterializeReport:
    """Bring occurrences and outbox rows in line with the plans as of `now`; does not commit.

    A pass over every plan (no `plan_ids`) is recorded (`bot.reminders.marks`); with
    `unless_current` it is skipped when the last one had the same inputs on the same day, since
    it would add nothing."""
    full = plan_ids is None
    if full:
        inputs = partial(
            marks.inputs, session, calendar=calendar, defaults=defaults, tz=tz, horizon_months=horizon_months
        )
        if unless_current and marks.is_current(session, now, inputs(now)):
            return MaterializeReport()
    planner = build_planner(
        session,
        now,
        calendar=calendar,
        defaults=defaults,
        tz=tz,
        horizon_months=horizon_months,
        plan_ids=plan_ids,
    )
    report = MaterializeReport()
    _supersede_archived(session, now, report, None if plan_ids is None else list(planner.plans))
    subjects = load_subjects(session, list(planner.plans))
    for batch in chunked(subjects, SUBJECTS_PER_BATCH):
        _materialize_batch(session, planner, batch, now, report)
    session.flush()
    if full:
        marks.record(session, now, inputs(now))
    return report


def extend_horizon(
    session: Session,
    now: dt.datetime,
    *,
    calendar: WorkCalendar,
    defaults: ScheduleDefaults,
    tz: ZoneInfo,
    horizon_months: int,
) -> MaterializeReport:
    """The engine's daily job (and its start): the horizon moves one day on, late registrations
    get their rows; nothing to do when nothing changed since the last pass of the day."""
    return materialize(
        session,
        now,
        calendar=calendar,
        defaults=defaults,
        tz=tz,
        horizon_months=horizon_months,
        unless_current=True,
    )


def _materialize_batch(
    session: Session,
    planner: Planner,
    subjects: Sequence[Subject],
    now: dt.datetime,
    report: MaterializeReport,
) -> None:
    series_of = {(subject.kind, subject.id): planner.series(subject) for subject in subjects}
    wanted: dict[str, OccurrenceSpec] = {}
    for subject in subjects:
        for spec in planner.occurrences(subject, series_of[(subject.kind, subject.id)]):
            wanted[spec.key] = spec
    existing = _existing(session, subjects)
    added = _insert_occurrences(session, wanted, existing, now, report)
    live = _supersede_stale(session, planner, subjects, series_of, wanted, existing, now, report)
    live += [(occurrence_id, wanted[key]) for key, occurrence_id in added.items()]
    still_open = _close_answered(session, planner, series_of, live, now, report)
    _insert_reminders(session, planner, still_open, set(added.values()), now, report)


def _insert_occurrences(
    session: Session,
    wanted: dict[str, OccurrenceSpec],
    existing: _ExistingBySubject,
    now: dt.datetime,
    report: MaterializeReport,
) -> dict[str, int]:
    """Insert the wanted occurrences not there yet; returns the new ones' ids by key."""
    known = {row.key for rows in existing.values() for row in rows}
    new_rows = [
        {
            "key": spec.key,
            "plan_id": spec.subject.plan_id,
            **{column: None for column in _SUBJECT_COLUMN.values()},
            _SUBJECT_COLUMN[spec.subject.kind]: spec.subject.id,
            "kind": spec.kind.value,
            "due": spec.due,
            "due_time": spec.due_time,
            "effective_due": spec.effective_due,
            "state": OccurrenceState.OPEN.value,
            "created_at": now,
            "updated_at": now,
        }
        for key, spec in wanted.items()
        if key not in known
    ]
    inserted = insert_ignoring_duplicates(session, table(db.Occurrence), new_rows, "key", "id")
    report.occurrences_added += len(inserted)
    return {key: occurrence_id for occurrence_id, key in inserted}


def _supersede_stale(
    session: Session,
    planner: Planner,
    subjects: Sequence[Subject],
    series_of: dict[tuple[SubjectKind, int], Series | None],
    wanted: dict[str, OccurrenceSpec],
    existing: _ExistingBySubject,
    now: dt.datetime,
    report: MaterializeReport,
) -> list[tuple[int, OccurrenceSpec]]:
    """Supersede the open occurrences the plan no longer calls for; returns the others."""
    closing: dict[str, list[int]] = defaultdict(list)
    live: list[tuple[int, OccurrenceSpec]] = []
    for subject in subjects:
        series = series_of[(subject.kind, subject.id)]
        new_once = series.once if series is not None else None
        for row in existing.get((subject.kind, subject.id), []):
            if row.state is not OccurrenceState.OPEN:
                continue
            if not _keeps(row, series, wanted, planner.today):
                moved = new_once is not None and row.kind is series_kind(series) and row.due != new_once
                reason = CloseReason.NO_LONGER_DUE.value
                if moved and new_once is not None:
                    reason = due_changed(row.due, new_once)
                closing[reason].append(row.id)
                continue
            spec = wanted.get(row.key)
            if spec is None:
                assert series is not None  # `_keeps` holds only with a series
                spec = planner.spec(subject, series, row.due, None)
            live.append((row.id, spec))
    stale = [occurrence_id for group in closing.values() for occurrence_id in group]
    report.occurrences_superseded += set_state(session, stale, OccurrenceState.SUPERSEDED, now)
    for reason, group in closing.items():
        report.reminders_cancelled += cancel_pending(session, group, reason, now)
    return live


def _close_answered(
    session: Session,
    planner: Planner,
    series_of: dict[tuple[SubjectKind, int], Series | None],
    live: list[tuple[int, OccurrenceSpec]],
    now: dt.datetime,
    report: MaterializeReport,
) -> list[tuple[int, OccurrenceSpec]]:
    """Close the occurrences the task's status answers (done, progress given); returns the rest."""
    done: dict[CloseReason, list[int]] = defaultdict(list)
    still_open: list[tuple[int, OccurrenceSpec]] = []
    for occurrence_id, spec in live:
        series = series_of[(spec.subject.kind, spec.subject.id)]
        close = planner.close_reason(spec.subject, spec.kind, spec.due, series)
        if close is None:
            still_open.append((occurrence_id, spec))
        else:
            done[close].append(occurrence_id)
    for close, group in done.items():
        report.occurrences_closed += set_state(session, group, close.state, now)
        report.reminders_cancelled += cancel_pending(session, group, close.value, now)
    return still_open


def _insert_reminders(
    session: Session,
    planner: Planner,
    still_open: list[tuple[int, OccurrenceSpec]],
    new_ids: set[int],
    now: dt.datetime,
    report: MaterializeReport,
) -> None:
    """The reminders of the open occurrences not written yet. `new_ids`: occurrences this
    transaction has just inserted, which nothing can point at yet (no other transaction sees
    them), so neither their submissions nor their reminders are looked up."""
    reports = [
        occurrence_id
        for occurrence_id, spec in still_open
        if spec.kind is OccurrenceKind.REPORT and occurrence_id not in new_ids
    ]
    submitted = _submitted_units(session, reports)
    # Reading the keys that exist is far cheaper than letting every duplicate hit the conflict.
    present = _outbox_keys(
        session, [occurrence_id for occurrence_id, _ in still_open if occurrence_id not in new_ids]
    )
    outbox_rows: list[dict[str, Any]] = []
    for occurrence_id, spec in still_open:
        messages = planner.messages(spec)
        outbox_rows += _outbox_rows(messages, occurrence_id, now, submitted.get(occurrence_id), present)
    # One call per batch of subjects: on PostgreSQL one COPY, on SQLite chunked inside.
    outbox = table(db.OutboxMessage)
    report.reminders_added += insert_many_ignoring_duplicates(session, outbox, outbox_rows, "idempotency_key")


def series_kind(series: Series | None) -> OccurrenceKind | None:
    return series.kind if series is not None else None


def _keeps(row: _Existing, series: Series | None, wanted: dict[str, OccurrenceSpec], today: dt.date) -> bool:
    """Whether the plan still calls for this occurrence (before the window: its rule still
    produces the date; a later period of a recurring task is not superseded by sliding time)."""
    if row.key in wanted:
        return True
    if series is None or row.kind is not series.kind or series.once is not None:
        return False
    return series.rule is not None and row.due < today and series.produces(row.due)


def _outbox_rows(
    messages: list[PlannedMessage],
    occurrence_id: int,
    now: dt.datetime,
    submitted: set[str] | None,
    present: set[str],
) -> list[dict[str, Any]]:
    """The rows to write for one occurrence, leaving out those whose key is `present` (checked
    before a row is built: a run that changes nothing meets a million of them)."""
    rows: list[dict[str, Any]] = []
    latest_past: dict[str, PlannedMessage] = {}
    for message in messages:
        person_id = message.recipient.person_id
        if person_id is None:
            continue
        if submitted and message.recipient.unit_id in submitted and message.kind.value != "escalation":
            continue
        if message.send_at < now:
            previous = latest_past.get(person_id)
            if previous is None or message.send_at >= previous.send_at:
                latest_past[person_id] = message
            continue
        key = message.idempotency_key
        if key not in present:
            rows.append(_row(message, key, person_id, occurrence_id, now, late=False))
    for person_id, message in latest_past.items():
        key = message.idempotency_key
        if now - message.send_at <= CATCH_UP and key not in present:
            rows.append(_row(message, key, person_id, occurrence_id, now, late=True))
    return rows


def _row(
    message: PlannedMessage, key: str, person_id: str, occurrence_id: int, now: dt.datetime, *, late: bool
) -> dict[str, Any]:
    return {
        "idempotency_key": key,
        "kind": message.kind.value,
        "step": message.step,
        "occurrence_id": occurrence_id,
        "person_id": person_id,
        "send_at": message.send_at,
        "state": db.OutboxState.PENDING.value,
        "next_attempt_at": message.send_at,
        "attempts": 0,
        "late": late,
        "created_at": now,
        "updated_at": now,
    }


def _existing(session: Session, subjects: Sequence[Subject]) -> _ExistingBySubject:
    occurrences = table(db.Occurrence)
    found: dict[tuple[SubjectKind, int], list[_Existing]] = defaultdict(list)
    for kind, column_name in _SUBJECT_COLUMN.items():
        subject_ids = [subject.id for subject in subjects if subject.kind is kind]
        column = occurrences.c[column_name]
        for ids in among(session, column, subject_ids):
            query = sa.select(
                occurrences.c.id,
                occurrences.c.key,
                occurrences.c.kind,
                occurrences.c.due,
                occurrences.c.state,
                column,
            ).where(ids)
            for row in session.execute(query).all():  # one fetch, not one per row
                found[(kind, row[5])].append(_Existing(*row))
    return found


def _outbox_keys(session: Session, occurrence_ids: list[int]) -> set[str]:
    outbox = table(db.OutboxMessage)
    keys: set[str] = set()
    for ids in among(session, outbox.c.occurrence_id, occurrence_ids):
        query = sa.select(outbox.c.idempotency_key).where(ids)
        keys.update(session.execute(query).scalars().all())
    return keys


def _submitted_units(session: Session, occurrence_ids: list[int]) -> dict[int, set[str]]:
    submissions = table(db.ReportSubmission)
    found: dict[int, set[str]] = defaultdict(set)
    for ids in among(session, submissions.c.occurrence_id, occurrence_ids):
        query = sa.select(submissions.c.occurrence_id, submissions.c.unit_id).where(ids)
        for occurrence_id, unit_id in session.execute(query):
            found[occurrence_id].add(unit_id)
    return found


def _supersede_archived(
    session: Session, now: dt.datetime, report: MaterializeReport, plan_ids: list[str] | None
) -> None:
    """Open occurrences of archived tasks, obligations, targets or plans are superseded."""
    occurrences = table(db.Occurrence)
    archived = sa.or_(
        *(
            occurrences.c[column].in_(sa.select(owners.c.id).where(owners.c.archived_at.is_not(None)))
            for column, owners in (
                ("task_id", table(db.Task)),
                ("reporting_id", table(db.ReportingObligation)),
                ("target_id", table(db.Target)),
            )
        ),
        occurrences.c.plan_id.in_(
            sa.select(table(db.Plan).c.id).where(table(db.Plan).c.archived_at.is_not(None))
        ),
    )
    query = sa.select(occurrences.c.id).where(occurrences.c.state == OccurrenceState.OPEN.value, archived)
    if plan_ids is not None:
        query = query.where(occurrences.c.plan_id.in_(plan_ids))
    ids = list(session.execute(query).scalars())
    report.occurrences_superseded += set_state(session, ids, OccurrenceState.SUPERSEDED, now)
    report.reminders_cancelled += cancel_pending(session, ids, CloseReason.ARCHIVED.value, now)
