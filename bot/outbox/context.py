"""Everything a claimed row needs to be rendered and routed, loaded in two queries per batch."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.db.models import (
    ChatBinding,
    Occurrence,
    OccurrenceState,
    OutboxKind,
    Person,
    Plan,
    ReportingObligation,
    ReportingUnit,
    ReportSubmission,
    Target,
    Task,
    Unit,
)
from bot.outbox.rows import outbox, table_of


@dataclass(frozen=True, slots=True)
class Binding:
    id: int
    channel: str
    chat_id: str
    bound_at: dt.datetime
    blocked_at: dt.datetime | None = None
    """The platform said the bot is blocked or the chat is gone; kept so the row's reason says so."""


@dataclass(frozen=True, slots=True)
class Subject:
    """What the reminder is about."""

    kind: str
    """`task`, `report` or `target`."""
    key: str
    title: str
    unit: str | None
    """Lead unit (task, target) or the unit the report goes to."""
    late_unit: str | None = None
    """A report's reporting units that have not submitted it: the units an escalation names
    (not the office that receives the report)."""


@dataclass(frozen=True, slots=True)
class ReminderContext:
    id: int
    kind: OutboxKind
    step: int
    person_id: str
    person_name: str
    language: str
    send_at: dt.datetime
    late: bool
    payload: dict[str, Any] | None
    occurrence_state: OccurrenceState | None = None
    due: dt.date | None = None
    """The effective deadline (after the holiday shift)."""
    due_time: dt.time | None = None
    plan_number: str | None = None
    plan_title: str | None = None
    subject: Subject | None = None
    bindings: Sequence[Binding] = field(default_factory=tuple)
    occurrence_id: int | None = None


def load_contexts(engine: Engine, ids: Sequence[int]) -> dict[int, ReminderContext]:
    if not ids:
        return {}
    occ, person, plan = table_of(Occurrence), table_of(Person), table_of(Plan)
    task, report, target = table_of(Task), table_of(ReportingObligation), table_of(Target)
    task_unit, report_unit, target_unit = (table_of(Unit).alias(n) for n in ("tu", "ru", "gu"))
    query = (
        sa.select(
            outbox.c.id,
            outbox.c.kind,
            outbox.c.step,
            outbox.c.person_id,
            outbox.c.send_at,
            outbox.c.late,
            outbox.c.payload,
            outbox.c.occurrence_id,
            person.c.name.label("person_name"),
            person.c.language,
            occ.c.state.label("occ_state"),
            occ.c.effective_due,
            occ.c.due_time,
            plan.c.number.label("plan_number"),
            plan.c.title.label("plan_title"),
            task.c.key.label("task_key"),
            task.c.title.label("task_title"),
            task_unit.c.name.label("task_unit"),
            report.c.key.label("report_key"),
            report.c.text.label("report_text"),
            report_unit.c.name.label("report_unit"),
            target.c.key.label("target_key"),
            target.c.text.label("target_text"),
            target_unit.c.name.label("target_unit"),
        )
        .select_from(outbox)
        .join(person, person.c.id == outbox.c.person_id)
        .outerjoin(occ, occ.c.id == outbox.c.occurrence_id)
        .outerjoin(plan, plan.c.id == occ.c.plan_id)
        .outerjoin(task, task.c.id == occ.c.task_id)
        .outerjoin(task_unit, task_unit.c.id == task.c.lead_unit_id)
        .outerjoin(report, report.c.id == occ.c.reporting_id)
        .outerjoin(report_unit, report_unit.c.id == report.c.to_unit_id)
        .outerjoin(target, target.c.id == occ.c.target_id)
        .outerjoin(target_unit, target_unit.c.id == target.c.lead_unit_id)
        .where(outbox.c.id.in_(list(ids)))
    )
    chats = table_of(ChatBinding)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
        people = sorted({row.person_id for row in rows})
        bindings: dict[str, list[Binding]] = defaultdict(list)
        if people:
            # Blocked chats too: a person whose only chat blocked the bot gets that as the reason,
            # not "no chat registered".
            found = connection.execute(
                sa.select(
                    chats.c.id,
                    chats.c.person_id,
                    chats.c.channel,
                    chats.c.chat_id,
                    chats.c.bound_at,
                    chats.c.blocked_at,
                ).where(chats.c.person_id.in_(people))
            )
            for b in found:
                bindings[b.person_id].append(Binding(b.id, b.channel, b.chat_id, b.bound_at, b.blocked_at))
        late_units = _late_report_units(
            connection, {row.occurrence_id for row in rows if row.report_key is not None}
        )
    contexts: dict[int, ReminderContext] = {}
    for row in rows:
        contexts[row.id] = ReminderContext(
            id=row.id,
            kind=OutboxKind(row.kind),
            step=row.step,
            person_id=row.person_id,
            person_name=row.person_name,
            language=row.language or "vi",
            send_at=row.send_at,
            late=row.late,
            payload=row.payload,
            occurrence_state=OccurrenceState(row.occ_state) if row.occ_state is not None else None,
            due=row.effective_due,
            due_time=row.due_time,
            plan_number=row.plan_number,
            plan_title=row.plan_title,
            subject=_subject(row, late_units.get(row.occurrence_id)),
            bindings=tuple(bindings[row.person_id]),
            occurrence_id=row.occurrence_id,
        )
    return contexts


def _late_report_units(connection: sa.Connection, occurrence_ids: set[int]) -> dict[int, str]:
    """Occurrence → the names of the reporting units that have not submitted that period."""
    if not occurrence_ids:
        return {}
    occ, units = table_of(Occurrence), table_of(Unit)
    reporting, submitted = table_of(ReportingUnit), table_of(ReportSubmission)
    query = (
        sa.select(occ.c.id, units.c.name)
        .join(reporting, reporting.c.reporting_id == occ.c.reporting_id)
        .join(units, units.c.id == reporting.c.unit_id)
        .where(
            occ.c.id.in_(sorted(occurrence_ids)),
            ~sa.exists().where(
                submitted.c.occurrence_id == occ.c.id, submitted.c.unit_id == reporting.c.unit_id
            ),
        )
        .order_by(occ.c.id, units.c.name)
    )
    names: dict[int, list[str]] = defaultdict(list)
    for occurrence_id, name in connection.execute(query):
        names[occurrence_id].append(name)
    return {key: ", ".join(value) for key, value in names.items()}


def _subject(row: Any, late_unit: str | None = None) -> Subject | None:
    if row.task_key is not None:
        return Subject("task", row.task_key, row.task_title, row.task_unit)
    if row.report_key is not None:
        return Subject("report", row.report_key, row.report_text, row.report_unit, late_unit)
    if row.target_key is not None:
        return Subject("target", row.target_key, row.target_text, row.target_unit)
    return None


CHANNEL_PREFERENCE = ("telegram", "zalo", "console")


def choose_binding(bindings: Sequence[Binding], available: Sequence[str]) -> Binding | None:
    """The most recently bound chat on the most preferred channel this process can send on
    (blocked chats never)."""
    usable = [b for b in bindings if b.channel in available and b.blocked_at is None]
    if not usable:
        return None

    def rank(binding: Binding) -> tuple[int, float]:
        preference = (
            CHANNEL_PREFERENCE.index(binding.channel)
            if binding.channel in CHANNEL_PREFERENCE
            else len(CHANNEL_PREFERENCE)
        )
        return preference, -binding.bound_at.timestamp()

    return min(usable, key=rank)
