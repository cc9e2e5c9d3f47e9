"""The Alembic migrations: they build the schema the models describe, on SQLite and PostgreSQL.

`nhacviec db …` runs in-process (`tests/cli_support.py`: what a fresh process would see), except
for two upgrades at once, which are two real processes racing on one database."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from bot.db.engine import make_engine
from bot.db.migrate import alembic_config, ensure_schema, head_revision, schema_state, upgrade
from tests.cli_support import CliResult, run_nhacviec

NHACVIEC = Path(sys.executable).with_name("nhacviec")
DumpDatabase = Callable[[Engine], dict[str, list[tuple[object, ...]]]]


def run_cli(*args: str, database_url: str, cwd: Path) -> CliResult:
    env = {**os.environ, "DATABASE_URL": database_url, "NHACVIEC_LANGUAGE": "vi"}
    return run_nhacviec(*args, env=env, cwd=cwd)


def test_migration_builds_every_table_on_an_empty_database(database_url: str) -> None:
    engine = make_engine(database_url)
    before, after = upgrade(engine)
    assert before.current is None
    assert after.current == head_revision()
    tables = set(sa.inspect(engine).get_table_names())
    assert tables == set(SQLModel.metadata.tables) | {"alembic_version"}
    engine.dispose()


def test_models_match_the_migration(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_upgrading_an_up_to_date_database_changes_nothing(engine: Engine, dump: DumpDatabase) -> None:
    before_dump = dump(engine)
    before, after = upgrade(engine)
    ensure_schema(engine)
    assert before.up_to_date and after.up_to_date
    assert dump(engine) == before_dump


def test_downgrade_to_base_and_back(engine: Engine) -> None:
    with engine.connect() as connection:
        command.downgrade(alembic_config(connection), "base")
        connection.commit()
    assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert set(sa.inspect(engine).get_table_names()) >= set(SQLModel.metadata.tables)


def test_the_schema_refuses_unknown_codes_and_dangling_references(engine: Engine) -> None:
    """The constraints live in the database (tables reflected from it), not only in the models."""
    reflected = sa.MetaData()
    reflected.reflect(engine, only=["units", "people"])
    units, people = reflected.tables["units"], reflected.tables["people"]
    stamp = {"created_at": sa.func.now(), "updated_at": sa.func.now()}
    with engine.begin() as connection:
        connection.execute(sa.insert(units).values(id="so-ct", name="Sở Công Thương", **stamp))
    person = {"id": "a", "name": "A", "unit_id": "so-ct", "role": "staff", "language": "vi", **stamp}
    for mistake in ({"role": "boss"}, {"unit_id": "no-such-unit"}):
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
            connection.execute(sa.insert(people).values(**{**person, **mistake}))
    with engine.begin() as connection:
        connection.execute(sa.insert(people).values(**person))
        assert connection.execute(sa.select(people.c.role)).scalar_one() == "staff"


@pytest.mark.slow
def test_two_processes_upgrading_at_once_both_succeed(database_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": database_url}
    processes = [
        subprocess.Popen(
            [str(NHACVIEC), "db", "upgrade"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [(process.wait(timeout=120), *process.communicate()) for process in processes]
    assert [code for code, _, _ in results] == [0, 0], results
    engine = make_engine(database_url)
    with engine.connect() as connection:
        assert schema_state(connection).up_to_date
    engine.dispose()


@pytest.mark.slow
def test_db_commands_report_the_schema_version(database_url: str, tmp_path: Path) -> None:
    first = run_cli("db", "upgrade", database_url=database_url, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Đã nâng cấp cơ sở dữ liệu" in first.stdout
    assert f"(trống) → {head_revision()}" in first.stdout

    second = run_cli("db", "upgrade", database_url=database_url, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert f"đã ở phiên bản lược đồ mới nhất ({head_revision()})" in second.stdout

    current = run_cli("db", "current", "--lang", "en", database_url=database_url, cwd=tmp_path)
    assert current.returncode == 0, current.stderr
    assert f"is at the latest schema version ({head_revision()})" in current.stdout


@pytest.mark.slow
def test_db_current_on_an_empty_database_says_to_upgrade(tmp_path: Path) -> None:
    result = run_cli("db", "current", database_url=f"sqlite:///{tmp_path / 'empty.db'}", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "(trống)" in result.stdout
    assert "nhacviec db upgrade" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    ("url", "vietnamese", "english"),
    [
        ("nonsense", "DATABASE_URL «nonsense» không hợp lệ", "DATABASE_URL «nonsense» is not valid"),
        (
            "oracle9://x",
            "không có trình điều khiển cho loại cơ sở dữ liệu «oracle9»",
            "there is no driver for the database type «oracle9»",
        ),
    ],
)
def test_database_url_mistakes_are_explained(url: str, vietnamese: str, english: str, tmp_path: Path) -> None:
    result = run_cli("db", "upgrade", database_url=url, cwd=tmp_path)
    assert result.returncode == 1
    assert vietnamese in result.stderr
    assert "Traceback" not in result.stderr
    result = run_cli("db", "upgrade", "--lang", "en", database_url=url, cwd=tmp_path)
    assert result.returncode == 1
    assert english in result.stderr


@pytest.mark.slow
def test_a_database_in_a_missing_folder_is_a_setting_to_fix(tmp_path: Path) -> None:
    url = "sqlite:////no/such/folder/x.db"
    result = run_cli("db", "upgrade", database_url=url, cwd=tmp_path)
    assert result.returncode == 2
    assert (
        "DATABASE_URL='sqlite:////no/such/folder/x.db': thư mục /no/such/folder không tồn tại"
        in result.stderr
    )
    result = run_cli("db", "upgrade", "--lang", "en", database_url=url, cwd=tmp_path)
    assert result.returncode == 2
    assert "the folder /no/such/folder does not exist; create it or correct DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_password_never_appears_in_messages(tmp_path: Path) -> None:
    url = "postgresql+psycopg://nhacviec:s3cret-pw@127.0.0.1:1/nhacviec"
    result = run_cli("db", "upgrade", database_url=url, cwd=tmp_path)
    assert result.returncode == 1
    assert "Không kết nối được cơ sở dữ liệu postgresql+psycopg://nhacviec:***@127.0.0.1:1" in result.stderr
    assert "s3cret-pw" not in result.stderr + result.stdout


@pytest.mark.slow
def test_a_database_newer_than_the_code_is_refused(
    engine: Engine, database_url: str, tmp_path: Path, dump: DumpDatabase
) -> None:
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = 'ffffffffffff'"))
    before = dump(engine)
    result = run_cli("db", "upgrade", database_url=database_url, cwd=tmp_path)
    assert result.returncode == 1
    assert "phiên bản lược đồ «ffffffffffff», mới hơn" in result.stderr
    assert "Traceback" not in result.stderr
    assert dump(engine) == before


def test_a_database_nhacviec_does_not_support_is_refused_before_any_work(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    import sqlalchemy as sa
    import typer

    from bot.cli import db as db_cli

    # No MySQL driver is installed here: the DB-API module is borrowed, no connection is made.
    def mysql_engine(url: str) -> sa.engine.Engine:
        return sa.create_engine(url, module=sqlite3)

    monkeypatch.setattr(db_cli, "make_engine", mysql_engine)
    with pytest.raises(typer.Exit) as exited:
        db_cli.open_database("mysql://bot:secret@127.0.0.1/nhacviec", "en")
    assert exited.value.exit_code == 1
    message = " ".join(capsys.readouterr().err.split())
    assert "nhacviec runs on SQLite or PostgreSQL, not «mysql»" in message
    assert "secret" not in message
