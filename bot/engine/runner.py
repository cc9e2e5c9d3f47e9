"""The run loop behind `nhacviec run`: start channels, catch up, dispatch until told to stop."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from bot.channels.base import ChannelError
from bot.engine import hooks
from bot.engine.channels import ConfiguredChannels
from bot.engine.clock import HORIZON_JOB, Clock
from bot.engine.messages import CATCH_UP, HORIZON_FAILED, render
from bot.engine.settings import EngineSettings
from bot.outbox.catchup import catch_up
from bot.outbox.dispatcher import Dispatcher, DispatchStats
from bot.outbox.rows import utcnow
from bot.settings import Settings
from bot.workcal import WorkCalendar

log = logging.getLogger(__name__)


class ChannelStartError(Exception):
    def __init__(self, channel: str, reason: str) -> None:
        super().__init__(f"{channel}: {reason}")
        self.channel = channel
        self.reason = reason


@dataclass(frozen=True)
class RunOptions:
    once: bool = False
    """Send what is due now, then return (no clock, no horizon job)."""
    materialise: bool = True
    """Run the planner's materialisation at start (and daily)."""


async def run_engine(
    engine: Engine,
    settings: Settings,
    engine_settings: EngineSettings,
    configured: ConfiguredChannels,
    *,
    calendar: WorkCalendar,
    options: RunOptions = RunOptions(),
    say: Callable[[str], None] = print,
    lang: str = "vi",
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
        return await _run(engine, settings, engine_settings, configured, calendar, options, say, lang)
    finally:
        for channel in opened:
            await channel.close()


async def _run(
    engine: Engine,
    settings: Settings,
    engine_settings: EngineSettings,
    configured: ConfiguredChannels,
    calendar: WorkCalendar,
    options: RunOptions,
    say: Callable[[str], None],
    lang: str,
) -> DispatchStats:
    caught = await asyncio.to_thread(catch_up, engine, utcnow(), engine_settings.catch_up_grace)
    if caught.late or caught.cancelled:
        say(render(lang, CATCH_UP, late=caught.late, cancelled=caught.cancelled))
    if options.materialise:
        await _extend_horizon(engine, say, lang)

    clock = Clock(settings.tz)
    dispatcher = Dispatcher(
        engine,
        configured.channels,
        calendar=calendar,
        tz=settings.tz,
        config=engine_settings.dispatch_config(),
        limits=configured.limits,
        catch_all=configured.catch_all,
        on_idle=None if options.once else clock.schedule_wakeup,
    )
    if options.once:
        return await dispatcher.run(until_idle=True)

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, dispatcher.stop)
    hooks.load_plugins()
    receivers = hooks.receivers()
    try:
        clock.start(dispatcher.wake, sweep_seconds=settings.sweep_seconds)

        async def horizon() -> None:
            await _extend_horizon(engine, say, lang)
            dispatcher.wake()

        clock.add_daily(HORIZON_JOB, horizon, hour=0, minute=5)  # a coroutine: runs on this loop
        for job in hooks.cron_jobs():
            clock.add_cron_job(job, engine)
        # Receiving chat messages (polling or webhook) starts here, once it is registered.
        for receiver in receivers:
            await _start_receiver(receiver, engine, configured)
        return await dispatcher.run()
    finally:
        for receiver in receivers:
            await receiver.stop()
        clock.shutdown()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)


async def _start_receiver(receiver: hooks.Receiver, engine: Engine, configured: ConfiguredChannels) -> None:
    """A receiving setting that cannot work (e.g. a webhook without its secret) stops the start
    with the receiver's own explanation, like a channel that does not start."""
    try:
        await receiver.start(engine, configured.channels)
    except ChannelError as exc:
        raise ChannelStartError(getattr(exc, "channel", "chat"), str(exc)) from exc


async def _extend_horizon(engine: Engine, say: Callable[[str], None], lang: str) -> None:
    try:
        summary = await asyncio.to_thread(hooks.extend_horizon, engine, dt.datetime.now(dt.UTC))
        log.info("horizon extended: %s", summary)
    except Exception as exc:  # the reminders already in the outbox must still go out
        log.exception("horizon job failed")
        say(render(lang, HORIZON_FAILED, error=exc))
