"""The one source of "now". The composition root builds a clock once and passes it down;
nothing else reads the wall clock, so the demo and the tests run the real code on simulated time."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from zoneinfo import ZoneInfo


class Clock(ABC):
    @abstractmethod
    def now(self) -> dt.datetime:
        """The current moment, timezone-aware (UTC)."""

    def today(self, tz: ZoneInfo) -> dt.date:
        """Today's date where the office is, not where the server is."""
        return self.now().astimezone(tz).date()


class SystemClock(Clock):
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class SimulatedClock(Clock):
    """Time that moves only when told to (the demo, the tests)."""

    def __init__(self, start: dt.datetime) -> None:
        self._now = _aware(start)

    def now(self) -> dt.datetime:
        return self._now

    def set(self, moment: dt.datetime) -> None:
        moment = _aware(moment)
        if moment < self._now:
            raise ValueError(f"a simulated clock does not go back: {moment} < {self._now}")
        self._now = moment

    def advance(self, delta: dt.timedelta) -> dt.datetime:
        self.set(self._now + delta)
        return self._now


def _aware(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError(f"a clock keeps timezone-aware moments, not {moment!r}")
    return moment.astimezone(dt.UTC)
