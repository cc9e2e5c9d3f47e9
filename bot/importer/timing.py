"""Timing phrases inside task text, read by the deadline parser relative to the issue date."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.deadlines import parse_deadline
from bot.deadlines.model import Deadline, Kind
from bot.folding import fold

# `Nghị quyết số 06-NQ/TW ngày 05/11/2016`: a date that names another document, not a deadline.
_DOCUMENT_CODE_BEFORE = re.compile(r"(?:[\w-]+/[\w/.-]+|\bs[o6]\s*:?\s*[\w/.-]*\d[\w/.-]*)\s*,?\s*$")
_DOCUMENT_NAME_BEFORE = re.compile(
    r"\b(?:luat|nghi quyet|nghi dinh|quyet dinh|thong tu|chi thi|hien phap)\b[^,;]{0,30}$"
)
_CLAUSES = re.compile(r"[^;.]+(?:\.(?=\S)[^;.]*)*[;.]?")


@dataclass(frozen=True, slots=True)
class Timing:
    text: str
    """The timing phrase exactly as written."""
    deadline: Deadline
    weak: bool = False
    """Found in running text with nothing marking it as the task's deadline (`đến năm 2030`
    inside a programme's name): the draft flags it for review."""

    @property
    def due(self) -> dt.date | None:
        return self.deadline.due if self.deadline.kind is Kind.ONCE else None

    @property
    def recurrence(self) -> str | None:
        """JSON's `recurrence`: null | weekly | monthly | quarterly | semiannual | annual | continuous."""
        if self.deadline.kind is Kind.CONTINUOUS:
            return "continuous"
        if self.deadline.kind is Kind.RECURRING and self.deadline.recurrence is not None:
            return self.deadline.recurrence.freq.value
        return None


def read_value(value: str, ref: dt.date) -> Timing | None:
    """A labelled timing (`Thời gian thực hiện: Quý II/2017`, a table cell): the value as a whole."""
    value = " ".join(value.split()).strip(" .;,")
    if not value:
        return None
    deadline = parse_deadline(value, ref)
    return Timing(value, deadline)


def find_in_text(text: str, ref: dt.date) -> Timing | None:
    """The timing phrase in running text that is most likely the task's deadline.

    Every phrase the parser reads is a candidate; one that follows `báo cáo`, `hoàn thành`,
    `trình` or starts with `trước`/`chậm nhất` wins over a dated quarter or month, which wins over
    a year or period (`đến năm 2030` is often part of a programme's name); ties go to the first.
    """
    candidates = sorted(_candidates(text, ref), key=lambda candidate: (-candidate[0], candidate[1]))
    if not candidates:
        return None
    strength, _, timing = candidates[0]
    if strength == 1 and timing.deadline.kind is Kind.ONCE:
        return Timing(timing.text, timing.deadline, weak=True)
    return timing


def committed_deadline(text: str, ref: dt.date) -> Timing | None:
    """A date the text commits some work to (`Trong năm 2022, hoàn thành việc …`, `báo cáo … trong
    quý II`), as opposed to a target's horizon: such a target is also a task."""
    strong = [candidate for candidate in _candidates(text, ref) if candidate[0] == 3 and candidate[2].due]
    return min(strong, key=lambda candidate: candidate[1])[2] if strong else None


def dated_deadlines(text: str, ref: dt.date) -> list[Timing]:
    """The phrases that fix a date for some work (quarter, month, day, or after `hoàn thành`…),
    in document order: two different dates often mean two tasks in one paragraph."""
    return [
        timing
        for strength, _, timing in sorted(_candidates(text, ref), key=lambda candidate: candidate[1])
        if strength >= 2 and timing.due is not None
    ]


def _candidates(text: str, ref: dt.date) -> list[tuple[int, int, Timing]]:
    """Every timing phrase of each clause and of each comma-separated piece of it. A piece inside
    a cycle the whole clause reads (`Định kỳ hằng năm, … báo cáo … trước ngày 05/12`) is part of
    that cycle, not a date of its own, and is left out."""
    candidates: list[tuple[int, int, Timing]] = []
    cycles: list[tuple[int, int]] = []
    seen: set[tuple[int, int]] = set()
    for clause in _CLAUSES.finditer(text):
        pieces = [(clause.start(), clause.group())]
        pieces += [(clause.start() + part.start(), part.group()) for part in _PIECES.finditer(clause.group())]
        for offset, piece in pieces:
            for start, end, timing in _in_piece(piece, ref):
                key = (offset + start, offset + end)
                if key in seen or any(first <= key[0] and key[1] <= last for first, last in cycles):
                    continue
                seen.add(key)
                if timing.deadline.kind is Kind.RECURRING and offset == clause.start():
                    cycles.append(key)
                before = fold(text[max(0, offset + start - 45) : offset + start], keep_marks=True)
                after = fold(text[offset + end : offset + end + 20], keep_marks=True)
                strength = _strength(before, fold(timing.text, keep_marks=True), after)
                candidates.append((strength, offset + start, timing))
    return candidates


_PIECES = re.compile(r"[^,;]+")
_STRONG_BEFORE = re.compile(
    r"\b(?:bao\s+cao|hoan\s+thanh|trinh|xong|ban\s+hanh|hoan\s+chinh|nop|gui)\b[^.;]{0,40}$"
)
_STRONG_PHRASE = re.compile(r"^(?:truoc|cham\s+nhat|han\b|thoi\s+han|hoan\s+thanh)")
# A fronted time, then the commitment: `Trong năm 2022, hoàn thành …` (without the comma the year
# often ends a name: `quy hoạch … đến năm 2030 hoàn thành bước dự thảo vào tháng 4/2017`).
_STRONG_AFTER = re.compile(r"\s*,\s*(?:phai\s+)?(?:hoan\s+thanh|xong|trinh)\b")
_SPECIFIC = re.compile(r"\b(?:quy|thang|ngay)\b|\d/\d")


def _strength(before: str, phrase: str, after: str = "") -> int:
    if _STRONG_PHRASE.search(phrase) or _STRONG_BEFORE.search(before) or _STRONG_AFTER.match(after):
        return 3
    if _SPECIFIC.search(phrase):
        return 2
    return 1


def _in_piece(piece: str, ref: dt.date) -> list[tuple[int, int, Timing]]:
    found: list[tuple[int, int, Timing]] = []
    offset = 0
    while offset < len(piece):
        deadline = parse_deadline(piece[offset:], ref)
        if deadline.kind is Kind.NONE or deadline.span is None:
            break
        start, end = offset + deadline.span[0], offset + deadline.span[1]
        if end <= start:
            break
        before = fold(piece[max(0, start - 40) : start], keep_marks=True)
        if not (_DOCUMENT_CODE_BEFORE.search(before) or _DOCUMENT_NAME_BEFORE.search(before)):
            phrase = piece[start:end].strip(" ,;.")
            if phrase:
                found.append((start, end, Timing(phrase, deadline)))
        offset = end
    return found
