"""Reading a free-text status reply: `xong`, `đang làm 60%`, `vướng mắc: thiếu kinh phí`,
`đã nộp báo cáo tháng 11`, `để thứ Hai 8h nhắc lại`, with or without diacritics, in English too.

`understand_reply` works on the language, not on a list of sentences: it finds cue phrases
(`lexicon.py`, `matching.py`) in the folded words and weighs them (`reading.py`). Precision comes
first: a task is closed only on explicit completion words read for sure; anything less certain is
asked back (`confirm_done`, `choices`), and questions, hand-offs and complaints record nothing.
"""

from __future__ import annotations

import datetime as dt

from bot.db.labels import status_label
from bot.understand.lexicon import VOCABULARY
from bot.understand.matching import find_cues
from bot.understand.messages import ASK_ANY, ASK_WHICH, BAD_PERCENT, CONFIRM_DONE, EMPTY, TOO_LONG, render
from bot.understand.model import (
    Aside,
    PeriodKind,
    Problem,
    ReplyKind,
    ReportClaim,
    ReportPeriod,
    Snooze,
    Understanding,
)
from bot.understand.reading import ALL_STATUSES, NOT_DONE, read
from bot.understand.text import fold_message

__all__ = [
    "ALL_STATUSES",
    "MAX_LENGTH",
    "NOT_DONE",
    "WORKDAY_START",
    "Aside",
    "PeriodKind",
    "Problem",
    "ReplyKind",
    "ReportClaim",
    "ReportPeriod",
    "Snooze",
    "Understanding",
    "understand_reply",
]

MAX_LENGTH = 2000
"""Longer messages are refused whole (never cut): a status reply is a line or two."""

WORKDAY_START = dt.time(8, 0)
"""The time a reply is taken as read when only its day is known (`nhacviec understand --today`)."""


def understand_reply(
    text: str, *, now_date: dt.date, lang: str = "vi", now_time: dt.time = WORKDAY_START
) -> Understanding:
    """What one chat message says about a task. Never raises; `lang` is the language of
    `Understanding.question` (messages are understood in Vietnamese and English alike);
    `now_time` places `chiều nay` or `sau 2 tiếng` (the office's local time)."""
    if len(text) > MAX_LENGTH:
        question = render(lang, TOO_LONG, length=len(text), limit=MAX_LENGTH)
        return Understanding(problem=Problem.TOO_LONG, question=question)
    folded = fold_message(text, VOCABULARY)
    words = folded.words()
    if not any(word.isalnum() or not word.isascii() for word in words):
        return Understanding(problem=Problem.EMPTY, question=render(lang, EMPTY))
    reading = read(folded, find_cues(folded), now_date, now_time)
    understanding = Understanding(
        status=reading.status,
        percent=reading.percent,
        note=reading.note,
        report=reading.report,
        snooze=reading.snooze,
        choices=reading.choices,
        confirm_done=reading.confirm_done,
        aside=reading.aside,
    )
    if reading.choices or reading.confirm_done:
        return _with_question(understanding, lang, reading.bad_percent)
    return understanding


def _with_question(understanding: Understanding, lang: str, bad_percent: str | None) -> Understanding:
    choices = ", ".join(
        f"{number}) {status_label(status, lang)}"
        for number, status in enumerate(understanding.choices, start=1)
    )
    if understanding.confirm_done:
        question = render(lang, CONFIRM_DONE)
    elif bad_percent is not None:
        question = render(lang, BAD_PERCENT, value=bad_percent, choices=choices)
    elif len(understanding.choices) == len(ALL_STATUSES):
        question = render(lang, ASK_ANY, choices=choices)
    else:
        question = render(lang, ASK_WHICH, choices=choices)
    return Understanding(
        status=None,
        percent=None,
        note=understanding.note,
        report=understanding.report,
        snooze=understanding.snooze,
        choices=understanding.choices,
        question=question,
        confirm_done=understanding.confirm_done,
        aside=understanding.aside,
    )
