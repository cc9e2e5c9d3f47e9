"""The run loop behind `nhacviec run`: start channels, catch up, dispatch until told to stop."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.channels.base import ChannelError
from bot.channels.receiving import UpdateReceiver
from bot.engine.channels import ConfiguredChannels, receivers
from bot.engine.digests import digest_job
from bot.engine.messages import CATCH_UP, HORIZON_FAILED, render
from bot.engine.root import Root
from bot.engine.scheduler import HORIZON_JOB, CronJob, Scheduler
from bot.outbox.catchup import catch_up
from bot.outbox.dispatcher import DispatchConfig, Dispatcher, DispatchStats
from bot.reminders.materialize import extend_horizon, schedule_line
from bot.settings import Settings

log = logging.getLogger(__name__)


class ChannelStartError(Exception):
    def __init__(self, channel: str, reason: str) -> None:
        super().__init__(f"{channel}: {reason}")
        self.channel = channel
        self.reason = reason


@dataclass(frozen=True)
class RunOptions:
    once: bool = False
    """Send what is due now, then return (no scheduler, no horizon job)."""
    materialise: bool = True
    """Run the planner's materialisation at start (and daily)."""


async def run_engine(
    engine: Engine,
    root: Root,
    configured: ConfiguredChannels,
    *,
    options: RunOptions = RunOptions(),
    say: Callable[[str], None] = print,
    started: str | None = None,
) -> DispatchStats:
    """Run until SIGINT/SIGTERM (or, with `once`, until nothing is due). The schema must be current.

    `started` is said once every channel has started."""
    opened = []
    try:
        for name, channel in configured.channels.items():
            try:
                await channel.start()
            except ChannelError as exc:
                raise ChannelStartError(name, str(exc)) from exc
            opened.append(channel)
        if started:
            say(started)
        return await _run(engine, root, configured, options, say)
    finally:
        for channel in opened:
            await channel.close()


async def _run(
    engine: Engine,
    root: Root,
    configured: ConfiguredChannels,
    options: RunOptions,
    say: Callable[[str], None],
) -> DispatchStats:
    settings = root.settings
    caught = await asyncio.to_thread(catch_up, engine, root.clock.now(), settings.catch_up_grace)
    if caught.late or caught.cancelled:
        say(render(root.lang, CATCH_UP, late=caught.late, cancelled=caught.cancelled))
    if options.materialise:
        await _extend_horizon(engine, root, say)

    scheduler = Scheduler(root.clock, settings.tz)
    dispatcher = Dispatcher(
        engine,
        configured.channels,
        clock=root.clock,
        calendar=root.calendar,
        tz=settings.tz,
        config=dispatch_config(settings),
        limits=configured.limits,
        catch_all=configured.catch_all,
        on_idle=None if options.once else scheduler.schedule_wakeup,
        templates=settings.templates_dir,
    )
    if options.once:
        return await dispatcher.run(until_idle=True)

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, dispatcher.stop)
    listening = receivers(root, engine)
    try:
        scheduler.start(dispatcher.wake, sweep_seconds=settings.sweep_seconds)

        async def horizon(_now: object) -> None:
            await _extend_horizon(engine, root, say)
            dispatcher.wake()

        scheduler.add_cron_job(CronJob(HORIZON_JOB, horizon, {"hour": 0, "minute": 5}))
        scheduler.add_cron_job(digest_job(engine, root))
        # Receiving chat messages (polling or webhook) starts once sending works.
        for receiver in listening:
            await _start_receiver(receiver, configured)
        return await dispatcher.run()
    finally:
        for receiver in listening:
            await receiver.stop()
        scheduler.shutdown()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)


async def _start_receiver(receiver: UpdateReceiver[Any], configured: ConfiguredChannels) -> None:
    """A receiving setting that cannot work (e.g. a webhook without its secret) stops the start
    with the receiver's own explanation, like a channel that does not start."""
    try:
        await receiver.start(configured.channels)
    except ChannelError as exc:
        raise ChannelStartError(getattr(exc, "channel", "chat"), str(exc)) from exc


def dispatch_config(settings: Settings) -> DispatchConfig:
    return DispatchConfig(
        lease=dt.timedelta(seconds=settings.outbox_lease_seconds),
        batch=settings.outbox_batch,
        concurrency=settings.outbox_concurrency,
        max_attempts=settings.outbox_max_attempts,
        retry_base=settings.outbox_retry_base_seconds,
        retry_cap=settings.outbox_retry_cap_seconds,
        drain_timeout=settings.telegram_timeout_seconds + 5,
        send_timeout=settings.telegram_timeout_seconds + 1,
    )


def _materialise(engine: Engine, root: Root) -> str:
    settings = root.settings
    with Session(engine) as session:
        report = extend_horizon(
            session,
            root.clock.now(),
            calendar=root.calendar,
            defaults=root.defaults,
            tz=settings.tz,
            horizon_months=settings.horizon_months,
        )
        session.commit()
    return schedule_line(report, root.lang)


async def _extend_horizon(engine: Engine, root: Root, say: Callable[[str], None]) -> None:
    try:
        summary = await asyncio.to_thread(_materialise, engine, root)
        log.info("%s", summary)
    except Exception as exc:  # the reminders already in the outbox must still go out
        log.exception("horizon job failed")
        say(render(root.lang, HORIZON_FAILED, error=exc))
