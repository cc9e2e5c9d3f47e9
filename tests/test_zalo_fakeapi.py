"""The Zalo flavour of the loopback Bot API fake (`tests.fakes.bot_api.ZaloBotApi`) speaks like Zalo."""

from __future__ import annotations

import httpx

from tests.fakes.bot_api import ZaloBotApi

TOKEN = "1459232241454765289:fake-zalo-secret"


def test_get_updates_serves_one_update_at_a_time_then_408() -> None:
    with ZaloBotApi(poll_wait=0.01) as api:
        first = api.queue_message("u1", "xin chào")
        api.queue_message("u2", "xong")
        url = f"{api.url}/bot{TOKEN}/getUpdates"
        one = httpx.post(url, json={"timeout": "1"}).json()
        assert one["ok"] is True and one["result"]["message"]["message_id"] == first
        assert one["result"]["event_name"] == "message.text.received"
        assert "update_id" not in one["result"]
        assert httpx.post(url, json={}).json()["result"]["message"]["text"] == "xong"
        empty = httpx.post(url, json={})
        assert empty.status_code == 408 and empty.json()["error_code"] == 408


def test_send_message_answers_a_zalo_message_id_and_refuses_long_text() -> None:
    with ZaloBotApi() as api:
        url = f"{api.url}/bot{TOKEN}/sendMessage"
        sent = httpx.post(url, json={"chat_id": "u1", "text": "Nhắc việc"}).json()
        assert sent["ok"] is True and isinstance(sent["result"]["message_id"], str)
        too_long = httpx.post(url, json={"chat_id": "u1", "text": "x" * 2001})
        assert too_long.status_code == 400 and not too_long.json()["ok"]
        assert [call.params["text"] for call in api.delivered()] == ["Nhắc việc"]
