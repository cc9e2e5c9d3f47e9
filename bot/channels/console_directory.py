"""Who can talk on the console: the people of the directory, each with a console chat of their own.

On the console (`nhacviec run` without tokens) nobody has registered with an invite, yet every
person of the directory is to be reminded there. Reminders go to registered chats only, so each
person gets a console chat binding (`chat_id` = their id) while the console runs; `release` marks
them stopped (`blocked_at`) when it stops, so a later run on Telegram or Zalo does not count
directory people as registered. Nothing is deleted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.db.models import ChatBinding, Person, Unit

CHANNEL = "console"


@dataclass(frozen=True, slots=True)
class DirectoryPerson:
    id: str
    name: str
    unit: str
    """The unit's name (its id when it has none)."""


def directory(engine: Engine) -> list[DirectoryPerson]:
    """Everyone in the directory (not archived), by unit then name."""
    with Session(engine) as session:
        rows = session.exec(
            select(Person, Unit)
            .join(Unit, col(Unit.id) == col(Person.unit_id), isouter=True)
            .where(col(Person.archived_at).is_(None))
        ).all()
    people = [
        DirectoryPerson(person.id, person.name, unit.name if unit else person.unit_id)
        for person, unit in rows
    ]
    return sorted(people, key=lambda person: (person.unit, person.name, person.id))


def bind_directory(engine: Engine, now: dt.datetime) -> int:
    """A console chat for every directory person (a stopped one is resumed); returns how many."""
    with Session(engine) as session, session.begin():
        people = session.exec(select(Person.id).where(col(Person.archived_at).is_(None))).all()
        existing = {
            binding.chat_id: binding
            for binding in session.exec(select(ChatBinding).where(ChatBinding.channel == CHANNEL)).all()
        }
        for person_id in people:
            binding = existing.get(person_id)
            if binding is None:
                session.add(
                    ChatBinding(person_id=person_id, channel=CHANNEL, chat_id=person_id, bound_at=now)
                )
            elif binding.blocked_at is not None:
                binding.blocked_at = None
        return len(people)


def release(engine: Engine, now: dt.datetime) -> None:
    """The console stops: its chats take no more reminders (until it runs again)."""
    with Session(engine) as session, session.begin():
        for binding in session.exec(
            select(ChatBinding).where(ChatBinding.channel == CHANNEL, col(ChatBinding.blocked_at).is_(None))
        ).all():
            binding.blocked_at = now
