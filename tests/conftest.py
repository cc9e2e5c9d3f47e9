"""Shared fixtures. PostgreSQL tests need NHACVIEC_TEST_POSTGRES_URL (`.ci/run` sets it)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

DATA_DIR = Path(__file__).parent / "data"
POSTGRES_URL = os.environ.get("NHACVIEC_TEST_POSTGRES_URL")


@pytest.fixture
def data_dir() -> Path:
    return DATA_DIR


@pytest.fixture
def postgres_url() -> str:
    if not POSTGRES_URL:
        pytest.skip(
            "PostgreSQL tests need NHACVIEC_TEST_POSTGRES_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)"
        )
    return POSTGRES_URL


# Databases: every test that takes `database_url` (or `engine`) runs on SQLite and on PostgreSQL.

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture
def postgres_database(postgres_url: str) -> Iterator[str]:
    """A fresh, uniquely named PostgreSQL database on the local test server, dropped afterwards."""
    server = make_url(postgres_url)
    if server.host not in LOCAL_HOSTS:
        pytest.fail(f"NHACVIEC_TEST_POSTGRES_URL must point at the local server, not {server.host!r}")
    name = f"nhacviec_test_{uuid.uuid4().hex[:16]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield server.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a SQLite file in a temporary folder, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'nhacviec.db'}"
    url: str = request.getfixturevalue("postgres_database")
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on `database_url`, schema migrated to head."""
    from bot.db.engine import make_engine
    from bot.db.migrate import upgrade

    db_engine = make_engine(database_url)
    upgrade(db_engine)
    yield db_engine
    db_engine.dispose()


Dump = dict[str, list[tuple[object, ...]]]


@pytest.fixture
def dump() -> Callable[[Engine], Dump]:
    """`dump(engine)`: every row of every table, to compare a database before and after."""
    return _dump_database


def _dump_database(engine: Engine) -> Dump:
    """Every row of every table (as reflected from the database itself), in a stable order."""
    metadata = sa.MetaData()
    metadata.reflect(engine)
    rows: Dump = {}
    with engine.connect() as connection:
        for name, table in sorted(metadata.tables.items()):
            order = table.primary_key.columns or table.c  # PostgreSQL cannot order by a JSON column
            rows[name] = [tuple(row) for row in connection.execute(sa.select(table).order_by(*order))]
    return rows


@pytest.fixture(autouse=True)
def fresh_cli_settings() -> Iterator[None]:
    """In-process CLI tests change the environment between commands; each command reads it anew."""
    from bot.cli.settings import forget_cli_settings

    forget_cli_settings()
    yield
    forget_cli_settings()
