"""Several `nhacviec run` processes on one database under Telegram's flood limits.

Run: `.venv/bin/python benchmarks/dispatch_processes.py [--messages 1010] [--chats 1010]
[--processes 1 2 4] [--postgres URL]` (about 40 s per run at the defaults; six runs).

Each run delivers `--messages` reminders, all due at once, round robin over `--chats` private chats,
with 1, 2 or 4 real `nhacviec run` processes (`--no-materialise`, production settings: 30/s,
1/s per chat, 20/min per group, 10 s send timeout, 60 s lease) through the loopback fake Bot API
(`tests/fakes/bot_api.py`) enforcing Telegram's limits on everything it receives, from every
process: at most 30 accepted messages in any sliding 1-second window, one per chat per second;
beyond them it answers 429 with `retry_after`. A person's reminders due at once go as one
check-in (issue #11): the processes send one message per chat, carrying `--messages / --chats`
reminders each. The defaults give one reminder per chat, so that the flood limits are measured on
`--messages` messages; the table counts both messages and reminders.

- **shared** (ours): a PostgreSQL database; the processes take their flood slots in it
  (`bot.outbox.shared_limits`), so together they keep one token's limits.
- **per-process** (the baseline): the same processes on one SQLite file, where each keeps its
  own gates (`bot.outbox.ratelimit`), as every process did before the shared limits: together
  they send N × 30/s and the platform answers 429.

Figures, from the fake server's clock (the moment it handled each call):
- rate: accepted messages / (last acceptance − first call), messages per second;
- peak: the most acceptances in any sliding 1-second window;
- 429s: calls refused by flood control;
- seconds: from the processes' start until every reminder was accepted (start-up included);
- sending: from the first sendMessage call until every reminder was accepted.
Targets for shared: 0 × 429 and peak ≤ 30 at every process count; 2 processes not slower than 1
(sending time, within 5 %: starting two processes at once costs the start-up twice on the same cores).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from _support import database, postgres_server, postgres_unreachable  # noqa: E402

from bot.db.engine import make_engine  # noqa: E402
from bot.db.migrate import upgrade  # noqa: E402
from bot.db.models import OutboxState  # noqa: E402
from bot.outbox.rows import outbox  # noqa: E402
from tests.fakes import FakeBotApi, Limits  # noqa: E402
from tests.fakes.outbox_world import add_reminders, build_world  # noqa: E402

TOKEN = "90210:BENCH-processes"
NHACVIEC = [sys.executable, "-c", "from bot.cli import main; main()"]
PRODUCTION = {
    "TELEGRAM_MAX_PER_SECOND": "30",
    "TELEGRAM_CHAT_INTERVAL_SECONDS": "1",
    "TELEGRAM_GROUP_PER_MINUTE": "20",
    "TELEGRAM_TIMEOUT_SECONDS": "10",
    "OUTBOX_LEASE_SECONDS": "60",
    "SWEEP_SECONDS": "1",
    "OUTBOX_RETRY_BASE_SECONDS": "1",
    "OUTBOX_RETRY_CAP_SECONDS": "30",
    "LOG_LEVEL": "WARNING",
}


@dataclass(frozen=True)
class Run:
    mode: str
    processes: int
    reminders: int
    """Outbox rows marked sent: what the accepted messages carried."""
    accepted: int
    rejected: int
    seconds: float
    sending: float
    rate: float
    peak: int


def most_in_one_second(moments: list[float]) -> int:
    moments = sorted(moments)
    most, start = 0, 0
    for end, moment in enumerate(moments):
        while moment - moments[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def environment(database_url: str, api_url: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "ZALO_", "NHACVIEC_", "OUTBOX_", "DATABASE_URL"))
    }
    env.update(PRODUCTION)
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": database_url,
            "TELEGRAM_API_URL": api_url,
            "TELEGRAM_BOT_TOKEN": TOKEN,
        }
    )
    return env


def one_run(mode: str, database_url: str, processes: int, messages: int, chats: int, folder: Path) -> Run:
    engine = make_engine(database_url)
    upgrade(engine)
    world = build_world(engine, people=chats, occurrences=max(messages // chats, 1))
    add_reminders(engine, world, send_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
    expected = chats * max(messages // chats, 1)
    """Reminders; the messages are `chats` check-ins."""

    def reminders_sent() -> int:
        with engine.connect() as connection:
            return int(
                connection.execute(
                    sa.select(sa.func.count()).select_from(outbox).where(outbox.c.state == OutboxState.SENT)
                ).scalar_one()
            )

    with FakeBotApi(token=TOKEN, limits=Limits.telegram()) as api:
        env = environment(database_url, api.url)
        started = time.monotonic()
        workers = [
            subprocess.Popen(
                [*NHACVIEC, "run", "--no-materialise"],
                env=env,
                cwd=folder,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(processes)
        ]
        try:
            deadline = started + 900
            while time.monotonic() < deadline:
                if len(api.delivered()) >= chats and reminders_sent() >= expected:
                    break
                if all(worker.poll() is not None for worker in workers):
                    break  # they all ended (their errors are printed below)
                time.sleep(0.2)
            seconds = time.monotonic() - started
        finally:
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
            for worker in workers:
                _, err = worker.communicate(timeout=120)
                if worker.returncode != 0:
                    print(f"a process ended with {worker.returncode}: {err[-2000:]}", file=sys.stderr)
        carried = reminders_sent()
        engine.dispose()
        sends = api.calls_to("sendMessage")
        if not sends:
            raise RuntimeError(f"{mode}, {processes} process(es): nothing was sent")
        accepted = [call.at for call in sends if call.ok]
        first = min(call.at for call in sends)
        sending = max(accepted) - first if accepted else 0.0
        rate = len(accepted) / sending if sending else 0.0
        return Run(
            mode,
            processes,
            carried,
            len(accepted),
            api.rejections(429),
            seconds,
            sending,
            rate,
            most_in_one_second(accepted),
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1010)
    parser.add_argument("--chats", type=int, default=1010)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--postgres", help="server to create the benchmark database on")
    parser.add_argument("--no-baseline", action="store_true", help="skip the per-process (SQLite) runs")
    args = parser.parse_args()
    server = postgres_server(args.postgres)
    problem = postgres_unreachable(server)
    if problem is not None:
        print(f"PostgreSQL unreachable ({problem}): the shared limits need it.")
        return 1
    runs: list[Run] = []
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        for count in args.processes:
            with database("postgresql", folder, f"procs{count}", server) as url:
                runs.append(one_run("shared", url, count, args.messages, args.chats, folder))
            print(runs[-1], flush=True)
        if not args.no_baseline:
            for count in args.processes:
                with database("sqlite", folder, f"procs{count}", server) as url:
                    runs.append(one_run("per-process", url, count, args.messages, args.chats, folder))
                print(runs[-1], flush=True)
    print()
    print(
        f"{args.messages} reminders to {args.chats} chats, as one check-in per chat; fake Bot API enforcing "
        "30/s overall and 1/s per chat (sliding windows) on all processes together."
    )
    print("messages: sendMessage calls accepted; reminders: outbox rows they carried; rate: messages/s.")
    print(
        f"{'':12} {'processes':>9} {'messages':>8} {'reminders':>9} {'429s':>6} {'seconds':>8} "
        f"{'sending':>8} "
        f"{'rate/s':>7} {'peak/1s':>8}"
    )
    for r in runs:
        print(
            f"{r.mode:12} {r.processes:9d} {r.accepted:8d} {r.reminders:9d} {r.rejected:6d} {r.seconds:8.1f} "
            f"{r.sending:8.1f} {r.rate:7.2f} {r.peak:8d}"
        )
    shared = {r.processes: r for r in runs if r.mode == "shared"}
    baseline = {r.processes: r for r in runs if r.mode == "per-process"}
    for count, ours in shared.items():
        if count in baseline:
            base = baseline[count]
            print(
                f"{count} process(es): shared/per-process time ×{ours.seconds / base.seconds:.2f} "
                f"(sending ×{ours.sending / base.sending:.2f}), "
                f"429s {ours.rejected} vs {base.rejected}"
            )
    expected = args.chats * max(args.messages // args.chats, 1)
    ok = all(r.rejected == 0 and r.peak <= 30 and r.reminders == expected for r in shared.values())
    if 1 in shared and 2 in shared:
        ok = ok and shared[2].sending <= shared[1].sending * 1.05
    verdict = "met" if ok else "NOT met"
    print(f"targets (shared: 0 × 429, peak ≤ 30/s, 2 processes not slower than 1): {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
