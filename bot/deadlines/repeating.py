"""Build a `Recurrence` from the cues of one text: a frequency word and the cues that give its dates.

`trước ngày 15 hàng tháng, tháng cuối quý` → monthly on the 14th: when both a monthly word and
`tháng cuối quý` appear, the month wins, since the quarter's last month is also a month. Several
year-less dates of a yearly cycle each keep their own day (`báo cáo 6 tháng trước ngày 10/6, báo
cáo năm trước ngày 5/12`), and `riêng tháng Hai là ngày cuối tháng` gives one month its own day.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from bot.deadlines.context import Tier
from bot.deadlines.cues import Cue, Grain, Piece
from bot.deadlines.model import LAST_DAY, Freq, Recurrence

_FINEST_FIRST = (Freq.WEEKLY, Freq.MONTHLY, Freq.QUARTERLY, Freq.SEMIANNUAL, Freq.ANNUAL)
SCOPE = 60
"""How far (in characters) a frequency word reaches for the day or month that goes with it."""
_DAY_CUES = (Cue.DAY, Cue.WINDOW, Cue.LAST_DAY)
_FREQ_BY_MONTH_COUNT = {1: Freq.ANNUAL, 2: Freq.SEMIANNUAL, 4: Freq.QUARTERLY, 12: Freq.MONTHLY}
_EXCEPT_REACH = 40
"""How far after `riêng tháng Hai` its own day may be written (`là ngày cuối tháng`)."""
_LONGEST_MONTH = {2: 29, 4: 30, 6: 30, 9: 30, 11: 30}


@dataclass(slots=True)
class Repeating:
    rule: Recurrence
    used: list[Piece] = field(default_factory=list)
    ambiguous: bool = False


def span_start(piece: Piece) -> int:
    return piece.lead if piece.lead >= 0 else piece.start


def _distance(piece: Piece, anchors: list[Piece]) -> int:
    return min(max(anchor.start - piece.end, piece.start - anchor.end, 0) for anchor in anchors)


def _previous_month(month: int) -> int:
    return 12 if month == 1 else month - 1


def _month_days(piece: Piece) -> list[tuple[int, int]]:
    """(month, day) of each annual due date a year-less cue gives (`tháng 6 và tháng 12`: two)."""
    if not piece.members or piece.grain not in (Grain.MONTH, Grain.QUARTER):
        return [_month_day(piece)]
    if piece.grain is Grain.MONTH:
        return [_month_day(replace(piece, month=member)) for member in piece.members]
    return [_month_day(replace(piece, quarter=member)) for member in piece.members]


def _month_day(piece: Piece) -> tuple[int, int]:
    """(month, day) of a year-less dated cue, as an annual due date (`trước` applied)."""
    if piece.grain is Grain.DAY:
        if not piece.shift:
            return piece.month, piece.day
        if piece.day == 1:
            return _previous_month(piece.month), LAST_DAY
        return piece.month, piece.day - 1
    month = piece.month if piece.grain is Grain.MONTH else piece.quarter * 3
    if piece.shift:
        first_month = month if piece.grain is Grain.MONTH else month - 2
        return _previous_month(first_month), LAST_DAY
    day = {"dau": 1, "giua": 15}.get(piece.point or "", LAST_DAY)
    return month, day


def _gives_a_day(piece: Piece, anchors: list[Piece]) -> bool:
    if piece.cue in _DAY_CUES:
        return True
    return piece.cue is Cue.PERIOD and piece.year is None and _distance(piece, anchors) <= SCOPE


def assemble(pieces: list[Piece]) -> Repeating | None:
    """The recurrence the text describes, or None when it has no frequency cue."""
    exceptions, excepted = _exceptions(pieces)
    if excepted:
        pieces = [p for p in pieces if all(p is not used for used in excepted)]
    result = _assemble(pieces)
    if result is not None and excepted and result.rule.day is not None:
        result.used.extend(excepted)
        _add_exceptions(result, exceptions)
    return result


def _exceptions(pieces: list[Piece]) -> tuple[list[tuple[int, int]], list[Piece]]:
    """(month, day) of each `riêng tháng X … ngày Y`, and the cues that said it."""
    found: list[tuple[int, int]] = []
    used: list[Piece] = []
    for index, piece in enumerate(pieces):
        if piece.cue is not Cue.EXCEPT or not 1 <= piece.month <= 12:
            continue
        following = pieces[index + 1] if index + 1 < len(pieces) else None
        if following is None or following.start - piece.end > _EXCEPT_REACH:
            continue
        if following.cue is Cue.LAST_DAY:
            found.append((piece.month, LAST_DAY))
        elif following.cue is Cue.DAY:
            found.append(_month_day(replace(following, cue=Cue.PERIOD, month=piece.month)))
        elif following.cue is Cue.PERIOD and following.grain is Grain.DAY and following.year is None:
            found.append(_month_day(following))
        else:
            continue
        used += [piece, following]
    return found, used


def _add_exceptions(result: Repeating, exceptions: list[tuple[int, int]]) -> None:
    """Months with their own day; one the usual day already gives (`ngày 29 …, riêng tháng Hai là
    ngày cuối tháng`: the 29th clamps to February's end) is left out."""
    rule = result.rule
    assert rule.day is not None
    own = dict(rule.exceptions)
    for month, day in exceptions:
        if month in own and own[month] != day:
            result.ambiguous = True
        own[month] = day
    kept = tuple(sorted((month, day) for month, day in own.items() if not _same_day(rule.day, month, day)))
    result.rule = replace(rule, exceptions=kept)


def _same_day(usual: int, month: int, day: int) -> bool:
    if day == usual:
        return True
    longest = _LONGEST_MONTH.get(month, 31)
    return day == LAST_DAY and (usual == LAST_DAY or usual >= longest)


def _assemble(pieces: list[Piece]) -> Repeating | None:
    freqs = [p for p in pieces if p.cue is Cue.FREQ and p.freq is not None]
    if freqs and all(p.implied for p in freqs) and not any(_gives_a_day(p, freqs) for p in pieces):
        freqs = []
    quarter_months = [p for p in pieces if p.cue is Cue.QUARTER_MONTHS]
    last_days = [p for p in pieces if p.cue is Cue.LAST_DAY]
    if not (freqs or quarter_months or last_days):
        return None
    if freqs:
        freq = min((p.freq for p in freqs if p.freq is not None), key=_FINEST_FIRST.index)
        anchors = [p for p in freqs if p.freq is freq]
    elif quarter_months:
        freq, anchors = Freq.QUARTERLY, quarter_months
    else:
        freq, anchors = last_days[0].freq or Freq.MONTHLY, last_days
    # `báo cáo tháng, quý` only names reports; the span shows the words that set the cycle.
    result = Repeating(Recurrence(freq), used=[p for p in freqs if not p.implied] or list(freqs))
    months: tuple[int, ...] | None = None
    if quarter_months:
        result.used.extend(quarter_months)
        anchors = anchors + quarter_months
        if freq is Freq.QUARTERLY:
            months = quarter_months[0].months
    if freq is Freq.WEEKLY:
        weekdays = sorted((p for p in pieces if p.cue is Cue.WEEKDAY), key=lambda p: _distance(p, anchors))
        if weekdays and _distance(weekdays[0], anchors) <= SCOPE:
            result.used.append(weekdays[0])
            result.rule = Recurrence(freq, weekday=weekdays[0].weekday)
            result.ambiguous = len({p.weekday for p in weekdays}) > 1
        return result
    if freq in (Freq.ANNUAL, Freq.SEMIANNUAL):
        dated = [
            p
            for p in pieces
            if p.cue is Cue.PERIOD
            and p.year is None
            and p.grain in (Grain.DAY, Grain.MONTH, Grain.QUARTER)
            # `Hằng năm, … báo cáo UBND tỉnh chậm nhất ngày 10 tháng 12`: a deadline word ties a
            # year-less date to the yearly cycle however far apart they are written.
            and (_distance(p, anchors) <= SCOPE or p.tier >= Tier.WEAK)
        ]
        if dated:
            pairs = [pair for p in dated for pair in _month_days(p)]
            result.used.extend(dated)
            annual_months = tuple(sorted({month for month, _ in pairs}))
            if freq is Freq.ANNUAL or len(annual_months) == 1:
                # The dates set the cycle: `báo cáo 6 tháng đầu năm gửi trước ngày 10/07` is due
                # once a year, in July.
                freq = _FREQ_BY_MONTH_COUNT.get(len(annual_months), Freq.ANNUAL)
            # Each date keeps its own day: `báo cáo 6 tháng trước ngày 10/6, báo cáo năm trước
            # ngày 5/12` is due 9 June and 4 December.
            result.rule = Recurrence(freq, day=pairs[0][1], months=annual_months)
            _add_exceptions(result, pairs[1:])
            return result
    days = sorted((p for p in pieces if p.cue in _DAY_CUES), key=lambda p: _distance(p, anchors))
    if not days:
        result.rule = Recurrence(freq, months=months)
        return result
    if freq in (Freq.ANNUAL, Freq.SEMIANNUAL):
        # `ngày 15 hằng năm`: a day, but of which month? Keep only the frequency.
        result.rule = Recurrence(freq)
        result.ambiguous = True
        return result
    chosen = days[0]
    result.used.extend(days)
    day = chosen.day
    if chosen.shift and day != LAST_DAY:
        day -= 1
        if day == 0:
            day = LAST_DAY
            if months is not None:
                months = tuple(sorted(_previous_month(m) for m in months))
    window_start = chosen.first_day if chosen.cue is Cue.WINDOW else None
    result.rule = Recurrence(freq, day=day, months=months, window_start=window_start)
    result.ambiguous = len({(p.day, p.shift) for p in days}) > 1
    return result
