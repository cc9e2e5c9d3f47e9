"""The engine's digest job (imported by `bot.engine.hooks.load_plugins`): every minute, insert the
outbox rows of the digests whose time has come. `enqueue_digests` decides what is due from
`schedules/digest.yaml` and never inserts a period twice, so running it often costs a query or two.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.digest.schedule import (
    DIGEST_SCHEDULE_FILE,
    DigestScheduleError,
    enqueue_digests,
    load_digest_schedule,
)
from bot.engine.hooks import CronJob, register_cron_job
from bot.settings import get_settings
from bot.workcal import HolidayFileError, WorkCalendar

log = logging.getLogger(__name__)


def run_digest_job(engine: Engine, now: dt.datetime) -> int:
    """Enqueue the due digests; returns how many. A broken schedule file is logged, not raised:
    reminders keep going while the admin fixes it."""
    settings = get_settings()
    try:
        schedule = load_digest_schedule(settings.schedules_dir / DIGEST_SCHEDULE_FILE, lang=settings.language)
        calendar = WorkCalendar.default()
    except (DigestScheduleError, HolidayFileError) as exc:
        log.error("digests not scheduled: %s", exc)
        return 0
    with Session(engine) as session, session.begin():
        inserted = enqueue_digests(session, now, schedule=schedule, tz=settings.tz, calendar=calendar)
    for due in inserted:
        log.info("digest %s queued (%d plans)", due.key, len(due.plan_ids))
    return len(inserted)


def _job(engine: Engine, now: dt.datetime) -> None:
    run_digest_job(engine, now)


register_cron_job(CronJob(id="digests", run=_job, cron={"minute": "*"}))
