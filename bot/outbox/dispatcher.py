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
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot import paths
from bot.channels.base import Channel, FileChannel, PermanentSendError, TransientSendError, can_send_files
from bot.clock import Clock
from bot.db.models import ChatBinding, CheckinKind, OccurrenceState, OutboxKind, OutboxState
from bot.db.reconnect import DatabaseUnavailable, Reconnecting
from bot.digest.files import digest_files
from bot.outbox import claim as store
from bot.outbox.backoff import DEFAULT_BASE_SECONDS, DEFAULT_CAP_SECONDS, DEFAULT_MAX_ATTEMPTS, retry_delay
from bot.outbox.budget import Level, budget_setting
from bot.outbox.budget import usage as budget_usage
from bot.outbox.checkin import Detail, checkin_record, items_of, part_of, render_checkin
from bot.outbox.context import Binding, ReminderContext, choose_binding, load_contexts
from bot.outbox.messages import (
    BUDGET_DROPPED,
    BUDGET_NOTICE,
    CHANNEL_NOT_RUNNING,
    CHAT_BLOCKED,
    DROPPED_BEFORE,
    DROPPED_PROGRESS,
    NO_CHANNEL,
    OCCURRENCE_CLOSED,
    TOO_MANY_ATTEMPTS,
    UNEXPECTED,
)
from bot.outbox.messages import render as render_outbox
from bot.outbox.notice import sending_channels, tell_admins
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
    checkins: int = 0
    """Messages that carried several rows (each row counts in `sent`)."""
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
        detail: Detail = Detail.FULL,
        budgets: Mapping[str, int | None] | None = None,
        on_notice: Callable[[str], None] | None = None,
        lang: str = "vi",
    ) -> None:
        """`catch_all`: a channel that takes every person without a binding on a running channel
        (the console, when no platform is configured), the chat being the person id.
        `flood`: each channel's flood control (shared by all processes on PostgreSQL); without
        it, gates kept in this process from `limits`. `database`: how database work waits out
        a dropped connection (one per process, shared with the engine's other loops)."""
        self.engine = engine
        self.clock = clock
        self.templates = templates
        self.detail = detail
        self.budgets = {name: value for name, value in (budgets or {}).items() if value}
        """Channel → messages a month (`ZALO_MONTHLY_MESSAGE_BUDGET`…); absent: no budget."""
        self._on_notice = on_notice
        """Where the operator is told that the budget made the bot drop reminders (`nhacviec run`'s
        output); always logged too. The admins are told in chat (`bot.outbox.notice`)."""
        self.lang = lang
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
                        for group in _groups(claimed):
                            task = asyncio.create_task(self._deliver_group(group))
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

    # --- one check-in: a person's rows as one message -------------------------------------------

    async def _deliver_group(self, group: list[tuple[store.Claimed, ReminderContext | None]]) -> None:
        """A person's rows of one part (check-in or escalations): rows that cannot go are settled
        one by one as before; what is left goes as one message (a single item as its reminder)."""
        live: list[tuple[store.Claimed, ReminderContext]] = []
        for row, context in group:
            if context is None:
                self._held.pop(row.id, None)
            elif len(group) == 1 or not self._settled_alone(row, context):
                live.append((row, context))
            else:
                await self._deliver(row, context)
        try:
            live = await self._within_budget(live)
            if live and await self._waits_for_next_slot(live):
                return
        except DatabaseUnavailable:
            log.warning("%d rows left to their lease: the database is unreachable", len(live))
            return
        if len(live) == 1 and (
            self.detail is Detail.FULL
            # A digest or a notice has its own text, which REMINDER_DETAIL is not about.
            or part_of(live[0][1]) is None
            or self._settled_alone(*live[0])
        ):
            await self._deliver(*live[0])
        elif live:
            # Several items, or one under REMINDER_DETAIL=title|minimal: the reminder template
            # shows the plan and the whole title, which such an office keeps out of chat apps.
            await self._deliver_checkin(live)

    async def _waits_for_next_slot(self, live: list[tuple[store.Claimed, ReminderContext]]) -> bool:
        """One check-in a day: rows that fall due after the person's check-in of today (a plan
        synced at noon, a snooze) wait for the next working day's slot, unless one of them is due
        today or overdue. True when the rows were deferred."""
        first = live[0][1]
        if part_of(first) is not CheckinKind.CHECKIN:
            return False
        if any(row.next_attempt_at != row.send_at for row, _ in live):
            return False  # a snooze to this hour (or a retry): the person asked for now
        today = self.clock.today(self.tz)
        items = items_of([context for _, context in live], today, self.calendar)
        if any(item.days_left is not None and item.days_left <= 0 for item in items):
            return False  # due today or overdue: it goes now
        midnight = dt.datetime.combine(today, dt.time(), tzinfo=self.tz)
        person = first.person_id
        if not await self._db.run(
            "check-in today", lambda: store.already_checked_in(self.engine, person, midnight)
        ):
            return False
        slot = first.send_at.astimezone(self.tz).time()
        day = self.calendar.next_working_day(today + dt.timedelta(days=1))
        until = dt.datetime.combine(day, slot, tzinfo=self.tz).astimezone(dt.UTC)
        ids, now = [row.id for row, _ in live], self.clock.now()
        await self._db.run(
            "defer to the next slot", lambda: store.defer(self.engine, ids, self.worker, until, now)
        )
        for row_id in ids:
            self._held.pop(row_id, None)
        if self._on_idle is not None:
            self._on_idle(until)
        return True

    async def _within_budget(
        self, live: list[tuple[store.Claimed, ReminderContext]]
    ) -> list[tuple[store.Claimed, ReminderContext]]:
        """The rows the channel's monthly budget still allows; the others are cancelled with the
        reason, and the admin is told once a month and level: in the log and `on_notice`, and in
        chat through notice rows queued with the record (`bot.outbox.notice`)."""
        if not live:
            return live
        target = self._route(live[0][1])
        budget = self.budgets.get(target.channel) if isinstance(target, Target) else None
        if budget is None or not isinstance(target, Target):
            return live
        now = self.clock.now()
        used = await self._db.run(
            "message budget", partial(budget_usage, self.engine, target.channel, budget, now, self.tz)
        )
        keep = [(row, context) for row, context in live if not used.drops(context.kind)]
        dropped = [row for row, context in live if used.drops(context.kind)]
        reason = BUDGET_DROPPED.format(
            channel=target.channel, sent=used.sent, budget=budget, period=used.period
        )
        for row in dropped:
            await self._final(row, OutboxState.CANCELLED, reason)
            self._held.pop(row.id, None)
        told: list[str] | None = None
        if dropped:
            told = await self._db.run("budget notice", partial(tell_admins, self.engine, used, now))
        if told is not None:
            notice = render_outbox(
                self.lang,
                BUDGET_NOTICE,
                channel=target.channel,
                sent=used.sent,
                budget=budget,
                period=used.period,
                dropped=render_outbox(
                    self.lang, DROPPED_BEFORE if used.level is Level.BEFORE else DROPPED_PROGRESS
                ),
                setting=budget_setting(target.channel),
            )
            log.warning("%s", notice)
            if self._on_notice is not None:
                self._on_notice(notice)
            if told:
                log.info("budget notice queued in chat for %s", ", ".join(told))
                self.wake()
            else:
                log.warning("budget notice not sent in chat: no admin or chief has a chat with the bot")
        return keep

    def _settled_alone(self, row: store.Claimed, context: ReminderContext) -> bool:
        """Rows that end without a send (too many attempts, a closed deadline)."""
        return row.attempts > self.config.max_attempts or context.occurrence_state not in (
            None,
            OccurrenceState.OPEN,
        )

    async def _deliver_checkin(self, live: list[tuple[store.Claimed, ReminderContext]]) -> None:
        rows = [row for row, _ in live]
        try:
            await self._send_checkin(live)
        except LeaseLost:
            self.stats.lost_lease += len(rows)
            log.warning("check-in of %d rows not sent: its lease ran out before its turn", len(rows))
        except DatabaseUnavailable:
            log.warning("check-in of %d rows left to its lease: the database is unreachable", len(rows))
        except Exception as exc:  # a bug must not kill the worker: the rows retry later
            log.exception("unexpected error on a check-in of rows %s", [row.id for row in rows])
            self.stats.errors.append(repr(exc))
            for row in rows:
                await self._retry(row, UNEXPECTED.format(error=exc), None)
        finally:
            for row in rows:
                self._held.pop(row.id, None)

    async def _send_checkin(self, live: list[tuple[store.Claimed, ReminderContext]]) -> None:
        first = live[0][1]
        part = part_of(first) or CheckinKind.CHECKIN
        rows = [row for row, _ in live]
        for _ in range(len(first.bindings) + 1):
            target = self._route(first)
            if isinstance(target, Undeliverable):
                for row in rows:
                    if target.final:
                        await self._final(row, OutboxState.FAILED, target.reason)
                    else:
                        await self._retry(row, target.reason, None)
                return
            channel_name, chat_id = target.channel, target.chat_id
            channel = self.channels[channel_name]
            items = items_of([context for _, context in live], self.clock.today(self.tz), self.calendar)
            rendered = render_checkin(
                part,
                items,
                html=channel.supports_buttons,
                buttons=channel.supports_buttons,
                limit=channel.max_length,
                detail=self.detail,
                templates=self.templates,
            )
            flood = self._flood[channel_name]
            try:
                async with flood.slot(chat_id):
                    if self._stopping:
                        return  # not on the wire yet: the rows are given back when the worker stops
                    if (channel_name, chat_id) in self._blocked:
                        continue  # refused for another message while this one waited: choose anew
                    if time.monotonic() >= min(self._held.get(row.id, 0.0) for row in rows):
                        raise LeaseLost
                    try:
                        async with asyncio.timeout(self.config.send_timeout):
                            sent = await channel.send(chat_id, rendered.message)
                    except TimeoutError as exc:
                        raise TransientSendError(
                            f"{channel_name}: no answer in {self.config.send_timeout:g} s"
                        ) from exc
            except TransientSendError as exc:
                if exc.retry_after:
                    flood.pause(exc.retry_after)
                for row in rows:
                    await self._retry(row, exc.reason, exc.retry_after)
                return
            except PermanentSendError as exc:
                if exc.chat_unreachable:
                    self._blocked.setdefault((channel_name, chat_id), self.clock.now())
                    if target.binding is not None:
                        block = partial(_block_binding, self.engine, target.binding.id, self.clock.now())
                        await self._db.run("block chat", block)
                    if isinstance(self._route(first), Target):
                        continue  # nothing was delivered: the whole check-in goes to the other chat
                for row in rows:
                    await self._final(
                        row, OutboxState.FAILED, exc.reason, channel=channel_name, chat_id=chat_id
                    )
                return
            now = self.clock.now()
            record = checkin_record(part, rendered, first.person_id)
            ids = [row.id for row in rows]
            mark = partial(
                store.mark_checkin_sent,
                self.engine,
                ids,
                self.worker,
                checkin=record,
                channel=channel_name,
                chat_id=chat_id,
                message_id=sent.message_id,
                now=now,
            )
            marked = await self._db.run("mark check-in sent", mark)
            self.stats.sent += marked
            self.stats.checkins += 1
            if marked < len(ids):
                self.stats.lost_lease += len(ids) - marked
                log.warning(
                    "a check-in was sent but %d of its rows had passed to another worker", len(ids) - marked
                )
            return
        for row in rows:
            await self._final(row, OutboxState.FAILED, self._blocked_reason(first))

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
        binding = choose_binding(live, sending_channels(context, live, list(self.channels)))
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


def _groups(
    claimed: list[tuple[store.Claimed, ReminderContext | None]],
) -> list[list[tuple[store.Claimed, ReminderContext | None]]]:
    """A claim's rows as messages: per person, the check-in rows together, the escalations
    together, every other row (a digest) alone."""
    groups: dict[tuple[str, str], list[tuple[store.Claimed, ReminderContext | None]]] = {}
    alone: list[list[tuple[store.Claimed, ReminderContext | None]]] = []
    for row, context in claimed:
        part = part_of(context) if context is not None else None
        if context is None or part is None:
            alone.append([(row, context)])
        else:
            groups.setdefault((context.person_id, part.value), []).append((row, context))
    return alone + list(groups.values())


def _block_binding(engine: Engine, binding_id: int, now: dt.datetime) -> None:
    table = table_of(ChatBinding)
    with engine.begin() as connection:
        connection.execute(
            sa.update(table)
            .where(table.c.id == binding_id, table.c.blocked_at.is_(None))
            .values(blocked_at=now)
        )
