"""Answers to the open question, one handler per `StepKind` (`handler.STATES` says which).

A *chosen* handler gets the choice picked (a pressed button, or its number typed); a *typed*
handler gets words that pick no choice. Words are accepted at every step and read as at the top
level (`answers.act_on`): «đang làm 60%» answers «which status?» on Telegram as well as a button
would, a task's number or words find it in `/baocao`, «thứ Hai 8h» answers «how long?».
Each handler either asks the next question (`questions.py`) or closes the step and records.
`interrupt` files what a step already holds when a command cuts it short.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum, auto

from bot.channels.events import Reply
from bot.chat.conversation import answers, picking, questions, recording
from bot.chat.conversation.messages import (
    BAD_PERCENT,
    EMPTY_REASON,
    NO_MATCH,
    NOT_SAVED,
    OFFER_REPORT,
    PICK_NUMBER,
    SAVED_BEFORE,
    SNOOZE_WHEN_UNCLEAR,
    STEP_EXPIRED,
    WHICH_STATUS_THEN,
)
from bot.chat.conversation.reminders import Reminder, snooze_until
from bot.chat.conversation.state import Choice, Step, StepKind
from bot.chat.conversation.turn import Refusal, Turn
from bot.db.models import Person, Task, TaskStatus
from bot.outbox.render import shorten
from bot.people import tasks_for
from bot.understand import NOT_DONE, Understanding, understand_reply
from bot.understand.lexicon import VOCABULARY
from bot.understand.snooze import find_time
from bot.understand.text import fold_message
from bot.understand.yesno import yes_or_no

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


def _read(turn: Turn, text: str) -> Understanding:
    local = turn.now.astimezone(turn.tz).time()
    return understand_reply(text, now_date=turn.today, lang=turn.lang, now_time=local)


def _task(turn: Turn, step: Step) -> Task:
    task = turn.session.get(Task, step.task_id or 0)
    if task is None:
        raise Refusal(Reply(turn.message(turn.t(STEP_EXPIRED))))
    return task


def _reminder(turn: Turn, person: Person, step: Step) -> Reminder | None:
    return recording.still_open(turn, person, step.outbox_id) if step.outbox_id is not None else None


def _words_about_task(turn: Turn, person: Person, step: Step, text: str) -> None:
    """Words typed in a step about a known task: read afresh, as a reply would be."""
    task = _task(turn, step)
    reminder = _reminder(turn, person, step)
    turn.close()
    attachments = step.attachments + turn.event.attachments
    answers.act_on(turn, person, task, reminder, _read(turn, text), text, turn.event.message_id, attachments)


# --- /baocao: task, status, then percent, reason or note ------------------------------------------


def task_picked(turn: Turn, person: Person, step: Step, choice: Choice) -> None:
    if choice.value.startswith(picking.PAGE):
        page = int(choice.value.removeprefix(picking.PAGE))
        _ask_again(turn, step, page)
        return
    task = turn.session.get(Task, int(choice.value))
    if task is None:
        raise Refusal(Reply(turn.message(turn.t(STEP_EXPIRED))))
    if step.reading is not None:
        turn.close()
        message_id = step.message_id or turn.event.message_id
        answers.act_on(turn, person, task, None, step.reading, step.text or "", message_id, step.attachments)
        return
    questions.ask_status(turn, task)


def _ask_again(turn: Turn, step: Step, page: int, *, tasks: list[Task] | None = None) -> None:
    picking.ask_task(
        turn,
        tasks if tasks is not None else picking.tasks_of(turn, step),
        page=page,
        query=step.query,
        reading=step.reading,
        reading_text=step.text,
        message_id=step.message_id,
    )


def task_typed(turn: Turn, person: Person, step: Step, text: str) -> None:
    """Words instead of a task: a page asked for, a task found by its number or title, or what
    the person wants to report (kept until they pick the task)."""
    page = picking.page_asked(text, step)
    if page is not None:
        _ask_again(turn, step, page)
        return
    everything = [item.task for item in tasks_for(turn.session, person)]
    found = picking.search(everything, text)
    if len(found) == 1 and step.reading is None:
        questions.ask_status(turn, found[0])
        return
    if found:
        picking.ask_task(
            turn, found, query=text, reading=step.reading, reading_text=step.text, message_id=step.message_id
        )
        return
    understanding = _read(turn, text)
    if understanding.report is not None and understanding.status is None:
        turn.close()
        recording.report(turn, person, understanding.report, None)
        return
    says = understanding.status is not None or understanding.choices or understanding.confirm_done
    if says and understanding.problem is None and step.reading is None:
        picking.ask_task(
            turn,
            picking.tasks_of(turn, step),
            page=step.page,
            reading=understanding,
            reading_text=text,
            message_id=turn.event.message_id,
        )
        return
    turn.say(turn.t(NO_MATCH, query=shorten(text, 40)))


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


def status_typed(turn: Turn, person: Person, step: Step, text: str) -> None:
    """«đang làm 60%» where a status is asked (on Telegram its buttons carry no numbers)."""
    _words_about_task(turn, person, step, text)


def percent_picked(turn: Turn, person: Person, step: Step, choice: Choice) -> None:
    # From `/baocao` a note follows; answering a reminder's button, the percent is the last answer.
    if step.outbox_id is None:
        questions.ask_note(turn, step, TaskStatus.IN_PROGRESS, int(choice.value))
    else:
        step.percent = int(choice.value)
        finish(turn, person, step)


def percent_typed(turn: Turn, person: Person, step: Step, text: str) -> None:
    match = _PERCENT.match(text)
    if match is not None and int(match.group(1)) <= 100:
        percent_picked(turn, person, step, Choice(match.group(1), text))
        return
    understanding = _read(turn, text)
    if understanding.status is TaskStatus.IN_PROGRESS and understanding.percent is not None:
        percent_picked(turn, person, step, Choice(str(understanding.percent), text))
    elif understanding.status is not None or understanding.confirm_done or understanding.snooze is not None:
        _words_about_task(turn, person, step, text)  # «xong rồi», «vướng mắc: …»: the words win
    else:
        turn.say(turn.t(BAD_PERCENT, text=shorten(text, 40)))


def note_skipped(turn: Turn, person: Person, step: Step, choice: Choice) -> None:
    finish(turn, person, step)


def note_typed(turn: Turn, person: Person, step: Step, text: str) -> None:
    """The note (or the reason of a blockage): its message and files become the update's source.
    Words that take back the status chosen are that status instead: «chưa xong hẳn» after
    «hoàn thành», an obstacle after «đang thực hiện», «xong rồi» when asked what blocks the task."""
    if not text:
        turn.say(turn.t(EMPTY_REASON))
        return
    if _takes_back(step, _read(turn, text)):
        _words_about_task(turn, person, step, text)
        return
    step.note = text
    step.message_id = turn.event.message_id
    step.attachments += turn.event.attachments
    finish(turn, person, step)


def _takes_back(step: Step, understanding: Understanding) -> bool:
    """A note saying finished sub-work («đã khảo sát xong 3 huyện») is a note; a note that says
    the task is not where the person put it is a new status."""
    said = understanding.status if understanding.confident else None
    if said is None or said is step.status:
        return False
    if step.kind is StepKind.REASON:
        return said in (TaskStatus.DONE, TaskStatus.IN_PROGRESS)
    if step.status is TaskStatus.DONE:
        return True
    return said is TaskStatus.BLOCKED


def finish(turn: Turn, person: Person, step: Step, *, prefix: str | None = None) -> None:
    """The last answer is in: file the update the steps collected."""
    turn.close()
    task = turn.session.get(Task, step.task_id or 0)
    if task is None or step.status is None:
        raise Refusal(Reply(turn.message(turn.t(STEP_EXPIRED))))
    understanding = Understanding(status=step.status, percent=step.percent, note=step.note)
    message_id = step.message_id or turn.event.message_id
    recording.update(turn, person, task, understanding, message_id, step.attachments, prefix=prefix)
    if step.outbox_id is not None and step.message_id is not None and turn.buttons:
        # The reminder is answered: its buttons go.
        turn.replies.append(Reply(turn.message(""), edit_buttons_of=step.message_id))


def interrupt(turn: Turn, person: Person) -> None:
    """A command cuts the open question short: what it holds is not lost. A status already chosen
    is filed (without the percent or note still asked for); words not yet confirmed are named."""
    step = turn.open_question()
    if step is None:
        return
    if step.kind in (StepKind.PERCENT, StepKind.NOTE, StepKind.REASON) and step.status is not None:
        finish(turn, person, step, prefix=turn.t(SAVED_BEFORE))
        return
    turn.close()
    if step.text and step.kind in (StepKind.CLARIFY, StepKind.CONFIRM_DONE, StepKind.CONFIRM_TASK):
        task = turn.session.get(Task, step.task_id or 0) if step.task_id is not None else None
        if task is None and step.outbox_id is not None:
            try:
                task = recording.still_open(turn, person, step.outbox_id).task
            except Refusal:
                task = None
        title = shorten(task.title, 60) if task is not None else ""
        turn.say(turn.t(NOT_SAVED, text=shorten(step.text, 60), task=title))


# --- words about a reminder, made clear -----------------------------------------------------------


def status_clarified(turn: Turn, person: Person, step: Step, choice: Choice) -> None:
    step.status = TaskStatus(choice.value)
    if step.status is not TaskStatus.IN_PROGRESS:
        step.percent = None
    finish(turn, person, step)


def clarify_typed(turn: Turn, person: Person, step: Step, text: str) -> None:
    """New words instead of a status: understood afresh, with the files sent so far."""
    if step.outbox_id is not None:
        turn.close()
        attachments = step.attachments + turn.event.attachments
        answers.reply_about(turn, person, step.outbox_id, text, turn.event.message_id, attachments)
        return
    _words_about_task(turn, person, step, text)


def done_confirmed(turn: Turn, person: Person, step: Step, choice: Choice) -> None:
    """«Xác nhận hoàn thành?» «Đúng»: done. «Chưa»: which status, then."""
    if choice.value == "yes":
        step.status = TaskStatus.DONE
        finish(turn, person, step)
        return
    task = _task(turn, step)
    reminder = _reminder(turn, person, step)
    understanding = Understanding(choices=NOT_DONE, note=step.note)
    question = turn.t(WHICH_STATUS_THEN, task=shorten(task.title, 80))
    message_id = step.message_id or turn.event.message_id
    questions.ask_meant_status(
        turn, reminder, task, understanding, message_id, step.attachments, text=step.text, question=question
    )


def done_confirm_typed(turn: Turn, person: Person, step: Step, text: str) -> None:
    said = yes_or_no(text)
    if said is not None:
        done_confirmed(turn, person, step, step.choices[0 if said else 1])
    else:
        _words_about_task(turn, person, step, text)


def task_confirmed(turn: Turn, person: Person, step: Step, choice: Choice) -> None:
    turn.close()
    if choice.value != "yes" or step.outbox_id is None:
        turn.say(turn.t(OFFER_REPORT))
        return
    answers.reply_about(
        turn, person, step.outbox_id, step.text or "", step.message_id or "", step.attachments
    )


def task_confirm_typed(turn: Turn, person: Person, step: Step, text: str) -> None:
    """«đúng» / «không phải», or new words: about the same task, read afresh."""
    said = yes_or_no(text)
    if said is not None:
        task_confirmed(turn, person, step, step.choices[0 if said else 1])
        return
    turn.close()
    answers.free_text(turn, person, text)


# --- /tamhoan and the reminder's «later» button -------------------------------------------------


def reminder_picked(turn: Turn, person: Person, step: Step, choice: Choice) -> None:
    questions.ask_snooze_length(turn, int(choice.value), week=True)


def reminder_typed(turn: Turn, person: Person, step: Step, text: str) -> None:
    turn.say(turn.t(PICK_NUMBER, count=len(step.choices)))


def length_picked(turn: Turn, person: Person, step: Step, choice: Choice) -> None:
    turn.close()
    reminder = recording.still_open(turn, person, step.outbox_id or 0)
    until = snooze_until(reminder.row, int(choice.value), turn.now, tz=turn.tz, calendar=turn.calendar)
    recording.snooze(turn, person, reminder, until)


def length_typed(turn: Turn, person: Person, step: Step, text: str) -> None:
    """«thứ Hai 8h», «sau 3 ngày», «ngày 15»: the moment itself, on the working-day calendar."""
    wanted = _read(turn, "nhắc lại " + text).snooze
    if wanted is None or not _names_a_time(turn, text):
        turn.say(turn.t(SNOOZE_WHEN_UNCLEAR, text=shorten(text, 40)))
        return
    turn.close()
    reminder = recording.still_open(turn, person, step.outbox_id or 0)
    recording.snooze(turn, person, reminder, recording.wanted_until(turn, reminder, wanted))


def _names_a_time(turn: Turn, text: str) -> bool:
    """Whether the words name a moment (not just «nhắc lại», which means «tomorrow»)."""
    folded = fold_message(text, VOCABULARY)
    raw = [token.raw for token in folded.tokens]
    local = turn.now.astimezone(turn.tz).time()
    return find_time(folded.words(), raw, turn.today, local) is not None


def item_action_picked(turn: Turn, person: Person, step: Step, choice: Choice) -> None:
    """A check-in item's choice: as if its reminder's button had been pressed."""
    turn.close()
    reminder = recording.still_open(turn, person, step.outbox_id or 0)
    answers.REMINDER_ACTIONS[choice.value](turn, person, reminder)


def item_action_typed(turn: Turn, person: Person, step: Step, text: str) -> None:
    """Words about the picked item («xong», «đang làm 60%»): read as a reply to its reminder."""
    turn.close()
    answers.reply_about(
        turn, person, step.outbox_id or 0, text, turn.event.message_id, turn.event.attachments
    )
