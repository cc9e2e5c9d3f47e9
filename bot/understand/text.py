"""Chat text folded for matching, with a way back to the words as the person wrote them.

Folding (`bot.folding`: lower case, no diacritics, `đ` → `d`) lets `Đã hoàn thành`,
`da hoan thanh` and `DA HOAN THANH` read alike; every folded token remembers its span in the
original text and the word as typed (`raw`), so a note is returned exactly as written and the
matcher can tell `chờ` (wait) from `cho` (for) when the person typed the diacritics. Office
shorthand is expanded here (`ht` → `hoàn thành`, `dc` → `được`), once for every reader.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.folding import fold_mapped

_TOKEN = re.compile(r"[a-z]+|\d+(?:[.,]\d+)?|[^\w\s]", re.UNICODE)
_REPEATS = re.compile(r"([a-z])\1{2,}")
# Telex typed without the Vietnamese keyboard switched on: `hoanf thanhf`, `ddang lamf`.
_TELEX_TONE = frozenset("sfrxj")
_TELEX_VOWELS = (("aa", "a"), ("aw", "a"), ("ee", "e"), ("oo", "o"), ("ow", "o"), ("uw", "u"), ("dd", "d"))
_SKIPPED = frozenset("\ufe0e\ufe0f\u200d'’`")
"""Emoji variation selectors and joiners; apostrophes (`can't` reads `can t`)."""

ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "ht": ("hoan", "thanh"),
    "hthanh": ("hoan", "thanh"),
    "xg": ("xong",),
    "dc": ("duoc",),
    "dk": ("duoc",),
    "r": ("roi",),
    "j": ("gi",),
    "nv": ("nhiem", "vu"),
    "cv": ("cong", "viec"),
    "tl": ("tra", "loi"),
    "ld": ("lanh", "dao"),
    "pd": ("phe", "duyet"),
    "cn": ("chu", "nhat"),
    "bh": ("bao", "gio"),
    "bgio": ("bao", "gio"),
    "tg": ("thoi", "gian"),
    "qd": ("quyet", "dinh"),
}
"""Shorthand as typed in office chats, folded → the words it stands for (folded)."""


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    """Folded and repaired (`Hoànf` → `hoan`)."""
    start: int
    end: int
    """Span in the original (NFC) text."""
    raw: str
    """The word as typed, lower case (`chờ`), or the folded word for an expanded abbreviation."""


@dataclass(frozen=True, slots=True)
class FoldedMessage:
    original: str
    """The message, NFC-normalised."""
    tokens: tuple[Token, ...]
    accented: bool
    """The person types with diacritics: an unaccented word is then meant as written (`cho`
    is "for", not a `chờ` typed without marks)."""

    def words(self) -> list[str]:
        return [token.text for token in self.tokens]

    def rest_after(self, index: int) -> str:
        """The original text after token `index`, trimmed of separators."""
        end = self.tokens[index].end if index < len(self.tokens) else len(self.original)
        return self.original[end:].lstrip(" \t\r\n:;,.-–—=>").rstrip()

    def between(self, start: int, end: int) -> str:
        """The original text of tokens `start` to `end` (exclusive), as written."""
        if start >= end or start >= len(self.tokens):
            return ""
        last = self.tokens[min(end, len(self.tokens)) - 1]
        return self.original[self.tokens[start].start : last.end]

    def gap_before(self, index: int) -> str:
        """The original text between token `index - 1` and token `index` (spaces, line breaks)."""
        if index <= 0 or index >= len(self.tokens):
            return ""
        return self.original[self.tokens[index - 1].end : self.tokens[index].start]


def fold_message(text: str, vocabulary: frozenset[str]) -> FoldedMessage:
    original = unicodedata.normalize("NFC", text)
    folded = fold_mapped(original)
    tokens: list[Token] = []
    marked = 0
    for match in _TOKEN.finditer(folded.text):
        if match.group() in _SKIPPED:
            continue
        start, end = folded.original_span(match.start(), match.end())
        raw = original[start:end].lower()
        if match.group().isalpha() and not raw.isascii():
            marked += 1
        expanded = ABBREVIATIONS.get(match.group()) if raw.isascii() else None
        if expanded is not None:
            tokens.extend(Token(word, start, end, word) for word in expanded)
            continue
        for word in split_joined(repair(match.group(), vocabulary), vocabulary):
            tokens.append(Token(word, start, end, raw if word == match.group() else word))
    return FoldedMessage(original, tuple(tokens), accented=marked >= 2)


def split_joined(word: str, vocabulary: frozenset[str], parts: int = 4) -> list[str]:
    """`chualam` → `chua lam`: words typed without the space between them (phones, hurry)."""
    if word in vocabulary or not word.isalpha() or len(word) < 4:
        return [word]
    found = _split(word, vocabulary, parts)
    return found if found is not None else [word]


def _split(word: str, vocabulary: frozenset[str], parts: int) -> list[str] | None:
    if word in vocabulary:
        return [word]
    if parts == 1:
        return None
    for cut in range(len(word) - 2, 1, -1):
        head = word[:cut]
        if head in vocabulary:
            rest = _split(word[cut:], vocabulary, parts - 1)
            if rest is not None:
                return [head, *rest]
    return None


def repair(word: str, vocabulary: frozenset[str]) -> str:
    """Undo the common keyboard slips on a word the vocabulary does not know."""
    if not word.isalpha() or word in vocabulary:
        return word
    candidate = _REPEATS.sub(r"\1", word)
    if candidate in vocabulary:
        return candidate
    for telex, vowel in _TELEX_VOWELS:
        candidate = candidate.replace(telex, vowel)
    if candidate in vocabulary:
        return candidate
    if len(candidate) > 2 and candidate[-1] in _TELEX_TONE and candidate[:-1] in vocabulary:
        return candidate[:-1]
    return word


def typo_of(word: str, known: str) -> bool:
    """`word` is `known` with one slip (a letter missing, extra, wrong or two swapped).

    Only for words of five letters or more, starting with the same letter: short Vietnamese
    syllables differ by one letter all the time (`dang`/`dung`, `don`/`done`) and that is no typo.
    """
    if len(known) < 5 or len(word) < 5 or word[0] != known[0] or abs(len(word) - len(known)) > 1:
        return False
    return _damerau_at_most_one(word, known)


def _damerau_at_most_one(a: str, b: str) -> bool:
    if a == b:
        return True
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        if len(diffs) != 2:
            return False
        first, second = diffs
        return second == first + 1 and a[first] == b[second] and a[second] == b[first]
    shorter, longer = (a, b) if len(a) < len(b) else (b, a)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def accent_signature(word: str) -> tuple[str, str]:
    """The letters and the marks of a word, wherever the tone mark sits (`hoà` = `hòa`)."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    marks = "".join(sorted(char for char in decomposed if unicodedata.combining(char)))
    letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    return letters, marks
