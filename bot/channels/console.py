"""The console channel: messages printed in the terminal, for trying the bot without a platform.

Each message is framed with whom it is for (their name once the console receiver has read the
directory); what the operator types is read by `bot.channels.console_receive`.
"""

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
        self.names: dict[str, str] = {}
        """Chat id → the person's name, shown in the frame's title."""
        self.speaker: str | None = None
        """The chat the operator talks as: its frames say «you»."""

    def note(self, text: str) -> None:
        """A line for the operator (not a chat message): who they are, how to talk."""
        self._console.print(text, markup=False)

    def _title(self, chat_id: str) -> str:
        name = self.names.get(chat_id)
        title = f"→ {name} ({chat_id})" if name else f"→ {chat_id}"
        return f"{title} ★" if chat_id == self.speaker else title

    def _frame(self, text: str, chat_id: str) -> None:
        # Operator notes are soft-wrapped by the terminal, but a frame must wrap its own lines:
        # soft-wrapped, a long line is cut at the frame's edge and the rest of the message is lost.
        frame = Panel(text, title=self._title(chat_id), title_align="left", expand=False)
        self._console.print(frame, markup=False, soft_wrap=False)

    async def start(self) -> None:
        return None

    async def send(self, chat_id: str, message: OutgoingMessage) -> SentMessage:
        text = message.text
        if message.parse_mode is ParseMode.HTML:
            text = html.unescape(_TAG.sub("", text))
        message_id = str(next(self._ids))
        self._frame(text, chat_id)
        return SentMessage(message_id)

    async def send_file(self, chat_id: str, file: OutgoingFile) -> SentMessage:
        """A terminal shows no picture or workbook: it says what was sent and how big it is."""
        message_id = str(next(self._ids))
        size = f"{len(file.data) / 1024:.0f} KB" if len(file.data) >= 1024 else f"{len(file.data)} B"
        line = f"[{file.kind}: {file.name}, {size}]" + (f" {file.caption}" if file.caption else "")
        self._frame(line, chat_id)
        return SentMessage(message_id)

    async def answer_callback(self, callback_id: str, text: str | None = None) -> None:
        return None  # no buttons to press in a terminal

    async def remove_buttons(self, chat_id: str, message_id: str) -> None:
        return None

    async def close(self) -> None:
        return None
