"""A platform's flood limits kept for every process at once, in PostgreSQL.

`FloodControl` keeps the gates in one process: two processes sending with one token would send
60 messages a second together and meet Telegram's 429s. Here each process keeps its own gates
(they spare the database the waiting of its own sends) and also takes the same slot in the
database before a send, under the same rule: a slot is taken when a send starts and frees one
period after the platform answered. A gate of `count` messages per `period` is `count` rows of
`flood_slots`; a slot is taken with one conditional UPDATE on a row picked `FOR UPDATE SKIP
LOCKED` (so processes never wait on each other's locks) and every moment is the database's own
`clock_timestamp()`, the one clock all processes share. A slot is stamped `hold` seconds ahead
while its send is out, so a process that dies holding it frees it after that; the answer frees it
`period` after the answer, whoever holds it. Slot -1 of the overall gate carries the platform's
"retry after" pause to every process.

Waiting is polling, at the one moment that can help: when the earliest free slot frees, or, when
slots are held for sends on the wire, one period from now (a held slot frees one period after its
answer, which is still to come). One task per process and gate asks at a time, on threads of its
own, so that a slot is never taken or freed behind the outbox's other database work.

SQLite (one file, normally one process) keeps the in-process gates only: see the README.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import logging
import time
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.db.reconnect import DatabaseUnavailable, Reconnecting
from bot.outbox.ratelimit import FloodControl, RateLimits, Window

log = logging.getLogger(__name__)

PAUSE_SLOT = -1
POLL_CAP = 1.0
"""Longest wait between two asks for a busy gate (a safety net: the wait asked for is exact)."""
RELEASE_PATIENCE = 5.0
"""Seconds a release may wait for the database; after that the slot frees at the end of its hold."""

_ENSURE = sa.text(
    """
    INSERT INTO flood_slots (gate, slot, free_at)
    SELECT :gate, g, clock_timestamp() - interval '1 hour'
    FROM generate_series(CAST(:first AS integer), CAST(:last AS integer)) AS g
    ON CONFLICT (gate, slot) DO NOTHING
    """
)
_TAKE = sa.text(
    """
    WITH free AS (
        SELECT gate, slot FROM flood_slots
        WHERE gate = :gate AND slot >= 0 AND slot < CAST(:count AS integer)
          AND free_at <= clock_timestamp()
          AND NOT EXISTS (
              SELECT 1 FROM flood_slots
              WHERE gate = :pause_gate AND slot = -1 AND free_at > clock_timestamp()
          )
        ORDER BY free_at
        LIMIT 1
        FOR UPDATE SKIP LOCKED
    )
    UPDATE flood_slots AS s
    SET free_at = clock_timestamp() + make_interval(secs => CAST(:hold AS double precision)),
        holder = :holder
    FROM free
    WHERE s.gate = free.gate AND s.slot = free.slot
    RETURNING s.slot
    """
)
_WAIT = sa.text(
    """
    SELECT EXTRACT(EPOCH FROM GREATEST(
        LEAST(
            (SELECT min(free_at) FROM flood_slots
             WHERE gate = :gate AND slot >= 0 AND slot < CAST(:count AS integer) AND holder IS NULL),
            CASE WHEN EXISTS (
                SELECT 1 FROM flood_slots
                WHERE gate = :gate AND slot >= 0 AND slot < CAST(:count AS integer) AND holder IS NOT NULL
            ) THEN clock_timestamp() + make_interval(secs => CAST(:period AS double precision)) END
        ),
        (SELECT max(free_at) FROM flood_slots WHERE gate = :pause_gate AND slot = -1)
    ) - clock_timestamp())
    """
)
_RELEASE = sa.text(
    """
    UPDATE flood_slots
    SET free_at = clock_timestamp() + make_interval(secs => CAST(:after AS double precision)),
        holder = NULL
    WHERE gate = :gate AND slot = :slot AND holder = :holder
    """
)
"""`after`: the period less the time since the answer (the slot frees one period after it)."""
_PAUSE = sa.text(
    """
    UPDATE flood_slots
    SET free_at = GREATEST(
        free_at, clock_timestamp() + make_interval(secs => CAST(:seconds AS double precision))
    )
    WHERE gate = :gate AND slot = -1
    """
)


def token_scope(channel: str, token: str) -> str:
    """The gates' prefix for one bot: platforms meter per token. A fingerprint, never the token."""
    return f"{channel}:{hashlib.sha256(token.encode()).hexdigest()[:16]}"


@dataclass(frozen=True, slots=True)
class SharedGate:
    key: str
    count: int
    period: float
    hold: float
    """Seconds the slot stays taken if its holder never answers (it died)."""


class SharedFloodControl:
    """A channel's gates, in this process and in the database; a `FloodGate` to the dispatcher."""

    def __init__(
        self,
        engine: Engine,
        limits: RateLimits,
        *,
        scope: str,
        send_hold: float,
        queue_hold: float,
        database: Reconnecting,
    ) -> None:
        """`send_hold`: how long an overall slot may stay out (a send's timeout and a margin);
        `queue_hold`: a chat's or group's slot, taken before the overall one is waited for."""
        self.engine = engine
        self.limits = limits
        self.scope = scope
        self._local = FloodControl(limits)
        self._db = database
        self._send_hold = send_hold
        self._queue_hold = queue_hold
        self._overall_key = f"{scope}:all"
        self._known: set[str] = set()
        self._locks: dict[str, asyncio.Lock] = {}
        self._holder = uuid.uuid4().hex[:12]
        self._taken = itertools.count()
        self._background: set[asyncio.Task[None]] = set()
        self._threads = ThreadPoolExecutor(max_workers=4, thread_name_prefix="flood-control")

    # --- FloodGate ------------------------------------------------------------------------------

    def pause(self, seconds: float) -> None:
        self._local.pause(seconds)
        task = asyncio.get_running_loop().create_task(self._pause_everywhere(seconds))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    @asynccontextmanager
    async def slot(self, chat_id: str) -> AsyncIterator[None]:
        windows: list[Window] = []
        taken: list[tuple[SharedGate, int, str]] = []
        try:
            for window, gate in self._pairs(chat_id):
                await window.acquire()
                windows.append(window)
                if gate is not None:
                    taken.append((gate, *await self._take(gate)))
            yield
        finally:
            answered = time.monotonic()  # the answer (or the give-up): every period runs from here
            for window in reversed(windows):
                await window.release(answered)
            if taken:
                await self._release(taken, answered)

    # --- the gates ------------------------------------------------------------------------------

    def _pairs(self, chat_id: str) -> list[tuple[Window, SharedGate | None]]:
        """Each local window with its shared gate, in the order they are taken (overall last)."""
        limits, scope, queue = self.limits, self.scope, self._queue_hold
        shared: list[SharedGate | None] = []
        if limits.group_per_minute and chat_id.startswith("-"):
            shared.append(SharedGate(f"{scope}:group:{chat_id}", limits.group_per_minute, 60.0, queue))
        if limits.chat_interval:
            shared.append(SharedGate(f"{scope}:chat:{chat_id}", 1, limits.chat_interval, queue))
        overall = SharedGate(self._overall_key, limits.per_second, 1.0, self._send_hold)
        shared.append(overall if limits.per_second else None)
        windows = self._local.gates(chat_id)
        assert len(windows) == len(shared)
        return list(zip(windows, shared, strict=True))

    async def _take(self, gate: SharedGate) -> tuple[int, str]:
        lock = self._locks.get(gate.key)
        if lock is None:
            if len(self._locks) > 10_000:
                for key in [key for key, old in self._locks.items() if not old.locked()]:
                    del self._locks[key]
            lock = self._locks[gate.key] = asyncio.Lock()
        async with lock:  # one ask per process and gate at a time, in arrival order
            holder = f"{self._holder}:{next(self._taken)}"
            while True:
                slot, wait = await self._db.run(
                    "flood control", lambda: self._try_take(gate, holder), executor=self._threads
                )
                if slot is not None:
                    return slot, holder
                await asyncio.sleep(min(max(wait, 0.002), POLL_CAP))

    def _try_take(self, gate: SharedGate, holder: str) -> tuple[int | None, float]:
        with self.engine.begin() as connection:
            if gate.key not in self._known:
                first = PAUSE_SLOT if gate.key == self._overall_key else 0
                connection.execute(_ENSURE, {"gate": gate.key, "first": first, "last": gate.count - 1})
                self._known.add(gate.key)
            names = {"gate": gate.key, "count": gate.count, "pause_gate": self._overall_key}
            slot = connection.execute(_TAKE, {**names, "hold": gate.hold, "holder": holder}).scalar()
            if slot is not None:
                return int(slot), 0.0
            wait = connection.execute(_WAIT, {**names, "period": gate.period}).scalar()
        return None, float(wait) if wait is not None else POLL_CAP

    async def _release(self, taken: list[tuple[SharedGate, int, str]], answered: float) -> None:
        """Free the message's slots, one period after `answered`, in one transaction."""

        def release() -> None:
            with self.engine.begin() as connection:
                since = time.monotonic() - answered  # measured here: the thread may have queued
                for gate, slot, holder in taken:
                    after = gate.period - since
                    connection.execute(
                        _RELEASE, {"gate": gate.key, "slot": slot, "holder": holder, "after": after}
                    )

        try:
            await self._db.run(
                "flood control",
                release,
                deadline=time.monotonic() + RELEASE_PATIENCE,
                executor=self._threads,
            )
        except DatabaseUnavailable:
            log.warning("flood slots not freed early (database unreachable): they free when their hold ends")

    async def _pause_everywhere(self, seconds: float) -> None:
        def pause() -> None:
            with self.engine.begin() as connection:
                if self._overall_key not in self._known:
                    connection.execute(_ENSURE, {"gate": self._overall_key, "first": PAUSE_SLOT, "last": -1})
                connection.execute(_PAUSE, {"gate": self._overall_key, "seconds": seconds})

        try:
            await self._db.run(
                "flood control", pause, deadline=time.monotonic() + RELEASE_PATIENCE, executor=self._threads
            )
        except DatabaseUnavailable:
            log.warning("the platform's pause of %g s is kept in this process only", seconds)
