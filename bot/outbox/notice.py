"""The budget notice in chat: when a channel's monthly message budget first makes the bot drop
reminders at a level (`bot.outbox.budget`), the office's admins are told in chat, else its chiefs.

Each recipient's notice is an outbox row like any reminder: kind `notice`, no occurrence, its text
rendered in the recipient's language into the payload (as a digest's is). The rows are queued in
the transaction that records the `budget_notices` row, so the notice is recorded once whatever the
number of processes, and never recorded without its messages: a crash after the commit leaves
pending rows that the next claim sends. The key `notice:budget:<channel>:<YYYY-MM>:<level>|<person>`
makes a second insert a no-op. The budget never drops a notice (`Usage.drops`), and a notice,
dropping nothing, never sets off another.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from babel.dates import format_date
from babel.numbers import format_decimal
from sqlalchemy.engine import Engine

from bot.db.models import ChatBinding, OutboxKind, OutboxState, Person
from bot.db.roles import Role
from bot.db.upsert import insert_for
from bot.i18n import LANGUAGES, SOURCE_LANGUAGE
from bot.outbox.budget import Level, Usage, budget_setting, record_notice
from bot.outbox.context import Binding, ReminderContext
from bot.outbox.messages import BUDGET_CHAT_NOTICE, SKIPPED_BEFORE, SKIPPED_PROGRESS, render
from bot.outbox.rows import outbox, table_of

SPARE_CHANNEL = "spare_channel"
"""Payload key: the channel whose budget ran low, not used when the person has another chat."""
RECIPIENT_ROLES = (Role.ADMIN, Role.CHIEF)
"""Who is told, in order: the admins; only when there is none, the chiefs."""
CHANNEL_LABELS = {"zalo": "Zalo", "telegram": "Telegram"}
MONTH_PATTERNS = {"vi": "M/y", "en": "MMMM y"}


@dataclass(frozen=True, slots=True)
class Recipient:
    person_id: str
    language: str


def recipients(connection: sa.Connection) -> list[Recipient]:
    """The active admins with a chat the bot may write to; without any, the chiefs."""
    people, chats = table_of(Person), table_of(ChatBinding)
    reachable = sa.exists().where(chats.c.person_id == people.c.id, chats.c.blocked_at.is_(None))
    for role in RECIPIENT_ROLES:
        found = connection.execute(
            sa.select(people.c.id, people.c.language)
            .where(people.c.role == role, people.c.archived_at.is_(None), reachable)
            .order_by(people.c.id)
        ).all()
        if found:
            return [Recipient(row.id, row.language or SOURCE_LANGUAGE) for row in found]
    return []


def notice_text(used: Usage, lang: str) -> str:
    """`Kênh Zalo đã dùng 1.620/2.000 tin của tháng 12/2026 (81%). …` in `lang`."""
    lang = lang if lang in LANGUAGES else SOURCE_LANGUAGE
    year, month = (int(part) for part in used.period.split("-"))
    return render(
        lang,
        BUDGET_CHAT_NOTICE,
        channel=CHANNEL_LABELS.get(used.channel, used.channel),
        sent=format_decimal(used.sent, locale=lang),
        budget=format_decimal(used.budget, locale=lang),
        month=format_date(dt.date(year, month, 1), MONTH_PATTERNS[lang], locale=lang),
        # Rounded down: 89.9 % must not read as the 90 % that also drops "before" reminders.
        percent=used.sent * 100 // used.budget,
        skipped=render(lang, SKIPPED_BEFORE if used.level is Level.BEFORE else SKIPPED_PROGRESS),
        setting=budget_setting(used.channel),
    )


def notice_key(channel: str, period: str, level: Level, person_id: str) -> str:
    return f"notice:budget:{channel}:{period}:{level.value}|{person_id}"


def queue_notices(connection: sa.Connection, used: Usage, now: dt.datetime) -> list[str]:
    """Insert one pending notice row per recipient; returns the people whose row was inserted."""
    level = used.level
    assert level is not None, "queued only once a level is recorded"
    queued: list[str] = []
    for recipient in recipients(connection):
        payload: dict[str, Any] = {
            "text": notice_text(used, recipient.language),
            SPARE_CHANNEL: used.channel,
            "budget": {
                "channel": used.channel,
                "period": used.period,
                "level": level.value,
                "sent": used.sent,
                "budget": used.budget,
            },
        }
        statement = insert_for(connection.dialect.name, outbox).values(
            idempotency_key=notice_key(used.channel, used.period, level, recipient.person_id),
            kind=OutboxKind.NOTICE.value,
            step=0,
            person_id=recipient.person_id,
            send_at=now,
            state=OutboxState.PENDING.value,
            next_attempt_at=now,
            attempts=0,
            late=False,
            payload=payload,
            created_at=now,
            updated_at=now,
        )
        statement = statement.on_conflict_do_nothing(index_elements=["idempotency_key"])
        if connection.execute(statement.returning(outbox.c.id)).first() is not None:
            queued.append(recipient.person_id)
    return queued


def tell_admins(engine: Engine, used: Usage, now: dt.datetime) -> list[str] | None:
    """Record the notice of `used.level` and queue its chat messages, in one transaction.

    None when it was recorded before (by this process or another): nothing to say. Otherwise the
    people it goes to in chat, empty when there is no admin or chief to tell."""
    with engine.begin() as connection:
        if not record_notice(connection, used, now):
            return None
        return queue_notices(connection, used, now)


def sending_channels(context: ReminderContext, live: Sequence[Binding], running: Sequence[str]) -> list[str]:
    """The running channels a row may go on. A budget notice spares the channel whose budget ran
    low when the person has a live chat on another running channel: telling the admin must not
    use up what is left for reminders. With no other chat, it goes on that channel all the same."""
    spare = (context.payload or {}).get(SPARE_CHANNEL) if context.kind is OutboxKind.NOTICE else None
    others = [name for name in running if name != spare]
    if spare is not None and any(b.channel in others and b.blocked_at is None for b in live):
        return others
    return list(running)
