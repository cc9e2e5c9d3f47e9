"""Accent folding: the one way the bot reads Vietnamese text without case or diacritics.

`Sở Kế hoạch và Đầu tư`, `so ke hoach va dau tu` and `SỞ KẾ HOẠCH VÀ ĐẦU TƯ` all fold to
`so ke hoach va dau tu`. Each character folds to one character — its base letter (the first
character of its NFD decomposition) in lower case, `đ`/`Đ` → `d` — so offsets in the folded text
are offsets in the input. The only exception is a stray combining mark (decomposed input such as
`a` + U+0301), which is dropped; `fold_mapped` keeps the way back to the input for such text, and
`fold(..., keep_marks=True)` keeps the mark instead (the same length as the input, always).

Everything else is the caller's business: the deadline parser also unifies dashes and spaces and
repairs OCR digits, plan names collapse white space, chat understanding normalises to NFC first.
This module imports nothing from `bot`, so every package may use it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["Folded", "fold", "fold_mapped"]

_D_STROKES = "đĐ"
_CACHE_LIMIT = 8192
"""Arbitrary input could fill a fold table with every code point; keep each one bounded."""


def _fold_char(char: str, *, keep_marks: bool) -> str | None:
    """One character → one folded character, or None for a combining mark that is dropped."""
    if char in _D_STROKES:
        return "d"
    if not keep_marks and unicodedata.combining(char):
        return None
    return unicodedata.normalize("NFD", char)[0].lower()[0]


class _FoldTable(dict[int, str | None]):
    """`str.translate` table filled on first use of each code point."""

    def __init__(self, *, keep_marks: bool) -> None:
        super().__init__()
        self.keep_marks = keep_marks

    def __missing__(self, code: int) -> str | None:
        folded = _fold_char(chr(code), keep_marks=self.keep_marks)
        if len(self) < _CACHE_LIMIT:
            self[code] = folded
        return folded


_DROP_MARKS = _FoldTable(keep_marks=False)
_KEEP_MARKS = _FoldTable(keep_marks=True)

_LATIN_ONLY = re.compile(r"[^\x00-\x7f\u00c0-\u024f\u1e00-\u1eff]")
"""Text outside these blocks takes the exact path; inside, NFD gives one ASCII letter per letter
or none (then the exact path runs too). No combining mark lies inside them."""


def fold(text: str, *, keep_marks: bool = False) -> str:
    """`Sở KH&ĐT` → `so kh&dt`: lower case, no diacritics, `đ` → `d`, one character per character.

    A stray combining mark is dropped, or kept as it is with `keep_marks` (for callers that slice
    the input at offsets found in the folded text).
    """
    if _LATIN_ONLY.search(text) is None:
        # Fast path for ordinary Vietnamese text: decompose, drop the marks. If a character
        # vanished (a letter with no ASCII base), the lengths differ and the exact path runs.
        if "đ" in text or "Đ" in text:  # str.replace is much faster than str.translate here
            text = text.replace("đ", "d").replace("Đ", "d")
        ascii_text = unicodedata.normalize("NFD", text).encode("ascii", "ignore").decode("ascii")
        if len(ascii_text) == len(text):
            return ascii_text.lower()
    return text.translate(_KEEP_MARKS if keep_marks else _DROP_MARKS)


@dataclass(frozen=True, slots=True)
class Folded:
    """Folded text with the way back to the input it came from."""

    text: str
    """`fold(input)`."""
    origin: tuple[int, ...] | None = None
    """Input index of each folded character; None when they are the same (nothing dropped)."""
    source_length: int = 0

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The input span that folded to `text[start:end]`."""
        if self.origin is None:
            return start, end
        if end <= start:
            position = self.origin[start] if start < len(self.origin) else self.source_length
            return position, position
        return self.origin[start], self.origin[end - 1] + 1


def fold_mapped(text: str) -> Folded:
    """`fold(text)` and, when combining marks were dropped, the input index of each character."""
    folded = fold(text)
    if len(folded) == len(text):
        return Folded(folded, None, len(text))
    origin = tuple(index for index, char in enumerate(text) if _DROP_MARKS[ord(char)] is not None)
    return Folded(folded, origin, len(text))
