"""Answers to a numbered list: `1 xong`, `2 đang làm 60%`, `3 vướng: thiếu kinh phí`, `4 đã nộp`,
one line per item, or a bare number that opens that item's choices.

The numbers are those of the newest list the person was shown in the chat: a check-in (its items
are reminders) or a `/viec` / `/quahan` listing (its items are tasks; `remember_listing`). A
listing shown after a check-in renumbers: «3 xong» then means the listing's third task, as the
person reading it means it, never the check-in's third item.

Each line is read as a reply to that item's reminder (`answers.reply_on`), or about that task
(`answers.act_on`), which file only what is certain and ask back otherwise. A number the list does
not have refuses the whole reply: a typo in one line must not file the other lines half.
"""

from __future__ import annotations

import asyncio
import re
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import replace

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import col, select

from bot.channels.base import Button, OutgoingMessage, ParseMode
from bot.channels.callbacks import reminder_data
from bot.channels.events import Reply
from bot.chat.conversation import answers, questions
from bot.chat.conversation.messages import (
    CHECKIN_ASK_AGAIN,
    CHECKIN_BARE_NUMBERS,
    CHECKIN_ITEM_PICK,
    CHECKIN_NO_SUCH_ITEM,
    CHECKIN_NO_SUCH_ITEM_ONE,
    NOT_YOUR_TASK,
    TASK_CLOSED,
)
from bot.chat.conversation.reminders import ANSWERABLE, CHOICE_WINDOW, Reminder, Stale, checked_reminder
from bot.chat.conversation.state import Choice, Step, StepKind
from bot.chat.conversation.turn import Refusal, Turn
from bot.cutting import cut_at_word
from bot.db.models import Checkin, CheckinKind, OutboxMessage, OutboxState, Person, Task, TaskStatus
from bot.db.tables import table_of
from bot.i18n import translations
from bot.outbox.checkin import short_reference
from bot.outbox.render import DOMAIN as REMINDER_DOMAIN
from bot.outbox.render import choices_for
from bot.people.permissions import can_report

checkin_table = table_of(Checkin)

ANSWERABLE_LISTS = (CheckinKind.CHECKIN.value, CheckinKind.LIST.value)
"""Numbered messages a reply answers by number (a grouped escalation is read, not answered)."""

_LINE = re.compile(
    r"^\s*(?:số|so|việc|viec|mục|muc)?\s*(\d{1,3})\s*(?:[.):,\-–]\s*|\s+|$)(.*)$", re.IGNORECASE
)


def numbered_lines(text: str) -> list[tuple[int, str]] | None:
    """`(number, words)` for each line when every line starts with an item's number; None
    otherwise (the text is no answer to a check-in)."""
    lines = [line for line in unicodedata.normalize("NFC", text).splitlines() if line.strip()]
    found: list[tuple[int, str]] = []
    for line in lines:
        match = _LINE.match(unicodedata.normalize("NFKC", line))
        if match is None:
            return None
        found.append((int(match.group(1)), match.group(2).strip()))
    return found or None


def remember_listing(turn: Turn, person: Person, task_ids: list[int], total: int, *, first: int = 1) -> None:
    """A `/viec` or `/quahan` listing just shown, numbered from `first` (a later page goes on from
    the one before): what its numbers stand for, so that «3 xong» after it files its third task."""
    items = [{"n": number, "task_id": task_id} for number, task_id in enumerate(task_ids, first)]
    listing = Checkin(
        person_id=person.id,
        kind=CheckinKind.LIST.value,
        channel=turn.event.channel,
        chat_id=turn.event.chat_id,
        sent_at=turn.now,
        items=items,
        shown=len(items),
        total=total,
    )
    turn.session.add(listing)
    turn.session.flush()
    assert listing.id is not None
    # The listing is the reply just said: once sent, its message id is kept, so that a reply
    # quoting it (Telegram) answers this list, not whichever list came last.
    turn.replies[-1] = replace(
        turn.replies[-1], after_send=_keep_sent_id(turn.session.get_bind(), listing.id)
    )


def _keep_sent_id(bind: Engine | Connection, checkin_id: int) -> Callable[[str], Awaitable[None]]:
    engine = bind.engine

    def keep(message_id: str) -> None:
        with engine.begin() as connection:
            row = checkin_table.c.id == checkin_id
            connection.execute(sa.update(checkin_table).where(row).values(sent_message_id=message_id))

    async def after_send(message_id: str) -> None:
        await asyncio.to_thread(keep, message_id)

    return after_send


def answered_checkin(turn: Turn, person: Person) -> Checkin | None:
    """The numbered list the text answers: the check-in quoted, else the newest check-in or
    listing shown in this chat within the choice window, if no single reminder came after it."""
    event, session = turn.event, turn.session
    mine = select(Checkin).where(
        Checkin.channel == event.channel,
        Checkin.chat_id == event.chat_id,
        Checkin.person_id == person.id,
        col(Checkin.kind).in_(ANSWERABLE_LISTS),
    )
    if event.reply_to_message_id is not None:
        return session.exec(mine.where(Checkin.sent_message_id == event.reply_to_message_id)).first()
    newest = session.exec(
        mine.where(col(Checkin.sent_at) >= turn.now - CHOICE_WINDOW).order_by(
            col(Checkin.sent_at).desc(), col(Checkin.id).desc()
        )
    ).first()
    if newest is None:
        return None
    single = session.exec(
        select(OutboxMessage.sent_at)
        .where(
            OutboxMessage.channel == event.channel,
            OutboxMessage.chat_id == event.chat_id,
            OutboxMessage.state == OutboxState.SENT,
            col(OutboxMessage.kind).in_(ANSWERABLE),
            col(OutboxMessage.checkin_id).is_(None),
            col(OutboxMessage.sent_at) > newest.sent_at,
        )
        .limit(1)
    ).first()
    return None if single is not None else newest


def answer_checkin(turn: Turn, person: Person, checkin: Checkin, lines: list[tuple[int, str]]) -> None:
    """Each line filed against its item, in the order written; one reply for them all."""
    key = "task_id" if checkin.kind == CheckinKind.LIST.value else "outbox_id"
    by_number = {int(item["n"]): int(item[key]) for item in checkin.items}
    wrong = [n for n, _ in lines if n not in by_number]
    if wrong:
        only_one = len(by_number) == 1  # «chỉ có từ 1 đến 1» reads as a mistake
        template = CHECKIN_NO_SUCH_ITEM_ONE if only_one else CHECKIN_NO_SUCH_ITEM
        first, last = min(by_number), max(by_number)  # a listing's page 2 runs from 11 to 20
        raise Refusal(Reply(turn.message(turn.t(template, number=wrong[0], first=first, last=last))))
    if len(lines) == 1 and not lines[0][1]:
        item = _item(turn, person, key, by_number[lines[0][0]])
        if isinstance(item, Task):
            questions.ask_status(turn, item)
        elif item is not None:
            item_choices(turn, person, item)
        return
    if any(not words for _, words in lines):
        raise Refusal(Reply(turn.message(turn.t(CHECKIN_BARE_NUMBERS))))
    start = len(turn.replies)
    asked: int | None = None
    for n, words in lines:
        item = _item(turn, person, key, by_number[n])
        if item is None:
            continue
        before_step = turn.open_question()
        before = len(turn.replies)
        _reply(turn, person, item, words)
        step = turn.open_question()
        if step is not None and step is not before_step:
            if asked is not None:
                # One question at a time: the later one is asked again once the first is answered.
                turn.close()
                if before_step is not None:
                    turn.open(before_step)
                del turn.replies[before:]
                turn.say(turn.t(CHECKIN_ASK_AGAIN, number=n, item=_name(turn, item)))
                continue
            asked = n
        if len(lines) > 1:
            _label_replies(turn, before, n, item)
    _merge_texts(turn, start)


def _item(turn: Turn, person: Person, key: str, item_id: int) -> Reminder | Task | None:
    """A check-in's reminder or a listing's task, if it may still be answered (else said why)."""
    if key == "outbox_id":
        return _reminder(turn, person, item_id)
    task = turn.session.get(Task, item_id)
    if task is None or task.archived_at is not None or task.status is TaskStatus.DONE:
        turn.say(turn.t(TASK_CLOSED, task=cut_at_word(task.title if task else "", 60)))
        return None
    if not can_report(turn.session, person, task):
        # Chiefs see every overdue task in `/quahan`; they report on their own unit's only.
        turn.say(turn.t(NOT_YOUR_TASK, task=cut_at_word(task.title, 60)))
        return None
    return task


def _reply(turn: Turn, person: Person, item: Reminder | Task, words: str) -> None:
    event = turn.event
    if isinstance(item, Task):
        answers.reply_on_task(turn, person, item, words, event.message_id, event.attachments)
    else:
        answers.reply_on(turn, person, item, words, event.message_id, event.attachments)


def item_choices(turn: Turn, person: Person, reminder: Reminder) -> None:
    """One item's choices: buttons that answer its reminder, or numbered lines to type."""
    kind = _kind(reminder)
    labels = translations(turn.lang, REMINDER_DOMAIN)
    choices = tuple(Choice(action, labels.gettext(label)) for action, label in choices_for(kind))
    text = turn.t(CHECKIN_ITEM_PICK, item=_name(turn, reminder))
    turn.answer_press("")
    if turn.buttons:
        row_id = reminder.row.id or 0
        buttons = tuple(Button(choice.label, reminder_data(row_id, choice.value)) for choice in choices)
        rows = tuple(buttons[i : i + 2] for i in range(0, len(buttons), 2))
        turn.replies.append(Reply(OutgoingMessage(text, ParseMode.TEXT, rows)))
        return
    step = Step(
        StepKind.ITEM_ACTION,
        turn.expires,
        choices,
        outbox_id=reminder.row.id,
        message_id=turn.event.message_id,
    )
    turn.open(step)
    turn.ask(text, step)


def _reminder(turn: Turn, person: Person, outbox_id: int) -> Reminder | None:
    try:
        return checked_reminder(turn.session, person, outbox_id)
    except Stale as stale:
        turn.say(turn.t(stale.template, task=cut_at_word(stale.task or "", 60)))
        return None


def _kind(reminder: Reminder) -> str:
    if reminder.task is not None:
        return "task"
    return "report" if reminder.report is not None else "target"


def _reference(turn: Turn, item: Reminder | Task) -> str:
    """`Nhiệm vụ 1.2`, `Báo cáo IV.2`."""
    if isinstance(item, Task):
        return short_reference("task", item.key, turn.lang)
    if item.task is not None:
        key = item.task.key
    elif item.report is not None:
        key = item.report.key
    else:
        key = item.target.key if item.target is not None else ""
    return short_reference(_kind(item), key, turn.lang)


def _name(turn: Turn, item: Reminder | Task) -> str:
    """`Nhiệm vụ 1.2 «Xây dựng kế hoạch…»`: the short reference and a cut title."""
    return f"{_reference(turn, item)} «{cut_at_word(item.title, 60)}»"


def _label_replies(turn: Turn, since: int, n: int, item: Reminder | Task) -> None:
    """The first text the line produced says which item it is about."""
    for index in range(since, len(turn.replies)):
        reply = turn.replies[index]
        message = reply.message
        if not message.text or message.buttons:
            continue
        reference = _reference(turn, item)
        # A status confirmation names the task itself (`bot.chat.replies.task_name`): the number
        # is enough in front of it; a report's «Đã ghi nhận: đã nộp» needs the reference.
        head = f"{n}." if reference in message.text else f"{n}. {reference}:"
        if message.parse_mode is ParseMode.HTML:
            head = turn.escape(head)
        turn.replies[index] = replace(reply, message=replace(message, text=f"{head} {message.text}"))
        return


def _merge_texts(turn: Turn, since: int) -> None:
    """Plain answers to several lines go as one message (questions with buttons stay apart)."""
    merged: list[Reply] = []
    for reply in turn.replies[since:]:
        last = merged[-1] if merged else None
        if (
            last is not None
            and _plain(last)
            and _plain(reply)
            and last.message.parse_mode is reply.message.parse_mode
        ):
            text = f"{last.message.text}\n{reply.message.text}"
            merged[-1] = replace(last, message=replace(last.message, text=text))
        else:
            merged.append(reply)
    del turn.replies[since:]
    turn.replies.extend(merged)


def _plain(reply: Reply) -> bool:
    return (
        bool(reply.message.text)
        and not reply.message.buttons
        and not reply.files
        and reply.answer_callback is None
        and reply.edit_buttons_of is None
        and reply.chat_id is None
    )
