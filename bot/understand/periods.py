"""Which report periods a message names: `tháng 11`, `quý III/2026`, `q3`, `6 tháng đầu năm`,
`9 tháng`, `năm 2025`, `báo cáo tuần`, two at once (`tháng 10 và tháng 11`).

A period written without its year is resolved against today (`now_date`), as our rule:
among the periods whose data window has opened by today — Nghị định 09/2019/NĐ-CP Điều 12 opens a
period's window on the 15th of the month before it (November's report covers 15/10 – 14/11) — the
one whose last day is nearest to today. So on 22/11/2026 `tháng 11` and `tháng 12` are 2026
(December's window opened on 15/11), `tháng 1` is January 2026, and on 20/12/2026 `báo cáo năm`
is the 2026 report, not 2027's. The report of `9 tháng` is the third quarter's (the quarterly
report of quý III is the nine-month report). A week is the ISO week (Monday to Sunday).
"""

from __future__ import annotations

import datetime as dt

from bot.understand.model import PeriodKind, ReportPeriod

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_THIS = frozenset({"nay", "this", "hien", "vua"})
_LAST = frozenset({"truoc", "roi", "last", "previous"})
_NEXT = frozenset({"sau", "toi", "next"})
_YEAR_FILLER = frozenset({"/", "-", ",", ".", "nam", "of", "year", "dau", "cuoi"})

Found = tuple[ReportPeriod | None, int]
"""A period (None: the words name a time, not a period) and the index after its last word."""


def find_period(words: list[str], now_date: dt.date) -> ReportPeriod | None:
    """The first report period named in the folded words, resolved against `now_date`."""
    found = find_periods(words, now_date)
    return found[0] if found else None


_REPORT_WORDS = frozenset({"bc", "cao", "bcao", "report"})
"""`t11` is the month only right after the report is named (`bc t11`); elsewhere `t2` is Monday."""


def find_periods(
    words: list[str], now_date: dt.date, start: int = 0, end: int | None = None
) -> list[ReportPeriod]:
    """Every report period named in `words[start:end]`, in order, each once."""
    stop = len(words) if end is None else min(end, len(words))
    periods: list[ReportPeriod] = []
    index = start
    while index < stop:
        found = _period_at(words[:stop], index, now_date)
        if found is None:
            index += 1
            continue
        period, index = found
        if period is not None and period not in periods:
            periods.append(period)
    return periods


def _period_at(words: list[str], i: int, now: dt.date) -> Found | None:
    word = words[i]
    after = words[i + 1 : i + 6]
    if word in {"6", "sau"} and after[:1] == ["thang"]:
        half = 2 if after[1:2] == ["cuoi"] else 1
        return _with_year(PeriodKind.HALF, half, words, i + 2, now, skip=("dau", "cuoi", "nam"))
    if word == "9" and after[:1] == ["thang"]:
        return _with_year(PeriodKind.QUARTER, 3, words, i + 2, now, skip=("dau", "nam"))
    if word in {"thang", "month"} and after:
        if i >= 2 and words[i - 2] == "ngay" and words[i - 1].isdigit():
            return None, i + 2  # `ngày 14 tháng 11`: a date, not a period
        return _numbered(PeriodKind.MONTH, words, i + 1, now, 12)
    if word in {"t", "th"} and i > 0 and words[i - 1] in _REPORT_WORDS and after[:1] and after[0].isdigit():
        return _numbered(PeriodKind.MONTH, words, i + 1, now, 12)  # `bc t11`: `t` as tháng after a report
    if word in _MONTH_NAMES and (word != "may" or _year_in(after) is not None):
        return _with_year(PeriodKind.MONTH, _MONTH_NAMES[word], words, i + 1, now)
    if word in {"quy", "quarter"} and after:
        return _numbered(PeriodKind.QUARTER, words, i + 1, now, 4)
    if word == "q" and after[:1] and after[0] in {"1", "2", "3", "4"}:
        return _with_year(PeriodKind.QUARTER, int(after[0]), words, i + 2, now)
    if len(word) == 2 and word[0] == "q" and word[1] in "1234":
        return _with_year(PeriodKind.QUARTER, int(word[1]), words, i + 1, now)
    if word == "h" and after[:1] and after[0] in {"1", "2"}:
        return _with_year(PeriodKind.HALF, int(after[0]), words, i + 2, now)
    if word in {"h1", "h2"} or word == "half":
        half = 2 if word == "h2" or "second" in words[max(0, i - 2) : i] else 1
        return _with_year(PeriodKind.HALF, half, words, i + 1, now)
    if word in {"tuan", "week", "weekly"}:
        return _week(words, i, now)
    if word in {"nam", "year", "annual", "yearly"}:
        return _year(words, i, now)
    return None


def _numbered(kind: PeriodKind, words: list[str], at: int, now: dt.date, highest: int) -> Found:
    first = words[at] if at < len(words) else ""
    number = _ROMAN.get(first) if kind is PeriodKind.QUARTER else None
    if number is None and first.isdigit():
        number = int(first)
    if number is None and first in _THIS:
        return _containing(kind, now), at + 1
    if number is None and first in _LAST:
        return _previous(_containing(kind, now)), at + 1
    if number is None and first in _NEXT:
        return None, at + 1  # `tháng sau`: a time, not a report
    if number is None or not 1 <= number <= highest:
        return None, at
    return _with_year(kind, number, words, at + 1, now)


def _with_year(
    kind: PeriodKind, number: int, words: list[str], at: int, now: dt.date, skip: tuple[str, ...] = ()
) -> Found:
    while at < len(words) and words[at] in skip:
        at += 1
    year, after = _year_at(words, at)
    return _resolve(kind, number, year, now), after


def _year_at(words: list[str], at: int) -> tuple[int | None, int]:
    """`/2026`, `năm 2026`, `, 2026`, `2026` right after the period, and the index after it."""
    for index in range(at, min(at + 4, len(words))):
        word = words[index]
        if word.isdigit() and len(word) == 4 and 1990 <= int(word) <= 2200:
            return int(word), index + 1
        if word not in _YEAR_FILLER:
            return None, at
    return None, at


def _year_in(words: list[str]) -> int | None:
    return _year_at(words, 0)[0]


def _week(words: list[str], i: int, now: dt.date) -> Found:
    after = words[i + 1 : i + 3]
    if i > 0 and words[i - 1] in {"hang", "moi", "every"}:
        return None, i + 1  # `hằng tuần`: how often, not which week
    if after[:1] and after[0] in _NEXT:
        return None, i + 2
    year, week, _ = now.isocalendar()
    if after[:1] and after[0] in _LAST:
        previous = now - dt.timedelta(days=7)
        return ReportPeriod(PeriodKind.WEEK, previous.isocalendar()[1], previous.isocalendar()[0]), i + 2
    if after[:1] and after[0].isdigit() and 1 <= int(after[0]) <= 53:
        return ReportPeriod(PeriodKind.WEEK, int(after[0]), year), i + 2
    taken = i + 2 if after[:1] and after[0] in _THIS else i + 1
    return ReportPeriod(PeriodKind.WEEK, week, year), taken


def _year(words: list[str], i: int, now: dt.date) -> Found:
    after = words[i + 1 : i + 3]
    if after[:1] and after[0].isdigit() and len(after[0]) == 4:
        return ReportPeriod(PeriodKind.YEAR, 1, int(after[0])), i + 2
    if i > 0 and words[i - 1] in {"hang", "dau", "cuoi", "giua", "moi"}:
        return None, i + 1
    if after[:1] and after[0] in _LAST:
        return ReportPeriod(PeriodKind.YEAR, 1, now.year - 1), i + 2
    if after[:1] and after[0] in _NEXT:
        return None, i + 2
    return _resolve(PeriodKind.YEAR, 1, None, now), i + 1


def _resolve(kind: PeriodKind, number: int, year: int | None, now: dt.date) -> ReportPeriod:
    if year is not None:
        return ReportPeriod(kind, number, year)
    candidates = [ReportPeriod(kind, number, y) for y in (now.year - 1, now.year, now.year + 1)]
    opened = [period for period in candidates if _window_opens(period) <= now]
    return min(opened, key=lambda period: (abs((period.last_day - now).days), period.year))


def _window_opens(period: ReportPeriod) -> dt.date:
    """The 15th of the month before the period (Nghị định 09/2019/NĐ-CP Điều 12)."""
    first = period.first_day
    before = first - dt.timedelta(days=1)
    return before.replace(day=15)


def _containing(kind: PeriodKind, now: dt.date) -> ReportPeriod:
    size = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.HALF: 6, PeriodKind.YEAR: 12}[kind]
    return ReportPeriod(kind, (now.month - 1) // size + 1, now.year)


def _previous(period: ReportPeriod) -> ReportPeriod:
    if period.number > 1:
        return ReportPeriod(period.kind, period.number - 1, period.year)
    last = {PeriodKind.MONTH: 12, PeriodKind.QUARTER: 4, PeriodKind.HALF: 2, PeriodKind.YEAR: 1}[period.kind]
    return ReportPeriod(period.kind, last, period.year - 1)
