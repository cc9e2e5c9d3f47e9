"""Fold a timing phrase so one set of patterns reads every spelling: `bot.folding`, then the
parser's own clean-ups.

`Quý II/2017`, `quy ii/2017` and `QUÝ II/2017` all fold to `quy ii/2017`; `Đến` folds to `den`.
On top of the shared fold the parser reads the eth (`ð`, `Ð`, which keyboards and OCR put in
place of `đ`) as `d`, every dash as `-`, every white space as ` `, and letters that OCR reads for
digits inside a number as those digits. Each step keeps one character per character, so a span
found in the folded text maps back to the input through `Folded.original_span`.
"""

from __future__ import annotations

import re

from bot.folding import Folded, fold_mapped

__all__ = ["Folded", "fold"]

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_CACHE_LIMIT = 8192
"""Arbitrary input could fill the clean-up table with every code point; keep it bounded."""


class _CleanTable(dict[int, str]):
    """`str.translate` table for folded text: eth → `d`, dashes → `-`, white space → ` `."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        cleaned = "d" if char == "ð" else "-" if char in _DASHES else " " if char.isspace() else char
        if len(self) < _CACHE_LIMIT:
            self[code] = cleaned
        return cleaned


_CLEAN = _CleanTable()
_ASCII_SPACES = {code: " " for code in range(128) if chr(code).isspace()}
_OTHER_ASCII_SPACE = re.compile(r"[\t\n\x0b\x0c\r\x1c-\x1f]")

_OCR_DIGIT = re.compile(r"[oli|](?:(?<=\d.)(?=\d|[/.\-]\d)|(?<=\d[/.\-].)(?=\d))")
"""A letter OCR reads for a digit, inside a number (`2O17`, `3O/6`): o → 0; l, i, | → 1."""


def _clean(folded: str) -> str:
    """The parser's clean-ups of folded text (`Ð` has already folded to `ð`)."""
    if folded.isascii():
        if _OTHER_ASCII_SPACE.search(folded) is None:
            return folded
        return folded.translate(_ASCII_SPACES)
    return folded.translate(_CLEAN)


def _fix_ocr_digits(folded: str) -> str:
    return _OCR_DIGIT.sub(lambda match: "0" if match.group() == "o" else "1", folded)


def fold(text: str) -> Folded:
    """Lower-case, strip diacritics (đ→d), unify dashes and white space; keep a map to `text`.

    Inside numbers, letters that OCR reads for digits become the digits (`2O17` → `2017`).
    """
    folded = fold_mapped(text)
    cleaned = _clean(folded.text)
    if _OCR_DIGIT.search(cleaned) is not None:
        cleaned = _fix_ocr_digits(cleaned)
    if cleaned is folded.text:
        return folded
    return Folded(cleaned, folded.origin, folded.source_length)
