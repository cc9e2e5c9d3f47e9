"""When to ask again: `nhắc lại sau 2 ngày`, `để thứ Hai nhắc lại`, `nhắc lại ngày 15`, `chiều mai`,
`8h sáng mai` (a time of day, not eight hours), `sau 3 tiếng`, `remind me on Monday at 9`.

`find_time` reads the words into a `Snooze` (a day, a time of day, or a delay); `resolve` turns
it into a moment on the working-day calendar: a day off moves to the next working day, a day
without a time is at the reminder's usual hour. A request with no time at all (`nhắc lại sau`,
`later`, «em bận») means the next working day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from bot.understand.model import Snooze

_NUMBER_WORDS = {
    "mot": 1,
    "hai": 2,
    "ba": 3,
    "bon": 4,
    "nam": 5,
    "bay": 7,
    "tam": 8,
    "chin": 9,
    "muoi": 10,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "a": 1,
    "an": 1,
}
_DAYS = frozenset({"ngay", "day", "days", "hom"})
_WEEKS = frozenset({"tuan", "week", "weeks"})
_HOUR_DELAYS = frozenset({"tieng", "hour", "hours", "hrs", "hr"})
_HOUR_CLOCK = frozenset({"gio", "h", "g"})
_MINUTES = frozenset({"phut", "minute", "minutes", "mins", "min", "p"})
_WEEKDAY_WORDS = {
    "hai": 0,
    "2": 0,
    "ba": 1,
    "3": 1,
    "tu": 2,
    "4": 2,
    "nam": 3,
    "5": 3,
    "sau": 4,
    "6": 4,
    "bay": 5,
    "7": 5,
}
_ENGLISH_WEEKDAYS = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tue": 1,
    "wednesday": 2,
    "wed": 2,
    "thursday": 3,
    "thu": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}
_PARTS = {
    "sang": dt.time(8, 0),
    "trua": dt.time(11, 0),
    "chieu": dt.time(14, 0),
    "toi": dt.time(19, 0),
    "morning": dt.time(8, 0),
    "noon": dt.time(11, 0),
    "afternoon": dt.time(14, 0),
    "evening": dt.time(19, 0),
    "tonight": dt.time(19, 0),
}
_AFTERNOON = frozenset({"chieu", "toi", "afternoon", "evening", "tonight", "pm"})
_NEXT_WEEK = frozenset({"sau", "toi", "next"})
_SOON = ((("lat", "nua"),), (("lat",),), (("ti", "nua"),), (("chut", "nua"),), (("mot", "lat"),))
LATER_SOON = dt.timedelta(hours=1)
"""«lát nữa em báo cáo»: in a while, taken as an hour."""
_LONGEST_DAYS = 366


@dataclass
class _Found:
    day: dt.date | None = None
    at: dt.time | None = None
    delay: dt.timedelta | None = None

    def any(self) -> bool:
        return self.day is not None or self.at is not None or self.delay is not None


def find_time(words: list[str], raw: list[str], today: dt.date, now_time: dt.time) -> Snooze | None:
    """The day, time of day or delay the words name, None when they name none. `raw` are the
    words as typed (`tối` is evening, `tôi` is I)."""
    found = _Found()
    index = 0
    while index < len(words):
        index = _read(words, raw, index, today, found)
    if not found.any():
        return None
    if found.delay is not None:
        return Snooze(delay=found.delay)
    if found.day is None and found.at is not None and found.at <= now_time:
        found.day = today + dt.timedelta(days=1)  # «chiều» said in the evening: tomorrow's
    return Snooze(until=found.day, at=found.at)


def resolve(
    snooze: Snooze,
    now: dt.datetime,
    *,
    next_working_day: Callable[[dt.date], dt.date],
    default_time: dt.time,
) -> dt.datetime:
    """The moment to ask again, in `now`'s time zone, on a working day."""
    if snooze.delay is not None:
        return now + snooze.delay
    today = now.date()
    day = snooze.until or (today if snooze.at is not None else today + dt.timedelta(days=1))
    day = next_working_day(day)
    at = snooze.at or default_time
    return dt.datetime.combine(day, at, tzinfo=now.tzinfo)


def _read(words: list[str], raw: list[str], i: int, today: dt.date, found: _Found) -> int:
    """Read what starts at `i` into `found`; returns where to go on."""
    word = words[i]
    nxt = words[i + 1] if i + 1 < len(words) else ""
    before = words[i - 1] if i > 0 else ""
    for (phrase,) in _SOON:
        if tuple(words[i : i + len(phrase)]) == phrase and found.delay is None:
            found.delay = LATER_SOON
            return i + len(phrase)
    amount = _amount(word)
    if amount is not None:
        return _after_number(words, i, amount, today, found)
    if word in {"mai", "tomorrow"} and not (word == "mai" and before in {"nhac"} and raw[i] == "mãi"):
        found.day = found.day or today + dt.timedelta(days=1)
        return i + 1
    if word == "ngay" and nxt in {"kia", "mot"}:
        found.day = today + dt.timedelta(days=2)
        return i + 2
    if (word in {"nay", "today"} and before in (*_PARTS, "hom")) or word == "today":
        found.day = found.day or today
        return i + 1
    if word == "ngay" and nxt.isdigit():
        return _date(words, i + 1, today, found)
    if word == "thu" and nxt in _WEEKDAY_WORDS:
        return _weekday(words, i + 2, _WEEKDAY_WORDS[nxt], today, found)
    if word in {"t", "th"} and nxt in {"2", "3", "4", "5", "6", "7"}:
        return _weekday(words, i + 2, _WEEKDAY_WORDS[nxt], today, found)
    if word == "chu" and nxt == "nhat":
        return _weekday(words, i + 2, 6, today, found)
    if word in _ENGLISH_WEEKDAYS and (word != "sun" or before == "on") and word not in {"thu", "sat"}:
        return _weekday(words, i + 1, _ENGLISH_WEEKDAYS[word], today, found)
    if (word in {"tuan", "week"} and nxt in _NEXT_WEEK) or (word == "next" and nxt == "week"):
        found.day = found.day or _monday_after(today)
        return i + 2
    if word == "cuoi" and nxt == "tuan":
        friday = today + dt.timedelta(days=(4 - today.weekday()) % 7 or 7)
        found.day = found.day or friday
        return i + 2
    if word in {"dau", "cuoi"} and nxt == "gio" and i + 2 < len(words) and words[i + 2] in {"chieu", "sang"}:
        found.at = found.at or (
            dt.time(13, 30)
            if (word, words[i + 2]) == ("dau", "chieu")
            else (dt.time(16, 30) if word == "cuoi" else dt.time(8, 0))
        )
        return i + 3
    if word in _PARTS and _is_part_of_day(words, raw, i):
        found.at = _with_part(found.at, word)
        return i + 1
    return i + 1


def _after_number(words: list[str], i: int, amount: int, today: dt.date, found: _Found) -> int:
    nxt = words[i + 1] if i + 1 < len(words) else ""
    later = words[i + 2] if i + 2 < len(words) else ""
    before = words[i - 1] if i > 0 else ""
    delay_marked = before in {"sau", "in", "trong"} or later in {"nua", "toi"}
    if nxt in _DAYS and 0 < amount <= _LONGEST_DAYS and before != "ngay":
        found.day = today + dt.timedelta(days=amount)
        return i + 2
    if nxt in _WEEKS and 0 < amount <= 52:
        found.day = today + dt.timedelta(weeks=amount)
        return i + 2
    if nxt in _HOUR_DELAYS and 0 < amount <= 72:
        found.delay = dt.timedelta(hours=amount)
        return i + 2
    if nxt in _MINUTES and delay_marked and 0 < amount <= 600:
        found.delay = dt.timedelta(minutes=amount)
        return i + 2
    if nxt in _HOUR_CLOCK and delay_marked and 0 < amount <= 72:
        found.delay = dt.timedelta(hours=amount)
        return i + 2
    if nxt in _HOUR_CLOCK and 0 <= amount <= 23:
        minutes, taken = _minutes(words, i + 2)
        found.at = _clock(amount, minutes, words, i)
        return taken
    if nxt == ":" and i + 2 < len(words) and words[i + 2].isdigit() and 0 <= amount <= 23:
        minutes = int(words[i + 2]) if int(words[i + 2]) < 60 else 0
        found.at = _clock(amount, minutes, words, i)
        return i + 3
    if nxt in {"am", "pm"} and 1 <= amount <= 12:
        hour = amount % 12 + (12 if nxt == "pm" else 0)
        found.at = dt.time(hour, 0)
        return i + 2
    if before in {"at", "luc"} and 0 <= amount <= 23:
        found.at = _clock(amount, 0, words, i)
        return i + 1
    if nxt == "/" and i + 2 < len(words) and words[i + 2].isdigit():
        return _date(words, i, today, found)
    return i + 1


def _minutes(words: list[str], at: int) -> tuple[int, int]:
    if at < len(words) and words[at].isdigit() and int(words[at]) < 60:
        taken = at + 1
        if taken < len(words) and words[taken] in {"phut", "p"}:
            taken += 1
        return int(words[at]), taken
    if at < len(words) and words[at] == "ruoi":
        return 30, at + 1
    return 0, at


def _clock(hour: int, minute: int, words: list[str], i: int) -> dt.time:
    """`8h` is 08:00, `2h chiều` and a bare `2h` 14:00 (office hours), `14h` 14:00."""
    near = words[max(0, i - 3) : i + 6]
    if hour < 12 and (any(word in _AFTERNOON for word in near) or 1 <= hour <= 6):
        hour += 12
    return dt.time(hour % 24, minute)


def _with_part(at: dt.time | None, part: str) -> dt.time:
    if at is None:
        return _PARTS[part]
    if part in _AFTERNOON and at.hour < 12:
        return dt.time(at.hour + 12, at.minute)
    return at


def _is_part_of_day(words: list[str], raw: list[str], i: int) -> bool:
    """`sáng`/`chiều`/`tối`: folded, `sang` is also «over to» and `toi` also «I»."""
    word = words[i]
    if word not in {"sang", "toi"}:
        return True
    typed = raw[i]
    if typed in {"sáng", "tối"}:
        return True
    if typed != word:
        return False  # `tôi`, `sang` with other marks
    around = words[i + 1 : i + 2] + words[max(0, i - 1) : i]
    return any(w in {"mai", "nay", "thu", "ngay", "h", "gio", "hom"} or w.isdigit() for w in around)


def _date(words: list[str], at: int, today: dt.date, found: _Found) -> int:
    """`ngày 15`, `15/12`, `15/12/2026`, `ngày 15 tháng 12`: the next such day from today."""
    day = int(words[at]) if words[at].isdigit() else 0
    month: int | None = None
    year: int | None = None
    taken = at + 1
    if taken + 1 < len(words) and words[taken] in {"/", "-", "."} and words[taken + 1].isdigit():
        month = int(words[taken + 1])
        taken += 2
        if taken + 1 < len(words) and words[taken] in {"/", "-", "."} and words[taken + 1].isdigit():
            year = int(words[taken + 1])
            taken += 2
    elif taken + 1 < len(words) and words[taken] == "thang" and words[taken + 1].isdigit():
        month = int(words[taken + 1])
        taken += 2
    if not 1 <= day <= 31 or (month is not None and not 1 <= month <= 12):
        return taken
    found.day = found.day or _next_date(today, day, month, year)
    return taken


def _next_date(today: dt.date, day: int, month: int | None, year: int | None) -> dt.date | None:
    if year is not None and month is not None:
        year = year + 2000 if year < 100 else year
        return _safe_date(year, month, day)
    if month is not None:
        candidate = _safe_date(today.year, month, day)
        if candidate is not None and candidate < today:
            candidate = _safe_date(today.year + 1, month, day)
        return candidate
    candidate = _safe_date(today.year, today.month, day)
    if candidate is None or candidate <= today:
        following = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        candidate = _safe_date(following.year, following.month, day)
    return candidate


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _weekday(words: list[str], at: int, weekday: int, today: dt.date, found: _Found) -> int:
    """The weekday after today; `tuần sau` after it: that day of next week."""
    following = words[at : at + 2]
    if (following[:1] == ["tuan"] and following[1:2] and following[1] in _NEXT_WEEK) or following == [
        "next",
        "week",
    ]:
        day = _monday_after(today) + dt.timedelta(days=weekday)
        at += 2
    elif following[:1] == ["tuan"] and following[1:2] == ["nay"]:
        day = today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=weekday)
        at += 2
    else:
        day = today + dt.timedelta(days=(weekday - today.weekday()) % 7 or 7)
    found.day = found.day or day
    return at


def _monday_after(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=7 - today.weekday())


def _amount(word: str) -> int | None:
    if word.isdigit() and len(word) <= 4:
        return int(word)
    return _NUMBER_WORDS.get(word)
