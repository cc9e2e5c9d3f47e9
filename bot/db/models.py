"""The tables. The database is the source of truth; YAML files feed it through `plans sync`.

Conventions:
- Units, people and plans keep the ids written in the YAML (`so-khdt`, `kh-04-2017`) as their
  primary key, so chat bindings, invites and logs can name them. Tasks, targets and reporting
  obligations get a surrogate integer id (what status updates and the outbox point at) and keep
  the document's own numbering in `key`, unique within the plan.
- Nothing that other rows may point at is deleted: a row that disappears from YAML gets
  `archived_at`, which is cleared again when it comes back.
- Every timestamp is timezone-aware UTC (`UTCDateTime`); calendar dates (`due`) are plain dates
  in the office's calendar.
- Enumerations are stored as stable English codes in VARCHAR columns (no PostgreSQL enum types,
  so adding a value never needs an `ALTER TYPE`).
- A task's current status is `tasks.status`, a copy of its latest `task_updates` row, maintained
  by `bot.db.updates.record_update` (the only code that inserts updates), so the digest can
  aggregate 20,000 tasks without a window function over 200,000 updates.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from bot.db.roles import Role
from bot.db.types import UTCDateTime
from bot.deadlines.model import Freq, Kind

# Stable constraint names: Alembic's batch mode on SQLite and later migrations need them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class TaskStatus(StrEnum):
    """Progress of a task as people report it (domain.md §5); how each one reads (`hoàn thành`,
    `done`) is `bot.db.labels.status_label`."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    BLOCKED = "blocked"


def _code_enum(enum: type[StrEnum], name: str, *, checked: bool) -> sa.Enum:
    """A VARCHAR holding the enum's values (not its member names)."""
    return sa.Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=checked,
        length=max(len(member.value) for member in enum),
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


def _moment(*, nullable: bool) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable)


class Tracked(SQLModel):
    """Columns every synced row carries."""

    created_at: dt.datetime = _moment(nullable=False)
    updated_at: dt.datetime = _moment(nullable=False)
    archived_at: dt.datetime | None = _moment(nullable=True)


class Unit(Tracked, table=True):
    __tablename__ = "units"

    id: str = Field(primary_key=True)
    name: str
    parent_id: str | None = Field(default=None, foreign_key="units.id", index=True)
    reminders: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    """The unit's reminder policy override, as in the directory (JSON)."""


class Person(Tracked, table=True):
    __tablename__ = "people"

    id: str = Field(primary_key=True)
    name: str
    unit_id: str = Field(foreign_key="units.id", index=True)
    role: Role = Field(default=Role.STAFF, sa_type=_code_enum(Role, "person_role", checked=True))
    title: str | None = None
    language: str = "vi"
    origin: str = Field(default="directory", sa_column_kwargs={"server_default": "directory"})
    """`directory` (synced from plans/directory/, archived when it leaves the file) or `invite`
    (created by `nhacviec invite`; sync never archives it)."""


class Plan(Tracked, table=True):
    __tablename__ = "plans"

    id: str = Field(primary_key=True)
    """The YAML file name without `.yaml`."""
    path: str
    """Where the plan was last synced from (for messages pointing at the file)."""
    issuer: str
    number: str
    issued: dt.date
    title: str
    source: str | None = None
    monitor_unit_id: str | None = Field(default=None, foreign_key="units.id", index=True)
    reminders: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    fingerprint: str | None = None
    """What the plan's rows were last synced from (`bot.plans.unchanged`): the file, its path, the
    directory, the calendar and the code that reads them. A sync skips a file whose fingerprint
    is the same."""
    warnings: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    """How many warnings the file had when it was synced (a skipped file is still counted)."""


class PlanDigestRecipient(SQLModel, table=True):
    __tablename__ = "plan_digest_recipients"

    plan_id: str = Field(foreign_key="plans.id", primary_key=True)
    person_id: str = Field(foreign_key="people.id", primary_key=True, index=True)


class DeadlineColumns(SQLModel):
    """A parsed timing phrase (`bot.deadlines.model.Deadline`) as queryable columns."""

    deadline_kind: Kind = Field(default=Kind.NONE, sa_type=_code_enum(Kind, "deadline_kind", checked=False))
    due: dt.date | None = None
    """ONCE: the last on-time day as written, before any holiday shift."""
    due_time: dt.time | None = None
    effective_due: dt.date | None = Field(default=None, index=True)
    """ONCE: `due` moved to the next working day when it falls on a day off (BLDS Điều 148)."""
    deadline_start: dt.date | None = None
    deadline_ambiguous: bool = False
    recurrence_freq: Freq | None = Field(
        default=None, sa_type=_code_enum(Freq, "recurrence_freq", checked=False)
    )
    recurrence_day: int | None = None
    """Day of month of each due date; -1 = the last day of the month."""
    recurrence_months: str | None = None
    """Months that carry a due date, comma-separated (`3,6,9,12`); NULL = the rule's default:
    every month (monthly) or the last month of each period (see `recurrence.due_months`)."""
    recurrence_weekday: int | None = None
    """0 = Monday … 6 = Sunday."""
    recurrence_window_start: int | None = None
    recurrence_exceptions: str | None = None
    """Months with a due day of their own, `month:day` comma-separated (`12:4`: the annual report
    of a rule whose other periods are due on the 9th is due on 4 December); NULL = none."""


class Task(DeadlineColumns, Tracked, table=True):
    __tablename__ = "tasks"
    __table_args__ = (
        sa.UniqueConstraint("plan_id", "key"),
        sa.CheckConstraint("status_percent BETWEEN 0 AND 100", name="status_percent_range"),
        sa.Index(None, "lead_unit_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    plan_id: str = Field(foreign_key="plans.id")
    key: str
    """The document's own numbering (`III.2.c`)."""
    position: int
    """Order in the plan file, for listings in document order."""
    title: str
    lead_unit_id: str | None = Field(default=None, foreign_key="units.id")
    leader_person_id: str | None = Field(default=None, foreign_key="people.id", index=True)
    leader_text: str | None = None
    """Lãnh đạo chỉ đạo as written, when it is not a person of the directory."""
    timing: str | None = None
    """The timing phrase exactly as written."""
    due_explicit: dt.date | None = None
    """The plan's explicit `due`, which wins over `timing`."""
    product: str | None = None
    status: TaskStatus = Field(
        default=TaskStatus.NOT_STARTED,
        sa_type=_code_enum(TaskStatus, "task_status", checked=True),
        index=True,
    )
    """Copy of the latest update's status (see the module docstring)."""
    status_percent: int | None = None
    status_at: dt.datetime | None = _moment(nullable=True)


class TaskSupportUnit(SQLModel, table=True):
    __tablename__ = "task_support_units"

    task_id: int = Field(foreign_key="tasks.id", primary_key=True)
    unit_id: str = Field(foreign_key="units.id", primary_key=True, index=True)


class Target(Tracked, table=True):
    __tablename__ = "targets"
    __table_args__ = (sa.UniqueConstraint("plan_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: str = Field(foreign_key="plans.id")
    key: str
    position: int
    text: str
    horizon: str | None = None
    """The horizon as written (`Đến năm 2030`)."""
    horizon_due: dt.date | None = None
    """The horizon's last day when it names one (`Đến năm 2030` → 2030-12-31)."""
    lead_unit_id: str | None = Field(default=None, foreign_key="units.id", index=True)
    leader_person_id: str | None = Field(default=None, foreign_key="people.id")
    leader_text: str | None = None


class TargetSupportUnit(SQLModel, table=True):
    __tablename__ = "target_support_units"

    target_id: int = Field(foreign_key="targets.id", primary_key=True)
    unit_id: str = Field(foreign_key="units.id", primary_key=True, index=True)


class ReportingObligation(DeadlineColumns, Tracked, table=True):
    """A periodic report: the `who` units send `text` to `to_unit_id` on `cycle`."""

    __tablename__ = "reporting_obligations"
    __table_args__ = (sa.UniqueConstraint("plan_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: str = Field(foreign_key="plans.id")
    key: str
    position: int
    text: str
    to_unit_id: str = Field(foreign_key="units.id", index=True)
    cycle: str
    """The cycle as written (`trước ngày 15 hàng tháng, tháng cuối quý`)."""


class ReportingUnit(SQLModel, table=True):
    """The `who` of a reporting obligation: one row per reporting unit."""

    __tablename__ = "reporting_units"

    reporting_id: int = Field(foreign_key="reporting_obligations.id", primary_key=True)
    unit_id: str = Field(foreign_key="units.id", primary_key=True, index=True)


class TaskUpdate(SQLModel, table=True):
    """One entry of a task's status history. Rows are only ever added."""

    __tablename__ = "task_updates"
    __table_args__ = (
        sa.CheckConstraint("percent BETWEEN 0 AND 100", name="percent_range"),
        sa.Index(None, "task_id", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="tasks.id")
    author_person_id: str | None = Field(default=None, foreign_key="people.id", index=True)
    at: dt.datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    status: TaskStatus = Field(sa_type=_code_enum(TaskStatus, "task_update_status", checked=True))
    percent: int | None = None
    note: str | None = Field(default=None, sa_type=sa.Text)
    source: str
    """Where the update came from: `telegram`, `zalo`, `cli`, `import`…"""
    source_ref: str | None = None
    """The chat message it came from (`telegram:<chat id>:<message id>`), for tracing and replies."""


class TaskUpdateAttachment(SQLModel, table=True):
    """Evidence sent with an update (a document or photo): a reference to the platform's file."""

    __tablename__ = "task_update_attachments"

    id: int | None = Field(default=None, primary_key=True)
    update_id: int = Field(foreign_key="task_updates.id", index=True)
    channel: str
    kind: str
    """`document` or `photo`."""
    file_id: str
    file_name: str | None = None


# --- Deadline occurrences and the reminder outbox (reminder engine) ---------------------------


class OccurrenceKind(StrEnum):
    DEADLINE = "deadline"
    """A task's due date: its only one (ONCE) or one period of a recurring task."""
    REPORT = "report"
    """One period of a reporting obligation: each reporting unit submits once."""
    PROGRESS = "progress"
    """A progress check-in for a continuous task or a long-horizon target, on the plan's cycle."""


class OccurrenceState(StrEnum):
    OPEN = "open"
    DONE = "done"
    """Completed (task) or every unit submitted (report): pending reminders are cancelled."""
    SUPERSEDED = "superseded"
    """The plan changed (new due date, task archived): replaced or no longer wanted."""


class Occurrence(SQLModel, table=True):
    """One deadline to meet. Reminders hang off it; its key makes re-materialising idempotent."""

    __tablename__ = "occurrences"
    __table_args__ = (
        sa.CheckConstraint(
            "(CASE WHEN task_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN reporting_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN target_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_subject",
        ),
        sa.Index(None, "state", "effective_due"),
        # A task's earliest open period in one index seek (the dashboard's due dates, bot.web).
        sa.Index(None, "task_id", "kind", "state", "effective_due"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)
    """`task:<id>:<due ISO>`, `report:<id>:<due ISO>`, `progress:target:<id>:<due ISO>`…"""
    plan_id: str = Field(foreign_key="plans.id", index=True)
    task_id: int | None = Field(default=None, foreign_key="tasks.id", index=True)
    reporting_id: int | None = Field(default=None, foreign_key="reporting_obligations.id", index=True)
    target_id: int | None = Field(default=None, foreign_key="targets.id", index=True)
    """Exactly one of task, reporting obligation or target is the occurrence's subject."""
    kind: OccurrenceKind = Field(sa_type=_code_enum(OccurrenceKind, "occurrence_kind", checked=True))
    due: dt.date
    """The nominal due date, as the plan says."""
    due_time: dt.time | None = None
    effective_due: dt.date
    """`due` moved to the next working day when it is a day off (BLDS Điều 148)."""
    state: OccurrenceState = Field(
        default=OccurrenceState.OPEN,
        sa_type=_code_enum(OccurrenceState, "occurrence_state", checked=True),
    )
    closed_at: dt.datetime | None = _moment(nullable=True)
    created_at: dt.datetime = _moment(nullable=False)
    updated_at: dt.datetime = _moment(nullable=False)


class ReportSubmission(SQLModel, table=True):
    """A unit's submission of one period's report (`đã nộp báo cáo tháng 11`)."""

    __tablename__ = "report_submissions"
    __table_args__ = (sa.UniqueConstraint("occurrence_id", "unit_id"),)

    id: int | None = Field(default=None, primary_key=True)
    occurrence_id: int = Field(foreign_key="occurrences.id")
    unit_id: str = Field(foreign_key="units.id", index=True)
    submitted_at: dt.datetime = _moment(nullable=False)
    on_time: bool
    author_person_id: str | None = Field(default=None, foreign_key="people.id")
    source: str


class OutboxKind(StrEnum):
    BEFORE = "before"
    DUE = "due"
    OVERDUE = "overdue"
    ESCALATION = "escalation"
    PROGRESS = "progress"
    DIGEST = "digest"
    NOTICE = "notice"
    """A message to the office's admin from the bot itself (a channel's message budget ran low),
    its text in the payload; no occurrence."""


class OutboxState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class OutboxMessage(SQLModel, table=True):
    """One message to send (a reminder or a digest): the outbox row a worker claims.

    Rows are never deleted: a reminder that is no longer wanted is `cancelled` with a reason in
    `error`, one that cannot be delivered is `failed` with the platform's reason.
    """

    __tablename__ = "outbox"
    __table_args__ = (sa.Index(None, "state", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(unique=True)
    """`<occurrence key>|<person id>|<kind>:<step>`, or `digest|<person id>|<period>`."""
    kind: OutboxKind = Field(sa_type=_code_enum(OutboxKind, "outbox_kind", checked=True))
    step: int = 0
    occurrence_id: int | None = Field(default=None, foreign_key="occurrences.id", index=True)
    person_id: str = Field(foreign_key="people.id", index=True)
    send_at: dt.datetime = _moment(nullable=False)
    """When the policy wants it sent (local send hour, as UTC)."""
    state: OutboxState = Field(
        default=OutboxState.PENDING, sa_type=_code_enum(OutboxState, "outbox_state", checked=True)
    )
    next_attempt_at: dt.datetime = _moment(nullable=False)
    """`send_at`, later after a snooze or a failed attempt (backoff)."""
    attempts: int = 0
    lease_expires_at: dt.datetime | None = _moment(nullable=True)
    claimed_by: str | None = None
    late: bool = False
    """Sent after its time because the bot was down (catch-up)."""
    payload: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    """What the message needs beyond the occurrence (a digest's period, …)."""
    sent_at: dt.datetime | None = _moment(nullable=True)
    channel: str | None = None
    chat_id: str | None = None
    sent_message_id: str | None = None
    error: str | None = Field(default=None, sa_type=sa.Text)
    created_at: dt.datetime = _moment(nullable=False)
    updated_at: dt.datetime = _moment(nullable=False)
    checkin_id: int | None = Field(default=None, foreign_key="checkins.id", index=True)
    """The check-in (one message) this row went out in."""


class CheckinKind(StrEnum):
    CHECKIN = "checkin"
    ESCALATION = "escalation"
    LIST = "list"


class Checkin(SQLModel, table=True):
    """One numbered message to one person, so that a reply `2 xong` reaches the right item: a
    check-in or a grouped escalation (outbox rows sent together), or a `/viec` or `/quahan`
    listing (tasks; sent as a reply, not through the outbox)."""

    __tablename__ = "checkins"
    __table_args__ = (sa.Index(None, "person_id", "sent_at"), sa.Index(None, "channel", "sent_at"))

    id: int | None = Field(default=None, primary_key=True)
    person_id: str = Field(foreign_key="people.id")
    kind: str
    """`checkin`, `escalation` or `list`."""
    channel: str
    chat_id: str
    sent_message_id: str | None = None
    sent_at: dt.datetime = _moment(nullable=False)
    items: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)
    """In the message's order: `{"n", "outbox_id", "occurrence_id"}` (a listing: `{"n",
    "task_id"}`); only the items shown."""
    shown: int
    total: int


class BudgetNotice(SQLModel, table=True):
    """The admin was told that a channel's monthly message budget made the bot drop reminders."""

    __tablename__ = "budget_notices"
    __table_args__ = (sa.UniqueConstraint("channel", "period", "level"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str
    period: str
    """`YYYY-MM`."""
    level: str
    """What is being dropped: `progress` or `before`."""
    noticed_at: dt.datetime = _moment(nullable=False)


class MaterializeMark(SQLModel, table=True):
    """The inputs of the last full pass of `bot.reminders.materialize` (`bot.reminders.marks`):
    a pass on the same day with the same inputs would add nothing, so it is skipped."""

    __tablename__ = "materialize_marks"

    scope: str = Field(primary_key=True)
    """`all`: the pass over every active plan (the only one marked)."""
    inputs: str
    """SHA-256 of the day, the settings, the calendar, the code and the rows the pass reads."""
    at: dt.datetime = _moment(nullable=False)


# --- People in chat: bindings and invites (channels) ------------------------------------------


class ChatBinding(SQLModel, table=True):
    """A chat on a platform that belongs to a person (bound with an invite code)."""

    __tablename__ = "chat_bindings"
    __table_args__ = (sa.UniqueConstraint("channel", "chat_id"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: str = Field(foreign_key="people.id", index=True)
    channel: str
    """`telegram`, `zalo` or `console`."""
    chat_id: str
    user_id: str | None = None
    display_name: str | None = None
    bound_at: dt.datetime = _moment(nullable=False)
    blocked_at: dt.datetime | None = _moment(nullable=True)
    """The platform said the bot is blocked or the chat is gone: nothing more is sent here."""


class Invite(SQLModel, table=True):
    """A single-use code that binds a chat to a person (new, or existing in the directory)."""

    __tablename__ = "invites"

    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(unique=True)
    """SHA-256 of the code: a leaked database does not leak usable codes."""
    person_id: str = Field(foreign_key="people.id", index=True)
    created_at: dt.datetime = _moment(nullable=False)
    expires_at: dt.datetime = _moment(nullable=False)
    used_at: dt.datetime | None = _moment(nullable=True)
    binding_id: int | None = Field(default=None, foreign_key="chat_bindings.id")


# --- Flood limits shared by the processes of one database (bot.outbox.shared_limits) -------------


class FloodSlot(SQLModel, table=True):
    """One slot of a platform's flood limit (e.g. one of Telegram's 30 messages a second for a
    token): taken when a send starts, free again one period after the platform answered. Every
    process on a PostgreSQL database takes its slots here, so together they stay within the limit.
    Slot -1 of a gate holds the platform's own "retry after" pause."""

    __tablename__ = "flood_slots"

    gate: str = Field(primary_key=True)
    """`<channel>:<token fingerprint>:all`, `…:chat:<chat id>` or `…:group:<chat id>`."""
    slot: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    free_at: dt.datetime = _moment(nullable=False)
    holder: str | None = None
    """Who holds the slot while a send is on the wire; only they free it early."""


# --- Updates a platform may deliver again (bot.chat.conversation.received) ----------------------


class ReceivedUpdate(SQLModel, table=True):
    """An update the conversation has handled, written in the same transaction as what it did:
    Telegram sends an update again until a later poll confirms it, so one whose handling was
    committed just before the process died comes again at the next start, and is recognised here
    (a status reply is not filed twice). Kept for `RECEIVED_KEPT`, far longer than a platform
    holds an update it has not had confirmed."""

    __tablename__ = "received_updates"

    channel: str = Field(primary_key=True)
    delivery_id: str = Field(primary_key=True)
    """The platform's id of the delivery (`IncomingEvent.delivery_id`)."""
    received_at: dt.datetime = Field(default=None, sa_type=UTCDateTime, nullable=False, index=True)


# --- The dashboard's sign-in (bot.web) ---------------------------------------------------------


class WebLink(SQLModel, table=True):
    """A one-time sign-in link to the dashboard (from `/web` in chat or `nhacviec web-login`)."""

    __tablename__ = "web_links"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True)
    """SHA-256 of the link's token: a leaked database does not leak usable links."""
    person_id: str = Field(foreign_key="people.id", index=True)
    created_at: dt.datetime = _moment(nullable=False)
    expires_at: dt.datetime = _moment(nullable=False)
    used_at: dt.datetime | None = _moment(nullable=True)


class WebSession(SQLModel, table=True):
    """A signed-in browser: the cookie holds the token, the database only its SHA-256."""

    __tablename__ = "web_sessions"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True)
    person_id: str = Field(foreign_key="people.id", index=True)
    link_id: int | None = Field(default=None, foreign_key="web_links.id")
    created_at: dt.datetime = _moment(nullable=False)
    expires_at: dt.datetime = _moment(nullable=False)
    ended_at: dt.datetime | None = _moment(nullable=True)
    """Signed out (or the person left the directory)."""
