"""An INSERT that can skip rows whose key exists (`ON CONFLICT DO NOTHING`), on both databases.

SQLAlchemy's generic `insert()` has no `on_conflict_do_nothing`; each dialect's has. The commands
refuse every other database before any work, so anything else here is a programming error.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite


def insert_for(dialect: str, table: sa.Table) -> Any:
    """`INSERT INTO table` of `dialect` (a connection's `dialect.name`), with ON CONFLICT support."""
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise ValueError(f"nhacviec supports SQLite and PostgreSQL, not {dialect}")
