"""A model's Core table, for set-based statements that skip the ORM."""

from __future__ import annotations

import sqlalchemy as sa


def table_of(model: type) -> sa.Table:
    """A SQLModel class's table (SQLModel does not type `__table__`)."""
    found: sa.Table = getattr(model, "__table__")  # noqa: B009
    return found
