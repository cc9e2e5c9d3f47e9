"""Chat text folded for matching, with a way back to the words as the person wrote them.

Folding (`bot.folding`: lower case, no diacritics, `đ` → `d`) lets `Đã hoàn thành`,
`da hoan thanh` and `DA HOAN THANH` read alike; every folded token remembers its span in the
original text, so a note is returned exactly as written (diacritics included).
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


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    """Folded and repaired (`Hoànf` → `hoan`)."""
    start: int
    end: int
    """Span in the original (NFC) text."""


@dataclass(frozen=True, slots=True)
class FoldedMessage:
    original: str
    """The message, NFC-normalised."""
    tokens: tuple[Token, ...]

    def words(self) -> list[str]:
        return [token.text for token in self.tokens]

    def rest_after(self, index: int) -> str:
        """The original text after token `index`, trimmed of separators."""
        end = self.tokens[index].end if index < len(self.tokens) else len(self.original)
        return self.original[end:].lstrip(" \t\r\n:;,.-–—=>").rstrip()


def fold_message(text: str, vocabulary: frozenset[str]) -> FoldedMessage:
    original = unicodedata.normalize("NFC", text)
    folded = fold_mapped(original)
    tokens = []
    for match in _TOKEN.finditer(folded.text):
        start, end = folded.original_span(match.start(), match.end())
        for word in split_joined(repair(match.group(), vocabulary), vocabulary):
            tokens.append(Token(word, start, end))
    return FoldedMessage(original, tuple(tokens))


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

    Only for words of four letters or more, starting with the same letter: short Vietnamese
    syllables differ by one letter all the time (`dang`/`dung`) and that is no typo.
    """
    if len(known) < 4 or not word or word[0] != known[0] or abs(len(word) - len(known)) > 1:
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
