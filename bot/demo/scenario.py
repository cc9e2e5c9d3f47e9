"""The scripted demo: a plan lived through on a simulated clock, in a throw-away SQLite file.

The demo runs what the bot runs, on simulated time: a `SimulatedClock` walks through the days;
each working day the planner materialises the reminders, and at every moment where outbox rows
fall due the real `Dispatcher` (on that clock) sends them on the console channel (or the channel
it is given). Scripted people answer some reminders through the real conversation, one ignores
its reminders (so overdue reminders and the escalation to the leadership follow), and the weekly
digest is printed at the end of each week.

Every message that goes out is also handed to `on_message` as a `DemoMessage` (when, to whom,
what kind, the text): `nhacviec demo --json` prints them one per line so that tools can check
what people receive, and the tests count them.

Nothing here reads the wall clock for simulated time; `time.monotonic()` only measures how long
the run itself took.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.channels.base import Channel, OutgoingMessage, SentMessage
from bot.channels.events import Conversation, IncomingEvent
from bot.chat.conversation import ChatConversation
from bot.clock import SimulatedClock
from bot.datefmt import short_date, weekday_name
from bot.db.engine import make_engine
from bot.db.migrate import upgrade
from bot.db.models import Checkin, OutboxKind, OutboxMessage, OutboxState, Person, Task, TaskStatus, Unit
from bot.db.roles import Role
from bot.demo import messages as msg
from bot.digest.queries import build_digest
from bot.digest.render import render_digest
from bot.outbox.claim import next_due
from bot.outbox.context import ReminderContext, load_contexts
from bot.outbox.dispatcher import DispatchConfig, Dispatcher
from bot.people.invites import AttemptLimiter, create_invite, redeem_invite
from bot.plans.loader import LoadedPlan, Workspace, load_workspace
from bot.plans.sync import sync_workspace
from bot.reminders.materialize import materialize
from bot.schedules import ScheduleDefaults
from bot.settings import Settings
from bot.workcal import WorkCalendar

BUILT_IN_DIR = Path(__file__).parent / "data"
BUILT_IN_PLAN = "kh-demo-2017"
BUILT_IN_START = dt.date(2017, 4, 3)
WORKER = "demo"
MATERIALISE_AT = dt.time(7, 0)
REPLY_AT = dt.time(9, 30)
"""When the scripted people answer the day's reminders (or right after, when they come later)."""
NEXT_MESSAGE = dt.timedelta(minutes=1)
NAME_LENGTH = 60


class MessageKind(StrEnum):
    """What a message the demo sent is, for `nhacviec demo --json` (a contract: tools read it)."""

    CHECKIN = "checkin"
    """A person's reminders of one send slot (one item goes as its reminder: still the check-in)."""
    REPLY = "reply"
    """The conversation's answer to something a person wrote."""
    ESCALATION = "escalation"
    DIGEST = "digest"
    OTHER = "other"
    """A notice with its own text (a budget warning, a status changed by somebody else…)."""


@dataclass(frozen=True, slots=True)
class DemoMessage:
    """One message as its recipient gets it."""

    at: dt.datetime
    """When it was sent, in the office's time zone (simulated time)."""
    to: str
    """The person id."""
    kind: MessageKind
    text: str
    rows: int = 0
    """The outbox rows it carried (0: not from the outbox, a reply or the demo's digest); not in
    the JSON line: the benchmark compares it with one message per row."""

    def as_json(self) -> dict[str, str]:
        """The `--json` line: exactly `at`, `to`, `kind`, `text`."""
        return {"at": self.at.isoformat(), "to": self.to, "kind": self.kind.value, "text": self.text}


@dataclass(frozen=True, slots=True)
class ScriptLine:
    task: int
    """The task's rank in the order its first reminder arrived (0: the first task reminded)."""
    on: OutboxKind | None
    """Answer the reminder of this kind (None: the task's first reminder)."""
    texts: tuple[str, ...]
    """The messages the person sends, one after the other; a bare number picks the reminder's
    numbered choice (or answers the question just asked)."""
    quoted: bool = True
    """Sent as a reply to the reminder (Telegram); False: typed as new messages (Zalo, no quoting)."""


SCRIPT: tuple[ScriptLine, ...] = (
    ScriptLine(0, None, ("đang làm 50%",)),
    ScriptLine(0, OutboxKind.DUE, ("xong",)),
    ScriptLine(1, OutboxKind.DUE, ("1",), quoted=False),
    ScriptLine(2, None, ("vướng mắc: thiếu kinh phí",)),
    ScriptLine(4, OutboxKind.DUE, ("đã hoàn thành",)),
)
IGNORED_TASK = 3
"""The rank of the task nobody answers: it runs overdue and is escalated."""


class DemoError(Exception):
    """A mistake in the demo's options (an unknown plan, a plan with errors); the text says why."""


@dataclass(frozen=True, slots=True)
class DemoOptions:
    plan: str | None = None
    """A plan id in `plans_dir`; None: the built-in sample plan."""
    plans_dir: Path | None = None
    days: int = 91
    start: dt.date | None = None
    lang: str = "vi"
    pause: float = 0.0
    """Seconds to wait after each simulated day that had something to show."""


@dataclass(frozen=True, slots=True)
class DemoPlan:
    workspace: Workspace
    """The workspace holding just the demo's plan (and the directory it uses)."""
    loaded: LoadedPlan
    start: dt.date
    """The first simulated day: `DemoOptions.start`, else the sample plan's own week or the day
    the plan was issued."""


@dataclass
class DemoResult:
    working_days: int = 0
    reminder_days: list[dt.date] = field(default_factory=list)
    reminders: int = 0
    escalations: int = 0
    replies: int = 0
    statuses: dict[str, TaskStatus] = field(default_factory=dict)
    """Task key → the status its scripted reply recorded."""
    people: dict[str, str] = field(default_factory=dict)
    """Unit id → the person registered for it."""
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class _Delivered:
    context: ReminderContext
    chat_id: str
    message_id: str


def load_demo_plan(options: DemoOptions) -> DemoPlan:
    """The demo's plan and first day; raises `DemoError` (bad --days, unknown plan, errors)."""
    if not 1 <= options.days <= 400:
        raise DemoError(msg.render(options.lang, msg.BAD_DAYS, days=options.days))
    if options.plan is None:
        path, folder = BUILT_IN_DIR / f"{BUILT_IN_PLAN}.yaml", BUILT_IN_DIR
    else:
        folder = options.plans_dir or BUILT_IN_DIR
        path = folder / f"{options.plan}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in folder.glob("*.yaml") if not p.stem.startswith("_"))) or "—"
        raise DemoError(msg.render(options.lang, msg.NO_PLAN, plan=options.plan, folder=folder, known=known))
    workspace = load_workspace([path], lang=options.lang)
    if workspace.errors or path.stem not in workspace.plans:
        problems = "\n".join(problem.format() for problem in workspace.errors[:10])
        raise DemoError(msg.render(options.lang, msg.PLAN_ERRORS, plan=path.stem, problems=problems))
    loaded = workspace.plans[path.stem]
    start = options.start or (BUILT_IN_START if options.plan is None else loaded.plan.issued)
    return DemoPlan(workspace, loaded, start)


async def run_demo(
    options: DemoOptions,
    plan: DemoPlan,
    channel: Channel,
    *,
    clock: SimulatedClock,
    settings: Settings,
    calendar: WorkCalendar,
    defaults: ScheduleDefaults,
    config: DispatchConfig,
    print_line: Callable[[str], None],
    on_message: Callable[[DemoMessage], None] | None = None,
) -> DemoResult:
    """Run the scenario from the clock's day (in the office's time zone) for `options.days` days.

    The caller builds what the bot is built from (settings, calendar, schedule defaults, the
    dispatcher's config) and the simulated clock; the demo only moves that clock forward.
    `on_message` hears of every message sent, in the order they went."""
    began = time.monotonic()
    tz = settings.tz
    start = clock.today(tz)
    with tempfile.TemporaryDirectory(prefix="nhacviec-demo-") as folder:
        database = Path(folder) / "demo.db"
        print_line(
            msg.render(
                options.lang,
                msg.INTRO,
                plan=plan.loaded.id,
                start=short_date(start, options.lang),
                days=options.days,
                db=database,
            )
        )
        engine = make_engine(f"sqlite:///{database}")
        try:
            upgrade(engine)
            world = _World(
                engine,
                channel,
                plan.loaded,
                clock=clock,
                settings=settings,
                calendar=calendar,
                defaults=defaults,
                config=config,
                lang=options.lang,
                print_line=print_line,
                on_message=on_message,
            )
            world.set_up(plan.workspace, start)
            last = start + dt.timedelta(days=options.days - 1)
            for offset in range(options.days):
                day = start + dt.timedelta(days=offset)
                if calendar.is_working_day(day):
                    world.materialise(day)
                shown = await world.live(day)
                if shown and options.pause:
                    await asyncio.sleep(options.pause)
                if calendar.is_working_day(day) and _week_ends(day, calendar, last):
                    world.digest(day)
            world.result.seconds = time.monotonic() - began
            print_line(
                msg.render(
                    options.lang,
                    msg.SUMMARY,
                    working=world.result.working_days,
                    reminders=world.result.reminders,
                    escalations=world.result.escalations,
                    replies=world.result.replies,
                    seconds=world.result.seconds,
                )
            )
            return world.result
        finally:
            engine.dispose()


def _staff_name(session: Session, unit_id: str) -> str:
    unit = session.get(Unit, unit_id)
    return f"Cán bộ {unit.name if unit is not None else unit_id}"[:NAME_LENGTH]


def _week_ends(day: dt.date, calendar: WorkCalendar, last: dt.date) -> bool:
    """The last working day of its week, or of the demo."""
    following = calendar.next_working_day(day + dt.timedelta(days=1))
    return following > last or following.isocalendar()[:2] != day.isocalendar()[:2]


class _Watched:
    """The demo's channel as the dispatcher sees it: says which day it is before the day's first
    message and remembers what went out, so that the script can answer it."""

    def __init__(self, channel: Channel, header: Callable[[dt.date], None], clock: SimulatedClock) -> None:
        self.channel = channel
        self.header = header
        self.clock = clock
        self.day: dt.date | None = None
        self.announced: dt.date | None = None
        self.sent: list[tuple[str, str]] = []
        """(chat id, message id) of every message sent, in order."""
        self.texts: list[tuple[dt.datetime, str]] = []
        """When each of `sent` went and its text (same order)."""

    @property
    def name(self) -> str:
        return self.channel.name

    @property
    def max_length(self) -> int:
        return self.channel.max_length

    @property
    def supports_buttons(self) -> bool:
        return self.channel.supports_buttons

    async def start(self) -> None:
        await self.channel.start()

    async def send(self, chat_id: str, message: OutgoingMessage) -> SentMessage:
        if self.day is not None and self.announced != self.day:
            self.announced = self.day
            self.header(self.day)
        sent = await self.channel.send(chat_id, message)
        self.sent.append((chat_id, sent.message_id))
        self.texts.append((self.clock.now(), message.text))
        return sent

    async def close(self) -> None:
        await self.channel.close()


class _World:
    def __init__(
        self,
        engine: Engine,
        channel: Channel,
        loaded: LoadedPlan,
        *,
        clock: SimulatedClock,
        settings: Settings,
        calendar: WorkCalendar,
        defaults: ScheduleDefaults,
        config: DispatchConfig,
        lang: str,
        print_line: Callable[[str], None],
        on_message: Callable[[DemoMessage], None] | None = None,
    ) -> None:
        self.engine = engine
        self.channel = channel
        self.loaded = loaded
        self.clock = clock
        self.settings = settings
        self.calendar = calendar
        self.defaults = defaults
        self.tz = settings.tz
        self.lang = lang
        self.print = print_line
        self.on_message = on_message
        self.people: dict[str, str] = {}
        """Unit id → the person registered for it."""
        self.chats: dict[str, str] = {}
        """Chat id → person id."""
        self.conversation: Conversation = ChatConversation(
            engine,
            tz=self.tz,
            calendar=calendar,
            cycles=defaults.cycles,
            templates=settings.templates_dir,
            default_lang=lang,
        )
        self.watched = _Watched(channel, self._header, clock)
        self.dispatcher = Dispatcher(
            engine,
            {channel.name: self.watched},
            clock=clock,
            calendar=calendar,
            tz=self.tz,
            config=config,
            worker=WORKER,
        )
        self.result = DemoResult()
        self.task_rank: dict[str, int] = {}
        self.answered: set[tuple[int, OutboxKind | None]] = set()
        self.message_ids = itertools.count(1)

    def at(self, day: dt.date, moment: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, moment, self.tz)

    def _move_to(self, moment: dt.datetime) -> None:
        """Simulated time only goes forward: a moment already passed is now."""
        self.clock.set(max(moment, self.clock.now()))

    # --- setting up -----------------------------------------------------------------------------

    def set_up(self, workspace: Workspace, start: dt.date) -> None:
        self._move_to(self.at(start, MATERIALISE_AT))
        now = self.clock.now()
        with Session(self.engine) as session, session.begin():
            sync_workspace(
                session, workspace, now, archive_missing_plans=False, calendar=self.calendar, lang=self.lang
            )
        self._register(now)

    def _register(self, now: dt.datetime) -> None:
        plan = self.loaded.plan
        # Everybody who leads a task: the demo shows what each of them would receive.
        units = list(dict.fromkeys(task.lead for task in plan.tasks if task.lead))
        wanted = [(unit, Role.STAFF) for unit in units]
        if plan.monitor and plan.monitor not in units:
            wanted.append((plan.monitor, Role.CHIEF))
        limiter = AttemptLimiter()
        with Session(self.engine) as session, session.begin():
            for unit_id, role in wanted:
                listed = session.exec(
                    select(Person)
                    .where(Person.unit_id == unit_id, Person.archived_at == None)  # noqa: E711
                    .order_by(Person.id)
                ).first()
                if listed is not None:
                    invite = create_invite(session, unit_id=None, role=None, person_id=listed.id, now=now)
                else:
                    invite = create_invite(
                        session, unit_id=unit_id, role=role, name=_staff_name(session, unit_id), now=now
                    )
                chat_id = invite.invite.person_id
                person = redeem_invite(
                    session,
                    code=invite.code,
                    channel=self.channel.name,
                    chat_id=chat_id,
                    user_id=chat_id,
                    display_name=None,
                    now=now,
                    limiter=limiter,
                )
                person.language = self.lang  # the demo's people read the language it was run in
                self.people[unit_id] = person.id
                self.result.people[unit_id] = person.id
                self.chats[chat_id] = person.id
                self.print(
                    msg.render(self.lang, msg.REGISTERED, name=person.name, unit=person.unit_id, chat=chat_id)
                )

    # --- one simulated day ------------------------------------------------------------------------

    def materialise(self, day: dt.date) -> None:
        """The planner's daily run, as `nhacviec run` does it (for the demo's plan only)."""
        self.result.working_days += 1
        self._move_to(self.at(day, MATERIALISE_AT))
        with Session(self.engine) as session, session.begin():
            materialize(
                session,
                self.clock.now(),
                calendar=self.calendar,
                defaults=self.defaults,
                tz=self.tz,
                horizon_months=self.settings.horizon_months,
                plan_ids=[self.loaded.id],
            )

    async def live(self, day: dt.date) -> bool:
        """Through `day`: at each moment rows fall due, the dispatcher sends them and the script
        answers what it sent; True when anything showed."""
        self.watched.day = day
        end = self.at(day + dt.timedelta(days=1), dt.time(0))
        shown = False
        dispatched_at: dt.datetime | None = None
        while (due := next_due(self.engine)) is not None and due < end:
            self._move_to(due)
            if self.clock.now() == dispatched_at:  # nothing moved at this moment: let time pass
                self.clock.advance(NEXT_MESSAGE)
                continue
            dispatched_at = self.clock.now()
            delivered = await self._dispatch()
            if delivered:
                shown = True
                for item in delivered:
                    await self._play(item, day)
        if shown:
            self.result.reminder_days.append(day)
        return shown

    async def _dispatch(self) -> list[_Delivered]:
        """The real dispatcher, until nothing is due at the clock's now; what it sent, in order."""
        before = len(self.watched.sent)
        await self.dispatcher.run(until_idle=True)
        sent = self.watched.sent[before:]
        if not sent:
            return []
        self._tell(sent, self.watched.texts[before:])
        rows = self._sent_rows(sent)
        contexts = load_contexts(self.engine, list(rows.values()))
        delivered = []
        for chat_id, message_id in sent:
            row_id = rows.get((chat_id, message_id))
            context = contexts.get(row_id) if row_id is not None else None
            if context is None:
                continue
            delivered.append(_Delivered(context, chat_id, message_id))
            self.result.reminders += 1
            if context.kind is OutboxKind.ESCALATION:
                self.result.escalations += 1
        return delivered

    def _emit(self, at: dt.datetime, chat_id: str, kind: MessageKind, text: str, rows: int = 0) -> None:
        if self.on_message is not None:
            to = self.chats.get(chat_id, chat_id)
            self.on_message(DemoMessage(at.astimezone(self.tz), to, kind, text, rows))

    def _tell(self, sent: Sequence[tuple[str, str]], texts: Sequence[tuple[dt.datetime, str]]) -> None:
        """Hand the dispatcher's messages to `on_message`, each with its kind (read from the rows
        it carried: their check-in, else their own kind)."""
        if self.on_message is None:
            return
        kinds: dict[tuple[str, str], MessageKind] = {}
        carried: Counter[tuple[str, str]] = Counter()
        with Session(self.engine) as session:
            rows = session.exec(
                select(OutboxMessage).where(
                    OutboxMessage.channel == self.channel.name,
                    col(OutboxMessage.sent_message_id).in_({message_id for _, message_id in sent}),
                )
            ).all()
            grouped = {row.checkin_id for row in rows if row.checkin_id is not None}
            checkins = {
                checkin.id: checkin.kind
                for checkin in session.exec(select(Checkin).where(col(Checkin.id).in_(grouped))).all()
            }
        for row in rows:
            if row.chat_id is None or row.sent_message_id is None:
                continue
            if row.checkin_id is not None:
                kind = MessageKind(checkins.get(row.checkin_id, MessageKind.CHECKIN))
            elif row.kind is OutboxKind.ESCALATION:
                kind = MessageKind.ESCALATION
            elif row.kind is OutboxKind.DIGEST:
                kind = MessageKind.DIGEST
            elif "text" in (row.payload or {}):
                kind = MessageKind.OTHER
            else:
                kind = MessageKind.CHECKIN
            kinds[(row.chat_id, row.sent_message_id)] = kind
            carried[(row.chat_id, row.sent_message_id)] += 1
        for (chat_id, message_id), (at, text) in zip(sent, texts, strict=True):
            key = (chat_id, message_id)
            self._emit(at, chat_id, kinds.get(key, MessageKind.OTHER), text, carried[key])

    def _sent_rows(self, sent: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """(chat id, message id) → the outbox row marked sent with it."""
        with Session(self.engine) as session:
            rows = session.exec(
                select(OutboxMessage).where(
                    OutboxMessage.state == OutboxState.SENT,
                    OutboxMessage.channel == self.channel.name,
                    col(OutboxMessage.sent_message_id).in_({message_id for _, message_id in sent}),
                )
            ).all()
        wanted = set(sent)
        return {
            (row.chat_id, row.sent_message_id): row.id
            for row in rows
            if row.id is not None
            and row.chat_id is not None
            and row.sent_message_id is not None
            and (row.chat_id, row.sent_message_id) in wanted
        }

    def _reply_moment(self, day: dt.date, *, first: bool) -> dt.datetime:
        """An answer starts at `REPLY_AT` (or now, if later); each further message of it comes a
        minute after the one before."""
        if first:
            self._move_to(self.at(day, REPLY_AT))
        else:
            self.clock.advance(NEXT_MESSAGE)
        return self.clock.now()

    def _header(self, day: dt.date) -> None:
        self.print("")
        self.print(
            msg.render(
                self.lang, msg.DAY, weekday=weekday_name(day, self.lang), date=short_date(day, self.lang)
            )
        )

    async def _play(self, item: _Delivered, day: dt.date) -> None:
        context = item.context
        if context.kind is OutboxKind.ESCALATION or context.subject is None or context.subject.kind != "task":
            return
        key = context.subject.key
        rank = self.task_rank.setdefault(key, len(self.task_rank))
        first = (rank, None) not in self.answered
        line = next(
            (s for s in SCRIPT if s.task == rank and (s.on is context.kind or (s.on is None and first))),
            None,
        )
        self.answered.add((rank, None))
        if rank == IGNORED_TASK and first:
            self.print(msg.render(self.lang, msg.IGNORED, name=context.person_name, task=key))
        if line is None or (line.on is not None and (rank, line.on) in self.answered):
            return
        self.answered.add((rank, line.on))
        for index, text in enumerate(line.texts):
            self.print(msg.render(self.lang, msg.REPLY, name=context.person_name, text=text))
            event = IncomingEvent(
                channel=self.channel.name,
                chat_id=item.chat_id,
                message_id=f"demo-reply-{next(self.message_ids)}",
                received_at=self._reply_moment(day, first=index == 0),
                user_id=item.chat_id,
                display_name=context.person_name,
                text=text,
                reply_to_message_id=item.message_id if line.quoted else None,
            )
            for reply in await self.conversation.handle(event):
                if reply.message.text.strip():
                    chat_id = reply.chat_id or item.chat_id
                    await self.channel.send(chat_id, reply.message)
                    self._emit(self.clock.now(), chat_id, MessageKind.REPLY, reply.message.text)
        self.result.replies += 1
        self.result.statuses[key] = self._status_of(key)

    def _status_of(self, key: str) -> TaskStatus:
        with Session(self.engine) as session:
            task = session.exec(select(Task).where(Task.plan_id == self.loaded.id, Task.key == key)).one()
            return task.status

    def digest(self, day: dt.date) -> None:
        with Session(self.engine) as session:
            digest = build_digest(session, [self.loaded.id], as_of=day, tz=self.tz, calendar=self.calendar)
            text = render_digest(digest, lang=self.lang, tz=self.tz)
        # The weekly digest goes to the office that follows the plan (its person in the demo).
        monitor = self.loaded.plan.monitor
        reader = self.people.get(monitor) if monitor else None
        if reader is not None:
            self._emit(self.clock.now(), reader, MessageKind.DIGEST, text)
        self.print("")
        self.print(msg.render(self.lang, msg.DIGEST, date=short_date(day, self.lang)))
        self.print(text)
