"""Snoozing a reminder: its recipient asks to be reminded later (the chat layer calls this)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from bot.db import models as db
from bot.reminders.messages import (
    SNOOZE_NOT_FOUND,
    SNOOZE_NOT_PENDING,
    SNOOZE_NOT_YOURS,
    SNOOZE_PAST,
    render,
)


class SnoozeError(Exception):
    """The snooze is refused; `message(lang)` says why and what to do."""

    def __init__(self, template: str, **values: object) -> None:
        super().__init__(render("vi", template, **values))
        self.template = template
        self.values = values

    def message(self, lang: str) -> str:
        return render(lang, self.template, **self.values)


def snooze(
    session: Session, outbox_id: int, person_id: str, until: dt.datetime, now: dt.datetime
) -> db.OutboxMessage:
    """Move a pending reminder of `person_id` to `until`; another person's reminder is refused."""
    if until.tzinfo is None or now.tzinfo is None:
        raise ValueError("until and now must be timezone-aware")
    message = session.get(db.OutboxMessage, outbox_id, with_for_update=True)
    if message is None:
        raise SnoozeError(SNOOZE_NOT_FOUND, id=outbox_id)
    if message.person_id != person_id:
        raise SnoozeError(SNOOZE_NOT_YOURS, id=outbox_id)
    if message.state is not db.OutboxState.PENDING:
        raise SnoozeError(SNOOZE_NOT_PENDING, id=outbox_id, state=message.state.value)
    if until <= now:
        raise SnoozeError(SNOOZE_PAST, until=until.isoformat(timespec="minutes"))
    message.next_attempt_at = until
    message.updated_at = now
    session.add(message)
    session.flush()
    return message
