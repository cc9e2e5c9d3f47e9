"""Finding the lexicon's phrases in a folded message.

Longest phrase first at each position. Where the person typed diacritics, a lexicon word written
with them must carry the same marks (`chờ` is not `cho`); typed without, every reading of the
folded word is possible and the one spelled without marks in the lexicon is preferred (`do` is
`do`, because, rather than `đó`). One mistyped long word (`thnah` for `thanh`) still matches, and
says so (`Match.fuzzy`): a completion read through a typo is asked back, never recorded.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from bot.understand.lexicon import LONGEST, PHRASES, VOCABULARY, Cue, Entry
from bot.understand.text import FoldedMessage, Token, accent_signature, typo_of

_BY_LENGTH: dict[int, list[tuple[tuple[str, ...], list[Entry]]]] = defaultdict(list)
for _key, _entries in PHRASES.items():
    _BY_LENGTH[len(_key)].append((_key, _entries))


@dataclass(frozen=True, slots=True)
class Match:
    start: int
    end: int
    """Token indices: the phrase is tokens[start:end]."""
    cues: frozenset[Cue]
    fuzzy: bool = False
    """Read through a typo (one slip in one long word)."""


def find_cues(message: FoldedMessage) -> list[Match]:
    """Every phrase of the lexicon in the message, longest first at each position, left to right."""
    tokens = message.tokens
    matches: list[Match] = []
    position = 0
    while position < len(tokens):
        found = _match_at(tokens, position, message.accented)
        if found is None:
            position += 1
            continue
        matches.append(found)
        position = found.end
    return matches


def _match_at(tokens: tuple[Token, ...], position: int, accented: bool) -> Match | None:
    for length in range(min(LONGEST, len(tokens) - position), 0, -1):
        window = tokens[position : position + length]
        entries = PHRASES.get(tuple(token.text for token in window))
        if entries is not None:
            cues = _agreeing(entries, window, accented)
            if cues:
                return Match(position, position + length, cues)
            continue
        cues = _typo_match(window)
        if cues:
            return Match(position, position + length, cues, fuzzy=True)
    return None


def _agreeing(entries: list[Entry], window: tuple[Token, ...], accented: bool) -> frozenset[Cue]:
    """The cues of the readings the typed words allow, the closest spelling first."""
    best: tuple[int, frozenset[Cue]] = (-1, frozenset())
    for spelling, cues in entries:
        score = 0
        for token, written in zip(window, spelling, strict=True):
            if token.raw == token.text and not accented:
                score += written is None  # no marks typed: any reading, unmarked ones first
            elif accent_signature(token.raw) != accent_signature(written or token.text):
                break
        else:
            if score > best[0]:
                best = (score, cues)
            elif score == best[0]:
                best = (score, best[1] | cues)
    if len(best[1]) > 1 and Cue.WORD in best[1]:
        return best[1] - {Cue.WORD}  # two readings as likely: the one that says something
    return best[1]


def _typo_match(window: tuple[Token, ...]) -> frozenset[Cue]:
    """The phrase `window` is with one mistyped long word (a word the vocabulary does not know)."""
    if not any(len(token.text) >= 5 and token.text not in VOCABULARY for token in window):
        return frozenset()  # the common case, answered before looking through the lexicon
    for key, entries in _BY_LENGTH[len(window)]:
        slips = 0
        for token, known in zip(window, key, strict=True):
            if token.text == known:
                continue
            if token.text in VOCABULARY or not typo_of(token.text, known):
                break
            slips += 1
        else:
            if slips == 1:
                return frozenset().union(*(cues for _, cues in entries))
    return frozenset()
