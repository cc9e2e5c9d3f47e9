"""Answers to a reminder: one of its buttons (or the number standing for it where there are none),
words replying to it, and free text that may be about one; and what any words about a task mean
(`act_on`), wherever they were typed: a reply, a step of `/baocao`, free text.

The buttons' handlers take the checked `Reminder`; `handler.REMINDER_BUTTONS` routes to them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlmodel import col, select

from bot.channels.events import Attachment, Reply
from bot.chat.conversation import questions, recording
from bot.chat.conversation.messages import (
    ALREADY_UNDONE,
    ANSWER_DEADLINE,
    ANSWER_NO_DEADLINE,
    ANSWER_QUESTION,
    COMPLAINT_NOTED,
    EXTEND_ASK,
    HANDOFF_NOTED,
    NOTHING_TO_SNOOZE,
    NOTHING_TO_UNDO,
    OFFER_REPORT,
    PICK_NUMBER,
    RECORDED,
    REPORT_ONLY_DONE,
    TARGET_NOT_RECORDED,
    UNDO_ASK,
    WHICH_ITEM_IN_LIST,
)
from bot.chat.conversation.reminders import Reminder, recent_reminders
from bot.chat.conversation.state import Choice
from bot.chat.conversation.turn import Turn, choice_message
from bot.datefmt import long_date
from bot.db.models import Occurrence, OccurrenceKind, OccurrenceState, Person, Task, TaskStatus
from bot.folding import fold
from bot.i18n import translations
from bot.outbox.render import DOMAIN as REMINDER_DOMAIN
from bot.outbox.render import choices_for, shorten
from bot.people.updates import NothingToCorrect
from bot.understand import Aside, ReportClaim, Snooze, Understanding, understand_reply
from bot.understand.courtesy import only_courtesy
from bot.understand.undo import asks_undo

RECENT = dt.timedelta(days=7)
"""Free text is guessed to be about the one task reminded within this time."""
_DEADLINE_WORDS = ("han", "khi nao", "bao gio", "deadline", "ngay nao", "thoi gian", "when", "due")


# --- the reminder's buttons ------------------------------------------------------------------------


def done(turn: Turn, person: Person, reminder: Reminder) -> None:
    if reminder.target is not None:
        _target(turn, reminder)
        return
    if reminder.task is None:
        recording.report(turn, person, ReportClaim(period=None), reminder.occurrence.id)
    else:
        # A typed «1» may come as a photo's caption: the photo is the evidence.
        understanding = Understanding(status=TaskStatus.DONE)
        event = turn.event
        recording.update(turn, person, reminder.task, understanding, event.message_id, event.attachments)
    turn.answer_press(turn.t(RECORDED), remove_buttons=True)


def doing(turn: Turn, person: Person, reminder: Reminder) -> None:
    _ask_about_task(turn, reminder, questions.ask_percent)


def blocked(turn: Turn, person: Person, reminder: Reminder) -> None:
    _ask_about_task(turn, reminder, questions.ask_reason)


def _ask_about_task(turn: Turn, reminder: Reminder, ask: Callable[..., None]) -> None:
    """In progress and blocked both need one more answer (the percent, the reason) about the task."""
    if reminder.target is not None:
        _target(turn, reminder)
        return
    if reminder.task is None:
        turn.notice(turn.t(REPORT_ONLY_DONE))
        return
    turn.answer_press("")
    ask(
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


def extend(turn: Turn, person: Person, reminder: Reminder) -> None:
    """«Xin lùi hạn» (a report's reminder): until when? The reminder comes back then; granting the
    extension is the receiving unit's, which the person is told."""
    turn.answer_press("")
    questions.ask_snooze_length(
        turn, reminder.row.id, week=True, message_id=turn.event.message_id, question=turn.t(EXTEND_ASK)
    )


def _target(turn: Turn, reminder: Reminder) -> None:
    """A target's check-in: its figures have no place in the database yet, so nothing is recorded
    (and nothing false is said to be)."""
    turn.answer_press("")
    turn.say(turn.t(TARGET_NOT_RECORDED, target=shorten(reminder.title, 80)))


def choices_again(turn: Turn, reminder: Reminder | None = None) -> None:
    """A number beyond the reminder's choices (typed, there are no buttons): the choices again,
    those of the reminder's kind (a report's are not a task's)."""
    labels = translations(turn.lang, REMINDER_DOMAIN)
    choices = [Choice(action, labels.gettext(label)) for action, label in choices_for(kind_of(reminder))]
    question = turn.t(PICK_NUMBER, count=len(choices))
    turn.replies.append(Reply(choice_message(question, "", choices, False, turn.lang)))


def kind_of(reminder: Reminder | None) -> str:
    """`task`, `report` or `target`: which choices the reminder offers (`choices_for`)."""
    if reminder is None or reminder.task is not None:
        return "task"
    return "report" if reminder.report is not None else "target"


REMINDER_ACTIONS: dict[str, Callable[[Turn, Person, Reminder], None]] = {
    "done": done,
    "doing": doing,
    "blocked": blocked,
    "snooze": later,
    "extend": extend,
}
"""What each choice of `bot.outbox.render.choices_for` does."""


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
    if asks_undo(text):
        correct(turn, person, rest=asks_undo(text) or "")
        return
    understanding = understand_reply(text, now_date=turn.today, lang=turn.lang, now_time=_local_time(turn))
    if reminder.target is not None:
        if understanding.snooze is not None and understanding.status is None:
            until = recording.wanted_until(turn, reminder, understanding.snooze)
            recording.snooze(turn, person, reminder, until, deferred=understanding.aside is Aside.DEFERRAL)
        else:
            _target(turn, reminder)
        return
    if reminder.task is None:
        _about_report(turn, person, reminder, understanding, text)
        return
    act_on(turn, person, reminder.task, reminder, understanding, text, message_id, attachments)


def reply_on_task(
    turn: Turn, person: Person, task: Task, text: str, message_id: str, attachments: tuple[Attachment, ...]
) -> None:
    """Words about a task picked by its number in a listing (`/viec`): as `reply_on`, no reminder."""
    if asks_undo(text):
        correct(turn, person, rest=asks_undo(text) or "")
        return
    understanding = understand_reply(text, now_date=turn.today, lang=turn.lang, now_time=_local_time(turn))
    act_on(turn, person, task, None, understanding, text, message_id, attachments)


def _about_report(
    turn: Turn, person: Person, reminder: Reminder, understanding: Understanding, text: str
) -> None:
    """A reporting obligation is only ever submitted (or put off)."""
    wanted = understanding.snooze
    if (
        understanding.report is not None
        or understanding.status is TaskStatus.DONE
        or understanding.confirm_done
    ):
        claim = understanding.report or ReportClaim(None)
        recording.report(turn, person, claim, reminder.occurrence.id if claim.period is None else None)
    elif wanted is not None:
        deferred = understanding.aside is Aside.DEFERRAL
        recording.snooze(
            turn, person, reminder, recording.wanted_until(turn, reminder, wanted), deferred=deferred
        )
    elif understanding.aside is not None and understanding.aside is not Aside.WAITING:
        _aside(turn, understanding.aside, reminder.title, None, text)
    else:
        turn.say(turn.t(REPORT_ONLY_DONE))


def act_on(
    turn: Turn,
    person: Person,
    task: Task,
    reminder: Reminder | None,
    understanding: Understanding,
    text: str,
    message_id: str,
    attachments: tuple[Attachment, ...],
    *,
    prefix: str | None = None,
) -> None:
    """What words about `task` mean, done: filed when sure, asked back when not, answered when they
    are a question, a hand-off or a complaint (nothing filed), put off when the person is busy."""
    wanted = understanding.snooze
    if understanding.problem is not None and not attachments:
        turn.say(understanding.question or "")
    elif understanding.report is not None and understanding.status is None:
        recording.report(turn, person, understanding.report, None)
    elif understanding.status is not None:
        recording.update(turn, person, task, understanding, message_id, attachments, prefix=prefix)
        if wanted is not None:
            _snooze_task(turn, person, task, reminder, wanted, deferred=False)
    elif understanding.confirm_done:
        questions.ask_confirm_done(turn, reminder, task, understanding, message_id, attachments, text)
    elif understanding.choices or (understanding.problem is not None and attachments):
        questions.ask_meant_status(turn, reminder, task, understanding, message_id, attachments, text=text)
    elif wanted is not None:
        _snooze_task(turn, person, task, reminder, wanted, deferred=understanding.aside is Aside.DEFERRAL)
    elif understanding.aside is not None:
        _aside(turn, understanding.aside, task.title, task, text)
    else:
        questions.ask_meant_status(turn, reminder, task, understanding, message_id, attachments, text=text)


def _snooze_task(
    turn: Turn, person: Person, task: Task, reminder: Reminder | None, wanted: Snooze, *, deferred: bool
) -> None:
    """Ask again when the person said; a task asked about in `/baocao` is snoozed through the
    reminder of it they got lately."""
    if reminder is None:
        recent = [r for r in recent_reminders(turn.session, person, turn.now) if r.task is not None]
        reminder = next((r for r in recent if r.task is not None and r.task.id == task.id), None)
    if reminder is None:
        turn.say(turn.t(NOTHING_TO_SNOOZE))
        return
    recording.snooze(
        turn, person, reminder, recording.wanted_until(turn, reminder, wanted), deferred=deferred
    )


def _aside(turn: Turn, aside: Aside, title: str, task: Task | None, text: str) -> None:
    """A question, a hand-off or a complaint: answered, nothing recorded."""
    if aside is Aside.QUESTION:
        folded = fold(text)
        if task is not None and any(word in folded for word in _DEADLINE_WORDS):
            due = _due(turn, task)
            if due is not None:
                turn.say(turn.t(ANSWER_DEADLINE, task=shorten(title, 80), due=long_date(due, turn.lang)))
            else:
                turn.say(turn.t(ANSWER_NO_DEADLINE, task=shorten(title, 80)))
            return
        turn.say(turn.t(ANSWER_QUESTION))
    elif aside is Aside.HANDOFF:
        turn.say(turn.t(HANDOFF_NOTED, task=shorten(title, 80)))
    else:
        turn.say(turn.t(COMPLAINT_NOTED))


def _due(turn: Turn, task: Task) -> dt.date | None:
    if task.effective_due is not None:
        return task.effective_due
    nearest = turn.session.exec(
        select(Occurrence)
        .where(
            Occurrence.task_id == task.id,
            Occurrence.kind == OccurrenceKind.DEADLINE,
            Occurrence.state == OccurrenceState.OPEN,
        )
        .order_by(col(Occurrence.effective_due))
    ).first()
    return nearest.effective_due if nearest is not None else None


def _local_time(turn: Turn) -> dt.time:
    return turn.now.astimezone(turn.tz).time()


def free_text(turn: Turn, person: Person, text: str, *, listed: bool = False) -> None:
    """Words that answer nothing: a correction, a report claim, else perhaps about the one task
    reminded lately, else the offer of `/baocao` (or, when a numbered list was just shown to be
    answered, `listed`, how to answer it). Thanks alone are left unanswered."""
    if text and asks_undo(text) is not None:
        correct(turn, person, rest=asks_undo(text) or "")
        return
    if text and not turn.event.attachments and only_courtesy(text):
        return  # «cảm ơn», «ok»: no answer to spend the chat's small quota on (a file is answered)
    understanding = (
        understand_reply(text, now_date=turn.today, lang=turn.lang, now_time=_local_time(turn))
        if text
        else None
    )
    if understanding is not None and understanding.report is not None:
        recording.report(turn, person, understanding.report, None)
        return
    recent = [r for r in recent_reminders(turn.session, person, turn.now, RECENT) if r.task is not None]
    if text and len({r.task.id for r in recent if r.task is not None}) == 1:
        reminder = recent[0]
        assert reminder.task is not None
        if understanding is not None and understanding.aside in (
            Aside.QUESTION,
            Aside.HANDOFF,
            Aside.COMPLAINT,
        ):
            _aside(turn, understanding.aside, reminder.task.title, reminder.task, text)
            return
        if understanding is not None and understanding.confirm_done and understanding.snooze is None:
            # «Is task X done?» asks which task and whether it is done, in one question.
            event = turn.event
            questions.ask_confirm_done(
                turn, reminder, reminder.task, understanding, event.message_id, event.attachments, text
            )
            return
        questions.ask_same_task(turn, reminder, reminder.task, text)
        return
    if understanding is not None and understanding.aside in (Aside.QUESTION, Aside.COMPLAINT):
        _aside(turn, understanding.aside, "", None, text)
        return
    turn.say(turn.t(WHICH_ITEM_IN_LIST if listed else OFFER_REPORT))


def correct(turn: Turn, person: Person, rest: str = "") -> None:
    """`/sua`, «nhầm rồi»: cancel the person's last update of today, then the right status —
    from the words that came with it (`nhầm, chưa xong`), else asked."""
    try:
        done = recording.correction(turn, person)
    except NothingToCorrect as nothing:
        turn.say(turn.t(ALREADY_UNDONE if nothing.reason == "corrected" else NOTHING_TO_UNDO))
        return
    task = turn.session.get(Task, done.undone.task_id)
    if task is None:
        return
    if rest.strip():
        understanding = understand_reply(
            rest, now_date=turn.today, lang=turn.lang, now_time=_local_time(turn)
        )
        if understanding.status is not None or understanding.choices or understanding.confirm_done:
            act_on(
                turn, person, task, None, understanding, rest, turn.event.message_id, turn.event.attachments
            )
            return
    questions.ask_status(turn, task, turn.t(UNDO_ASK, task=shorten(task.title, 80)))
