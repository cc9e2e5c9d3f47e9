"""The questions the bot asks: each builds its `Step`, makes it the chat's open question, and asks.

A step carries what the earlier answers collected (task, status, percent, the message to cite,
files, the person's words), so the last answer can file the whole update and an interrupted step
can still be filed; `steps.py` reads the answers. Which task (`/baocao`) is `picking.py`.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.channels.events import Attachment
from bot.chat.conversation.messages import (
    ASK_NOTE,
    ASK_PERCENT,
    ASK_REASON,
    CONFIRM_DONE_TASK,
    CONFIRM_NO,
    CONFIRM_TASK,
    CONFIRM_YES,
    NO,
    NO_NOTE,
    PICK_STATUS,
    SNOOZE_ONE_DAY,
    SNOOZE_ONE_WEEK,
    SNOOZE_PICK_LENGTH,
    SNOOZE_PICK_REMINDER,
    SNOOZE_THREE_DAYS,
    YES,
)
from bot.chat.conversation.reminders import Reminder
from bot.chat.conversation.state import Choice, Step, StepKind
from bot.chat.conversation.turn import Turn
from bot.db.labels import status_label
from bot.db.models import Task, TaskStatus
from bot.outbox.render import shorten
from bot.understand import Understanding

STATUS_ORDER = (TaskStatus.DONE, TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED, TaskStatus.NOT_STARTED)
PERCENTS = (25, 50, 75)


def ask_status(turn: Turn, task: Task, question: str | None = None) -> None:
    """Which status has the picked task? (Words answer it too: `đang làm 60%`.)"""
    statuses = tuple(Choice(s.value, status_label(s, turn.lang)) for s in STATUS_ORDER)
    step = Step(
        StepKind.PICK_STATUS, turn.expires, statuses, task_id=task.id, message_id=turn.event.message_id
    )
    turn.open(step)
    turn.ask(question or turn.t(PICK_STATUS, task=shorten(task.title, 80)), step, columns=2)


def ask_percent(
    turn: Turn,
    title: str,
    *,
    task_id: int | None,
    message_id: str | None,
    outbox_id: int | None = None,
    attachments: tuple[Attachment, ...] = (),
) -> None:
    """In progress: how far? (`outbox_id`: the reminder being answered, whose buttons then go.)"""
    step = Step(
        StepKind.PERCENT,
        turn.expires,
        tuple(Choice(str(p), f"{p}%") for p in PERCENTS),
        task_id=task_id,
        status=TaskStatus.IN_PROGRESS,
        outbox_id=outbox_id,
        message_id=message_id,
        attachments=attachments,
    )
    turn.open(step)
    turn.ask(turn.t(ASK_PERCENT, task=shorten(title, 80)), step, columns=3)


def ask_reason(
    turn: Turn,
    title: str,
    *,
    task_id: int | None,
    message_id: str | None,
    outbox_id: int | None = None,
    attachments: tuple[Attachment, ...] = (),
) -> None:
    """Blocked: by what? Only words answer it."""
    step = Step(
        StepKind.REASON,
        turn.expires,
        task_id=task_id,
        status=TaskStatus.BLOCKED,
        outbox_id=outbox_id,
        message_id=message_id,
        attachments=attachments,
    )
    turn.open(step)
    turn.say(turn.t(ASK_REASON, task=shorten(title, 80)))


def ask_note(turn: Turn, after: Step, status: TaskStatus, percent: int | None) -> None:
    """The last question of `/baocao`: a note, or none."""
    step = Step(
        StepKind.NOTE,
        turn.expires,
        (Choice("skip", turn.t(NO_NOTE)),),
        task_id=after.task_id,
        status=status,
        percent=percent,
        message_id=after.message_id,
        outbox_id=after.outbox_id,
    )
    turn.open(step)
    turn.ask(turn.t(ASK_NOTE), step)


def ask_which_reminder(turn: Turn, reminders: Sequence[Reminder]) -> None:
    """`/tamhoan` with several recent reminders: which one?"""
    choices = tuple(Choice(str(r.row.id), shorten(r.title, 56)) for r in reminders)
    step = Step(StepKind.SNOOZE_WHICH, turn.expires, choices)
    turn.open(step)
    turn.ask(turn.t(SNOOZE_PICK_REMINDER), step)


def ask_snooze_length(
    turn: Turn,
    outbox_id: int | None,
    *,
    week: bool,
    message_id: str | None = None,
    question: str | None = None,
) -> None:
    """For how long? (`week`: a week is offered too; the reminder's own button offers 1 or 3 days.)
    Words answer it too: «thứ Hai 8h», «15/12»."""
    lengths = [Choice("1", turn.t(SNOOZE_ONE_DAY)), Choice("3", turn.t(SNOOZE_THREE_DAYS))]
    if week:
        lengths.append(Choice("5", turn.t(SNOOZE_ONE_WEEK)))
    step = Step(
        StepKind.SNOOZE_LENGTH, turn.expires, tuple(lengths), outbox_id=outbox_id, message_id=message_id
    )
    turn.open(step)
    turn.ask(question or turn.t(SNOOZE_PICK_LENGTH), step, columns=len(lengths))


def ask_same_task(turn: Turn, reminder: Reminder, task: Task, text: str) -> None:
    """Free text replying to nothing, with one task reminded lately: is it about that task?"""
    step = Step(
        StepKind.CONFIRM_TASK,
        turn.expires,
        (Choice("yes", turn.t(YES)), Choice("no", turn.t(NO))),
        outbox_id=reminder.row.id,
        text=text,
        message_id=turn.event.message_id,
        attachments=turn.event.attachments,
    )
    turn.open(step)
    turn.ask(turn.t(CONFIRM_TASK, task=shorten(task.title, 80)), step, columns=2)


def ask_meant_status(
    turn: Turn,
    reminder: Reminder | None,
    task: Task,
    understanding: Understanding,
    message_id: str,
    attachments: tuple[Attachment, ...],
    *,
    text: str | None = None,
    question: str | None = None,
) -> None:
    """Words that name no clear status (a reply to a reminder, or words in `/baocao`): which one
    was meant? What was understood (percent, note) waits in the step."""
    step = Step(
        StepKind.CLARIFY,
        turn.expires,
        tuple(Choice(s.value, status_label(s, turn.lang)) for s in understanding.choices or STATUS_ORDER),
        task_id=task.id,
        outbox_id=reminder.row.id if reminder is not None else None,
        percent=understanding.percent,
        note=understanding.note,
        text=text,
        message_id=message_id,
        attachments=attachments,
    )
    turn.open(step)
    asked = question or (understanding.question if understanding.problem is None else None)
    turn.ask(asked or turn.t(PICK_STATUS, task=shorten(task.title, 80)), step, columns=2)


def ask_confirm_done(
    turn: Turn,
    reminder: Reminder | None,
    task: Task,
    understanding: Understanding,
    message_id: str,
    attachments: tuple[Attachment, ...],
    text: str,
) -> None:
    """A completion read from words but not for sure (a typo, `chắc là xong`, `đã gửi`): the
    task closes only on «Đúng»."""
    step = Step(
        StepKind.CONFIRM_DONE,
        turn.expires,
        (Choice("yes", turn.t(CONFIRM_YES)), Choice("no", turn.t(CONFIRM_NO))),
        task_id=task.id,
        outbox_id=reminder.row.id if reminder is not None else None,
        status=TaskStatus.DONE,
        note=understanding.note,
        text=text,
        message_id=message_id,
        attachments=attachments,
    )
    turn.open(step)
    turn.ask(turn.t(CONFIRM_DONE_TASK, task=shorten(task.title, 80)), step, columns=2)
