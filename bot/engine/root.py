"""The composition root: what `nhacviec run` (and the demo) build once and hand down.

The settings are read once, the working-day calendar and the schedule defaults are loaded once,
and one clock is the only source of "now" for everything below.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.schedules import ScheduleDefaults, load_schedule_defaults
from bot.settings import Settings
from bot.workcal import WorkCalendar


@dataclass(frozen=True)
class Root:
    settings: Settings
    clock: Clock
    calendar: WorkCalendar
    defaults: ScheduleDefaults
    lang: str
    """The language of what the operator reads (command output, the log's user lines)."""

    @classmethod
    def build(cls, settings: Settings, clock: Clock, lang: str | None = None) -> Root:
        """Raises `HolidayFileError` or `ScheduleError` (with file and line) for a bad schedules file."""
        lang = lang or settings.language
        return cls(
            settings=settings,
            clock=clock,
            calendar=WorkCalendar.in_folder(settings.schedules_dir, lang),
            defaults=load_schedule_defaults(settings.schedules_dir, lang=lang),
            lang=lang,
        )
