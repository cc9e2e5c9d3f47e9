"""APScheduler 3 as the engine's alarm: it wakes the dispatcher, it does not hold reminders.

Its job store is the default in-memory one: everything in it is rebuilt from the database at
start. The time it compares with is the engine's `Clock`, so a wake-up is never set in the past.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import Clock

log = logging.getLogger(__name__)

WAKEUP_JOB = "outbox-wakeup"
SWEEP_JOB = "outbox-sweep"
HORIZON_JOB = "reminder-horizon"


@dataclass(frozen=True)
class CronJob:
    id: str
    run: Callable[[dt.datetime], Awaitable[object] | object]
    """Called with the current time; may be sync (runs in a thread) or async."""
    cron: Mapping[str, Any] = field(default_factory=dict)
    """APScheduler CronTrigger fields (`day_of_week="fri", hour=16`), in the office's time zone."""


class Scheduler:
    def __init__(self, clock: Clock, tz: ZoneInfo) -> None:
        self.clock = clock
        self.tz = tz
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
        now = self.clock.now()
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

    def add_cron_job(self, job: CronJob) -> None:
        async def run() -> None:
            now = self.clock.now()
            try:
                if inspect.iscoroutinefunction(job.run):
                    await job.run(now)
                else:
                    result = await asyncio.to_thread(job.run, now)
                    if inspect.isawaitable(result):
                        await result
            except Exception:  # one failing job must not stop the others
                log.exception("cron job %s failed", job.id)

        self.scheduler.add_job(
            run,
            CronTrigger(timezone=self.tz, **job.cron),
            id=job.id,
            replace_existing=True,
            misfire_grace_time=3600,
        )
