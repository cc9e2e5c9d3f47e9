"""Keeping secrets out of the logs, at every level.

PTB and httpx log request URLs at DEBUG, and the Bot API puts the token in the URL path
(`/bot<token>/sendMessage`); PTB also logs every call's parameters at DEBUG, the webhook's
`secret_token` among them. A filter on the root handlers rewrites every record: the secrets it was
given (bot tokens, webhook secrets, the database password), anything shaped like a bot path or a
`secret_token` parameter, in the message and in the traceback text alike.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

_BOT_PATH = re.compile(r"/bot\d+:[A-Za-z0-9_-]+")
_SECRET_PARAMETER = re.compile(r"""(['"]?secret_token['"]?\s*[:=]\s*['"]?)[^'"&,\s}]+""")
_FORMATTER = logging.Formatter()


class TokenFilter(logging.Filter):
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        # Longest first: a secret that contains another is replaced whole.
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        text = _SECRET_PARAMETER.sub(r"\1***", text)
        return _BOT_PATH.sub("/bot***", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            # Handlers format the traceback only when `exc_text` is empty: give them a clean one.
            record.exc_text = _FORMATTER.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def install(secrets: Iterable[str]) -> TokenFilter:
    """Attach the filter to every handler of the root logger (call after logging is set up)."""
    token_filter = TokenFilter(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(token_filter)
    return token_filter
