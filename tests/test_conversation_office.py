"""The office the conversation tests talk to (helpers shared by the conversation and Telegram tests).

Kế hoạch 04/KH-UBND (cut down, `tests/data/sync/v1`): tasks III.1.a (Sở Công Thương leads, Sở KH&ĐT
and Sở Tài chính support), III.1.b and III.1.c (Sở KH&ĐT), III.2.-1 (Văn phòng UBND); report IV.2
from Sở Công Thương and Sở KH&ĐT. Nguyễn Văn A is the chief of the office and the digest recipient.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot import paths
from bot.channels.events import IncomingEvent, Reply
from bot.db.models import (
    ChatBinding,
    Occurrence,
    OccurrenceKind,
    OutboxKind,
    OutboxMessage,
    OutboxState,
    Person,
    Plan,
    ReportingObligation,
    Task,
    TaskUpdate,
)
from bot.people import AttemptLimiter, create_invite, redeem_invite
from bot.plans.loader import load_workspace
from bot.plans.sync import sync_workspace
from bot.schedules import load_schedule_defaults
from bot.workcal import WorkCalendar

PLAN_V1 = Path(__file__).parent / "data" / "sync" / "v1"
NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)
"""Friday 20/11/2026, 09:00 in Hà Nội."""
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CALENDAR = WorkCalendar()
CYCLES = load_schedule_defaults(paths.SCHEDULES_DIR).cycles


@dataclass
class Office:
    engine: Engine

    def bind(
        self,
        chat: str,
        *,
        unit: str = "so-khdt",
        role: str = "staff",
        name: str = "Khdt",
        lang: str = "vi",
        person_id: str | None = None,
        channel: str = "telegram",
    ) -> str:
        """A person of `unit` registered from `channel`'s chat `chat`; returns their id."""
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            code = create_invite(
                session,
                unit_id=None if person_id else unit,
                role=None if person_id else role,
                name=None if person_id else name,
                person_id=person_id,
                now=NOW,
            ).code
            person = redeem_invite(
                session,
                code=code,
                channel=channel,
                chat_id=chat,
                user_id=chat,
                display_name=name,
                now=NOW,
                limiter=AttemptLimiter(),
            )
            person.language = lang
            return person.id

    def invite(
        self,
        *,
        unit: str = "so-khdt",
        role: str = "staff",
        name: str = "Mới",
        now: dt.datetime = NOW,
        ttl_days: int = 7,
    ) -> str:
        with Session(self.engine) as session, session.begin():
            return create_invite(session, unit_id=unit, role=role, name=name, now=now, ttl_days=ttl_days).code

    def task(self, key: str) -> Task:
        with Session(self.engine) as session:
            return session.exec(select(Task).where(Task.key == key)).one()

    def occurrence(
        self, key: str | None = None, *, report: str | None = None, due: dt.date | None = None
    ) -> int:
        """The open deadline occurrence of task `key` (or of report `report`, due `due`)."""
        with Session(self.engine) as session, session.begin():
            if report is not None:
                obligation = session.exec(
                    select(ReportingObligation).where(ReportingObligation.key == report)
                ).one()
                assert due is not None
                subject: dict[str, int | None] = {"reporting_id": obligation.id}
                plan_id, kind = obligation.plan_id, OccurrenceKind.REPORT
                occ_key = f"report:{obligation.id}:{due}"
            else:
                task = session.exec(select(Task).where(Task.key == key)).one()
                due = due or task.due or dt.date(2026, 12, 31)
                subject, plan_id, kind = {"task_id": task.id}, task.plan_id, OccurrenceKind.DEADLINE
                occ_key = f"task:{task.id}:{due}"
            found = session.exec(select(Occurrence).where(Occurrence.key == occ_key)).first()
            if found is None:
                found = Occurrence(
                    key=occ_key,
                    plan_id=plan_id,
                    kind=kind,
                    due=due,
                    effective_due=CALENDAR.effective_deadline(due),
                    created_at=NOW,
                    updated_at=NOW,
                    **subject,
                )
                session.add(found)
                session.flush()
            assert found.id is not None
            return found.id

    def reminder(
        self,
        person_id: str,
        chat: str,
        *,
        key: str | None = "III.1.b",
        report: str | None = None,
        due: dt.date | None = None,
        message_id: str = "500",
        state: OutboxState = OutboxState.SENT,
        sent_at: dt.datetime = NOW - dt.timedelta(hours=1),
        channel: str = "telegram",
    ) -> int:
        """A reminder of the occurrence, already sent to `chat` as message `message_id`."""
        occurrence_id = self.occurrence(key, report=report, due=due)
        with Session(self.engine) as session, session.begin():
            row = OutboxMessage(
                idempotency_key=f"occ{occurrence_id}|{person_id}|due:0|{message_id}",
                kind=OutboxKind.DUE,
                occurrence_id=occurrence_id,
                person_id=person_id,
                send_at=sent_at,
                next_attempt_at=sent_at,
                state=state,
                sent_at=sent_at if state is OutboxState.SENT else None,
                channel=channel if state is OutboxState.SENT else None,
                chat_id=chat if state is OutboxState.SENT else None,
                sent_message_id=message_id if state is OutboxState.SENT else None,
                created_at=sent_at,
                updated_at=sent_at,
            )
            session.add(row)
            session.flush()
            assert row.id is not None
            return row.id

    def add_tasks(self, count: int, *, about: str = "về chuyển đổi số", late: bool = False) -> None:
        """`count` more tasks of Sở KH&ĐT after the plan's own, keyed V.1, V.2…, titled «Nhiệm vụ
        thêm số N `about`»; `late`: each with a deadline that has passed (V.1 the longest ago)."""
        with Session(self.engine) as session, session.begin():
            plan = session.exec(select(Plan)).first()
            assert plan is not None
            last = session.exec(select(Task).order_by(col(Task.position).desc())).first()
            start = (last.position if last is not None else 0) + 1
            for number in range(count):
                due = NOW.date() - dt.timedelta(days=30 - number) if late else None
                session.add(
                    Task(
                        plan_id=plan.id,
                        key=f"V.{number + 1}",
                        position=start + number,
                        title=f"Nhiệm vụ thêm số {number + 1} {about}",
                        lead_unit_id="so-khdt",
                        due=due,
                        effective_due=due,
                        created_at=NOW,
                        updated_at=NOW,
                    )
                )

    def updates(self) -> list[TaskUpdate]:
        with Session(self.engine) as session:
            return list(session.exec(select(TaskUpdate).order_by(TaskUpdate.id)).all())  # type: ignore[arg-type]

    def person_by_chat(self, chat: str) -> str:
        with Session(self.engine) as session:
            return session.exec(select(ChatBinding.person_id).where(ChatBinding.chat_id == chat)).one()

    def person(self, person_id: str) -> Person:
        with Session(self.engine) as session:
            found = session.get(Person, person_id)
            assert found is not None
            return found

    def row(self, outbox_id: int) -> OutboxMessage:
        with Session(self.engine) as session:
            found = session.get(OutboxMessage, outbox_id)
            assert found is not None
            return found


def build_office(engine: Engine) -> Office:
    workspace = load_workspace([PLAN_V1])
    assert workspace.errors == []
    with Session(engine) as session, session.begin():
        sync_workspace(session, workspace, NOW - dt.timedelta(days=30), calendar=CALENDAR)
    return Office(engine)


_message_ids = iter(range(10_000, 1_000_000))


def event(
    chat: str, text: str | None = None, *, channel: str = "telegram", at: dt.datetime = NOW, **fields: object
) -> IncomingEvent:
    values: dict[str, object] = {"user_id": chat, "display_name": "Trần Thị B", "text": text, **fields}
    values.setdefault("message_id", str(next(_message_ids)))
    return IncomingEvent(channel=channel, chat_id=chat, received_at=at, **values)  # type: ignore[arg-type]


def texts(replies: list[Reply]) -> str:
    """The replies' texts, one after the other."""
    return "\n".join(reply.message.text for reply in replies if reply.message.text)
