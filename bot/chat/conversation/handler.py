"""The conversation: one `IncomingEvent` in, the `Reply` list out, the same on every channel.

Every event is answered in one database transaction. A refusal (`Refusal`) rolls it back, so a
message the bot cannot accept changes nothing; what the person is told says what to do instead.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from collections.abc import Collection
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, select

from bot.channels.base import OutgoingMessage
from bot.channels.callbacks import ChoicePress, parse_press
from bot.channels.events import Attachment, IncomingEvent, Reply
from bot.chat.conversation import listing
from bot.chat.conversation.messages import (
    ASK_NOTE,
    ASK_PERCENT,
    ASK_REASON,
    ATTACHMENTS_KEPT,
    BAD_PERCENT,
    CANCELLED,
    CONFIRM_TASK,
    EMPTY_REASON,
    GROUP_NO_BINDING,
    GROUP_NOT_REGISTERED,
    HELP,
    NO,
    NO_NOTE,
    NO_TASKS,
    NOT_REGISTERED,
    NOTHING_TO_CANCEL,
    NOTHING_TO_SNOOZE,
    OFFER_REPORT,
    PICK_NUMBER,
    PICK_STATUS,
    PICK_TASK,
    RECORDED,
    REPORT_ALREADY,
    REPORT_FILED_LATE,
    REPORT_FILED_ON_TIME,
    REPORT_ONLY_DONE,
    SLOW_DOWN,
    SNOOZE_ONE_DAY,
    SNOOZE_ONE_WEEK,
    SNOOZE_PICK_LENGTH,
    SNOOZE_PICK_REMINDER,
    SNOOZE_THREE_DAYS,
    SNOOZED,
    STALE_BUTTON,
    STEP_EXPIRED,
    TOO_LONG,
    TROUBLE,
    UNKNOWN_COMMAND,
    YES,
    render,
)
from bot.chat.conversation.numbers import choice_number
from bot.chat.conversation.reminders import (
    Reminder,
    Stale,
    checked_reminder,
    latest_reminder_in_chat,
    recent_reminders,
    reminder_by_reply,
    snooze_reminder,
    snooze_until,
)
from bot.chat.conversation.state import Choice, FloodGate, Step, StepKind, Steps, Verdict
from bot.chat.conversation.turn import Refusal, Turn, choice_message
from bot.chat.replies import confirmation
from bot.datefmt import long_date, short_date
from bot.db.models import ChatBinding, Person, Task, TaskStatus
from bot.i18n import translations
from bot.outbox.render import CHOICES as REMINDER_CHOICES
from bot.outbox.render import DOMAIN as REMINDER_DOMAIN
from bot.outbox.render import shorten
from bot.people import (
    DEFAULT_LIMITER,
    AttemptLimiter,
    InviteRefused,
    NotAllowed,
    NotUnderstood,
    file_report,
    file_update,
    normalize_code,
    redeem_invite,
    tasks_for,
    welcome_message,
    who_is,
)
from bot.people.messages import HOW_TO_GET_INVITE
from bot.people.messages import render as render_people
from bot.understand import MAX_LENGTH, ReportClaim, Snooze, Understanding, understand_reply
from bot.understand.messages import status_label
from bot.workcal import WorkCalendar

log = logging.getLogger(__name__)

COMMANDS = {
    "viec": "tasks",
    "tasks": "tasks",
    "baocao": "report",
    "report": "report",
    "quahan": "overdue",
    "overdue": "overdue",
    "tonghop": "digest",
    "digest": "digest",
    "tamhoan": "snooze",
    "snooze": "snooze",
    "huongdan": "help",
    "help": "help",
    "huy": "cancel",
    "cancel": "cancel",
    "start": "start",
}
NOT_FOR_US = "\0"
"""A command addressed to another bot in a group (`/viec@other_bot`)."""
PICK_LIMIT = 10
"""Tasks offered by `/baocao`, nearest deadline first (a longer list of buttons is unusable)."""
RECENT = dt.timedelta(days=7)
"""Free text is guessed to be about the one task reminded within this time."""
_COMMAND = re.compile(r"^/([A-Za-z_]+)(?:@([A-Za-z0-9_]+))?(?:\s+(.*))?$", re.DOTALL)
_PERCENT = re.compile(r"^\s*(\d{1,3})\s*(?:%|phan tram|phần trăm)?\s*$", re.IGNORECASE)
PICKS = frozenset(
    {
        StepKind.PICK_TASK,
        StepKind.PICK_STATUS,
        StepKind.CONFIRM_TASK,
        StepKind.SNOOZE_WHICH,
        StepKind.SNOOZE_LENGTH,
    }
)
"""Questions answered only by picking a choice."""
STATUS_ORDER = (TaskStatus.DONE, TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED, TaskStatus.NOT_STARTED)


def parse_command(text: str, bot_username: str | None) -> tuple[str | None, str]:
    """(`viec`, args) for `/viec@bot args`; (None, "") for text; (NOT_FOR_US, "") for another bot's."""
    match = _COMMAND.match(text)
    if match is None:
        return None, ""
    name, addressee, args = match.group(1).lower(), match.group(2), (match.group(3) or "").strip()
    if addressee and bot_username and addressee.lower() != bot_username.lower().lstrip("@"):
        return NOT_FOR_US, ""
    return name, args


class ChatConversation:
    """Implements `bot.channels.events.Conversation`. The database work is synchronous SQLAlchemy,
    run in a thread so that the receiving loop keeps going."""

    def __init__(
        self,
        engine: Engine,
        *,
        tz: ZoneInfo,
        calendar: WorkCalendar,
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
        now = event.received_at
        verdict = self.flood.check(event.channel, event.chat_id, now)
        if verdict is Verdict.DROP:
            return []
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                with session.begin():
                    person = self._person(session, event)
                    known = person is not None and person.language in ("vi", "en")
                    lang = person.language if person is not None and known else self.default_lang
                    turn = Turn(
                        session,
                        event,
                        person,
                        lang,
                        now,
                        self.tz,
                        buttons=event.channel in self.button_channels,
                        html=event.channel in self.html_channels,
                    )
                    if verdict is Verdict.WARN:
                        turn.say(turn.t(SLOW_DOWN, limit=self.flood.limit))
                    else:
                        self._route(turn)
                    return turn.replies
            except Refusal as refusal:
                return refusal.replies
            except SQLAlchemyError:
                # The person hears that nothing was recorded; the cause goes to the log.
                log.exception("conversation: database error on %s chat %s", event.channel, event.chat_id)
                return [Reply(OutgoingMessage(render(self.default_lang, TROUBLE)))]

    def _person(self, session: Session, event: IncomingEvent) -> Person | None:
        if not event.is_group:
            return who_is(session, event.channel, event.chat_id)
        if event.user_id is None:
            return None
        # In a group the sender is known by the private chat they registered from.
        binding = session.exec(
            select(ChatBinding).where(
                ChatBinding.channel == event.channel, ChatBinding.user_id == event.user_id
            )
        ).first()
        return who_is(session, event.channel, binding.chat_id) if binding is not None else None

    # --- routing ------------------------------------------------------------------------------

    def _route(self, turn: Turn) -> None:
        event = turn.event
        if event.callback_data is not None:
            self._press(turn, event.callback_data)
            return
        raw = event.text or ""
        if len(raw) > MAX_LENGTH:
            turn.say(turn.t(TOO_LONG, length=len(raw), limit=MAX_LENGTH))
            return
        text = raw.strip()
        command, args = parse_command(text, self.bot_username)
        if command == NOT_FOR_US or (event.is_group and command is None):
            return
        person = turn.person
        if event.is_group and person is None:
            turn.say(turn.t(GROUP_NO_BINDING if command == "start" and args else GROUP_NOT_REGISTERED))
            return
        if command == "start" and args:
            if event.is_group:
                turn.say(turn.t(GROUP_NO_BINDING))
            else:
                self._register(turn, args)
            return
        if person is None:
            if command is None and normalize_code(text) is not None:
                self._register(turn, text)
            else:
                turn.say(turn.t(NOT_REGISTERED, how=render_people(turn.lang, HOW_TO_GET_INVITE)))
            return
        if command is not None:
            self._command(turn, person, command)
            return
        step = self.steps.get(event.channel, event.chat_id, turn.now)
        if step is not None:
            replying = event.reply_to_message_id is not None and choice_number(text) is None
            if not (step.kind in PICKS and replying):
                self._typed_answer(turn, person, step, text)
                return
            # Words replying to a reminder while a pick waits: the reply is meant, not the pick.
            self.steps.clear(event.channel, event.chat_id)
        number = None if turn.buttons else choice_number(text)
        if number is not None and self._numbered_choice(turn, person, number):
            return
        if event.reply_to_message_id is not None:
            row = reminder_by_reply(turn.session, event.channel, event.chat_id, event.reply_to_message_id)
            if row is not None and row.id is not None:
                try:
                    reminder = checked_reminder(turn.session, person, row.id)
                except Stale as stale:
                    turn.say(turn.t(stale.template, task=stale.task or ""))
                    return
                self._reply_on(turn, person, reminder, text, event.message_id, event.attachments)
                return
        self._free_text(turn, person, text)

    def _register(self, turn: Turn, code: str) -> None:
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
                limiter=self.limiter,
            )
        except InviteRefused as refusal:
            raise Refusal(Reply(turn.message(refusal.message(turn.lang)))) from None
        turn.person = person
        turn.lang = person.language if person.language in ("vi", "en") else self.default_lang
        turn.say(welcome_message(turn.session, person, turn.lang))
        turn.say(turn.t(HELP))

    def _command(self, turn: Turn, person: Person, command: str) -> None:
        action = COMMANDS.get(command)
        event = turn.event
        if action == "cancel":
            cleared = self.steps.clear(event.channel, event.chat_id)
            turn.say(turn.t(CANCELLED if cleared is not None else NOTHING_TO_CANCEL))
            return
        if action is not None:
            self.steps.clear(event.channel, event.chat_id)  # a new command replaces an open question
        if action == "tasks":
            listing.my_tasks(turn, person)
        elif action == "overdue":
            listing.my_overdue(turn, person, self.calendar)
        elif action == "digest":
            listing.digest_now(turn, person, self.calendar)
        elif action == "report":
            self._start_report(turn, person)
        elif action == "snooze":
            self._start_snooze(turn, person)
        elif action in ("help", "start"):
            turn.say(turn.t(HELP))
        else:
            turn.say(turn.t(UNKNOWN_COMMAND, command="/" + command))

    # --- button presses -----------------------------------------------------------------------

    def _press(self, turn: Turn, data: str) -> None:
        person = turn.person
        if person is None:
            turn.answer_press(turn.t(STALE_BUTTON), remove_buttons=True)
            turn.say(turn.t(NOT_REGISTERED, how=render_people(turn.lang, HOW_TO_GET_INVITE)))
            return
        press = parse_press(data)
        if isinstance(press, ChoicePress):
            self._step_press(turn, person, press)
            return
        if press is None:
            turn.answer_press(turn.t(STALE_BUTTON), remove_buttons=True)
            return
        outbox_id, action = press.outbox_id, press.action
        try:
            reminder = checked_reminder(turn.session, person, outbox_id)
        except Stale as stale:
            turn.answer_press(turn.t(stale.template, task=stale.task or ""), remove_buttons=True)
            return
        self._reminder_action(turn, person, reminder, action)

    def _reminder_action(self, turn: Turn, person: Person, reminder: Reminder, action: str) -> None:
        event = turn.event
        expires = turn.now + self.steps.timeout
        row_id, shown = reminder.row.id, event.message_id
        if action == "snooze":
            step = Step(
                StepKind.SNOOZE_LENGTH,
                expires,
                self._lengths(turn, week=False),
                outbox_id=row_id,
                message_id=shown,
            )
            self._open(turn, step)
            turn.answer_press("")
            turn.ask(turn.t(SNOOZE_PICK_LENGTH), step, columns=2)
            return
        if reminder.task is None:
            if action == "done":
                self._file_report(turn, person, ReportClaim(period=None), reminder.occurrence.id)
                turn.answer_press(turn.t(RECORDED), remove_buttons=True)
            else:
                turn.notice(turn.t(REPORT_ONLY_DONE))
            return
        task = reminder.task
        if action == "done":
            # A typed «1» may come as a photo's caption: the photo is the evidence.
            done = Understanding(status=TaskStatus.DONE)
            self._file(turn, person, task, done, event.message_id, event.attachments)
            turn.answer_press(turn.t(RECORDED), remove_buttons=True)
        elif action == "doing":
            percents = tuple(Choice(str(p), f"{p}%") for p in (25, 50, 75))
            step = Step(
                StepKind.PERCENT,
                expires,
                percents,
                task_id=task.id,
                status=TaskStatus.IN_PROGRESS,
                outbox_id=row_id,
                message_id=shown,
                attachments=event.attachments,
            )
            self._open(turn, step)
            turn.answer_press("")
            turn.ask(turn.t(ASK_PERCENT, task=shorten(task.title, 80)), step, columns=3)
        else:
            step = Step(
                StepKind.REASON,
                expires,
                task_id=task.id,
                status=TaskStatus.BLOCKED,
                outbox_id=row_id,
                message_id=shown,
                attachments=event.attachments,
            )
            self._open(turn, step)
            turn.answer_press("")
            turn.say(turn.t(ASK_REASON, task=shorten(task.title, 80)))

    def _numbered_choice(self, turn: Turn, person: Person, number: int) -> bool:
        """A bare number on a channel without buttons: the choice of the reminder it answers (the
        quoted one, else the newest one sent to this chat), as if its button were pressed. False
        when no reminder was sent to this chat lately."""
        event = turn.event
        try:
            reminder = None
            if event.reply_to_message_id is not None:
                row = reminder_by_reply(turn.session, event.channel, event.chat_id, event.reply_to_message_id)
                if row is not None and row.id is not None:
                    reminder = checked_reminder(turn.session, person, row.id)
            if reminder is None:
                reminder = latest_reminder_in_chat(
                    turn.session, person, event.channel, event.chat_id, turn.now
                )
        except Stale as stale:
            turn.say(turn.t(stale.template, task=stale.task or ""))
            return True
        if reminder is None:
            return False
        if not 1 <= number <= len(REMINDER_CHOICES):
            labels = translations(turn.lang, REMINDER_DOMAIN)
            choices = [Choice(action, labels.gettext(label)) for action, label in REMINDER_CHOICES]
            question = turn.t(PICK_NUMBER, count=len(choices))
            turn.replies.append(Reply(choice_message(question, "", choices, False, turn.lang)))
            return True
        self._reminder_action(turn, person, reminder, REMINDER_CHOICES[number - 1][0])
        return True

    def _step_press(self, turn: Turn, person: Person, press: ChoicePress) -> None:
        event = turn.event
        step = self.steps.get(event.channel, event.chat_id, turn.now)
        index = press.index
        if step is None or press.token != step.token or not 1 <= index <= len(step.choices):
            turn.answer_press(turn.t(STEP_EXPIRED), remove_buttons=True)
            return
        turn.answer_press("", remove_buttons=True)
        self._choose(turn, person, step, step.choices[index - 1])

    # --- open questions -----------------------------------------------------------------------

    def _open(self, turn: Turn, step: Step) -> None:
        self.steps.put(turn.event.channel, turn.event.chat_id, step)

    def _close(self, turn: Turn) -> None:
        self.steps.clear(turn.event.channel, turn.event.chat_id)

    def _typed_answer(self, turn: Turn, person: Person, step: Step, text: str) -> None:
        """A typed answer to the open question: a choice's number, or the free text it asks for."""
        # A typed number picks a listed choice, except for the percent where buttons show the
        # choices: there `50` and `2` are percentages.
        numbered = step.kind is not StepKind.PERCENT or not turn.buttons
        number = choice_number(text)
        if step.choices and number is not None and numbered:
            if 1 <= number <= len(step.choices):
                self._choose(turn, person, step, step.choices[number - 1])
                return
            if not turn.buttons and step.kind not in (StepKind.PERCENT, StepKind.NOTE):
                # Out of range: the choices again, the question stays open.
                turn.ask(turn.t(PICK_NUMBER, count=len(step.choices)), step)
                return
        if step.kind is StepKind.PERCENT:
            match = _PERCENT.match(text)
            if match is None or int(match.group(1)) > 100:
                turn.say(turn.t(BAD_PERCENT, text=shorten(text, 40)))
                return
            self._choose(turn, person, step, Choice(match.group(1), text))
        elif step.kind in (StepKind.NOTE, StepKind.REASON):
            if not text:
                turn.say(turn.t(EMPTY_REASON))
                return
            step.note = text
            step.message_id = turn.event.message_id
            step.attachments += turn.event.attachments
            self._finish(turn, person, step)
        elif step.kind is StepKind.CLARIFY and step.outbox_id is not None:
            # A new wording instead of a number: understand it afresh.
            self._close(turn)
            self._reply_about(
                turn,
                person,
                step.outbox_id,
                text,
                turn.event.message_id,
                step.attachments + turn.event.attachments,
            )
        else:
            turn.say(turn.t(PICK_NUMBER, count=len(step.choices)))

    def _choose(self, turn: Turn, person: Person, step: Step, choice: Choice) -> None:
        kind = step.kind
        expires = turn.now + self.steps.timeout
        if kind is StepKind.PICK_TASK:
            task = turn.session.get(Task, int(choice.value))
            if task is None:
                raise Refusal(Reply(turn.message(turn.t(STEP_EXPIRED))))
            statuses = tuple(Choice(s.value, status_label(s, turn.lang)) for s in STATUS_ORDER)
            nxt = Step(
                StepKind.PICK_STATUS, expires, statuses, task_id=task.id, message_id=turn.event.message_id
            )
            self._open(turn, nxt)
            turn.ask(turn.t(PICK_STATUS, task=shorten(task.title, 80)), nxt, columns=2)
        elif kind is StepKind.PICK_STATUS:
            status = TaskStatus(choice.value)
            task = turn.session.get(Task, step.task_id or 0)
            title = shorten(task.title, 80) if task is not None else ""
            if status is TaskStatus.IN_PROGRESS:
                nxt = Step(
                    StepKind.PERCENT,
                    expires,
                    tuple(Choice(str(p), f"{p}%") for p in (25, 50, 75)),
                    task_id=step.task_id,
                    status=status,
                    message_id=step.message_id,
                )
                self._open(turn, nxt)
                turn.ask(turn.t(ASK_PERCENT, task=title), nxt, columns=3)
            elif status is TaskStatus.BLOCKED:
                nxt = Step(
                    StepKind.REASON, expires, task_id=step.task_id, status=status, message_id=step.message_id
                )
                self._open(turn, nxt)
                turn.say(turn.t(ASK_REASON, task=title))
            else:
                self._ask_note(turn, step, status, None)
        elif kind is StepKind.PERCENT:
            if step.outbox_id is None:
                self._ask_note(turn, step, TaskStatus.IN_PROGRESS, int(choice.value))
            else:
                step.percent = int(choice.value)
                self._finish(turn, person, step)
        elif kind in (StepKind.NOTE, StepKind.CLARIFY):
            if kind is StepKind.CLARIFY:
                step.status = TaskStatus(choice.value)
                if step.status is not TaskStatus.IN_PROGRESS:
                    step.percent = None
            self._finish(turn, person, step)
        elif kind is StepKind.CONFIRM_TASK:
            self._close(turn)
            if choice.value != "yes" or step.outbox_id is None:
                turn.say(turn.t(OFFER_REPORT))
                return
            self._reply_about(
                turn, person, step.outbox_id, step.text or "", step.message_id or "", step.attachments
            )
        elif kind is StepKind.SNOOZE_WHICH:
            nxt = Step(
                StepKind.SNOOZE_LENGTH, expires, self._lengths(turn, week=True), outbox_id=int(choice.value)
            )
            self._open(turn, nxt)
            turn.ask(turn.t(SNOOZE_PICK_LENGTH), nxt, columns=3)
        elif kind is StepKind.SNOOZE_LENGTH:
            self._close(turn)
            reminder = self._reminder(turn, person, step.outbox_id or 0)
            until = snooze_until(
                reminder.row, int(choice.value), turn.now, tz=self.tz, calendar=self.calendar
            )
            self._snooze(turn, person, reminder, until)

    def _ask_note(self, turn: Turn, step: Step, status: TaskStatus, percent: int | None) -> None:
        nxt = Step(
            StepKind.NOTE,
            turn.now + self.steps.timeout,
            (Choice("skip", turn.t(NO_NOTE)),),
            task_id=step.task_id,
            status=status,
            percent=percent,
            message_id=step.message_id,
        )
        self._open(turn, nxt)
        turn.ask(turn.t(ASK_NOTE), nxt)

    def _finish(self, turn: Turn, person: Person, step: Step) -> None:
        """The last answer is in: file the update the steps collected."""
        self._close(turn)
        task = turn.session.get(Task, step.task_id or 0)
        if task is None or step.status is None:
            raise Refusal(Reply(turn.message(turn.t(STEP_EXPIRED))))
        understanding = Understanding(status=step.status, percent=step.percent, note=step.note)
        self._file(
            turn, person, task, understanding, step.message_id or turn.event.message_id, step.attachments
        )
        if step.outbox_id is not None and step.message_id is not None and turn.buttons:
            # The reminder is answered: its buttons go.
            turn.replies.append(Reply(turn.message(""), edit_buttons_of=step.message_id))

    def _lengths(self, turn: Turn, *, week: bool) -> tuple[Choice, ...]:
        lengths = [Choice("1", turn.t(SNOOZE_ONE_DAY)), Choice("3", turn.t(SNOOZE_THREE_DAYS))]
        if week:
            lengths.append(Choice("5", turn.t(SNOOZE_ONE_WEEK)))
        return tuple(lengths)

    # --- commands with steps ------------------------------------------------------------------

    def _start_report(self, turn: Turn, person: Person) -> None:
        listed = tasks_for(turn.session, person)[:PICK_LIMIT]
        if not listed:
            turn.say(turn.t(NO_TASKS))
            return
        choices = tuple(
            Choice(str(item.task.id), f"{item.task.key} {shorten(item.task.title, 48)}") for item in listed
        )
        step = Step(StepKind.PICK_TASK, turn.now + self.steps.timeout, choices)
        self._open(turn, step)
        turn.ask(turn.t(PICK_TASK), step)

    def _start_snooze(self, turn: Turn, person: Person) -> None:
        recent = recent_reminders(turn.session, person, turn.now)
        if not recent:
            turn.say(turn.t(NOTHING_TO_SNOOZE))
            return
        expires = turn.now + self.steps.timeout
        if len(recent) == 1:
            step = Step(
                StepKind.SNOOZE_LENGTH, expires, self._lengths(turn, week=True), outbox_id=recent[0].row.id
            )
            self._open(turn, step)
            turn.ask(turn.t(SNOOZE_PICK_LENGTH), step, columns=3)
            return
        choices = tuple(Choice(str(r.row.id), shorten(r.title, 56)) for r in recent[:PICK_LIMIT])
        step = Step(StepKind.SNOOZE_WHICH, expires, choices)
        self._open(turn, step)
        turn.ask(turn.t(SNOOZE_PICK_REMINDER), step)

    # --- free text ----------------------------------------------------------------------------

    def _free_text(self, turn: Turn, person: Person, text: str) -> None:
        understanding = understand_reply(text, now_date=turn.today, lang=turn.lang) if text else None
        if understanding is not None and understanding.report is not None:
            self._file_report(turn, person, understanding.report, None)
            return
        recent = [r for r in recent_reminders(turn.session, person, turn.now, RECENT) if r.task is not None]
        if text and len({r.task.id for r in recent if r.task is not None}) == 1:
            reminder = recent[0]
            assert reminder.task is not None
            step = Step(
                StepKind.CONFIRM_TASK,
                turn.now + self.steps.timeout,
                (Choice("yes", turn.t(YES)), Choice("no", turn.t(NO))),
                outbox_id=reminder.row.id,
                text=text,
                message_id=turn.event.message_id,
                attachments=turn.event.attachments,
            )
            self._open(turn, step)
            turn.ask(turn.t(CONFIRM_TASK, task=shorten(reminder.task.title, 80)), step, columns=2)
            return
        turn.say(turn.t(OFFER_REPORT))

    def _reply_about(
        self,
        turn: Turn,
        person: Person,
        outbox_id: int,
        text: str,
        message_id: str,
        attachments: tuple[Attachment, ...],
    ) -> None:
        self._reply_on(turn, person, self._reminder(turn, person, outbox_id), text, message_id, attachments)

    def _reply_on(
        self,
        turn: Turn,
        person: Person,
        reminder: Reminder,
        text: str,
        message_id: str,
        attachments: tuple[Attachment, ...],
    ) -> None:
        """Words (and files) answering a reminder: understood, then filed, or asked back."""
        understanding = understand_reply(text, now_date=turn.today, lang=turn.lang)
        if reminder.task is None:
            if understanding.report is not None or understanding.status is TaskStatus.DONE:
                self._file_report(
                    turn, person, understanding.report or ReportClaim(None), reminder.occurrence.id
                )
            elif understanding.snooze is not None:
                self._snooze(turn, person, reminder, self._until(reminder, understanding.snooze, turn))
            else:
                turn.say(turn.t(REPORT_ONLY_DONE))
            return
        if understanding.problem is not None and not attachments:
            turn.say(understanding.question or "")
            return
        if understanding.report is not None and understanding.status is None:
            self._file_report(turn, person, understanding.report, None)
            return
        if understanding.status is not None:
            self._file(turn, person, reminder.task, understanding, message_id, attachments)
            if understanding.snooze is not None:
                self._snooze(turn, person, reminder, self._until(reminder, understanding.snooze, turn))
            return
        if understanding.snooze is not None and not understanding.choices:
            self._snooze(turn, person, reminder, self._until(reminder, understanding.snooze, turn))
            return
        options = understanding.choices or STATUS_ORDER
        step = Step(
            StepKind.CLARIFY,
            turn.now + self.steps.timeout,
            tuple(Choice(s.value, status_label(s, turn.lang)) for s in options),
            task_id=reminder.task.id,
            outbox_id=reminder.row.id,
            percent=understanding.percent,
            note=understanding.note,
            message_id=message_id,
            attachments=attachments,
        )
        self._open(turn, step)
        question = understanding.question if understanding.problem is None else None
        turn.ask(question or turn.t(PICK_STATUS, task=shorten(reminder.task.title, 80)), step, columns=2)

    # --- recording ----------------------------------------------------------------------------

    def _reminder(self, turn: Turn, person: Person, outbox_id: int) -> Reminder:
        try:
            return checked_reminder(turn.session, person, outbox_id)
        except Stale as stale:
            raise Refusal(Reply(turn.message(turn.t(stale.template, task=stale.task or "")))) from None

    def _file(
        self,
        turn: Turn,
        person: Person,
        task: Task,
        understanding: Understanding,
        message_id: str,
        attachments: tuple[Attachment, ...],
    ) -> None:
        event = turn.event
        source = type(turn.source)(event.channel, event.chat_id, message_id)
        try:
            filed = file_update(
                turn.session,
                person=person,
                task=task,
                understanding=understanding,
                source_message=source,
                attachments=attachments,
                now=turn.now,
                tz=self.tz,
            )
        except (NotAllowed, NotUnderstood) as refusal:
            raise Refusal(Reply(turn.message(refusal.message(turn.lang)))) from None
        replaced = None
        if filed.previous is not None:
            author = (
                turn.session.get(Person, filed.previous.author_person_id)
                if filed.previous.author_person_id
                else None
            )
            replaced = (author.name if author is not None else filed.previous.source, filed.previous.status)
        text = confirmation(understanding, task_title=task.title, lang=turn.lang, replaced=replaced)
        if attachments:
            text += "\n" + turn.t(ATTACHMENTS_KEPT, count=len(attachments))
        turn.say(text)

    def _file_report(self, turn: Turn, person: Person, claim: ReportClaim, occurrence_id: int | None) -> None:
        try:
            filed = file_report(
                turn.session,
                person=person,
                claim=claim,
                source_message=turn.source,
                now=turn.now,
                tz=self.tz,
                occurrence_id=occurrence_id,
            )
        except (NotAllowed, NotUnderstood) as refusal:
            raise Refusal(Reply(turn.message(refusal.message(turn.lang)))) from None
        lines = [confirmation(Understanding(report=claim), task_title=None, lang=turn.lang)]
        due = short_date(filed.occurrence.effective_due, turn.lang)
        if filed.already:
            at = filed.submission.submitted_at.astimezone(self.tz).strftime("%H:%M %d/%m/%Y")
            lines.append(turn.t(REPORT_ALREADY, at=at))
        else:
            lines.append(
                turn.t(REPORT_FILED_ON_TIME if filed.submission.on_time else REPORT_FILED_LATE, due=due)
            )
        turn.say("\n".join(lines))

    def _until(self, reminder: Reminder, wanted: Snooze, turn: Turn) -> dt.datetime:
        if wanted.until is not None:
            day = self.calendar.next_working_day(wanted.until)
            at = reminder.row.send_at.astimezone(self.tz).time()
            return dt.datetime.combine(day, at, tzinfo=self.tz).astimezone(dt.UTC)
        return turn.now + (wanted.delay or dt.timedelta(days=1))

    def _snooze(self, turn: Turn, person: Person, reminder: Reminder, until: dt.datetime) -> None:
        if until <= turn.now:
            until = turn.now + dt.timedelta(hours=1)
        snooze_reminder(turn.session, person, reminder.row, until, turn.now)
        local = until.astimezone(self.tz)
        when = f"{local:%H:%M} {long_date(local.date(), turn.lang)}"
        turn.say(turn.t(SNOOZED, task=shorten(reminder.title, 80), when=when))
