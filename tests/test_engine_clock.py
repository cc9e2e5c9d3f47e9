"""APScheduler as the clock: wake-ups at the next due row, the sweep, registered cron jobs."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from bot.db.engine import make_engine
from bot.engine.clock import WAKEUP_JOB, Clock
from bot.engine.hooks import CronJob

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def soon(seconds: float) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)


async def test_the_wakeup_fires_at_the_next_due_moment_and_an_earlier_row_replaces_it() -> None:
    woken: list[float] = []
    clock = Clock(TZ)
    clock.start(lambda: woken.append(time.monotonic()), sweep_seconds=3600)
    try:
        start = time.monotonic()
        clock.schedule_wakeup(soon(30))
        clock.schedule_wakeup(soon(0.3))  # an earlier row appeared
        clock.schedule_wakeup(soon(20))  # a later one does not push the wake-up back
        job = clock.scheduler.get_job(WAKEUP_JOB)
        assert job is not None and job.next_run_time <= soon(0.3)
        await asyncio.sleep(1.0)
        assert len(woken) == 1 and 0.2 <= woken[0] - start <= 1.0
    finally:
        clock.shutdown()


async def test_the_sweep_wakes_periodically() -> None:
    woken: list[float] = []
    clock = Clock(TZ)
    clock.start(lambda: woken.append(time.monotonic()), sweep_seconds=1)
    try:
        await asyncio.sleep(2.3)
    finally:
        clock.shutdown()
    assert len(woken) >= 2


async def test_a_registered_cron_job_runs_with_the_database() -> None:
    engine = make_engine("sqlite://")
    calls: list[tuple[Engine, dt.datetime]] = []
    clock = Clock(TZ)
    clock.start(lambda: None, sweep_seconds=3600)
    try:
        clock.add_cron_job(
            CronJob("digest-test", lambda e, now: calls.append((e, now)), {"second": "*"}), engine
        )
        await asyncio.sleep(2.2)
    finally:
        clock.shutdown()
    assert calls and calls[0][0] is engine and calls[0][1].tzinfo is not None
