"""Commands: how one is read, the entry points that start a conversation (`handler.ENTRY_POINTS`
names them), the fallbacks (`/huy`, an unknown command) and `/start CODE`, the registration."""

from __future__ import annotations

import re

from bot.channels.events import Reply
from bot.chat.conversation import picking, questions
from bot.chat.conversation.messages import (
    CANCELLED,
    HELP,
    HELP_WEB,
    NO_MATCH,
    NO_TASKS,
    NOTHING_TO_CANCEL,
    NOTHING_TO_SNOOZE,
    UNKNOWN_COMMAND,
)
from bot.chat.conversation.reminders import recent_reminders
from bot.chat.conversation.turn import Refusal, Turn, language
from bot.db.models import Person
from bot.people import AttemptLimiter, InviteRefused, redeem_invite, tasks_for, welcome_message

NOT_FOR_US = "\0"
"""A command addressed to another bot in a group (`/viec@other_bot`)."""
PICK_LIMIT = 10
"""Reminders offered to pick from, newest first: a longer list of buttons is unusable. (Tasks
come a page at a time: `picking.py`.)"""
_COMMAND = re.compile(r"^/([A-Za-z_]+)(?:@([A-Za-z0-9_]+))?(?:\s+(.*))?$", re.DOTALL)


def parse_command(text: str, bot_username: str | None) -> tuple[str | None, str]:
    """(`viec`, args) for `/viec@bot args`; (None, "") for text; (NOT_FOR_US, "") for another bot's."""
    match = _COMMAND.match(text)
    if match is None:
        return None, ""
    name, addressee, args = match.group(1).lower(), match.group(2), (match.group(3) or "").strip()
    if addressee and bot_username and addressee.lower() != bot_username.lower().lstrip("@"):
        return NOT_FOR_US, ""
    return name, args


# --- entry points --------------------------------------------------------------------------------


def report(turn: Turn, person: Person) -> None:
    """`/baocao [words]`: pick a task (every one, a page at a time, or those the words find), then
    its status."""
    listed = [item.task for item in tasks_for(turn.session, person)]
    if not listed:
        turn.say(turn.t(NO_TASKS))
        return
    if turn.args:
        found = picking.search(listed, turn.args)
        if len(found) == 1:
            questions.ask_status(turn, found[0])
            return
        if found:
            picking.ask_task(turn, found, query=turn.args)
            return
        turn.say(turn.t(NO_MATCH, query=turn.args[:40]))
    picking.ask_task(turn, listed)


def snooze(turn: Turn, person: Person) -> None:
    """`/tamhoan`: pick a recent reminder (unless there is only one), then how long."""
    recent = recent_reminders(turn.session, person, turn.now)
    if not recent:
        turn.say(turn.t(NOTHING_TO_SNOOZE))
    elif len(recent) == 1:
        questions.ask_snooze_length(turn, recent[0].row.id, week=True)
    else:
        questions.ask_which_reminder(turn, recent[:PICK_LIMIT])


def show_help(turn: Turn, person: Person) -> None:
    turn.say(help_text(turn))


def help_text(turn: Turn) -> str:
    """The commands; `/web` among them where the dashboard is served."""
    from bot.web.links import configured  # the web package, only when asked

    lines = turn.t(HELP).split("\n")
    if configured():
        last_command = max(i for i, line in enumerate(lines) if line.startswith("/"))
        lines.insert(last_command + 1, turn.t(HELP_WEB))
    return "\n".join(lines)


def web_link(turn: Turn, person: Person) -> None:
    """`/web`: a one-time sign-in link to the dashboard (`bot.web.links`)."""
    from bot.web.links import chat_link  # the web package, only when asked

    turn.say(chat_link(turn.session, person, now=turn.now, lang=turn.lang))


# --- fallbacks -----------------------------------------------------------------------------------


def cancel(turn: Turn) -> None:
    turn.say(turn.t(CANCELLED if turn.close() is not None else NOTHING_TO_CANCEL))


def unknown(turn: Turn, command: str) -> None:
    turn.say(turn.t(UNKNOWN_COMMAND, command="/" + command))


# --- registration --------------------------------------------------------------------------------


def register(turn: Turn, code: str, limiter: AttemptLimiter, default_lang: str) -> None:
    """An invite code, alone or as `/start CODE` (Telegram's deep link): the chat becomes the
    person's, who is welcomed in their language."""
    event = turn.event
    try:
        person = redeem_invite(
            turn.session,
            code=code,
            channel=event.channel,
            chat_id=event.chat_id,
            user_id=event.user_id,
            display_name=event.display_name,
            now=turn.now,
            limiter=limiter,
        )
    except InviteRefused as refusal:
        raise Refusal(Reply(turn.message(refusal.message(turn.lang)))) from None
    turn.person = person
    turn.lang = language(person, default_lang)
    turn.say(welcome_message(turn.session, person, turn.lang))
    turn.say(help_text(turn))
