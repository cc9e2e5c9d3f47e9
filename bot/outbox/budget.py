"""The monthly message budget of a channel (Zalo's quota is small): what a check-in may still
carry, and the one notice to the admin when reminders start being dropped.

Counted in messages actually sent this month (local calendar month) on the channel: a check-in
is one message however many rows it carries. Near the budget, progress nudges go first, then
"before" reminders; due and overdue items and escalations are never dropped. Dropped rows are
`cancelled` with the reason, never silently.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.db.models import BudgetNotice, Checkin, CheckinKind, OutboxKind, OutboxState
from bot.db.upsert import insert_for
from bot.outbox.rows import outbox, table_of

PROGRESS_SHARE = 0.8
"""From this share of the budget used, progress nudges are dropped."""
BEFORE_SHARE = 0.9
"""From this share, "before" reminders too."""


class Level(StrEnum):
    PROGRESS = "progress"
    BEFORE = "before"


@dataclass(frozen=True, slots=True)
class Usage:
    channel: str
    period: str
    """`YYYY-MM`, the local month."""
    sent: int
    budget: int

    @property
    def level(self) -> Level | None:
        if self.sent >= self.budget * BEFORE_SHARE:
            return Level.BEFORE
        if self.sent >= self.budget * PROGRESS_SHARE:
            return Level.PROGRESS
        return None

    def drops(self, kind: OutboxKind) -> bool:
        """Only progress nudges and "before" reminders are ever dropped; due and overdue items,
        escalations, digests and the budget notice itself always go."""
        level = self.level
        if level is None:
            return False
        if kind is OutboxKind.PROGRESS:
            return True
        return kind is OutboxKind.BEFORE and level is Level.BEFORE


def month_start(now: dt.datetime, tz: ZoneInfo) -> tuple[str, dt.datetime]:
    local = now.astimezone(tz)
    start = dt.datetime(local.year, local.month, 1, tzinfo=tz)
    return f"{local.year:04d}-{local.month:02d}", start.astimezone(dt.UTC)


def usage(engine: Engine, channel: str, budget: int, now: dt.datetime, tz: ZoneInfo) -> Usage:
    """Messages sent on `channel` this month: check-ins, and rows sent alone."""
    period, since = month_start(now, tz)
    checkins = table_of(Checkin)
    grouped = sa.select(sa.func.count()).where(
        checkins.c.channel == channel, checkins.c.sent_at >= since, checkins.c.kind != CheckinKind.LIST.value
    )
    alone = sa.select(sa.func.count()).where(
        outbox.c.channel == channel,
        outbox.c.state == OutboxState.SENT,
        outbox.c.sent_at >= since,
        outbox.c.checkin_id.is_(None),
    )
    with engine.connect() as connection:
        sent = connection.execute(grouped).scalar_one() + connection.execute(alone).scalar_one()
    return Usage(channel, period, int(sent), budget)


def budget_setting(channel: str) -> str:
    """The setting that holds `channel`'s budget, as the admin writes it in `.env`."""
    return f"{channel.upper()}_MONTHLY_MESSAGE_BUDGET"


def first_notice(engine: Engine, used: Usage, now: dt.datetime) -> bool:
    """Record that the admin is told about `used.level` this month; True only for the first
    process to record it (the notice is given once, whatever the number of processes)."""
    with engine.begin() as connection:
        return record_notice(connection, used, now)


def record_notice(connection: sa.Connection, used: Usage, now: dt.datetime) -> bool:
    """`first_notice` inside the caller's transaction, so that what the notice sets off (its
    chat messages, `bot.outbox.notice`) commits with the record or not at all."""
    level = used.level
    if level is None:
        return False
    notices = table_of(BudgetNotice)
    # ON CONFLICT, not a savepoint: pysqlite opens no transaction before a SAVEPOINT, so its
    # RELEASE would commit the record apart from the rest. A second process waits for the
    # first's commit, then inserts nothing.
    statement = (
        insert_for(connection.dialect.name, notices)
        .values(channel=used.channel, period=used.period, level=level.value, noticed_at=now)
        .on_conflict_do_nothing(index_elements=["channel", "period", "level"])
        .returning(notices.c.id)  # psycopg's rowcount is -1 here
    )
    return connection.execute(statement).first() is not None
