"""The Zalo client over real HTTP against the loopback fake: sending, splitting, errors, updates."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest

from bot.channels.base import (
    Channel,
    ChannelError,
    OutgoingMessage,
    ParseMode,
    PermanentSendError,
    TransientSendError,
)
from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_receive import to_event, updates_in
from tests.fakes.bot_api import ZaloBotApi

TOKEN = "1459232241454765289:fake-zalo-secret"
RECEIVED = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)
"""When the engine received the update (its clock stamps events; the platform's date is not read)."""


@pytest.fixture
async def zalo() -> AsyncIterator[tuple[ZaloBotApi, ZaloChannel]]:
    with ZaloBotApi(token=TOKEN, poll_wait=0.05) as api:
        channel = ZaloChannel(TOKEN, api.url, timeout=2.0)
        yield api, channel
        await channel.close()


async def test_it_is_a_channel_without_buttons_and_2000_characters(
    zalo: tuple[ZaloBotApi, ZaloChannel],
) -> None:
    _, channel = zalo
    assert isinstance(channel, Channel)
    assert (channel.name, channel.max_length, channel.supports_buttons) == ("zalo", 2000, False)


async def test_start_checks_the_token_and_never_shows_it(zalo: tuple[ZaloBotApi, ZaloChannel]) -> None:
    api, channel = zalo
    await channel.start()
    assert [call.method for call in api.calls] == ["getMe"]
    wrong = ZaloChannel("999:wrong-token-value", api.url, timeout=2.0)
    with pytest.raises(ChannelError) as refused:
        await wrong.start(attempts=1)
    await wrong.close()
    assert "Unauthorized" in str(refused.value)
    assert "wrong-token-value" not in str(refused.value)


async def test_start_retries_a_platform_hiccup(zalo: tuple[ZaloBotApi, ZaloChannel]) -> None:
    api, channel = zalo
    api.fail_next(1, "500")
    await channel.start(attempts=3)
    assert [call.status for call in api.calls_to("getMe")] == [500, 200]


async def test_long_text_is_split_on_line_boundaries(zalo: tuple[ZaloBotApi, ZaloChannel]) -> None:
    api, channel = zalo
    lines = [f"{n:03d}. Nhiệm vụ số {n} của Sở Kế hoạch và Đầu tư — hạn 30/6/2017" for n in range(70)]
    text = "\n".join(lines)
    assert len(text) > 2 * 2000
    sent = await channel.send("u1", OutgoingMessage(text))
    parts = [str(call.params["text"]) for call in api.delivered()]
    assert len(parts) == 3
    assert all(0 < len(part) <= 2000 for part in parts)
    assert "".join(parts) == text
    assert all(part.endswith("\n") for part in parts[:-1])  # every cut falls between two lines
    assert sent.message_id == api.delivered()[-1].result["message_id"]


async def test_html_is_sent_as_plain_text(zalo: tuple[ZaloBotApi, ZaloChannel]) -> None:
    api, channel = zalo
    await channel.send("u1", OutgoingMessage("<b>Hạn</b>: 30/6 &amp; báo cáo", ParseMode.HTML))
    assert api.delivered()[0].params["text"] == "Hạn: 30/6 & báo cáo"
    assert api.delivered()[0].params["chat_id"] == "u1"


@pytest.mark.parametrize(
    ("setup", "kind", "unreachable"),
    [
        (lambda api: api.fail_next(1, "429", retry_after=3), TransientSendError, None),
        (lambda api: api.fail_next(1, "500"), TransientSendError, None),
        (lambda api: api.block_chat("u1"), PermanentSendError, True),
        (lambda api: api.remove_chat("u1"), PermanentSendError, True),
    ],
    ids=["flood", "server-error", "blocked", "no-such-chat"],
)
async def test_errors_are_transient_or_permanent(
    zalo: tuple[ZaloBotApi, ZaloChannel], setup: object, kind: type[Exception], unreachable: bool | None
) -> None:
    api, channel = zalo
    assert callable(setup)
    setup(api)
    with pytest.raises(kind) as raised:
        await channel.send("u1", OutgoingMessage("Nhắc việc"))
    error = raised.value
    assert TOKEN not in str(error)
    if isinstance(error, PermanentSendError):
        assert error.chat_unreachable is unreachable
    if isinstance(error, TransientSendError) and "429" in error.reason:
        assert error.retry_after == 3


async def test_an_empty_text_is_permanent_but_keeps_the_chat(zalo: tuple[ZaloBotApi, ZaloChannel]) -> None:
    _, channel = zalo
    with pytest.raises(PermanentSendError) as raised:
        await channel.send("u1", OutgoingMessage("   "))
    assert raised.value.chat_unreachable is False


async def test_no_answer_is_transient_and_hides_the_token() -> None:
    with ZaloBotApi(hang_seconds=3) as api:
        channel = ZaloChannel(TOKEN, api.url, timeout=0.5)
        api.fail_next(1, "hang")
        with pytest.raises(TransientSendError) as slow:
            await channel.send("u1", OutgoingMessage("Nhắc việc"))
        url = api.url
        await channel.close()
    assert "no answer" in slow.value.reason
    gone = ZaloChannel(TOKEN, url, timeout=0.5)  # the server is stopped: connection refused
    with pytest.raises(TransientSendError) as refused:
        await gone.send("u1", OutgoingMessage("Nhắc việc"))
    await gone.close()
    assert TOKEN not in refused.value.reason and "network error" in refused.value.reason


async def test_get_updates_reads_one_update_a_list_or_nothing(zalo: tuple[ZaloBotApi, ZaloChannel]) -> None:
    api, channel = zalo
    assert updates_in(await channel.get_updates(timeout=1)) == []  # 408: nothing came
    api.queue_message("u1", "xong")
    assert [u["message"]["text"] for u in updates_in(await channel.get_updates(timeout=1))] == ["xong"]
    api.updates_as_list = True
    api.queue_message("u1", "một")
    api.queue_message("u2", "hai")
    assert [u["message"]["text"] for u in updates_in(await channel.get_updates(timeout=1))] == ["một", "hai"]


def test_a_text_update_becomes_an_event() -> None:
    update = {
        "event_name": "message.text.received",
        "message": {
            "message_id": "16f6366b3f02645a3d15",
            "from": {"id": "e4ea2cd5189df1c3a88c", "display_name": "Nguyễn Văn A"},
            "chat": {"id": "e4ea2cd5189df1c3a88c", "chat_type": "PRIVATE"},
            "date": 1766619597466,
            "text": "đang làm 60%",
        },
    }
    event = to_event(update, now=RECEIVED)
    assert event is not None
    assert (event.channel, event.chat_id, event.message_id) == (
        "zalo",
        "e4ea2cd5189df1c3a88c",
        "16f6366b3f02645a3d15",
    )
    assert (event.user_id, event.display_name, event.text) == (
        "e4ea2cd5189df1c3a88c",
        "Nguyễn Văn A",
        "đang làm 60%",
    )
    assert event.received_at == RECEIVED  # the engine's clock, not the platform's date
    assert event.is_group is False and event.callback_data is None


def test_a_photo_with_caption_and_other_name_fields() -> None:
    event = to_event(
        {
            "event_name": "message.image.received",
            "message": {
                "message_id": "m2",
                "from": {"id": "u9", "name": "Lê B"},
                "chat": {"id": "g1", "chat_type": "GROUP"},
                "date": 1766619597,
                "photo": "https://zalo.example/p.jpg",
                "caption": "đã nộp báo cáo tháng 11",
            },
        },
        now=RECEIVED,
    )
    assert event is not None
    assert event.text == "đã nộp báo cáo tháng 11" and event.display_name == "Lê B"
    assert [(a.kind, a.file_id) for a in event.attachments] == [("photo", "https://zalo.example/p.jpg")]
    assert event.is_group is True and event.chat_id == "g1"
    assert event.received_at == RECEIVED


def test_what_carries_no_message_is_skipped() -> None:
    assert to_event({"event_name": "user.follow"}, now=RECEIVED) is None
    assert to_event({"message": {"message_id": "x", "text": "hi"}}, now=RECEIVED) is None  # no chat
    assert updates_in(None) == [] and updates_in({"something": 1}) == []
