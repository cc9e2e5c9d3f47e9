"""The items of the synced plans (tasks, targets, reporting obligations) and their unit links,
written in bulk.

A province has tens of thousands of items, so they do not go through the ORM one at a time (a
flush and a SELECT per item): every existing row and link of the synced plans is read in a few
queries, compared in Python, and only the differences are written, each kind of change as one
statement (new rows with COPY on PostgreSQL, `bot.db.bulk`). New rows are inserted in plan then
document order, as the ORM did, so ids come out the same; their ids are then read back by (plan,
key) for their links.

The rules are `bot.plans.sync`'s: a row whose values, links or archived state differ is updated
(its `updated_at` moves), a row missing from its plan's YAML is archived, nothing is deleted but
link rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session

from bot.db import models as db
from bot.db.bulk import copy_rows
from bot.db.tables import table_of
from bot.deadlines import parse_deadline
from bot.deadlines.model import Deadline, Kind
from bot.plans import model
from bot.workcal import WorkCalendar

CHUNK = 900
"""Values per `IN (…)`: well under every SQLite build's variable limit."""

T = TypeVar("T")


class Outcome(Enum):
    ADDED = "added"
    UPDATED = "updated"
    ARCHIVED = "archived"
    RESTORED = "restored"
    UNCHANGED = "unchanged"


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


class Deadlines:
    """A timing phrase as deadline columns. A province repeats a few hundred phrases across tens
    of thousands of items, so each (phrase, issue date) is read once and each date shifted once."""

    def __init__(self, calendar: WorkCalendar) -> None:
        self.calendar = calendar
        self._read: dict[tuple[str | None, dt.date | None, dt.date], Deadline] = {}
        self._effective: dict[dt.date, dt.date] = {}

    def interpret(self, text: str | None, explicit: dt.date | None, ref: dt.date) -> Deadline:
        key = (text, explicit, ref)
        found = self._read.get(key)
        if found is None:
            if explicit is not None:
                found = Deadline(kind=Kind.ONCE, due=explicit)
            elif text:
                found = parse_deadline(text, ref=ref)
            else:
                found = Deadline(kind=Kind.NONE)
            self._read[key] = found
        return found

    def effective(self, due: dt.date) -> dt.date:
        shifted = self._effective.get(due)
        if shifted is None:
            shifted = self._effective[due] = self.calendar.effective_deadline(due)
        return shifted

    def columns(self, timing: str | None, explicit: dt.date | None, ref: dt.date) -> dict[str, Any]:
        deadline = self.interpret(timing, explicit, ref)
        recurrence = deadline.recurrence if deadline.kind is Kind.RECURRING else None
        due = deadline.due if deadline.kind is Kind.ONCE else None
        return {
            "deadline_kind": deadline.kind,
            "due": due,
            "due_time": deadline.time if due is not None else None,
            "effective_due": self.effective(due) if due is not None else None,
            "deadline_start": deadline.start if due is not None else None,
            "deadline_ambiguous": deadline.ambiguous,
            "recurrence_freq": recurrence.freq if recurrence else None,
            "recurrence_day": recurrence.day if recurrence else None,
            "recurrence_months": (
                ",".join(str(month) for month in recurrence.months)
                if recurrence and recurrence.months
                else None
            ),
            "recurrence_weekday": recurrence.weekday if recurrence else None,
            "recurrence_window_start": recurrence.window_start if recurrence else None,
            "recurrence_exceptions": recurrence.exceptions_text() if recurrence else None,
        }


@dataclass(frozen=True)
class PlanItems:
    """One synced plan, as the item writers need it."""

    id: str
    plan: model.Plan


@dataclass(frozen=True)
class _Kind:
    """One kind of item: its table, its association table and how a YAML item becomes a row."""

    table: sa.Table
    links: sa.Table
    owner: str
    """The association table's column naming the item (`task_id`)."""
    items: Callable[[model.Plan], Sequence[Any]]
    values: Callable[[model.Plan, Any, int], dict[str, Any]]
    linked: Callable[[Any], Iterable[str]]


@dataclass
class _Changes:
    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    archives: list[int] = field(default_factory=list)
    unlink: list[dict[str, Any]] = field(default_factory=list)
    link: list[dict[str, Any]] = field(default_factory=list)
    links_of_new: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    outcomes: list[Outcome] = field(default_factory=list)


class ItemWriter:
    """Writes the tasks, targets and reporting obligations of the synced plans."""

    def __init__(
        self, session: Session, now: dt.datetime, deadlines: Deadlines, people_ids: set[str]
    ) -> None:
        self.session = session
        self.now = now
        self.deadlines = deadlines
        self.people_ids = people_ids

    def tasks(self, plans: Sequence[PlanItems]) -> list[Outcome]:
        return self._sync(
            _Kind(
                table_of(db.Task),
                table_of(db.TaskSupportUnit),
                "task_id",
                lambda plan: plan.tasks,
                self._task_values,
                lambda task: task.support,
            ),
            plans,
        )

    def targets(self, plans: Sequence[PlanItems]) -> list[Outcome]:
        return self._sync(
            _Kind(
                table_of(db.Target),
                table_of(db.TargetSupportUnit),
                "target_id",
                lambda plan: plan.targets,
                self._target_values,
                lambda target: target.support,
            ),
            plans,
        )

    def reporting(self, plans: Sequence[PlanItems]) -> list[Outcome]:
        return self._sync(
            _Kind(
                table_of(db.ReportingObligation),
                table_of(db.ReportingUnit),
                "reporting_id",
                lambda plan: plan.reporting,
                self._reporting_values,
                lambda reporting: reporting.who,
            ),
            plans,
        )

    # Row values, as the YAML says them ---------------------------------------------------------

    def _task_values(self, plan: model.Plan, task: model.Task, position: int) -> dict[str, Any]:
        leader_is_person = task.leader is not None and task.leader in self.people_ids
        return {
            "position": position,
            "title": task.title,
            "lead_unit_id": task.lead,
            "leader_person_id": task.leader if leader_is_person else None,
            "leader_text": None if leader_is_person else task.leader,
            "timing": task.timing,
            "due_explicit": task.due,
            "product": task.product,
            **self.deadlines.columns(task.timing, task.due, plan.issued),
        }

    def _target_values(self, plan: model.Plan, target: model.Target, position: int) -> dict[str, Any]:
        horizon = self.deadlines.interpret(target.horizon, None, plan.issued)
        return {
            "position": position,
            "text": target.text,
            "horizon": target.horizon,
            "horizon_due": horizon.due if horizon.kind is Kind.ONCE else None,
            "lead_unit_id": target.lead,
            "leader_person_id": target.leader if target.leader in self.people_ids else None,
            "leader_text": None if target.leader in self.people_ids else target.leader,
        }

    def _reporting_values(
        self, plan: model.Plan, reporting: model.Reporting, position: int
    ) -> dict[str, Any]:
        return {
            "position": position,
            "text": reporting.text,
            "to_unit_id": reporting.to,
            "cycle": reporting.cycle,
            **self.deadlines.columns(reporting.cycle, None, plan.issued),
        }

    # The comparison and the writes -------------------------------------------------------------

    def _sync(self, kind: _Kind, plans: Sequence[PlanItems]) -> list[Outcome]:
        if not plans:
            return []
        existing = self._existing(kind, [plan.id for plan in plans])
        links = self._links(kind, [plan.id for plan in plans])
        changes = _Changes()
        for plan in plans:
            self._compare(kind, plan, existing.get(plan.id, {}), links, changes)
        self._write(kind, changes)
        return changes.outcomes

    def _compare(
        self,
        kind: _Kind,
        plan: PlanItems,
        rows: Mapping[str, Mapping[str, Any]],
        links: Mapping[int, set[str]],
        changes: _Changes,
    ) -> None:
        present: set[str] = set()
        for position, item in enumerate(kind.items(plan.plan), 1):
            present.add(item.id)
            values = kind.values(plan.plan, item, position)
            wanted = set(kind.linked(item))
            row = rows.get(item.id)
            if row is None:
                changes.inserts.append(
                    {
                        "plan_id": plan.id,
                        "key": item.id,
                        **values,
                        "created_at": self.now,
                        "updated_at": self.now,
                        "archived_at": None,
                    }
                )
                changes.links_of_new[(plan.id, item.id)] = wanted
                changes.outcomes.append(Outcome.ADDED)
                continue
            row_id: int = row["id"]
            changed = any(row[name] != value for name, value in values.items())
            outcome = Outcome.UPDATED if changed else Outcome.UNCHANGED
            if row["archived_at"] is not None:
                outcome = Outcome.RESTORED
            current = links.get(row_id, set())
            if wanted != current:
                # A change outside the row itself (its links) still counts as an update.
                changes.unlink += [{"owner": row_id, "unit": unit} for unit in sorted(current - wanted)]
                changes.link += [{kind.owner: row_id, "unit_id": unit} for unit in sorted(wanted - current)]
                if outcome is Outcome.UNCHANGED:
                    outcome = Outcome.UPDATED
            if outcome is not Outcome.UNCHANGED:
                changes.updates.append(
                    {"row_id": row_id, **values, "updated_at": self.now, "archived_at": None}
                )
            changes.outcomes.append(outcome)
        for key, row in rows.items():
            if key not in present and row["archived_at"] is None:
                changes.archives.append(row["id"])
                changes.outcomes.append(Outcome.ARCHIVED)

    def _existing(self, kind: _Kind, plan_ids: list[str]) -> dict[str, dict[str, dict[str, Any]]]:
        """plan id → key → the row's columns."""
        found: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        for ids in _chunks(plan_ids):
            result = self.session.execute(sa.select(kind.table).where(kind.table.c.plan_id.in_(ids)))
            for row in result.mappings():
                found[row["plan_id"]][row["key"]] = dict(row)
        return found

    def _links(self, kind: _Kind, plan_ids: list[str]) -> dict[int, set[str]]:
        """item id → linked unit ids, for every item of the plans."""
        owner = kind.links.c[kind.owner]
        found: dict[int, set[str]] = defaultdict(set)
        for ids in _chunks(plan_ids):
            query = (
                sa.select(owner, kind.links.c.unit_id)
                .join(kind.table, kind.table.c.id == owner)
                .where(kind.table.c.plan_id.in_(ids))
            )
            for owner_id, unit_id in self.session.execute(query):
                found[owner_id].add(unit_id)
        return found

    def _write(self, kind: _Kind, changes: _Changes) -> None:
        table = kind.table
        if changes.updates:
            # The SET clause is every other key of the parameters (all rows have the same keys).
            self.session.execute(
                sa.update(table).where(table.c.id == sa.bindparam("row_id")), changes.updates
            )
        for ids in _chunks(changes.archives):
            self.session.execute(sa.update(table).where(table.c.id.in_(ids)).values(archived_at=self.now))
        if changes.unlink:
            owner = kind.links.c[kind.owner]
            statement = sa.delete(kind.links).where(
                owner == sa.bindparam("owner"), kind.links.c.unit_id == sa.bindparam("unit")
            )
            self.session.execute(statement, changes.unlink)
        links = list(changes.link)
        if changes.inserts:
            self._insert(table, changes.inserts)
            new_ids = self._ids(table, sorted({plan_id for plan_id, _ in changes.links_of_new}))
            for (plan_id, key), wanted in changes.links_of_new.items():
                owner_id = new_ids[(plan_id, key)]
                links += [{kind.owner: owner_id, "unit_id": unit} for unit in sorted(wanted)]
        if links:
            self._insert(kind.links, links)

    def _insert(self, table: sa.Table, rows: list[dict[str, Any]]) -> None:
        """New rows in the order given (their ids follow it): COPY on PostgreSQL."""
        if self.session.get_bind().dialect.name == "postgresql":
            copy_rows(self.session, table, rows)
        else:
            self.session.execute(sa.insert(table), rows)

    def _ids(self, table: sa.Table, plan_ids: list[str]) -> dict[tuple[str, str], int]:
        found: dict[tuple[str, str], int] = {}
        for ids in _chunks(plan_ids):
            query = sa.select(table.c.plan_id, table.c.key, table.c.id).where(table.c.plan_id.in_(ids))
            for plan_id, key, row_id in self.session.execute(query):
                found[(plan_id, key)] = row_id
        return found
