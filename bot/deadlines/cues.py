"""Scan folded text for timing cues: dated periods, recurrence words, continuity and no-date words.

A cue is what one match of `patterns.SCAN` means, before any choice between cues. Numbers are
validated here: `31/2/2025` becomes an INVALID cue (noted, never turned into a date).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import IntEnum, StrEnum

from bot.deadlines.model import LAST_DAY, Freq
from bot.deadlines.patterns import (
    EACH_NEXT_YEAR,
    LOOKBEHIND,
    MARKER_BEFORE,
    NEXT_AFTER_YEAR,
    NEXT_YEAR,
    NUMBER,
    POINT_BEFORE,
    ROMAN,
    SCAN,
    WEEKDAYS,
    cue_kind,
)
from bot.deadlines.periods import (
    MAX_YEAR,
    MIN_YEAR,
    month_period,
    months_of_year,
    point_in_period,
    quarter_period,
    valid_date,
    year_period,
)

MAX_CUES = 512
"""A cell or paragraph holds a handful of timing phrases; past this many cues the rest of a
(pathological) text is not read, which keeps time and memory bounded."""
MAX_RANGE_YEARS = 50


class Cue(StrEnum):
    """What a match means: a dated PERIOD is a candidate due date; the rest feed a recurrence
    (DAY, LAST_DAY, WINDOW, FREQ, QUARTER_MONTHS, WEEKDAY, EXCEPT), a date's time (TIME), or say
    there is no date (CONTINUOUS, ONWARD, NO_DATE, RELATIVE) or no real one (INVALID)."""

    PERIOD = "period"
    DAY = "day"
    LAST_DAY = "last_day"
    WINDOW = "window"
    FREQ = "freq"
    QUARTER_MONTHS = "quarter_months"
    WEEKDAY = "weekday"
    TIME = "time"
    CONTINUOUS = "continuous"
    ONWARD = "onward"
    """`trở đi`, `các năm tiếp theo`: the period before it is a start, and the work goes on."""
    EXCEPT = "except"
    """`riêng tháng Hai`: the month whose own due day the next cue gives (`là ngày cuối tháng`)."""
    NO_DATE = "no_date"
    RELATIVE = "relative"
    INVALID = "invalid"


class Grain(IntEnum):
    """How long a period is; a finer grain is the more specific reading."""

    DAY = 0
    MONTH = 1
    QUARTER = 2
    PART_OF_YEAR = 3
    """`6 tháng đầu năm`, `3 tháng cuối năm`: the first or last N months of a year."""
    YEAR = 4
    YEARS = 5


@dataclass(slots=True)
class Piece:
    cue: Cue
    start: int
    end: int
    grain: Grain = Grain.DAY
    year: int | None = None
    """None: the text gives no year (resolved against the reference date, or a range's end)."""
    last_year: int | None = None
    month: int = 0
    """The month; for PART_OF_YEAR, how many months."""
    day: int = 0
    quarter: int = 0
    from_end: bool = False
    """PART_OF_YEAR: the last months of the year (`cuối năm`), not the first."""
    point: str | None = None
    """`dau`/`giua`/`cuoi` (đầu/giữa/cuối) of the period."""
    needs_marker: bool = False
    """A bare number (`20/3`, `2025`) is a date only after a deadline word, or alone in the text."""
    needs_strong_marker: bool = False
    """A bare `30-6` or `30.6` is a date only after an explicit deadline word (`trước 30-6`)."""
    ambiguous: bool = False
    freq: Freq | None = None
    months: tuple[int, ...] | None = None
    weekday: int | None = None
    time: dt.time | None = None
    implied: bool = False
    """FREQ from `tháng sau` (the next month) or `báo cáo quý` (a quarterly report): a frequency
    only when a day or a year-less date goes with it."""
    first_day: int | None = None
    """WINDOW: the window's first day (`từ ngày 1 đến ngày 5` → 1; `day` is 5)."""
    tier: int = 1
    """How surely the cue is a deadline, from the word before it (see `context.Tier`)."""
    shift: bool = False
    """`trước X`: due the day before X begins."""
    lead: int = -1
    """Where the deadline word before the cue starts (-1: none), for the reported span."""
    head: Piece | None = None
    """The first end of a range or list (`tháng 5` in `tháng 5 và tháng 6 năm 2025`)."""
    next_year: bool = False
    """Year-less, followed by `năm sau`: in the year after the reference year."""
    members: tuple[int, ...] = ()
    """Every month (or quarter) of a list joined by `và` or commas (`tháng 6 và tháng 12`)."""


def bounds(piece: Piece, year: int) -> tuple[dt.date, dt.date] | None:
    """First and last day of a PERIOD cue in `year` (or its own year); None if not a real date."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    grain = piece.grain
    if grain is Grain.DAY:
        day = valid_date(year, piece.month, piece.day)
        return None if day is None else (day, day)
    if grain is Grain.MONTH:
        first, last = month_period(year, piece.month)
    elif grain is Grain.QUARTER:
        first, last = quarter_period(year, piece.quarter)
    elif grain is Grain.PART_OF_YEAR:
        first, last = months_of_year(year, piece.month, from_end=piece.from_end)
    elif grain is Grain.YEAR:
        first, last = year_period(year)
    else:
        first, last = year_period(year, piece.last_year)
    if piece.point:
        point = point_in_period(first, last, piece.point)
        return point, point
    return first, last


def _quarter_number(text: str) -> int:
    """I–IV or 1–4; OCR readings `l`/`1` for I count as I (`11` = II, `1v` = IV)."""
    if text in ("2", "3", "4"):
        return int(text)
    if text in ROMAN:
        return ROMAN[text]
    if text.endswith("v"):
        return 4
    return len(text)


_LISTED = re.compile(r",| va ")
"""A list (`tháng 6 và tháng 12`, `Quý I, II`), as opposed to a range (`tháng 6 - 8`, `đến`)."""
_MONTH_COUNT_WORDS = {"ba": 3, "sau": 6, "chin": 9, "nua": 6}
_MONTH_NAMES = {
    "gieng": 1,
    "mot": 1,
    "hai": 2,
    "ba": 3,
    "tu": 4,
    "nam": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
    "muoi": 10,
    "muoi mot": 11,
    "muoi hai": 12,
    "chap": 12,
}
_FREQ_OF_UNIT = {"tuan": Freq.WEEKLY, "thang": Freq.MONTHLY, "nam": Freq.ANNUAL, "theo": Freq.ANNUAL}
_FREQ_OF_MONTHS = {1: Freq.MONTHLY, 3: Freq.QUARTERLY, 6: Freq.SEMIANNUAL, 12: Freq.ANNUAL}


def _numbers(text: str) -> list[str]:
    return NUMBER.findall(text)


def _numeric(text: str, start: int, end: int) -> Piece:
    """`30/6/2025` (day), `4/2017` (month), `20/3` (day, year-less: needs a deadline word)."""
    numbers = _numbers(text)
    if len(numbers) >= 3:
        day, month, year = (int(n) for n in numbers[:3])
        return Piece(Cue.PERIOD, start, end, Grain.DAY, year, month=month, day=day)
    if len(numbers[-1]) == 4:
        return Piece(Cue.PERIOD, start, end, Grain.MONTH, int(numbers[-1]), month=int(numbers[0]))
    piece = Piece(Cue.PERIOD, start, end, Grain.DAY, None, month=int(numbers[-1]), day=int(numbers[0]))
    piece.needs_marker = True
    # `1.5` and `5-7` are far more often a number or a span than a day: only `trước`,
    # `chậm nhất`, `hạn` … make them a date.
    piece.needs_strong_marker = "/" not in text and "thang" not in text
    return piece


def _month(text: str, start: int, end: int) -> Piece:
    numbers = _numbers(text)
    year = int(numbers.pop()) if len(numbers[-1]) == 4 and len(numbers) > 1 else None
    piece = Piece(Cue.PERIOD, start, end, Grain.MONTH, year, month=int(numbers[-1]))
    if len(numbers) > 1:
        piece.head = Piece(Cue.PERIOD, start, start, Grain.MONTH, None, month=int(numbers[0]))
        if _LISTED.search(text):
            piece.members = tuple(int(n) for n in numbers)
    return piece


def _quarter(match: re.Match[str], start: int, end: int) -> Piece:
    year = match.group("qy")
    piece = Piece(Cue.PERIOD, start, end, Grain.QUARTER, int(year) if year else None)
    piece.quarter = _quarter_number(match.group("qn") or "")
    last = match.group("qn2")
    if last:
        piece.head = Piece(Cue.PERIOD, start, start, Grain.QUARTER, None, quarter=piece.quarter)
        piece.quarter = _quarter_number(last)
        if _LISTED.search(match.group()):
            piece.members = (piece.head.quarter, piece.quarter)
    return piece


def _years(text: str, start: int, end: int) -> Piece:
    years = [int(n) for n in _numbers(text)]
    if len(years) == 1:
        # A bare `2025` needs a deadline word; `năm 2025` does not.
        return Piece(Cue.PERIOD, start, end, Grain.YEAR, years[0], needs_marker=text[:1].isdigit())
    piece = Piece(Cue.PERIOD, start, end, Grain.YEARS, years[0], last_year=years[-1])
    if not years[0] < years[-1] <= years[0] + MAX_RANGE_YEARS:
        piece.cue = Cue.INVALID
    return piece


def _months_of_year(text: str, start: int, end: int) -> Piece:
    """`6 tháng đầu năm 2025`: the first six months; `3 tháng cuối năm`: the last three."""
    words = text.split()
    count = words[0]
    numbers = _numbers(text)
    year = int(numbers[-1]) if numbers and len(numbers[-1]) == 4 else None
    piece = Piece(Cue.PERIOD, start, end, Grain.PART_OF_YEAR, year)
    piece.month = int(count) if count.isdigit() else _MONTH_COUNT_WORDS.get(count, 0)
    piece.from_end = not any(word == "dau" for word in words)
    return piece


def _period(kind: str, match: re.Match[str], start: int, end: int) -> Piece:
    """A PERIOD cue from one match, or INVALID when its numbers name no date."""
    text = match.group()
    piece: Piece
    if kind == "numeric":
        piece = _numeric(text, start, end)
    elif kind == "day_month":
        day, month = (int(n) for n in _numbers(text)[:2])
        piece = Piece(Cue.PERIOD, start, end, Grain.DAY, None, month=month, day=day)
    elif kind == "month":
        piece = _month(text, start, end)
    elif kind == "quarter_ocr":
        rest = text[3:].strip()  # after `quy`: the quarter, then the year with no slash
        piece = Piece(
            Cue.PERIOD, start, end, Grain.QUARTER, int(rest[-4:]), quarter=_quarter_number(rest[:-4])
        )
    elif kind == "quarter":
        piece = _quarter(match, start, end)
    elif kind == "months_of_year":
        piece = _months_of_year(text, start, end)
    elif kind == "years":
        piece = _years(text, start, end)
    elif kind == "year_point":
        # cuối năm: a point of the year; trong năm: the whole year
        point = None if text.startswith("trong") else _point_word(text)
        piece = Piece(Cue.PERIOD, start, end, Grain.YEAR, None, point=point)
    else:  # bad_quarter
        piece = Piece(Cue.INVALID, start, end)
    if piece.cue is Cue.PERIOD and not _plausible(piece):
        piece.cue = Cue.INVALID
    return piece


def _point_word(words: str) -> str:
    """The `point_in_period` key for đầu / giữa / cuối / thượng tuần / trung tuần / hạ tuần."""
    first = words.split()[0]
    if first in ("dau", "giua"):
        return first
    if words.endswith("tuan"):
        return {"trung": "trung_tuan", "ha": "ha_tuan"}.get(first, "thuong_tuan")
    return "cuoi"


def _plausible(piece: Piece) -> bool:
    """Whether the numbers can name a date (for a year-less one: in some year)."""
    if piece.year is not None and not MIN_YEAR <= piece.year <= MAX_YEAR:
        return False
    if piece.grain is Grain.DAY:
        return valid_date(piece.year or 2000, piece.month, piece.day) is not None
    if piece.grain is Grain.MONTH:
        head = piece.head
        return 1 <= piece.month <= 12 and (head is None or 1 <= head.month <= 12)
    if piece.grain is Grain.QUARTER:
        return 1 <= piece.quarter <= 4 and (piece.head is None or piece.head.quarter <= piece.quarter)
    if piece.grain is Grain.PART_OF_YEAR:
        return 1 <= piece.month <= 11
    return True


def _freq(text: str) -> Freq | None:
    words = text.split()
    numbers = _numbers(text)
    if numbers:
        return _FREQ_OF_MONTHS.get(int(numbers[0]))
    unit = words[-1]
    if unit == "lan":
        return Freq.SEMIANNUAL  # sáu tháng một lần
    if unit.startswith("q"):
        return Freq.QUARTERLY
    return _FREQ_OF_UNIT.get(unit)


def _time(text: str) -> dt.time | None:
    numbers = [int(n) for n in _numbers(text)]
    hour, minute = numbers[0], numbers[1] if len(numbers) > 1 else 0
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def _weekday(text: str) -> int:
    word = text.split()[-1]
    if word.isdigit():
        return int(word) - 2
    return WEEKDAYS.get(word, 6)


def _point_before(piece: Piece, folded: str) -> None:
    """`cuối tháng 3/2025`: the đầu/giữa/cuối word just before a month, quarter or year."""
    if piece.grain not in (Grain.MONTH, Grain.QUARTER, Grain.YEAR) or piece.point or piece.head:
        return
    match = POINT_BEFORE.search(folded, max(0, piece.start - 16), piece.start)
    if match is None:
        return
    piece.point = _point_word(match.group("point"))
    if piece.point.endswith("tuan") and piece.grain is not Grain.MONTH:
        piece.point = None
        return
    piece.start = match.start()
    piece.ambiguous = piece.point == "giua" and piece.grain is Grain.QUARTER


def _next_year_after(piece: Piece, folded: str) -> Piece | None:
    """`trước ngày 31/01 năm sau`: a year-less date in the year after the reference year.

    `năm tiếp theo`, `năm liền kề`, `của năm sau` name the year after each reporting year: the
    date then recurs every year, and an ANNUAL cue for that is returned."""
    if piece.year is not None or piece.cue is not Cue.PERIOD:
        return None
    if piece.grain is Grain.YEAR:
        match = NEXT_AFTER_YEAR.match(folded, piece.end)
        if match is not None:
            piece.next_year = True
            piece.end = match.end()
        return None
    match = NEXT_YEAR.match(folded, piece.end)
    if match is None:
        return None
    piece.next_year = True
    start, piece.end = piece.end, match.end()
    if match.group("of") or EACH_NEXT_YEAR.search(match.group("next")):
        return Piece(Cue.FREQ, start, match.end(), freq=Freq.ANNUAL)
    return None


def _round_clock(folded: str, start: int, end: int) -> Piece:
    """`24/7`: round-the-clock work (continuous), unless a deadline word makes it 24 July."""
    marker = MARKER_BEFORE.search(folded, max(0, start - LOOKBEHIND), start)
    if marker is not None and marker.lastgroup in ("shift", "strong"):
        return _numeric(folded[start:end], start, end)
    return Piece(Cue.CONTINUOUS, start, end)


def _except_month(text: str, start: int, end: int) -> Piece:
    words = text.split()
    numbers = _numbers(text)
    tail = " ".join(words[words.index("thang") + 1 :]) if "thang" in words else ""
    month = int(numbers[-1]) if numbers else _MONTH_NAMES.get(tail, 0)
    return Piece(Cue.EXCEPT, start, end, month=month)


def scan(folded: str) -> list[Piece]:
    """Every timing cue in `folded`, in text order."""
    pieces: list[Piece] = []
    for match in SCAN.finditer(folded):
        kind = cue_kind(match)
        text = match.group()
        start, end = match.span()
        piece: Piece | None
        freq: Freq | None
        if kind == "day":
            day = int(_numbers(text)[0])
            piece = Piece(Cue.DAY, start, end, day=day) if 1 <= day <= 31 else Piece(Cue.INVALID, start, end)
        elif kind == "last_day":
            cycle = Freq.MONTHLY if text.endswith("thang") else Freq.QUARTERLY
            piece = Piece(Cue.LAST_DAY, start, end, day=LAST_DAY, freq=cycle)
        elif kind == "window":
            first, last = (int(n) for n in _numbers(text)[:2])
            # `từ ngày 15 tháng trước đến ngày 14`: the window starts in the month before.
            prior = match.group("window_prior") is not None
            valid = 1 <= first <= 31 and 1 <= last <= 31 and (prior or first <= last)
            piece = Piece(Cue.WINDOW if valid else Cue.INVALID, start, end, day=last, first_day=first)
        elif kind in ("freq", "every_months"):
            freq = _freq(text)
            piece = None if freq is None else Piece(Cue.FREQ, start, end, freq=freq)
        elif kind == "report":
            # `báo cáo năm trước ngày 15/12`: a frequency only when a date goes with it.
            unit = match.group("report_unit") or ("6 thang" if match.group("report_half") else "")
            freq = _freq(unit)
            piece = None if freq is None else Piece(Cue.FREQ, start, end, freq=freq, implied=True)
        elif kind == "next_period":
            # `trước ngày 5 tháng sau`: monthly, but only if a day goes with it (see `repeating`).
            piece = Piece(Cue.FREQ, start, end, freq=Freq.MONTHLY, implied=True)
        elif kind == "quarter_months":
            months = (1, 4, 7, 10) if "dau" in text else (3, 6, 9, 12)
            piece = Piece(Cue.QUARTER_MONTHS, start, end, months=months)
        elif kind == "weekday":
            piece = Piece(Cue.WEEKDAY, start, end, weekday=_weekday(text))
        elif kind == "time":
            moment = _time(text)
            piece = None if moment is None else Piece(Cue.TIME, start, end, time=moment)
        elif kind == "continuous":
            piece = Piece(Cue.CONTINUOUS, start, end)
        elif kind == "round_clock":
            piece = _round_clock(folded, start, end)
        elif kind == "onward":
            piece = Piece(Cue.ONWARD, start, end)
        elif kind == "except_month":
            piece = _except_month(text, start, end)
        elif kind == "relative":
            piece = Piece(Cue.RELATIVE, start, end)
        elif kind == "no_date":
            piece = Piece(Cue.NO_DATE, start, end)
        else:
            piece = _period(kind, match, start, end)
            _point_before(piece, folded)
            each_year = _next_year_after(piece, folded)
            if each_year is not None:
                pieces.append(piece)
                piece = each_year
        if piece is not None:
            pieces.append(piece)
            if len(pieces) >= MAX_CUES:
                break
    return pieces
