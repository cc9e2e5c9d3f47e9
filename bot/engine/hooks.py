"""Where other parts of the bot plug into the engine, each in one place.

- The daily horizon job calls the reminder planner (`bot.reminders.materialize.extend_horizon`).
- Digests (and any other periodic job) register cron jobs with `register_cron_job`; modules in
  `PLUGIN_MODULES` are imported at start so that their registrations run.
- Receiving chat messages (long polling or webhooks, and their handlers) registers a
  `Receiver` with `register_receiver`: the engine starts it after the channels and stops it
  before them.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.engine import Engine

from bot.channels.base import Channel

log = logging.getLogger(__name__)

PLUGIN_MODULES = (
    "bot.engine.digests",
    "bot.chat.receive",
    "bot.engine.zalo_plugin",
    "bot.engine.telegram_plugin",
)
"""Imported at start when they exist; each may call the register_* functions below."""


@dataclass(frozen=True)
class CronJob:
    id: str
    run: Callable[[Engine, dt.datetime], Awaitable[None] | None]
    """Called with the database and the current time; may be sync (runs in a thread) or async."""
    cron: Mapping[str, Any] = field(default_factory=dict)
    """APScheduler CronTrigger fields (`day_of_week="fri", hour=16`), in the office's time zone."""


class Receiver(Protocol):
    async def start(self, engine: Engine, channels: Mapping[str, Channel]) -> None: ...
    async def stop(self) -> None: ...


_cron_jobs: dict[str, CronJob] = {}
_receivers: list[Receiver] = []


def register_cron_job(job: CronJob) -> None:
    _cron_jobs[job.id] = job


def cron_jobs() -> list[CronJob]:
    return list(_cron_jobs.values())


def register_receiver(receiver: Receiver) -> None:
    _receivers.append(receiver)


def receivers() -> list[Receiver]:
    return list(_receivers)


def load_plugins() -> None:
    for name in PLUGIN_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is None or not name.startswith(exc.name):
                raise
            log.debug("plugin %s not present", name)


def extend_horizon(engine: Engine, now: dt.datetime) -> str:
    """The planner's daily materialisation; returns a summary for the log."""
    try:
        module = importlib.import_module("bot.reminders.materialize")
    except ModuleNotFoundError:
        return "reminder planner not installed"
    from sqlmodel import Session

    with Session(engine) as session:
        report = module.extend_horizon(session, now)
        session.commit()
    return repr(report)
