"""Database work that outlives a dropped connection: wait with backoff, reconnect, carry on.

A PostgreSQL restart, a failover or a PgBouncer blip kills the bot's connections. The engine checks
every pooled connection before use (`pool_pre_ping`), so the next attempt gets a fresh one; what
is left is to make that next attempt instead of giving up. `Reconnecting.run` does: it runs one
unit of database work (a function that opens its own transaction, so a retry never sees half of
an earlier one) in a thread and, when it fails for a reason waiting can cure (`is_transient`),
waits — 0.5 s, doubling up to 30 s, with jitter so that several processes do not all come back at
once — and runs it again, for as long as the caller lets it.

One instance is shared by the loops of a process, so an outage is reported once when it starts
and once when it ends, however many loops noticed it.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable
from concurrent.futures import Executor
from contextlib import suppress
from typing import TypeVar

import sqlalchemy as sa

from bot.db.errors import is_transient

log = logging.getLogger(__name__)

T = TypeVar("T")


class DatabaseUnavailable(Exception):
    """The database stayed unreachable until the caller gave up (it is stopping, or its deadline
    passed). The work was not done; nothing of it was committed."""

    def __init__(self, what: str) -> None:
        super().__init__(f"database unreachable during {what}")
        self.what = what


def describe_outage(exc: BaseException) -> str:
    """The driver's own first line (`server closed the connection unexpectedly`), never the SQL
    statement and its parameters that SQLAlchemy adds."""
    origin = exc.orig if isinstance(exc, sa.exc.DBAPIError) and exc.orig is not None else exc
    lines = str(origin).strip().splitlines()
    return lines[0] if lines else type(origin).__name__


class Reconnecting:
    def __init__(
        self,
        *,
        base: float = 0.5,
        cap: float = 30.0,
        on_lost: Callable[[str, str], None] | None = None,
        on_back: Callable[[float], None] | None = None,
    ) -> None:
        """`on_lost(what, detail)` is called when an outage starts, `on_back(seconds)` when the
        first piece of work succeeds after it (both on the event loop)."""
        self.base = base
        self.cap = cap
        self._on_lost = on_lost
        self._on_back = on_back
        self._lost_at: float | None = None
        self.outages = 0
        """Outages seen so far (for tests and the log)."""

    @property
    def lost(self) -> bool:
        return self._lost_at is not None

    async def run(
        self,
        what: str,
        work: Callable[[], T],
        *,
        stop: asyncio.Event | None = None,
        deadline: float | None = None,
        executor: Executor | None = None,
    ) -> T:
        """`work()` in a thread, retried while the database is unreachable. Gives up with
        `DatabaseUnavailable` once `stop` is set or the monotonic `deadline` has passed; any other
        error is raised at once."""
        delay = self.base
        loop = asyncio.get_running_loop()
        while True:
            try:
                result = await loop.run_in_executor(executor, work)
            except Exception as exc:
                if not is_transient(exc):
                    raise
                self._lost(what, exc)
                wait = delay * (0.5 + 0.5 * random.random())
                if deadline is not None:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise DatabaseUnavailable(what) from exc
                    wait = min(wait, left)
                if stop is not None and stop.is_set():
                    raise DatabaseUnavailable(what) from exc
                await _sleep(wait, stop)
                if stop is not None and stop.is_set():
                    raise DatabaseUnavailable(what) from exc
                delay = min(delay * 2, self.cap)
                continue
            self._back()
            return result

    def _lost(self, what: str, exc: BaseException) -> None:
        if self._lost_at is not None:
            return
        self._lost_at = time.monotonic()
        self.outages += 1
        detail = describe_outage(exc)
        log.warning("database unreachable (%s): %s; retrying with backoff", what, detail)
        if self._on_lost is not None:
            self._on_lost(what, detail)

    def _back(self) -> None:
        if self._lost_at is None:
            return
        seconds = time.monotonic() - self._lost_at
        self._lost_at = None
        log.warning("database reachable again after %.1f s", seconds)
        if self._on_back is not None:
            self._on_back(seconds)


async def _sleep(seconds: float, stop: asyncio.Event | None) -> None:
    if stop is None:
        await asyncio.sleep(seconds)
        return
    with suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
