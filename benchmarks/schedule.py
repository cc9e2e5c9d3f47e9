"""Materialising reminders: nhacviec's bulk SQL vs one APScheduler job per reminder.

Both sides work from the same synthetic province (one plan, 100,000 one-off tasks due over the
next year, 200 lead units each with one registered head, a monitoring office with one registered
person) and the same reminder policy (`schedules/reminder_policy.yaml`: 7, 3, 1, 0 working days
before, 5 overdue nags, one escalation), on each database in turn: a SQLite file, then a fresh
PostgreSQL database (`--postgres-url`, default the test server; skipped, and said, when it cannot
be reached).

- nhacviec: `bot.reminders.materialize.materialize` (INSERT … ON CONFLICT DO NOTHING in bulk; COPY
  on PostgreSQL), run in a child process so that its peak memory (VmHWM) is its own; then run
  again to show that a second run adds nothing.
- APScheduler: the common approach, `BackgroundScheduler` with `SQLAlchemyJobStore(url=…)` on the
  same kind of database and `add_job(…, DateTrigger(send_at), id=…, replace_existing=True)` per
  reminder. It is slow, so it runs on the first tasks only (default 20,000) and its time is
  scaled linearly (said so in the output).

Targets (issues #1 and #16): ≥ 20× APScheduler on SQLite, ≥ 50× on PostgreSQL; peak < 300 MB.

Run: `.venv/bin/python benchmarks/schedule.py [--tasks 100000] [--apscheduler-tasks 20000]
[--databases sqlite,postgresql] [--postgres-url URL]`
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from _support import (  # noqa: E402
    DATABASES,
    database,
    label,
    peak_mib,
    postgres_server,
    postgres_unreachable,
    ratio,
)
from sqlmodel import Session  # noqa: E402

from bot import paths  # noqa: E402
from bot.clock import SystemClock  # noqa: E402
from bot.db import models as db  # noqa: E402
from bot.db.engine import make_engine  # noqa: E402
from bot.db.migrate import upgrade  # noqa: E402
from bot.reminders.policy import ReminderKind, plan_reminders  # noqa: E402
from bot.reminders.sqlbulk import table  # noqa: E402
from bot.schedules import load_schedule_defaults  # noqa: E402
from bot.workcal import WorkCalendar  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TARGETS = {"sqlite": 20.0, "postgresql": 50.0}
"""Reminders per second as a multiple of APScheduler's, per database."""
PEAK_TARGET_MB = 300.0


def _next_monday() -> dt.datetime:
    # APScheduler compares run dates with the wall clock: keep every reminder in the future. The
    # benchmark is its own composition root: the system clock is read here, once.
    today = SystemClock().today(TZ)
    monday = today + dt.timedelta(days=7 - today.weekday())
    return dt.datetime.combine(monday, dt.time(1, 0), tzinfo=dt.UTC)


NOW = _next_monday()
PLAN = "kh-bench"
UNITS = 200
MONITOR = "vp-ubnd"


def build_database(url: str, tasks: int) -> None:
    """The synthetic province, written with plain bulk inserts (not timed)."""
    engine = make_engine(url)
    upgrade(engine)
    stamp = {"created_at": NOW, "updated_at": NOW}
    units = [{"id": MONITOR, "name": "Văn phòng UBND", **stamp}] + [
        {"id": f"so-{n}", "name": f"Sở {n}", **stamp} for n in range(UNITS)
    ]
    people = [
        {
            "id": "chanh-vp",
            "name": "Chánh VP",
            "unit_id": MONITOR,
            "role": "chief",
            "language": "vi",
            "origin": "directory",
            **stamp,
        }
    ] + [
        {
            "id": f"gd-{n}",
            "name": f"Giám đốc {n}",
            "unit_id": f"so-{n}",
            "role": "head",
            "language": "vi",
            "origin": "directory",
            **stamp,
        }
        for n in range(UNITS)
    ]
    bindings = [
        {"person_id": person["id"], "channel": "telegram", "chat_id": str(n), "bound_at": NOW}
        for n, person in enumerate(people)
    ]
    calendar = WorkCalendar()
    first = NOW.astimezone(TZ).date()
    with Session(engine) as session, session.begin():
        session.execute(sa.insert(table(db.Unit)), units)
        session.execute(sa.insert(table(db.Person)), people)
        session.execute(sa.insert(table(db.ChatBinding)), bindings)
        session.execute(
            sa.insert(table(db.Plan)),
            [
                {
                    "id": PLAN,
                    "path": "plans/kh-bench.yaml",
                    "issuer": "UBND tỉnh",
                    "number": "1/KH-UBND",
                    "issued": first,
                    "title": "Kế hoạch thử tải",
                    "monitor_unit_id": MONITOR,
                    **stamp,
                }
            ],
        )
        rows: list[dict[str, Any]] = []
        for n in range(tasks):
            due = first + dt.timedelta(days=n % 365)
            rows.append(
                {
                    "plan_id": PLAN,
                    "key": f"T{n}",
                    "position": n,
                    "title": f"Nhiệm vụ {n}",
                    "lead_unit_id": f"so-{n % UNITS}",
                    "deadline_kind": "once",
                    "due": due,
                    "effective_due": calendar.effective_deadline(due),
                    "deadline_ambiguous": False,
                    "status": "not_started",
                    **stamp,
                }
            )
            if len(rows) == 10_000:
                session.execute(sa.insert(table(db.Task)), rows)
                rows = []
        if rows:
            session.execute(sa.insert(table(db.Task)), rows)
    engine.dispose()


def run_ours(url: str) -> dict[str, float]:
    """In the child process: materialise twice, report times, counts and peak memory."""
    from bot.reminders.materialize import materialize

    engine = make_engine(url)
    defaults = load_schedule_defaults(paths.SCHEDULES_DIR, lang="vi")
    calendar = WorkCalendar()
    started = time.perf_counter()
    with Session(engine) as session, session.begin():
        first = materialize(session, NOW, calendar=calendar, defaults=defaults, tz=TZ, horizon_months=13)
    elapsed = time.perf_counter() - started
    started = time.perf_counter()
    with Session(engine) as session, session.begin():
        second = materialize(session, NOW, calendar=calendar, defaults=defaults, tz=TZ, horizon_months=13)
    again = time.perf_counter() - started
    result = {
        "seconds": elapsed,
        "reminders": first.reminders_added,
        "occurrences": first.occurrences_added,
        "again_seconds": again,
        "again_reminders": second.reminders_added,
        "again_occurrences": second.occurrences_added,
        "peak_mib": peak_mib(),
    }
    engine.dispose()
    return result


def server_floor(url: str) -> tuple[int, float, float]:
    """PostgreSQL: how long the server alone takes to insert the outbox rows our run wrote, copied
    server-side (`INSERT … SELECT`, no client, no network) into a table like `outbox` with its
    indexes, with and without its foreign keys. No client can write the rows faster than the first
    figure; the gap between the two is the per-row foreign-key checks. Returns (rows, seconds with
    the foreign keys, seconds without)."""
    engine = sa.create_engine(url)
    try:
        # One transaction, rolled back: the copy of the table never outlives the measurement.
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TEMP TABLE floor_rows AS SELECT * FROM outbox")
            connection.exec_driver_sql("CREATE TABLE nhacviec_floor_outbox (LIKE outbox INCLUDING ALL)")
            keys = connection.exec_driver_sql(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = 'outbox'::regclass AND contype = 'f'"
            ).scalars()
            for definition in list(keys):
                connection.exec_driver_sql(f"ALTER TABLE nhacviec_floor_outbox ADD {definition}")
            rows = connection.exec_driver_sql("SELECT count(*) FROM floor_rows").scalar_one()
            started = time.perf_counter()
            connection.exec_driver_sql("INSERT INTO nhacviec_floor_outbox SELECT * FROM floor_rows")
            with_keys = time.perf_counter() - started
            connection.exec_driver_sql("TRUNCATE nhacviec_floor_outbox")
            for name in list(
                connection.exec_driver_sql(
                    "SELECT conname FROM pg_constraint "
                    "WHERE conrelid = 'nhacviec_floor_outbox'::regclass AND contype = 'f'"
                ).scalars()
            ):
                connection.exec_driver_sql(f'ALTER TABLE nhacviec_floor_outbox DROP CONSTRAINT "{name}"')
            started = time.perf_counter()
            connection.exec_driver_sql("INSERT INTO nhacviec_floor_outbox SELECT * FROM floor_rows")
            without_keys = time.perf_counter() - started
            connection.rollback()
    finally:
        engine.dispose()
    return rows, with_keys, without_keys


def send_reminder(key: str) -> None:
    """The job APScheduler would run (never runs here: the scheduler stays paused)."""


def run_apscheduler(url: str, jobstore_url: str, tasks: int) -> dict[str, float]:
    """One APScheduler job per reminder, for the first `tasks` tasks, same policy and people."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.date import DateTrigger

    policy = load_schedule_defaults(paths.SCHEDULES_DIR, lang="vi").policy
    calendar = WorkCalendar()
    scheduler = BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(url=jobstore_url)}, timezone=TZ)
    scheduler.start(paused=True)  # jobs go to the store, none runs
    engine = make_engine(url)
    tasks_table = table(db.Task)
    jobs = 0
    started = time.perf_counter()
    with engine.connect() as connection:
        query = (
            sa.select(tasks_table.c.id, tasks_table.c.lead_unit_id, tasks_table.c.effective_due)
            .order_by(tasks_table.c.id)
            .limit(tasks)
        )
        for task_id, lead, effective_due in connection.execute(query):
            head = "gd-" + lead.removeprefix("so-")
            for reminder in plan_reminders(effective_due, policy, calendar, TZ):
                person = "chanh-vp" if reminder.kind is ReminderKind.ESCALATION else head
                if reminder.send_at < NOW:
                    continue
                key = f"task:{task_id}|{person}|{reminder.kind.value}:{reminder.step}"
                scheduler.add_job(
                    send_reminder, DateTrigger(reminder.send_at), args=[key], id=key, replace_existing=True
                )
                jobs += 1
    elapsed = time.perf_counter() - started
    scheduler.shutdown(wait=False)
    engine.dispose()
    return {"seconds": elapsed, "reminders": jobs, "tasks": tasks}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--apscheduler-tasks", type=int, default=20_000)
    parser.add_argument(
        "--databases", default=",".join(DATABASES), help="comma-separated: sqlite, postgresql (default both)"
    )
    parser.add_argument(
        "--postgres-url",
        help="server to create the benchmark databases on "
        "(default NHACVIEC_TEST_POSTGRES_URL, else the local test server)",
    )
    parser.add_argument("--child-ours", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_ours is not None:
        print(json.dumps(run_ours(args.child_ours)))
        return
    kinds = [kind.strip() for kind in args.databases.split(",") if kind.strip()]
    server = postgres_server(args.postgres_url)
    if "postgresql" in kinds and (reason := postgres_unreachable(server)) is not None:
        print(f"PostgreSQL: skipped, the server cannot be reached ({reason})")
        kinds.remove("postgresql")
    theirs_tasks = min(args.apscheduler_tasks, args.tasks)

    with tempfile.TemporaryDirectory(prefix="nhacviec-bench-") as temporary:
        folder = Path(temporary)
        for kind in kinds:
            ours_db = database(kind, folder, "schedule", server)
            with ours_db as url, database(kind, folder, "jobs", server) as jobs:
                print(f"{label(kind)}: a database with {args.tasks:,} tasks (not timed)…", flush=True)
                build_database(url, args.tasks)
                child = subprocess.run(
                    [sys.executable, __file__, "--child-ours", url],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                ours = json.loads(child.stdout.strip().splitlines()[-1])
                rate = ours["reminders"] / ours["seconds"]
                print(
                    f"  nhacviec (bulk SQL, {label(kind)}): {args.tasks:,} tasks → "
                    f"{ours['occurrences']:,} occurrences, {ours['reminders']:,} reminders in "
                    f"{ours['seconds']:.1f} s ({rate:,.0f} reminders/s); "
                    f"peak memory {ours['peak_mib']:.0f} MiB (VmHWM of the process)"
                )
                print(
                    f"  second run (idempotency): {ours['again_occurrences']} occurrences, "
                    f"{ours['again_reminders']} reminders added in {ours['again_seconds']:.1f} s"
                )

                floor = server_floor(url) if kind == "postgresql" else None

                print(
                    f"  APScheduler: running on the first {theirs_tasks:,} tasks only (it is slow), "
                    f"then scaling linearly to {args.tasks:,}…",
                    flush=True,
                )
                theirs = run_apscheduler(url, jobs, theirs_tasks)
            their_rate = theirs["reminders"] / theirs["seconds"]
            scale = args.tasks / theirs_tasks
            scaled = theirs["seconds"] * scale
            print(
                f"  APScheduler {_apscheduler_version()} (BackgroundScheduler + SQLAlchemyJobStore on "
                f"{label(kind)}, one job per reminder): {theirs_tasks:,} tasks → "
                f"{theirs['reminders']:,.0f} jobs in {theirs['seconds']:.1f} s "
                f"({their_rate:,.0f} reminders/s); scaled linearly "
                f"×{scale:g} to {args.tasks:,} tasks: {scaled:,.0f} s (estimate, not measured)"
            )
            faster = ratio(rate, their_rate)
            target = TARGETS[kind]
            peak_mb = ours["peak_mib"] * 1.048576
            print(
                f"{label(kind)} ratio (reminders/s): nhacviec is {faster:.1f}× faster "
                f"(target ≥ {target:g}× {'met' if faster >= target else 'MISSED'}); "
                f"peak memory {peak_mb:.0f} MB "
                f"(target < {PEAK_TARGET_MB:g} MB {'met' if peak_mb < PEAK_TARGET_MB else 'MISSED'})",
                flush=True,
            )
            if floor is not None:
                rows, with_keys, without_keys = floor
                print(
                    f"  {label(kind)} alone, no client: the same {rows:,} outbox rows copied server-side "
                    f"(INSERT … SELECT) into a table like outbox took {with_keys:.1f} s with its foreign "
                    f"keys ({rows / with_keys:,.0f} rows/s = {ratio(rows / with_keys, their_rate):.0f}× "
                    f"APScheduler: the ceiling of any client) and {without_keys:.1f} s without them "
                    f"({rows / without_keys:,.0f} rows/s = {ratio(rows / without_keys, their_rate):.0f}×)",
                    flush=True,
                )


def _apscheduler_version() -> str:
    from importlib.metadata import version

    return version("apscheduler")


if __name__ == "__main__":
    main()
