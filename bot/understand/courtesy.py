"""Whether a message is only thanks or an acknowledgement (`dạ em cảm ơn ạ`, `ok 👍`, `vâng`).

Such a message says nothing about any task. Outside a question or a quoted reminder the bot
leaves it unanswered: a reply would only spend a message of the chat's small quota.
"""

from __future__ import annotations

from bot.understand.lexicon import VOCABULARY, Cue
from bot.understand.matching import find_cues
from bot.understand.text import fold_message

FILLERS = frozenset(
    {"a", "ah", "nhe", "nha", "roi", "nhieu", "rat", "lam", "xin"}  # particles, «nhiều», «lắm»
    | {"em", "anh", "chi", "toi", "minh", "bot", "ban"}  # who thanks, who is thanked
)
"""Folded words of politeness that may surround the thanks (`ạ`, `em`, `nhiều`, `rồi`)."""


def only_courtesy(text: str) -> bool:
    folded = fold_message(text, VOCABULARY)
    covered: set[int] = set()
    for match in find_cues(folded):
        if match.cues != {Cue.ACK} or match.fuzzy:
            return False
        covered.update(range(match.start, match.end))
    return bool(covered) and all(
        index in covered or token.text in FILLERS or not any(c.isalnum() for c in token.text)
        for index, token in enumerate(folded.tokens)
    )
