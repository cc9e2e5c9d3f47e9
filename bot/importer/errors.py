"""The one error type the importer raises for a user's mistake; its text is the message shown."""

from __future__ import annotations


class DocumentError(Exception):
    """A document the importer cannot read: the message says what, where and how to fix it.

    `message` is the Vietnamese source text with `{placeholders}`; `render(lang)` localises it.
    """

    def __init__(self, message: str, **values: str) -> None:
        super().__init__(message.format(**values))
        self.message = message
        self.values = values

    def render(self, lang: str = "vi") -> str:
        from bot.importer.messages import render

        return render(lang, self.message, **self.values)
