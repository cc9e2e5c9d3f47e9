"""The conversation: one `IncomingEvent` in, the `Reply` list out, the same on every channel.

Routing only, through tables in the manner of python-telegram-bot's `ConversationHandler`: a
command starts a conversation (`ENTRY_POINTS`); the chat's open question (`Step`) decides what an
answer means (`STATES`); a reminder's button is `REMINDER_BUTTONS`; the rest falls back to `/huy`,
the unknown-command notice, and free text.

Every event is answered in one database transaction. A refusal (`Refusal`) rolls it back, so a
message the bot cannot accept changes nothing; what the person is told says what to do instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, select

from bot import paths
from bot.channels.base import OutgoingMessage
from bot.channels.callbacks import ChoicePress, ReminderPress, parse_press
from bot.channels.events import IncomingEvent, Reply
from bot.chat.conversation import answers, checkins, commands, listing, steps
from bot.chat.conversation.commands import NOT_FOR_US, parse_command
from bot.chat.conversation.messages import (
    GROUP_NO_BINDING,
    GROUP_NOT_REGISTERED,
    NOT_REGISTERED,
    PICK_NUMBER,
    SLOW_DOWN,
    STALE_BUTTON,
    STEP_EXPIRED,
    TOO_LONG,
    TROUBLE,
    render,
)
from bot.chat.conversation.numbers import choice_number
from bot.chat.conversation.received import first_delivery
from bot.chat.conversation.reminders import (
    Reminder,
    Stale,
    checked_reminder,
    latest_reminder_in_chat,
    quoted_reminder,
)
from bot.chat.conversation.state import FloodGate, Step, StepKind, Steps, Verdict
from bot.chat.conversation.steps import Numbers, State
from bot.chat.conversation.turn import Refusal, Turn, language
from bot.db.models import ChatBinding, OutboxMessage, Person
from bot.outbox.render import choices_for
from bot.people import DEFAULT_LIMITER, AttemptLimiter, normalize_code, who_is
from bot.people.messages import HOW_TO_GET_INVITE
from bot.people.messages import render as render_people
from bot.schedules import ReportingCycles
from bot.understand import MAX_LENGTH
from bot.workcal import WorkCalendar

log = logging.getLogger(__name__)

Entry = Callable[[Turn, Person], None]
ReminderButton = Callable[[Turn, Person, Reminder], None]

ENTRY_POINTS: dict[str, Entry] = {
    "viec": listing.my_tasks,
    "tasks": listing.my_tasks,
    "baocao": commands.report,
    "report": commands.report,
    "quahan": listing.my_overdue,
    "overdue": listing.my_overdue,
    "tonghop": listing.digest_now,
    "digest": listing.digest_now,
    "tamhoan": commands.snooze,
    "snooze": commands.snooze,
    "sua": answers.correct,
    "undo": answers.correct,
    "huongdan": commands.show_help,
    "help": commands.show_help,
    "start": commands.show_help,  # `/start CODE` registers
    "web": commands.web_link,
}
"""Commands that start a conversation; each replaces the open question (what it held is filed
first: `steps.interrupt`)."""
CANCEL = frozenset({"huy", "cancel"})
"""The fallback command: drop the open question. Any other command is told it is unknown."""
STATES: dict[StepKind, State] = {
    StepKind.PICK_TASK: State(steps.task_picked, steps.task_typed),
    StepKind.PICK_STATUS: State(steps.status_picked, steps.status_typed),
    StepKind.PERCENT: State(steps.percent_picked, steps.percent_typed, Numbers.WORDS_BESIDE_BUTTONS),
    StepKind.NOTE: State(steps.note_skipped, steps.note_typed, Numbers.CHOICE_OR_WORDS),
    StepKind.REASON: State(None, steps.note_typed, Numbers.CHOICE_OR_WORDS),
    StepKind.CLARIFY: State(steps.status_clarified, steps.clarify_typed),
    StepKind.CONFIRM_TASK: State(steps.task_confirmed, steps.task_confirm_typed),
    StepKind.CONFIRM_DONE: State(steps.done_confirmed, steps.done_confirm_typed),
    StepKind.SNOOZE_WHICH: State(steps.reminder_picked, steps.reminder_typed),
    StepKind.SNOOZE_LENGTH: State(steps.length_picked, steps.length_typed),
    StepKind.ITEM_ACTION: State(steps.item_action_picked, steps.item_action_typed),
}
"""Every question takes words as well as its choices: free text is read as at the top level."""
REMINDER_BUTTONS: dict[str, ReminderButton] = {**answers.REMINDER_ACTIONS, "open": checkins.item_choices}
"""A reminder's buttons (`bot.outbox.render.choices_for` its kind, in order: where there are no
buttons, their numbers are typed). `extend` («Xin lùi hạn») is for a report's reminder; `open` is
a check-in item's button, which shows that item's choices."""


class ChatConversation:
    """Implements `bot.channels.events.Conversation`. The database work is synchronous SQLAlchemy,
    run in a thread so that the receiving loop keeps going."""

    def __init__(
        self,
        engine: Engine,
        *,
        tz: ZoneInfo,
        calendar: WorkCalendar,
        cycles: ReportingCycles,
        templates: Path = paths.TEMPLATES_DIR,
        default_lang: str = "vi",
        button_channels: Collection[str] = ("telegram",),
        html_channels: Collection[str] = ("telegram",),
        bot_username: str | None = None,
        steps: Steps | None = None,
        flood: FloodGate | None = None,
        limiter: AttemptLimiter = DEFAULT_LIMITER,
    ) -> None:
        self.engine = engine
        self.tz = tz
        self.calendar = calendar
        self.cycles = cycles
        self.templates = templates
        self.default_lang = default_lang
        self.button_channels = frozenset(button_channels)
        self.html_channels = frozenset(html_channels)
        self.bot_username = bot_username
        self.steps = steps or Steps()
        self.flood = flood or FloodGate()
        self.limiter = limiter

    async def handle(self, event: IncomingEvent) -> list[Reply]:
        return await asyncio.to_thread(self.respond, event)

    def respond(self, event: IncomingEvent) -> list[Reply]:
        verdict = self.flood.check(event.channel, event.chat_id, event.received_at)
        if verdict is Verdict.DROP:
            return []
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                with session.begin():
                    if not first_delivery(session, event):
                        return []
                    turn = self._turn(session, event)
                    if verdict is Verdict.WARN:
                        turn.say(turn.t(SLOW_DOWN, limit=self.flood.limit))
                    elif event.callback_data is not None:
                        self._press(turn, event.callback_data)
                    else:
                        self._text(turn, event.text or "")
                    return turn.replies
            except Refusal as refusal:
                return refusal.replies
            except SQLAlchemyError:
                # The person hears that nothing was recorded; the cause goes to the log.
                log.exception("conversation: database error on %s chat %s", event.channel, event.chat_id)
                return [Reply(OutgoingMessage(render(self.default_lang, TROUBLE)))]

    # --- who is speaking ---------------------------------------------------------------------------

    def _turn(self, session: Session, event: IncomingEvent) -> Turn:
        person = _speaker(session, event)
        return Turn(
            session,
            event,
            person,
            language(person, self.default_lang),
            event.received_at,
            self.tz,
            buttons=event.channel in self.button_channels,
            html=event.channel in self.html_channels,
            calendar=self.calendar,
            cycles=self.cycles,
            templates=self.templates,
            steps=self.steps,
        )

    # --- text: a command, an answer to the open question, or words ---------------------------------

    def _text(self, turn: Turn, raw: str) -> None:
        if len(raw) > MAX_LENGTH:
            turn.say(turn.t(TOO_LONG, length=len(raw), limit=MAX_LENGTH))
            return
        text = raw.strip()
        command, args = parse_command(text, self.bot_username)
        if command == NOT_FOR_US or (turn.event.is_group and command is None):
            return  # group chatter, or a command for another bot
        person = self._registered(turn, command, args, text)
        if person is None:
            return
        if command is not None:
            turn.args = args
            _command(turn, person, command)
        else:
            _answer(turn, person, text)

    def _registered(self, turn: Turn, command: str | None, args: str, text: str) -> Person | None:
        """The registered person the text is from; None once the text is answered here: an invite
        code (redeemed in a private chat only), or a sender who is not registered."""
        person = turn.person
        code = args if command == "start" else ""
        if turn.event.is_group:
            if code or person is None:
                turn.say(turn.t(GROUP_NO_BINDING if code else GROUP_NOT_REGISTERED))
                return None
            return person
        if person is None and command is None and normalize_code(text) is not None:
            code = text  # a code sent alone
        if code:
            commands.register(turn, code, self.limiter, self.default_lang)
            return None
        if person is None:
            turn.say(turn.t(NOT_REGISTERED, how=render_people(turn.lang, HOW_TO_GET_INVITE)))
        return person

    # --- button presses ----------------------------------------------------------------------------

    def _press(self, turn: Turn, data: str) -> None:
        person = turn.person
        press = parse_press(data)
        if person is None:
            turn.answer_press(turn.t(STALE_BUTTON), remove_buttons=True)
            turn.say(turn.t(NOT_REGISTERED, how=render_people(turn.lang, HOW_TO_GET_INVITE)))
        elif isinstance(press, ChoicePress):
            _choice_pressed(turn, person, press)
        elif isinstance(press, ReminderPress):
            _reminder_pressed(turn, person, press)
        else:
            turn.answer_press(turn.t(STALE_BUTTON), remove_buttons=True)


def _speaker(session: Session, event: IncomingEvent) -> Person | None:
    if not event.is_group:
        return who_is(session, event.channel, event.chat_id)
    if event.user_id is None:
        return None
    # In a group the sender is known by the private chat they registered from.
    binding = session.exec(
        select(ChatBinding).where(ChatBinding.channel == event.channel, ChatBinding.user_id == event.user_id)
    ).first()
    return who_is(session, event.channel, binding.chat_id) if binding is not None else None


def _command(turn: Turn, person: Person, command: str) -> None:
    if command in CANCEL:
        commands.cancel(turn)
        return
    entry = ENTRY_POINTS.get(command)
    if entry is None:
        commands.unknown(turn, command)  # the open question stays open
        return
    steps.interrupt(turn, person)
    entry(turn, person)


def _answer(turn: Turn, person: Person, text: str) -> None:
    """Text that is no command: an answer to the open question if there is one, else `_words`."""
    step = turn.open_question()
    lines = checkins.numbered_lines(text)
    if step is not None and lines is not None and len(lines) > 1:
        # Several numbered lines answer a check-in, not the question that waits (`3 ngày` alone
        # may answer «how long?», but a list of items cannot).
        checkin = checkins.answered_checkin(turn, person)
        if checkin is not None:
            steps.interrupt(turn, person)
            checkins.answer_checkin(turn, person, checkin, lines)
            return
    if step is not None:
        if not (choice_number(text) is None and _replies_to_reminder(turn)):
            _typed_answer(turn, person, step, STATES[step.kind], text)
            return
        # Words replying to a reminder while a question waits: the reply is meant; what the
        # question already held is filed first.
        steps.interrupt(turn, person)
    _words(turn, person, text)


def _replies_to_reminder(turn: Turn) -> bool:
    replied = turn.event.reply_to_message_id
    if replied is None:
        return False
    row = turn.session.exec(
        select(OutboxMessage.id).where(
            OutboxMessage.channel == turn.event.channel,
            OutboxMessage.chat_id == turn.event.chat_id,
            OutboxMessage.sent_message_id == replied,
        )
    ).first()
    return row is not None


def _typed_answer(turn: Turn, person: Person, step: Step, state: State, text: str) -> None:
    """A typed answer to the open question: a choice's number, or the words it asks for."""
    numbered = bool(step.choices) and not (turn.buttons and state.numbers is Numbers.WORDS_BESIDE_BUTTONS)
    number = choice_number(text) if numbered else None
    if number is not None and 1 <= number <= len(step.choices) and state.chosen is not None:
        state.chosen(turn, person, step, step.choices[number - 1])
    elif number is not None and state.numbers is Numbers.CHOICE and not turn.buttons:
        turn.ask(turn.t(PICK_NUMBER, count=len(step.choices)), step)  # the question stays open
    elif state.typed is not None:
        state.typed(turn, person, step, text)
    else:
        turn.say(turn.t(PICK_NUMBER, count=len(step.choices)))


def _words(turn: Turn, person: Person, text: str) -> None:
    """Words that answer no open question: a reply to a reminder, the number of one of its choices
    where there are no buttons (for the reminder quoted, else the newest one sent to this chat),
    or free text."""
    event = turn.event
    lines = checkins.numbered_lines(text)
    if lines is not None and (not turn.buttons or len(lines) > 1 or lines[0][1]):
        checkin = checkins.answered_checkin(turn, person)
        if checkin is not None:
            checkins.answer_checkin(turn, person, checkin, lines)
            return
    number = None if turn.buttons else choice_number(text)
    try:
        reminder = None
        if event.reply_to_message_id is not None:
            reminder = quoted_reminder(
                turn.session, person, event.channel, event.chat_id, event.reply_to_message_id
            )
        if reminder is None and number is not None:
            reminder = latest_reminder_in_chat(turn.session, person, event.channel, event.chat_id, turn.now)
    except Stale as stale:
        turn.say(turn.t(stale.template, task=stale.task or ""))
        return
    if reminder is None:
        answers.free_text(turn, person, text, listed=checkins.answered_checkin(turn, person) is not None)
    elif number is None:
        answers.reply_on(turn, person, reminder, text, event.message_id, event.attachments)
    elif 1 <= number <= len(choices := choices_for(answers.kind_of(reminder))):
        REMINDER_BUTTONS[choices[number - 1][0]](turn, person, reminder)
    else:
        answers.choices_again(turn, reminder)


def _choice_pressed(turn: Turn, person: Person, press: ChoicePress) -> None:
    step = turn.open_question()
    # A button of an older question carries another token. (A question without `chosen` offers no
    # choice to press.)
    chosen = STATES[step.kind].chosen if step is not None and press.token == step.token else None
    if step is None or chosen is None or not 1 <= press.index <= len(step.choices):
        turn.answer_press(turn.t(STEP_EXPIRED), remove_buttons=True)
        return
    turn.answer_press("", remove_buttons=True)
    chosen(turn, person, step, step.choices[press.index - 1])


def _reminder_pressed(turn: Turn, person: Person, press: ReminderPress) -> None:
    try:
        reminder = checked_reminder(turn.session, person, press.outbox_id)
    except Stale as stale:
        turn.answer_press(turn.t(stale.template, task=stale.task or ""), remove_buttons=True)
        return
    REMINDER_BUTTONS[press.action](turn, person, reminder)
