"""The Telegram channel's optional abilities against the fake Bot API: files, press answers,
removing buttons (and how their failures map)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from bot.channels.base import OutgoingFile, PermanentSendError
from bot.channels.telegram import TelegramChannel
from tests.fakes import FakeBotApi
from tests.fakes.bot_api import Upload

TOKEN = "123456:TEST-token_abc"


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN) as server:
        yield server


@pytest.fixture
async def channel(api: FakeBotApi) -> AsyncIterator[TelegramChannel]:
    telegram = TelegramChannel(TOKEN, api.url, timeout=3.0)
    await telegram.start()
    yield telegram
    await telegram.close()


async def test_a_document_is_uploaded_with_its_name_and_caption(
    api: FakeBotApi, channel: TelegramChannel
) -> None:
    sent = await channel.send_file(
        "42", OutgoingFile("document", "bang-tong-hop.xlsx", b"PK\x03\x04data", "Bảng")
    )
    (call,) = api.calls_to("sendDocument")
    upload = call.params["document"]
    assert isinstance(upload, Upload)
    assert (upload.filename, upload.data, call.params["caption"]) == (
        "bang-tong-hop.xlsx",
        b"PK\x03\x04data",
        "Bảng",
    )
    assert sent.message_id == str(call.result["message_id"])


async def test_a_file_to_a_chat_that_blocked_the_bot_is_a_permanent_failure(
    api: FakeBotApi, channel: TelegramChannel
) -> None:
    api.block_chat("43")
    with pytest.raises(PermanentSendError) as caught:
        await channel.send_file("43", OutgoingFile("photo", "chart.png", b"\x89PNG..."))
    assert caught.value.chat_unreachable


async def test_press_answers_are_cut_to_telegrams_limit(api: FakeBotApi, channel: TelegramChannel) -> None:
    await channel.answer_callback("cq-1", "x" * 300)
    (call,) = api.calls_to("answerCallbackQuery")
    assert call.params["callback_query_id"] == "cq-1" and len(call.params["text"]) == 200


async def test_removing_buttons_already_gone_is_no_error(api: FakeBotApi, channel: TelegramChannel) -> None:
    await channel.remove_buttons("42", "7")
    (call,) = api.calls_to("editMessageReplyMarkup")
    assert (call.params["chat_id"], call.params["message_id"]) == ("42", "7")
    original = api.handle

    def not_modified(token: str, method: str, params: dict[str, object]) -> tuple[int, dict[str, object]]:
        if method == "editMessageReplyMarkup":
            return 400, {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: message is not modified",
            }
        return original(token, method, params)

    api.handle = not_modified  # type: ignore[method-assign]
    await channel.remove_buttons("42", "7")
