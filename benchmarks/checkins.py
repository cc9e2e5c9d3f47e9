"""Check-ins (issue #11): how many messages people get, and what building them costs.

1. **Messages per month** for each seed plan in `plans/`, with one person registered per unit
   that leads tasks (and one for the monitoring office): the real demo (`bot.demo.scenario`: the
   planner, the real `Dispatcher` on a simulated clock, the scripted replies) over `--days` days
   of the plan, counting what the dispatcher sent. Before (one message per reminder, as the bot
   did until check-ins): the outbox rows sent; after: the messages that carried them (one
   check-in per person and slot, one grouped escalation). Per 30 days. The demo's own database is
   a throw-away SQLite file.
2. **Building one send slot for `--people` people** (default 10,000), each with `--items` due
   reminders, on each database (`--databases`, `--postgres-url`): the rows' contexts are loaded
   in the dispatcher's batches (`load_contexts`, the same for both sides, shown apart), then
   - ours: per person, the items ordered (`items_of`) and the one message rendered within
     Telegram's 4096 characters (`render_checkin`, with a button per item);
   - baseline: one message rendered per reminder row (`render_reminder`, the template the bot
     used for every reminder before check-ins).

Run: `.venv/bin/python benchmarks/checkins.py [--days 60] [--people 10000] [--items 5]
[--plans a,b] [--databases sqlite,postgresql] [--postgres-url URL]`
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from _support import (  # noqa: E402
    DATABASES,
    SEED_PLANS,
    database,
    label,
    postgres_server,
    postgres_unreachable,
    ratio,
)
from sqlalchemy.engine import Engine  # noqa: E402

from bot import paths  # noqa: E402
from bot.clock import SimulatedClock, SystemClock  # noqa: E402
from bot.db.engine import make_engine  # noqa: E402
from bot.db.migrate import upgrade  # noqa: E402
from bot.db.models import CheckinKind  # noqa: E402
from bot.demo.channel import QuietChannel  # noqa: E402
from bot.demo.scenario import DemoMessage, DemoOptions, load_demo_plan, run_demo  # noqa: E402
from bot.engine.root import Root  # noqa: E402
from bot.engine.runner import dispatch_config  # noqa: E402
from bot.outbox.checkin import items_of, render_checkin  # noqa: E402
from bot.outbox.context import ReminderContext, load_contexts  # noqa: E402
from bot.outbox.render import render_reminder  # noqa: E402
from bot.outbox.rows import outbox  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.workcal import WorkCalendar  # noqa: E402
from tests.fakes.outbox_world import add_reminders, build_world  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TELEGRAM_LIMIT = 4096
BATCH = 100
"""People per claim, as the dispatcher's default `OUTBOX_BATCH`."""


# --- 1. messages per month ---------------------------------------------------------------------


def messages_per_month(plan: str, days: int) -> tuple[int, int, int]:
    """(people registered, reminder rows sent, messages that carried them) over `days` days."""
    settings = Settings(_env_file=None, plans_dir=SEED_PLANS)
    options = DemoOptions(plan=plan, plans_dir=SEED_PLANS, days=days)
    demo = load_demo_plan(options)
    clock = SimulatedClock(dt.datetime.combine(demo.start, dt.time(0), settings.tz))
    root = Root.build(settings, clock, "vi")
    sent: list[DemoMessage] = []
    result = asyncio.run(
        run_demo(
            options,
            demo,
            QuietChannel(),
            clock=clock,
            settings=settings,
            calendar=root.calendar,
            defaults=root.defaults,
            config=dispatch_config(settings),
            print_line=lambda line: None,
            on_message=sent.append,
        )
    )
    carried = [message.rows for message in sent if message.rows]
    return len(result.people), sum(carried), len(carried)


# --- 2. one slot for many people ---------------------------------------------------------------


def build_slot(
    kind: str, folder: Path, server: str, people: int, items: int
) -> tuple[float, float, float, int]:
    """(load seconds, ours seconds, baseline seconds, messages ours) for one slot on `kind`."""
    with database(kind, folder, "checkins", server) as url:
        engine = make_engine(url)
        try:
            upgrade(engine)
            # The benchmark is its own composition root: the system clock is read here.
            now = SystemClock().now()
            world = build_world(engine, people=people, occurrences=items, now=now)
            add_reminders(engine, world, send_at=now)
            calendar = WorkCalendar.in_folder(paths.SCHEDULES_DIR)
            today = now.astimezone(TZ).date()
            started = time.perf_counter()
            batches: list[list[ReminderContext]] = []
            for start in range(0, people, BATCH):
                chunk = set(world.people[start : start + BATCH])
                ids = _row_ids(engine, chunk)
                batches.append(list(load_contexts(engine, ids).values()))
            loaded = time.perf_counter() - started
        finally:
            engine.dispose()
    started = time.perf_counter()
    messages = 0
    for batch in batches:
        per_person: dict[str, list[ReminderContext]] = defaultdict(list)
        for context in batch:
            per_person[context.person_id].append(context)
        for contexts in per_person.values():
            render_checkin(
                CheckinKind.CHECKIN,
                items_of(contexts, today, calendar),
                html=True,
                buttons=True,
                limit=TELEGRAM_LIMIT,
            )
            messages += 1
    ours = time.perf_counter() - started
    started = time.perf_counter()
    for batch in batches:
        for context in batch:
            days_left = calendar.working_days_between(today, context.due) if context.due else None
            render_reminder(context, days_left=days_left, html=True, buttons=True, tz=TZ)
    baseline = time.perf_counter() - started
    return loaded, ours, baseline, messages


def _row_ids(engine: Engine, people: set[str]) -> list[int]:
    with engine.connect() as connection:
        found = connection.execute(sa.select(outbox.c.id).where(outbox.c.person_id.in_(people)))
        return [row.id for row in found]


def times(before: float, after: float) -> str:
    return f"{ratio(before, after):.1f}×" if after else "—"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=60, help="simulated days of each seed plan")
    parser.add_argument("--plans", help="comma-separated seed plans (default: every plan in plans/)")
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=5, help="due reminders per person in the slot")
    parser.add_argument("--databases", default=",".join(DATABASES))
    parser.add_argument("--postgres-url")
    args = parser.parse_args()
    plans = (
        args.plans.split(",")
        if args.plans
        else sorted(path.stem for path in SEED_PLANS.glob("*.yaml") if not path.stem.startswith("_"))
    )

    print(f"1. Messages per month, seed plans, one person per lead unit, {args.days} simulated days each:")
    print(f"{'plan':32} {'people':>6} {'before/month':>12} {'after/month':>11} {'before/after':>12}")
    before_all = after_all = 0.0
    for plan in plans:
        people, rows, messages = messages_per_month(plan, args.days)
        before, after = rows * 30 / args.days, messages * 30 / args.days
        before_all, after_all = before_all + before, after_all + after
        print(f"{plan:32} {people:6d} {before:12.0f} {after:11.0f} {times(before, after):>12}")
    print(f"{'all':32} {'':6} {before_all:12.0f} {after_all:11.0f} {times(before_all, after_all):>12}")
    print("(before: one message per reminder row sent; after: the check-ins and grouped escalations")
    print(" that carried them; — when nothing fell due in the window)")

    print()
    print(
        f"2. One send slot: {args.people} people × {args.items} due reminders, contexts loaded in batches "
        f"of {BATCH} people, rendered for Telegram (HTML, buttons)."
    )
    server = postgres_server(args.postgres_url)
    kinds = [kind for kind in args.databases.split(",") if kind]
    with tempfile.TemporaryDirectory() as temporary:
        for kind in kinds:
            if kind == "postgresql" and (problem := postgres_unreachable(server)) is not None:
                print(f"{label(kind)}: skipped, unreachable ({problem})")
                continue
            loaded, ours, baseline, messages = build_slot(
                kind, Path(temporary), server, args.people, args.items
            )
            rows = args.people * args.items
            print(
                f"{label(kind)}: load contexts {loaded:.2f} s (both sides); check-ins (ours) {ours:.2f} s "
                f"for {messages} messages; one message per reminder (baseline) {baseline:.2f} s for {rows} "
                f"messages; ratio baseline / ours: {ratio(baseline, ours):.2f}× the time"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
