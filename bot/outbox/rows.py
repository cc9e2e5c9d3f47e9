"""The outbox table as SQLAlchemy Core: the dispatcher works in set-based statements."""

from __future__ import annotations

import sqlalchemy as sa

from bot.db.models import OutboxMessage


def table_of(model: type) -> sa.Table:
    """A SQLModel class's table (SQLModel does not type `__table__`)."""
    found: sa.Table = getattr(model, "__table__")  # noqa: B009
    return found


outbox = table_of(OutboxMessage)
