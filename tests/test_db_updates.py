"""Status history and timestamps, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from bot.db.labels import status_label
from bot.db.models import Plan, Task, TaskStatus, TaskUpdate, Unit
from bot.db.updates import record_update

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)


def make_task(session: Session) -> Task:
    session.add(Unit(id="so-ct", name="Sở Công Thương", created_at=NOW, updated_at=NOW))
    session.add(
        Plan(
            id="kh",
            path="plans/kh.yaml",
            issuer="UBND tỉnh",
            number="1/KH",
            issued=dt.date(2017, 1, 10),
            title="Kế hoạch",
            created_at=NOW,
            updated_at=NOW,
        )
    )
    session.flush()
    task = Task(
        plan_id="kh", key="1", position=1, title="Việc", lead_unit_id="so-ct", created_at=NOW, updated_at=NOW
    )
    session.add(task)
    session.flush()
    return task


def test_the_latest_update_is_the_current_status(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        task = make_task(session)
        record_update(session, task, TaskStatus.IN_PROGRESS, at=NOW, source="telegram", percent=30)
        record_update(
            session,
            task,
            TaskStatus.DONE,
            at=NOW + dt.timedelta(days=2),
            source="zalo",
            percent=100,
            note="Đã trình UBND tỉnh",
        )
        # A message that arrives late joins the history without hiding the newer status.
        record_update(session, task, TaskStatus.BLOCKED, at=NOW + dt.timedelta(days=1), source="telegram")
        task_id = task.id

    with Session(engine) as session:
        stored = session.get(Task, task_id)
        assert stored is not None
        assert (stored.status, stored.status_percent) == (TaskStatus.DONE, 100)
        assert stored.status_at == NOW + dt.timedelta(days=2)
        history = session.exec(select(TaskUpdate.status).order_by(col(TaskUpdate.at))).all()
        assert history == [TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED, TaskStatus.DONE]
        # What the digest will do: count tasks per status in SQL, from the maintained column.
        per_status = dict(session.exec(select(Task.status, func.count()).group_by(Task.status)).all())
        assert per_status == {TaskStatus.DONE: 1}


def test_status_codes_are_stable_english_words_in_the_database(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        task = make_task(session)
        record_update(session, task, TaskStatus.BLOCKED, at=NOW, source="cli")
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT status FROM task_updates")).scalar_one() == "blocked"
        assert connection.execute(sa.text("SELECT status FROM tasks")).scalar_one() == "blocked"
    assert [status_label(status, "vi") for status in TaskStatus] == [
        "chưa thực hiện",
        "đang thực hiện",
        "hoàn thành",
        "vướng mắc",
    ]


def test_percent_outside_0_to_100_is_refused(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        task = make_task(session)
        with pytest.raises(ValueError, match="percent"):
            record_update(session, task, TaskStatus.IN_PROGRESS, at=NOW, source="cli", percent=120)
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
        connection.execute(sa.text("UPDATE tasks SET status_percent = 101"))


def test_timestamps_come_back_as_aware_utc(engine: Engine) -> None:
    local = dt.datetime(2026, 11, 20, 9, 30, 15, 123456, tzinfo=HANOI)
    with Session(engine) as session, session.begin():
        task = make_task(session)
        record_update(session, task, TaskStatus.IN_PROGRESS, at=local, source="cli")
    with Session(engine) as session:
        at = session.exec(select(TaskUpdate.at)).one()
    assert at == local and at.utcoffset() == dt.timedelta(0)
    assert (at.hour, at.microsecond) == (2, 123456)


def test_naive_timestamps_are_refused(engine: Engine) -> None:
    with pytest.raises(sa.exc.StatementError, match="naive datetime"), Session(engine) as session:
        session.add(Unit(id="x", name="X", created_at=dt.datetime(2026, 1, 1), updated_at=NOW))
        session.flush()
