"""Who receives a reminder: the registered people of a unit, head first.

A person is registered when they have a chat binding that is not blocked and they are not
archived. Units where nobody is registered yet get no outbox rows; the preview names the unit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session

from bot.db import models as db
from bot.db.roles import Role
from bot.reminders.sqlbulk import table

ROLE_ORDER = {Role.HEAD: 0, Role.CHIEF: 1, Role.STAFF: 2, Role.ADMIN: 3}


@dataclass(frozen=True, slots=True)
class Recipient:
    person_id: str | None
    """None: nobody of `unit_id` is registered yet (preview only, never an outbox row)."""
    unit_id: str

    @property
    def shown(self) -> str:
        return self.person_id or self.unit_id


@dataclass
class Registry:
    """Registered people by unit, in the order they are reminded."""

    by_unit: dict[str, list[str]] = field(default_factory=dict)
    unit_of: dict[str, str] = field(default_factory=dict)

    def unit_recipients(self, unit_id: str) -> list[Recipient]:
        people = self.by_unit.get(unit_id)
        if not people:
            return [Recipient(None, unit_id)]
        return [Recipient(person_id, unit_id) for person_id in people]

    def units_recipients(self, unit_ids: Iterable[str]) -> list[Recipient]:
        recipients: list[Recipient] = []
        for unit_id in unit_ids:
            recipients.extend(self.unit_recipients(unit_id))
        return _unique(recipients)

    def escalation_recipients(
        self, leader_person_id: str | None, monitor_unit_id: str | None
    ) -> list[Recipient]:
        """The leader in charge (when registered), then the monitoring unit's people."""
        recipients: list[Recipient] = []
        if leader_person_id is not None and leader_person_id in self.unit_of:
            recipients.append(Recipient(leader_person_id, self.unit_of[leader_person_id]))
        if monitor_unit_id is not None:
            recipients.extend(self.unit_recipients(monitor_unit_id))
        return _unique(recipients)


def _unique(recipients: list[Recipient]) -> list[Recipient]:
    seen: set[str] = set()
    unique: list[Recipient] = []
    for recipient in recipients:
        if recipient.shown not in seen:
            seen.add(recipient.shown)
            unique.append(recipient)
    return unique


def load_registry(session: Session) -> Registry:
    people = table(db.Person)
    bindings = table(db.ChatBinding)
    query = sa.select(people.c.id, people.c.unit_id, people.c.role).where(
        people.c.archived_at.is_(None),
        sa.exists().where(bindings.c.person_id == people.c.id, bindings.c.blocked_at.is_(None)),
    )
    rows = sorted(session.execute(query), key=lambda row: (ROLE_ORDER.get(row.role, 9), row.id))
    by_unit: dict[str, list[str]] = defaultdict(list)
    unit_of: dict[str, str] = {}
    for person_id, unit_id, _role in rows:
        by_unit[unit_id].append(person_id)
        unit_of[person_id] = unit_id
    return Registry(dict(by_unit), unit_of)
