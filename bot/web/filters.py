"""The filters of a page, read from its URL: `?plan=…&unit=…&period=…`.

A period is a year (`2026`), a quarter (`2026-Q4`) or a month (`2026-11`): tasks whose due date
falls in it (tasks without a deadline then drop out). What cannot be read is a 400 with the
reason, never a silently ignored filter.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlencode

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
MAX_ID = 100
"""Plan and unit ids are short slugs; anything longer is not one."""


class FilterError(ValueError):
    """A filter in the URL that cannot be read; `field` names it."""

    def __init__(self, field: str, value: str) -> None:
        super().__init__(f"{field}={value!r}")
        self.field = field
        self.value = value


@dataclass(frozen=True, slots=True)
class Period:
    text: str
    start: dt.date
    end: dt.date
    """Inclusive."""


@dataclass(frozen=True, slots=True)
class Filters:
    plan: str | None = None
    unit: str | None = None
    period: Period | None = None

    def query(self, **changes: str | None) -> str:
        """The URL query of these filters with `changes` applied (None drops one)."""
        values: dict[str, str | None] = {
            "plan": self.plan,
            "unit": self.unit,
            "period": self.period.text if self.period else None,
        }
        values.update(changes)
        kept = {name: value for name, value in values.items() if value}
        return "?" + urlencode(kept) if kept else ""


def parse_period(text: str) -> Period:
    text = text.strip()
    if match := _YEAR.match(text):
        year = int(match.group(1))
        return Period(text, dt.date(year, 1, 1), dt.date(year, 12, 31))
    if match := _QUARTER.match(text):
        year, quarter = int(match.group(1)), int(match.group(2))
        start = dt.date(year, 3 * quarter - 2, 1)
        return Period(f"{year}-Q{quarter}", start, _month_end(year, 3 * quarter))
    if match := _MONTH.match(text):
        year, month = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12:
            return Period(f"{year}-{month:02d}", dt.date(year, month, 1), _month_end(year, month))
    raise FilterError("period", text)


def _month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def parse_filters(params: dict[str, str]) -> Filters:
    plan = (params.get("plan") or "").strip() or None
    unit = (params.get("unit") or "").strip() or None
    for field, value in (("plan", plan), ("unit", unit)):
        if value is not None and (len(value) > MAX_ID or not value.isprintable()):
            raise FilterError(field, value)
    period_text = (params.get("period") or "").strip()
    return Filters(plan=plan, unit=unit, period=parse_period(period_text) if period_text else None)
