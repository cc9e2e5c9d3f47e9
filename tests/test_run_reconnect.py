"""A running `nhacviec run` whose PostgreSQL connections are killed (what a restart, a failover or
a PgBouncer blip does: `pg_terminate_backend`) carries on: it is still running, still sending and
still answering chats, it loses no reminder and sends none twice."""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from bot.db.engine import make_engine
from bot.db.migrate import upgrade
from bot.db.models import OutboxState
from tests.fakes import FakeBotApi
from tests.fakes.outbox_world import add_reminders, build_world, outbox_rows
from tests.fakes.processes import run_env, start_run

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
TOKEN = "31337:RECONNECT"


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN, hang_seconds=4.0) as server:
        yield server


@pytest.fixture
def db(postgres_database: str) -> Iterator[Engine]:
    engine = make_engine(postgres_database)
    upgrade(engine)
    yield engine
    engine.dispose()


def kill_connections(database_url: str) -> int:
    """Terminate every backend of the bot's database (not our own), as a server restart would."""
    url = make_url(database_url)
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            killed = connection.execute(
                sa.text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": url.database},
            ).scalar_one()
    finally:
        admin.dispose()
    return int(killed)


def reminder_deliveries(api: FakeBotApi) -> Counter[int]:
    """Outbox row id → times it reached the platform, from the buttons: a check-in has one button
    per item, a lone reminder several buttons of its one row."""
    counted: Counter[int] = Counter()
    for call in api.delivered():
        markup = call.params.get("reply_markup")
        if markup:
            rows = {int(b["callback_data"].split(":")[1]) for line in markup["inline_keyboard"] for b in line}
            counted.update(rows)
    return counted


def wait_for(condition: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError(f"{what}: not after {timeout} s")


def stop(process: subprocess.Popen[str]) -> tuple[str, str]:
    assert process.poll() is None, "the bot exited: " + (process.communicate()[1] or "")[-3000:]
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr[-3000:]
    return stdout, stderr


def test_connections_killed_mid_dispatch_lose_nothing_and_double_nothing(
    db: Engine, postgres_database: str, api: FakeBotApi, tmp_path: Path
) -> None:
    # One check-in per person (two items each): 150 messages, connections killed three times
    # while they go out.
    world = build_world(db, people=150, occurrences=2)
    ids = add_reminders(db, world, send_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
    api.latency = 0.03
    process = start_run(run_env(postgres_database, api.url, TOKEN, OUTBOX_CONCURRENCY="8"), tmp_path)
    killed = []
    try:
        for target in (20, 60, 100):
            wait_for(lambda target=target: len(api.delivered()) >= target, 60, "dispatch under way")
            killed.append(kill_connections(postgres_database))
        wait_for(
            lambda: all(row.state == OutboxState.SENT for row in outbox_rows(db)), 120, "every reminder sent"
        )
    finally:
        stdout, stderr = stop(process)
    assert all(killed), f"the bot held no connection to kill: {killed}"
    delivered = reminder_deliveries(api)
    assert set(delivered) == set(ids), "a reminder was lost"
    assert max(delivered.values()) == 1, {row: n for row, n in delivered.items() if n > 1}
    assert len(api.delivered()) == 150, "one check-in per person"
    # A kill that finds the connections idle in the pool is absorbed by the pre-ping, unseen; one
    # that hits a statement is an outage the bot reports, then its end.
    if "Mất kết nối cơ sở dữ liệu" in stdout:
        assert "Đã kết nối lại cơ sở dữ liệu" in stdout, stdout
    assert "DATABASE_URL" not in stdout + stderr and "Traceback" not in stderr


def test_connections_killed_while_idle_then_work_and_chat_go_on(
    db: Engine, postgres_database: str, api: FakeBotApi, tmp_path: Path
) -> None:
    world = build_world(db, people=5, occurrences=1)
    env = run_env(postgres_database, api.url, TOKEN, TELEGRAM_POLL_TIMEOUT="0", TELEGRAM_POLL_PAUSE="0.05")
    process = start_run(env, tmp_path)
    try:
        wait_for(lambda: len(api.calls_to("getUpdates")) >= 3, 60, "the bot started and polls")
        time.sleep(1.5)  # a few idle sweeps: the pool holds connections
        assert kill_connections(postgres_database) > 0
        time.sleep(1.5)  # the next sweeps meet dead connections
        assert kill_connections(postgres_database) >= 0
        ids = add_reminders(db, world, send_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        api.queue_update(
            {
                "message": {
                    "message_id": 1,
                    "date": int(time.time()),
                    "chat": {"id": 880001, "type": "private"},
                    "from": {"id": 880001, "is_bot": False, "first_name": "Lan"},
                    "text": "xin chào",
                }
            }
        )
        wait_for(lambda: set(reminder_deliveries(api)) == set(ids), 60, "reminders sent after the kill")
        wait_for(lambda: any(c.chat_id == "880001" for c in api.delivered()), 60, "the chat answered")
        assert process.poll() is None
    finally:
        _, stderr = stop(process)
    assert max(reminder_deliveries(api).values()) == 1
    assert "Traceback" not in stderr


def test_a_database_down_for_a_while_is_waited_for(
    db: Engine, postgres_database: str, api: FakeBotApi, tmp_path: Path
) -> None:
    """Connections refused for several seconds (the database is locked out, as during a restart):
    the bot keeps retrying with backoff and sends once it may connect again."""
    url = make_url(postgres_database)
    world = build_world(db, people=4, occurrences=2)
    ids = add_reminders(db, world, send_at=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=6))
    process = start_run(run_env(postgres_database, api.url, TOKEN), tmp_path)
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        wait_for(lambda: bool(api.calls_to("getMe")), 60, "the bot started")
        time.sleep(1)
        with admin.connect() as connection:
            connection.exec_driver_sql(f'ALTER DATABASE "{url.database}" WITH ALLOW_CONNECTIONS false')
        kill_connections(postgres_database)
        # A plain sleep, not a timed thread wait: under libfaketime a timed wait on the (faked)
        # monotonic clock can block far past its timeout, and the suite must pass with the clock moved.
        time.sleep(8.0)
        _allow(admin, str(url.database))
        wait_for(lambda: set(reminder_deliveries(api)) == set(ids), 90, "reminders sent after the outage")
    finally:
        _allow(admin, str(url.database))
        stdout, _ = stop(process)
        admin.dispose()
    assert max(reminder_deliveries(api).values()) == 1
    assert "Mất kết nối cơ sở dữ liệu" in stdout and "Đã kết nối lại cơ sở dữ liệu" in stdout


def _allow(admin: Engine, name: str) -> None:
    with admin.connect() as connection:
        connection.exec_driver_sql(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
