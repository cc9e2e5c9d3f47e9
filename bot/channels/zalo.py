"""The Zalo Bot Platform through a small httpx client (sending, webhook setup, long polling).

The API is Telegram-like: `<ZALO_API_URL>/bot<token>/<method>` with JSON bodies, answering
`{"ok": true, "result": …}` or `{"ok": false, "error_code": …, "description": …}`. Zalo has no
buttons and takes at most 2000 characters per message, so the renderer writes numbered choices
and long text is sent in several messages. The token sits in the URL path: it is never put in an
exception text (the log filter in `bot.channels.redact` covers httpx's own request logs).
"""

from __future__ import annotations

import asyncio
import html
import re
from typing import Any

import httpx

from bot.channels.base import (
    ChannelError,
    OutgoingMessage,
    ParseMode,
    PermanentSendError,
    SentMessage,
    TransientSendError,
)
from bot.channels.splitting import split_text

NAME = "zalo"
MAX_LENGTH = 2000
DEFAULT_API_URL = "https://bot-api.zaloplatforms.com"
NO_UPDATES = 408
"""getUpdates answers `408 Request timeout` when nothing arrived during the long poll."""
# Words in a 400 answer meaning the chat itself is unusable (the binding gets blocked_at).
_UNREACHABLE = ("chat", "user", "recipient", "follow", "block")
_TAG = re.compile(r"<[^>]+>")


class ZaloApiError(Exception):
    """An `{ok: false}` answer (or a non-JSON one), with the platform's code and description."""

    def __init__(
        self, status: int, error_code: int, description: str, retry_after: float | None = None
    ) -> None:
        super().__init__(f"Zalo: {error_code} {description}")
        self.status = status
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after


class ZaloChannel:
    name = NAME
    max_length = MAX_LENGTH
    supports_buttons = False

    def __init__(self, token: str, api_url: str = DEFAULT_API_URL, *, timeout: float = 10.0) -> None:
        self._token = token
        self._root = f"{api_url.rstrip('/')}/bot{token}"
        self._timeout = timeout
        self._client = httpx.AsyncClient(timeout=timeout)

    # --- the Channel protocol ---------------------------------------------------------------

    async def start(self, attempts: int = 1) -> None:
        """Check the token with getMe.

        Raises `ChannelError` for what a setting must fix (the token rejected) and
        `TransientSendError` (with the platform's `retry_after`, if any) when the platform is
        down, slow or answers 429/5xx: then the caller waits and tries again. With `attempts` > 1,
        such a hiccup is first retried here a few times."""
        for attempt in range(1, attempts + 1):
            try:
                await self.call("getMe")
                return
            except ZaloApiError as exc:
                if exc.error_code == 401 or exc.status == 401:
                    raise ChannelError("Zalo: Unauthorized (the Bot API rejected the token)") from exc
                error = classify(exc)
                if isinstance(error, PermanentSendError):
                    raise ChannelError(error.reason) from exc
                if attempt == attempts:
                    raise error from exc
                await asyncio.sleep(error.retry_after or min(2.0 ** (attempt - 1), 10.0))
            except TransientSendError:
                if attempt == attempts:
                    raise
                await asyncio.sleep(min(2.0 ** (attempt - 1), 10.0))

    async def send(self, chat_id: str, message: OutgoingMessage) -> SentMessage:
        text = message.text
        if message.parse_mode is ParseMode.HTML:
            text = html.unescape(_TAG.sub("", text))
        sent_id = ""
        for part in split_text(text, self.max_length):
            try:
                result = await self.call("sendMessage", {"chat_id": chat_id, "text": part})
            except ZaloApiError as exc:
                raise classify(exc) from exc
            if isinstance(result, dict) and result.get("message_id") is not None:
                sent_id = str(result["message_id"])
        return SentMessage(sent_id)

    async def close(self) -> None:
        await self._client.aclose()

    # --- receiving --------------------------------------------------------------------------

    async def get_updates(self, timeout: int = 30) -> Any:
        """One long poll: the raw `result` (one update, a list of them, or None when none came)."""
        try:
            return await self.call("getUpdates", {"timeout": str(timeout)}, read_timeout=timeout + 10.0)
        except ZaloApiError as exc:
            if exc.error_code == NO_UPDATES or exc.status == NO_UPDATES:
                return None
            raise

    async def set_webhook(self, url: str, secret_token: str) -> None:
        await self.call("setWebhook", {"url": url, "secret_token": secret_token})

    async def delete_webhook(self) -> None:
        await self.call("deleteWebhook")

    # --- the wire -----------------------------------------------------------------------------

    async def call(
        self, method: str, params: dict[str, Any] | None = None, *, read_timeout: float | None = None
    ) -> Any:
        """POST one method; returns `result`. Raises `ZaloApiError` for an `{ok: false}` answer and
        `TransientSendError` when no answer came (network trouble, timeout)."""
        timeout = httpx.Timeout(self._timeout, read=read_timeout or self._timeout)
        try:
            response = await self._client.post(f"{self._root}/{method}", json=params or {}, timeout=timeout)
        except httpx.TimeoutException as exc:
            raise TransientSendError(f"Zalo: no answer to {method} ({type(exc).__name__})") from None
        except httpx.HTTPError as exc:
            raise TransientSendError(self._clean(f"Zalo: network error on {method}: {exc}")) from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise ZaloApiError(response.status_code, response.status_code, f"HTTP {response.status_code}")
        if body.get("ok") is True and response.status_code < 400:
            return body.get("result")
        code = _int(body.get("error_code"), response.status_code)
        parameters = body.get("parameters")
        retry_after = None
        if isinstance(parameters, dict) and parameters.get("retry_after") is not None:
            retry_after = float(_int(parameters.get("retry_after"), 1))
        description = self._clean(str(body.get("description") or f"HTTP {response.status_code}"))
        raise ZaloApiError(response.status_code, code, description, retry_after)

    def _clean(self, text: str) -> str:
        return text.replace(self._token, "***")


def classify(exc: ZaloApiError) -> TransientSendError | PermanentSendError:
    """An `{ok: false}` answer → retry later, or give up (and block the chat when it is unusable)."""
    code = exc.error_code if exc.error_code >= 400 else exc.status
    reason = f"Zalo: {exc.error_code} {exc.description}"
    if code == 429:
        return TransientSendError(reason, exc.retry_after)
    if code in (401, 408) or code >= 500:
        # 401 is a configuration mistake: once the token is fixed, the reminder must still go out.
        return TransientSendError(reason)
    if code == 403:
        return PermanentSendError(reason, chat_unreachable=True)
    if code in (400, 404):
        unreachable = any(word in exc.description.lower() for word in _UNREACHABLE)
        return PermanentSendError(reason, chat_unreachable=unreachable)
    return TransientSendError(reason)


def _int(value: object, default: int) -> int:
    try:
        return int(str(value))
    except ValueError:
        return default
