"""The channel interface every platform implements (Telegram, Zalo, the console).

It is deliberately small so that Zalo fits it: no buttons there, 2000 characters per message,
one-to-one chats. A channel that cannot show buttons gets the same message; the renderer then
writes the choices as numbered lines instead (see `bot.outbox.render`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, runtime_checkable


class ParseMode(StrEnum):
    TEXT = "text"
    HTML = "html"
    """Telegram's HTML subset; every user or plan text inside it must be escaped."""


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    callback_data: str
    """At most 64 bytes (Telegram's limit); the receiver must not trust it."""


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    text: str
    parse_mode: ParseMode = ParseMode.TEXT
    buttons: Sequence[Sequence[Button]] = field(default_factory=tuple)
    """Rows of buttons; ignored by channels that have none."""


@dataclass(frozen=True, slots=True)
class SentMessage:
    message_id: str
    """The platform's id of the (last part of the) message, kept on the outbox row."""


class ChannelError(Exception):
    """A send did not go through."""


class TransientSendError(ChannelError):
    """Try again later: network trouble, a timeout, a 5xx, or flood control (`retry_after`)."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class PermanentSendError(ChannelError):
    """Trying again cannot help: the bot is blocked, the chat is gone, the request is invalid."""

    def __init__(self, reason: str, *, chat_unreachable: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.chat_unreachable = chat_unreachable
        """True when the chat itself is unusable (blocked, deleted): its binding gets blocked_at."""


@runtime_checkable
class Channel(Protocol):
    @property
    def name(self) -> str:
        """`telegram`, `zalo`, `console`: the value of `chat_bindings.channel`."""
        ...

    @property
    def max_length(self) -> int:
        """Characters per message; longer text is split (`bot.channels.splitting`)."""
        ...

    @property
    def supports_buttons(self) -> bool: ...

    async def start(self) -> None:
        """Connect and check the credentials; raises ChannelError with a readable reason."""
        ...

    async def send(self, chat_id: str, message: OutgoingMessage) -> SentMessage: ...

    async def close(self) -> None: ...
