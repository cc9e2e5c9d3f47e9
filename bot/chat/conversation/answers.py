"""Answers to a reminder: one of its buttons (or the number standing for it where there are none),
words replying to it, and free text that may be about one.

The buttons' handlers take the checked `Reminder`; `handler.REMINDER_BUTTONS` routes to them.
"""

from __future__ import annotations

import datetime as dt

from bot.channels.events import Attachment, Reply
from bot.chat.conversation import questions, recording
from bot.chat.conversation.messages import OFFER_REPORT, PICK_NUMBER, RECORDED, REPORT_ONLY_DONE
from bot.chat.conversation.reminders import Reminder, recent_reminders
from bot.chat.conversation.state import Choice
from bot.chat.conversation.turn import Turn, choice_message
from bot.db.models import Person, TaskStatus
from bot.i18n import translations
from bot.outbox.render import CHOICES as REMINDER_CHOICES
from bot.outbox.render import DOMAIN as REMINDER_DOMAIN
from bot.understand import ReportClaim, Understanding, understand_reply

RECENT = dt.timedelta(days=7)
"""Free text is guessed to be about the one task reminded within this time."""


# --- the reminder's buttons ------------------------------------------------------------------------


def done(turn: Turn, person: Person, reminder: Reminder) -> None:
    if reminder.task is None:
        recording.report(turn, person, ReportClaim(period=None), reminder.occurrence.id)
    else:
        # A typed «1» may come as a photo's caption: the photo is the evidence.
        understanding = Understanding(status=TaskStatus.DONE)
        event = turn.event
        recording.update(turn, person, reminder.task, understanding, event.message_id, event.attachments)
    turn.answer_press(turn.t(RECORDED), remove_buttons=True)


def doing(turn: Turn, person: Person, reminder: Reminder) -> None:
    if reminder.task is None:
        turn.notice(turn.t(REPORT_ONLY_DONE))
        return
    turn.answer_press("")
    questions.ask_percent(
        turn,
        reminder.task.title,
        task_id=reminder.task.id,
        outbox_id=reminder.row.id,
        message_id=turn.event.message_id,
        attachments=turn.event.attachments,
    )


def blocked(turn: Turn, person: Person, reminder: Reminder) -> None:
    if reminder.task is None:
        turn.notice(turn.t(REPORT_ONLY_DONE))
        return
    turn.answer_press("")
    questions.ask_reason(
        turn,
        reminder.task.title,
        task_id=reminder.task.id,
        outbox_id=reminder.row.id,
        message_id=turn.event.message_id,
        attachments=turn.event.attachments,
    )


def later(turn: Turn, person: Person, reminder: Reminder) -> None:
    turn.answer_press("")
    questions.ask_snooze_length(turn, reminder.row.id, week=False, message_id=turn.event.message_id)


def choices_again(turn: Turn) -> None:
    """A number beyond the reminder's choices (typed, there are no buttons): the choices again."""
    labels = translations(turn.lang, REMINDER_DOMAIN)
    choices = [Choice(action, labels.gettext(label)) for action, label in REMINDER_CHOICES]
    question = turn.t(PICK_NUMBER, count=len(choices))
    turn.replies.append(Reply(choice_message(question, "", choices, False, turn.lang)))


# --- words ------------------------------------------------------------------------------------------


def reply_about(
    turn: Turn,
    person: Person,
    outbox_id: int,
    text: str,
    message_id: str,
    attachments: tuple[Attachment, ...],
) -> None:
    """`reply_on` the reminder an open question was about, once it is checked again."""
    reminder = recording.still_open(turn, person, outbox_id)
    reply_on(turn, person, reminder, text, message_id, attachments)


def reply_on(
    turn: Turn,
    person: Person,
    reminder: Reminder,
    text: str,
    message_id: str,
    attachments: tuple[Attachment, ...],
) -> None:
    """Words (and files) answering a reminder: understood, then filed, or asked back."""
    understanding = understand_reply(text, now_date=turn.today, lang=turn.lang)
    wanted = understanding.snooze
    if reminder.task is None:
        # A reporting obligation is only ever done (or put off).
        if understanding.report is not None or understanding.status is TaskStatus.DONE:
            claim = understanding.report or ReportClaim(None)
            recording.report(turn, person, claim, reminder.occurrence.id)
        elif wanted is not None:
            recording.snooze(turn, person, reminder, recording.wanted_until(turn, reminder, wanted))
        else:
            turn.say(turn.t(REPORT_ONLY_DONE))
        return
    if understanding.problem is not None and not attachments:
        turn.say(understanding.question or "")
    elif understanding.report is not None and understanding.status is None:
        recording.report(turn, person, understanding.report, None)
    elif understanding.status is not None:
        recording.update(turn, person, reminder.task, understanding, message_id, attachments)
        if wanted is not None:
            recording.snooze(turn, person, reminder, recording.wanted_until(turn, reminder, wanted))
    elif wanted is not None and not understanding.choices:
        recording.snooze(turn, person, reminder, recording.wanted_until(turn, reminder, wanted))
    else:
        questions.ask_meant_status(turn, reminder, reminder.task, understanding, message_id, attachments)


def free_text(turn: Turn, person: Person, text: str) -> None:
    """Words that answer nothing: a report claim, else perhaps about the one task reminded lately,
    else the offer of `/baocao`."""
    understanding = understand_reply(text, now_date=turn.today, lang=turn.lang) if text else None
    if understanding is not None and understanding.report is not None:
        recording.report(turn, person, understanding.report, None)
        return
    recent = [r for r in recent_reminders(turn.session, person, turn.now, RECENT) if r.task is not None]
    if text and len({r.task.id for r in recent if r.task is not None}) == 1:
        reminder = recent[0]
        assert reminder.task is not None
        questions.ask_same_task(turn, reminder, reminder.task, text)
        return
    turn.say(turn.t(OFFER_REPORT))
