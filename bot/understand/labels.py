"""How a reporting period is named back to people: `tháng 11/2026`, `quý III/2026`."""

from __future__ import annotations

from bot.understand.messages import (
    PERIOD_FIRST_HALF,
    PERIOD_MONTH,
    PERIOD_QUARTER,
    PERIOD_SECOND_HALF,
    PERIOD_WEEK,
    PERIOD_YEAR,
    render,
)
from bot.understand.model import PeriodKind, ReportPeriod

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def period_label(period: ReportPeriod, lang: str) -> str:
    """`tháng 11/2026`, `quý III/2026`, `6 tháng đầu năm 2026`, `năm 2026`, `tuần 47/2026`."""
    if period.kind is PeriodKind.MONTH:
        return render(lang, PERIOD_MONTH, number=period.number, year=period.year)
    if period.kind is PeriodKind.QUARTER:
        return render(lang, PERIOD_QUARTER, roman=_ROMAN[period.number], year=period.year)
    if period.kind is PeriodKind.WEEK:
        return render(lang, PERIOD_WEEK, number=period.number, year=period.year)
    if period.kind is PeriodKind.HALF:
        return render(lang, PERIOD_FIRST_HALF if period.number == 1 else PERIOD_SECOND_HALF, year=period.year)
    return render(lang, PERIOD_YEAR, year=period.year)
