"""Answers to a check-in: `1 xong`, `2 đang làm 60%`, `3 vướng: thiếu kinh phí`, `4 đã nộp`, one
line per item, or a bare number that opens that item's choices.

Each line is read as a reply to that item's reminder (`answers.reply_on`, which files only what is
certain and asks back otherwise). A number the check-in does not have refuses the whole reply: a
typo in one line must not file the other lines half.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from sqlmodel import col, select

from bot.channels.base import Button, OutgoingMessage, ParseMode
from bot.channels.callbacks import reminder_data
from bot.channels.events import Reply
from bot.chat.conversation import answers
from bot.chat.conversation.messages import (
    CHECKIN_ASK_AGAIN,
    CHECKIN_BARE_NUMBERS,
    CHECKIN_ITEM_PICK,
    CHECKIN_NO_SUCH_ITEM,
)
from bot.chat.conversation.reminders import ANSWERABLE, CHOICE_WINDOW, Reminder, Stale, checked_reminder
from bot.chat.conversation.state import Choice, Step, StepKind
from bot.chat.conversation.turn import Refusal, Turn
from bot.db.models import Checkin, OutboxMessage, OutboxState, Person
from bot.i18n import translations
from bot.outbox.checkin import cut_at_word, short_reference
from bot.outbox.render import DOMAIN as REMINDER_DOMAIN
from bot.outbox.render import choices_for

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


def answered_checkin(turn: Turn, person: Person) -> Checkin | None:
    """The check-in the text answers: the one quoted, else the newest sent to this chat within the
    choice window, if no single reminder came after it."""
    event, session = turn.event, turn.session
    mine = select(Checkin).where(
        Checkin.channel == event.channel,
        Checkin.chat_id == event.chat_id,
        Checkin.person_id == person.id,
        Checkin.kind == "checkin",
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
    by_number = {int(item["n"]): int(item["outbox_id"]) for item in checkin.items}
    wrong = [n for n, _ in lines if n not in by_number]
    if wrong:
        raise Refusal(
            Reply(turn.message(turn.t(CHECKIN_NO_SUCH_ITEM, number=wrong[0], count=len(by_number))))
        )
    if len(lines) == 1 and not lines[0][1]:
        reminder = _reminder(turn, person, by_number[lines[0][0]])
        if reminder is not None:
            item_choices(turn, person, reminder)
        return
    if any(not words for _, words in lines):
        raise Refusal(Reply(turn.message(turn.t(CHECKIN_BARE_NUMBERS))))
    start = len(turn.replies)
    asked: int | None = None
    for n, words in lines:
        reminder = _reminder(turn, person, by_number[n])
        if reminder is None:
            continue
        before_step = turn.open_question()
        before = len(turn.replies)
        answers.reply_on(turn, person, reminder, words, turn.event.message_id, turn.event.attachments)
        step = turn.open_question()
        if step is not None and step is not before_step:
            if asked is not None:
                # One question at a time: the later one is asked again once the first is answered.
                turn.close()
                if before_step is not None:
                    turn.open(before_step)
                del turn.replies[before:]
                turn.say(turn.t(CHECKIN_ASK_AGAIN, number=n, item=_name(turn, reminder)))
                continue
            asked = n
        if len(lines) > 1:
            _label_replies(turn, before, n, reminder)
    _merge_texts(turn, start)


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


def _reference(turn: Turn, reminder: Reminder) -> str:
    """`Nhiệm vụ 1.2`, `Báo cáo IV.2`."""
    if reminder.task is not None:
        key = reminder.task.key
    elif reminder.report is not None:
        key = reminder.report.key
    else:
        key = reminder.target.key if reminder.target is not None else ""
    return short_reference(_kind(reminder), key, turn.lang)


def _name(turn: Turn, reminder: Reminder) -> str:
    """`Nhiệm vụ 1.2 «Xây dựng kế hoạch…»`: the short reference and a cut title."""
    return f"{_reference(turn, reminder)} «{cut_at_word(reminder.title, 60)}»"


def _label_replies(turn: Turn, since: int, n: int, reminder: Reminder) -> None:
    """The first text the line produced says which item it is about."""
    for index in range(since, len(turn.replies)):
        reply = turn.replies[index]
        message = reply.message
        if not message.text or message.buttons:
            continue
        reference = _reference(turn, reminder)
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
