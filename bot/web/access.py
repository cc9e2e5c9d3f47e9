"""Who sees what on the dashboard, decided on the server for every request: chiefs and admins
see every plan and unit; heads and staff see their unit (and the units under it), the tasks it
supports and the tasks they lead in person, as in chat (`bot.people.permissions`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from bot.db.models import Person, Task, TaskSupportUnit
from bot.people.permissions import SEES_EVERYTHING, can_request_digest, unit_subtree


@dataclass(frozen=True, slots=True)
class Viewer:
    person_id: str
    name: str
    lang: str
    role: str
    units: frozenset[str] | None
    """The units this person sees; None for everything (chiefs, admins)."""
    digests: bool
    """May see the digest archive and download workbooks of whole plans."""

    @property
    def sees_everything(self) -> bool:
        return self.units is None

    def sees_unit(self, unit_id: str) -> bool:
        return self.units is None or unit_id in self.units


def viewer_of(session: Session, person: Person) -> Viewer:
    everything = person.role in SEES_EVERYTHING
    return Viewer(
        person_id=person.id,
        name=person.name,
        lang=person.language if person.language in ("vi", "en") else "vi",
        role=person.role.value,
        units=None if everything else frozenset(unit_subtree(session, person.unit_id)),
        digests=can_request_digest(session, person),
    )


def visible_tasks(viewer: Viewer, task: Any) -> sa.ColumnElement[bool] | None:
    """The condition on a tasks table (or alias) `task` for what the viewer sees; None when the
    viewer sees everything."""
    if viewer.units is None:
        return None
    units = sorted(viewer.units)
    support = sa.select(TaskSupportUnit.__table__.c.task_id).where(  # type: ignore[attr-defined]
        TaskSupportUnit.__table__.c.unit_id.in_(units)  # type: ignore[attr-defined]
    )
    return sa.or_(
        task.c.lead_unit_id.in_(units),
        task.c.id.in_(support),
        task.c.leader_person_id == viewer.person_id,
    )


def can_see_task(session: Session, viewer: Viewer, task: Task) -> bool:
    if viewer.units is None:
        return True
    if task.lead_unit_id in viewer.units or task.leader_person_id == viewer.person_id:
        return True
    supporting = session.execute(
        sa.select(TaskSupportUnit.__table__.c.unit_id).where(  # type: ignore[attr-defined]
            TaskSupportUnit.__table__.c.task_id == task.id  # type: ignore[attr-defined]
        )
    ).scalars()
    return any(unit in viewer.units for unit in supporting)
