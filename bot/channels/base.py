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


# --- Optional abilities ------------------------------------------------------------------------
# A channel has them when it says so (`supports_files`, `supports_buttons`) and implements the
# protocol below; Zalo and others need not. Callers check with `can_send_files` / `isinstance`.


@dataclass(frozen=True, slots=True)
class OutgoingFile:
    """A file sent after a message's text (the digest's chart and workbook)."""

    kind: str
    """`photo` or `document`."""
    name: str
    data: bytes
    caption: str | None = None


@runtime_checkable
class FileChannel(Protocol):
    supports_files: bool

    async def send_file(self, chat_id: str, file: OutgoingFile) -> SentMessage:
        """Raises TransientSendError / PermanentSendError like `send`."""
        ...


@runtime_checkable
class PressChannel(Protocol):
    """A channel whose buttons are pressed (Telegram): every press is answered."""

    async def answer_callback(self, callback_id: str, text: str | None = None) -> None:
        """Stop the spinner on the pressed button, showing `text` briefly (≤ 200 characters)."""
        ...

    async def remove_buttons(self, chat_id: str, message_id: str) -> None:
        """Take the buttons off a message already answered; a message without them is no error."""
        ...


def can_send_files(channel: object) -> bool:
    return isinstance(channel, FileChannel) and bool(getattr(channel, "supports_files", False))
