"""Flood limits shared by every process of one PostgreSQL database: together they stay within
the platform's limits (overall, per chat, per group), and a 429's pause holds for all of them."""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.db.engine import make_engine
from bot.db.migrate import upgrade
from bot.db.models import OutboxState
from bot.db.reconnect import Reconnecting
from bot.outbox.ratelimit import RateLimits
from bot.outbox.shared_limits import SharedFloodControl, token_scope
from tests.fakes import FakeBotApi, Limits
from tests.fakes.outbox_world import add_reminders, build_world, outbox_rows
from tests.fakes.processes import run_env, start_run

pytestmark = pytest.mark.postgres
TOKEN = "5150:SHARED"


@pytest.fixture
def db(postgres_database: str) -> Iterator[Engine]:
    engine = make_engine(postgres_database)
    upgrade(engine)
    yield engine
    engine.dispose()


def control(engine: Engine, limits: RateLimits) -> SharedFloodControl:
    """One process's view of the shared gates (each test makes two, as two processes would)."""
    return SharedFloodControl(
        engine,
        limits,
        scope=token_scope("telegram", TOKEN),
        send_hold=5.0,
        queue_hold=30.0,
        database=Reconnecting(),
    )


async def send_all(gates: SharedFloodControl, chats: list[str], seen: list[tuple[float, str]]) -> None:
    async def one(chat: str) -> None:
        async with gates.slot(chat):
            await asyncio.sleep(0.005)  # on the wire
            seen.append((time.monotonic(), chat))  # the platform handles it
            await asyncio.sleep(0.005)  # the answer comes back

    await asyncio.gather(*(one(chat) for chat in chats))


def most_in_any_window(moments: list[float], seconds: float) -> int:
    moments = sorted(moments)
    most, start = 0, 0
    for end, moment in enumerate(moments):
        while moment - moments[start] >= seconds:
            start += 1
        most = max(most, end - start + 1)
    return most


async def test_two_processes_together_keep_the_overall_and_per_chat_limits(db: Engine) -> None:
    limits = RateLimits(per_second=10, chat_interval=0.5)
    chats = [str(1000 + i % 15) for i in range(45)]
    seen: list[tuple[float, str]] = []
    started = time.monotonic()
    await asyncio.gather(
        send_all(control(db, limits), chats[::2], seen), send_all(control(db, limits), chats[1::2], seen)
    )
    elapsed = time.monotonic() - started
    assert len(seen) == 45
    assert most_in_any_window([moment for moment, _ in seen], 1.0) <= 10
    assert elapsed >= (45 - 10) / 10 * 0.95, "two processes must not send at twice the rate"
    by_chat: dict[str, list[float]] = {}
    for moment, chat in seen:
        by_chat.setdefault(chat, []).append(moment)
    gaps = [
        b - a
        for moments in by_chat.values()
        for a, b in zip(sorted(moments), sorted(moments)[1:], strict=False)
    ]
    assert min(gaps) >= 0.5


async def test_a_group_keeps_its_per_minute_limit_across_processes(db: Engine) -> None:
    limits = RateLimits(per_second=30, group_per_minute=3)
    first, second = control(db, limits), control(db, limits)
    seen: list[tuple[float, str]] = []
    await send_all(first, ["-100200"] * 2, seen)
    await send_all(second, ["-100200"], seen)
    assert len(seen) == 3
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(1.5):
            await send_all(second, ["-100200"], seen)
    await send_all(first, ["4242"], seen)  # a private chat is not held up by the group


async def test_a_platform_pause_holds_every_process(db: Engine) -> None:
    limits = RateLimits(per_second=30)
    first, second = control(db, limits), control(db, limits)
    await send_all(second, ["1"], [])
    first.pause(1.5)
    await asyncio.sleep(0.2)  # the pause reaches the database in the background
    started = time.monotonic()
    await send_all(second, ["2"], [])
    assert time.monotonic() - started >= 1.2


async def test_a_slot_of_a_process_that_died_frees_after_its_hold(db: Engine) -> None:
    limits = RateLimits(per_second=1)
    dead = control(db, limits)
    dead._send_hold = 1.0  # a short hold for the test
    holding = dead.slot("7")
    await holding.__aenter__()  # the process dies mid-send: never released
    started = time.monotonic()
    await send_all(control(db, limits), ["8"], [])
    assert 0.8 <= time.monotonic() - started < 5


BOTH_STARTED = dt.timedelta(seconds=8)
"""Longer than two `nhacviec run` processes take to start, even on a busy CI machine."""


@pytest.mark.slow
def test_two_bot_processes_send_without_a_single_429(
    db: Engine, postgres_database: str, tmp_path: Path
) -> None:
    world = build_world(db, people=60, occurrences=5)
    # Due a few seconds after both processes have started, so that both are there to take their
    # share (rows already due went all to whichever process started first on a loaded machine).
    ids = add_reminders(db, world, send_at=dt.datetime.now(dt.UTC) + BOTH_STARTED)
    with FakeBotApi(token=TOKEN, limits=Limits.telegram()) as api:
        env = run_env(
            postgres_database,
            api.url,
            TOKEN,
            TELEGRAM_MAX_PER_SECOND="30",
            TELEGRAM_CHAT_INTERVAL_SECONDS="1",
            TELEGRAM_GROUP_PER_MINUTE="20",
            TELEGRAM_TIMEOUT_SECONDS="10",
            OUTBOX_LEASE_SECONDS="30",
            OUTBOX_BATCH="10",  # 60 check-ins: small claims, so that both processes take some
        )
        workers = [start_run(env, tmp_path), start_run(env, tmp_path)]
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                if all(row.state == OutboxState.SENT for row in outbox_rows(db)):
                    break
                time.sleep(0.5)
        finally:
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
            results = [worker.communicate(timeout=60) for worker in workers]
        delivered = api.delivered()
        rejected = api.rejections(429)
    assert [worker.returncode for worker in workers] == [0, 0], [err[-2000:] for _, err in results]
    assert rejected == 0
    # A person's five reminders go as one check-in: one button per item, each naming its row.
    counted = Counter(
        int(button["callback_data"].split(":")[1])
        for call in delivered
        for row in call.params["reply_markup"]["inline_keyboard"]
        for button in row
    )
    assert set(counted) == set(ids) and max(counted.values()) == 1
    assert len(delivered) == 60, "one check-in per person"
    assert most_in_any_window([call.at for call in delivered], 1.0) <= 30
    assert len({row.claimed_by for row in outbox_rows(db)}) == 2, "both processes should have sent"
