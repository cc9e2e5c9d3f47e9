"""Schedule defaults from `schedules/`: the standard reporting cycles and the reminder policy.

`reporting_cycles.yaml` holds the cycles of Nghị định 09/2019/NĐ-CP (cut-off and send-by days);
`reminder_policy.yaml` the complete default reminder policy, which plans and units override
field by field (`effective_policy`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from bot.plans.loader import Problem, load_model_file
from bot.plans.model import (
    MAX_BEFORE,
    MAX_OVERDUE,
    MAX_WORKING_DAYS,
    ReminderPolicyOverride,
    StrictModel,
    WorkingDays,
)

REPORTING_CYCLES_FILE = "reporting_cycles.yaml"
REMINDER_POLICY_FILE = "reminder_policy.yaml"


class ReminderPolicy(StrictModel):
    """The full policy: every field set. Working days throughout, with the same bounds as a plan's
    override (`bot.plans.model`), so no file can make the planner loop or leave the calendar."""

    before: list[WorkingDays] = Field(max_length=MAX_BEFORE)
    """Working days before the effective deadline; 0 = on the day."""
    send_at: dt.time
    overdue_every: int = Field(ge=1, le=MAX_WORKING_DAYS)
    overdue_max: int = Field(ge=0, le=MAX_OVERDUE)
    escalate_after: WorkingDays
    notify_support: bool

    @field_validator("before")
    @classmethod
    def _largest_first(cls, days: list[int]) -> list[int]:
        return sorted(set(days), reverse=True)


class ReportingCycle(StrictModel):
    """One standard cycle (Nghị định 09/2019/NĐ-CP Điều 12, 13)."""

    name: str = Field(min_length=1)
    months: list[Annotated[int, Field(ge=1, le=12)]] = Field(min_length=1)
    """Months in which a period ends (its cut-off day falls in them)."""
    cutoff_day: int = Field(ge=1, le=28)
    """Last day of the data period, in each of `months`."""
    send_by_day: int = Field(ge=1, le=28)
    """The report is due on this day of the same month."""
    basis: str = Field(min_length=1)

    @field_validator("months")
    @classmethod
    def _in_order(cls, months: list[int]) -> list[int]:
        return sorted(set(months))

    @field_validator("send_by_day")
    @classmethod
    def _send_after_cutoff(cls, send_by_day: int, info: ValidationInfo) -> int:
        # Điều 8 khoản 5: the deadline must leave at least one working day after the cut-off.
        cutoff_day = info.data.get("cutoff_day")
        if cutoff_day is not None and send_by_day <= cutoff_day:
            raise PydanticCustomError(
                "send_before_cutoff", "send_by_day must come after cutoff_day", {"cutoff_day": cutoff_day}
            )
        return send_by_day


class ReportingCycles(StrictModel):
    monthly: ReportingCycle
    quarterly: ReportingCycle
    semiannual: ReportingCycle
    annual: ReportingCycle


@dataclass(frozen=True)
class Period:
    """One reporting period: the data it covers and when the report is due."""

    start: dt.date
    cutoff: dt.date
    send_by: dt.date


def period_ending_in(cycle: ReportingCycle, year: int, month: int) -> Period | None:
    """The period whose cut-off falls in `month` of `year`, or None if no period ends then."""
    if month not in cycle.months:
        return None
    index = cycle.months.index(month)
    previous_month = cycle.months[index - 1]
    previous_year = year if previous_month < month else year - 1
    previous_cutoff = dt.date(previous_year, previous_month, cycle.cutoff_day)
    return Period(
        start=previous_cutoff + dt.timedelta(days=1),
        cutoff=dt.date(year, month, cycle.cutoff_day),
        send_by=dt.date(year, month, cycle.send_by_day),
    )


@dataclass(frozen=True)
class ScheduleDefaults:
    cycles: ReportingCycles
    policy: ReminderPolicy


class ScheduleError(Exception):
    """A schedule file is missing or invalid; `problems` say where and how to fix it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(problem.format() for problem in problems))


def load_reminder_policy(path: Path, *, lang: str = "vi") -> ReminderPolicy:
    policy, problems = load_model_file(path, ReminderPolicy, lang=lang)
    if policy is None:
        raise ScheduleError(problems)
    return policy


def load_reporting_cycles(path: Path, *, lang: str = "vi") -> ReportingCycles:
    cycles, problems = load_model_file(path, ReportingCycles, lang=lang)
    if cycles is None:
        raise ScheduleError(problems)
    return cycles


def load_schedule_defaults(folder: Path, *, lang: str = "vi") -> ScheduleDefaults:
    """Both files from the schedules `folder`; every problem is reported."""
    problems: list[Problem] = []
    cycles, cycle_problems = load_model_file(folder / REPORTING_CYCLES_FILE, ReportingCycles, lang=lang)
    policy, policy_problems = load_model_file(folder / REMINDER_POLICY_FILE, ReminderPolicy, lang=lang)
    problems = cycle_problems + policy_problems
    if cycles is None or policy is None or any(p.severity == "error" for p in problems):
        raise ScheduleError(problems)
    return ScheduleDefaults(cycles, policy)


def effective_policy(
    defaults: ReminderPolicy,
    plan_override: ReminderPolicyOverride | None = None,
    unit_override: ReminderPolicyOverride | None = None,
) -> ReminderPolicy:
    """Defaults, then the plan's override, then the unit's: the most specific set field wins."""
    merged = defaults.model_dump()
    for override in (plan_override, unit_override):
        if override is not None:
            merged.update(override.model_dump(exclude_none=True))
    return ReminderPolicy.model_validate(merged)
