"""Fault tests with real `nhacviec run` processes: kill -9, two workers on one database, a
flaky platform. Each reminder must reach the fake Bot API exactly once (kill -9: at most the
documented duplicate, a message accepted by the platform just before the crash)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.clock import SystemClock
from bot.db.models import OutboxState
from tests.fakes import Call, FakeBotApi
from tests.fakes.outbox_world import add_reminders, build_world, outbox_rows
from tests.fakes.processes import run_env, start_run

pytestmark = pytest.mark.slow
TOKEN = "31337:FAULTS"


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN, hang_seconds=4.0) as server:
        yield server


@pytest.fixture
def db(engine: Engine) -> Engine:
    return engine


def rows_in(call: Call) -> set[int]:
    """The outbox rows a delivered check-in carried (one button per item)."""
    keyboard = call.params["reply_markup"]["inline_keyboard"]
    return {int(button["callback_data"].split(":")[1]) for line in keyboard for button in line}


def deliveries(api: FakeBotApi) -> Counter[int]:
    counted: Counter[int] = Counter()
    for call in api.delivered():
        counted.update(rows_in(call))
    return counted


def wait_until_sent(engine: Engine, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = Counter(row.state for row in outbox_rows(engine))
        if states[OutboxState.SENT] == count:
            return
        time.sleep(0.5)
    raise AssertionError(f"not all sent after {timeout} s: {dict(states)}")


def stop(*processes: subprocess.Popen[str]) -> None:
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        _, stderr = process.communicate(timeout=60)
        assert process.returncode == 0, stderr


def test_kill_9_mid_dispatch_then_restart_loses_nothing(
    db: Engine, database_url: str, api: FakeBotApi, tmp_path: Path
) -> None:
    # A person's rows go as one check-in: 120 messages of 2 rows each.
    world = build_world(db, people=120, occurrences=2)
    ids = add_reminders(db, world, send_at=SystemClock().now() - dt.timedelta(seconds=1))
    api.latency = 0.1
    env = run_env(database_url, api.url, TOKEN, OUTBOX_CONCURRENCY="8")
    first = start_run(env, tmp_path)
    deadline = time.monotonic() + 60
    while len(api.delivered()) < 40 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(first.pid, signal.SIGKILL)
    first.communicate(timeout=30)
    killed_at = time.monotonic()
    before = deliveries(api)
    assert 40 <= len(before) // 2 < len(ids) // 2, "the kill should land mid-dispatch"
    states = Counter(row.state for row in outbox_rows(db))
    assert states[OutboxState.SENDING] > 0, "rows were in flight when the process died"

    second = start_run(env, tmp_path)
    try:
        wait_until_sent(db, len(ids), timeout=120)
    finally:
        stop(second)
    delivered = deliveries(api)
    assert set(delivered) == set(ids)
    duplicates = {row_id for row_id, n in delivered.items() if n > 1}
    # Only messages the platform took while the first process died may go twice, at most one
    # per send that was in flight (a check-in of 2 rows each).
    assert len(duplicates) <= 8 * 2
    first_time = {}
    for call in api.delivered():
        for row_id in rows_in(call):
            first_time.setdefault(row_id, call.at)
    # (the fake stamps a call after its latency: a send on the wire at the kill lands just after)
    assert all(first_time[row_id] <= killed_at + api.latency + 0.5 for row_id in duplicates)
    assert all(n <= 2 for n in delivered.values())


def test_two_processes_on_one_database_send_each_reminder_exactly_once(
    db: Engine, database_url: str, api: FakeBotApi, tmp_path: Path
) -> None:
    # PostgreSQL: the 5,000; SQLite (one writer at a time) a smaller run of the same test.
    # A person's reminders are one check-in: 1,000 (or 80) messages, none of them doubled.
    people, occurrences = (1000, 5) if database_url.startswith("postgresql") else (80, 5)
    world = build_world(db, people=people, occurrences=occurrences)
    ids = add_reminders(db, world, send_at=SystemClock().now() - dt.timedelta(seconds=1))
    # Production-like timeouts: with the 2 s of the other tests, a loaded CI machine can time out
    # a send the fake had already accepted, and the retry is then the documented duplicate.
    env = run_env(
        database_url,
        api.url,
        TOKEN,
        OUTBOX_CONCURRENCY="32",
        OUTBOX_BATCH="50",
        OUTBOX_LEASE_SECONDS="20",
        TELEGRAM_TIMEOUT_SECONDS="10",
    )
    workers = [start_run(env, tmp_path), start_run(env, tmp_path)]
    try:
        wait_until_sent(db, len(ids), timeout=300)
    finally:
        stop(*workers)
    delivered = deliveries(api)
    assert len(delivered) == len(ids) and set(delivered) == set(ids)
    twice = {row_id for row_id, n in delivered.items() if n > 1}
    retried = {row.id: (row.attempts, row.error) for row in outbox_rows(db) if row.id in twice}
    assert not twice, f"{len(twice)} reminders delivered twice (attempts, last error): {retried}"
    assert len(api.delivered()) == people, "one check-in per person"
    assert len({row.claimed_by for row in outbox_rows(db)}) == 2, "both processes should have worked"


def test_a_flaky_platform_429_500_timeouts_gets_every_reminder_through_once(
    db: Engine, database_url: str, api: FakeBotApi, tmp_path: Path
) -> None:
    world = build_world(db, people=20, occurrences=2)
    ids = add_reminders(db, world, send_at=SystemClock().now() - dt.timedelta(seconds=1))
    api.latency = 0.05
    worker = start_run(run_env(database_url, api.url, TOKEN, OUTBOX_CONCURRENCY="8"), tmp_path)
    deadline = time.monotonic() + 30
    while not api.calls_to("getMe") and time.monotonic() < deadline:
        time.sleep(0.02)
    api.fail_next(5, "429", retry_after=1)
    api.fail_next(5, "500")
    api.fail_next(3, "hang")
    try:
        wait_until_sent(db, len(ids), timeout=120)
    finally:
        stop(worker)
    delivered = deliveries(api)
    assert set(delivered) == set(ids) and max(delivered.values()) == 1
    assert api.rejections(429) >= 5 and api.rejections(500) >= 5
    rows = outbox_rows(db)
    assert sum(1 for row in rows if row.attempts > 1) >= 10
