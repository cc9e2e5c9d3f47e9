"""The demo's channel when nobody watches the console: `nhacviec demo --json` prints each
message as a JSON line instead of a frame, and the tests read them."""

from __future__ import annotations

import itertools

from bot.channels.base import OutgoingMessage, SentMessage

CONSOLE_LIMIT = 4096
"""The console's own limit (`ConsoleChannel.max_length`): the demo's check-ins are cut to it."""


class QuietChannel:
    """Takes every message and prints nothing; `max_length` is the platform to play (Zalo 2000,
    Telegram 4096), so that the check-ins are cut as they would be there."""

    supports_buttons = False
    """Numbers to type, as on Zalo and the console."""

    def __init__(self, name: str = "console", max_length: int = CONSOLE_LIMIT) -> None:
        self.name = name
        self.max_length = max_length
        self._ids = itertools.count(1)

    async def start(self) -> None:
        return None

    async def send(self, chat_id: str, message: OutgoingMessage) -> SentMessage:
        return SentMessage(str(next(self._ids)))

    async def close(self) -> None:
        return None
