"""Receiving on Zalo: updates → `IncomingEvent` → the conversation → replies by sendMessage.

Long polling (getUpdates) by default; a webhook when ZALO_WEBHOOK_URL is set, whose endpoint
(`/zalo` of the web application, `bot.web.webhooks`) refuses (403, nothing processed) a request
without the right `X-Bot-Api-Secret-Token` (the shared machinery is `bot.channels.receiving`).
getUpdates has no offset on Zalo and may answer one update or a list, so both shapes are read.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

from bot.channels.base import Channel, ChannelError
from bot.channels.events import Attachment, IncomingEvent
from bot.channels.messages import ZALO_BAD_URL, ZALO_NO_SECRET, ZALO_WEBHOOK_REFUSED, render
from bot.channels.receiving import UpdateReceiver, Webhook
from bot.channels.zalo import NAME, ZaloApiError, ZaloChannel

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Bot-Api-Secret-Token"


class ZaloSetupError(ChannelError):
    """A Zalo receiving setting is wrong; the text says which and how to fix it."""

    channel = NAME


# --- updates → events ---------------------------------------------------------------------------


def updates_in(result: Any) -> list[dict[str, Any]]:
    """The updates in a getUpdates `result`: one object, a list of them, or nothing."""
    if isinstance(result, dict):
        return [result] if ("message" in result or "event_name" in result) else []
    if isinstance(result, list):
        return [item for item in result if isinstance(item, dict)]
    return []


def to_event(update: Mapping[str, Any], *, now: dt.datetime) -> IncomingEvent | None:
    """The conversation's view of one update, received `now`; None for what carries no message
    (or no chat)."""
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
        received_at=now,
        user_id=str(sender["id"]) if sender.get("id") not in (None, "") else None,
        display_name=str(name) if name else None,
        text=str(text) if isinstance(text, str) and text.strip() else None,
        attachments=attachments,
        is_group=str(chat.get("chat_type") or "PRIVATE").upper() != "PRIVATE",
    )


# --- the receiver ---------------------------------------------------------------------------------


class ZaloReceiver(UpdateReceiver[ZaloChannel]):
    """Feeds Zalo updates to the conversation and sends its replies."""

    name = NAME
    label = "Zalo"
    secret_header = SECRET_HEADER
    bad_url = ZALO_BAD_URL
    no_secret = ZALO_NO_SECRET
    setup_error = ZaloSetupError

    def _channel_in(self, channels: Mapping[str, Channel]) -> ZaloChannel | None:
        channel = channels.get(NAME)
        return channel if isinstance(channel, ZaloChannel) else None

    def _valid_secret(self, secret: str) -> bool:
        return 8 <= len(secret) <= 256

    async def _set_webhook(self, channel: ZaloChannel, webhook: Webhook) -> None:
        try:
            await channel.set_webhook(webhook.url, webhook.secret)
        except (ZaloApiError, ChannelError) as exc:
            reason = render(self._lang, ZALO_WEBHOOK_REFUSED, url=webhook.url, reason=exc)
            raise ZaloSetupError(reason) from None

    async def _delete_webhook(self, channel: ZaloChannel) -> None:
        try:
            await channel.delete_webhook()  # getUpdates answers nothing while a webhook is set
        except Exception as exc:  # polling may still work; say why if it does not
            log.warning("Zalo deleteWebhook failed: %s", exc)

    async def _fetch(self, channel: ZaloChannel) -> list[dict[str, Any]]:
        return updates_in(await channel.get_updates(self.listening.poll_timeout))

    def _poll_failed(self, exc: Exception) -> float | None:
        log.warning("Zalo getUpdates failed: %s", exc)
        return None

    def _to_event(
        self, channel: ZaloChannel, update: Mapping[str, Any], now: dt.datetime
    ) -> IncomingEvent | None:
        return to_event(update, now=now)
