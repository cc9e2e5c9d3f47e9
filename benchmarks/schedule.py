"""Materialising reminders: nhacviec's bulk SQL vs one APScheduler job per reminder.

Both sides work from the same synthetic province (one plan, 100,000 one-off tasks due over the
next year, 200 lead units each with one registered head, a monitoring office with one registered
person) and the same reminder policy (`schedules/reminder_policy.yaml`: 7, 3, 1, 0 working days
before, 5 overdue nags, one escalation), on a SQLite file.

- nhacviec: `bot.reminders.materialize.materialize` (INSERT … ON CONFLICT DO NOTHING in bulk), run
  in a child process so that its peak memory (ru_maxrss) is its own; then run again to show that
  a second run adds nothing.
- APScheduler: the common approach, `BackgroundScheduler` with `SQLAlchemyJobStore(url=sqlite
  file)` and `add_job(…, DateTrigger(send_at), id=…, replace_existing=True)` per reminder. It is
  slow, so it runs on fewer tasks (default 20,000) and its time is scaled linearly (said so in the
  output).

Run: `.venv/bin/python benchmarks/schedule.py [--tasks 100000] [--apscheduler-tasks 20000]`
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
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
from sqlmodel import Session  # noqa: E402

from bot.db import models as db  # noqa: E402
from bot.db.engine import make_engine  # noqa: E402
from bot.db.migrate import upgrade  # noqa: E402
from bot.reminders.policy import ReminderKind, plan_reminders  # noqa: E402
from bot.reminders.sqlbulk import table  # noqa: E402
from bot.schedules import load_schedule_defaults  # noqa: E402
from bot.workcal import WorkCalendar  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
def _next_monday() -> dt.datetime:
    # APScheduler compares run dates with the wall clock: keep every reminder in the future.
    today = dt.datetime.now(dt.UTC).date()
    monday = today + dt.timedelta(days=7 - today.weekday())
    return dt.datetime.combine(monday, dt.time(1, 0), tzinfo=dt.UTC)


NOW = _next_monday()
PLAN = "kh-bench"
UNITS = 200
MONITOR = "vp-ubnd"


def build_database(path: Path, tasks: int) -> None:
    """The synthetic province, written with plain bulk inserts (not timed)."""
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    stamp = {"created_at": NOW, "updated_at": NOW}
    units = [{"id": MONITOR, "name": "Văn phòng UBND", **stamp}] + [
        {"id": f"so-{n}", "name": f"Sở {n}", **stamp} for n in range(UNITS)
    ]
    people = [{"id": "chanh-vp", "name": "Chánh VP", "unit_id": MONITOR, "role": "chief",
               "language": "vi", "origin": "directory", **stamp}] + [
        {"id": f"gd-{n}", "name": f"Giám đốc {n}", "unit_id": f"so-{n}", "role": "head",
         "language": "vi", "origin": "directory", **stamp} for n in range(UNITS)
    ]
    bindings = [{"person_id": person["id"], "channel": "telegram", "chat_id": str(n), "bound_at": NOW}
                for n, person in enumerate(people)]
    calendar = WorkCalendar()
    first = NOW.astimezone(TZ).date()
    with Session(engine) as session, session.begin():
        session.execute(sa.insert(table(db.Unit)), units)
        session.execute(sa.insert(table(db.Person)), people)
        session.execute(sa.insert(table(db.ChatBinding)), bindings)
        session.execute(sa.insert(table(db.Plan)), [{
            "id": PLAN, "path": "plans/kh-bench.yaml", "issuer": "UBND tỉnh", "number": "1/KH-UBND",
            "issued": first, "title": "Kế hoạch thử tải", "monitor_unit_id": MONITOR, **stamp,
        }])
        rows: list[dict[str, Any]] = []
        for n in range(tasks):
            due = first + dt.timedelta(days=n % 365)
            rows.append({
                "plan_id": PLAN, "key": f"T{n}", "position": n, "title": f"Nhiệm vụ {n}",
                "lead_unit_id": f"so-{n % UNITS}", "deadline_kind": "once", "due": due,
                "effective_due": calendar.effective_deadline(due), "deadline_ambiguous": False,
                "status": "not_started", **stamp,
            })
            if len(rows) == 10_000:
                session.execute(sa.insert(table(db.Task)), rows)
                rows = []
        if rows:
            session.execute(sa.insert(table(db.Task)), rows)
    engine.dispose()


def run_ours(path: Path) -> dict[str, float]:
    """In the child process: materialise twice, report times, counts and peak memory."""
    from bot.reminders.materialize import materialize

    engine = make_engine(f"sqlite:///{path}")
    defaults = load_schedule_defaults(ROOT / "schedules")
    calendar = WorkCalendar()
    started = time.perf_counter()
    with Session(engine) as session, session.begin():
        first = materialize(session, NOW, calendar=calendar, defaults=defaults, tz=TZ, horizon_months=13)
    elapsed = time.perf_counter() - started
    started = time.perf_counter()
    with Session(engine) as session, session.begin():
        second = materialize(session, NOW, calendar=calendar, defaults=defaults, tz=TZ, horizon_months=13)
    again = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {
        "seconds": elapsed, "reminders": first.reminders_added, "occurrences": first.occurrences_added,
        "again_seconds": again, "again_reminders": second.reminders_added,
        "again_occurrences": second.occurrences_added, "peak_mib": peak_kib / 1024,
    }


def send_reminder(key: str) -> None:
    """The job APScheduler would run (never runs here: the scheduler stays paused)."""


def run_apscheduler(path: Path, jobstore_path: Path, tasks: int) -> dict[str, float]:
    """One APScheduler job per reminder, for the first `tasks` tasks, same policy and people."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.date import DateTrigger

    policy = load_schedule_defaults(ROOT / "schedules").policy
    calendar = WorkCalendar()
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=f"sqlite:///{jobstore_path}")}, timezone=TZ
    )
    scheduler.start(paused=True)  # jobs go to the store, none runs
    engine = make_engine(f"sqlite:///{path}")
    tasks_table = table(db.Task)
    jobs = 0
    started = time.perf_counter()
    with engine.connect() as connection:
        query = sa.select(tasks_table.c.id, tasks_table.c.lead_unit_id, tasks_table.c.effective_due).order_by(
            tasks_table.c.id).limit(tasks)
        for task_id, lead, effective_due in connection.execute(query):
            head = "gd-" + lead.removeprefix("so-")
            for reminder in plan_reminders(effective_due, policy, calendar, TZ):
                person = "chanh-vp" if reminder.kind is ReminderKind.ESCALATION else head
                if reminder.send_at < NOW:
                    continue
                key = f"task:{task_id}|{person}|{reminder.kind.value}:{reminder.step}"
                scheduler.add_job(send_reminder, DateTrigger(reminder.send_at), args=[key], id=key,
                                  replace_existing=True)
                jobs += 1
    elapsed = time.perf_counter() - started
    scheduler.shutdown(wait=False)
    engine.dispose()
    return {"seconds": elapsed, "reminders": jobs, "tasks": tasks}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--apscheduler-tasks", type=int, default=20_000)
    parser.add_argument("--child-ours", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_ours is not None:
        print(json.dumps(run_ours(args.child_ours)))
        return

    with tempfile.TemporaryDirectory(prefix="nhacviec-bench-") as folder:
        ours_db = Path(folder) / "nhacviec.db"
        theirs_db = Path(folder) / "apscheduler-input.db"
        print(f"Building two SQLite files with {args.tasks:,} tasks (not timed)…", flush=True)
        build_database(ours_db, args.tasks)
        build_database(theirs_db, args.apscheduler_tasks)

        child = subprocess.run([sys.executable, __file__, "--child-ours", str(ours_db)],
                               capture_output=True, text=True, check=True)
        ours = json.loads(child.stdout.strip().splitlines()[-1])
        rate = ours["reminders"] / ours["seconds"]
        print(f"nhacviec (bulk SQL, SQLite file): {args.tasks:,} tasks → "
              f"{ours['occurrences']:,} occurrences, {ours['reminders']:,} reminders in "
              f"{ours['seconds']:.1f} s ({rate:,.0f} reminders/s); "
              f"peak memory {ours['peak_mib']:.0f} MiB (ru_maxrss of the process)")
        print(f"  second run (idempotency): {ours['again_occurrences']} occurrences, "
              f"{ours['again_reminders']} reminders added in {ours['again_seconds']:.1f} s")

        print(f"APScheduler: running on {args.apscheduler_tasks:,} tasks only (it is slow), "
              f"then scaling linearly to {args.tasks:,}…", flush=True)
        theirs = run_apscheduler(theirs_db, Path(folder) / "jobs.db", args.apscheduler_tasks)
        their_rate = theirs["reminders"] / theirs["seconds"]
        scale = args.tasks / args.apscheduler_tasks
        scaled = theirs["seconds"] * scale
        print(f"APScheduler {_apscheduler_version()} (BackgroundScheduler + SQLAlchemyJobStore, one job per "
              f"reminder): {args.apscheduler_tasks:,} tasks → {theirs['reminders']:,.0f} jobs in "
              f"{theirs['seconds']:.1f} s ({their_rate:,.0f} reminders/s); scaled linearly ×{scale:g} to "
              f"{args.tasks:,} tasks: {scaled:,.0f} s (estimate, not measured)")
        ratio = their_rate and rate / their_rate
        print(f"Ratio (reminders/s): nhacviec is {ratio:.1f}× faster (target ≥ 20×); "
              f"peak memory {ours['peak_mib']:.0f} MiB (target < 300 MB)")


def _apscheduler_version() -> str:
    from importlib.metadata import version

    return version("apscheduler")


if __name__ == "__main__":
    main()
