"""The worker: claim due rows, send each on the person's chat, mark the outcome.

One `Dispatcher` per process; it may run next to others on the same database (see the package
docstring for the guarantees). The database work is synchronous SQLAlchemy, run in threads so
that the event loop keeps the flood-control clock exact. Every piece of it outlives a dropped
connection (`bot.db.reconnect`): the loop waits for the database and carries on, and a row in
flight keeps its lease rules meanwhile (it is sent only while its lease holds, marked only by its
holder).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot import paths
from bot.channels.base import Channel, FileChannel, PermanentSendError, TransientSendError, can_send_files
from bot.clock import Clock
from bot.db.models import ChatBinding, OccurrenceState, OutboxKind, OutboxState
from bot.db.reconnect import DatabaseUnavailable, Reconnecting
from bot.digest.files import digest_files
from bot.outbox import claim as store
from bot.outbox.backoff import DEFAULT_BASE_SECONDS, DEFAULT_CAP_SECONDS, DEFAULT_MAX_ATTEMPTS, retry_delay
from bot.outbox.context import Binding, ReminderContext, choose_binding, load_contexts
from bot.outbox.messages import (
    CHANNEL_NOT_RUNNING,
    CHAT_BLOCKED,
    NO_CHANNEL,
    OCCURRENCE_CLOSED,
    TOO_MANY_ATTEMPTS,
    UNEXPECTED,
)
from bot.outbox.ratelimit import FloodControl, FloodGate, RateLimits
from bot.outbox.render import render_reminder
from bot.outbox.rows import table_of
from bot.workcal import WorkCalendar

log = logging.getLogger(__name__)


class LeaseLost(Exception):
    """This worker may no longer send the row (its lease ran out or is about to)."""


def worker_id() -> str:
    """Unique per process start: host, pid and a random part (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True, slots=True)
class DispatchConfig:
    lease: dt.timedelta = dt.timedelta(seconds=60)
    batch: int = 100
    """Rows per claim."""
    concurrency: int = 64
    """Sends in flight at once (most of them wait on flood control)."""
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    retry_base: float = DEFAULT_BASE_SECONDS
    retry_cap: float = DEFAULT_CAP_SECONDS
    drain_timeout: float = 15.0
    """On stop, how long sends already on the wire may take to finish."""
    send_timeout: float = 15.0
    """The longest one send may take; a send is only started while the lease has at least this
    much (plus a second) left, so it cannot still be on the wire when another worker takes over."""

    def __post_init__(self) -> None:
        if self.lease.total_seconds() <= self.lease_margin:
            raise ValueError(
                f"the lease ({self.lease.total_seconds():g} s) must be longer than the send timeout "
                f"plus one second ({self.lease_margin:g} s)"
            )

    @property
    def lease_margin(self) -> float:
        return self.send_timeout + 1.0


@dataclass(frozen=True, slots=True)
class Target:
    """Where a row goes: a chat on a running channel (`binding` None for the catch-all)."""

    channel: str
    chat_id: str
    binding: Binding | None


@dataclass(frozen=True, slots=True)
class Undeliverable:
    reason: str
    final: bool
    """True: the row fails now (nobody to send to); False: it is tried again later."""


_REROUTE = object()
"""The chat turned out blocked while the row waited for its turn: choose the person's chat anew."""


@dataclass
class DispatchStats:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    lost_lease: int = 0
    errors: list[str] = field(default_factory=list)


class Dispatcher:
    def __init__(
        self,
        engine: Engine,
        channels: Mapping[str, Channel],
        *,
        clock: Clock,
        calendar: WorkCalendar,
        tz: ZoneInfo,
        config: DispatchConfig | None = None,
        limits: Mapping[str, RateLimits] | None = None,
        flood: Mapping[str, FloodGate] | None = None,
        database: Reconnecting | None = None,
        catch_all: str | None = None,
        worker: str | None = None,
        on_idle: Callable[[dt.datetime | None], None] | None = None,
        templates: Path = paths.TEMPLATES_DIR,
    ) -> None:
        """`catch_all`: a channel that takes every person without a binding on a running channel
        (the console, when no platform is configured), the chat being the person id.
        `flood`: each channel's flood control (shared by all processes on PostgreSQL); without
        it, gates kept in this process from `limits`. `database`: how database work waits out
        a dropped connection (one per process, shared with the engine's other loops)."""
        self.engine = engine
        self.clock = clock
        self.templates = templates
        self.channels = dict(channels)
        self.calendar = calendar
        self.tz = tz
        self.config = config or DispatchConfig()
        self.worker = worker or worker_id()
        self.catch_all = catch_all
        self.stats = DispatchStats()
        given: Mapping[str, FloodGate] = flood or {}
        self._flood: dict[str, FloodGate] = {
            name: given.get(name) or FloodControl((limits or {}).get(name, RateLimits()))
            for name in self.channels
        }
        self._db = database or Reconnecting()
        self._on_idle = on_idle
        self._wake = asyncio.Event()
        self._stopping = False
        self._stopped = asyncio.Event()
        """Set with `_stopping`: interrupts a wait for the database."""
        self._in_flight: set[asyncio.Task[None]] = set()
        self._held: dict[int, float] = {}
        """Row id → monotonic moment until which this worker may start sending it."""
        self._blocked: dict[tuple[str, str], dt.datetime] = {}
        """(channel, chat) → when the platform said the chat is unreachable, in this process:
        rows already claimed for that chat see it before their turn, not after their own 403."""

    # --- control ------------------------------------------------------------------------------

    def wake(self) -> None:
        """Look for due rows now (the clock's wake-up and sweep jobs call this)."""
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._stopped.set()
        self._wake.set()

    async def run(self, *, until_idle: bool = False) -> DispatchStats:
        """Dispatch until `stop()`; with `until_idle`, until no row is due and none in flight."""
        if not self._stopping:
            self._stopped.clear()
        # The lease heartbeat gets its own thread: it must not queue behind the sends' writes.
        lease_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox-lease")
        heartbeat = asyncio.create_task(self._heartbeat(lease_thread))
        try:
            while not self._stopping:
                free = self.config.concurrency - len(self._in_flight)
                if free > 0:
                    self._wake.clear()
                    claimed = await self._claim(min(free, self.config.batch))
                    if claimed is None:
                        break  # told to stop while the database was unreachable
                    if claimed:
                        for row, context in claimed:
                            task = asyncio.create_task(self._deliver(row, context))
                            self._in_flight.add(task)
                            task.add_done_callback(self._in_flight.discard)
                        continue
                if until_idle and not self._in_flight and free > 0:
                    break
                if free > 0 and not self._in_flight:
                    try:
                        upcoming = await self._db.run(
                            "next due", lambda: store.next_due(self.engine), stop=self._stopped
                        )
                    except DatabaseUnavailable:
                        break
                    if self._on_idle is not None:
                        self._on_idle(upcoming)
                waiters: set[asyncio.Future[object]] = set(self._in_flight)  # type: ignore[arg-type]
                wake = asyncio.ensure_future(self._wake.wait())
                waiters.add(wake)  # type: ignore[arg-type]
                await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
                wake.cancel()
        finally:
            await self._drain()
            heartbeat.cancel()
            lease_thread.shutdown(wait=False)
        return self.stats

    async def _claim(self, limit: int) -> list[tuple[store.Claimed, ReminderContext | None]] | None:
        """Claim up to `limit` due rows with their contexts; None when stopped while waiting for
        the database (whatever was claimed is given back by `_drain`)."""

        def claim() -> tuple[float, list[store.Claimed]]:
            started = time.monotonic()  # the lease runs from no later than this
            rows = store.claim(self.engine, self.worker, self.clock.now(), self.config.lease, limit)
            return started, rows

        try:
            claimed_at, rows = await self._db.run("claim", claim, stop=self._stopped)
            if not rows:
                return []
            usable_until = claimed_at + self._lease_seconds - self.config.lease_margin
            for row in rows:
                self._held[row.id] = usable_until
            ids = [row.id for row in rows]
            contexts = await self._db.run(
                "load reminders", lambda: load_contexts(self.engine, ids), stop=self._stopped
            )
        except DatabaseUnavailable:
            return None
        return [(row, contexts.get(row.id)) for row in rows]

    @property
    def _lease_seconds(self) -> float:
        return self.config.lease.total_seconds()

    async def _drain(self) -> None:
        """Let sends on the wire finish, then give back whatever this worker still holds."""
        if self._in_flight:
            _, pending = await asyncio.wait(set(self._in_flight), timeout=self.config.drain_timeout)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending)
        deadline = time.monotonic() + self.config.drain_timeout
        try:
            released = await self._db.run(
                "release",
                lambda: store.release(self.engine, self.worker, self.clock.now()),
                deadline=deadline,
            )
        except DatabaseUnavailable:
            log.warning("claimed rows not given back (database unreachable): their leases will run out")
            return
        if released:
            log.info("released %d claimed rows", released)

    async def _heartbeat(self, thread: ThreadPoolExecutor) -> None:
        # Renew well before the sending window (lease minus margin) closes.
        period = max(min(self._lease_seconds / 3, (self._lease_seconds - self.config.lease_margin) / 2), 0.1)
        while True:
            await asyncio.sleep(period)
            started = time.monotonic()
            held = list(self._held)
            try:
                await asyncio.get_running_loop().run_in_executor(thread, self._renew, held)
                renewed_until = started + self._lease_seconds - self.config.lease_margin
                for row_id in held:
                    until = self._held.get(row_id)
                    if until is not None and until > started:  # still ours when the renewal ran
                        self._held[row_id] = renewed_until
            except sa.exc.SQLAlchemyError as exc:  # the database may come back before the lease ends
                log.warning("could not renew leases: %s", exc.__class__.__name__)

    def _renew(self, held: list[int]) -> int:
        return store.renew_leases(self.engine, self.worker, self.clock.now(), self.config.lease, held)

    # --- one row ------------------------------------------------------------------------------

    async def _deliver(self, row: store.Claimed, context: ReminderContext | None) -> None:
        try:
            await self._deliver_row(row, context)
        except LeaseLost:
            self.stats.lost_lease += 1
            log.warning("outbox row %d not sent: its lease ran out before its turn", row.id)
        except DatabaseUnavailable:
            log.warning("outbox row %d left to its lease: the database is unreachable", row.id)
        except Exception as exc:  # a bug must not kill the worker: the row retries later
            log.exception("unexpected error on outbox row %d", row.id)
            self.stats.errors.append(repr(exc))
            await self._retry(row, UNEXPECTED.format(error=exc), None)
        finally:
            self._held.pop(row.id, None)

    async def _deliver_row(self, row: store.Claimed, context: ReminderContext | None) -> None:
        if context is None:
            return
        if row.attempts > self.config.max_attempts:
            await self._final(
                row,
                OutboxState.FAILED,
                TOO_MANY_ATTEMPTS.format(
                    attempts=row.attempts - 1, error="(tiến trình gửi bị dừng giữa chừng)"
                ),
            )
            return
        if context.occurrence_state not in (None, OccurrenceState.OPEN):
            await self._final(
                row, OutboxState.CANCELLED, OCCURRENCE_CLOSED.format(state=context.occurrence_state)
            )
            return
        for _ in range(len(context.bindings) + 1):
            target = self._route(context)
            if isinstance(target, Undeliverable):
                if target.final:
                    await self._final(row, OutboxState.FAILED, target.reason)
                else:
                    await self._retry(row, target.reason, None)
                return
            if await self._send(row, context, target) is not _REROUTE:
                return
        await self._final(row, OutboxState.FAILED, self._blocked_reason(context))

    async def _send(self, row: store.Claimed, context: ReminderContext, target: Target) -> object:
        channel_name, chat_id = target.channel, target.chat_id
        channel = self.channels[channel_name]
        days_left = None
        if context.due is not None:
            today = self.clock.today(self.tz)
            days_left = self.calendar.working_days_between(today, context.due)
        message = render_reminder(
            context,
            days_left=days_left,
            html=channel.supports_buttons,
            buttons=channel.supports_buttons,
            tz=self.tz,
            templates=self.templates,
        )
        flood = self._flood[channel_name]
        try:
            async with flood.slot(chat_id):
                if self._stopping:
                    return None  # not on the wire yet: the row is given back when the worker stops
                if (channel_name, chat_id) in self._blocked:
                    return _REROUTE  # another row to this chat was refused while this one waited
                if time.monotonic() >= self._held.get(row.id, 0.0):
                    # Another worker may hold the row by the time this send ends: leave it to them.
                    raise LeaseLost
                try:
                    async with asyncio.timeout(self.config.send_timeout):
                        sent = await channel.send(chat_id, message)
                except TimeoutError as exc:
                    raise TransientSendError(
                        f"{channel_name}: no answer in {self.config.send_timeout:g} s"
                    ) from exc
        except TransientSendError as exc:
            if exc.retry_after:
                flood.pause(exc.retry_after)
            await self._retry(row, exc.reason, exc.retry_after)
            return None
        except PermanentSendError as exc:
            if exc.chat_unreachable:
                # Before anything else awaits: rows queued behind this one for the same chat
                # must see it when their turn comes.
                self._blocked.setdefault((channel_name, chat_id), self.clock.now())
            await self._final(row, OutboxState.FAILED, exc.reason, channel=channel_name, chat_id=chat_id)
            if exc.chat_unreachable and target.binding is not None:
                binding_id, now = target.binding.id, self.clock.now()
                await self._db.run("block chat", lambda: _block_binding(self.engine, binding_id, now))
            return None
        now = self.clock.now()
        done = await self._db.run(
            "mark sent",
            lambda: store.mark_sent(
                self.engine,
                row.id,
                self.worker,
                channel=channel_name,
                chat_id=chat_id,
                message_id=sent.message_id,
                now=now,
            ),
        )
        if done:
            self.stats.sent += 1
            if context.kind is OutboxKind.DIGEST and can_send_files(channel):
                await self._send_digest_files(channel, channel_name, chat_id, context)
        else:
            self.stats.lost_lease += 1
            log.warning("outbox row %d was sent but its lease had passed to another worker", row.id)
        return None

    async def _send_digest_files(
        self, channel: Channel, channel_name: str, chat_id: str, context: ReminderContext
    ) -> None:
        """The chart and workbook after the digest's text. The row is already marked sent: a file
        that does not go through is logged, never a reason to send the text twice."""
        assert isinstance(channel, FileChannel)
        try:
            files = await self._db.run(
                "digest files",
                lambda: digest_files(
                    self.engine,
                    context.person_id,
                    context.payload,
                    channel=channel_name,
                    tz=self.tz,
                    calendar=self.calendar,
                ),
                stop=self._stopped,
            )
            for item in files:
                async with self._flood[channel_name].slot(chat_id):
                    if (channel_name, chat_id) in self._blocked:
                        return
                    async with asyncio.timeout(self.config.send_timeout):
                        await channel.send_file(chat_id, item)
        except PermanentSendError as exc:
            if exc.chat_unreachable:
                self._blocked.setdefault((channel_name, chat_id), self.clock.now())
            log.warning("digest files for outbox row %d not sent: %s", context.id, exc)
        except Exception as exc:  # the digest's text went out; the files are a bonus
            log.warning("digest files for outbox row %d not sent: %s", context.id, exc)

    def _is_blocked(self, binding: Binding) -> bool:
        return binding.blocked_at is not None or (binding.channel, binding.chat_id) in self._blocked

    def _route(self, context: ReminderContext) -> Target | Undeliverable:
        live = [b for b in context.bindings if not self._is_blocked(b)]
        binding = choose_binding(live, list(self.channels))
        if binding is not None:
            return Target(binding.channel, binding.chat_id, binding)
        if self.catch_all is not None:
            return Target(self.catch_all, context.person_id, None)
        if live:
            names = ", ".join(sorted({b.channel for b in live}))
            return Undeliverable(CHANNEL_NOT_RUNNING.format(channels=names), final=False)
        if context.bindings:
            return Undeliverable(self._blocked_reason(context), final=True)
        return Undeliverable(NO_CHANNEL, final=True)

    def _blocked_reason(self, context: ReminderContext) -> str:
        """Every chat of the person is blocked: on which channels, since when."""
        moments = {
            (b.channel, b.blocked_at or self._blocked.get((b.channel, b.chat_id))) for b in context.bindings
        }
        channels = ", ".join(sorted({name for name, _ in moments}))
        known = [moment for _, moment in moments if moment is not None]
        since = max(known).astimezone(self.tz).strftime("%d/%m/%Y") if known else "?"
        return CHAT_BLOCKED.format(channels=channels, since=since)

    async def _retry(self, row: store.Claimed, error: str, retry_after: float | None) -> None:
        now = self.clock.now()
        if row.attempts >= self.config.max_attempts:
            await self._final(
                row, OutboxState.FAILED, TOO_MANY_ATTEMPTS.format(attempts=row.attempts, error=error)
            )
            return
        delay = retry_delay(row.attempts, retry_after, base=self.config.retry_base, cap=self.config.retry_cap)
        later = now + dt.timedelta(seconds=delay)
        marked = await self._db.run(
            "mark retry",
            lambda: store.mark_retry(
                self.engine, row.id, self.worker, error=error, next_attempt_at=later, now=now
            ),
        )
        if marked:
            self.stats.retried += 1
            if self._on_idle is not None:
                self._on_idle(later)

    async def _final(
        self,
        row: store.Claimed,
        state: OutboxState,
        reason: str,
        *,
        channel: str | None = None,
        chat_id: str | None = None,
    ) -> None:
        now = self.clock.now()
        done = await self._db.run(
            "mark final",
            lambda: store.mark_final(
                self.engine,
                row.id,
                self.worker,
                state=state,
                reason=reason,
                now=now,
                channel=channel,
                chat_id=chat_id,
            ),
        )
        if done and state is OutboxState.FAILED:
            self.stats.failed += 1
            log.warning("outbox row %d failed: %s", row.id, reason)
        elif done:
            self.stats.cancelled += 1


def _block_binding(engine: Engine, binding_id: int, now: dt.datetime) -> None:
    table = table_of(ChatBinding)
    with engine.begin() as connection:
        connection.execute(
            sa.update(table)
            .where(table.c.id == binding_id, table.c.blocked_at.is_(None))
            .values(blocked_at=now)
        )
