"""Writing down what the person answered (an update, a report, a snooze, a correction) and telling
them so — and telling the person whose status it replaces, when somebody else changes it.

A refusal of the records (`NotAllowed`, `NotUnderstood`) becomes a `Refusal`: the transaction
rolls back and the person hears why.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlmodel import select

from bot.channels.events import Attachment, Reply, SourceMessage
from bot.chat.conversation.messages import (
    ATTACHMENTS_KEPT,
    DEFERRED,
    REOPENED,
    REPORT_ALREADY,
    REPORT_FILED_LATE,
    REPORT_FILED_ON_TIME,
    SNOOZED,
    STATUS_CHANGED_BY,
    UNDO_WORDS_NOTE,
    UNDONE,
    render,
)
from bot.chat.conversation.reminders import (
    DEFAULT_SEND_TIME,
    Reminder,
    Stale,
    checked_reminder,
    snooze_reminder,
)
from bot.chat.conversation.turn import Refusal, Turn
from bot.chat.replies import confirmation
from bot.cutting import cut_at_word
from bot.datefmt import long_date, short_date
from bot.db.labels import status_label
from bot.db.models import ChatBinding, OutboxKind, OutboxMessage, OutboxState, Person, Task, TaskUpdate
from bot.outbox.render import shorten
from bot.people import NotAllowed, NotUnderstood, file_report, file_update
from bot.people.updates import Correction, FiledUpdate, correct_update
from bot.understand import ReportClaim, Snooze, Understanding
from bot.understand.snooze import resolve


def still_open(turn: Turn, person: Person, outbox_id: int) -> Reminder:
    """The reminder an open question is about, checked again: it may have been answered or closed
    while the question waited."""
    try:
        return checked_reminder(turn.session, person, outbox_id)
    except Stale as stale:
        raise Refusal(Reply(turn.message(turn.t(stale.template, task=stale.task or "")))) from None


def short_title(task: Task) -> str:
    """How a confirmation names a task: the start of its title, cut at a word (plan titles run to
    900 characters). Answers to a check-in are headed by the item's reference as well."""
    return cut_at_word(task.title, 100)


def update(
    turn: Turn,
    person: Person,
    task: Task,
    understanding: Understanding,
    message_id: str,
    attachments: tuple[Attachment, ...],
    *,
    prefix: str | None = None,
) -> None:
    """File a status update of `task`, citing message `message_id` of this chat as its source.
    (A snooze asked for in the same words is answered by `snooze`, not in this confirmation.)"""
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
    author = None
    if filed.previous is not None and filed.previous.author_person_id:
        author = turn.session.get(Person, filed.previous.author_person_id)
    if filed.previous is not None:
        replaced = (author.name if author is not None else filed.previous.source, filed.previous.status)
    shown = dataclasses.replace(understanding, snooze=None)
    text = confirmation(
        shown, task_title=short_title(task), task_key=task.key, lang=turn.lang, replaced=replaced
    )
    if attachments:
        text += "\n" + turn.t(ATTACHMENTS_KEPT, count=len(attachments))
    turn.say(f"{prefix}\n{text}" if prefix else text)
    if author is not None:
        _tell_previous_author(turn, person, author, task, filed)


def _tell_previous_author(turn: Turn, person: Person, author: Person, task: Task, filed: FiledUpdate) -> None:
    """Somebody else (their head, a colleague) changed the status this person reported: they hear
    it, in their own chat on this channel when they have one here, else through the outbox."""
    previous = filed.previous
    unchanged = previous is not None and (previous.status, previous.percent) == (
        filed.update.status,
        filed.update.percent,
    )
    if previous is None or unchanged:
        return
    lang = author.language if author.language in ("vi", "en") else turn.lang

    def label(update: TaskUpdate) -> str:
        status = status_label(update.status, lang)
        return f"{status} ({update.percent}%)" if update.percent is not None else status

    text = render(
        lang,
        STATUS_CHANGED_BY,
        author=person.name,
        task=shorten(task.title, 80),
        before=label(previous),
        after=label(filed.update),
    )
    binding = turn.session.exec(
        select(ChatBinding).where(
            ChatBinding.person_id == author.id,
            ChatBinding.channel == turn.event.channel,
            ChatBinding.blocked_at == None,  # noqa: E711
        )
    ).first()
    if binding is not None:
        turn.replies.append(Reply(turn.message(text), chat_id=binding.chat_id))
        return
    # Not on this channel: the dispatcher takes it to whichever chat they have.
    turn.session.add(
        OutboxMessage(
            idempotency_key=f"notice:update:{filed.update.id}:{author.id}",
            kind=OutboxKind.ESCALATION,
            person_id=author.id,
            send_at=turn.now,
            next_attempt_at=turn.now,
            state=OutboxState.PENDING,
            payload={"text": text},
            created_at=turn.now,
            updated_at=turn.now,
        )
    )


def report(turn: Turn, person: Person, claim: ReportClaim, occurrence_id: int | None) -> None:
    """File a report submission (`occurrence_id`: the reporting occurrence a reminder was about);
    one per period when the message names several (`tháng 10 và tháng 11`)."""
    claims = [ReportClaim(period) for period in claim.periods] or [claim]
    lines: list[str] = []
    for one in claims:
        try:
            filed = file_report(
                turn.session,
                person=person,
                claim=one,
                source_message=turn.source,
                now=turn.now,
                tz=turn.tz,
                cycles=turn.cycles,
                occurrence_id=occurrence_id if len(claims) == 1 else None,
            )
        except (NotAllowed, NotUnderstood) as refusal:
            raise Refusal(Reply(turn.message(refusal.message(turn.lang)))) from None
        lines.append(confirmation(Understanding(report=one), task_title=None, lang=turn.lang))
        due = short_date(filed.occurrence.effective_due, turn.lang)
        if filed.already:
            at = filed.submission.submitted_at.astimezone(turn.tz).strftime("%H:%M %d/%m/%Y")
            lines.append(turn.t(REPORT_ALREADY, at=at))
        else:
            template = REPORT_FILED_ON_TIME if filed.submission.on_time else REPORT_FILED_LATE
            lines.append(turn.t(template, due=due))
    turn.say("\n".join(lines))


def wanted_until(turn: Turn, reminder: Reminder, wanted: Snooze) -> dt.datetime:
    """When the person asked to be reminded again: on a working day, at the time they said or
    else at the reminder's usual hour; or after the delay they said."""
    send_at = reminder.row.send_at
    usual = send_at.astimezone(turn.tz).time() if send_at is not None else DEFAULT_SEND_TIME
    local = turn.now.astimezone(turn.tz)
    moment = resolve(wanted, local, next_working_day=turn.calendar.next_working_day, default_time=usual)
    return moment.astimezone(dt.UTC)


def snooze(
    turn: Turn, person: Person, reminder: Reminder, until: dt.datetime, *, deferred: bool = False
) -> None:
    """Remind the person again at `until`, or in an hour when that time has passed already.
    `deferred`: they said they are busy or will report later (nothing is recorded)."""
    if until <= turn.now:
        until = turn.now + dt.timedelta(hours=1)
    snooze_reminder(turn.session, person, reminder.row, until, turn.now)
    local = until.astimezone(turn.tz)
    when = f"{local:%H:%M} {long_date(local.date(), turn.lang)}"
    turn.say(turn.t(DEFERRED if deferred else SNOOZED, task=shorten(reminder.title, 80), when=when))


def correction(turn: Turn, person: Person) -> Correction:
    """Cancel the person's newest update of today (`nhầm rồi`, `/sua`): raises `NothingToCorrect`."""
    local = turn.now.astimezone(turn.tz)
    day_start = local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(dt.UTC)

    def note(undone: TaskUpdate) -> str:
        at = undone.at.astimezone(turn.tz).strftime("%H:%M")
        return turn.t(UNDO_WORDS_NOTE, at=at, status=status_label(undone.status, turn.lang))

    done = correct_update(
        turn.session, person=person, since=day_start, note=note, source_message=turn.source, now=turn.now
    )
    task = turn.session.get(Task, done.undone.task_id)
    title = shorten(task.title, 80) if task is not None else ""
    restored = status_label(done.update.status, turn.lang)
    if done.update.percent is not None:
        restored += f" ({done.update.percent}%)"
    lines = [
        turn.t(
            UNDONE,
            status=status_label(done.undone.status, turn.lang),
            at=done.undone.at.astimezone(turn.tz).strftime("%H:%M"),
            task=title,
            restored=restored,
        )
    ]
    if done.reopened:
        lines.append(turn.t(REOPENED))
    turn.say("\n".join(lines))
    return done
