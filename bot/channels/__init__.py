"""Chat platforms the bot sends on: one small interface, one module per platform.

A channel only delivers a message to a chat; what to say, to whom and when is the outbox's.
"""

from bot.channels.base import (
    Button,
    Channel,
    ChannelError,
    OutgoingMessage,
    ParseMode,
    PermanentSendError,
    SentMessage,
    TransientSendError,
)

__all__ = [
    "Button",
    "Channel",
    "ChannelError",
    "OutgoingMessage",
    "ParseMode",
    "PermanentSendError",
    "SentMessage",
    "TransientSendError",
]
