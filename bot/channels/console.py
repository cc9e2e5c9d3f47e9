"""The console channel: messages printed in the terminal, for trying the bot without a platform."""

from __future__ import annotations

import html
import itertools
import re

from rich.console import Console
from rich.panel import Panel

from bot.channels.base import OutgoingMessage, ParseMode, SentMessage

_TAG = re.compile(r"<[^>]+>")


class ConsoleChannel:
    """Prints each message in a frame with the chat it was meant for. Never fails."""

    name = "console"
    max_length = 4096
    supports_buttons = False

    def __init__(self, console: Console | None = None) -> None:
        self._console = console or Console(highlight=False, soft_wrap=True)
        self._ids = itertools.count(1)

    async def start(self) -> None:
        return None

    async def send(self, chat_id: str, message: OutgoingMessage) -> SentMessage:
        text = message.text
        if message.parse_mode is ParseMode.HTML:
            text = html.unescape(_TAG.sub("", text))
        message_id = str(next(self._ids))
        self._console.print(Panel(text, title=f"→ {chat_id}", title_align="left", expand=False), markup=False)
        return SentMessage(message_id)

    async def close(self) -> None:
        return None
