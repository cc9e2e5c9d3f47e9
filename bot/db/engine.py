"""Opening the database named by `DATABASE_URL`."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

POSTGRES_CONNECT = {
    "connect_timeout": 10,
    # A server that vanished without closing the socket (a failover, a dropped route) is noticed
    # within about a minute instead of the kernel's two hours.
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
}
"""libpq options for PostgreSQL; the URL's own query string (`?connect_timeout=3`) wins."""


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`. Every connection taken from the pool is checked first (`pool_pre_ping`):
    a server restart, a failover or a PgBouncer blip kills the pooled connections, and without the
    check the next statement would fail on a dead one. SQLite gets foreign keys enforced and
    waits on a busy file."""
    kwargs.setdefault("pool_pre_ping", True)
    if url.startswith("postgresql"):
        given = set(make_url(url).query)
        connect = {k: v for k, v in POSTGRES_CONNECT.items() if k not in given}
        kwargs["connect_args"] = {**connect, **kwargs.get("connect_args", {})}
    engine = sa.create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_on_connect)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # SQLite ignores foreign keys unless asked, per connection; several processes (bot, CLI)
    # share the file, so a writer waits for the lock instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
