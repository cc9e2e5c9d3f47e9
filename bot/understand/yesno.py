"""A yes or a no typed to a yes/no question: «đúng», «vâng ạ», «ừ», «chưa», «không phải», «sai rồi»."""

from __future__ import annotations

import re

from bot.folding import fold

_PARTICLES = frozenset({"a", "ah", "nhe", "nha", "anh", "chi", "em", "oi", "roi", "da", "vay", "ha", "the"})
_YES = frozenset(
    {
        "dung",
        "vang",
        "u",
        "uh",
        "um",
        "ok",
        "oke",
        "okay",
        "co",
        "phai",
        "chinh xac",
        "chuan",
        "xong",
        "hoan thanh",
        "yes",
        "y",
        "yep",
        "right",
        "da xong",
        "dung vay",
        "da vang",
        "vang dung",
    }
)
_NO = frozenset(
    {
        "chua",
        "khong",
        "ko",
        "k",
        "sai",
        "khong phai",
        "chua xong",
        "chua hoan thanh",
        "no",
        "n",
        "not yet",
        "nham",
        "khong dung",
        "chua dau",
    }
)
_WORD = re.compile(r"[a-z]+")


def yes_or_no(text: str) -> bool | None:
    """True for a yes, False for a no, None for anything else (words to read on their own)."""
    words = _WORD.findall(fold(text))
    while len(words) > 1 and words[-1] in _PARTICLES:
        words.pop()
    while len(words) > 1 and words[0] in {"da", "u", "vang"} and " ".join(words[1:]) in _YES | _NO:
        words.pop(0)
    said = " ".join(words)
    if said in _YES or said == "roi":
        return True
    if said in _NO:
        return False
    return None
