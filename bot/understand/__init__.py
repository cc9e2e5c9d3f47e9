"""Reading a free-text status reply: `xong`, `đang làm 60%`, `vướng mắc: thiếu kinh phí`,
`đã nộp báo cáo tháng 11`, `nhắc lại sau 2 ngày`, with or without diacritics, in English too.

`understand_reply` works on the language, not on a list of sentences: it finds cue phrases
(`lexicon.py`) in the folded words, applies negations (`chưa xong` is not done, `không vướng mắc`
is no obstacle), reads a percent, a report period and a snooze, then decides. When the cues
disagree or say nothing sure, it returns the candidate statuses so the bot asks back.
"""

from __future__ import annotations

import datetime as dt
import re

from bot.db.labels import status_label
from bot.db.models import TaskStatus
from bot.understand.lexicon import VOCABULARY, Cue
from bot.understand.matching import Match, find_cues
from bot.understand.messages import ASK_ANY, ASK_WHICH, BAD_PERCENT, EMPTY, TOO_LONG, render
from bot.understand.model import (
    PeriodKind,
    Problem,
    ReplyKind,
    ReportClaim,
    ReportPeriod,
    Snooze,
    Understanding,
)
from bot.understand.periods import find_period
from bot.understand.snooze import find_snooze
from bot.understand.text import FoldedMessage, fold_message

__all__ = [
    "MAX_LENGTH",
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

NEGATION_REACH = 3
"""A negation applies to the first cue within this many words after it (`chưa có gì vướng mắc`)."""

ALL_STATUSES = (TaskStatus.DONE, TaskStatus.IN_PROGRESS, TaskStatus.NOT_STARTED, TaskStatus.BLOCKED)
NOT_DONE = (TaskStatus.IN_PROGRESS, TaskStatus.NOT_STARTED)

_STATUS_CUES = frozenset({Cue.DONE, Cue.PROGRESS, Cue.NOT_STARTED, Cue.BLOCKED, Cue.BLOCKED_NOTE, Cue.START})
_NEGATABLE = _STATUS_CUES | {Cue.SUBMIT, Cue.ACK}
_PERCENT_WORDS = (("%",), ("phan", "tram"), ("percent",), ("pct",))
_FRACTION = re.compile(r"^\d{1,2}$")


def understand_reply(text: str, *, now_date: dt.date, lang: str = "vi") -> Understanding:
    """What one chat message says about a task. Never raises; `lang` is the language of
    `Understanding.question` (messages are understood in Vietnamese and English alike)."""
    if len(text) > MAX_LENGTH:
        question = render(lang, TOO_LONG, length=len(text), limit=MAX_LENGTH)
        return Understanding(problem=Problem.TOO_LONG, question=question)
    folded = fold_message(text, VOCABULARY)
    words = folded.words()
    if not any(word.isalnum() or not word.isascii() for word in words):
        return Understanding(problem=Problem.EMPTY, question=render(lang, EMPTY))
    matches = find_cues(words)
    negated = _negated(matches)
    cut, note = _note(folded, matches, negated)
    percent, bad_percent = _percent(words)
    report = _report(matches, negated, words, now_date)
    snooze = _snooze(matches, negated, words, now_date)

    cues = [
        (match, match.start in negated) for match in matches
        if match.start < cut and (report is None or Cue.SUBMIT not in match.cues)
    ]
    status, choices = _decide(cues, percent)
    if bad_percent is not None:
        status, choices = None, ALL_STATUSES  # `150%` is a slip: ask rather than guess
    if status is None and (report is not None or snooze is not None) and bad_percent is None:
        choices = ()  # `chưa xong, nhắc lại sau 3 ngày`: the snooze is the point, no need to ask
    if status is None and not choices and report is None and snooze is None:
        choices = ALL_STATUSES
    understanding = Understanding(
        status=status, percent=percent if status is not None else None, note=note,
        report=report, snooze=snooze, choices=choices,
    )
    if choices:
        return _with_question(understanding, lang, bad_percent)
    return understanding


def _negated(matches: list[Match]) -> set[int]:
    """Start positions of the cues a negation turns around, and of negations that turn nothing
    (a bare `chưa` / `not yet` answering "done yet?")."""
    negated: set[int] = set()
    for index, match in enumerate(matches):
        if Cue.NEGATION not in match.cues or match.start in negated:
            continue
        target = None
        for later in matches[index + 1 :]:
            if later.start - match.end >= NEGATION_REACH or Cue.NEGATION in later.cues:
                break
            if later.cues & _NEGATABLE:
                target = later.start
                break
        negated.add(match.start if target is None else target)
    return negated


def _note(folded: FoldedMessage, matches: list[Match], negated: set[int]) -> tuple[int, str | None]:
    """Where the note starts (status cues after it are its words, not the status) and the note."""
    seen_status = False
    for match in matches:
        if match.start in negated:
            seen_status = True
            continue
        opens = Cue.NOTE in match.cues or Cue.BLOCKED_NOTE in match.cues
        if Cue.REASON in match.cues and seen_status:
            opens = True
        if opens:
            note = folded.rest_after(match.end - 1) if match.end <= len(folded.tokens) else ""
            return match.end, note or None
        if match.cues & _STATUS_CUES:
            seen_status = True
    return len(folded.tokens), None


def _percent(words: list[str]) -> tuple[int | None, str | None]:
    """The last percentage written (`60%`, `60 phần trăm`, `một nửa`, `2/3`), and an invalid one."""
    found: int | None = None
    bad: str | None = None
    for index, word in enumerate(words):
        number = _number(word)
        if number is not None and any(
            tuple(words[index + 1 : index + 1 + len(unit)]) == unit for unit in _PERCENT_WORDS
        ):
            if 0 <= number <= 100:
                found = round(number)
            else:
                bad = word
        elif (
            _FRACTION.match(word) and words[index + 1 : index + 2] == ["/"]
            and index + 2 < len(words) and _FRACTION.match(words[index + 2])
        ):
            numerator, denominator = int(word), int(words[index + 2])
            if 0 < denominator <= 10 and numerator <= denominator:
                found = round(100 * numerator / denominator)
        elif tuple(words[index : index + 2]) in {("mot", "nua"), ("phan", "nua"), ("nua", "chung")} or (
            word == "half" and "year" not in words[index + 1 : index + 3]
        ):
            found = 50
    return found, bad


def _number(word: str) -> float | None:
    if not word[:1].isdigit():
        return None
    try:
        return float(word.replace(",", "."))
    except ValueError:
        return None


def _report(matches: list[Match], negated: set[int], words: list[str], now: dt.date) -> ReportClaim | None:
    submitted = any(Cue.SUBMIT in m.cues and m.start not in negated for m in matches)
    mentions_report = any(Cue.REPORT in m.cues for m in matches)
    if not submitted:
        return None
    period = find_period(words, now)
    if period is None and not mentions_report:
        return None
    return ReportClaim(period=period)


def _snooze(matches: list[Match], negated: set[int], words: list[str], now: dt.date) -> Snooze | None:
    if any(m.cues & {Cue.REMIND, Cue.LATER} and m.start not in negated for m in matches):
        return find_snooze(words, now)
    return None


def _decide(
    cues: list[tuple[Match, bool]], percent: int | None
) -> tuple[TaskStatus | None, tuple[TaskStatus, ...]]:
    seen: set[TaskStatus] = set()
    not_done = acknowledged = False
    for match, negated in cues:
        signals = match.cues
        if negated:
            if signals & {Cue.DONE, Cue.SUBMIT} or Cue.NEGATION in signals:
                not_done = True
            elif signals & {Cue.START, Cue.PROGRESS}:
                seen.add(TaskStatus.NOT_STARTED)
            continue
        if signals & {Cue.BLOCKED, Cue.BLOCKED_NOTE}:
            seen.add(TaskStatus.BLOCKED)
        elif Cue.DONE in signals:
            seen.add(TaskStatus.DONE)
        elif Cue.PROGRESS in signals:
            seen.add(TaskStatus.IN_PROGRESS)
        elif Cue.NOT_STARTED in signals:
            seen.add(TaskStatus.NOT_STARTED)
        elif Cue.ACK in signals:
            acknowledged = True
    if TaskStatus.BLOCKED in seen:
        return TaskStatus.BLOCKED, ()
    if percent is not None:
        if percent == 100:
            return TaskStatus.DONE, ()
        return (TaskStatus.NOT_STARTED if percent == 0 else TaskStatus.IN_PROGRESS), ()
    if TaskStatus.IN_PROGRESS in seen and TaskStatus.NOT_STARTED not in seen:
        # `đã xong phần khảo sát, đang làm báo cáo`: part done, the rest under way.
        return TaskStatus.IN_PROGRESS, ()
    if TaskStatus.DONE in seen and not_done and TaskStatus.NOT_STARTED not in seen:
        return TaskStatus.IN_PROGRESS, ()  # `xong phần 1, chưa xong phần 2`
    if len(seen) == 1:
        return seen.pop(), ()
    if len(seen) > 1:
        return None, tuple(status for status in ALL_STATUSES if status in seen)
    if not_done:
        return None, NOT_DONE
    if acknowledged:
        return None, ALL_STATUSES
    return None, ()


def _with_question(understanding: Understanding, lang: str, bad_percent: str | None) -> Understanding:
    choices = ", ".join(
        f"{number}) {status_label(status, lang)}"
        for number, status in enumerate(understanding.choices, start=1)
    )
    if bad_percent is not None:
        question = render(lang, BAD_PERCENT, value=bad_percent, choices=choices)
    elif len(understanding.choices) == len(ALL_STATUSES):
        question = render(lang, ASK_ANY, choices=choices)
    else:
        question = render(lang, ASK_WHICH, choices=choices)
    return Understanding(
        status=None, percent=None, note=understanding.note, report=understanding.report,
        snooze=understanding.snooze, choices=understanding.choices, question=question,
    )
