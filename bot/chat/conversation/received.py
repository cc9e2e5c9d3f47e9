"""Whether an update reaches the conversation for the first time (`ReceivedUpdate`).

Telegram delivers an update again until a later poll confirms it. A stop confirms what was handled
(`UpdateReceiver.stop`), but a process that dies between committing a reply's work and its next
poll gets the same update again at the next start: «1 xong» would be filed twice, a /start would
welcome twice. The mark is written in the transaction that does the work, so the work and the mark
are committed together or not at all.
"""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from sqlmodel import Session

from bot.channels.events import IncomingEvent
from bot.db.models import ReceivedUpdate
from bot.db.tables import table_of
from bot.db.upsert import insert_for

log = logging.getLogger(__name__)

RECEIVED_KEPT = dt.timedelta(days=3)
"""Telegram holds an unconfirmed update for 24 hours; a mark older than this can go."""

received = table_of(ReceivedUpdate)


def first_delivery(session: Session, event: IncomingEvent) -> bool:
    """Mark the event's update as handled (in the session's transaction); False when it already
    was. Events of platforms that never deliver twice (`delivery_id` None) are always first."""
    if event.delivery_id is None:
        return True
    connection = session.connection()
    marked = connection.execute(
        insert_for(connection.dialect.name, received)
        .values(channel=event.channel, delivery_id=event.delivery_id, received_at=event.received_at)
        .on_conflict_do_nothing()
        .returning(received.c.delivery_id)
    ).first()
    if marked is None:
        log.info("%s update %s came again; it was handled before", event.channel, event.delivery_id)
        return False
    connection.execute(
        sa.delete(received).where(
            received.c.channel == event.channel, received.c.received_at < event.received_at - RECEIVED_KEPT
        )
    )
    return True
