"""Receiving on Telegram: updates → `IncomingEvent` → the conversation → replies.

Long polling by default, webhook when TELEGRAM_WEBHOOK_URL is set. Both are small loops on the
`Bot` the Telegram channel already holds rather than PTB's `Application`: the conversation does
its own routing and state (so PTB's handlers, job queue and persistence would sit unused), the
channel's connection pool and base URL (self-hosted Bot API, the tests' fake) are reused as they
are, and the webhook needs no extra dependency (PTB's own webhook server needs the `webhooks`
extra, i.e. tornado): the stdlib HTTP server below checks the secret header and queues the update.
Updates are handled one at a time, in arrival order, so a chat's messages keep their order.
Polling confirms an update to Telegram only after it is handled; the webhook answers 200 once the
update is queued (Telegram would otherwise resend it), so a stop loses at most what is queued.
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

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import Engine
from telegram import Bot, Message, Update
from telegram.error import Conflict, TelegramError

from bot.channels.base import Channel, ChannelError, FileChannel, PressChannel, can_send_files
from bot.channels.telegram import TelegramChannel
from bot.chat.events import Conversation, IncomingEvent, Reply
from bot.people.updates import Attachment

log = logging.getLogger(__name__)

NAME = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ("message", "callback_query")
_PAUSE_CAP = 60.0


class TelegramReceiveSettings(BaseSettings):
    """How the Telegram side listens (environment or `.env`), beside `bot.settings.Settings`."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_webhook_listen: str = "0.0.0.0"
    """The address the webhook endpoint binds to (a reverse proxy forwards TELEGRAM_WEBHOOK_URL here)."""
    telegram_webhook_port: int = Field(default=8443, ge=0, le=65535)
    telegram_poll_timeout: int = Field(default=25, ge=0, le=50)
    """Seconds getUpdates waits for an update (long polling)."""
    telegram_poll_pause: float = Field(default=0.5, ge=0)
    """Pause after an empty getUpdates (a server that answers at once must not be hammered)."""


class TelegramSetupError(ChannelError):
    """A Telegram receiving setting is wrong; the text says which and how to fix it."""

    channel = NAME


_MESSAGES = {
    "vi": {
        "no_secret": (
            "TELEGRAM_WEBHOOK_URL đã đặt nhưng TELEGRAM_WEBHOOK_SECRET thiếu hoặc không hợp lệ "
            "(dài {length} ký tự): Telegram cần khóa 1–256 ký tự, chỉ gồm A-Z, a-z, 0-9, _ và -. Đặt "
            "TELEGRAM_WEBHOOK_SECRET=<chuỗi ngẫu nhiên> trong tệp .env, hoặc bỏ TELEGRAM_WEBHOOK_URL để "
            "nhận tin bằng getUpdates."
        ),
        "bad_url": (
            "TELEGRAM_WEBHOOK_URL={url!r} không hợp lệ: cần địa chỉ HTTPS đầy đủ, ví dụ "
            "https://bot.example.gov.vn/telegram/webhook."
        ),
    },
    "en": {
        "no_secret": (
            "TELEGRAM_WEBHOOK_URL is set but TELEGRAM_WEBHOOK_SECRET is missing or invalid ({length} "
            "characters): Telegram needs 1–256 characters of A-Z, a-z, 0-9, _ and -. Set "
            "TELEGRAM_WEBHOOK_SECRET=<random string> in .env, or remove TELEGRAM_WEBHOOK_URL to receive "
            "with getUpdates."
        ),
        "bad_url": (
            "TELEGRAM_WEBHOOK_URL={url!r} is not valid: use a full HTTPS address, e.g. "
            "https://bot.example.gov.vn/telegram/webhook."
        ),
    },
}


def _say(lang: str, key: str, **values: object) -> str:
    return _MESSAGES.get(lang, _MESSAGES["vi"])[key].format(**values)


def _valid_secret(secret: str) -> bool:
    return 1 <= len(secret) <= 256 and all(c.isascii() and (c.isalnum() or c in "_-") for c in secret)


# --- updates → events -----------------------------------------------------------------------------


def to_event(
    update: Update, *, bot_username: str | None = None, now: dt.datetime | None = None
) -> IncomingEvent | None:
    """The conversation's view of one update; None for what the bot does not handle (edits,
    channel posts, messages from other bots, a group's commands for another bot)."""
    received = now or dt.datetime.now(dt.UTC)
    query = update.callback_query
    if query is not None:
        message = query.message
        if message is None or query.data is None:
            return None
        return IncomingEvent(
            channel=NAME,
            chat_id=str(message.chat.id),
            message_id=str(message.message_id),
            received_at=received,
            user_id=str(query.from_user.id),
            display_name=query.from_user.full_name,
            callback_data=query.data,
            callback_id=query.id,
            is_group=message.chat.type != "private",
        )
    message = update.message
    if message is None or (message.from_user is not None and message.from_user.is_bot):
        return None
    user = message.from_user
    reply_to = message.reply_to_message
    text = message.text if message.text is not None else message.caption
    group = message.chat.type != "private"
    if group and text is not None:
        text = _own_command(text, bot_username)
        if text is None:
            return None
    return IncomingEvent(
        channel=NAME,
        chat_id=str(message.chat.id),
        message_id=str(message.message_id),
        received_at=received,
        user_id=str(user.id) if user is not None else None,
        display_name=user.full_name if user else None,
        text=text,
        reply_to_message_id=str(reply_to.message_id) if reply_to is not None else None,
        attachments=_attachments(message),
        is_group=group,
    )


def _own_command(text: str, bot_username: str | None) -> str | None:
    """In a group, `/viec@this_bot args` → `/viec args`; a command for another bot → None."""
    head, _, rest = text.partition(" ")
    if not head.startswith("/") or "@" not in head:
        return text
    command, _, addressee = head.partition("@")
    if bot_username is not None and addressee.lower() != bot_username.lower():
        return None
    return f"{command} {rest}".strip()


def _attachments(message: Message) -> tuple[Attachment, ...]:
    found: list[Attachment] = []
    if message.document is not None:
        found.append(Attachment("document", message.document.file_id, message.document.file_name))
    if message.photo:
        largest = max(message.photo, key=lambda size: size.width * size.height)
        found.append(Attachment("photo", largest.file_id))
    return tuple(found)


# --- replies → Bot API calls ----------------------------------------------------------------------


async def deliver(channel: Channel, event: IncomingEvent, replies: list[Reply]) -> None:
    """Send the conversation's replies: the press answered, answered buttons removed, messages,
    files (each where the channel can). A failure is logged and the next reply still goes: the
    update is not handled twice."""
    answered = False
    for reply in replies:
        chat_id = reply.chat_id or event.chat_id
        try:
            if isinstance(channel, PressChannel):
                if reply.answer_callback is not None and event.callback_id is not None and not answered:
                    answered = True
                    await channel.answer_callback(event.callback_id, reply.answer_callback)
                if reply.edit_buttons_of is not None:
                    await channel.remove_buttons(chat_id, reply.edit_buttons_of)
            if reply.message.text:
                await channel.send(chat_id, reply.message)
            if reply.files and can_send_files(channel):
                assert isinstance(channel, FileChannel)
                for item in reply.files:
                    await channel.send_file(chat_id, item)
        except ChannelError as exc:
            log.warning("%s reply to chat %s not sent: %s", channel.name, chat_id, exc)
    if event.callback_id is not None and not answered and isinstance(channel, PressChannel):
        # Every press is answered, or the person's Telegram shows a spinner for a while.
        try:
            await channel.answer_callback(event.callback_id)
        except ChannelError as exc:
            log.warning("%s press not answered: %s", channel.name, exc)


# --- the receiver ---------------------------------------------------------------------------------


class TelegramReceiver:
    """Feeds Telegram updates to the conversation and sends its replies (a `bot.engine.hooks.Receiver`).

    `conversation` makes the conversation for a database (the engine's `start` passes it)."""

    def __init__(
        self,
        conversation: Callable[[Engine], Conversation],
        settings: TelegramReceiveSettings | None = None,
        *,
        lang: str = "vi",
    ) -> None:
        self._make_conversation = conversation
        self.settings = settings or TelegramReceiveSettings()
        self._lang = lang
        self._channel: TelegramChannel | None = None
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
        """Raises `TelegramSetupError` with the fix when webhook mode is asked for but cannot work."""
        url = self.settings.telegram_webhook_url
        if not url:
            return
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            raise TelegramSetupError(_say(self._lang, "bad_url", url=url))
        secret = self.settings.telegram_webhook_secret
        value = secret.get_secret_value() if secret is not None else ""
        if not _valid_secret(value):
            raise TelegramSetupError(_say(self._lang, "no_secret", length=len(value)))

    async def start(self, engine: Engine, channels: Mapping[str, Channel]) -> None:
        channel = channels.get(NAME)
        if not isinstance(channel, TelegramChannel):
            return
        self.check_settings()
        self._channel = channel
        self._conversation = self._make_conversation(engine)
        self._tasks.append(asyncio.create_task(self._consume(), name="telegram-updates"))
        url = self.settings.telegram_webhook_url
        if url:
            secret = self.settings.telegram_webhook_secret
            assert secret is not None  # check_settings
            self._server = _WebhookServer(
                self.settings.telegram_webhook_listen,
                self.settings.telegram_webhook_port,
                urlsplit(url).path or "/",
                secret.get_secret_value(),
                self._enqueue_from_thread(asyncio.get_running_loop()),
            )
            self._server.start()
            await channel.bot.set_webhook(
                url, secret_token=secret.get_secret_value(), allowed_updates=list(ALLOWED_UPDATES)
            )
        else:
            try:
                await channel.bot.delete_webhook()  # getUpdates is refused while a webhook is set
            except TelegramError as exc:
                log.warning("Telegram deleteWebhook failed: %s", exc)
            self._tasks.append(asyncio.create_task(self._poll(channel.bot), name="telegram-poll"))

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

    async def _poll(self, bot: Bot) -> None:
        offset: int | None = None
        pause = 1.0
        timeout = self.settings.telegram_poll_timeout
        while True:
            try:
                updates = await bot.get_updates(
                    offset=offset,
                    timeout=timeout,
                    allowed_updates=list(ALLOWED_UPDATES),
                    read_timeout=timeout + 10,
                )
            except asyncio.CancelledError:
                raise
            except Conflict as exc:
                log.error(
                    "Telegram getUpdates conflict (another bot process polls this token?): %s", exc.message
                )
                await asyncio.sleep(_PAUSE_CAP / 2)
                continue
            except TelegramError as exc:  # the platform may come back: keep polling, slower
                log.warning("Telegram getUpdates failed: %s", exc.message)
                await asyncio.sleep(pause)
                pause = min(pause * 2, _PAUSE_CAP)
                continue
            pause = 1.0
            for update in updates:
                offset = update.update_id + 1
                self._queue.put_nowait(update.to_dict())
            if updates:
                # The next getUpdates confirms these to Telegram: only once they are handled, so
                # a stop in between gets them again at the next start rather than losing them.
                await self._queue.join()
            else:
                await asyncio.sleep(self.settings.telegram_poll_pause)

    async def _consume(self) -> None:
        while True:
            data = await self._queue.get()
            try:
                await self.handle_update(data)
            except Exception:  # one bad update must not stop the others
                log.exception("Telegram update not handled")
            finally:
                self._queue.task_done()

    async def handle_update(self, data: Mapping[str, Any]) -> None:
        if self._conversation is None or self._channel is None:
            return
        update = Update.de_json(dict(data), self._channel.bot)
        event = to_event(update, bot_username=self._channel.bot.username)
        if event is None:
            return
        replies = await self._conversation.handle(event)
        self.handled += 1
        await deliver(self._channel, event, replies)


class _WebhookServer:
    """The webhook endpoint, on its own thread: it checks the secret, queues the update, answers."""

    def __init__(
        self, host: str, port: int, path: str, secret: str, enqueue: Callable[[dict[str, Any]], None]
    ) -> None:
        handler = type(
            "TelegramWebhookHandler",
            (_WebhookHandler,),
            {"path_expected": path, "secret": secret, "enqueue": staticmethod(enqueue)},
        )
        self._server = ThreadingHTTPServer((host, port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="telegram-webhook", daemon=True
        )

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
        body = self.rfile.read(length) if 0 < length <= 1_000_000 else b""
        if urlsplit(self.path).path.rstrip("/") != self.path_expected.rstrip("/"):
            self._answer(404, {"ok": False, "description": "Not Found"})
            return
        given = self.headers.get(SECRET_HEADER) or ""
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.warning("Telegram webhook call refused: wrong or missing %s", SECRET_HEADER)
            self._answer(403, {"ok": False, "description": "Forbidden: wrong secret token"})
            return
        try:
            update = json.loads(body)
        except ValueError:
            self._answer(400, {"ok": False, "description": "Bad Request: body is not JSON"})
            return
        if isinstance(update, dict) and isinstance(update.get("update_id"), int):
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
        return None  # the request line is not worth a log line per update
