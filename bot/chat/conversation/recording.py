"""Writing down what the person answered (an update, a report, a snooze) and telling them so.

A refusal of the records (`NotAllowed`, `NotUnderstood`) becomes a `Refusal`: the transaction
rolls back and the person hears why.
"""

from __future__ import annotations

import datetime as dt

from bot.channels.events import Attachment, Reply, SourceMessage
from bot.chat.conversation.messages import (
    ATTACHMENTS_KEPT,
    REPORT_ALREADY,
    REPORT_FILED_LATE,
    REPORT_FILED_ON_TIME,
    SNOOZED,
)
from bot.chat.conversation.reminders import Reminder, Stale, checked_reminder, snooze_reminder
from bot.chat.conversation.turn import Refusal, Turn
from bot.chat.replies import confirmation
from bot.datefmt import long_date, short_date
from bot.db.models import Person, Task
from bot.outbox.render import shorten
from bot.people import NotAllowed, NotUnderstood, file_report, file_update
from bot.understand import ReportClaim, Snooze, Understanding


def still_open(turn: Turn, person: Person, outbox_id: int) -> Reminder:
    """The reminder an open question is about, checked again: it may have been answered or closed
    while the question waited."""
    try:
        return checked_reminder(turn.session, person, outbox_id)
    except Stale as stale:
        raise Refusal(Reply(turn.message(turn.t(stale.template, task=stale.task or "")))) from None


def update(
    turn: Turn,
    person: Person,
    task: Task,
    understanding: Understanding,
    message_id: str,
    attachments: tuple[Attachment, ...],
) -> None:
    """File a status update of `task`, citing message `message_id` of this chat as its source."""
    event = turn.event
    try:
        filed = file_update(
            turn.session,
            person=person,
            task=task,
            understanding=understanding,
            source_message=SourceMessage(event.channel, event.chat_id, message_id),
            attachments=attachments,
            now=turn.now,
            tz=turn.tz,
            cycles=turn.cycles,
        )
    except (NotAllowed, NotUnderstood) as refusal:
        raise Refusal(Reply(turn.message(refusal.message(turn.lang)))) from None
    replaced = None
    if filed.previous is not None:
        author = (
            turn.session.get(Person, filed.previous.author_person_id)
            if filed.previous.author_person_id
            else None
        )
        replaced = (author.name if author is not None else filed.previous.source, filed.previous.status)
    text = confirmation(understanding, task_title=task.title, lang=turn.lang, replaced=replaced)
    if attachments:
        text += "\n" + turn.t(ATTACHMENTS_KEPT, count=len(attachments))
    turn.say(text)


def report(turn: Turn, person: Person, claim: ReportClaim, occurrence_id: int | None) -> None:
    """File a report submission (`occurrence_id`: the reporting occurrence a reminder was about)."""
    try:
        filed = file_report(
            turn.session,
            person=person,
            claim=claim,
            source_message=turn.source,
            now=turn.now,
            tz=turn.tz,
            cycles=turn.cycles,
            occurrence_id=occurrence_id,
        )
    except (NotAllowed, NotUnderstood) as refusal:
        raise Refusal(Reply(turn.message(refusal.message(turn.lang)))) from None
    lines = [confirmation(Understanding(report=claim), task_title=None, lang=turn.lang)]
    due = short_date(filed.occurrence.effective_due, turn.lang)
    if filed.already:
        at = filed.submission.submitted_at.astimezone(turn.tz).strftime("%H:%M %d/%m/%Y")
        lines.append(turn.t(REPORT_ALREADY, at=at))
    else:
        lines.append(turn.t(REPORT_FILED_ON_TIME if filed.submission.on_time else REPORT_FILED_LATE, due=due))
    turn.say("\n".join(lines))


def wanted_until(turn: Turn, reminder: Reminder, wanted: Snooze) -> dt.datetime:
    """When the person asked to be reminded again: a day (a working one, at the reminder's usual
    hour) or a delay from now (a day when they said only «later»)."""
    if wanted.until is not None:
        day = turn.calendar.next_working_day(wanted.until)
        at = reminder.row.send_at.astimezone(turn.tz).time()
        return dt.datetime.combine(day, at, tzinfo=turn.tz).astimezone(dt.UTC)
    return turn.now + (wanted.delay or dt.timedelta(days=1))


def snooze(turn: Turn, person: Person, reminder: Reminder, until: dt.datetime) -> None:
    """Remind the person again at `until`, or in an hour when that time has passed already."""
    if until <= turn.now:
        until = turn.now + dt.timedelta(hours=1)
    snooze_reminder(turn.session, person, reminder.row, until, turn.now)
    local = until.astimezone(turn.tz)
    when = f"{local:%H:%M} {long_date(local.date(), turn.lang)}"
    turn.say(turn.t(SNOOZED, task=shorten(reminder.title, 80), when=when))
