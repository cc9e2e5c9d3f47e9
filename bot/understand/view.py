"""What the bot makes of a reply, as one flat record: `nhacviec understand --json` and the tests.

Keys, exactly: `text`, `status` (`done` | `in_progress` | `blocked` | `not_started` | None: what
would be recorded; a report submission records `done`), `percent`, `note`, `report_period`
(`2024-11`, `2024-Q3`, `2024-H1`, `2024`, `2024-W47`; a list when the reply names several),
`snooze_until` (ISO date and time on the working-day calendar), `ask_back` (the bot would ask
instead of recording; `status` is then None).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from bot.db.models import TaskStatus
from bot.understand.model import Understanding
from bot.understand.snooze import resolve

KEYS = ("text", "status", "percent", "note", "report_period", "snooze_until", "ask_back")


def as_record(
    text: str,
    understanding: Understanding,
    *,
    now: dt.datetime,
    next_working_day: Callable[[dt.date], dt.date],
    default_time: dt.time,
) -> dict[str, Any]:
    """The record for one reply read at `now` (timezone-aware, the office's local time)."""
    status: TaskStatus | None = understanding.status
    report = understanding.report
    if report is not None:
        status = TaskStatus.DONE
    periods = [period.label() for period in report.periods] if report is not None else []
    snooze = understanding.snooze
    until = (
        resolve(snooze, now, next_working_day=next_working_day, default_time=default_time).isoformat()
        if snooze is not None
        else None
    )
    return {
        "text": text,
        "status": status.value if status is not None and not understanding.asks_back else None,
        "percent": understanding.percent if not understanding.asks_back else None,
        "note": understanding.note,
        "report_period": (periods[0] if len(periods) == 1 else periods) if periods else None,
        "snooze_until": until,
        "ask_back": understanding.asks_back,
    }
