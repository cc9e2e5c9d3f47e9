"""Receiving on Zalo: updates → `IncomingEvent` → the conversation → replies by sendMessage.

Long polling (getUpdates) by default; a webhook when ZALO_WEBHOOK_URL is set, served by a small
HTTP endpoint that refuses (403, nothing processed) a request without the right
`X-Bot-Api-Secret-Token`. getUpdates has no offset on Zalo and may answer one update or a list,
so both shapes are read. Updates are handled one at a time, in arrival order.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hmac
import json
import logging
import threading
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import Engine

from bot.channels.base import Channel, ChannelError
from bot.channels.zalo import NAME, ZaloApiError, ZaloChannel
from bot.chat.events import Conversation, IncomingEvent
from bot.people.updates import Attachment

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Bot-Api-Secret-Token"
_POLL_PAUSE_CAP = 60.0
MAX_BODY = 1 << 20
"""An update is a few hundred bytes; a bigger body is not Zalo's."""


class ZaloReceiveSettings(BaseSettings):
    """How the Zalo side listens (environment or `.env`), beside `bot.settings.Settings`."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    zalo_webhook_url: str | None = None
    zalo_webhook_secret: str | None = None
    zalo_webhook_listen: str = "0.0.0.0"
    """The address the webhook endpoint binds to (a reverse proxy forwards ZALO_WEBHOOK_URL here)."""
    zalo_webhook_port: int = Field(default=8444, ge=0, le=65535)
    zalo_poll_timeout: int = Field(default=30, ge=1, le=60)
    """Seconds getUpdates waits for an update (long polling)."""
    zalo_poll_pause: float = Field(default=0.5, ge=0)
    """Pause after an empty getUpdates (a server that answers at once must not be hammered)."""


class ZaloSetupError(ChannelError):
    """A Zalo receiving setting is wrong; the text says which and how to fix it."""

    channel = NAME


_MESSAGES = {
    "vi": {
        "no_secret": (
            "ZALO_WEBHOOK_URL đã đặt nhưng thiếu ZALO_WEBHOOK_SECRET (hoặc dài {length} ký tự): Zalo yêu cầu "
            "khóa bí mật dài 8–256 ký tự. Đặt ZALO_WEBHOOK_SECRET=<chuỗi ngẫu nhiên> trong tệp .env, "
            "hoặc bỏ ZALO_WEBHOOK_URL để nhận tin bằng getUpdates."
        ),
        "bad_url": (
            "ZALO_WEBHOOK_URL={url!r} không hợp lệ: cần địa chỉ HTTPS đầy đủ, ví dụ "
            "https://bot.example.gov.vn/zalo/webhook."
        ),
        "webhook_refused": (
            "Zalo không nhận webhook {url}: {reason}. Kiểm tra ZALO_WEBHOOK_URL (địa chỉ HTTPS truy cập "
            "được từ Internet) và ZALO_WEBHOOK_SECRET (8–256 ký tự), hoặc bỏ ZALO_WEBHOOK_URL để nhận tin "
            "bằng getUpdates."
        ),
    },
    "en": {
        "no_secret": (
            "ZALO_WEBHOOK_URL is set but ZALO_WEBHOOK_SECRET is missing (or {length} characters long): Zalo "
            "needs a secret of 8–256 characters. Set ZALO_WEBHOOK_SECRET=<random string> in .env, or "
            "remove ZALO_WEBHOOK_URL to receive with getUpdates."
        ),
        "bad_url": (
            "ZALO_WEBHOOK_URL={url!r} is not valid: use a full HTTPS address, e.g. "
            "https://bot.example.gov.vn/zalo/webhook."
        ),
        "webhook_refused": (
            "Zalo refused the webhook {url}: {reason}. Check ZALO_WEBHOOK_URL (an HTTPS address reachable "
            "from the Internet) and ZALO_WEBHOOK_SECRET (8–256 characters), or remove ZALO_WEBHOOK_URL to "
            "receive with getUpdates."
        ),
    },
}


def _say(lang: str, key: str, **values: object) -> str:
    return _MESSAGES.get(lang, _MESSAGES["vi"])[key].format(**values)


# --- updates → events ---------------------------------------------------------------------------


def updates_in(result: Any) -> list[dict[str, Any]]:
    """The updates in a getUpdates `result`: one object, a list of them, or nothing."""
    if isinstance(result, dict):
        return [result] if ("message" in result or "event_name" in result) else []
    if isinstance(result, list):
        return [item for item in result if isinstance(item, dict)]
    return []


def to_event(update: Mapping[str, Any], *, now: dt.datetime | None = None) -> IncomingEvent | None:
    """The conversation's view of one update; None for what carries no message (or no chat)."""
    message = update.get("message")
    if not isinstance(message, Mapping):
        return None
    chat: Mapping[str, Any] = message["chat"] if isinstance(message.get("chat"), Mapping) else {}
    sender: Mapping[str, Any] = message["from"] if isinstance(message.get("from"), Mapping) else {}
    chat_id = chat.get("id") or sender.get("id")
    if chat_id in (None, ""):
        return None
    event_name = str(update.get("event_name") or "")
    text = message.get("text")
    attachments: tuple[Attachment, ...] = ()
    photo = message.get("photo") or message.get("photo_url")
    if isinstance(photo, str) and photo:
        attachments = (Attachment(kind="photo", file_id=photo),)
        text = message.get("caption") or text
    elif event_name.startswith("message.image"):
        text = message.get("caption") or text
    name = sender.get("display_name") or sender.get("name") or sender.get("first_name")
    return IncomingEvent(
        channel=NAME,
        chat_id=str(chat_id),
        message_id=str(message.get("message_id") or ""),
        received_at=_moment(message.get("date"), now),
        user_id=str(sender["id"]) if sender.get("id") not in (None, "") else None,
        display_name=str(name) if name else None,
        text=str(text) if isinstance(text, str) and text.strip() else None,
        attachments=attachments,
        is_group=str(chat.get("chat_type") or "PRIVATE").upper() != "PRIVATE",
    )


def _moment(value: Any, now: dt.datetime | None) -> dt.datetime:
    """Zalo dates are epoch milliseconds (seconds accepted too)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return now or dt.datetime.now(dt.UTC)
    if number > 1e11:
        number /= 1000.0
    return dt.datetime.fromtimestamp(number, dt.UTC)


# --- the receiver ---------------------------------------------------------------------------------


class ZaloReceiver:
    """Feeds Zalo updates to the conversation and sends its replies (a `bot.engine.hooks.Receiver`).

    `conversation` makes the conversation for a database (the engine's `start` passes it)."""

    def __init__(
        self,
        conversation: Callable[[Engine], Conversation],
        settings: ZaloReceiveSettings | None = None,
        *,
        lang: str = "vi",
    ) -> None:
        self._make_conversation = conversation
        self.settings = settings or ZaloReceiveSettings()
        self._lang = lang
        self._channel: ZaloChannel | None = None
        self._conversation: Conversation | None = None
        self._queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._server: _WebhookServer | None = None
        self.handled = 0
        """Updates handed to the conversation so far (for tests and the log)."""

    @property
    def webhook_port(self) -> int | None:
        return self._server.port if self._server is not None else None

    def check_settings(self) -> None:
        """Raises `ZaloSetupError` with the fix when webhook mode is asked for but cannot work."""
        url = self.settings.zalo_webhook_url
        if not url:
            return
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            raise ZaloSetupError(_say(self._lang, "bad_url", url=url))
        secret = self.settings.zalo_webhook_secret or ""
        if not 8 <= len(secret) <= 256:
            raise ZaloSetupError(_say(self._lang, "no_secret", length=len(secret)))

    async def start(self, engine: Engine, channels: Mapping[str, Channel]) -> None:
        channel = channels.get(NAME)
        if not isinstance(channel, ZaloChannel):
            return
        self.check_settings()
        self._channel = channel
        self._conversation = self._make_conversation(engine)
        self._tasks.append(asyncio.create_task(self._consume(), name="zalo-updates"))
        if self.settings.zalo_webhook_url:
            secret = self.settings.zalo_webhook_secret or ""
            path = urlsplit(self.settings.zalo_webhook_url).path or "/"
            self._server = _WebhookServer(
                self.settings.zalo_webhook_listen,
                self.settings.zalo_webhook_port,
                path,
                secret,
                self._enqueue_from_thread(asyncio.get_running_loop()),
            )
            self._server.start()
            try:
                await channel.set_webhook(self.settings.zalo_webhook_url, secret)
            except (ZaloApiError, ChannelError) as exc:
                url = self.settings.zalo_webhook_url
                raise ZaloSetupError(_say(self._lang, "webhook_refused", url=url, reason=exc)) from None
        else:
            try:
                await channel.delete_webhook()  # getUpdates answers nothing while a webhook is set
            except Exception as exc:  # polling may still work; say why if it does not
                log.warning("Zalo deleteWebhook failed: %s", exc)
            self._tasks.append(asyncio.create_task(self._poll(channel), name="zalo-poll"))

    async def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()

    async def idle(self) -> None:
        """Wait until every update received so far has been handled (for tests)."""
        await self._queue.join()

    def _enqueue_from_thread(self, loop: asyncio.AbstractEventLoop) -> Callable[[dict[str, Any]], None]:
        def enqueue(update: dict[str, Any]) -> None:
            loop.call_soon_threadsafe(self._queue.put_nowait, update)

        return enqueue

    async def _poll(self, channel: ZaloChannel) -> None:
        pause = 1.0
        while True:
            try:
                result = await channel.get_updates(self.settings.zalo_poll_timeout)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the platform may come back: keep polling, slower
                log.warning("Zalo getUpdates failed: %s", exc)
                await asyncio.sleep(pause)
                pause = min(pause * 2, _POLL_PAUSE_CAP)
                continue
            pause = 1.0
            updates = updates_in(result)
            for update in updates:
                self._queue.put_nowait(update)
            if not updates:
                await asyncio.sleep(self.settings.zalo_poll_pause)

    async def _consume(self) -> None:
        while True:
            update = await self._queue.get()
            try:
                await self.handle_update(update)
            except Exception:  # one bad update must not stop the others
                log.exception("Zalo update not handled")
            finally:
                self._queue.task_done()

    async def handle_update(self, update: Mapping[str, Any]) -> None:
        event = to_event(update)
        if event is None or self._conversation is None or self._channel is None:
            return
        replies = await self._conversation.handle(event)
        self.handled += 1
        for reply in replies:
            chat_id = reply.chat_id or event.chat_id
            try:
                await self._channel.send(chat_id, reply.message)
            except ChannelError as exc:
                log.warning("Zalo reply to chat %s not sent: %s", chat_id, exc)


class _WebhookServer:
    """The webhook endpoint, on its own thread: it checks the secret, queues the update, answers."""

    def __init__(
        self, host: str, port: int, path: str, secret: str, enqueue: Callable[[dict[str, Any]], None]
    ) -> None:
        handler = type(
            "ZaloWebhookHandler",
            (_WebhookHandler,),
            {"path_expected": path, "secret": secret, "enqueue": staticmethod(enqueue)},
        )
        self._server = ThreadingHTTPServer((host, port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="zalo-webhook", daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class _WebhookHandler(BaseHTTPRequestHandler):
    path_expected: str
    secret: str
    enqueue: Callable[[dict[str, Any]], None]

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._answer(413, {"ok": False, "description": "Payload Too Large"})
            return
        body = self.rfile.read(length) if length else b""
        if urlsplit(self.path).path.rstrip("/") != self.path_expected.rstrip("/"):
            self._answer(404, {"ok": False, "description": "Not Found"})
            return
        given = self.headers.get(SECRET_HEADER) or ""
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.warning("Zalo webhook call refused: wrong or missing %s", SECRET_HEADER)
            self._answer(403, {"ok": False, "description": "Forbidden: wrong secret token"})
            return
        try:
            update = json.loads(body)
        except ValueError:
            self._answer(400, {"ok": False, "description": "Bad Request: body is not JSON"})
            return
        if isinstance(update, dict):
            self.enqueue(update)
        self._answer(200, {"ok": True})

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        return None
