"""The scripted demo: a plan lived through on a simulated clock, in a throw-away SQLite file.

Each simulated working day runs what the bot runs every day — the planner's materialisation and
the delivery of the reminders due that day (claimed, rendered and marked sent in the outbox, as
the dispatcher does) — on the console channel. Scripted people answer some reminders through a
`Conversation`, one ignores its reminders (so overdue reminders and the escalation to the
leadership follow), and the weekly digest is printed at the end of each week.

The outbox's own dispatcher reads the wall clock, so the demo drives the same outbox steps with
the simulated time instead.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.channels.base import Channel
from bot.channels.events import Conversation, IncomingEvent
from bot.datefmt import short_date, weekday_name
from bot.db.engine import make_engine
from bot.db.migrate import upgrade
from bot.db.models import OccurrenceState, OutboxKind, OutboxState, Person, Task, TaskStatus, Unit
from bot.db.roles import Role
from bot.demo.messages import say
from bot.digest.queries import build_digest
from bot.digest.render import render_digest
from bot.outbox import claim as store
from bot.outbox.context import ReminderContext, choose_binding, load_contexts
from bot.outbox.render import render_reminder
from bot.people.invites import AttemptLimiter, create_invite, redeem_invite
from bot.plans.loader import LoadedPlan, Workspace, load_workspace
from bot.plans.sync import sync_workspace
from bot.reminders.materialize import materialize
from bot.schedules import load_schedule_defaults
from bot.workcal import WorkCalendar

BUILT_IN_DIR = Path(__file__).parent / "data"
BUILT_IN_PLAN = "kh-demo-2017"
BUILT_IN_START = dt.date(2017, 4, 3)
WORKER = "demo"
OFFICE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
LEASE = dt.timedelta(minutes=5)
MATERIALISE_AT = dt.time(7, 0)
DELIVER_UNTIL = dt.time(17, 0)
REPLY_AT = dt.time(9, 30)
NAME_LENGTH = 60
MAX_LEAD_UNITS = 8
"""A seed plan names dozens of units; the demo registers somebody in the first few only."""


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


@dataclass
class DemoResult:
    working_days: int = 0
    reminder_days: list[dt.date] = field(default_factory=list)
    reminders: int = 0
    escalations: int = 0
    replies: int = 0
    statuses: dict[str, TaskStatus] = field(default_factory=dict)
    """Task key → the status its scripted reply recorded."""
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class _Delivered:
    context: ReminderContext
    chat_id: str
    message_id: str


def load_demo_plan(options: DemoOptions) -> tuple[Workspace, LoadedPlan]:
    """The workspace holding just the demo's plan; raises `DemoError` (unknown plan, errors)."""
    if options.plan is None:
        path, folder = BUILT_IN_DIR / f"{BUILT_IN_PLAN}.yaml", BUILT_IN_DIR
    else:
        folder = options.plans_dir or BUILT_IN_DIR
        path = folder / f"{options.plan}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in folder.glob("*.yaml") if not p.stem.startswith("_"))) or "—"
        raise DemoError(say(options.lang, "no_plan", plan=options.plan, folder=folder, known=known))
    workspace = load_workspace([path], lang=options.lang)
    if workspace.errors or path.stem not in workspace.plans:
        problems = "\n".join(problem.format() for problem in workspace.errors[:10])
        raise DemoError(say(options.lang, "plan_errors", plan=path.stem, problems=problems))
    return workspace, workspace.plans[path.stem]


async def run_demo(
    options: DemoOptions,
    channel: Channel,
    *,
    print_line: Callable[[str], None],
    conversation: Callable[[Engine, ZoneInfo], Conversation],
    calendar: WorkCalendar | None = None,
    tz: ZoneInfo = OFFICE_TZ,
) -> DemoResult:
    """Run the scenario; `conversation` makes what answers the scripted replies."""
    if not 1 <= options.days <= 400:
        raise DemoError(say(options.lang, "bad_days", days=options.days))
    began = time.monotonic()
    workspace, loaded = load_demo_plan(options)
    start = options.start or (BUILT_IN_START if options.plan is None else loaded.plan.issued)
    calendar = calendar or WorkCalendar.default(options.lang)
    with tempfile.TemporaryDirectory(prefix="nhacviec-demo-") as folder:
        database = Path(folder) / "demo.db"
        print_line(
            say(
                options.lang,
                "intro",
                plan=loaded.id,
                start=short_date(start, options.lang),
                days=options.days,
                db=database,
            )
        )
        engine = make_engine(f"sqlite:///{database}")
        try:
            upgrade(engine)
            world = _World(
                engine, channel, loaded, calendar, tz, options, print_line, conversation(engine, tz)
            )
            world.set_up(workspace, start)
            for offset in range(options.days):
                day = start + dt.timedelta(days=offset)
                if not calendar.is_working_day(day):
                    continue
                shown = await world.live(day)
                if shown and options.pause:
                    await asyncio.sleep(options.pause)
                if _week_ends(day, calendar, start + dt.timedelta(days=options.days - 1)):
                    world.digest(day)
            world.result.seconds = time.monotonic() - began
            print_line(
                say(
                    options.lang,
                    "summary",
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
    following = calendar.next_working_day(day + dt.timedelta(days=1)) if calendar.is_working_day(day) else day
    return following > last or following.isocalendar()[:2] != day.isocalendar()[:2]


class _World:
    def __init__(
        self,
        engine: Engine,
        channel: Channel,
        loaded: LoadedPlan,
        calendar: WorkCalendar,
        tz: ZoneInfo,
        options: DemoOptions,
        print_line: Callable[[str], None],
        conversation: Conversation,
    ) -> None:
        self.engine = engine
        self.channel = channel
        self.loaded = loaded
        self.calendar = calendar
        self.tz = tz
        self.lang = options.lang
        self.print = print_line
        self.conversation = conversation
        self.defaults = load_schedule_defaults(lang=options.lang)
        self.result = DemoResult()
        self.task_rank: dict[str, int] = {}
        self.answered: set[tuple[int, OutboxKind | None]] = set()
        self.names: dict[str, str] = {}
        self.message_ids = itertools.count(1)

    def at(self, day: dt.date, moment: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, moment, self.tz).astimezone(dt.UTC)

    # --- setting up -----------------------------------------------------------------------------

    def set_up(self, workspace: Workspace, start: dt.date) -> None:
        now = self.at(start, MATERIALISE_AT)
        with Session(self.engine) as session, session.begin():
            sync_workspace(
                session, workspace, now, archive_missing_plans=False, calendar=self.calendar, lang=self.lang
            )
        self._register(now)

    def _register(self, now: dt.datetime) -> None:
        plan = self.loaded.plan
        units = list(dict.fromkeys(task.lead for task in plan.tasks if task.lead))[:MAX_LEAD_UNITS]
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
                self.names[chat_id] = person.name
                self.print(say(self.lang, "registered", name=person.name, unit=person.unit_id, chat=chat_id))

    # --- one simulated working day -----------------------------------------------------------------

    async def live(self, day: dt.date) -> bool:
        """Materialise, deliver what is due, play the script's replies; True when anything showed."""
        self.result.working_days += 1
        with Session(self.engine) as session, session.begin():
            materialize(
                session,
                self.at(day, MATERIALISE_AT),
                calendar=self.calendar,
                defaults=self.defaults,
                tz=self.tz,
                plan_ids=[self.loaded.id],
            )
        delivered = await self._deliver(day)
        if not delivered:
            return False
        self.result.reminder_days.append(day)
        for item in delivered:
            await self._play(item, day)
        return True

    async def _deliver(self, day: dt.date) -> list[_Delivered]:
        now = self.at(day, DELIVER_UNTIL)
        delivered: list[_Delivered] = []
        while claimed := store.claim(self.engine, WORKER, now, LEASE, 100):
            contexts = load_contexts(self.engine, [row.id for row in claimed])
            for row in claimed:
                context = contexts.get(row.id)
                if context is None:
                    continue
                if context.occurrence_state not in (None, OccurrenceState.OPEN):
                    store.mark_final(
                        self.engine,
                        row.id,
                        WORKER,
                        state=OutboxState.CANCELLED,
                        reason=f"occurrence {context.occurrence_state}",
                        now=now,
                    )
                    continue
                binding = choose_binding(context.bindings, [self.channel.name])
                if binding is None:
                    store.mark_final(
                        self.engine,
                        row.id,
                        WORKER,
                        state=OutboxState.FAILED,
                        reason="no chat on the console",
                        now=now,
                    )
                    continue
                if not delivered:
                    self.print("")
                    self.print(
                        say(
                            self.lang,
                            "day",
                            weekday=weekday_name(day, self.lang),
                            date=short_date(day, self.lang),
                        )
                    )
                days_left = self.calendar.working_days_between(day, context.due) if context.due else None
                message = render_reminder(context, days_left=days_left, html=False, buttons=False, tz=self.tz)
                sent = await self.channel.send(binding.chat_id, message)
                store.mark_sent(
                    self.engine,
                    row.id,
                    WORKER,
                    channel=self.channel.name,
                    chat_id=binding.chat_id,
                    message_id=sent.message_id,
                    now=now,
                )
                self.result.reminders += 1
                if context.kind is OutboxKind.ESCALATION:
                    self.result.escalations += 1
                delivered.append(_Delivered(context, binding.chat_id, sent.message_id))
        return delivered

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
            self.print(say(self.lang, "ignored", name=context.person_name, task=key))
        if line is None or (line.on is not None and (rank, line.on) in self.answered):
            return
        self.answered.add((rank, line.on))
        for minute, text in enumerate(line.texts):
            self.print(say(self.lang, "reply", name=context.person_name, text=text))
            event = IncomingEvent(
                channel=self.channel.name,
                chat_id=item.chat_id,
                message_id=f"demo-reply-{next(self.message_ids)}",
                received_at=self.at(day, REPLY_AT) + dt.timedelta(minutes=minute),
                user_id=item.chat_id,
                display_name=context.person_name,
                text=text,
                reply_to_message_id=item.message_id if line.quoted else None,
            )
            for reply in await self.conversation.handle(event):
                if reply.message.text.strip():
                    await self.channel.send(reply.chat_id or item.chat_id, reply.message)
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
        self.print("")
        self.print(say(self.lang, "digest", date=short_date(day, self.lang)))
        self.print(text)
