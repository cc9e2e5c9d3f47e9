"""Timing phrases → deadlines: the parser and its result types."""

from bot.deadlines.model import LAST_DAY, Deadline, Freq, Kind, Problem, Recurrence
from bot.deadlines.parser import parse_deadline
from bot.deadlines.recurrence import occurrences, occurrences_between

__all__ = [
    "LAST_DAY",
    "Deadline",
    "Freq",
    "Kind",
    "Problem",
    "Recurrence",
    "occurrences",
    "occurrences_between",
    "parse_deadline",
]
