"""Keeping bot tokens out of the logs.

PTB and httpx log request URLs at DEBUG, and the Bot API puts the token in the URL path
(`/bot<token>/sendMessage`); a filter on the root handlers rewrites every record.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

_BOT_PATH = re.compile(r"/bot\d+:[A-Za-z0-9_-]+")


class TokenFilter(logging.Filter):
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return _BOT_PATH.sub("/bot***", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


def install(secrets: Iterable[str]) -> TokenFilter:
    """Attach the filter to every handler of the root logger (call after logging is set up)."""
    token_filter = TokenFilter(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(token_filter)
    return token_filter
