"""The outbox table as SQLAlchemy Core: the dispatcher works in set-based statements."""

from __future__ import annotations

from bot.db.models import OutboxMessage
from bot.db.tables import table_of

__all__ = ["outbox", "table_of"]

outbox = table_of(OutboxMessage)
