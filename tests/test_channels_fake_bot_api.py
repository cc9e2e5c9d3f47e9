"""The loopback fake Bot API itself (tests/fakes/bot_api.py), as other tests rely on it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from telegram import Bot

from tests.fakes import FakeBotApi, Limits

TOKEN = "5:FAKE"


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as server:
        yield server


def test_json_bodies_as_zalo_style_clients_send_them_and_unknown_methods(api: FakeBotApi) -> None:
    with httpx.Client(base_url=f"{api.url}/bot{TOKEN}") as client:
        answer = client.post("/sendMessage", json={"chat_id": "abc-user", "text": "Xin chào"}).json()
        missing = client.post("/sendPhotoNope", json={})
    assert answer["ok"] and answer["result"]["text"] == "Xin chào"
    assert missing.status_code == 404 and missing.json()["ok"] is False
    (call,) = api.delivered()
    assert (call.token, call.chat_id, call.params["text"]) == (TOKEN, "abc-user", "Xin chào")


async def test_get_updates_serves_queued_updates_from_the_offset(api: FakeBotApi) -> None:
    first = api.queue_update(
        {"message": {"message_id": 1, "date": 0, "chat": {"id": 9, "type": "private"}, "text": "xong"}}
    )
    api.queue_update(
        {
            "callback_query": {
                "id": "cb1",
                "from": {"id": 9, "is_bot": False, "first_name": "A"},
                "chat_instance": "x",
                "data": "r:1:done",
            }
        }
    )
    async with Bot(TOKEN, base_url=f"{api.url}/bot") as bot:
        updates = await bot.get_updates(timeout=0)
        assert [u.update_id for u in updates] == [first, first + 1]
        assert updates[0].message is not None and updates[0].message.text == "xong"
        assert updates[1].callback_query is not None and updates[1].callback_query.data == "r:1:done"
        assert [u.update_id for u in await bot.get_updates(offset=first + 1, timeout=0)] == [first + 1]
        assert await bot.get_updates(offset=first + 2, timeout=0) == ()
        assert await bot.answer_callback_query("cb1", text="Đã ghi nhận")
        assert await bot.set_webhook("https://example.org/hook", secret_token="s3cret")
        assert (await bot.get_webhook_info()).url == "https://example.org/hook"
        assert await bot.delete_webhook()
        edited = await bot.edit_message_reply_markup(chat_id=9, message_id=1)
        assert not isinstance(edited, bool) and edited.message_id == 1
    assert [c.method for c in api.calls][-4:] == [
        "setWebhook",
        "getWebhookInfo",
        "deleteWebhook",
        "editMessageReplyMarkup",
    ]


def test_telegram_limits_are_enforced_with_retry_after(api: FakeBotApi) -> None:
    api.limits = Limits(per_second=3, chat_interval=1.0)
    with httpx.Client(base_url=f"{api.url}/bot{TOKEN}") as client:
        same_chat = [client.post("/sendMessage", data={"chat_id": "1", "text": "x"}) for _ in range(2)]
        other_chats = [client.post("/sendMessage", data={"chat_id": str(c), "text": "x"}) for c in (2, 3, 4)]
    assert [r.status_code for r in same_chat] == [200, 429]
    assert same_chat[1].json()["parameters"]["retry_after"] == 1
    assert [r.status_code for r in other_chats] == [200, 200, 429]
    assert api.rejections(429) == 2 and len(api.delivered()) == 3


def test_group_chats_get_twenty_a_minute(api: FakeBotApi) -> None:
    api.limits = Limits(group_per_minute=2)
    with httpx.Client(base_url=f"{api.url}/bot{TOKEN}") as client:
        codes = [
            client.post("/sendMessage", data={"chat_id": "-100", "text": "x"}).status_code for _ in range(3)
        ]
    assert codes == [200, 200, 429]
