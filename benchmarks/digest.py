"""Weekly digest at scale: SQL aggregation against a naive per-row version, in the same run.

Run: `.venv/bin/python benchmarks/digest.py [--db PATH] [--keep]`

Builds a SQLite file with 1,000 units, 20,000 tasks (10 plans) and 200,000 status updates (bulk
inserts; `tasks.status` kept equal to each task's latest update, as `record_update` does), plus
one monthly report per plan with 100 reporting units. Then times:
- ours: `build_digest` (SQL GROUP BY / CASE; only listed rows read) and rendering the text;
- naive: every task and every update loaded into Python, standing computed per task there.
Both must give the same counts. Prints both times and the ratio; the target is < 2 s for ours.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlmodel import Session  # noqa: E402

from bot.db.engine import make_engine  # noqa: E402
from bot.db.migrate import upgrade  # noqa: E402
from bot.db.models import (  # noqa: E402
    Occurrence,
    Person,
    Plan,
    ReportingObligation,
    ReportingUnit,
    ReportSubmission,
    Task,
    TaskUpdate,
    Unit,
)
from bot.digest.model import Standing, StandingCounts  # noqa: E402
from bot.digest.queries import build_digest, cutoff_of  # noqa: E402
from bot.digest.render import render_digest  # noqa: E402
from bot.workcal import WorkCalendar  # noqa: E402

UNITS = 1_000
PLANS = 10
TASKS = 20_000
UPDATES = 200_000
REPORTING_UNITS = 100
TARGET_SECONDS = 2.0
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
AS_OF = dt.date(2026, 11, 20)
NOW = dt.datetime(2026, 1, 5, 1, 0, tzinfo=dt.UTC)
STATUSES = ("in_progress", "in_progress", "blocked", "done")


def table(model: object) -> sa.Table:
    return model.__table__  # type: ignore[attr-defined, no-any-return]


def populate(url: str, seed: int = 20261120) -> None:
    rng = random.Random(seed)
    engine = make_engine(url)
    upgrade(engine)
    calendar = WorkCalendar()
    stamps = {"created_at": NOW, "updated_at": NOW}
    with engine.begin() as connection:
        connection.execute(sa.insert(table(Unit)), [{"id": "vp", "name": "Văn phòng UBND tỉnh", **stamps}] + [
            {"id": f"u{n:04}", "name": f"Sở, ngành, địa phương số {n}", **stamps} for n in range(1, UNITS)
        ])
        connection.execute(sa.insert(table(Person)), [
            {"id": "chanh-vp", "name": "Chánh Văn phòng", "unit_id": "vp", "role": "chief", "language": "vi",
             "origin": "directory", **stamps},
        ])
        connection.execute(sa.insert(table(Plan)), [
            {"id": f"kh-{n:02}", "path": f"plans/kh-{n:02}.yaml", "issuer": "UBND tỉnh",
             "number": f"{n}/KH-UBND", "issued": dt.date(2026, 1, 2), "title": f"Kế hoạch số {n}",
             "monitor_unit_id": "vp", **stamps}
            for n in range(PLANS)
        ])
        tasks: list[dict[str, Any]] = []
        latest: dict[int, tuple[dt.datetime, str, int | None]] = {}
        updates = []
        per_task = UPDATES // TASKS
        for task_id in range(1, TASKS + 1):
            dated = rng.random() > 0.1
            due = dt.date(2026, 1, 15) + dt.timedelta(days=rng.randrange(0, 365)) if dated else None
            tasks.append({
                "id": task_id, "plan_id": f"kh-{task_id % PLANS:02}", "key": str(task_id),
                "position": task_id,
                "title": f"Nhiệm vụ số {task_id}: triển khai nội dung của kế hoạch",
                "lead_unit_id": f"u{rng.randrange(1, UNITS):04}",
                "deadline_kind": "once" if due else "continuous",
                "due": due, "effective_due": calendar.effective_deadline(due) if due else None,
                "deadline_ambiguous": False, "status": "not_started", **stamps,
            })
            at = NOW + dt.timedelta(hours=rng.randrange(1, 24 * 300))
            for step in range(per_task):
                at += dt.timedelta(hours=rng.randrange(1, 200))
                status = STATUSES[rng.randrange(len(STATUSES))] if step == per_task - 1 else "in_progress"
                percent = 100 if status == "done" else rng.randrange(0, 100)
                updates.append({"task_id": task_id, "at": at, "status": status, "percent": percent,
                                "note": f"Cập nhật lần {step + 1}", "source": "telegram"})
            latest[task_id] = (at, status, percent)
        for row in tasks:
            last_at, last_status, last_percent = latest[row["id"]]
            row.update(status=last_status, status_percent=last_percent, status_at=last_at)
        connection.execute(sa.insert(table(Task)), tasks)
        for start in range(0, len(updates), 50_000):
            connection.execute(sa.insert(table(TaskUpdate)), updates[start:start + 50_000])
        for n in range(PLANS):
            plan = f"kh-{n:02}"
            connection.execute(sa.insert(table(ReportingObligation)), [{
                "id": n + 1, "plan_id": plan, "key": "IV", "position": 1, "text": "Báo cáo tháng",
                "to_unit_id": "vp", "cycle": "trước ngày 15 hàng tháng", "deadline_kind": "recurring",
                "deadline_ambiguous": False, **stamps,
            }])
            units = rng.sample(range(1, UNITS), REPORTING_UNITS)
            connection.execute(sa.insert(table(ReportingUnit)), [
                {"reporting_id": n + 1, "unit_id": f"u{u:04}"} for u in units
            ])
            connection.execute(sa.insert(table(Occurrence)), [{
                "id": n + 1, "key": f"report:{n + 1}:2026-11-14", "plan_id": plan, "reporting_id": n + 1,
                "kind": "report", "due": dt.date(2026, 11, 14), "effective_due": dt.date(2026, 11, 16),
                "state": "open", **stamps,
            }])
            connection.execute(sa.insert(table(ReportSubmission)), [
                {"occurrence_id": n + 1, "unit_id": f"u{u:04}", "on_time": rng.random() > 0.3,
                 "submitted_at": dt.datetime(2026, 11, 13, 3, tzinfo=dt.UTC), "source": "telegram"}
                for u in units if rng.random() > 0.2
            ])
    engine.dispose()


def ours(url: str) -> tuple[StandingCounts, int, int]:
    engine = make_engine(url)
    with Session(engine) as session:
        plans = [f"kh-{n:02}" for n in range(PLANS)]
        digest = build_digest(session, plans, as_of=AS_OF, tz=TZ, calendar=WorkCalendar())
        render_digest(digest, lang="vi", tz=TZ)
    engine.dispose()
    return digest.totals, digest.updates.total, digest.silent_units.total


def naive(url: str) -> tuple[StandingCounts, int, int]:
    """Every task and update in Python; standing computed per task, as a straightforward ORM
    loop would."""
    engine = make_engine(url)
    cutoff = cutoff_of(AS_OF, TZ)
    since = cutoff - dt.timedelta(days=7)
    with Session(engine) as session:
        tasks = session.exec(sa.select(Task)).scalars().all()  # type: ignore[call-overload]
        history: dict[int, list[TaskUpdate]] = defaultdict(list)
        for update in session.exec(sa.select(TaskUpdate)).scalars():  # type: ignore[call-overload]
            history[update.task_id].append(update)
    counts: Counter[Standing] = Counter()
    recent = 0
    answered_units: set[str] = set()
    lead_units: set[str] = set()
    for task in tasks:
        before = sorted((u for u in history[task.id] if u.at < cutoff), key=lambda u: (u.at, u.id))
        recent += sum(1 for u in before if u.at > since)
        lead_units.add(task.lead_unit_id)
        if before:
            answered_units.add(task.lead_unit_id)
        last = before[-1] if before else None
        if task.effective_due is None:
            counts[Standing.NO_DEADLINE] += 1
        elif last is not None and last.status == "done":
            done_day = last.at.astimezone(TZ).date()
            counts[Standing.DONE_ON_TIME if done_day <= task.effective_due else Standing.DONE_LATE] += 1
        elif task.effective_due >= AS_OF:
            counts[Standing.OPEN_IN_TIME] += 1
        else:
            counts[Standing.OPEN_OVERDUE] += 1
    engine.dispose()
    totals = StandingCounts(*(counts[s] for s in Standing))
    return totals, recent, len(lead_units - answered_units)


def timed(function: object, url: str) -> tuple[float, tuple[StandingCounts, int, int]]:
    start = time.perf_counter()
    result = function(url)  # type: ignore[operator]
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", type=Path, help="SQLite file to create (default: a temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = args.db or Path(folder) / "digest-bench.db"
        if path.exists():
            path.unlink()
        url = f"sqlite:///{path}"
        start = time.perf_counter()
        populate(url)
        print(f"data: {UNITS:,} units, {TASKS:,} tasks, {UPDATES:,} updates in {path} "
              f"({time.perf_counter() - start:.1f} s to generate)")
        ours(url)  # warm-up: imports, templates, the calendar's years
        our_time, our_result = timed(ours, url)
        naive_time, naive_result = timed(naive, url)
        if our_result != naive_result:
            raise SystemExit(f"results differ:\n  ours:  {our_result}\n  naive: {naive_result}")
        totals = our_result[0]
        print(f"counts: {totals} (total {totals.total:,}); updates in the last 7 days: {our_result[1]:,}")
        print(f"digest (SQL aggregation + render): {our_time:.3f} s (target < {TARGET_SECONDS:.0f} s)")
        print(f"naive (every row in Python):       {naive_time:.3f} s")
        print(f"ratio naive / ours: {naive_time / our_time:.1f}×")
        if our_time >= TARGET_SECONDS:
            raise SystemExit(f"too slow: {our_time:.3f} s ≥ {TARGET_SECONDS} s")


if __name__ == "__main__":
    main()
