"""Receiving on Telegram: updates → `IncomingEvent` → the conversation → replies.

Long polling by default, webhook when TELEGRAM_WEBHOOK_URL is set (the shared machinery is
`bot.channels.receiving`). Both run on the `Bot` the Telegram channel already holds rather than
PTB's `Application`: the conversation does its own routing and state (so PTB's handlers, job queue
and persistence would sit unused), the channel's connection pool and base URL (self-hosted Bot
API, the tests' fake) are reused as they are, and the webhook is one route of the bot's own web application
(`bot.web.webhooks`, beside the dashboard) rather than PTB's tornado server.
Polling confirms an update to Telegram only after it is handled; the webhook answers 200 once the
update is queued (Telegram would otherwise resend it). A stop handles what is queued and confirms
it; an update handled just before a crash comes again at the next start, and carries its id
(`IncomingEvent.delivery_id`) so the conversation recognises it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

from telegram import Message, Update
from telegram.error import Conflict, TelegramError

from bot.channels.base import Channel, ChannelError
from bot.channels.events import Attachment, Conversation, IncomingEvent
from bot.channels.messages import TELEGRAM_BAD_URL, TELEGRAM_NO_SECRET
from bot.channels.receiving import POLL_PAUSE_CAP, Listening, UpdateReceiver, Webhook
from bot.channels.receiving import deliver as deliver
from bot.channels.telegram import TelegramChannel
from bot.clock import Clock

log = logging.getLogger(__name__)

NAME = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ("message", "callback_query")


class TelegramSetupError(ChannelError):
    """A Telegram receiving setting is wrong; the text says which and how to fix it."""

    channel = NAME


# --- updates → events -----------------------------------------------------------------------------


def to_event(update: Update, *, now: dt.datetime, bot_username: str | None = None) -> IncomingEvent | None:
    """The conversation's view of one update, received `now`; None for what the bot does not
    handle (edits, channel posts, messages from other bots, a group's commands for another bot)."""
    received = now
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


# --- the receiver ---------------------------------------------------------------------------------


class TelegramReceiver(UpdateReceiver[TelegramChannel]):
    """Feeds Telegram updates to the conversation and sends its replies."""

    name = NAME
    label = "Telegram"
    secret_header = SECRET_HEADER
    bad_url = TELEGRAM_BAD_URL
    no_secret = TELEGRAM_NO_SECRET
    setup_error = TelegramSetupError
    confirm_after_handling = True

    def __init__(
        self, conversation: Conversation, listening: Listening, *, clock: Clock, lang: str = "vi"
    ) -> None:
        super().__init__(conversation, listening, clock=clock, lang=lang)
        self._offset: int | None = None

    def _channel_in(self, channels: Mapping[str, Channel]) -> TelegramChannel | None:
        channel = channels.get(NAME)
        return channel if isinstance(channel, TelegramChannel) else None

    def _valid_secret(self, secret: str) -> bool:
        return 1 <= len(secret) <= 256 and all(c.isascii() and (c.isalnum() or c in "_-") for c in secret)

    def _accepts(self, update: dict[str, Any]) -> bool:
        return isinstance(update.get("update_id"), int)

    async def _set_webhook(self, channel: TelegramChannel, webhook: Webhook) -> None:
        await channel.bot.set_webhook(
            webhook.url, secret_token=webhook.secret, allowed_updates=list(ALLOWED_UPDATES)
        )

    async def _delete_webhook(self, channel: TelegramChannel) -> None:
        try:
            await channel.bot.delete_webhook()  # getUpdates is refused while a webhook is set
        except TelegramError as exc:
            log.warning("Telegram deleteWebhook failed: %s", exc)

    async def _fetch(self, channel: TelegramChannel) -> list[dict[str, Any]]:
        timeout = self.listening.poll_timeout
        updates = await channel.bot.get_updates(
            offset=self._offset,
            timeout=timeout,
            allowed_updates=list(ALLOWED_UPDATES),
            read_timeout=timeout + 10,
        )
        if updates:
            # Sent with the next getUpdates, which confirms these: the shared poll loop waits
            # until they are handled first (`confirm_after_handling`).
            self._offset = updates[-1].update_id + 1
        return [update.to_dict() for update in updates]

    async def _confirm(self, channel: TelegramChannel) -> None:
        if self._offset is None:
            return
        try:
            # The offset confirms what came before it; an update that came meanwhile stays
            # queued on Telegram's side for the next start.
            await channel.bot.get_updates(
                offset=self._offset, timeout=0, limit=1, allowed_updates=list(ALLOWED_UPDATES), read_timeout=5
            )
        except TelegramError as exc:
            log.warning("Telegram: could not confirm the messages handled before the stop: %s", exc.message)

    def _poll_failed(self, exc: Exception) -> float | None:
        if isinstance(exc, Conflict):
            log.error("Telegram getUpdates conflict (another bot process polls this token?): %s", exc.message)
            return POLL_PAUSE_CAP / 2
        if isinstance(exc, TelegramError):
            log.warning("Telegram getUpdates failed: %s", exc.message)
            return None
        raise exc

    def _to_event(
        self, channel: TelegramChannel, update: Mapping[str, Any], now: dt.datetime
    ) -> IncomingEvent | None:
        bot = channel.bot
        event = to_event(Update.de_json(dict(update), bot), now=now, bot_username=bot.username)
        if event is None:
            return None
        # update_id counts per bot: another token on the same database starts its own count.
        return dataclasses.replace(event, delivery_id=f"{bot.id}:{update['update_id']}")
