"""The conversation's replies delivered on the console channel: no buttons (numbered choices),
files named with their size, presses and button removal quietly ignored."""

from __future__ import annotations

import io

from rich.console import Console

from bot.channels.base import OutgoingFile, OutgoingMessage, can_send_files
from bot.channels.console import ConsoleChannel
from bot.channels.events import Reply
from bot.channels.telegram_receive import deliver
from bot.chat.conversation.state import Choice
from bot.chat.conversation.turn import choice_message
from tests.test_conversation_office import event


def console() -> tuple[ConsoleChannel, io.StringIO]:
    buffer = io.StringIO()
    return ConsoleChannel(Console(file=buffer, width=100, highlight=False)), buffer


async def test_replies_and_files_are_printed_and_presses_ignored() -> None:
    channel, buffer = console()
    assert can_send_files(channel)
    question = choice_message(
        "Nhắc lại sau bao lâu?", "ab12", [Choice("1", "1 ngày"), Choice("3", "3 ngày")], False, "vi"
    )
    replies = [
        Reply(OutgoingMessage(""), answer_callback="Đã ghi nhận.", edit_buttons_of="5"),
        Reply(question),
        Reply(OutgoingMessage(""), files=(OutgoingFile("document", "digest-2026-11-20.xlsx", b"x" * 3000),)),
    ]
    await deliver(
        channel, event("p0001", callback_data="r:1:done", callback_id="cb", channel="console"), replies
    )
    printed = buffer.getvalue()
    assert "1. 1 ngày" in printed and "2. 3 ngày" in printed and "«1»" in printed
    assert "[document: digest-2026-11-20.xlsx, 3 KB]" in printed
    assert "Đã ghi nhận." not in printed  # a press notice belongs to a button, which the console has not
