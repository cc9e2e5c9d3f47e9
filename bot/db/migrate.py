"""Bringing the schema to the Alembic head, programmatically (no alembic.ini needed)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

# Any fixed 64-bit number; every nhacviec process that migrates takes this PostgreSQL lock.
_ADVISORY_LOCK_KEY = 0x6E686163_76696563  # "nhacviec"


@dataclass(frozen=True, slots=True)
class SchemaState:
    current: str | None
    """The database's revision; None for an empty database."""
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


class UnknownRevisionError(Exception):
    """The database carries a revision this version of nhacviec does not know (it is newer)."""

    def __init__(self, revision: str) -> None:
        super().__init__(revision)
        self.revision = revision


def alembic_config(connection: Connection | None = None) -> Config:
    """The Alembic configuration; migrations run on `connection` (see migrations/env.py)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "bot/migrations/versions holds no revision"
    return head


def schema_state(connection: Connection) -> SchemaState:
    current = MigrationContext.configure(connection).get_current_revision()
    state = SchemaState(current=current, head=head_revision())
    if current is not None and not state.up_to_date:
        script = ScriptDirectory.from_config(alembic_config())
        if current not in {rev.revision for rev in script.walk_revisions()}:
            raise UnknownRevisionError(current)
    return state


def upgrade(engine: Engine) -> tuple[SchemaState, SchemaState]:
    """Upgrade to head; returns the state before and after. Safe to run from several processes."""
    with engine.connect() as connection, _migration_lock(connection):
        before = schema_state(connection)
        if not before.up_to_date:
            command.upgrade(alembic_config(connection), "head")
            connection.commit()
        after = schema_state(connection)
        connection.commit()
    return before, after


def ensure_schema(engine: Engine) -> None:
    """What every command needing the database calls first: cheap when already up to date."""
    with engine.connect() as connection:
        state = schema_state(connection)
        connection.rollback()
    if not state.up_to_date:
        upgrade(engine)


@contextmanager
def _migration_lock(connection: Connection) -> Iterator[None]:
    """One migrating process at a time; the others wait, then find nothing left to do."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.select(sa.func.pg_advisory_lock(_ADVISORY_LOCK_KEY)))
        connection.commit()
        try:
            yield
        finally:
            connection.rollback()
            connection.execute(sa.select(sa.func.pg_advisory_unlock(_ADVISORY_LOCK_KEY)))
            connection.commit()
    elif connection.dialect.name == "sqlite":
        # Take the file's write lock before reading the revision; the migration's DDL then runs
        # inside this transaction (busy_timeout makes the second process wait for the first).
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            connection.rollback()
    else:
        yield
