"""The Vietnamese working-day calendar and its override file (`schedules/holidays.yaml`)."""

from bot.workcal.calendar import HOLIDAY_FILE_NAME, WorkCalendar
from bot.workcal.overrides import HolidayFileError, Overrides, load_overrides

__all__ = ["HOLIDAY_FILE_NAME", "HolidayFileError", "Overrides", "WorkCalendar", "load_overrides"]
