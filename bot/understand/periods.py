"""Which report period a message names: `tháng 11`, `quý III/2026`, `6 tháng đầu năm`, `năm 2025`.

A period written without its year is resolved against today (`now_date`), as our rule:
among the periods whose data window has opened by today — Nghị định 09/2019/NĐ-CP Điều 12 opens a
period's window on the 15th of the month before it (November's report covers 15/10 – 14/11) — the
one whose last day is nearest to today. So on 22/11/2026 `tháng 11` and `tháng 12` are 2026
(December's window opened on 15/11), `tháng 1` is January 2026, and on 20/12/2026 `báo cáo năm`
is the 2026 report, not 2027's.
"""

from __future__ import annotations

import datetime as dt

from bot.understand.model import PeriodKind, ReportPeriod

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_THIS = frozenset({"nay", "this"})
_LAST = frozenset({"truoc", "roi", "last", "previous"})


def find_period(words: list[str], now_date: dt.date) -> ReportPeriod | None:
    """The first report period named in the folded words, resolved against `now_date`."""
    for index in range(len(words)):
        found = _period_at(words, index, now_date)
        if found is not None:
            return found
    return None


def _period_at(words: list[str], i: int, now: dt.date) -> ReportPeriod | None:
    word = words[i]
    after = words[i + 1 : i + 6]
    if word in {"thang", "month"} and after:
        return _numbered(PeriodKind.MONTH, after, now, 12)
    if word in _MONTH_NAMES:
        return _resolve(PeriodKind.MONTH, _MONTH_NAMES[word], _year_in(after), now)
    if word in {"quy", "quarter"} and after:
        return _numbered(PeriodKind.QUARTER, after, now, 4)
    if len(word) == 2 and word[0] == "q" and word[1] in "1234":
        return _resolve(PeriodKind.QUARTER, int(word[1]), _year_in(after), now)
    if word in {"6", "sau"} and after[:1] == ["thang"]:
        half = 2 if after[1:3] in (["cuoi", "nam"], ["cuoi"]) else 1
        return _resolve(PeriodKind.HALF, half, _year_in(after[1:]), now)
    if word == "half" or (word in {"h1", "h2"}):
        half = 2 if word == "h2" or "second" in words[max(0, i - 2) : i] else 1
        return _resolve(PeriodKind.HALF, half, _year_in(after), now)
    if word in {"nam", "year", "annual", "yearly"}:
        if after[:1] and after[0].isdigit() and len(after[0]) == 4:
            return ReportPeriod(PeriodKind.YEAR, 1, int(after[0]))
        if word == "nam" and i > 0 and words[i - 1] in {"hang", "dau", "cuoi", "giua"}:
            return None
        if after[:1] and after[0] in _LAST:
            return ReportPeriod(PeriodKind.YEAR, 1, now.year - 1)
        return _resolve(PeriodKind.YEAR, 1, None, now)
    return None


def _numbered(kind: PeriodKind, after: list[str], now: dt.date, highest: int) -> ReportPeriod | None:
    first = after[0]
    number = _ROMAN.get(first) if kind is PeriodKind.QUARTER else None
    if number is None and first.isdigit():
        number = int(first)
    if number is None and first in _THIS:
        return _containing(kind, now)
    if number is None and first in _LAST:
        return _previous(_containing(kind, now))
    if number is None or not 1 <= number <= highest:
        return None
    return _resolve(kind, number, _year_in(after[1:]), now)


def _year_in(words: list[str]) -> int | None:
    """`/2026`, `năm 2026`, `, 2026`, `2026` right after the period."""
    for word in words[:4]:
        if word.isdigit() and len(word) == 4 and 1990 <= int(word) <= 2200:
            return int(word)
        if word not in {"/", "-", ",", ".", "nam", "of", "year", "dau", "cuoi"}:
            return None
    return None


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
