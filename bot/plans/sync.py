"""Loading checked plans into the database (`nhacviec plans sync`).

The YAML files say what the plans are; the database keeps everything else (status history,
reminders sent, chat bindings). So a sync only ever inserts and updates rows, and rows that
disappeared from YAML are archived, never deleted: their history stays and they come back with
it when the YAML brings them back. Rows whose content did not change are not touched, so their
`updated_at` shows the last real change and a second sync writes nothing.

`sync_workspace` does not commit: the caller runs it inside one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, col, select

from bot.db import models as db
from bot.db.messages import UNKNOWN_PERSON, UNKNOWN_UNIT, render
from bot.db.tables import table_of
from bot.plans import model
from bot.plans.sync_items import CHUNK, Deadlines, ItemWriter, Outcome, PlanItems
from bot.workcal import WorkCalendar

__all__ = ["Counts", "Outcome", "SyncError", "SyncReport", "sync_workspace"]


class LoadedPlanLike(Protocol):
    """What the sync needs of `bot.plans.loader.LoadedPlan`."""

    @property
    def id(self) -> str: ...
    @property
    def path(self) -> Path: ...
    @property
    def plan(self) -> model.Plan: ...


class ProblemLike(Protocol):
    @property
    def path(self) -> Path: ...


class WorkspaceLike(Protocol):
    """What the sync needs of `bot.plans.loader.Workspace` (unit references already resolved)."""

    @property
    def directory(self) -> model.Directory: ...
    @property
    def plans(self) -> Mapping[str, LoadedPlanLike]: ...
    @property
    def skipped(self) -> Mapping[str, Path]: ...
    @property
    def errors(self) -> Sequence[object]: ...
    @property
    def warnings(self) -> Sequence[ProblemLike]: ...


@dataclass
class Counts:
    added: int = 0
    updated: int = 0
    archived: int = 0
    restored: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.archived or self.restored)

    def add(self, outcomes: Iterable[Outcome]) -> None:
        for outcome in outcomes:
            setattr(self, outcome.value, getattr(self, outcome.value) + 1)


@dataclass
class SyncReport:
    plans: Counts = field(default_factory=Counts)
    tasks: Counts = field(default_factory=Counts)
    targets: Counts = field(default_factory=Counts)
    reporting: Counts = field(default_factory=Counts)
    units: Counts = field(default_factory=Counts)
    people: Counts = field(default_factory=Counts)

    @property
    def changed(self) -> bool:
        return any(counts.changed for counts in self.sections())

    def sections(self) -> tuple[Counts, ...]:
        return (self.plans, self.tasks, self.targets, self.reporting, self.units, self.people)


class SyncError(Exception):
    """The workspace cannot be synced; `messages` are localised and say what to fix."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


def sync_workspace(
    session: Session,
    workspace: WorkspaceLike,
    now: dt.datetime,
    *,
    archive_missing_plans: bool = False,
    calendar: WorkCalendar,
    lang: str = "vi",
    fingerprints: Mapping[str, str] | None = None,
) -> SyncReport:
    """Upsert the directory and every plan of `workspace`; see the module docstring.

    `archive_missing_plans`: the workspace is every plan there is (a sync of the whole plans
    folder), so plans in the database but not in it are archived with their tasks. A sync of a
    few files leaves the other plans alone.

    `fingerprints` (plan id → `bot.plans.unchanged.file_fingerprint`) are stored with the plans,
    so the next sync can skip their files. The plans the workspace skipped are left as they are
    and counted as unchanged.
    """
    if workspace.errors:
        raise ValueError("a workspace with errors must never be synced")
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    problems = _reference_problems(workspace, lang)
    if problems:
        raise SyncError(problems)
    syncer = _Syncer(session, now, calendar)
    syncer.directory(workspace.directory)
    warnings: dict[Path, int] = defaultdict(int)
    for warning in workspace.warnings:
        warnings[warning.path] += 1
    loaded = sorted(workspace.plans.values(), key=lambda plan: plan.id)
    syncer.plans(loaded, fingerprints or {}, {plan.id: warnings[plan.path] for plan in loaded})
    syncer.count_skipped(sorted(workspace.skipped))
    if archive_missing_plans:
        syncer.archive_plans_except(set(workspace.plans) | set(workspace.skipped))
    session.flush()
    return syncer.report


def _reference_problems(workspace: WorkspaceLike, lang: str) -> list[str]:
    """Dangling references the loader should already have refused; checked again here because a
    foreign-key failure halfway through a sync would be a far worse message."""
    units = {unit.id for unit in workspace.directory.units}
    people = {person.id for person in workspace.directory.people}
    problems: list[str] = []

    def unit(where: str, field_name: str, ref: str | None) -> None:
        if ref is not None and ref not in units:
            problems.append(render(lang, UNKNOWN_UNIT, plan=where, field=field_name, ref=ref))

    for unit_row in workspace.directory.units:
        unit("plans/directory", f"units[{unit_row.id}].parent", unit_row.parent)
    for person in workspace.directory.people:
        unit("plans/directory", f"people[{person.id}].unit", person.unit)
    for loaded in workspace.plans.values():
        plan, where = loaded.plan, str(loaded.path)
        unit(where, "monitor", plan.monitor)
        for number, person_id in enumerate(plan.digest_to, 1):
            if person_id not in people:
                problems.append(
                    render(lang, UNKNOWN_PERSON, plan=where, field=f"digest_to[{number}]", ref=person_id)
                )
        for number, task in enumerate(plan.tasks, 1):
            unit(where, f"tasks[{number}].lead", task.lead)
            for ref in task.support:
                unit(where, f"tasks[{number}].support", ref)
        for number, target in enumerate(plan.targets, 1):
            unit(where, f"targets[{number}].lead", target.lead)
            for ref in target.support:
                unit(where, f"targets[{number}].support", ref)
        for number, reporting in enumerate(plan.reporting, 1):
            unit(where, f"reporting[{number}].to", reporting.to)
            for ref in reporting.who:
                unit(where, f"reporting[{number}].who", ref)
    return problems


Row = TypeVar("Row", bound=db.Tracked)


class _Syncer:
    def __init__(self, session: Session, now: dt.datetime, calendar: WorkCalendar) -> None:
        self.session = session
        self.now = now
        self.deadlines = Deadlines(calendar)
        self.report = SyncReport()
        self.people_ids: set[str] = set()

    # Directory ---------------------------------------------------------------------------------

    def directory(self, directory: model.Directory) -> None:
        units = {unit.id: unit for unit in self.session.exec(select(db.Unit))}
        outcomes: dict[str, Outcome] = {}
        for unit in directory.units:
            values = {"name": unit.name, "reminders": _policy(unit.reminders)}
            units[unit.id], outcomes[unit.id] = self._upsert(
                units.get(unit.id), db.Unit, {"id": unit.id}, values
            )
        # Parents only once every unit exists: a unit may name a parent listed after it.
        self.session.flush()
        for unit in directory.units:
            row = units[unit.id]
            if row.parent_id != unit.parent:
                row.parent_id = unit.parent
                outcomes[unit.id] = self._bump(row, outcomes[unit.id])
        self._archive_missing(units, {unit.id for unit in directory.units}, outcomes)
        self.report.units.add(outcomes.values())

        # People created by `nhacviec invite` are not in the directory files: never archive them.
        people = {
            person.id: person
            for person in self.session.exec(select(db.Person).where(db.Person.origin == "directory"))
        }
        outcomes = {}
        for person in directory.people:
            values = {
                "name": person.name,
                "unit_id": person.unit,
                "role": person.role,
                "title": person.title,
                "language": person.language,
            }
            people[person.id], outcomes[person.id] = self._upsert(
                people.get(person.id), db.Person, {"id": person.id}, values
            )
        self.people_ids = {person.id for person in directory.people}
        self._archive_missing(people, self.people_ids, outcomes)
        self.report.people.add(outcomes.values())
        self.session.flush()

    # Plans -------------------------------------------------------------------------------------

    def plans(
        self, plans: Sequence[LoadedPlanLike], fingerprints: Mapping[str, str], warnings: Mapping[str, int]
    ) -> None:
        """The plan rows and their digest recipients (a few hundred: the ORM), then their items
        (tens of thousands: in bulk, `bot.plans.sync_items`)."""
        ids = [loaded.id for loaded in plans]
        rows: dict[str, db.Plan] = {}
        recipients: dict[str, dict[str, db.PlanDigestRecipient]] = defaultdict(dict)
        for chunk in _chunks(ids):
            rows.update(
                (row.id, row) for row in self.session.exec(select(db.Plan).where(col(db.Plan.id).in_(chunk)))
            )
            links = self.session.exec(
                select(db.PlanDigestRecipient).where(col(db.PlanDigestRecipient.plan_id).in_(chunk))
            )
            for link in links:
                recipients[link.plan_id][link.person_id] = link
        outcomes: dict[str, Outcome] = {}
        for loaded in plans:
            plan = loaded.plan
            values = {
                "path": str(loaded.path),
                "issuer": plan.issuer,
                "number": plan.number,
                "issued": plan.issued,
                "title": plan.title,
                "source": plan.source,
                "monitor_unit_id": plan.monitor,
                "reminders": _policy(plan.reminders),
            }
            row, outcomes[loaded.id] = self._upsert(rows.get(loaded.id), db.Plan, {"id": loaded.id}, values)
            # Bookkeeping, not content: a new fingerprint alone (new code) is no change to report.
            row.fingerprint = fingerprints.get(loaded.id)
            row.warnings = warnings.get(loaded.id, 0)
            rows[loaded.id] = row
        self.session.flush()  # the plan rows first: the recipients and items point at them
        for loaded in plans:
            if self._recipients(loaded.id, recipients[loaded.id], set(loaded.plan.digest_to)):
                outcomes[loaded.id] = self._bump(rows[loaded.id], outcomes[loaded.id])
        self.report.plans.add(outcomes.values())
        self.session.flush()

        items = [PlanItems(loaded.id, loaded.plan) for loaded in plans]
        writer = ItemWriter(self.session, self.now, self.deadlines, self.people_ids)
        self.report.tasks.add(writer.tasks(items))
        self.report.targets.add(writer.targets(items))
        self.report.reporting.add(writer.reporting(items))

    def count_skipped(self, plan_ids: Sequence[str]) -> None:
        """Plans whose files were not read (unchanged since their last sync): their active items
        count as unchanged, as they would have had the files been compared."""
        self.report.plans.unchanged += len(plan_ids)
        for table, counts in self._item_tables():
            for chunk in _chunks(plan_ids):
                query = sa.select(sa.func.count()).where(
                    table.c.plan_id.in_(chunk), table.c.archived_at.is_(None)
                )
                counts.unchanged += self.session.execute(query).scalar_one()

    def archive_plans_except(self, plan_ids: set[str]) -> None:
        stale = self.session.exec(
            select(db.Plan).where(col(db.Plan.archived_at).is_(None), col(db.Plan.id).not_in(plan_ids))
        ).all()
        for plan in stale:
            plan.archived_at = self.now
            self.report.plans.archived += 1
        stale_ids = [plan.id for plan in stale]
        for table, counts in self._item_tables():
            for chunk in _chunks(stale_ids):
                result = self.session.execute(
                    sa.update(table)
                    .where(table.c.plan_id.in_(chunk), table.c.archived_at.is_(None))
                    .values(archived_at=self.now)
                )
                counts.archived += _rowcount(result)

    # Helpers -----------------------------------------------------------------------------------

    def _item_tables(self) -> list[tuple[sa.Table, Counts]]:
        """Each kind of plan item's table, with the counts it adds to."""
        kinds = (
            (db.Task, self.report.tasks),
            (db.Target, self.report.targets),
            (db.ReportingObligation, self.report.reporting),
        )
        return [(table_of(model), counts) for model, counts in kinds]

    def _upsert(
        self, row: Row | None, table: type[Row], key: dict[str, Any], values: dict[str, Any]
    ) -> tuple[Row, Outcome]:
        """Insert, or update only the fields that differ (un-archiving the row)."""
        if row is None:
            row = table(**key, **values, created_at=self.now, updated_at=self.now)
            self.session.add(row)
            return row, Outcome.ADDED
        changed = False
        for name, value in values.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
                changed = True
        outcome = Outcome.UPDATED if changed else Outcome.UNCHANGED
        if row.archived_at is not None:
            row.archived_at = None
            outcome = Outcome.RESTORED
        if outcome is not Outcome.UNCHANGED:
            row.updated_at = self.now
        return row, outcome

    def _bump(self, row: db.Tracked, outcome: Outcome) -> Outcome:
        """A change outside the row itself (its association rows) still counts as an update."""
        row.updated_at = self.now
        return Outcome.UPDATED if outcome is Outcome.UNCHANGED else outcome

    def _recipients(self, plan_id: str, current: dict[str, db.PlanDigestRecipient], wanted: set[str]) -> bool:
        """Make the plan's digest recipients exactly `wanted`; returns whether any changed."""
        for person_id, link in current.items():
            if person_id not in wanted:
                self.session.delete(link)
        for person_id in sorted(wanted - current.keys()):
            self.session.add(db.PlanDigestRecipient(plan_id=plan_id, person_id=person_id))
        return wanted != current.keys()

    def _archive_missing(
        self, rows: Mapping[str, db.Tracked], present: set[str], outcomes: dict[str, Outcome]
    ) -> None:
        for key, row in rows.items():
            if key not in present and row.archived_at is None:
                row.archived_at = self.now
                outcomes[key] = Outcome.ARCHIVED


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _rowcount(result: Any) -> int:
    count: int = result.rowcount
    return count


def _policy(policy: model.ReminderPolicyOverride | None) -> dict[str, Any] | None:
    if policy is None:
        return None
    dumped = policy.model_dump(mode="json", exclude_none=True)
    return dumped or None
