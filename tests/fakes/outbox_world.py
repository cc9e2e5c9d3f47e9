"""A small world for outbox tests and benchmarks: one plan, one task, its occurrences, people
with chat bindings, and outbox rows inserted directly (no planner involved).

    world = build_world(engine, people=300, occurrences=10, now=clock.now())
    ids = add_reminders(engine, world, send_at=clock.now())  # one row per (occurrence, person)

Nothing here reads the wall clock: every stamp is `now` or `send_at`, given by the caller (from the
clock the test passes to the code under test). Without `now`, the world is stamped `BUILT_AT`, a
fixed moment before its first deadline, and a row is stamped with its own `send_at`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.db import models as db

UNIT_NAME = "Sở Kế hoạch & Đầu tư <Thanh Hóa>"
TASK_TITLE = "Rà soát <quy hoạch> & báo cáo"
PLAN_TITLE = "Kế hoạch thực hiện Nghị quyết về cải cách hành chính năm 2017 của tỉnh Thanh Hóa"
BUILT_AT = dt.datetime(2017, 1, 15, 2, 0, tzinfo=dt.UTC)
"""When the world is stamped as made unless told otherwise (after its plan, before its deadlines)."""


@dataclass(frozen=True)
class World:
    task_id: int
    occurrence_ids: list[int]
    people: list[str]
    chats: dict[str, str]
    """person id → Telegram chat id."""


def build_world(
    engine: Engine,
    *,
    people: int = 3,
    occurrences: int = 1,
    first_due: dt.date = dt.date(2017, 6, 30),
    languages: Sequence[str] = ("vi",),
    bind: bool = True,
    channel: str = "telegram",
    now: dt.datetime = BUILT_AT,
) -> World:
    """`now`: when the units, plan, task, people, occurrences and chat bindings were made."""
    with Session(engine) as session:
        session.add(db.Unit(id="so-khdt", name=UNIT_NAME, created_at=now, updated_at=now))
        session.add(
            db.Plan(
                id="kh-04-2017",
                path="plans/kh-04-2017.yaml",
                issuer="UBND tỉnh Thanh Hóa",
                number="04/KH-UBND",
                issued=dt.date(2017, 1, 10),
                title=PLAN_TITLE,
                created_at=now,
                updated_at=now,
            )
        )
        session.flush()
        task = db.Task(
            plan_id="kh-04-2017",
            key="III.2.c",
            position=1,
            title=TASK_TITLE,
            lead_unit_id="so-khdt",
            created_at=now,
            updated_at=now,
        )
        session.add(task)
        person_ids = [f"p{i:04d}" for i in range(people)]
        for index, person_id in enumerate(person_ids):
            session.add(
                db.Person(
                    id=person_id,
                    name=f"Cán bộ {index}",
                    unit_id="so-khdt",
                    language=languages[index % len(languages)],
                    created_at=now,
                    updated_at=now,
                )
            )
        session.flush()
        assert task.id is not None
        occurrence_rows = []
        for index in range(occurrences):
            due = first_due + dt.timedelta(days=index)
            occurrence = db.Occurrence(
                key=f"task:{task.id}:{due.isoformat()}",
                plan_id="kh-04-2017",
                task_id=task.id,
                kind=db.OccurrenceKind.DEADLINE,
                due=due,
                effective_due=due,
                created_at=now,
                updated_at=now,
            )
            session.add(occurrence)
            occurrence_rows.append(occurrence)
        chats: dict[str, str] = {}
        if bind:
            for index, person_id in enumerate(person_ids):
                chats[person_id] = str(100_000 + index)
                session.add(
                    db.ChatBinding(
                        person_id=person_id, channel=channel, chat_id=chats[person_id], bound_at=now
                    )
                )
        session.commit()
        occurrence_ids = [o.id for o in occurrence_rows if o.id is not None]
        return World(task.id, occurrence_ids, person_ids, chats)


def add_reminders(
    engine: Engine,
    world: World,
    *,
    send_at: dt.datetime,
    kind: db.OutboxKind = db.OutboxKind.BEFORE,
    step: int = 3,
    occurrences: Sequence[int] | None = None,
    people: Sequence[str] | None = None,
    now: dt.datetime | None = None,
) -> list[int]:
    """One pending row per (occurrence, person), people varying fastest (round robin over chats).
    `now`: when the rows were made (`send_at` when not given)."""
    table: sa.Table = getattr(db.OutboxMessage, "__table__")  # noqa: B009
    created = send_at if now is None else now
    rows = []
    for occurrence_id in occurrences if occurrences is not None else world.occurrence_ids:
        for person_id in people if people is not None else world.people:
            rows.append(
                {
                    "idempotency_key": f"occ{occurrence_id}|{person_id}|{kind.value}:{step}",
                    "kind": kind,
                    "step": step,
                    "occurrence_id": occurrence_id,
                    "person_id": person_id,
                    "send_at": send_at,
                    "state": db.OutboxState.PENDING,
                    "next_attempt_at": send_at,
                    "attempts": 0,
                    "late": False,
                    "created_at": created,
                    "updated_at": created,
                }
            )
    with engine.begin() as connection:
        for start in range(0, len(rows), 500):
            connection.execute(sa.insert(table), rows[start : start + 500])
        found = (
            connection.execute(
                sa.select(table.c.id).where(table.c.idempotency_key.in_([r["idempotency_key"] for r in rows]))
            )
            if len(rows) <= 900
            else connection.execute(sa.select(table.c.id))
        )
        return sorted(row.id for row in found)


def outbox_rows(engine: Engine) -> list[sa.Row[tuple[object, ...]]]:
    table: sa.Table = getattr(db.OutboxMessage, "__table__")  # noqa: B009
    with engine.connect() as connection:
        return list(connection.execute(sa.select(table).order_by(table.c.id)))
