"""APScheduler 3 as the engine's clock: it wakes the dispatcher, it does not hold reminders."""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
import logging
from collections.abc import Callable
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine

from bot.engine.hooks import CronJob

log = logging.getLogger(__name__)

WAKEUP_JOB = "outbox-wakeup"
SWEEP_JOB = "outbox-sweep"
HORIZON_JOB = "reminder-horizon"


class Clock:
    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        # The default MemoryJobStore: everything here is rebuilt from the database at start.
        self.scheduler = AsyncIOScheduler(timezone=tz, job_defaults={"coalesce": True, "max_instances": 1})
        self._wakeup_at: dt.datetime | None = None
        self._wake: Callable[[], None] = lambda: None

    def start(self, wake: Callable[[], None], *, sweep_seconds: float) -> None:
        self._wake = wake
        self.scheduler.add_job(
            self._fire_wakeup, IntervalTrigger(seconds=sweep_seconds), id=SWEEP_JOB, misfire_grace_time=None
        )
        self.scheduler.start()

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def _fire_wakeup(self) -> None:
        self._wakeup_at = None
        self._wake()

    def schedule_wakeup(self, at: dt.datetime | None) -> None:
        """Wake the dispatcher at `at` (the next due row), unless an earlier wake-up is set."""
        if at is None or not self.scheduler.running:
            return
        now = dt.datetime.now(dt.UTC)
        if self._wakeup_at is not None and now <= self._wakeup_at <= at:
            return
        self._wakeup_at = max(at, now)
        self.scheduler.add_job(
            self._fire_wakeup,
            DateTrigger(run_date=self._wakeup_at),
            id=WAKEUP_JOB,
            replace_existing=True,
            misfire_grace_time=None,
        )

    def add_daily(self, job_id: str, func: Callable[[], object], *, hour: int, minute: int) -> None:
        self.scheduler.add_job(
            func,
            CronTrigger(hour=hour, minute=minute, timezone=self.tz),
            id=job_id,
            replace_existing=True,
            misfire_grace_time=3600,
        )

    def add_cron_job(self, job: CronJob, engine: Engine) -> None:
        async def run() -> None:
            now = dt.datetime.now(dt.UTC)
            try:
                if inspect.iscoroutinefunction(job.run):
                    await job.run(engine, now)
                else:
                    result = await asyncio.to_thread(job.run, engine, now)
                    if inspect.isawaitable(result):
                        await result
            except Exception:  # one failing job must not stop the clock
                log.exception("cron job %s failed", job.id)

        self.scheduler.add_job(
            run,
            CronTrigger(timezone=self.tz, **job.cron),
            id=job.id,
            replace_existing=True,
            misfire_grace_time=3600,
        )
