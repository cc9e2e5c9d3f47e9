"""The dashboard's pages at province scale, on SQLite and PostgreSQL, over real HTTP.

Run: `.venv/bin/python benchmarks/web_pages.py [--copies 100] [--rounds 7]
[--databases sqlite,postgresql] [--postgres-url URL]`

Builds the province of `benchmarks/sync.py` (every seed plan of `plans/` copied `--copies` times:
100 copies are 25,700 tasks) with `plans sync`'s own code, then gives about two tasks in three a
status (done on time, done late, in progress, blocked) with an update each, a few tasks a long
history, and the chief a digest in the archive. The application is served by uvicorn on a
loopback port on a simulated clock; a chief and a staff member sign in with one-time links, and
each page is fetched `--rounds` times: the median and the slowest are printed, per database.

Target (issue #14): every page under 300 ms. The workbook download (every task of every plan,
what the digest sends) is timed too, for information: it is not a page.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from _support import DATABASES, build_province, database, label, postgres_server, postgres_unreachable  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from bot.clock import SimulatedClock  # noqa: E402
from bot.db.engine import make_engine  # noqa: E402
from bot.db.migrate import upgrade  # noqa: E402
from bot.db.models import (  # noqa: E402
    OutboxKind,
    OutboxMessage,
    OutboxState,
    Person,
    Plan,
    Task,
    TaskStatus,
    TaskUpdate,
)
from bot.db.roles import Role  # noqa: E402
from bot.engine.root import Root  # noqa: E402
from bot.plans.loader import load_workspace  # noqa: E402
from bot.plans.sync import sync_workspace  # noqa: E402
from bot.reminders.materialize import extend_horizon  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.web.app import create_app  # noqa: E402
from bot.web.links import new_sign_in_url  # noqa: E402
from bot.web.server import WebServer  # noqa: E402
from bot.workcal import WorkCalendar  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=TZ)
TARGET_MS = 300.0
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def populate(url: str, plans_dir: Path) -> tuple[int, int]:
    """Sync the province, then statuses and updates; (tasks, updates)."""
    engine = make_engine(url)
    upgrade(engine)
    calendar = WorkCalendar()
    workspace = load_workspace([plans_dir])
    assert not workspace.errors, workspace.errors[:3]
    synced = dt.datetime(2026, 1, 15, 2, 0, tzinfo=dt.UTC)
    with Session(engine) as session, session.begin():
        sync_workspace(session, workspace, synced, calendar=calendar)
    # The deadlines' occurrences, as the engine keeps them (13 months from the sync): a recurring
    # task's due date on the pages is its earliest open period.
    root = Root.build(Settings(_env_file=None, database_url=url), SimulatedClock(synced), "vi")  # type: ignore[call-arg]
    with Session(engine) as session, session.begin():
        extend_horizon(
            session, synced, calendar=root.calendar, defaults=root.defaults, tz=TZ, horizon_months=13
        )
    rng = random.Random(20261120)
    tasks_table = Task.__table__  # type: ignore[attr-defined]
    updates_table = TaskUpdate.__table__  # type: ignore[attr-defined]
    people_table = Person.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        rows = connection.execute(sa.select(tasks_table.c.id, tasks_table.c.effective_due)).all()
        # The seed directory has units only: a chief, and a staff member of the unit that leads the
        # most tasks (the largest "their unit" there is).
        busiest = connection.execute(
            sa.select(tasks_table.c.lead_unit_id)
            .where(tasks_table.c.lead_unit_id.is_not(None))
            .group_by(tasks_table.c.lead_unit_id)
            .order_by(sa.func.count().desc())
            .limit(1)
        ).scalar_one()
        for person_id, name, role in (
            ("bench-chief", "Chánh Văn phòng", Role.CHIEF),
            ("bench-staff", "Cán bộ", Role.STAFF),
        ):
            connection.execute(
                people_table.insert().values(
                    id=person_id,
                    name=name,
                    unit_id=busiest,
                    role=role.value,
                    language="vi",
                    origin="invite",
                    created_at=synced,
                    updated_at=synced,
                )
            )
        people = ["bench-chief", "bench-staff"]
        statuses, history = [], []
        for task_id, due in rows:
            pick = rng.random()
            if pick > 0.66:
                continue
            status = (
                TaskStatus.DONE
                if pick < 0.35
                else TaskStatus.IN_PROGRESS
                if pick < 0.6
                else TaskStatus.BLOCKED
            )
            base = due or dt.date(2026, 6, 30)
            day = base + dt.timedelta(days=rng.randint(-40, 20))
            at = min(dt.datetime.combine(day, dt.time(9), tzinfo=TZ), NOW - dt.timedelta(hours=1))
            percent = 100 if status is TaskStatus.DONE else rng.choice((10, 30, 50, 70))
            author = rng.choice(people) if people else None
            statuses.append({"b_id": task_id, "b_status": status.value, "b_at": at, "b_percent": percent})
            steps = 12 if task_id % 500 == 0 else 1  # a few tasks with a long history
            for step in range(steps):
                history.append(
                    {
                        "task_id": task_id,
                        "author_person_id": author,
                        "at": at - dt.timedelta(days=steps - 1 - step),
                        "status": status.value,
                        "percent": percent,
                        "note": "Đã triển khai, đang tổng hợp kết quả" if step % 2 else None,
                        "source": "telegram",
                    }
                )
        connection.execute(
            tasks_table.update()
            .where(tasks_table.c.id == sa.bindparam("b_id"))
            .values(
                status=sa.bindparam("b_status"),
                status_at=sa.bindparam("b_at"),
                status_percent=sa.bindparam("b_percent"),
            ),
            statuses,
        )
        connection.execute(updates_table.insert(), history)
        plan_ids = [row[0] for row in connection.execute(sa.select(Plan.__table__.c.id).limit(5))]  # type: ignore[attr-defined]
        chief = connection.execute(
            sa.select(Person.__table__.c.id).where(Person.__table__.c.role == Role.CHIEF.value).limit(1)  # type: ignore[attr-defined]
        ).scalar_one()
        sent = NOW - dt.timedelta(hours=2)
        connection.execute(
            OutboxMessage.__table__.insert(),  # type: ignore[attr-defined]
            [
                {
                    "idempotency_key": f"digest|{chief}|bench",
                    "kind": OutboxKind.DIGEST.value,
                    "step": 0,
                    "person_id": chief,
                    "payload": {"as_of": NOW.date().isoformat(), "plans": plan_ids},
                    "send_at": sent,
                    "next_attempt_at": sent,
                    "state": OutboxState.SENT.value,
                    "attempts": 1,
                    "late": False,
                    "sent_at": sent,
                    "created_at": sent,
                    "updated_at": sent,
                }
            ],
        )
    if engine.dialect.name == "postgresql":
        # Fresh tables have no statistics yet (autovacuum would gather them within a minute on a
        # live server): without them the planner guesses a few hundred tasks, not 25,700.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
    engine.dispose()
    return len(rows), len(history)


def serve_child(url: str) -> None:
    """`--serve URL`: the application on a loopback port in this process's own event loop (as
    `nhacviec web` runs it), on the simulated clock; says its port, serves until stdin closes."""
    engine = make_engine(url)
    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    app = create_app(engine, settings=settings, clock=SimulatedClock(NOW), calendar=WorkCalendar())

    async def main() -> None:
        server = WebServer(app, "127.0.0.1", 0)
        await server.start()
        print(server.port, flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        await server.stop()

    asyncio.run(main())
    engine.dispose()


@contextmanager
def served(url: str, clock: SimulatedClock) -> Iterator[tuple[str, sa.engine.Engine]]:
    """The server in a child process: the pages are timed as a browser would see them, without
    the measuring client sharing the server's interpreter."""
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", url], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None and child.stdin is not None
    port = int(child.stdout.readline())
    engine = make_engine(url)
    try:
        yield f"http://127.0.0.1:{port}", engine
    finally:
        child.stdin.close()
        child.wait(30)
        engine.dispose()


def signed_in(base: str, engine: sa.engine.Engine, person_id: str, clock: SimulatedClock) -> httpx.Client:
    with Session(engine) as session, session.begin():
        person = session.get(Person, person_id)
        assert person is not None
        link = new_sign_in_url(session, person, now=clock.now(), base_url=base, ttl=dt.timedelta(minutes=15))
    client = httpx.Client(base_url=base, timeout=60)
    form = client.get(link)
    token = CSRF.search(form.text)
    assert token is not None, form.text[:300]
    answer = client.post(link, data={"csrf": token.group(1)}, follow_redirects=False)
    assert answer.status_code == 303, answer.status_code
    return client


def timings(client: httpx.Client, path: str, rounds: int) -> tuple[float, float, int]:
    client.get(path)  # the first fetch warms the templates and the database's cache
    spent = []
    status = 0
    for _ in range(rounds):
        start = time.perf_counter()
        answer = client.get(path)
        spent.append((time.perf_counter() - start) * 1000)
        status = answer.status_code
    return statistics.median(spent), max(spent), status


def run_on(kind: str, url: str, plans_dir: Path, rounds: int) -> bool:
    start = time.perf_counter()
    tasks, updates = populate(url, plans_dir)
    print(f"{label(kind)}: {tasks:,} tasks, {updates:,} updates ready in {time.perf_counter() - start:.0f} s")
    clock = SimulatedClock(NOW)
    ok = True
    with served(url, clock) as (base, engine):
        with Session(engine) as session:
            chief = session.exec(select(Person).where(Person.role == Role.CHIEF)).first()
            staff = session.exec(select(Person).where(Person.role == Role.STAFF)).first()
            some_plan = session.exec(select(Plan.id).order_by(Plan.id)).first()
            long_task = session.exec(  # the task with the longest history
                select(TaskUpdate.task_id)
                .group_by(TaskUpdate.task_id)
                .order_by(sa.func.count().desc(), TaskUpdate.task_id)
                .limit(1)
            ).first()
        assert chief is not None and some_plan is not None
        pages = [
            "/",
            "/overdue",
            "/reports",
            f"/tasks/{long_task}",
            "/digests",
            f"/?plan={some_plan}",
            f"/overdue?unit={chief.unit_id}",
            "/?period=2025",
            "/overdue?period=2025-Q4",
        ]
        chief_client = signed_in(base, engine, chief.id, clock)
        who = [(f"chief ({chief.id})", chief_client, pages)]
        if staff is not None:
            who.append(
                (
                    f"staff ({staff.id})",
                    signed_in(base, engine, staff.id, clock),
                    ["/", "/overdue", "/reports"],
                )
            )
        for name, client, paths in who:
            for path in paths:
                median, slowest, status = timings(client, path, rounds)
                within = status == 200 and slowest < TARGET_MS
                ok = ok and within
                print(
                    f"  {name:<24} {path:<34} median {median:6.1f} ms, slowest {slowest:6.1f} ms "
                    f"[{status}] {'OK' if within else 'OVER ' + str(int(TARGET_MS)) + ' ms'}"
                )
            client.close()
        workbook = httpx.Client(base_url=base, timeout=120, cookies=chief_client.cookies)
        start = time.perf_counter()
        answer = workbook.get("/workbook.xlsx")
        print(
            f"  workbook of every plan (not a page): {(time.perf_counter() - start) * 1000:,.0f} ms, "
            f"{len(answer.content) / 1e6:.1f} MB [{answer.status_code}]"
        )
        workbook.close()
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--databases", default=",".join(DATABASES))
    parser.add_argument("--postgres-url", default=None)
    parser.add_argument("--serve", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve_child(args.serve)
        return
    server = postgres_server(args.postgres_url)
    ok = True
    with tempfile.TemporaryDirectory(prefix="nhacviec-bench-") as temporary:
        folder = Path(temporary)
        province = build_province(folder, args.copies)
        print(f"province: {province.files} plan files ({args.copies} copies of the seed plans)")
        for kind in args.databases.split(","):
            if kind == "postgresql" and (reason := postgres_unreachable(server)) is not None:
                print(f"{label(kind)}: skipped ({reason})")
                continue
            with database(kind, folder, "web", server) as url:
                ok = run_on(kind, url, province.plans_dir, args.rounds) and ok
    print(f"every page under {TARGET_MS:.0f} ms: {'yes' if ok else 'NO'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
