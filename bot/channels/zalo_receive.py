"""Receiving on Zalo: updates → `IncomingEvent` → the conversation → replies by sendMessage.

Long polling (getUpdates) by default; a webhook when ZALO_WEBHOOK_URL is set, whose endpoint
refuses (403, nothing processed) a request without the right `X-Bot-Api-Secret-Token` (the shared
machinery is `bot.channels.receiving`). getUpdates has no offset on Zalo and may answer one update
or a list, so both shapes are read.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import Engine

from bot.channels.base import Channel, ChannelError
from bot.channels.events import Attachment, Conversation, IncomingEvent
from bot.channels.receiving import UpdateReceiver, Webhook, say
from bot.channels.zalo import NAME, ZaloApiError, ZaloChannel

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Bot-Api-Secret-Token"


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


class ZaloReceiver(UpdateReceiver[ZaloChannel]):
    """Feeds Zalo updates to the conversation and sends its replies (a `bot.engine.hooks.Receiver`).

    `conversation` makes the conversation for a database (the engine's `start` passes it)."""

    name = NAME
    label = "Zalo"
    secret_header = SECRET_HEADER
    messages = _MESSAGES
    setup_error = ZaloSetupError

    def __init__(
        self,
        conversation: Callable[[Engine], Conversation],
        settings: ZaloReceiveSettings | None = None,
        *,
        lang: str = "vi",
    ) -> None:
        super().__init__(conversation, lang=lang)
        self.settings = settings or ZaloReceiveSettings()

    def _channel_in(self, channels: Mapping[str, Channel]) -> ZaloChannel | None:
        channel = channels.get(NAME)
        return channel if isinstance(channel, ZaloChannel) else None

    def _webhook(self) -> Webhook | None:
        url = self.settings.zalo_webhook_url
        if not url:
            return None
        return Webhook(
            url,
            self.settings.zalo_webhook_secret or "",
            self.settings.zalo_webhook_listen,
            self.settings.zalo_webhook_port,
        )

    def _valid_secret(self, secret: str) -> bool:
        return 8 <= len(secret) <= 256

    async def _set_webhook(self, channel: ZaloChannel, webhook: Webhook) -> None:
        try:
            await channel.set_webhook(webhook.url, webhook.secret)
        except (ZaloApiError, ChannelError) as exc:
            reason = say(self.messages, self._lang, "webhook_refused", url=webhook.url, reason=exc)
            raise ZaloSetupError(reason) from None

    async def _delete_webhook(self, channel: ZaloChannel) -> None:
        try:
            await channel.delete_webhook()  # getUpdates answers nothing while a webhook is set
        except Exception as exc:  # polling may still work; say why if it does not
            log.warning("Zalo deleteWebhook failed: %s", exc)

    async def _fetch(self, channel: ZaloChannel) -> list[dict[str, Any]]:
        return updates_in(await channel.get_updates(self.settings.zalo_poll_timeout))

    def _poll_failed(self, exc: Exception) -> float | None:
        log.warning("Zalo getUpdates failed: %s", exc)
        return None

    @property
    def _poll_pause(self) -> float:
        return self.settings.zalo_poll_pause

    def _to_event(self, channel: ZaloChannel, update: Mapping[str, Any]) -> IncomingEvent | None:
        return to_event(update)
