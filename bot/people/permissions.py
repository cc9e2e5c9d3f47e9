"""Who may do what, as plain functions the server checks before every action.

- Staff, heads (and anyone else) report on the tasks their unit leads or supports.
- Everyone sees the tasks they report on, those of their unit's sub-units, and those they lead
  in person (`Lãnh đạo chỉ đạo`); chiefs and admins see everything.
- Chiefs, admins and each plan's digest recipients get and may ask for digests.
- Admins manage invites (and plans, through the command line).
A person no longer in the directory (archived) may do nothing.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from bot.db.models import Person, PlanDigestRecipient, Task, TaskSupportUnit, Unit
from bot.db.roles import Role

SEES_EVERYTHING = frozenset({Role.CHIEF, Role.ADMIN})


def support_units(session: Session, task: Task) -> set[str]:
    rows = session.exec(select(TaskSupportUnit.unit_id).where(TaskSupportUnit.task_id == task.id)).all()
    return set(rows)


def is_task_of_unit(session: Session, task: Task, unit_id: str) -> bool:
    return task.lead_unit_id == unit_id or unit_id in support_units(session, task)


def can_report(session: Session, person: Person, task: Task) -> bool:
    if person.archived_at is not None or task.archived_at is not None:
        return False
    return is_task_of_unit(session, task, person.unit_id)


def can_view(session: Session, person: Person, task: Task) -> bool:
    if person.archived_at is not None:
        return False
    if person.role in SEES_EVERYTHING or task.leader_person_id == person.id:
        return True
    units = unit_subtree(session, person.unit_id)
    return task.lead_unit_id in units or bool(units & support_units(session, task))


def can_request_digest(session: Session, person: Person) -> bool:
    if person.archived_at is not None:
        return False
    if person.role in SEES_EVERYTHING:
        return True
    recipient = session.exec(
        select(PlanDigestRecipient).where(PlanDigestRecipient.person_id == person.id)
    ).first()
    return recipient is not None


def can_invite(session: Session, person: Person) -> bool:
    del session  # same signature as the other checks; the rule needs only the role today
    return person.archived_at is None and person.role is Role.ADMIN


def unit_subtree(session: Session, unit_id: str) -> set[str]:
    """The unit and every unit below it (a department head sees their divisions' tasks)."""
    children: dict[str | None, list[str]] = {}
    for unit in session.exec(select(Unit).where(col(Unit.archived_at).is_(None))).all():
        children.setdefault(unit.parent_id, []).append(unit.id)
    found = {unit_id}
    pending = [unit_id]
    while pending:
        for child in children.get(pending.pop(), []):
            if child not in found:
                found.add(child)
                pending.append(child)
    return found
