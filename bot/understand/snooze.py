"""How long to wait before reminding again: `nhắc lại sau 2 ngày`, `để mai`, `remind me in 3 hours`.

Days count as calendar days: the outbox already moves a reminder off a non-working day.
A request with no length (`nhắc lại sau`, `later`) means tomorrow.
"""

from __future__ import annotations

import datetime as dt

from bot.understand.model import Snooze

_NUMBER_WORDS = {
    "mot": 1, "hai": 2, "ba": 3, "bon": 4, "bay": 7, "tam": 8, "chin": 9, "muoi": 10,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "a": 1, "an": 1,
}
_DAYS = frozenset({"ngay", "day", "days", "hom"})
_HOURS = frozenset({"gio", "tieng", "hour", "hours", "h"})
_WEEKS = frozenset({"tuan", "week", "weeks"})
_TOMORROW = (("ngay", "mai"), ("mai",), ("tomorrow",), ("sang", "mai"), ("chieu", "mai"))
_NEXT_WEEK = (("tuan", "sau"), ("tuan", "toi"), ("next", "week"))
_LONGEST_ALLOWED = 366


def find_snooze(words: list[str], now_date: dt.date) -> Snooze:
    """The snooze the words ask for (called once the message is known to ask for one)."""
    for index, word in enumerate(words):
        amount = _amount(word)
        if amount is not None and index + 1 < len(words):
            unit = words[index + 1]
            if unit in _DAYS and 0 < amount <= _LONGEST_ALLOWED:
                return Snooze(until=now_date + dt.timedelta(days=amount))
            if unit in _WEEKS and 0 < amount <= 52:
                return Snooze(until=now_date + dt.timedelta(weeks=amount))
            if unit in _HOURS and 0 < amount <= 72:
                return Snooze(delay=dt.timedelta(hours=amount))
        if _starts(words, index, _NEXT_WEEK):
            return Snooze(until=now_date + dt.timedelta(days=7 - now_date.weekday()))
        if word == "kia" and index > 0 and words[index - 1] == "ngay":
            return Snooze(until=now_date + dt.timedelta(days=2))
        if _starts(words, index, _TOMORROW):
            return Snooze(until=now_date + dt.timedelta(days=1))
    return Snooze(until=now_date + dt.timedelta(days=1))


def _amount(word: str) -> int | None:
    if word.isdigit() and len(word) <= 4:
        return int(word)
    return _NUMBER_WORDS.get(word)


def _starts(words: list[str], index: int, phrases: tuple[tuple[str, ...], ...]) -> bool:
    return any(tuple(words[index : index + len(phrase)]) == phrase for phrase in phrases)
