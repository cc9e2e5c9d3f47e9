"""Fold Vietnamese text to lower-case ASCII so one set of patterns reads every spelling.

`Quý II/2017`, `quy ii/2017` and `QUÝ II/2017` all fold to `quy ii/2017`; `Đến` folds to `den`.
Each folded character comes from exactly one input character, so a span found in the folded
text maps back to the input (the map is only built when combining marks were dropped).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_D_STROKES = "đĐðÐ"
"""đ, and the look-alike eth (Ð) that keyboards and OCR put in its place."""
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_CACHE_LIMIT = 8192
"""Arbitrary input could fill the fold table with every code point; keep it bounded."""


def _fold_char(char: str) -> str | None:
    """One input character → one folded character, or None for a combining mark (dropped)."""
    if char in _D_STROKES:
        return "d"
    if char in _DASHES:
        return "-"
    if char.isspace():
        return " "
    if unicodedata.combining(char):
        return None
    base = unicodedata.normalize("NFD", char)[0]
    lowered = base.lower()
    return lowered[0] if lowered else char


class _FoldTable(dict[int, str | None]):
    """`str.translate` table filled on first use of each code point."""

    def __missing__(self, code: int) -> str | None:
        folded = _fold_char(chr(code))
        if len(self) < _CACHE_LIMIT:
            self[code] = folded
        return folded


_TABLE = _FoldTable()


@dataclass(frozen=True, slots=True)
class Folded:
    text: str
    """The folded text: lower-case ASCII letters for Vietnamese, đ→d, dashes→`-`, spaces→` `."""
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


_LATIN_ONLY = re.compile(r"[^\x00-\x7f\u00c0-\u024f\u1e00-\u1eff]")
"""Text outside these blocks takes the exact path; inside, NFD gives one ASCII letter per letter."""


def _d_to_ascii(text: str) -> str:
    # str.replace is many times faster than str.translate on non-ASCII text.
    for char in _D_STROKES:
        if char in text:
            text = text.replace(char, "d")
    return text


_ASCII_SPACES = {code: " " for code in range(128) if chr(code).isspace()}
_OTHER_ASCII_SPACE = re.compile(r"[\t\n\x0b\x0c\r\x1c-\x1f]")


_OCR_DIGIT = re.compile(r"[oli|](?:(?<=\d.)(?=\d|[/.\-]\d)|(?<=\d[/.\-].)(?=\d))")
"""A letter OCR reads for a digit, inside a number (`2O17`, `3O/6`): o → 0; l, i, | → 1."""


def _fix_ocr_digits(folded: str) -> str:
    return _OCR_DIGIT.sub(lambda match: "0" if match.group() == "o" else "1", folded)


def fold(text: str) -> Folded:
    """Lower-case, strip diacritics (đ→d), unify dashes and white space; keep a map to `text`.

    Inside numbers, letters that OCR reads for digits become the digits (`2O17` → `2017`).
    """
    folded = _fold(text)
    if _OCR_DIGIT.search(folded.text) is None:
        return folded
    return Folded(_fix_ocr_digits(folded.text), folded.origin, folded.source_length)


def _fold(text: str) -> Folded:
    if _LATIN_ONLY.search(text) is None:
        # Fast path for ordinary Vietnamese text: decompose, drop the marks. If any character
        # vanished (a letter with no ASCII base), the lengths differ and the exact path runs.
        decomposed = unicodedata.normalize("NFD", _d_to_ascii(text))
        ascii_text = decomposed.encode("ascii", "ignore").decode("ascii")
        if len(ascii_text) == len(text):
            lowered = ascii_text.lower()
            if _OTHER_ASCII_SPACE.search(lowered) is not None:
                lowered = lowered.translate(_ASCII_SPACES)
            return Folded(lowered, None, len(text))
    folded = text.translate(_TABLE)
    if len(folded) == len(text):
        return Folded(folded, None, len(text))
    origin = tuple(index for index, char in enumerate(text) if _TABLE[ord(char)] is not None)
    return Folded(folded, origin, len(text))
