"""Finding the lexicon's phrases in a folded message, tolerating one slip per phrase."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from bot.understand.lexicon import LONGEST, PHRASES, VOCABULARY, Cue
from bot.understand.text import typo_of

_BY_LENGTH: dict[int, list[tuple[tuple[str, ...], frozenset[Cue]]]] = defaultdict(list)
for _key, _cues in PHRASES.items():
    _BY_LENGTH[len(_key)].append((_key, _cues))


@dataclass(frozen=True, slots=True)
class Match:
    start: int
    end: int
    """Token indices: the phrase is tokens[start:end]."""
    cues: frozenset[Cue]


def find_cues(words: list[str]) -> list[Match]:
    """Every phrase of the lexicon in `words`, longest first at each position, left to right."""
    matches: list[Match] = []
    position = 0
    while position < len(words):
        found = _match_at(words, position)
        if found is None:
            position += 1
            continue
        matches.append(found)
        position = found.end
    return matches


def _match_at(words: list[str], position: int) -> Match | None:
    for length in range(min(LONGEST, len(words) - position), 0, -1):
        window = tuple(words[position : position + length])
        cues = PHRASES.get(window)
        if cues is None:
            cues = _typo_match(window)
        if cues is not None:
            return Match(position, position + length, cues)
    return None


def _typo_match(window: tuple[str, ...]) -> frozenset[Cue] | None:
    """The phrase `window` is with one mistyped word (a word the vocabulary does not know)."""
    for key, cues in _BY_LENGTH[len(window)]:
        slips = 0
        for word, known in zip(window, key, strict=True):
            if word == known:
                continue
            if word in VOCABULARY or not typo_of(word, known):
                break
            slips += 1
        else:
            if slips == 1:
                return cues
    return None
