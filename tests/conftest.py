"""Shared fixtures. PostgreSQL tests need NHACVIEC_TEST_POSTGRES_URL (`.ci/run` sets it)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

if TYPE_CHECKING:
    from bot.chat.conversation import ChatConversation
    from tests.test_conversation_office import Office

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
    server = local_server(postgres_url)
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


def local_server(postgres_url: str) -> sa.URL:
    server = make_url(postgres_url)
    if server.host not in LOCAL_HOSTS:
        pytest.fail(f"NHACVIEC_TEST_POSTGRES_URL must point at the local server, not {server.host!r}")
    return server


# Migrated databases are made once and reused: creating a database and running every migration
# for each of several hundred tests was most of their setup time. A test that takes `engine` gets a
# migrated database (a copy of a migrated SQLite file; a pooled PostgreSQL database, emptied after
# the test); a test that takes only `database_url` still gets an empty one (the commands migrate it).


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bot.db.engine import make_engine
    from bot.db.migrate import upgrade

    path = tmp_path_factory.mktemp("migrated") / "nhacviec.db"
    db_engine = make_engine(f"sqlite:///{path}")
    upgrade(db_engine)
    db_engine.dispose()
    return path


class PostgresPool:
    """Migrated PostgreSQL databases of one test process, handed out one test at a time."""

    def __init__(self, postgres_url: str) -> None:
        self.server = local_server(postgres_url)
        self.admin = sa.create_engine(self.server, isolation_level="AUTOCOMMIT")
        self.free: list[str] = []
        self.made: list[str] = []
        self.tables: set[str] = set()

    def url(self, name: str) -> str:
        return self.server.set(database=name).render_as_string(hide_password=False)

    def take(self) -> str:
        if self.free:
            return self.free.pop()
        from bot.db.engine import make_engine
        from bot.db.migrate import upgrade

        name = f"nhacviec_test_{uuid.uuid4().hex[:16]}"
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        self.made.append(name)
        db_engine = make_engine(self.url(name))
        upgrade(db_engine)
        self.tables = set(sa.inspect(db_engine).get_table_names()) - {"alembic_version"}
        db_engine.dispose()
        return name

    def give_back(self, name: str) -> None:
        """Empty the database for the next test; one whose schema a test changed is dropped."""
        from bot.db.migrate import head_revision

        with self.admin.connect() as connection:
            connection.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
        db_engine = sa.create_engine(self.url(name), poolclass=sa.pool.NullPool)
        try:
            with db_engine.begin() as connection:
                version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
                tables = set(sa.inspect(connection).get_table_names()) - {"alembic_version"}
                if version != head_revision() or tables != self.tables:
                    raise LookupError(name)
                listed = ", ".join(f'"{table}"' for table in sorted(tables))
                connection.exec_driver_sql(f"TRUNCATE {listed} RESTART IDENTITY CASCADE")
        except (sa.exc.SQLAlchemyError, LookupError):
            db_engine.dispose()
            self.drop(name)
            return
        db_engine.dispose()
        self.free.append(name)

    def drop(self, name: str) -> None:
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if name in self.made:
            self.made.remove(name)

    def close(self) -> None:
        for name in list(self.made):
            self.drop(name)
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres_pool() -> Iterator[PostgresPool]:
    if not POSTGRES_URL:
        pytest.skip(
            "PostgreSQL tests need NHACVIEC_TEST_POSTGRES_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)"
        )
    pool = PostgresPool(POSTGRES_URL)
    yield pool
    pool.close()


@pytest.fixture
def migrated_postgres(postgres_pool: PostgresPool) -> Iterator[str]:
    name = postgres_pool.take()
    yield postgres_pool.url(name)
    postgres_pool.give_back(name)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A SQLite file in a temporary folder, or a PostgreSQL database of its own: empty, or already
    migrated when the test also takes `engine`."""
    migrated = "engine" in request.fixturenames
    if request.param == "sqlite":
        path = tmp_path / "nhacviec.db"
        if migrated:
            shutil.copyfile(request.getfixturevalue("migrated_sqlite"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("migrated_postgres" if migrated else "postgres_database")
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on `database_url`, whose schema is at the head revision (see `database_url`)."""
    from bot.db.engine import make_engine

    db_engine = make_engine(database_url)
    yield db_engine
    db_engine.dispose()


Dump = dict[str, list[tuple[object, ...]]]


@pytest.fixture
def dump() -> Callable[[Engine], Dump]:
    """`dump(engine)`: every row of every table, to compare a database before and after."""
    return _dump_database


def _dump_database(engine: Engine) -> Dump:
    """Every row of every table (as reflected from the database itself), in a stable order."""
    metadata = _reflected(engine)
    rows: Dump = {}
    with engine.connect() as connection:
        for name, table in sorted(metadata.tables.items()):
            order = table.primary_key.columns or table.c  # PostgreSQL cannot order by a JSON column
            rows[name] = [tuple(row) for row in connection.execute(sa.select(table).order_by(*order))]
    return rows


_REFLECTIONS: dict[tuple[str, frozenset[str]], sa.MetaData] = {}


def _reflected(engine: Engine) -> sa.MetaData:
    """The database's tables, reflected once per dialect and set of table names: reflecting took
    half a second per dump, and every migrated test database has the same schema."""
    key = (engine.dialect.name, frozenset(sa.inspect(engine).get_table_names()))
    if key not in _REFLECTIONS:
        metadata = sa.MetaData()
        metadata.reflect(engine)
        _REFLECTIONS[key] = metadata
    return _REFLECTIONS[key]


@pytest.fixture(autouse=True)
def fresh_cli_settings() -> Iterator[None]:
    """In-process CLI tests change the environment between commands; each command reads it anew.
    Where the dashboard is (`bot.web.links`, set by an in-process `nhacviec run`) is forgotten too:
    the help and the digests mention `/web` only where it is served."""
    from bot.cli.settings import forget_cli_settings
    from bot.web import links

    forget_cli_settings()
    links.configure(None)
    yield
    forget_cli_settings()
    links.configure(None)


# --- The conversation's office (tests/test_conversation_office.py); a test file may define its own -----


@pytest.fixture
def office(engine: Engine) -> Office:
    from tests.test_conversation_office import build_office

    return build_office(engine)


@pytest.fixture
def talk(office: Office) -> ChatConversation:
    from bot.chat.conversation import ChatConversation
    from bot.people import AttemptLimiter
    from tests.test_conversation_office import CALENDAR, CYCLES, TZ

    return ChatConversation(office.engine, tz=TZ, calendar=CALENDAR, cycles=CYCLES, limiter=AttemptLimiter())
