"""Today's date where the office is, not where the server is."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def today(tz: ZoneInfo) -> dt.date:
    return dt.datetime.now(tz).date()
