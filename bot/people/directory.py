"""Finding units, people and roles named on the command line, with a suggestion when mistyped."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from bot.db.models import Person, Unit
from bot.db.roles import Role
from bot.people.errors import DirectoryError, msg
from bot.people.messages import (
    ARCHIVED_PERSON,
    ARCHIVED_UNIT,
    DID_YOU_MEAN,
    DID_YOU_MEAN_ROLE,
    UNKNOWN_PERSON,
    UNKNOWN_ROLE,
    UNKNOWN_UNIT,
)
from bot.plans.names import closest, name_key

LISTED = 12
"""How many existing ids an error lists before `…`."""


def find_unit(session: Session, reference: str) -> Unit:
    """The unit whose id (or name, ignoring case and diacritics) is `reference`."""
    units = session.exec(select(Unit).order_by(col(Unit.id))).all()
    for unit in units:
        if reference == unit.id or name_key(reference) in {name_key(unit.id), name_key(unit.name)}:
            if unit.archived_at is not None:
                raise DirectoryError(ARCHIVED_UNIT, ref=reference, name=unit.name)
            return unit
    live = [unit for unit in units if unit.archived_at is None]
    names = {unit.id: unit.name for unit in live} | {unit.name: unit.name for unit in live}
    by_name = {unit.name: unit.id for unit in live}
    near = closest(reference, names)
    did_you_mean: object = ""
    if near is not None:
        unit_id = by_name.get(near, near)
        did_you_mean = msg(DID_YOU_MEAN, id=unit_id, name=names[unit_id])
    raise DirectoryError(
        UNKNOWN_UNIT, ref=reference, did_you_mean=did_you_mean, existing=_listing(unit.id for unit in live)
    )


def find_person(session: Session, reference: str) -> Person:
    people = session.exec(select(Person).order_by(col(Person.id))).all()
    for person in people:
        if reference == person.id or name_key(reference) == name_key(person.id):
            if person.archived_at is not None:
                raise DirectoryError(ARCHIVED_PERSON, ref=reference, name=person.name)
            return person
    live = {person.id: person.name for person in people if person.archived_at is None}
    by_name = {name: person_id for person_id, name in live.items()}
    near = closest(reference, [*live, *by_name])
    did_you_mean: object = ""
    if near is not None:
        person_id = by_name.get(near, near)
        did_you_mean = msg(DID_YOU_MEAN, id=person_id, name=live[person_id])
    raise DirectoryError(UNKNOWN_PERSON, ref=reference, did_you_mean=did_you_mean, existing=_listing(live))


def parse_role(reference: str | Role) -> Role:
    if isinstance(reference, Role):
        return reference
    try:
        return Role(name_key(reference))
    except ValueError:
        near = closest(reference, [role.value for role in Role])
        did_you_mean = msg(DID_YOU_MEAN_ROLE, id=near) if near else ""
        raise DirectoryError(
            UNKNOWN_ROLE,
            ref=reference,
            did_you_mean=did_you_mean,
            existing=", ".join(role.value for role in Role),
        ) from None


def _listing(ids: Iterable[str]) -> str:
    items = list(ids)
    shown = ", ".join(str(item) for item in items[:LISTED])
    return shown + (", …" if len(items) > LISTED else "")
