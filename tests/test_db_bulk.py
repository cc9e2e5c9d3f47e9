"""COPY on PostgreSQL (`bot.db.bulk`): rows land in order, with the columns' Python-side defaults,
duplicates are skipped where asked, and what a column must never hold is still refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.db import models as db
from bot.db.bulk import copy_rows, insert_new_rows
from bot.deadlines.model import Kind

pytestmark = pytest.mark.postgres
NOW = dt.datetime(2026, 3, 2, 1, tzinfo=dt.UTC)
STAMPS = {"created_at": NOW, "updated_at": NOW}


@pytest.fixture
def pg(postgres_database: str) -> Iterator[Engine]:
    from bot.db.engine import make_engine
    from bot.db.migrate import upgrade

    engine = make_engine(postgres_database)
    upgrade(engine)
    with Session(engine) as session, session.begin():
        session.execute(sa.insert(db.Unit.__table__), [{"id": "u", "name": "Sở", **STAMPS}])  # type: ignore[attr-defined]
        session.execute(
            sa.insert(db.Plan.__table__),  # type: ignore[attr-defined]
            [
                {
                    "id": "kh",
                    "path": "kh.yaml",
                    "issuer": "UBND",
                    "number": "1/KH",
                    "issued": dt.date(2026, 1, 2),
                    "title": "Kế hoạch",
                    **STAMPS,
                }
            ],
        )
    yield engine
    engine.dispose()


def task(key: str, **extra: object) -> dict[str, object]:
    return {
        "plan_id": "kh",
        "key": key,
        "position": int(key),
        "title": f"Việc {key}",
        "lead_unit_id": "u",
        "deadline_kind": Kind.NONE,
        "deadline_ambiguous": False,
        **STAMPS,
        **extra,
    }


def test_copy_rows_keeps_the_order_and_fills_python_side_defaults(pg: Engine) -> None:
    tasks = db.Task.__table__  # type: ignore[attr-defined]
    with Session(pg) as session, session.begin():
        assert copy_rows(session, tasks, [task(str(n)) for n in range(1, 6)]) == 5
    with pg.connect() as connection:
        rows = connection.execute(
            sa.select(tasks.c.id, tasks.c.key, tasks.c.status).order_by(tasks.c.id)
        ).all()
    assert [(key, status) for _, key, status in rows] == [
        (str(n), db.TaskStatus.NOT_STARTED) for n in range(1, 6)
    ]


def test_insert_new_rows_skips_duplicates_and_returns_the_new_ones_in_order(pg: Engine) -> None:
    occurrences = db.Occurrence.__table__  # type: ignore[attr-defined]
    tasks = db.Task.__table__  # type: ignore[attr-defined]
    with Session(pg) as session, session.begin():
        copy_rows(session, tasks, [task("1")])
        task_id = session.execute(sa.select(tasks.c.id)).scalar_one()

        def occurrence(day: int) -> dict[str, object]:
            due = dt.date(2026, 4, day)
            return {
                "key": f"task:{task_id}:{due}",
                "plan_id": "kh",
                "task_id": task_id,
                "kind": "deadline",
                "due": due,
                "effective_due": due,
                "state": "open",
                **STAMPS,
            }

        first, count = insert_new_rows(
            session, occurrences, [occurrence(d) for d in (3, 1, 2)], "key", ("key",)
        )
        assert (first, count) == (
            [
                (f"task:{task_id}:2026-04-03",),
                (f"task:{task_id}:2026-04-01",),
                (f"task:{task_id}:2026-04-02",),
            ],
            3,
        )
        again, count = insert_new_rows(session, occurrences, [occurrence(d) for d in (2, 4)], "key", ("key",))
        assert (again, count) == ([(f"task:{task_id}:2026-04-04",)], 1)


def test_a_naive_datetime_is_still_refused(pg: Engine) -> None:
    tasks = db.Task.__table__  # type: ignore[attr-defined]
    with Session(pg) as session, session.begin(), pytest.raises(ValueError, match="naive datetime"):
        copy_rows(session, tasks, [task("1", created_at=dt.datetime(2026, 3, 2, 1))])


def test_without_returning_a_duplicate_falls_back_to_skipping_it(pg: Engine) -> None:
    units = db.Unit.__table__  # type: ignore[attr-defined]
    with Session(pg) as session, session.begin():
        fresh = [{"id": f"p{n}", "name": f"Phòng {n}", **STAMPS} for n in range(3)]
        assert insert_new_rows(session, units, fresh, "id") == ([], 3)  # copied straight in
        again = [{"id": "p1", "name": "Trùng", **STAMPS}, {"id": "p9", "name": "Mới", **STAMPS}]
        assert insert_new_rows(session, units, again, "id") == ([], 1)  # the copy rolled back, then staged
        twice = [{"id": "q", "name": "Một", **STAMPS}, {"id": "q", "name": "Hai", **STAMPS}]
        assert insert_new_rows(session, units, twice, "id") == ([], 1)
        names = dict(session.execute(sa.select(units.c.id, units.c.name)).all())
    assert (names["p1"], names["p9"], names["q"]) == ("Phòng 1", "Mới", "Một")
