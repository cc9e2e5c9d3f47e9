"""Matching names as clerks type them: without diacritics, in any case, with stray spaces."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

_SPACES = re.compile(r"\s+")
_NOT_SLUG = re.compile(r"[^a-z0-9._-]+")


def fold(text: str) -> str:
    """`Sở KH&ĐT ` → `so kh&dt`: the key two spellings of one name share."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", stripped).strip().lower()


def slugify(text: str) -> str:
    """`KH 04 UBND` → `kh-04-ubnd`: a valid id that reads like the original."""
    return _NOT_SLUG.sub("-", fold(text)).strip("-._")


def closest(word: str, candidates: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """The candidate most like `word`, compared folded, or None when nothing is close."""
    by_folded: dict[str, str] = {}
    for candidate in candidates:
        by_folded.setdefault(fold(candidate), candidate)
    matches = difflib.get_close_matches(fold(word), list(by_folded), n=1, cutoff=cutoff)
    return by_folded[matches[0]] if matches else None
