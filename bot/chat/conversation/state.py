"""What the conversation remembers between two messages of one chat, and the flood gate.

Both live in memory, per process (the bot receives each channel in one process: one poller or
one webhook). A restart forgets an unfinished `/baocao` or an unanswered question: the person
types the command again. Nothing is recorded before the last step, so nothing is half-written;
a step interrupted by a command keeps what was already chosen (`steps.interrupt` files it).
A table for it (channel, chat_id, step JSON, expires_at) would survive restarts; not needed yet.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum

from bot.channels.events import Attachment
from bot.db.models import TaskStatus
from bot.understand import Understanding

STEP_TIMEOUT = dt.timedelta(minutes=30)


class StepKind(StrEnum):
    PICK_TASK = "pick_task"
    PICK_STATUS = "pick_status"
    PERCENT = "percent"
    NOTE = "note"
    REASON = "reason"
    CLARIFY = "clarify"
    """An unsure reply: which status did the person mean?"""
    CONFIRM_TASK = "confirm_task"
    """Free text not replying to anything: is it about this task?"""
    SNOOZE_WHICH = "snooze_which"
    SNOOZE_LENGTH = "snooze_length"
    CONFIRM_DONE = "confirm_done"
    """A completion read from words but not for sure: «Xác nhận hoàn thành?»"""
    ITEM_ACTION = "item_action"
    """One item of a check-in, picked by its number: which of its choices?"""


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str


@dataclass(slots=True)
class Step:
    """One open question. Its `token` is in the buttons' data, so a button of an older
    question cannot answer this one."""

    kind: StepKind
    expires: dt.datetime
    choices: tuple[Choice, ...] = ()
    token: str = field(default_factory=lambda: secrets.token_hex(3))
    task_id: int | None = None
    outbox_id: int | None = None
    status: TaskStatus | None = None
    percent: int | None = None
    note: str | None = None
    text: str | None = None
    """The person's words waiting for a task or a status (CONFIRM_TASK, CLARIFY)."""
    message_id: str | None = None
    """The message the update will cite as its source."""
    attachments: tuple[Attachment, ...] = ()
    reading: Understanding | None = None
    """What the person said before the task was known (`/baocao`, then «xong»): filed once a task
    is picked."""
    task_ids: tuple[int, ...] = ()
    """Every task `/baocao` offers (or found by words), in order; `choices` is one page of them."""
    page: int = 0
    query: str | None = None
    """The words the tasks were found by."""


class Steps:
    """The open question of each (channel, chat); thread-safe."""

    def __init__(self, timeout: dt.timedelta = STEP_TIMEOUT) -> None:
        self.timeout = timeout
        self._steps: dict[tuple[str, str], Step] = {}
        self._lock = threading.Lock()

    def get(self, channel: str, chat_id: str, now: dt.datetime) -> Step | None:
        with self._lock:
            step = self._steps.get((channel, chat_id))
            if step is not None and step.expires <= now:
                del self._steps[(channel, chat_id)]
                return None
            return step

    def put(self, channel: str, chat_id: str, step: Step) -> None:
        with self._lock:
            self._steps[(channel, chat_id)] = step

    def clear(self, channel: str, chat_id: str) -> Step | None:
        with self._lock:
            return self._steps.pop((channel, chat_id), None)


class Verdict(StrEnum):
    PASS = "pass"
    WARN = "warn"
    """Over the limit for the first time in this window: say «chậm lại» once."""
    DROP = "drop"


class FloodGate:
    """At most `limit` messages per chat in `window`; beyond it, one warning, then silence."""

    def __init__(self, limit: int = 20, window: dt.timedelta = dt.timedelta(minutes=1)) -> None:
        self.limit = limit
        self.window = window
        self._seen: dict[tuple[str, str], deque[dt.datetime]] = {}
        self._warned: dict[tuple[str, str], dt.datetime] = {}
        self._lock = threading.Lock()

    def check(self, channel: str, chat_id: str, now: dt.datetime) -> Verdict:
        key = (channel, chat_id)
        with self._lock:
            seen = self._seen.setdefault(key, deque())
            while seen and seen[0] <= now - self.window:
                seen.popleft()
            if len(seen) < self.limit:
                seen.append(now)
                self._warned.pop(key, None)
                return Verdict.PASS
            if key in self._warned and self._warned[key] > now - self.window:
                return Verdict.DROP
            self._warned[key] = now
            return Verdict.WARN
