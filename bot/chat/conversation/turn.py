"""One incoming event being answered: who sent it, in which language, the chat's open question,
and how to phrase replies for the channel it came on (buttons and HTML on Telegram, numbered plain
text elsewhere)."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.channels.base import Button, OutgoingMessage, ParseMode
from bot.channels.callbacks import choice_data
from bot.channels.events import IncomingEvent, Reply, SourceMessage
from bot.chat.conversation.messages import TYPE_NUMBER, render
from bot.chat.conversation.state import Choice, Step, Steps
from bot.db.models import Person
from bot.schedules import ReportingCycles
from bot.workcal import WorkCalendar

LANGUAGES = ("vi", "en")
"""The languages the bot speaks; a person registered with another one hears the default."""


def language(person: Person | None, default: str) -> str:
    return person.language if person is not None and person.language in LANGUAGES else default


class Refusal(Exception):
    """Stop here, roll the transaction back, and answer with `replies`."""

    def __init__(self, *replies: Reply) -> None:
        super().__init__("refused")
        self.replies = list(replies)


@dataclass
class Turn:
    session: Session
    event: IncomingEvent
    person: Person | None
    lang: str
    now: dt.datetime
    tz: ZoneInfo
    buttons: bool
    html: bool
    calendar: WorkCalendar
    cycles: ReportingCycles
    """The office's reporting cycles: which occurrences an update or a report closes."""
    templates: Path
    """The message templates (a digest asked for in chat)."""
    steps: Steps
    """The open question of every chat; this turn sees its own chat's."""
    replies: list[Reply] = field(default_factory=list)
    args: str = ""
    """The words after the command (`/baocao quy hoạch`)."""

    @property
    def source(self) -> SourceMessage:
        return SourceMessage(self.event.channel, self.event.chat_id, self.event.message_id)

    @property
    def today(self) -> dt.date:
        return self.now.astimezone(self.tz).date()

    @property
    def expires(self) -> dt.datetime:
        """When a question asked now stops waiting for its answer."""
        return self.now + self.steps.timeout

    def open_question(self) -> Step | None:
        return self.steps.get(self.event.channel, self.event.chat_id, self.now)

    def open(self, step: Step) -> None:
        """`step` becomes the chat's open question, replacing any other."""
        self.steps.put(self.event.channel, self.event.chat_id, step)

    def close(self) -> Step | None:
        """No open question any more; the one there was, if any."""
        return self.steps.clear(self.event.channel, self.event.chat_id)

    def t(self, template: str, **values: object) -> str:
        return render(self.lang, template, **values)

    def escape(self, text: str) -> str:
        """Plan and user text inside an HTML message."""
        return html.escape(text, quote=False) if self.html else text

    def message(self, text: str, *, markup: bool = False) -> OutgoingMessage:
        """`markup`: the text is already HTML (escaped where needed) for this channel."""
        return OutgoingMessage(text, ParseMode.HTML if markup and self.html else ParseMode.TEXT)

    def say(self, text: str, *, markup: bool = False) -> None:
        self.replies.append(Reply(self.message(text, markup=markup)))

    def say_message(self, message: OutgoingMessage) -> None:
        self.replies.append(Reply(message))

    def answer_press(self, notice: str, *, remove_buttons: bool = False) -> None:
        """Answer the button press (every press is answered: it stops Telegram's spinner)."""
        if self.event.callback_id is None:
            return
        self.replies.append(
            Reply(
                OutgoingMessage(""),
                answer_callback=notice,
                edit_buttons_of=self.event.message_id if remove_buttons else None,
            )
        )

    def notice(self, text: str) -> None:
        """A short answer: the press notice for a button, a message for a typed choice."""
        if self.event.callback_id is not None:
            self.answer_press(text)
        else:
            self.say(text)

    def ask(self, text: str, step: Step, *, columns: int = 1) -> None:
        """A question with choices: buttons carrying the step's token, or numbered lines."""
        self.replies.append(
            Reply(choice_message(text, step.token, step.choices, self.buttons, self.lang, columns=columns))
        )


def choice_message(
    text: str,
    token: str,
    choices: Sequence[Choice],
    buttons: bool,
    lang: str,
    *,
    columns: int = 1,
    nav: int = 0,
) -> OutgoingMessage:
    """`nav`: the last choices are page choices, side by side in one row of their own."""
    if buttons:
        made = [
            Button(choice.label[:60], choice_data(token, index)) for index, choice in enumerate(choices, 1)
        ]
        body, paging = (made[: len(made) - nav], made[len(made) - nav :]) if nav else (made, [])
        rows = tuple(tuple(body[i : i + columns]) for i in range(0, len(body), columns))
        if paging:
            rows += (tuple(paging),)
        return OutgoingMessage(text, ParseMode.TEXT, rows)
    lines = [
        text,
        *(f"{index}. {choice.label}" for index, choice in enumerate(choices, 1)),
        render(lang, TYPE_NUMBER),
    ]
    return OutgoingMessage("\n".join(lines), ParseMode.TEXT)
