"""What crosses between a chat platform and the conversation: one event in, replies out.

Channel adapters (Telegram, Zalo, console) turn a platform update into an `IncomingEvent`, hand it
to `Conversation.handle` (`bot.chat.conversation`), and deliver the `Reply` objects it returns
through their `Channel`. Nothing platform-specific goes past this line, so the rules (who may do
what, what a reply means) are written once and tested without a network.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from bot.channels.base import OutgoingFile, OutgoingMessage

__all__ = ["Attachment", "Conversation", "IncomingEvent", "OutgoingFile", "Reply", "SourceMessage"]


@dataclass(frozen=True, slots=True)
class SourceMessage:
    channel: str
    """`telegram`, `zalo`, `console`: becomes the update's `source`."""
    chat_id: str
    message_id: str

    def reference(self) -> str:
        return f"{self.channel}:{self.chat_id}:{self.message_id}"


@dataclass(frozen=True, slots=True)
class Attachment:
    kind: str
    """`document` or `photo`."""
    file_id: str
    """The platform's file id (fetch it again through the channel's API)."""
    file_name: str | None = None


@dataclass(frozen=True, slots=True)
class IncomingEvent:
    channel: str
    """`telegram`, `zalo` or `console` (the value of `chat_bindings.channel`)."""
    chat_id: str
    message_id: str
    """The platform's id of the message (or of the message a pressed button belongs to)."""
    received_at: dt.datetime
    """Timezone-aware."""
    user_id: str | None = None
    display_name: str | None = None
    text: str | None = None
    """The message text or a document/photo caption; None for a button press."""
    reply_to_message_id: str | None = None
    """Set when the person replied to one of the bot's messages (e.g. a reminder)."""
    callback_data: str | None = None
    """A pressed button's data (Telegram); never trusted: checked against the database."""
    callback_id: str | None = None
    """Telegram's callback query id, to answer the press (stops the spinner)."""
    attachments: tuple[Attachment, ...] = ()
    is_group: bool = False
    delivery_id: str | None = None
    """Set where the platform may deliver this update again (Telegram, until a later poll
    confirms it: `<bot id>:<update_id>`), so that a second delivery is recognised; None where it
    never does."""


@dataclass(frozen=True, slots=True)
class Reply:
    message: OutgoingMessage
    chat_id: str | None = None
    """None: the chat the event came from."""
    reply_to_message_id: str | None = None
    answer_callback: str | None = None
    """For a button press: the short notice shown to the person (Telegram answerCallbackQuery)."""
    edit_buttons_of: str | None = None
    """A message id whose buttons should be removed (a reminder already answered)."""
    files: tuple[OutgoingFile, ...] = ()
    """Sent after the text, on channels that can (`supports_files`); a reply whose text is empty
    only answers the press, removes buttons and sends its files."""
    after_send: Callable[[str], Awaitable[None]] | None = field(default=None, compare=False)
    """Called with the platform's id of the message once it is sent: the conversation keeps it, so
    that a later reply quoting the message finds what it showed (a `/viec` listing's numbers)."""


class Conversation(Protocol):
    async def handle(self, event: IncomingEvent) -> list[Reply]: ...
