"""The run loop behind `nhacviec run`: start channels, catch up, dispatch until told to stop.

It stops only when told to (SIGINT/SIGTERM) or when a setting must be fixed (a token the platform
rejects, a webhook that cannot work). Anything that waiting can cure is waited out, saying what it
waits for: a platform that is down or answers 429/5xx at start, a database connection that drops
(`bot.db.reconnect`, shared by every loop of the process).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import math
import signal
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session
from telegram.error import TelegramError

from bot.channels.base import Channel, ChannelError, TransientSendError
from bot.channels.receiving import UpdateReceiver
from bot.channels.telegram import classify as classify_telegram
from bot.db.reconnect import DatabaseUnavailable, Reconnecting
from bot.engine.channels import ConfiguredChannels, flood_gates, receivers, web_server
from bot.engine.digests import digest_job
from bot.engine.messages import CATCH_UP, HORIZON_FAILED, render
from bot.engine.notices import DATABASE_BACK, DATABASE_LOST, WAITING_FOR_PLATFORM
from bot.engine.root import Root
from bot.engine.scheduler import HORIZON_JOB, CronJob, Scheduler
from bot.outbox.catchup import catch_up
from bot.outbox.checkin import Detail
from bot.outbox.dispatcher import DispatchConfig, Dispatcher, DispatchStats
from bot.reminders.materialize import extend_horizon, schedule_line
from bot.settings import Settings

log = logging.getLogger(__name__)

SIGNALS = (signal.SIGINT, signal.SIGTERM)
FIRST_WAIT = 1.0
"""Seconds before the second attempt to reach a platform at start; it doubles from there."""


class ChannelStartError(Exception):
    """A channel cannot start until a setting is fixed (never raised for a transient failure)."""

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


class _Stop:
    """SIGINT/SIGTERM, from the first moment: a wait at start ends, a dispatcher stops."""

    def __init__(self) -> None:
        self.event = asyncio.Event()
        self._dispatcher: Dispatcher | None = None

    def __call__(self) -> None:
        self.event.set()
        if self._dispatcher is not None:
            self._dispatcher.stop()

    def watch(self, dispatcher: Dispatcher) -> None:
        self._dispatcher = dispatcher
        if self.event.is_set():
            dispatcher.stop()

    @property
    def requested(self) -> bool:
        return self.event.is_set()


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
    stop = _Stop()
    loop = asyncio.get_running_loop()
    for signum in SIGNALS:
        loop.add_signal_handler(signum, stop)
    database = Reconnecting(
        on_lost=lambda _what, detail: say(render(root.lang, DATABASE_LOST, detail=detail)),
        on_back=lambda seconds: say(render(root.lang, DATABASE_BACK, seconds=math.ceil(seconds))),
    )
    opened: list[Channel] = []
    try:
        for name, channel in configured.channels.items():
            if not await _start_channel(name, channel, root, say, stop):
                return DispatchStats()
            opened.append(channel)
        if started:
            say(started)
        return await _run(engine, root, configured, options, say, stop, database)
    finally:
        for channel in opened:
            await channel.close()
        for signum in SIGNALS:
            loop.remove_signal_handler(signum)


async def _start_channel(
    name: str, channel: Channel, root: Root, say: Callable[[str], None], stop: _Stop
) -> bool:
    """Start one channel, waiting out a platform that is down; False when stopped meanwhile."""
    wait = FIRST_WAIT
    while not stop.requested:
        try:
            await channel.start()
            return True
        except TransientSendError as exc:
            await _wait_for_platform(name, exc, wait, root, say, stop)
            wait = min(wait * 2, root.settings.platform_retry_cap_seconds)
        except ChannelError as exc:
            raise ChannelStartError(name, str(exc)) from exc
    return False


async def _wait_for_platform(
    name: str,
    exc: TransientSendError,
    wait: float,
    root: Root,
    say: Callable[[str], None],
    stop: _Stop,
) -> None:
    seconds = max(wait, exc.retry_after or 0.0)
    url = _api_url(root.settings, name)
    setting = f"{name.upper()}_API_URL"
    say(
        render(
            root.lang,
            WAITING_FOR_PLATFORM,
            channel=name,
            url=url,
            reason=exc.reason,
            seconds=seconds,
            setting=setting,
        )
    )
    with suppress(TimeoutError):
        await asyncio.wait_for(stop.event.wait(), seconds)


def _api_url(settings: Settings, channel: str) -> str:
    return {"telegram": settings.telegram_api_url, "zalo": settings.zalo_api_url}.get(channel, channel)


async def _run(
    engine: Engine,
    root: Root,
    configured: ConfiguredChannels,
    options: RunOptions,
    say: Callable[[str], None],
    stop: _Stop,
    database: Reconnecting,
) -> DispatchStats:
    settings = root.settings
    try:
        caught = await database.run(
            "catch-up",
            lambda: catch_up(engine, root.clock.now(), settings.catch_up_grace),
            stop=stop.event,
        )
    except DatabaseUnavailable:
        return DispatchStats()  # stopped before the database came back
    if caught.late or caught.cancelled:
        say(render(root.lang, CATCH_UP, late=caught.late, cancelled=caught.cancelled))
    if options.materialise:
        await _extend_horizon(engine, root, say, database, stop)

    config = dispatch_config(settings)
    scheduler = Scheduler(root.clock, settings.tz)
    dispatcher = Dispatcher(
        engine,
        configured.channels,
        clock=root.clock,
        calendar=root.calendar,
        tz=settings.tz,
        config=config,
        limits=configured.limits,
        flood=flood_gates(engine, configured, config, database),
        database=database,
        catch_all=configured.catch_all,
        on_idle=None if options.once else scheduler.schedule_wakeup,
        templates=settings.templates_dir,
        detail=Detail(settings.reminder_detail),
        budgets={
            "zalo": settings.zalo_monthly_message_budget,
            "telegram": settings.telegram_monthly_message_budget,
        },
        on_notice=say,
        lang=root.lang,
    )
    stop.watch(dispatcher)
    if options.once:
        return await dispatcher.run(until_idle=True)

    listening = receivers(root, engine, database)
    web = web_server(root, engine, listening)
    try:
        scheduler.start(dispatcher.wake, sweep_seconds=settings.sweep_seconds)
        if web is not None:
            # Before the receivers start: the platforms call as soon as they have the webhook.
            try:
                await web.start()
            except OSError as exc:
                raise ChannelStartError("web", f"{web.host}:{web.port}: {exc.strerror or exc}") from exc

        async def horizon(_now: object) -> None:
            await _extend_horizon(engine, root, say, database, stop)
            dispatcher.wake()

        scheduler.add_cron_job(CronJob(HORIZON_JOB, horizon, {"hour": 0, "minute": 5}))
        scheduler.add_cron_job(_waiting_job(digest_job(engine, root), database, stop))
        # Receiving chat messages (polling or webhook) starts once sending works.
        for receiver in listening:
            if not await _start_receiver(receiver, configured, root, say, stop):
                return dispatcher.stats
        return await dispatcher.run()
    finally:
        for receiver in listening:
            await receiver.stop()
        if web is not None:
            await web.stop()
        scheduler.shutdown()


async def _start_receiver(
    receiver: UpdateReceiver[Any],
    configured: ConfiguredChannels,
    root: Root,
    say: Callable[[str], None],
    stop: _Stop,
) -> bool:
    """A receiving setting that cannot work (e.g. a webhook without its secret) stops the start
    with the receiver's own explanation, like a channel that does not start; a platform that
    cannot be reached is waited for. False when stopped meanwhile."""
    wait = FIRST_WAIT
    while not stop.requested:
        try:
            await receiver.start(configured.channels)
            return True
        except Exception as exc:
            failure = _receiver_failure(exc)
            if failure is None:
                raise
            if not isinstance(failure, TransientSendError):
                raise ChannelStartError(getattr(exc, "channel", receiver.name), str(failure)) from exc
            await receiver.stop()  # a partial start (the webhook server) is undone before the next
            await _wait_for_platform(receiver.name, failure, wait, root, say, stop)
            wait = min(wait * 2, root.settings.platform_retry_cap_seconds)
    return False


def _receiver_failure(exc: Exception) -> ChannelError | None:
    """What a failed receiver start means: a `TransientSendError` to wait out, another
    `ChannelError` for a setting to fix, None for a bug."""
    if isinstance(exc, ChannelError):
        return exc
    if isinstance(exc, TelegramError):
        return classify_telegram(exc)
    return None


def _waiting_job(job: CronJob, database: Reconnecting, stop: _Stop) -> CronJob:
    """A synchronous database job that waits out a dropped connection instead of failing its run."""

    async def run(now: dt.datetime) -> None:
        with suppress(DatabaseUnavailable):  # stopping: the next start runs it
            await database.run(job.id, lambda: job.run(now), stop=stop.event)

    return CronJob(job.id, run, job.cron)


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


async def _extend_horizon(
    engine: Engine, root: Root, say: Callable[[str], None], database: Reconnecting, stop: _Stop
) -> None:
    try:
        # One transaction: a connection lost midway rolls it back whole, and it runs again.
        summary = await database.run("reminder horizon", lambda: _materialise(engine, root), stop=stop.event)
        log.info("%s", summary)
    except DatabaseUnavailable:
        return  # stopping: the next start extends it
    except Exception as exc:  # the reminders already in the outbox must still go out
        log.exception("horizon job failed")
        say(render(root.lang, HORIZON_FAILED, error=exc))
