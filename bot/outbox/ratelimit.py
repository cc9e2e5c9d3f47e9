"""Flood control on our side, so that the platform never has to answer 429.

Why our own gates rather than PTB's `AIORateLimiter`: that limiter (aiolimiter's leaky bucket)
counts a message when its request *starts*, so two requests started 1 s apart can reach the
server less than 1 s apart (connection set-up, a busy event loop) and get a 429 at full speed,
unless the rate is set well below the limit; and it retries 429s inside `send_message`, hidden
from the outbox, while the row's lease runs. Here a slot is taken when a send starts and given
back one period after the platform *answered*. The server handled the message before it
answered, so a send that starts after a slot is free can never arrive early: no 429 whatever
the jitter, at a cost of one round trip per period. Measured with `benchmarks/dispatch.py
--ptb-limiter` (3,000 reminders to 300 chats, loopback fake enforcing 30/s and 1/s per chat):
these gates 29.7 messages/s and no 429; `AIORateLimiter` 25.1/s and 617 answers 429.

`FloodControl` keeps the gates in this process. Several processes sending with one token share
them through PostgreSQL (`bot.outbox.shared_limits`, the same rules on slots kept in a table);
both are a `FloodGate` to the dispatcher.
"""

from __future__ import annotations

import asyncio
import bisect
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class RateLimits:
    """A platform's limits; 0 switches one off."""

    per_second: int = 0
    """Messages in any 1-second window, over all chats."""
    chat_interval: float = 0.0
    """Seconds between two messages to one chat."""
    group_per_minute: int = 0
    """Messages in any 60-second window to one group chat (negative chat id on Telegram)."""

    @classmethod
    def telegram(cls) -> RateLimits:
        return cls(per_second=30, chat_interval=1.0, group_per_minute=20)

    @property
    def unlimited(self) -> bool:
        return not (self.per_second or self.chat_interval or self.group_per_minute)


class FloodGate(Protocol):
    """What the dispatcher needs of a channel's flood control."""

    def slot(self, chat_id: str) -> AbstractAsyncContextManager[None]:
        """Hold the right to send one message to `chat_id` for the duration of the block."""
        ...

    def pause(self, seconds: float) -> None:
        """The platform answered 429 with `retry_after`: no new message starts for `seconds`."""
        ...


class Window:
    """At most `count` messages per `period` seconds, a slot held until `period` after the answer."""

    def __init__(self, count: int, period: float) -> None:
        self.count = count
        self.period = period
        self._in_flight = 0
        self._frees: list[float] = []  # monotonic moments when held slots become free, sorted
        self._paused_until = 0.0
        self._changed = asyncio.Condition()

    @property
    def idle(self) -> bool:
        return self._in_flight == 0 and not self._frees

    def pause(self, seconds: float) -> None:
        """Flood control from the platform: no new message starts for `seconds`."""
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    async def acquire(self) -> None:
        async with self._changed:
            while True:
                now = time.monotonic()
                del self._frees[: bisect.bisect_right(self._frees, now)]
                if now >= self._paused_until and self._in_flight + len(self._frees) < self.count:
                    self._in_flight += 1
                    return
                first_free = self._frees[0] if self._frees else None
                moments = [m for m in (first_free, self._paused_until) if m]
                later = [m - now for m in moments if m > now]
                timeout = min(later) if later else None
                with suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), timeout)

    async def release(self, answered_at: float) -> None:
        async with self._changed:
            self._in_flight -= 1
            bisect.insort(self._frees, answered_at + self.period)
            self._changed.notify_all()


class FloodControl:
    """The gates of one channel: overall, per chat, per group chat."""

    def __init__(self, limits: RateLimits) -> None:
        self.limits = limits
        # Always there, even without a rate: the platform's flood-control pause applies to it.
        self._overall = Window(limits.per_second or 1_000_000, 1.0)
        self._chats: dict[str, Window] = {}
        self._groups: dict[str, Window] = {}

    def pause(self, seconds: float) -> None:
        self._overall.pause(seconds)

    def gates(self, chat_id: str) -> list[Window]:
        """The windows a message to `chat_id` passes, in the order they are taken."""
        return self._gates(chat_id)

    def _gates(self, chat_id: str) -> list[Window]:
        gates: list[Window] = []
        if self.limits.group_per_minute and chat_id.startswith("-"):
            gates.append(self._window(self._groups, chat_id, self.limits.group_per_minute, 60.0))
        if self.limits.chat_interval:
            gates.append(self._window(self._chats, chat_id, 1, self.limits.chat_interval))
        gates.append(self._overall)  # last: never hold an overall slot while a chat is busy
        return gates

    @staticmethod
    def _window(windows: dict[str, Window], chat_id: str, count: int, period: float) -> Window:
        window = windows.get(chat_id)
        if window is None:
            if len(windows) > 10_000:
                for key in [key for key, old in windows.items() if old.idle]:
                    del windows[key]
            window = windows[chat_id] = Window(count, period)
        return window

    @asynccontextmanager
    async def slot(self, chat_id: str) -> AsyncIterator[None]:
        """Hold the right to send one message to `chat_id` for the duration of the block."""
        held: list[Window] = []
        try:
            for gate in self._gates(chat_id):
                await gate.acquire()
                held.append(gate)
            yield
        finally:
            answered = time.monotonic()
            for gate in held:
                await gate.release(answered)
