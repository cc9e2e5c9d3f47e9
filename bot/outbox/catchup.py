"""After downtime: one reminder per (deadline, person), not every one that was missed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.db.models import OutboxState
from bot.outbox.rows import outbox

SUPERSEDED_REASON = "đã có nhắc mới hơn"


@dataclass(frozen=True, slots=True)
class CatchUp:
    late: int
    """Rows that will still go out, marked `late`."""
    cancelled: int
    """Older rows of the same (deadline, person), cancelled."""


def catch_up(engine: Engine, now: dt.datetime, grace: dt.timedelta) -> CatchUp:
    """Run once at start, before dispatching.

    Rows still pending whose time (`send_at`) passed more than `grace` ago were missed while
    the bot was down. For each (occurrence, person) only the latest of them goes out, marked
    `late`; the older ones are cancelled with the reason "đã có nhắc mới hơn". Messages not tied
    to an occurrence (digests) are grouped by (person, kind) the same way.
    """
    missed = sa.and_(outbox.c.state == OutboxState.PENDING, outbox.c.send_at < now - grace)
    query = sa.select(
        outbox.c.id, outbox.c.occurrence_id, outbox.c.person_id, outbox.c.kind, outbox.c.send_at
    ).where(missed)
    latest: dict[tuple[object, ...], tuple[dt.datetime, int]] = {}
    older: list[int] = []
    with engine.begin() as connection:
        for row in connection.execute(query):
            group = (row.occurrence_id, row.person_id, None if row.occurrence_id is not None else row.kind)
            candidate = (row.send_at, row.id)
            kept = latest.get(group)
            if kept is None:
                latest[group] = candidate
            elif candidate > kept:
                older.append(kept[1])
                latest[group] = candidate
            else:
                older.append(row.id)
        late_ids = [row_id for _, row_id in latest.values()]
        for chunk in _chunks(older):
            connection.execute(
                sa.update(outbox)
                .where(outbox.c.id.in_(chunk), missed)
                .values(state=OutboxState.CANCELLED, error=SUPERSEDED_REASON, updated_at=now)
            )
        for chunk in _chunks(late_ids):
            connection.execute(
                sa.update(outbox).where(outbox.c.id.in_(chunk), missed).values(late=True, updated_at=now)
            )
    return CatchUp(late=len(late_ids), cancelled=len(older))


def _chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]
