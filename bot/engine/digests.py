"""The engine's digest job: every minute, insert the outbox rows of the digests whose time has
come. `enqueue_digests` decides what is due from `schedules/digest.yaml` and never inserts a period
twice, so running it often costs a query or two. The file is read at each run, so an admin's edit
applies without a restart.
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
from bot.engine.root import Root
from bot.engine.scheduler import CronJob
from bot.web import links

log = logging.getLogger(__name__)


def run_digest_job(engine: Engine, root: Root, now: dt.datetime) -> int:
    """Enqueue the due digests; returns how many. A broken schedule file is logged, not raised:
    reminders keep going while the admin fixes it."""
    settings = root.settings
    try:
        schedule = load_digest_schedule(settings.schedules_dir / DIGEST_SCHEDULE_FILE, lang=root.lang)
    except DigestScheduleError as exc:
        log.error("digests not scheduled: %s", exc)
        return 0
    with Session(engine) as session, session.begin():
        inserted = enqueue_digests(
            session,
            now,
            schedule=schedule,
            tz=settings.tz,
            calendar=root.calendar,
            templates=settings.templates_dir,
            dashboard=links.configured(),
        )
    for due in inserted:
        log.info("digest %s queued (%d plans)", due.key, len(due.plan_ids))
    return len(inserted)


def digest_job(engine: Engine, root: Root) -> CronJob:
    return CronJob(id="digests", run=lambda now: run_digest_job(engine, root, now), cron={"minute": "*"})
