"""Answers to the open question, one handler per `StepKind` (`handler.STATES` says which).

A *chosen* handler gets the choice picked (a pressed button, or its number typed); a *typed*
handler gets words that pick no choice. Each either asks the next question (`questions.py`) or
closes the step and records.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum, auto

from bot.channels.events import Reply
from bot.chat.conversation import answers, questions, recording
from bot.chat.conversation.messages import (
    BAD_PERCENT,
    EMPTY_REASON,
    OFFER_REPORT,
    PICK_NUMBER,
    STEP_EXPIRED,
)
from bot.chat.conversation.reminders import snooze_until
from bot.chat.conversation.state import Choice, Step
from bot.chat.conversation.turn import Refusal, Turn
from bot.db.models import Person, Task, TaskStatus
from bot.outbox.render import shorten
from bot.understand import Understanding

_PERCENT = re.compile(r"^\s*(\d{1,3})\s*(?:%|phan tram|phần trăm)?\s*$", re.IGNORECASE)

Chosen = Callable[[Turn, Person, Step, Choice], None]
Typed = Callable[[Turn, Person, Step, str], None]


class Numbers(Enum):
    """What a typed number means while a question with choices is open."""

    CHOICE = auto()
    """The choice of that number; out of range, numbered choices are listed again."""
    CHOICE_OR_WORDS = auto()
    """The choice of that number; out of range, the words of the answer (a note «5»)."""
    WORDS_BESIDE_BUTTONS = auto()
    """As CHOICE_OR_WORDS, but where buttons show the choices every number is words: for the
    percent, «50» and «2» are percentages."""


@dataclass(frozen=True, slots=True)
class State:
    """How the open question of one `StepKind` is answered."""

    chosen: Chosen | None
    """A choice, pressed or its number typed; None when the question offers none."""
    typed: Typed | None = None
    """Words that pick no choice; None when only a choice answers (words are then told to pick
    one, unless they reply to a reminder: then the reply is meant, and the question drops)."""
    numbers: Numbers = Numbers.CHOICE


# --- /baocao: task, status, then percent, reason or note ------------------------------------------


def task_picked(turn: Turn, person: Person, step: Step, choice: Choice) -> None:
    task = turn.session.get(Task, int(choice.value))
    if task is None:
        raise Refusal(Reply(turn.message(turn.t(STEP_EXPIRED))))
    questions.ask_status(turn, task)


def status_picked(turn: Turn, person: Person, step: Step, choice: Choice) -> None:
    status = TaskStatus(choice.value)
    task = turn.session.get(Task, step.task_id or 0)
    title = task.title if task is not None else ""
    if status is TaskStatus.IN_PROGRESS:
        questions.ask_percent(turn, title, task_id=step.task_id, message_id=step.message_id)
    elif status is TaskStatus.BLOCKED:
        questions.ask_reason(turn, title, task_id=step.task_id, message_id=step.message_id)
    else:
        questions.ask_note(turn, step, status, None)


def percent_picked(turn: Turn, person: Person, step: Step, choice: Choice) -> None:
    # From `/baocao` a note follows; answering a reminder's button, the percent is the last answer.
    if step.outbox_id is None:
        questions.ask_note(turn, step, TaskStatus.IN_PROGRESS, int(choice.value))
    else:
        step.percent = int(choice.value)
        finish(turn, person, step)


def percent_typed(turn: Turn, person: Person, step: Step, text: str) -> None:
    match = _PERCENT.match(text)
    if match is None or int(match.group(1)) > 100:
        turn.say(turn.t(BAD_PERCENT, text=shorten(text, 40)))
        return
    percent_picked(turn, person, step, Choice(match.group(1), text))


def note_skipped(turn: Turn, person: Person, step: Step, choice: Choice) -> None:
    finish(turn, person, step)


def note_typed(turn: Turn, person: Person, step: Step, text: str) -> None:
    """The note (or the reason of a blockage): its message and files become the update's source."""
    if not text:
        turn.say(turn.t(EMPTY_REASON))
        return
    step.note = text
    step.message_id = turn.event.message_id
    step.attachments += turn.event.attachments
    finish(turn, person, step)


def finish(turn: Turn, person: Person, step: Step) -> None:
    """The last answer is in: file the update the steps collected."""
    turn.close()
    task = turn.session.get(Task, step.task_id or 0)
    if task is None or step.status is None:
        raise Refusal(Reply(turn.message(turn.t(STEP_EXPIRED))))
    understanding = Understanding(status=step.status, percent=step.percent, note=step.note)
    message_id = step.message_id or turn.event.message_id
    recording.update(turn, person, task, understanding, message_id, step.attachments)
    if step.outbox_id is not None and step.message_id is not None and turn.buttons:
        # The reminder is answered: its buttons go.
        turn.replies.append(Reply(turn.message(""), edit_buttons_of=step.message_id))


# --- words about a reminder, made clear -----------------------------------------------------------


def status_clarified(turn: Turn, person: Person, step: Step, choice: Choice) -> None:
    step.status = TaskStatus(choice.value)
    if step.status is not TaskStatus.IN_PROGRESS:
        step.percent = None
    finish(turn, person, step)


def clarify_typed(turn: Turn, person: Person, step: Step, text: str) -> None:
    """New words instead of a status: understood afresh, with the files sent so far."""
    if step.outbox_id is None:
        turn.say(turn.t(PICK_NUMBER, count=len(step.choices)))
        return
    turn.close()
    attachments = step.attachments + turn.event.attachments
    answers.reply_about(turn, person, step.outbox_id, text, turn.event.message_id, attachments)


def task_confirmed(turn: Turn, person: Person, step: Step, choice: Choice) -> None:
    turn.close()
    if choice.value != "yes" or step.outbox_id is None:
        turn.say(turn.t(OFFER_REPORT))
        return
    answers.reply_about(
        turn, person, step.outbox_id, step.text or "", step.message_id or "", step.attachments
    )


# --- /tamhoan and the reminder's «later» button -------------------------------------------------


def reminder_picked(turn: Turn, person: Person, step: Step, choice: Choice) -> None:
    questions.ask_snooze_length(turn, int(choice.value), week=True)


def length_picked(turn: Turn, person: Person, step: Step, choice: Choice) -> None:
    turn.close()
    reminder = recording.still_open(turn, person, step.outbox_id or 0)
    until = snooze_until(reminder.row, int(choice.value), turn.now, tz=turn.tz, calendar=turn.calendar)
    recording.snooze(turn, person, reminder, until)
