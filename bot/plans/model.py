"""The plan and directory file formats, as validated models (documented in plans/README.md).

These models describe what a clerk writes. Unit references are kept as written here;
`bot.plans.loader` resolves them against the directory and reports errors with file:line:column.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from bot.db.roles import Role

_DMY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")

# Bounds on what a clerk may write. Real documents stay far below them (the longest seed title is
# about 1,200 characters); they exist so that a mistaken or hostile file is refused at once, with
# the limit named, instead of being copied into every reminder and digest or planning for minutes.
MAX_TITLE = 4000
"""Characters in a title or a text (a task's title, a target's or a report's text)."""
MAX_TEXT = 1000
"""Characters in any other text value (names, numbers, timing phrases, references, notes)."""
MAX_WORKING_DAYS = 250
"""Working days in one policy number (`before`, `overdue_every`, `escalate_after`): about a year."""
MAX_BEFORE = 20
"""Reminders before a deadline (entries of `before`)."""
MAX_OVERDUE = 50
"""Overdue nags of one deadline (`overdue_max`)."""


def _parse_date(value: Any) -> Any:
    """Clerks copy dates as printed (`10/01/2017`); ISO (`2017-01-10`) works as well."""
    if isinstance(value, str) and (match := _DMY.match(value)):
        day, month, year = (int(part) for part in match.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise PydanticCustomError("date_invalid", "no such date: {value}", {"value": value}) from None
    return value


def _one_or_many(value: Any) -> Any:
    """A single value where a list is expected is a one-item list: clerks write `support: Sở X`."""
    if isinstance(value, str):
        return [value]
    return value


Date = Annotated[dt.date, BeforeValidator(_parse_date)]
"""A date written `YYYY-MM-DD` or `DD/MM/YYYY`."""
Names = Annotated[list[str], BeforeValidator(_one_or_many)]
"""A list of strings that may also be written as one string."""


class StrictModel(BaseModel):
    """Unknown keys are errors: a misspelt key must never be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, str_max_length=MAX_TEXT)


Title = Annotated[str, Field(min_length=1, max_length=MAX_TITLE)]
WorkingDays = Annotated[int, Field(ge=0, le=MAX_WORKING_DAYS)]
"""A number of working days in a reminder policy."""


class ReminderPolicyOverride(StrictModel):
    """Any subset of the reminder policy; unset fields inherit (defaults → plan → unit)."""

    before: list[WorkingDays] | None = Field(default=None, max_length=MAX_BEFORE)
    """Working days before the effective deadline, e.g. [7, 3, 1, 0] (0 = on the day)."""
    send_at: dt.time | None = None
    """Local send hour, e.g. 08:00."""
    overdue_every: int | None = Field(default=None, ge=1, le=MAX_WORKING_DAYS)
    """Working days between two overdue nags."""
    overdue_max: int | None = Field(default=None, ge=0, le=MAX_OVERDUE)
    escalate_after: WorkingDays | None = None
    """Working days overdue before the leader in charge and the monitoring office are told."""
    notify_support: bool | None = None
    """Whether supporting units are reminded too."""


class Unit(StrictModel):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    name: str = Field(min_length=1)
    short: Names = []
    aliases: Names = []
    parent: str | None = None
    reminders: ReminderPolicyOverride | None = None


class Person(StrictModel):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    name: str = Field(min_length=1)
    unit: str
    role: Role = Role.STAFF
    title: str | None = None
    """Job title as written: `Phó Chủ tịch UBND tỉnh`, `Trưởng phòng`."""
    language: str = "vi"


class Directory(StrictModel):
    """`plans/directory/*.yaml` (merged): the organisation directory shared by every plan."""

    units: list[Unit] = []
    people: list[Person] = []


class Task(StrictModel):
    id: str = Field(min_length=1)
    """The document's own numbering, e.g. `III.2.c`."""
    title: Title
    lead: str | None = None
    support: Names = []
    leader: str | None = None
    """Lãnh đạo chỉ đạo: a person id from the directory, or the title as written."""
    timing: str | None = None
    """The timing phrase exactly as written in the document."""
    due: Date | None = None
    """Explicit due date; overrides what `timing` says."""
    product: str | None = None
    """Sản phẩm: the expected output (a report, a decision, a scheme)."""


class Target(StrictModel):
    id: str = Field(min_length=1)
    text: Title
    horizon: str | None = None
    """The timing as written: `Đến năm 2030`, `Hằng năm`."""
    lead: str | None = None
    support: Names = []
    leader: str | None = None
    """Lãnh đạo chỉ đạo (appendix tables give one per target): a person id, or as written."""


class Reporting(StrictModel):
    id: str = Field(min_length=1)
    text: Title
    """What is reported, as written."""
    who: Names = Field(min_length=1)
    """Units that report."""
    to: str
    """Unit that receives the report."""
    cycle: str
    """The cycle as written: `trước ngày 15 hàng tháng, tháng cuối quý`."""


class Plan(StrictModel):
    """One file in `plans/`; its id is the file name without `.yaml`."""

    issuer: str = Field(min_length=1)
    number: str = Field(min_length=1)
    issued: Date
    title: Title
    source: str | None = None
    monitor: str | None = None
    """The unit that follows the plan and compiles reports (usually the office)."""
    digest_to: Names = []
    """People (ids) who receive the weekly digest."""
    reminders: ReminderPolicyOverride | None = None
    tasks: list[Task] = []
    targets: list[Target] = []
    reporting: list[Reporting] = []
