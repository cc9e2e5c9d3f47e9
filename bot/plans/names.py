"""Matching names as clerks type them: without diacritics, in any case, with stray spaces."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from bot.folding import fold

_NOT_SLUG = re.compile(r"[^a-z0-9._-]+")


def name_key(text: str) -> str:
    """`Sở KH&ĐT ` → `so kh&dt`: the key two spellings of one name share (folded, spaces collapsed)."""
    return " ".join(fold(text).split())


def slugify(text: str) -> str:
    """`KH 04 UBND` → `kh-04-ubnd`: a valid id that reads like the original."""
    return _NOT_SLUG.sub("-", name_key(text)).strip("-._")


def closest(word: str, candidates: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """The candidate most like `word`, compared folded, or None when nothing is close."""
    by_key: dict[str, str] = {}
    for candidate in candidates:
        by_key.setdefault(name_key(candidate), candidate)
    matches = difflib.get_close_matches(name_key(word), list(by_key), n=1, cutoff=cutoff)
    return by_key[matches[0]] if matches else None
