"""Read the deadline in a Vietnamese text: `parse_deadline("trong quý II/2017", ref) → 2017-06-30`.

The text is folded (`normalize`), scanned for cues (`cues`), each dated cue is weighed by the
word before it (`context`), a frequency word gathers its day (`repeating`), and one reading is
chosen: an explicit deadline (`trước`, `chậm nhất`, `hoàn thành`) over a period the work falls
in (`trong`, `vào`, `đến`) over a bare date; inside those, the most specific, then the latest.
Phrases that fix no date (`kịp thời`, `trong 5 ngày làm việc kể từ …`) never yield one.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from bot.deadlines.context import Tier, attach_times, mark, mark_onward, merge_ranges, stands_alone
from bot.deadlines.cues import Cue, Piece, bounds, scan
from bot.deadlines.model import Deadline, Kind, Problem
from bot.deadlines.normalize import Folded, fold
from bot.deadlines.periods import day_before
from bot.deadlines.repeating import Repeating, assemble, span_start

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class _Reading:
    piece: Piece
    first: dt.date
    last: dt.date
    due: dt.date
    start: dt.date | None


def parse_deadline(text: str, ref: dt.date) -> Deadline:
    """The deadline `text` states, read against `ref` (the plan's issue date). Never raises."""
    try:
        return _parse(text, ref)
    except Exception:  # the contract: any input gives a Deadline; a bug here must not stop a run
        logger.exception("parse_deadline failed on %r", text[:200] if isinstance(text, str) else text)
        return Deadline(Kind.NONE, ambiguous=True)


def _parse(text: str, ref: dt.date) -> Deadline:
    if not isinstance(text, str) or not text:
        return Deadline(Kind.NONE)
    if isinstance(ref, dt.datetime):
        ref = ref.date()  # a datetime does not compare with dates
    folded = fold(text)
    pieces = scan(folded.text)
    if not pieces:
        return Deadline(Kind.NONE)
    mark(pieces, folded.text)
    pieces = merge_ranges(attach_times(pieces, folded.text), folded.text)
    starts = mark_onward(pieces, folded.text)
    repeating = assemble(pieces)
    used = {id(p) for p in repeating.used} if repeating else set()
    readings: list[_Reading] = []
    for piece in pieces:
        if piece.cue is Cue.PERIOD and id(piece) not in used and _eligible(piece, folded.text):
            reading = _read(piece, ref)
            if reading is None:
                piece.cue = Cue.INVALID  # `29/2` with no leap year ahead: no real date
            else:
                readings.append(reading)
    if readings:
        return _choose_once(readings, repeating, pieces, folded)
    if repeating is not None:
        return _recurring(repeating, folded, ambiguous=repeating.ambiguous)
    continuous = [p for p in pieces if p.cue in (Cue.CONTINUOUS, Cue.ONWARD)]
    if continuous:
        # `từ năm 2027 trở đi`: ongoing work; the start is kept when the text gives one.
        first = _read(starts[0], ref) if starts else None
        return Deadline(
            Kind.CONTINUOUS,
            span=_span(folded, [*starts, *continuous]),
            start=first.first if first is not None else None,
        )
    relative = [p for p in pieces if p.cue is Cue.RELATIVE]
    if relative:
        return Deadline(Kind.NONE, span=_span(folded, relative), problem=Problem.EVENT)
    no_date = [p for p in pieces if p.cue is Cue.NO_DATE]
    if no_date:
        return Deadline(Kind.NONE, span=_span(folded, no_date))
    for problem, unread in (
        (Problem.NOT_A_DATE, [p for p in pieces if p.cue is Cue.INVALID and _eligible(p, folded.text)]),
        (Problem.NO_MONTH, [p for p in pieces if p.cue in (Cue.DAY, Cue.WINDOW)]),
        (Problem.NO_END, [p for p in pieces if p.cue is Cue.PERIOD and p.tier == Tier.START]),
    ):
        if unread:
            return Deadline(Kind.NONE, span=_span(folded, unread), ambiguous=True, problem=problem)
    return Deadline(Kind.NONE)


def _eligible(piece: Piece, folded: str) -> bool:
    if piece.tier < Tier.PLAIN:
        return False
    if piece.needs_strong_marker:
        return piece.tier >= Tier.STRONG or stands_alone(piece, folded)
    if piece.needs_marker:
        return piece.tier >= Tier.WEAK or stands_alone(piece, folded)
    return True


def _resolve(piece: Piece, year: int) -> tuple[dt.date, dt.date, dt.date] | None:
    """(first, last, due) of a dated cue in `year`."""
    found = bounds(piece, year)
    if found is None:
        return None
    first, last = found
    due = day_before(first) if piece.shift else last
    return None if due is None else (first, last, due)


def _read(piece: Piece, ref: dt.date) -> _Reading | None:
    if piece.year is not None:
        resolved = _resolve(piece, piece.year)
    elif piece.next_year:
        resolved = _resolve(piece, ref.year + 1)
    else:
        # A year-less date means the reference year, or the next one when already past.
        resolved = _resolve(piece, ref.year)
        if resolved is None or resolved[2] < ref:
            resolved = _resolve(piece, ref.year + 1)
    if resolved is None:
        return None
    first, last, due = resolved
    start = first if piece.last_year is not None else None
    head = piece.head
    if head is not None:
        year = last.year
        head_bounds = bounds(head, head.year if head.year is not None else year)
        if head_bounds is not None and head.year is None and head_bounds[0] > last:
            # `tháng 11 đến tháng 2/2026`: the range began the year before.
            head_bounds = bounds(head, year - 1)
        if head_bounds is not None:
            start = head_bounds[0]
            first = min(first, head_bounds[0])
            if piece.shift:
                due = day_before(first) or due
    return _Reading(piece, first, last, due, start)


def _choose_once(
    readings: list[_Reading], repeating: Repeating | None, pieces: list[Piece], folded: Folded
) -> Deadline:
    top_tier = max(r.piece.tier for r in readings)
    top = [r for r in readings if r.piece.tier == top_tier]
    # A period that contains another (năm 2017 … tháng 4/2017) yields to the specific one.
    specific = [r for r in top if not any(_contains(r, o) for o in top)]
    best = max(specific, key=lambda r: (r.due, -r.piece.start))
    ambiguous = best.piece.ambiguous or len({r.due for r in specific}) > 1
    if repeating is not None:
        if (repeating.rule.has_dates and top_tier < Tier.STRONG) or top_tier < Tier.WEAK:
            return _recurring(repeating, folded, ambiguous=True, problem=Problem.CONFLICT)
        ambiguous = True
    elif top_tier < Tier.WEAK and any(p.cue is Cue.CONTINUOUS for p in pieces):
        if best.piece.year is None and not best.piece.next_year:
            # `Thường xuyên trong năm`: the year only frames continuous work.
            continuous = [p for p in pieces if p.cue is Cue.CONTINUOUS]
            return Deadline(Kind.CONTINUOUS, span=_span(folded, continuous), ambiguous=True)
        ambiguous = True
    piece = best.piece
    span = folded.original_span(span_start(piece), piece.end)
    return Deadline(
        Kind.ONCE,
        due=best.due,
        time=piece.time,
        span=span,
        ambiguous=ambiguous,
        start=best.start,
        problem=Problem.CONFLICT if ambiguous else None,
    )


def _contains(outer: _Reading, inner: _Reading) -> bool:
    """Whether `outer` strictly contains `inner`."""
    same = (outer.first, outer.last) == (inner.first, inner.last)
    return not same and outer.first <= inner.first and inner.last <= outer.last


def _recurring(
    repeating: Repeating, folded: Folded, *, ambiguous: bool, problem: Problem | None = None
) -> Deadline:
    return Deadline(
        Kind.RECURRING,
        recurrence=repeating.rule,
        span=_span(folded, repeating.used),
        ambiguous=ambiguous,
        problem=problem or (Problem.CONFLICT if ambiguous else None),
    )


def _span(folded: Folded, pieces: list[Piece]) -> tuple[int, int]:
    start = min(span_start(p) for p in pieces)
    end = max(p.end for p in pieces)
    return folded.original_span(start, end)
