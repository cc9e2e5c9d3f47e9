"""APScheduler as the engine's alarm (`bot.engine.scheduler.Scheduler`): the wake-up at the next
due row, the sweep, cron jobs called with the engine clock's time.

The wake-up and the sweep need real time to pass, so they run on a `SystemClock` and every moment
is computed from that clock object. The cron jobs run on a `SimulatedClock`: APScheduler fires
them in real time, but the time they are given is the engine's.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from zoneinfo import ZoneInfo

from bot.clock import SimulatedClock, SystemClock
from bot.engine.scheduler import SWEEP_JOB, WAKEUP_JOB, CronJob, Scheduler

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)
"""Friday 20/11/2026, 09:00 in Hà Nội: the simulated engine time of the cron tests."""


async def test_the_wakeup_fires_at_the_next_due_moment_and_an_earlier_row_replaces_it() -> None:
    clock = SystemClock()

    def soon(seconds: float) -> dt.datetime:
        return clock.now() + dt.timedelta(seconds=seconds)

    woken: list[float] = []
    scheduler = Scheduler(clock, TZ)
    scheduler.start(lambda: woken.append(time.monotonic()), sweep_seconds=3600)
    try:
        start = time.monotonic()
        scheduler.schedule_wakeup(soon(30))
        scheduler.schedule_wakeup(soon(0.3))  # an earlier row appeared
        scheduler.schedule_wakeup(soon(20))  # a later one does not push the wake-up back
        scheduler.schedule_wakeup(None)  # nothing due: the wake-up set stays
        job = scheduler.scheduler.get_job(WAKEUP_JOB)
        assert job is not None and job.next_run_time <= soon(0.3)
        await asyncio.sleep(1.0)
        assert len(woken) == 1 and 0.2 <= woken[0] - start <= 1.0
    finally:
        scheduler.shutdown()


async def test_a_wakeup_for_a_moment_already_past_fires_at_once() -> None:
    clock = SystemClock()
    woken: list[float] = []
    scheduler = Scheduler(clock, TZ)
    scheduler.start(lambda: woken.append(time.monotonic()), sweep_seconds=3600)
    try:
        start = time.monotonic()
        scheduler.schedule_wakeup(clock.now() - dt.timedelta(hours=1))  # a row overdue since
        job = scheduler.scheduler.get_job(WAKEUP_JOB)
        assert job is not None and job.next_run_time >= clock.now() - dt.timedelta(seconds=1)
        await asyncio.sleep(0.5)
        assert len(woken) == 1 and woken[0] - start <= 0.5
    finally:
        scheduler.shutdown()


async def test_the_sweep_wakes_periodically() -> None:
    woken: list[float] = []
    scheduler = Scheduler(SystemClock(), TZ)
    scheduler.start(lambda: woken.append(time.monotonic()), sweep_seconds=1)
    try:
        assert scheduler.scheduler.get_job(SWEEP_JOB) is not None
        await asyncio.sleep(2.3)
    finally:
        scheduler.shutdown()
    assert len(woken) >= 2


async def test_cron_jobs_run_with_the_engine_clocks_time_and_a_failing_one_stops_no_other() -> None:
    clock = SimulatedClock(NOW)
    in_thread: list[dt.datetime] = []
    in_loop: list[dt.datetime] = []
    failures: list[dt.datetime] = []

    async def coroutine_job(now: dt.datetime) -> None:
        in_loop.append(now)

    def failing_job(now: dt.datetime) -> None:
        failures.append(now)
        raise RuntimeError("a broken job")

    scheduler = Scheduler(clock, TZ)
    scheduler.start(lambda: None, sweep_seconds=3600)
    try:
        scheduler.add_cron_job(CronJob("sync-test", in_thread.append, {"second": "*"}))
        scheduler.add_cron_job(CronJob("async-test", coroutine_job, {"second": "*"}))
        scheduler.add_cron_job(CronJob("failing-test", failing_job, {"second": "*"}))
        await asyncio.sleep(1.2)
        later = clock.advance(dt.timedelta(hours=1))
        await asyncio.sleep(1.5)
    finally:
        scheduler.shutdown()
    for calls in (in_thread, in_loop, failures):
        # Every run is given the engine's "now" (never the machine's), whichever the job's kind.
        assert calls and set(calls) <= {NOW, later}, calls
        assert calls[-1] == later
    assert len(failures) >= 2  # a job that raised still runs at its next time
