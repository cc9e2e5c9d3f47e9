"""What surrounds a dated cue: the deadline word before it, a time of day, the other end of a range."""

from __future__ import annotations

import re
from enum import IntEnum
from itertools import pairwise
from typing import TypeGuard

from bot.deadlines.cues import Cue, Grain, Piece
from bot.deadlines.patterns import CONNECTOR, LOOKBEHIND, MARKER_BEFORE, TRUOC


class Tier(IntEnum):
    """How surely a dated cue is the deadline, from the word before it."""

    ANCHOR = -2
    """`kể từ ngày X`: X starts a relative period; it is not a due date."""
    OTHER = -1
    """`so với năm 2021`, `sau năm 2030`, `Nghị định … ngày …`: a date, but not a deadline."""
    START = 0
    """`từ tháng 3/2025`: when work starts."""
    PLAIN = 1
    WEAK = 2
    """`trong`, `vào`, `đến`: the period the work falls in."""
    STRONG = 3
    """`trước`, `chậm nhất`, `hạn`, `hoàn thành`: an explicit deadline."""


_TIER_OF_GROUP = {
    "shift": Tier.STRONG,
    "strong": Tier.STRONG,
    "weak": Tier.WEAK,
    "anchor": Tier.ANCHOR,
    "start": Tier.START,
    "other": Tier.OTHER,
    "doc": Tier.OTHER,
}
_MARKED = (Cue.PERIOD, Cue.DAY, Cue.WINDOW, Cue.LAST_DAY, Cue.TIME, Cue.INVALID)
_TIME_GAP = re.compile(rf"[ ,;]{{0,4}}(?:(?:vao[ ]{{0,3}})?luc[ ]{{0,3}}|{TRUOC}[ ]{{0,3}})?")
"""Between a date and its time of day: `ngày 30/6/2025, lúc 8 giờ`, `14 giờ, ngày 05/12/2017`."""
_ALNUM = re.compile(r"[a-z0-9]")


def mark(pieces: list[Piece], folded: str) -> None:
    """Set each dated cue's tier, `trước` shift and lead from the words just before it."""
    for piece in pieces:
        if piece.cue not in _MARKED:
            continue
        match = MARKER_BEFORE.search(folded, max(0, piece.start - LOOKBEHIND), piece.start)
        if match is None or match.lastgroup is None:
            continue
        piece.tier = _TIER_OF_GROUP[match.lastgroup]
        if piece.tier == Tier.START and (piece.head is not None or piece.last_year is not None):
            piece.tier = Tier.WEAK  # `từ tháng 3 đến tháng 6/2025`: a range, due at its end
        piece.shift = match.lastgroup == "shift"
        if piece.tier >= Tier.START:
            piece.lead = match.start()


def attach_times(pieces: list[Piece], folded: str) -> list[Piece]:
    """Fold a time of day into the date it qualifies (`trước 14 giờ, ngày 05/12/2017`)."""
    kept: list[Piece] = []
    for index, piece in enumerate(pieces):
        if piece.cue is not Cue.PERIOD or piece.grain is not Grain.DAY:
            kept.append(piece)
            continue
        before = kept[-1] if kept else None
        after = pieces[index + 1] if index + 1 < len(pieces) else None
        if _is_time(before) and _TIME_GAP.fullmatch(folded, before.end, piece.start):
            kept.pop()
            piece.time = before.time
            # `trước 14 giờ, ngày X` is due on X by 14:00, not the day before X.
            piece.tier = max(piece.tier, before.tier)
            piece.shift = False
            piece.lead = before.lead if before.lead >= 0 else before.start
        elif _is_time(after) and _TIME_GAP.fullmatch(folded, piece.end, after.start):
            piece.time = after.time
            piece.end = after.end
        kept.append(piece)
    return kept


def _is_time(piece: Piece | None) -> TypeGuard[Piece]:
    return piece is not None and piece.cue is Cue.TIME


def merge_ranges(pieces: list[Piece], folded: str) -> list[Piece]:
    """Join `X đến/và/- Y` into one cue for Y whose `head` is X; X may borrow Y's year."""
    merged: list[Piece] = []
    for piece in pieces:
        previous = merged[-1] if merged else None
        if previous is not None and _day_carries_over(previous, piece, folded):
            # `ngày 20 tháng 6 và tháng 12`: the second month has the same day.
            piece.grain, piece.day = Grain.DAY, previous.day
        if (
            previous is not None
            and previous.cue is Cue.PERIOD
            and piece.cue is Cue.PERIOD
            and previous.grain == piece.grain
            and previous.point is None
            and piece.point is None
            and CONNECTOR.fullmatch(folded, previous.end, piece.start)
        ):
            piece.needs_marker = piece.needs_strong_marker = False
            if piece.tier == Tier.PLAIN:
                # `trước ngày 20/6 và 20/12`: the second date shares the first one's word.
                piece.tier, piece.shift = previous.tier, previous.shift
            listed = _LISTED.search(folded, previous.end, piece.start) is not None
            if _joinable(previous, piece, listed):
                merged.pop()
                piece.head = previous.head or previous
                if listed:
                    piece.members = (*(previous.members or (_member(previous),)), _member(piece))
                piece.tier = max(piece.tier, previous.tier, Tier.WEAK if previous.tier == Tier.START else 0)
                piece.shift = previous.shift or piece.shift
                piece.lead = previous.lead if previous.lead >= 0 else previous.start
        merged.append(piece)
    return merged


_LISTED = re.compile(r",|\bva\b")


def _day_carries_over(previous: Piece, piece: Piece, folded: str) -> bool:
    return (
        previous.cue is Cue.PERIOD
        and piece.cue is Cue.PERIOD
        and previous.grain is Grain.DAY
        and piece.grain is Grain.MONTH
        and piece.point is None
        and piece.head is None
        and _LISTED.search(folded, previous.end, piece.start) is not None
        and CONNECTOR.fullmatch(folded, previous.end, piece.start) is not None
    )


def _joinable(first: Piece, second: Piece, listed: bool) -> bool:
    """Whether two connected dated cues are one range or list (else two readings).

    The later one must carry the year (or neither does); year-less days joined by `và` stay
    apart, since a list of days keeps every day only as separate cues (`15/6 và 15/12 hằng năm`).
    """
    if second.year is None:
        return first.year is None and not (listed and first.grain is Grain.DAY)
    return first.year is None or first.year <= second.year


def _member(piece: Piece) -> int:
    return piece.quarter if piece.grain is Grain.QUARTER else piece.month


_ONWARD_GAP = re.compile(r"[ ,]{0,4}(?:va[ ]{1,3})?")


def mark_onward(pieces: list[Piece], folded: str) -> list[Piece]:
    """`từ năm 2027 trở đi`, `năm 2027 và các năm tiếp theo`: the period right before the onward
    words is when the work starts, not its deadline. Returns those periods."""
    starts: list[Piece] = []
    for previous, piece in pairwise(pieces):
        if (
            piece.cue is Cue.ONWARD
            and previous.cue is Cue.PERIOD
            and _ONWARD_GAP.fullmatch(folded, previous.end, piece.start)
        ):
            previous.tier = Tier.START
            starts.append(previous)
    return starts


def stands_alone(piece: Piece, folded: str) -> bool:
    """Whether the cue is all the text says (a table cell `2025` or `30/6`)."""
    return _ALNUM.search(folded, 0, piece.start) is None and _ALNUM.search(folded, piece.end) is None
