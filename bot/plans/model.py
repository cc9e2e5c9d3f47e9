"""The plan and directory file formats, as validated models (documented in plans/README.md).

These models describe what a clerk writes. Unit references are kept as written here;
`bot.plans.loader` resolves them against the directory and reports errors with file:line:column.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class StrictModel(BaseModel):
    """Unknown keys are errors: a misspelt key must never be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Role(StrEnum):
    STAFF = "staff"
    HEAD = "head"
    CHIEF = "chief"
    ADMIN = "admin"


class ReminderPolicyOverride(StrictModel):
    """Any subset of the reminder policy; unset fields inherit (defaults → plan → unit)."""

    before: list[int] | None = None
    """Working days before the effective deadline, e.g. [7, 3, 1, 0] (0 = on the day)."""
    send_at: dt.time | None = None
    """Local send hour, e.g. 08:00."""
    overdue_every: int | None = Field(default=None, ge=1)
    """Working days between two overdue nags."""
    overdue_max: int | None = Field(default=None, ge=0)
    escalate_after: int | None = Field(default=None, ge=0)
    """Working days overdue before the leader in charge and the monitoring office are told."""
    notify_support: bool | None = None
    """Whether supporting units are reminded too."""


class Unit(StrictModel):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    name: str = Field(min_length=1)
    short: list[str] = []
    aliases: list[str] = []
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
    """`plans/org.yaml`: the organisation directory shared by every plan."""

    units: list[Unit] = []
    people: list[Person] = []


class Task(StrictModel):
    id: str = Field(min_length=1)
    """The document's own numbering, e.g. `III.2.c`."""
    title: str = Field(min_length=1)
    lead: str | None = None
    support: list[str] = []
    leader: str | None = None
    """Lãnh đạo chỉ đạo: a person id from the directory, or the title as written."""
    timing: str | None = None
    """The timing phrase exactly as written in the document."""
    due: dt.date | None = None
    """Explicit due date; overrides what `timing` says."""
    product: str | None = None
    """Sản phẩm: the expected output (a report, a decision, a scheme)."""


class Target(StrictModel):
    id: str = Field(min_length=1)
    text: str = Field(min_length=1)
    horizon: str | None = None
    """The timing as written: `Đến năm 2030`, `Hằng năm`."""
    lead: str | None = None
    support: list[str] = []


class Reporting(StrictModel):
    id: str = Field(min_length=1)
    text: str = Field(min_length=1)
    """What is reported, as written."""
    who: list[str] = Field(min_length=1)
    """Units that report."""
    to: str
    """Unit that receives the report."""
    cycle: str
    """The cycle as written: `trước ngày 15 hàng tháng, tháng cuối quý`."""


class Plan(StrictModel):
    """One file in `plans/`; its id is the file name without `.yaml`."""

    issuer: str = Field(min_length=1)
    number: str = Field(min_length=1)
    issued: dt.date
    title: str = Field(min_length=1)
    source: str | None = None
    monitor: str | None = None
    """The unit that follows the plan and compiles reports (usually the office)."""
    digest_to: list[str] = []
    """People (ids) who receive the weekly digest."""
    reminders: ReminderPolicyOverride | None = None
    tasks: list[Task] = []
    targets: list[Target] = []
    reporting: list[Reporting] = []
