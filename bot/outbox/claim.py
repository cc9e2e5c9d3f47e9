"""Claiming due rows, holding and giving back their leases, marking the outcome.

Modelled on healthchecks' `sendalerts.py`: a conditional UPDATE is the lock. Every statement
that changes a claimed row repeats the condition `claimed_by = <me> AND state = 'sending'`, so a
worker whose lease ran out (and whose row another worker took over) changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.db.models import Checkin, OutboxKind, OutboxState, Person
from bot.outbox.rows import outbox, table_of

people = table_of(Person)


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    attempts: int
    """Including this one."""
    send_at: dt.datetime
    late: bool
    next_attempt_at: dt.datetime | None = None
    """When it was due to go (later than `send_at` after a snooze or a retry)."""


def _claimable(now: dt.datetime) -> sa.ColumnElement[bool]:
    return sa.or_(
        sa.and_(outbox.c.state == OutboxState.PENDING, outbox.c.next_attempt_at <= now),
        # A worker died holding the row: its lease ran out.
        sa.and_(outbox.c.state == OutboxState.SENDING, outbox.c.lease_expires_at < now),
    )


def claim(engine: Engine, worker: str, now: dt.datetime, lease: dt.timedelta, limit: int) -> list[Claimed]:
    """Take every due row of up to `limit` people for `worker`, in one atomic statement.

    The unit of a claim is the person, not the row: all of a person's due rows are claimed
    together so that they go out as one check-in (`bot.outbox.checkin`) and are marked together.
    Two workers never split one person's rows between them."""
    if limit <= 0:
        return []
    due_people = sa.select(outbox.c.person_id).where(_claimable(now))
    if engine.dialect.name == "postgresql":
        # The person's row is the lock: a concurrent worker skips people another worker is
        # claiming, so a person's rows are never split. `FOR NO KEY UPDATE` does not block the
        # foreign-key checks of other writers. In a CTE, not `IN (subquery)`: PostgreSQL may re-run
        # such a subquery during the UPDATE and pick more people than the limit.
        picked = (
            sa.select(people.c.id)
            .where(people.c.id.in_(due_people.scalar_subquery()))
            .order_by(people.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True, key_share=True)
            .cte("picked")
        )
        chosen: sa.ColumnElement[bool] = outbox.c.person_id == picked.c.id
    else:
        # SQLite runs one writer at a time: the UPDATE with its condition is the lock.
        oldest_first = (
            due_people.group_by(outbox.c.person_id)
            .order_by(sa.func.min(outbox.c.next_attempt_at), outbox.c.person_id)
            .limit(limit)
        )
        chosen = outbox.c.person_id.in_(oldest_first.scalar_subquery())
    statement = (
        sa.update(outbox)
        .where(chosen, _claimable(now))
        .values(
            state=OutboxState.SENDING,
            claimed_by=worker,
            lease_expires_at=now + lease,
            attempts=outbox.c.attempts + 1,
            updated_at=now,
        )
        .returning(outbox.c.id, outbox.c.attempts, outbox.c.send_at, outbox.c.late, outbox.c.next_attempt_at)
    )
    with engine.begin() as connection:
        rows = connection.execute(statement).all()
    claimed = [Claimed(row.id, row.attempts, row.send_at, row.late, row.next_attempt_at) for row in rows]
    claimed.sort(key=lambda c: (c.send_at, c.id))
    return claimed


def mark_checkin_sent(
    engine: Engine,
    row_ids: list[int],
    worker: str,
    *,
    checkin: dict[str, object],
    channel: str,
    chat_id: str,
    message_id: str,
    now: dt.datetime,
) -> int:
    """Record one message that carried several rows: the `checkins` row and every row still held
    by `worker` marked sent with it, in one transaction. Returns how many rows were marked (fewer
    than given when some leases were lost)."""
    checkins = table_of(Checkin)
    mine = sa.and_(
        outbox.c.id.in_(row_ids), outbox.c.claimed_by == worker, outbox.c.state == OutboxState.SENDING
    )
    with engine.begin() as connection:
        checkin_id = connection.execute(
            sa.insert(checkins)
            .values(channel=channel, chat_id=chat_id, sent_message_id=message_id, sent_at=now, **checkin)
            .returning(checkins.c.id)
        ).scalar_one()
        return connection.execute(
            sa.update(outbox)
            .where(mine)
            .values(
                state=OutboxState.SENT,
                sent_at=now,
                channel=channel,
                chat_id=chat_id,
                sent_message_id=message_id,
                checkin_id=checkin_id,
                lease_expires_at=None,
                error=None,
                updated_at=now,
            )
        ).rowcount


def _mine(row_id: int, worker: str) -> sa.ColumnElement[bool]:
    return sa.and_(
        outbox.c.id == row_id, outbox.c.claimed_by == worker, outbox.c.state == OutboxState.SENDING
    )


def mark_sent(
    engine: Engine, row_id: int, worker: str, *, channel: str, chat_id: str, message_id: str, now: dt.datetime
) -> bool:
    """Record the delivery; False when the lease was lost (another worker owns the row now)."""
    statement = (
        sa.update(outbox)
        .where(_mine(row_id, worker))
        .values(
            state=OutboxState.SENT,
            sent_at=now,
            channel=channel,
            chat_id=chat_id,
            sent_message_id=message_id,
            lease_expires_at=None,
            error=None,
            updated_at=now,
        )
    )
    with engine.begin() as connection:
        return connection.execute(statement).rowcount == 1


def mark_retry(
    engine: Engine, row_id: int, worker: str, *, error: str, next_attempt_at: dt.datetime, now: dt.datetime
) -> bool:
    statement = (
        sa.update(outbox)
        .where(_mine(row_id, worker))
        .values(
            state=OutboxState.PENDING,
            next_attempt_at=next_attempt_at,
            error=error,
            claimed_by=None,
            lease_expires_at=None,
            updated_at=now,
        )
    )
    with engine.begin() as connection:
        return connection.execute(statement).rowcount == 1


def mark_final(
    engine: Engine,
    row_id: int,
    worker: str,
    *,
    state: OutboxState,
    reason: str,
    now: dt.datetime,
    channel: str | None = None,
    chat_id: str | None = None,
) -> bool:
    """`failed` or `cancelled`, with the reason in `error`."""
    values: dict[str, object] = {
        "state": state,
        "error": reason,
        "lease_expires_at": None,
        "updated_at": now,
    }
    if channel is not None:
        values |= {"channel": channel, "chat_id": chat_id}
    with engine.begin() as connection:
        return (
            connection.execute(sa.update(outbox).where(_mine(row_id, worker)).values(**values)).rowcount == 1
        )


def renew_leases(
    engine: Engine, worker: str, now: dt.datetime, lease: dt.timedelta, ids: list[int] | None = None
) -> int:
    """Extend the lease of every row `worker` still holds (it is alive and working on them).

    With `ids`, only those: a claim whose commit went through while the connection died before
    the answer leaves rows claimed in this worker's name that it never learnt of; they must run
    out and go to the next claim, not be renewed for ever."""
    condition = sa.and_(
        outbox.c.claimed_by == worker,
        outbox.c.state == OutboxState.SENDING,
        outbox.c.lease_expires_at >= now,
    )
    if ids is not None:
        if not ids:
            return 0
        condition = sa.and_(condition, outbox.c.id.in_(ids))
    statement = sa.update(outbox).where(condition).values(lease_expires_at=now + lease)
    with engine.begin() as connection:
        return connection.execute(statement).rowcount


def already_checked_in(engine: Engine, person_id: str, since: dt.datetime) -> bool:
    """Whether the person got their check-in (or a single reminder) since `since`, the start of
    their local day."""
    query = sa.select(outbox.c.id).where(
        outbox.c.person_id == person_id,
        outbox.c.state == OutboxState.SENT,
        outbox.c.kind.in_([OutboxKind.BEFORE, OutboxKind.DUE, OutboxKind.OVERDUE, OutboxKind.PROGRESS]),
        outbox.c.sent_at >= since,
    )
    with engine.connect() as connection:
        return connection.execute(query.limit(1)).first() is not None


def defer(engine: Engine, row_ids: list[int], worker: str, until: dt.datetime, now: dt.datetime) -> int:
    """Give rows back to be sent at `until` (the next send slot), the attempt undone: waiting for
    the slot is no failure."""
    statement = (
        sa.update(outbox)
        .where(outbox.c.id.in_(row_ids), outbox.c.claimed_by == worker, outbox.c.state == OutboxState.SENDING)
        .values(
            state=OutboxState.PENDING,
            next_attempt_at=until,
            claimed_by=None,
            lease_expires_at=None,
            attempts=sa.case((outbox.c.attempts > 0, outbox.c.attempts - 1), else_=0),
            updated_at=now,
        )
    )
    with engine.begin() as connection:
        return connection.execute(statement).rowcount


def release(engine: Engine, worker: str, now: dt.datetime, ids: list[int] | None = None) -> int:
    """Give back rows not yet sent (clean shutdown): pending again at once, the attempt undone."""
    condition = sa.and_(outbox.c.claimed_by == worker, outbox.c.state == OutboxState.SENDING)
    if ids is not None:
        condition = sa.and_(condition, outbox.c.id.in_(ids))
    statement = (
        sa.update(outbox)
        .where(condition)
        .values(
            state=OutboxState.PENDING,
            claimed_by=None,
            lease_expires_at=None,
            attempts=sa.case((outbox.c.attempts > 0, outbox.c.attempts - 1), else_=0),
            updated_at=now,
        )
    )
    with engine.begin() as connection:
        return connection.execute(statement).rowcount


def next_due(engine: Engine) -> dt.datetime | None:
    """When the next row falls due (pending) or a lease runs out (sending): the next wake-up."""
    pending = sa.select(sa.func.min(outbox.c.next_attempt_at)).where(outbox.c.state == OutboxState.PENDING)
    leases = sa.select(sa.func.min(outbox.c.lease_expires_at)).where(outbox.c.state == OutboxState.SENDING)
    with engine.connect() as connection:
        moments = [
            connection.execute(pending).scalar_one_or_none(),
            connection.execute(leases).scalar_one_or_none(),
        ]
    found = [_aware(m) for m in moments if m is not None]
    return min(found) if found else None


def _aware(moment: dt.datetime) -> dt.datetime:
    # min() over a UTCDateTime column comes back without the type's processing on SQLite.
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
