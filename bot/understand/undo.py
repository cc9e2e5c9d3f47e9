"""«nhầm rồi», «hủy cập nhật vừa rồi», «em báo nhầm, chưa xong»: the person takes back what they
just reported. `asks_undo` returns the words after the taking-back (the right status, if they
said it), or None when the message is no such request."""

from __future__ import annotations

import re
import unicodedata

from bot.folding import fold

_UNDO = re.compile(
    r"^\s*(?:(?:da|vang|xin loi|sorry|oi)\W+)*(?:em|toi|minh)?\s*"
    r"(?:gui nham|bao nham|bam nham|chon nham|nham lan|nham roi|nham"
    r"|huy cap nhat(?: vua roi| vua gui| do| nay)?"
    r"|huy bao cao vua roi|huy vua roi|sua lai|bao sai|chon sai|bam sai|undo|my mistake|wrong button)"
    r"(?:\s+(?:roi|a|anh|chi|nhe))*(?=\W|$)",
)
_OTHER_MEANING = re.compile(r"^\W*(?:don vi|nguoi|so|phong|ban|viec|nhiem vu|cho|sang|toi)\b")
"""`gửi nhầm đơn vị`: the reminder went to the wrong unit (a hand-off), not a mistaken update."""


def asks_undo(text: str) -> str | None:
    """The rest of the message after «nhầm rồi» ("" when nothing follows), None for other text."""
    text = unicodedata.normalize("NFC", text)
    folded = fold(text)
    match = _UNDO.match(folded)
    if match is None:
        return None
    rest = folded[match.end() :]
    if _OTHER_MEANING.match(rest):
        return None
    return text[match.end() :].lstrip(" ,.;:-–—!").strip()
