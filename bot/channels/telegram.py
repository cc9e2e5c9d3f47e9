"""Telegram through python-telegram-bot 22's `Bot` (sending only; receiving is the chat engine's).

The Bot API server is configurable (`TELEGRAM_API_URL`, e.g. a self-hosted server or the test
suite's fake): the bot calls `<root>/bot<token>/<method>`.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import warnings

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode as TelegramParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import HTTPXRequest

from bot.channels.base import (
    ChannelError,
    OutgoingMessage,
    ParseMode,
    PermanentSendError,
    SentMessage,
    TransientSendError,
)
from bot.channels.splitting import split_text

MAX_LENGTH = 4096
# Bot API answers to a chat that can never be reached again (the binding gets blocked_at).
_UNREACHABLE = (
    "chat not found",
    "bot was blocked",
    "user is deactivated",
    "bot was kicked",
    "have no rights to send",
    "peer_id_invalid",
    "user not found",
)


class TelegramChannel:
    name = "telegram"
    max_length = MAX_LENGTH
    supports_buttons = True

    def __init__(
        self,
        token: str,
        api_url: str = "https://api.telegram.org",
        *,
        timeout: float = 10.0,
        connections: int = 64,
    ) -> None:
        self._token = token
        root = api_url.rstrip("/")
        request = HTTPXRequest(
            connection_pool_size=connections,
            read_timeout=timeout,
            write_timeout=timeout,
            connect_timeout=timeout,
            pool_timeout=timeout,
        )
        self._bot = Bot(token, base_url=f"{root}/bot", base_file_url=f"{root}/file/bot", request=request)

    @property
    def bot(self) -> Bot:
        """The PTB bot, for the chat engine to share (one connection pool per token)."""
        return self._bot

    async def start(self, attempts: int = 5) -> None:
        """Check the token with getMe; a platform hiccup (429, 5xx, timeout) is retried a few times."""
        for attempt in range(1, attempts + 1):
            try:
                await self._bot.initialize()
                return
            except InvalidToken as exc:
                # PTB's message quotes the token: never pass it on.
                raise ChannelError("Telegram: Unauthorized (the Bot API rejected the token)") from exc
            except TelegramError as exc:
                error = classify(exc)
                if isinstance(error, PermanentSendError) or attempt == attempts:
                    raise ChannelError(self._clean(f"Telegram: {exc.message}")) from exc
                retry_after = error.retry_after if isinstance(error, TransientSendError) else None
                await asyncio.sleep(retry_after or min(2.0 ** (attempt - 1), 10.0))

    def _clean(self, text: str) -> str:
        return text.replace(self._token, "***")

    async def send(self, chat_id: str, message: OutgoingMessage) -> SentMessage:
        markup = None
        if message.buttons:
            markup = InlineKeyboardMarkup(
                [
                    [InlineKeyboardButton(b.label, callback_data=b.callback_data) for b in row]
                    for row in message.buttons
                ]
            )
        parse_mode = TelegramParseMode.HTML if message.parse_mode is ParseMode.HTML else None
        parts = split_text(message.text, self.max_length, message.parse_mode)
        sent_id = ""
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            try:
                sent = await self._bot.send_message(
                    chat_id=chat_id,
                    text=part,
                    parse_mode=parse_mode,
                    reply_markup=markup if last else None,
                )
            except InvalidToken as exc:
                raise TransientSendError("Telegram: Unauthorized (the Bot API rejected the token)") from exc
            except TelegramError as exc:
                raise classify(exc) from exc
            sent_id = str(sent.message_id)
        return SentMessage(sent_id)

    async def close(self) -> None:
        with contextlib.suppress(TelegramError):
            await self._bot.shutdown()


def classify(exc: TelegramError) -> ChannelError:
    """PTB's exception → transient (retry later) or permanent (give up, maybe block the chat)."""
    if isinstance(exc, RetryAfter):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # PTB 22 warns about int vs timedelta here
            value = exc.retry_after
        seconds = value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
        return TransientSendError(f"Telegram: flood control, retry after {seconds:g} s", seconds)
    if isinstance(exc, Forbidden):
        return PermanentSendError(f"Telegram: {exc.message}", chat_unreachable=True)
    if isinstance(exc, BadRequest):
        unreachable = any(phrase in exc.message.lower() for phrase in _UNREACHABLE)
        return PermanentSendError(f"Telegram: {exc.message}", chat_unreachable=unreachable)
    if isinstance(exc, ChatMigrated):
        return PermanentSendError(f"Telegram: chat migrated to {exc.new_chat_id}", chat_unreachable=True)
    if isinstance(exc, TimedOut | NetworkError | InvalidToken):
        # InvalidToken is a configuration mistake: once fixed, the reminder must still go out.
        return TransientSendError(f"Telegram: {exc.message}")
    return TransientSendError(f"Telegram: {exc.message}")
