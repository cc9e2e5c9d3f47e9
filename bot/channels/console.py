"""The console channel: messages printed in the terminal, for trying the bot without a platform."""

from __future__ import annotations

import html
import itertools
import re

from rich.console import Console
from rich.panel import Panel

from bot.channels.base import OutgoingFile, OutgoingMessage, ParseMode, SentMessage

_TAG = re.compile(r"<[^>]+>")


class ConsoleChannel:
    """Prints each message in a frame with the chat it was meant for. Never fails."""

    name = "console"
    max_length = 4096
    supports_buttons = False
    supports_files = True

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

    async def send_file(self, chat_id: str, file: OutgoingFile) -> SentMessage:
        """A terminal shows no picture or workbook: it says what was sent and how big it is."""
        message_id = str(next(self._ids))
        size = f"{len(file.data) / 1024:.0f} KB" if len(file.data) >= 1024 else f"{len(file.data)} B"
        line = f"[{file.kind}: {file.name}, {size}]" + (f" {file.caption}" if file.caption else "")
        self._console.print(Panel(line, title=f"→ {chat_id}", title_align="left", expand=False), markup=False)
        return SentMessage(message_id)

    async def answer_callback(self, callback_id: str, text: str | None = None) -> None:
        return None  # no buttons to press in a terminal

    async def remove_buttons(self, chat_id: str, message_id: str) -> None:
        return None

    async def close(self) -> None:
        return None
