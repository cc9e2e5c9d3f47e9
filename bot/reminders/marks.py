"""Whether a full reminder pass (`materialize` over every active plan) would add nothing.

A pass reads the plans and their items, the units' and plans' reminder policies, who is
registered in which chat, the status history and report submissions, and what it already wrote;
it also depends on the day (the rolling horizon), the settings, the calendar and the code. After a
full pass the digest of all of that is stored (`materialize_marks`). A later pass on the same day
whose digest is the same has nothing to do: every occurrence and reminder it would write is there,
and nothing it would close or cancel has changed. So `plans sync` with nothing changed, and the
engine's start right after a sync, skip it.

The rows are summarised, not read: a count, the archived count and the latest `updated_at` of
each synced table (a sync moves `updated_at` on every change), the latest id of the tables that
only grow (status updates, submissions, occurrences, the outbox), and what changes a chat binding
(a new one, a block, an unblock by a new invite).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session

from bot.db import models as db
from bot.fingerprint import code_fingerprint, digest
from bot.reminders.sqlbulk import table
from bot.schedules import ScheduleDefaults
from bot.workcal import WorkCalendar

ALL = "all"
"""The scope of a pass over every active plan; a pass over a few plans is not marked."""

CODE = ("reminders", "deadlines", "workcal", "schedules.py", "fingerprint.py", "db/models.py")


def _summaries() -> list[tuple[sa.Table, list[sa.ColumnElement[Any]]]]:
    synced = [
        table(model) for model in (db.Plan, db.Task, db.Target, db.ReportingObligation, db.Unit, db.Person)
    ]
    summaries: list[tuple[sa.Table, list[sa.ColumnElement[Any]]]] = [
        (rows, [sa.func.count(), sa.func.count(rows.c.archived_at), sa.func.max(rows.c.updated_at)])
        for rows in synced
    ]
    bindings, invites = table(db.ChatBinding), table(db.Invite)
    summaries.append(
        (
            bindings,
            [
                sa.func.count(),
                sa.func.max(bindings.c.id),
                sa.func.count(bindings.c.blocked_at),
                sa.func.max(bindings.c.blocked_at),
            ],
        )
    )
    summaries.append((invites, [sa.func.count(invites.c.used_at), sa.func.max(invites.c.used_at)]))
    for model in (db.TaskUpdate, db.ReportSubmission, db.Occurrence, db.OutboxMessage):
        grows = table(model)
        summaries.append((grows, [sa.func.max(grows.c.id)]))
    return summaries


def inputs(
    session: Session,
    now: dt.datetime,
    *,
    calendar: WorkCalendar,
    defaults: ScheduleDefaults,
    tz: ZoneInfo,
    horizon_months: int,
) -> str:
    """The digest of everything a full pass as of `now` depends on."""
    parts: list[str | bytes] = [
        now.astimezone(tz).date().isoformat(),
        tz.key,
        str(horizon_months),
        calendar.fingerprint(),
        defaults.cycles.model_dump_json(),
        defaults.policy.model_dump_json(),
        code_fingerprint(*CODE),
    ]
    for rows, columns in _summaries():
        summary = session.execute(sa.select(*columns).select_from(rows)).one()
        parts.append(f"{rows.name}: {[str(value) for value in summary]}")
    return digest(parts)


def is_current(session: Session, now: dt.datetime, found: str) -> bool:
    """Whether the last full pass had these inputs and ran no later than `now` (a clock set back
    within the day would make reminders due again)."""
    mark = session.get(db.MaterializeMark, ALL)
    return mark is not None and mark.inputs == found and mark.at <= now


def record(session: Session, now: dt.datetime, found: str) -> None:
    """Remember a full pass; in the caller's transaction, so it is kept only if the pass is."""
    mark = session.get(db.MaterializeMark, ALL)
    if mark is None:
        session.add(db.MaterializeMark(scope=ALL, inputs=found, at=now))
    else:
        mark.inputs, mark.at = found, now
    session.flush()
