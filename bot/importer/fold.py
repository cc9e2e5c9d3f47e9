"""Diacritic-insensitive text: the same string without marks, character for character.

Folding keeps the length, so a match found in folded text slices the original at the same
offsets. OCR text (seed 003) loses or garbles marks; matching on folded text makes it work.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", char)[0]
    return base.lower() if len(base.lower()) == 1 else char


def fold(text: str) -> str:
    """`Sở Kế hoạch và Đầu tư` → `so ke hoach va dau tu`, same length as the input."""
    return "".join(_fold_char(char) for char in text)


def squash(text: str) -> str:
    """Folded, letters and digits only: compares names that OCR spaced or punctuated differently."""
    return "".join(char for char in fold(text) if char.isalnum())
