"""Dates as people in the office read them (Babel CLDR data, Vietnamese first)."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date


def weekday_name(day: dt.date, lang: str = "vi") -> str:
    """`thứ Sáu` / `Friday`; CLDR capitalises the Vietnamese `Thứ`, running text does not."""
    name = format_date(day, "EEEE", locale=lang)
    if lang == "vi" and name.startswith("Thứ"):
        return "t" + name[1:]
    return name


def long_date(day: dt.date, lang: str = "vi") -> str:
    """`thứ Sáu, 30/06/2017` (vi) or `Friday, 30/06/2017` (en)."""
    return f"{weekday_name(day, lang)}, {format_date(day, 'dd/MM/yyyy', locale=lang)}"


def short_date(day: dt.date, lang: str = "vi") -> str:
    """`30/06/2017`."""
    return format_date(day, "dd/MM/yyyy", locale=lang)
