"""The webhooks on the web application, over real HTTP (uvicorn on a loopback port): the secret
header (403), size limits (413), malformed requests (400, never a traceback), a receiver not
started yet (503), a client that hangs up midway; and a good call reaches the conversation."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from bot.channels.events import IncomingEvent, Reply
from bot.channels.receiving import MAX_BODY, Listening, Webhook
from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_receive import SECRET_HEADER, ZaloReceiver
from bot.clock import SimulatedClock
from bot.web.server import WebServer
from bot.web.webhooks import webhook_app

SECRET = "s3cret-webhook-token"
NOW = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)
HOOK = Listening(webhook=Webhook("https://bot.example.gov.vn/zalo/hook", SECRET, listen="127.0.0.1", port=0))


class Heard:
    """A conversation that notes what it hears and says nothing."""

    def __init__(self) -> None:
        self.events: list[IncomingEvent] = []

    async def handle(self, event: IncomingEvent) -> list[Reply]:
        self.events.append(event)
        return []


class QuietZalo(ZaloReceiver):
    """Zalo's receiver without the platform call that registers the webhook."""

    async def _set_webhook(self, channel: ZaloChannel, webhook: Webhook) -> None:
        return None


def update(chat: str, text: str) -> dict[str, Any]:
    return {
        "event_name": "message.text.received",
        "message": {"message_id": "m1", "from": {"id": chat}, "chat": {"id": chat}, "text": text},
    }


@pytest.fixture
async def served() -> AsyncIterator[tuple[str, QuietZalo, Heard, WebServer]]:
    heard = Heard()
    receiver = QuietZalo(heard, HOOK, clock=SimulatedClock(NOW))
    server = WebServer(webhook_app([receiver]), "127.0.0.1", 0)
    await server.start()
    yield f"http://127.0.0.1:{server.port}", receiver, heard, server
    await receiver.stop()
    await server.stop()


async def test_a_wrong_or_missing_secret_is_refused_before_anything_else(
    served: tuple[str, QuietZalo, Heard, WebServer],
) -> None:
    url, receiver, heard, _ = served
    await receiver.start({"zalo": ZaloChannel("123:abc", "http://127.0.0.1:9")})
    async with httpx.AsyncClient(base_url=url) as client:
        missing = await client.post("/zalo", json=update("a", "xin chào"))
        wrong = await client.post("/zalo", json=update("a", "xin chào"), headers={SECRET_HEADER: "guess"})
        huge_but_wrong = await client.post(
            "/zalo", content=b"x" * (MAX_BODY + 10), headers={SECRET_HEADER: "guess"}
        )
    assert [answer.status_code for answer in (missing, wrong, huge_but_wrong)] == [403, 403, 403]
    assert missing.json() == {"ok": False, "description": "Forbidden: wrong secret token"}
    await asyncio.sleep(0.1)
    assert heard.events == []


async def test_malformed_calls_get_a_clean_4xx(served: tuple[str, QuietZalo, Heard, WebServer]) -> None:
    url, receiver, heard, _ = served
    await receiver.start({"zalo": ZaloChannel("123:abc", "http://127.0.0.1:9")})
    headers = {SECRET_HEADER: SECRET}
    async with httpx.AsyncClient(base_url=url) as client:
        not_json = await client.post("/zalo", content=b"{oops", headers=headers)
        not_an_update = await client.post("/zalo", content=b"[1, 2]", headers=headers)
        not_utf8 = await client.post("/zalo", content=b"\xff\xfe", headers=headers)
        too_big = await client.post("/zalo", content=b" " * (MAX_BODY + 1), headers=headers)

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the limit holds while reading
            for _ in range(20):
                yield b" " * (MAX_BODY // 10)

        streamed = await client.post("/zalo", content=chunks(), headers=headers)
        get = await client.get("/zalo")
    assert (not_json.status_code, not_an_update.status_code, not_utf8.status_code) == (400, 400, 400)
    assert (too_big.status_code, streamed.status_code, get.status_code) == (413, 413, 405)
    assert heard.events == []


async def test_a_bad_content_length_is_answered_400(served: tuple[str, QuietZalo, Heard, WebServer]) -> None:
    url, *_ = served
    port = int(url.rsplit(":", 1)[1])
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"POST /zalo HTTP/1.1\r\nHost: x\r\n{SECRET_HEADER}: {SECRET}\r\n"
        "Content-Length: lots\r\n\r\n{}".encode()
    )
    await writer.drain()
    status = await asyncio.wait_for(reader.readline(), 5)
    writer.close()
    assert status.startswith(b"HTTP/1.1 400"), status


async def test_a_receiver_not_started_asks_the_platform_to_come_back(
    served: tuple[str, QuietZalo, Heard, WebServer],
) -> None:
    url, _, heard, _ = served
    async with httpx.AsyncClient(base_url=url) as client:
        answer = await client.post(
            "/zalo/hook", json=update("a", "xin chào"), headers={SECRET_HEADER: SECRET}
        )
    assert answer.status_code == 503 and answer.headers["retry-after"] == "5"
    assert heard.events == []


async def test_a_good_call_reaches_the_conversation_at_both_paths(
    served: tuple[str, QuietZalo, Heard, WebServer],
) -> None:
    url, receiver, heard, _ = served
    await receiver.start({"zalo": ZaloChannel("123:abc", "http://127.0.0.1:9")})
    headers = {SECRET_HEADER: SECRET}
    async with httpx.AsyncClient(base_url=url) as client:
        first = await client.post("/zalo", json=update("a", "một"), headers=headers)
        second = await client.post("/zalo/hook", json=update("b", "hai"), headers=headers)
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json() == {"ok": True}
    await receiver.idle()
    assert [(event.chat_id, event.text) for event in heard.events] == [("a", "một"), ("b", "hai")]


async def test_a_client_that_hangs_up_leaves_no_traceback(
    served: tuple[str, QuietZalo, Heard, WebServer],
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    url, receiver, heard, _ = served
    await receiver.start({"zalo": ZaloChannel("123:abc", "http://127.0.0.1:9")})
    port = int(url.rsplit(":", 1)[1])
    caplog.set_level(logging.DEBUG)
    for _ in range(5):
        sock = socket.create_connection(("127.0.0.1", port))
        body = json.dumps(update("a", "xin chào")).encode()
        head = (
            f"POST /zalo HTTP/1.1\r\nHost: x\r\n{SECRET_HEADER}: {SECRET}\r\n"
            f"Content-Length: {len(body) + 500}\r\n\r\n"
        )
        sock.sendall(head.encode() + body[:10])
        sock.close()  # gone before the body is complete
    await asyncio.sleep(0.3)
    async with httpx.AsyncClient(base_url=url) as client:  # the server carries on
        answer = await client.post("/zalo", json=update("b", "còn đây"), headers={SECRET_HEADER: SECRET})
    assert answer.status_code == 200
    await receiver.idle()
    assert [event.chat_id for event in heard.events] == ["b"]
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR or record.exc_info]
    assert "Traceback" not in capfd.readouterr().err
