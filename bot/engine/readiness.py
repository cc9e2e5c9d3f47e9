"""What a freshly started bot lacks to do anything useful, so `nhacviec run` can say it."""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import col

from bot.db.models import ChatBinding, Person, Plan


class Missing(StrEnum):
    PLANS = "plans"
    """No plan in the database: nothing to remind about."""
    PEOPLE = "people"
    """Plans, but nobody in the directory nor registered in chat: nobody to remind."""


def missing(engine: Engine, *, console_only: bool) -> Missing | None:
    """On the console every directory person gets reminders; on a platform only registered chats."""
    with engine.connect() as connection:
        plans = connection.execute(
            sa.select(sa.func.count()).select_from(Plan).where(col(Plan.archived_at).is_(None))
        ).scalar_one()
        if not plans:
            return Missing.PLANS
        count = sa.select(sa.func.count())
        if console_only:
            reachable = count.select_from(Person).where(col(Person.archived_at).is_(None))
        else:
            reachable = count.select_from(ChatBinding).where(col(ChatBinding.blocked_at).is_(None))
        people = connection.execute(reachable).scalar_one()
    return None if people else Missing.PEOPLE
