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


async def test_a_long_message_wraps_inside_its_frame_and_loses_no_word() -> None:
    # The channel's own console soft-wraps (the operator's notes are left to the terminal): a
    # frame must still wrap its lines, or the end of each long line is cut off at the frame.
    buffer = io.StringIO()
    console = ConsoleChannel(
        Console(file=buffer, width=40, color_system=None, soft_wrap=True, highlight=False)
    )
    text = (
        "Tôi chưa biết tin nhắn này về nhiệm vụ nào. Để báo cáo, hãy trả lời (reply) vào tin nhắc "
        "của nhiệm vụ đó, hoặc gõ /baocao. Gõ /huongdan để xem các lệnh."
    )
    await console.send("p0001", OutgoingMessage(text))
    printed = buffer.getvalue()
    assert max(len(line) for line in printed.splitlines()) <= 40
    words = " ".join(line.strip("│ ") for line in printed.splitlines()[1:-1]).split()
    assert words == text.split()
