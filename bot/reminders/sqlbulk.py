"""Bulk writes that stay idempotent: INSERT … ON CONFLICT DO NOTHING, and chunked updates.

On PostgreSQL the rows go in with `COPY` into a staging table, then one `INSERT … SELECT … ON
CONFLICT DO NOTHING` (`bot.db.bulk`): a multi-row INSERT with thousands of parameters is compiled
by SQLAlchemy and re-parsed by psycopg in Python for every batch, which was most of the time of a
materialise there. SQLite has no COPY and does not need it (an executemany there is a loop in C).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlmodel import Session

from bot.db import models as db
from bot.db.bulk import insert_new_rows
from bot.db.tables import table_of

T = TypeVar("T")
CHUNK = 900
"""Ids per `IN (…)`: well under every SQLite build's variable limit."""
SQLITE_ROWS = 5000
"""Rows per SQLite executemany, so the processed copy of a million rows is never held at once."""


table = table_of
"""The Core table of a model (`bot.db.tables.table_of`), as the reminder code calls it."""


def chunked(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def among(
    session: Session, column: sa.ColumnElement[Any], ids: Sequence[Any]
) -> Iterator[sa.ColumnElement[bool]]:
    """Conditions "`column` is one of `ids`", as few as the database allows: on PostgreSQL one,
    the whole list as a single array parameter (`= ANY(…)`), since psycopg parses a statement of
    hundreds of placeholders again, in Python, every time it runs (an IN of 900 ids cost 7 ms
    each); on SQLite one `IN (…)` per CHUNK ids."""
    if not ids:
        return
    if session.get_bind().dialect.name == "postgresql":
        yield column == sa.func.any(sa.bindparam(None, list(ids), type_=postgresql.ARRAY(column.type)))
        return
    for chunk in chunked(ids):
        yield column.in_(chunk)


def insert_ignoring_duplicates(
    session: Session, table: sa.Table, rows: list[dict[str, Any]], unique: str, returning: str
) -> list[Any]:
    """Insert `rows`, skipping those whose `unique` column already exists; returns the new rows'
    (`returning`, `unique`) values, in the order of `rows` (other writers may insert the same keys
    at the same time: no error)."""
    if not rows:
        return []
    dialect = session.get_bind().dialect
    if dialect.name == "postgresql":
        return insert_new_rows(session, table, rows, unique, (returning, unique))[0]
    if dialect.name == "sqlite":
        lite = sqlite.insert(table).on_conflict_do_nothing(index_elements=[unique])
        statement = lite.returning(table.c[returning], table.c[unique])
        return list(session.execute(statement, rows).all())
    # Unreachable from the commands: another database is refused before any work (UNSUPPORTED_DATABASE).
    raise ValueError(f"nhacviec supports SQLite and PostgreSQL, not {dialect.name}")


def insert_many_ignoring_duplicates(
    session: Session, table: sa.Table, rows: list[dict[str, Any]], unique: str
) -> int:
    """Like `insert_ignoring_duplicates` but without RETURNING, for a million rows: returns how
    many were inserted."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect
    if dialect.name == "postgresql":
        return insert_new_rows(session, table, rows, unique)[1]
    if dialect.name == "sqlite":
        names = list(rows[0])
        # sqlite3's executemany sums the changes; a skipped duplicate changes nothing.
        light = sa.table(table.name, *(sa.column(name) for name in names))
        lite = sqlite.insert(light).on_conflict_do_nothing(index_elements=[unique])
        inserted = 0
        for batch in chunked(rows, SQLITE_ROWS):
            inserted += _rowcount(session.execute(lite, _processed(table, batch, dialect)))
        return inserted
    # Unreachable from the commands: another database is refused before any work (UNSUPPORTED_DATABASE).
    raise ValueError(f"nhacviec supports SQLite and PostgreSQL, not {dialect.name}")


def _processed(table: sa.Table, rows: Sequence[dict[str, Any]], dialect: Dialect) -> list[dict[str, Any]]:
    """SQLite: the rows as the driver takes them.

    The columns' bind processors (UTC conversion, enum checks) run once per distinct value, not
    once per row: the rows of one run share a few dozen send times. The statement then targets a
    lightweight copy of the table whose columns do no processing of their own.
    """
    processors = {
        name: processor
        for name in rows[0]
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
    return processed


def cancel_pending(
    session: Session,
    occurrence_ids: Sequence[int],
    reason: str,
    now: dt.datetime,
    person_ids: Sequence[str] | None = None,
) -> int:
    """Cancel the occurrences' reminders not sent yet (a message being sent is left to finish)."""
    outbox = table(db.OutboxMessage)
    cancelled = 0
    for occurrence in among(session, outbox.c.occurrence_id, list(occurrence_ids)):
        statement = (
            sa.update(outbox)
            .where(occurrence, outbox.c.state == db.OutboxState.PENDING.value)
            .values(state=db.OutboxState.CANCELLED.value, error=reason, updated_at=now)
        )
        if person_ids is not None:
            statement = statement.where(
                outbox.c.person_id.in_(list(person_ids)), outbox.c.kind != db.OutboxKind.ESCALATION.value
            )
        cancelled += _rowcount(session.execute(statement))
    return cancelled


def set_state(
    session: Session, occurrence_ids: Sequence[int], state: db.OccurrenceState, now: dt.datetime
) -> int:
    """Move open occurrences to `state` (never back: a closed one stays closed)."""
    occurrences = table(db.Occurrence)
    changed = 0
    for occurrence in among(session, occurrences.c.id, list(occurrence_ids)):
        changed += _rowcount(
            session.execute(
                sa.update(occurrences)
                .where(occurrence, occurrences.c.state == db.OccurrenceState.OPEN.value)
                .values(state=state.value, closed_at=now, updated_at=now)
            )
        )
    return changed


def _rowcount(result: Any) -> int:
    count: int = result.rowcount
    return count
