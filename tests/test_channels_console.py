"""The console channel prints what would have been sent, markup removed."""

from __future__ import annotations

import io

from rich.console import Console

from bot.channels.base import Channel, OutgoingMessage, ParseMode
from bot.channels.console import ConsoleChannel


async def test_prints_the_text_without_tags_for_the_chat() -> None:
    buffer = io.StringIO()
    console = ConsoleChannel(Console(file=buffer, width=100, color_system=None))
    assert isinstance(console, Channel)
    first = await console.send("p0001", OutgoingMessage("<b>Hạn</b>: 30/06 &amp; [bold]x[/]", ParseMode.HTML))
    second = await console.send("p0002", OutgoingMessage("Nhắc lại"))
    printed = buffer.getvalue()
    assert "→ p0001" in printed and "→ p0002" in printed
    assert "Hạn: 30/06 & [bold]x[/]" in printed
    assert "<b>" not in printed
    assert first.message_id != second.message_id
