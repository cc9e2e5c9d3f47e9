"""The Telegram channel against the loopback fake Bot API: what it sends, how failures map."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

import pytest

from bot.channels import redact
from bot.channels.base import (
    Button,
    ChannelError,
    OutgoingMessage,
    ParseMode,
    PermanentSendError,
    TransientSendError,
)
from bot.channels.telegram import TelegramChannel
from tests.fakes import FakeBotApi

TOKEN = "123456:TEST-token_abc"


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN, hang_seconds=4.0) as server:
        yield server


@pytest.fixture
async def channel(api: FakeBotApi) -> AsyncIterator[TelegramChannel]:
    telegram = TelegramChannel(TOKEN, api.url, timeout=2.0)
    await telegram.start()
    yield telegram
    await telegram.close()


BUTTONS = ((Button("Hoàn thành", "r:7:done"), Button("Vướng mắc", "r:7:blocked")),)


async def test_start_checks_the_token_with_get_me(api: FakeBotApi, channel: TelegramChannel) -> None:
    assert [call.method for call in api.calls] == ["getMe"]
    assert api.calls[0].token == TOKEN


async def test_a_wrong_token_fails_at_start_with_a_reason(api: FakeBotApi) -> None:
    telegram = TelegramChannel("999:WRONG", api.url, timeout=2.0)
    with pytest.raises(ChannelError, match="Telegram"):
        await telegram.start()


async def test_sends_html_with_inline_buttons(api: FakeBotApi, channel: TelegramChannel) -> None:
    sent = await channel.send("4242", OutgoingMessage("<b>Hạn</b>: 30/06/2017", ParseMode.HTML, BUTTONS))
    (call,) = api.delivered()
    assert call.chat_id == "4242"
    assert call.params["parse_mode"] == "HTML"
    assert call.params["text"] == "<b>Hạn</b>: 30/06/2017"
    keyboard = call.params["reply_markup"]["inline_keyboard"]
    assert [[b["callback_data"] for b in row] for row in keyboard] == [["r:7:done", "r:7:blocked"]]
    assert sent.message_id == str(call.result["message_id"])


async def test_a_long_message_goes_in_parts_with_the_buttons_on_the_last(
    api: FakeBotApi, channel: TelegramChannel
) -> None:
    text = "\n".join(f"Dòng {i} " + "x" * 90 for i in range(80))  # about 8,000 characters
    sent = await channel.send("1", OutgoingMessage(text, ParseMode.TEXT, BUTTONS))
    calls = api.delivered()
    assert len(calls) == 2
    assert all(len(call.params["text"]) <= 4096 for call in calls)
    assert "reply_markup" not in calls[0].params
    assert calls[1].params["reply_markup"]["inline_keyboard"]
    assert sent.message_id == str(calls[1].result["message_id"])


async def test_flood_control_is_transient_with_retry_after(api: FakeBotApi, channel: TelegramChannel) -> None:
    api.fail_next(1, "429", retry_after=7)
    with pytest.raises(TransientSendError) as caught:
        await channel.send("1", OutgoingMessage("x"))
    assert caught.value.retry_after == 7


async def test_a_server_error_is_transient(api: FakeBotApi, channel: TelegramChannel) -> None:
    api.fail_next(1, "500")
    with pytest.raises(TransientSendError) as caught:
        await channel.send("1", OutgoingMessage("x"))
    assert caught.value.retry_after is None


async def test_a_timeout_is_transient(api: FakeBotApi, channel: TelegramChannel) -> None:
    api.fail_next(1, "hang")
    with pytest.raises(TransientSendError, match="Telegram"):
        await channel.send("1", OutgoingMessage("x"))


async def test_a_blocked_bot_is_permanent_and_the_chat_unreachable(
    api: FakeBotApi, channel: TelegramChannel
) -> None:
    api.block_chat("55")
    with pytest.raises(PermanentSendError) as caught:
        await channel.send("55", OutgoingMessage("x"))
    assert caught.value.chat_unreachable
    assert "blocked" in caught.value.reason


async def test_a_missing_chat_is_permanent_and_unreachable(api: FakeBotApi, channel: TelegramChannel) -> None:
    api.remove_chat("56")
    with pytest.raises(PermanentSendError) as caught:
        await channel.send("56", OutgoingMessage("x"))
    assert caught.value.chat_unreachable
    assert "chat not found" in caught.value.reason.lower()


async def test_tokens_never_reach_the_log(
    api: FakeBotApi, channel: TelegramChannel, caplog: pytest.LogCaptureFixture
) -> None:
    token_filter = redact.TokenFilter([TOKEN])
    caplog.handler.addFilter(token_filter)
    try:
        with caplog.at_level(logging.DEBUG):
            await channel.send("1", OutgoingMessage("x"))
            logging.getLogger("test").info("calling %s", f"{api.url}/bot{TOKEN}/sendMessage")
    finally:
        caplog.handler.removeFilter(token_filter)
    assert caplog.records, "httpx/PTB logged nothing at DEBUG"
    assert any("/bot***/sendMessage" in r.getMessage() for r in caplog.records)
    assert all(TOKEN not in r.getMessage() and "TEST-token" not in r.getMessage() for r in caplog.records)


async def test_a_platform_hiccup_at_start_is_retried(api: FakeBotApi) -> None:
    api.fail_next(1, "500")
    api.fail_next(1, "429", retry_after=1)
    telegram = TelegramChannel(TOKEN, api.url, timeout=2.0)
    await telegram.start(attempts=3)
    await telegram.close()
    assert [call.status for call in api.calls_to("getMe")] == [500, 429, 200]


async def test_a_platform_hiccup_at_start_is_transient_not_the_token(api: FakeBotApi) -> None:
    """One attempt (the engine's): the caller is told to wait, with the platform's retry_after."""
    api.fail_next(1, "429", retry_after=3)
    api.fail_next(1, "500")
    telegram = TelegramChannel(TOKEN, api.url, timeout=2.0)
    with pytest.raises(TransientSendError) as flood:
        await telegram.start()
    assert flood.value.retry_after == 3
    with pytest.raises(TransientSendError) as down:
        await telegram.start()
    assert "Unauthorized" not in down.value.reason
    await telegram.start()
    await telegram.close()
