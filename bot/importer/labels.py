"""The numbering at the start of a paragraph: `III.` `2.` `c)` `1.2.1 -` `(3)` `-` `+` `*`.

OCR turns Roman `II` into `Il` or `I1`; those are read back as Roman numerals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UPPER = "A-ZĐÀ-Ỹ"
_ROMAN = re.compile(rf"^\s*([IVXl1]{{1,5}})\s*(?:[.:/)]|\s[-–]|[-–])\s*(?=[\"“*]?[{_UPPER}])")
_ARABIC = re.compile(rf"^\s*(\d{{1,2}}(?:\.\d{{1,2}})*)(?:\s*[.)](?!\d)\s*|\s*[-–]\s+(?![{_UPPER}]+/))(?=\S)")
_ARABIC_BARE = re.compile(rf"^\s*(\d{{1,2}}(?:\.\d{{1,2}})+)\s+(?=[{_UPPER}])")
_LETTER = re.compile(r"^\s*([a-zđ]?)\s*\)\s*(?=\S)")
_PAREN = re.compile(r"^\s*\((\d{1,2}|[a-zđ])\)\s*[.:]?\s*(?=\S)")
_BULLET = re.compile(r"^\s*([-–—•+*])\s*(?=[^\s\-–—*+])")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}


@dataclass(frozen=True, slots=True)
class Label:
    kind: str
    """roman, arabic, letter, paren, dash, plus, star."""
    key: str
    """The label as an id part: `III`, `1.2`, `c`, `3`; bullets have none (numbered by position)."""
    end: int
    """Where the paragraph's own text starts."""

    @property
    def level_kind(self) -> str:
        """Labels of the same level kind are siblings: `1.` and `2.`, but `1.1` is deeper."""
        if self.kind == "arabic":
            return f"arabic{self.key.count('.')}"
        return self.kind


def roman_value(token: str) -> int | None:
    token = token.replace("l", "I").replace("1", "I")
    if not token or any(char not in _ROMAN_VALUES for char in token):
        return None
    total = 0
    for index, char in enumerate(token):
        value = _ROMAN_VALUES[char]
        following = _ROMAN_VALUES[token[index + 1]] if index + 1 < len(token) else 0
        total += -value if value < following else value
    return total if 0 < total <= 30 else None


def to_roman(value: int) -> str:
    parts = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for number, letters in parts:
        while value >= number:
            out += letters
            value -= number
    return out


def parse_label(text: str) -> Label | None:
    match = _ROMAN.match(text)
    if match and not match.group(1).isdigit():
        value = roman_value(match.group(1))
        if value is not None:
            return Label("roman", to_roman(value), match.end())
    match = _ARABIC.match(text) or _ARABIC_BARE.match(text)
    if match:
        return Label("arabic", match.group(1), match.end())
    match = _PAREN.match(text)
    if match:
        return Label("paren", match.group(1), match.end())
    match = _LETTER.match(text)
    if match:
        return Label("letter", match.group(1), match.end())
    match = _BULLET.match(text)
    if match:
        kind = {"+": "plus", "*": "star", "•": "dash"}.get(match.group(1), "dash")
        return Label(kind, "", match.end())
    return None
