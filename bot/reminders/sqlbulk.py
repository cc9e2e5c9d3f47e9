"""Bulk writes that stay idempotent: INSERT … ON CONFLICT DO NOTHING, and chunked updates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel

from bot.db import models as db

T = TypeVar("T")
CHUNK = 900
"""Ids per `IN (…)`: well under every SQLite build's variable limit."""


def table(model: type[SQLModel]) -> sa.Table:
    """The Core table of a model, for bulk statements that skip the ORM."""
    found: sa.Table = getattr(model, "__table__")  # noqa: B009 (SQLModel does not type it)
    return found


def chunked(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def insert_ignoring_duplicates(
    session: Session, table: sa.Table, rows: list[dict[str, Any]], unique: str, returning: str
) -> list[Any]:
    """Insert `rows`, skipping those whose `unique` column already exists; returns the new rows'
    `returning` values (other writers may insert the same keys at the same time: no error)."""
    if not rows:
        return []
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        pg = postgresql.insert(table).on_conflict_do_nothing(index_elements=[unique])
        statement: Any = pg.returning(table.c[returning], table.c[unique])
    elif dialect == "sqlite":
        lite = sqlite.insert(table).on_conflict_do_nothing(index_elements=[unique])
        statement = lite.returning(table.c[returning], table.c[unique])
    else:
        raise NotImplementedError(f"nhacviec supports SQLite and PostgreSQL, not {dialect}")
    result = session.execute(statement, rows)
    return list(result.all())


def insert_many_ignoring_duplicates(
    session: Session, table: sa.Table, rows: list[dict[str, Any]], unique: str
) -> int:
    """Like `insert_ignoring_duplicates` but without RETURNING, for a million rows: returns how
    many were inserted.

    The columns' bind processors (UTC conversion, enum checks) run once per distinct value, not
    once per row: the rows of one run share a few dozen send times. The statement then targets a
    lightweight copy of the table whose columns do no processing of their own.
    """
    if not rows:
        return 0
    dialect = session.get_bind().dialect
    names = list(rows[0])
    processors = {
        name: processor for name in names
        if (processor := table.c[name].type.bind_processor(dialect)) is not None
    }
    memo: dict[str, dict[Any, Any]] = {name: {} for name in processors}
    processed: list[dict[str, Any]] = []
    for row in rows:
        copy = dict(row)
        for name, processor in processors.items():
            value = copy[name]
            seen = memo[name]
            if value not in seen:
                seen[value] = processor(value)
            copy[name] = seen[value]
        processed.append(copy)
    light = sa.table(table.name, *(sa.column(name) for name in names))
    if dialect.name == "postgresql":
        # psycopg reports no row count for a batched insert: count what RETURNING gives back.
        pg = postgresql.insert(light).on_conflict_do_nothing(index_elements=[unique])
        return len(session.execute(pg.returning(light.c[unique]), processed).all())
    if dialect.name == "sqlite":
        # sqlite3's executemany sums the changes; a skipped duplicate changes nothing.
        lite = sqlite.insert(light).on_conflict_do_nothing(index_elements=[unique])
        return _rowcount(session.execute(lite, processed))
    raise NotImplementedError(f"nhacviec supports SQLite and PostgreSQL, not {dialect.name}")


def cancel_pending(
    session: Session, occurrence_ids: Sequence[int], reason: str, now: dt.datetime,
    person_ids: Sequence[str] | None = None,
) -> int:
    """Cancel the occurrences' reminders not sent yet (a message being sent is left to finish)."""
    outbox = table(db.OutboxMessage)
    cancelled = 0
    for ids in chunked(list(occurrence_ids)):
        statement = (
            sa.update(outbox)
            .where(outbox.c.occurrence_id.in_(ids), outbox.c.state == db.OutboxState.PENDING.value)
            .values(state=db.OutboxState.CANCELLED.value, error=reason, updated_at=now)
        )
        if person_ids is not None:
            statement = statement.where(outbox.c.person_id.in_(list(person_ids)),
                                        outbox.c.kind != db.OutboxKind.ESCALATION.value)
        cancelled += _rowcount(session.execute(statement))
    return cancelled


def set_state(
    session: Session, occurrence_ids: Sequence[int], state: db.OccurrenceState, now: dt.datetime
) -> int:
    """Move open occurrences to `state` (never back: a closed one stays closed)."""
    occurrences = table(db.Occurrence)
    changed = 0
    for ids in chunked(list(occurrence_ids)):
        changed += _rowcount(session.execute(
            sa.update(occurrences)
            .where(occurrences.c.id.in_(ids), occurrences.c.state == db.OccurrenceState.OPEN.value)
            .values(state=state.value, closed_at=now, updated_at=now)
        ))
    return changed


def _rowcount(result: Any) -> int:
    count: int = result.rowcount
    return count
