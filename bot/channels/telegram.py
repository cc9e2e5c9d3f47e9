"""Telegram through python-telegram-bot 22's `Bot`: messages, files (the digest's chart and
workbook), answers to button presses. Receiving is `bot.channels.telegram_receive`.

The Bot API server is configurable (`TELEGRAM_API_URL`, e.g. a self-hosted server or the test
suite's fake): the bot calls `<root>/bot<token>/<method>`.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import warnings

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
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
    OutgoingFile,
    OutgoingMessage,
    ParseMode,
    PermanentSendError,
    SentMessage,
    TransientSendError,
)
from bot.channels.splitting import split_text

MAX_LENGTH = 4096
CAPTION_LIMIT = 1024
CALLBACK_NOTICE_LIMIT = 200
"""answerCallbackQuery shows at most 200 characters."""
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
    supports_files = True

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

    async def start(self, attempts: int = 1) -> None:
        """Check the token with getMe.

        Raises `ChannelError` for what a setting must fix (the token rejected, an address that
        is not a Bot API) and `TransientSendError` (with the platform's `retry_after`, if any)
        when the platform is down, slow or answers 429/5xx: then the caller waits and tries
        again. With `attempts` > 1, such a hiccup is first retried here a few times."""
        for attempt in range(1, attempts + 1):
            try:
                await self._bot.initialize()
                return
            except InvalidToken as exc:
                # PTB's message quotes the token: never pass it on.
                raise ChannelError("Telegram: Unauthorized (the Bot API rejected the token)") from exc
            except TelegramError as exc:
                error = classify(exc)
                if isinstance(error, PermanentSendError):
                    raise ChannelError(self._clean(f"Telegram: {exc.message}")) from exc
                retry_after = error.retry_after if isinstance(error, TransientSendError) else None
                if attempt == attempts:
                    raise TransientSendError(self._clean(f"Telegram: {exc.message}"), retry_after) from exc
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

    async def send_file(self, chat_id: str, file: OutgoingFile) -> SentMessage:
        upload = InputFile(file.data, filename=file.name)
        caption = file.caption[:CAPTION_LIMIT] if file.caption else None
        try:
            if file.kind == "photo":
                sent = await self._bot.send_photo(chat_id=chat_id, photo=upload, caption=caption)
            else:
                sent = await self._bot.send_document(chat_id=chat_id, document=upload, caption=caption)
        except InvalidToken as exc:
            raise TransientSendError("Telegram: Unauthorized (the Bot API rejected the token)") from exc
        except TelegramError as exc:
            raise classify(exc) from exc
        return SentMessage(str(sent.message_id))

    async def answer_callback(self, callback_id: str, text: str | None = None) -> None:
        try:
            notice = (text or "")[:CALLBACK_NOTICE_LIMIT] or None
            await self._bot.answer_callback_query(callback_id, text=notice)
        except TelegramError as exc:
            raise classify(exc) from exc

    async def remove_buttons(self, chat_id: str, message_id: str) -> None:
        try:
            await self._bot.edit_message_reply_markup(
                chat_id=chat_id, message_id=int(message_id), reply_markup=None
            )
        except BadRequest as exc:
            if "not modified" in exc.message.lower() or "not found" in exc.message.lower():
                return  # already without buttons, or gone: nothing to take off
            raise classify(exc) from exc
        except TelegramError as exc:
            raise classify(exc) from exc

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
