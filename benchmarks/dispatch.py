"""Dispatch under Telegram's flood limits: the outbox dispatcher against a naive sender.

Run: `.venv/bin/python benchmarks/dispatch.py [--messages 3000] [--chats 300]` (about 100 s per
side at the defaults).

Both sides deliver `--messages` reminders, all due at once, round robin over `--chats` private
chats, through the loopback fake Bot API (`tests/fakes/bot_api.py`) enforcing Telegram's limits:
at most 30 accepted messages in any sliding 1-second window, at most one per chat per second;
beyond them it answers 429 with `retry_after`.

- **nhacviec**: the real dispatcher (`bot.outbox.dispatcher.Dispatcher`) on a SQLite outbox, with
  the Telegram channel (PTB 22) and our flood control (`bot.outbox.ratelimit`). A person's
  reminders due at once go as one check-in (issue #11): with more reminders than chats it sends
  one message per chat, carrying `--messages / --chats` reminders each.
- **naive**: the same PTB bot, 64 concurrent senders, no limiting, one message per reminder (as
  the bot did before check-ins); on a 429 a sender sleeps `retry_after` and tries again.

The table counts both: `messages` (sendMessage calls accepted) and `reminders` (what they carried);
the rate is messages per second, the flood limits being per message. Compare `all in` (seconds
until every reminder was delivered) for what a person waits, the rate and lateness for the flood
control itself (with one message per chat, the per-chat limit is only exercised by the naive side:
run with `--messages` equal to `--chats` to compare the two on the same messages).
- **ptb-aiolimiter** (with `--ptb-limiter`, needs `aiolimiter`, PTB's `rate-limiter` extra): the
  same 64 senders through PTB's `AIORateLimiter` (30/s overall, 20/min per group, up to 5
  retries on 429): the alternative to our own flood control, measured side by side.

Figures, from the fake server's own clock (the moment it handled each call):
- rate: accepted messages / (last acceptance − start), messages per second;
- 429s: calls refused by flood control;
- lateness of a message: its acceptance time minus the earliest time the limits allowed it,
  given the messages accepted before it: max(start, acceptance of the 30th-previous accepted
  message + 1 s, acceptance of the previous message to the same chat + 1 s). 0 means it went
  out the moment the limits let it; p50 / p99 / max over all messages.
Targets for nhacviec: rate ≥ 28/s, zero 429s, p99 lateness ≤ 2 s.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import importlib.util
import statistics
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from telegram import Bot  # noqa: E402
from telegram.error import RetryAfter, TelegramError  # noqa: E402
from telegram.request import HTTPXRequest  # noqa: E402

from bot.channels.telegram import TelegramChannel  # noqa: E402
from bot.clock import SystemClock  # noqa: E402
from bot.db.engine import make_engine  # noqa: E402
from bot.db.migrate import upgrade  # noqa: E402
from bot.db.models import OutboxState  # noqa: E402
from bot.outbox.dispatcher import DispatchConfig, Dispatcher  # noqa: E402
from bot.outbox.ratelimit import RateLimits  # noqa: E402
from bot.workcal import WorkCalendar  # noqa: E402
from tests.fakes import Call, FakeBotApi, Limits  # noqa: E402
from tests.fakes.outbox_world import add_reminders, build_world, outbox_rows  # noqa: E402

TOKEN = "1000:BENCHMARK"
PER_SECOND = 30
CHAT_INTERVAL = 1.0
TARGET_RATE = 28.0
TARGET_P99 = 2.0


def ratio(value: float, base: float) -> float:
    return value / base if base else float("inf")


@dataclass(frozen=True)
class Figures:
    name: str
    reminders: int
    """Reminders the accepted messages carried."""
    accepted: int
    rejected: int
    seconds: float
    rate: float
    p50: float
    p99: float
    worst: float


def lateness(calls: list[Call], start: float) -> list[float]:
    """Per accepted message: acceptance − earliest moment the limits allowed it (see above)."""
    window: deque[float] = deque()
    last_in_chat: dict[str, float] = {}
    late: list[float] = []
    for call in sorted(calls, key=lambda c: c.at):
        allowed = start
        if len(window) == PER_SECOND:
            allowed = max(allowed, window[0] + 1.0)
        chat = call.chat_id or ""
        if chat in last_in_chat:
            allowed = max(allowed, last_in_chat[chat] + CHAT_INTERVAL)
        late.append(max(0.0, call.at - allowed))
        window.append(call.at)
        if len(window) > PER_SECOND:
            window.popleft()
        last_in_chat[chat] = call.at
    return late


def figures(name: str, api: FakeBotApi, start: float, reminders: int) -> Figures:
    accepted = api.delivered()
    late = lateness(accepted, start)
    seconds = max(c.at for c in accepted) - start
    quantiles = statistics.quantiles(late, n=100) if len(late) > 1 else [late[0]] * 99
    return Figures(
        name,
        reminders,
        len(accepted),
        api.rejections(429),
        seconds,
        len(accepted) / seconds,
        statistics.median(late),
        quantiles[98],
        max(late),
    )


async def ours(api: FakeBotApi, messages: int, chats: int, folder: Path) -> Figures:
    engine = make_engine(f"sqlite:///{folder / 'bench.db'}")
    upgrade(engine)
    clock = SystemClock()  # the benchmark measures real time: it is its own composition root
    world = build_world(engine, people=chats, occurrences=messages // chats, now=clock.now())
    add_reminders(engine, world, send_at=clock.now() - dt.timedelta(seconds=1))
    channel = TelegramChannel(TOKEN, api.url, timeout=10)
    await channel.start()
    api.reset()
    dispatcher = Dispatcher(
        engine,
        {"telegram": channel},
        clock=clock,
        calendar=WorkCalendar(),
        tz=ZoneInfo("Asia/Ho_Chi_Minh"),
        config=DispatchConfig(),
        limits={"telegram": RateLimits.telegram()},
    )
    start = time.monotonic()
    await dispatcher.run(until_idle=True)
    await channel.close()
    carried = sum(1 for row in outbox_rows(engine) if row.state == OutboxState.SENT)
    engine.dispose()
    return figures("nhacviec", api, start, carried)


async def naive(api: FakeBotApi, messages: int, chats: int) -> Figures:
    bot = Bot(
        TOKEN, base_url=f"{api.url}/bot", request=HTTPXRequest(connection_pool_size=64, read_timeout=10)
    )
    await bot.initialize()
    api.reset()
    queue: asyncio.Queue[tuple[int, str]] = asyncio.Queue()
    for index in range(messages):
        queue.put_nowait((index, str(100_000 + index % chats)))

    async def sender() -> None:
        while not queue.empty():
            index, chat = queue.get_nowait()
            while True:
                try:
                    await bot.send_message(chat, f"Nhắc việc số {index}")
                    break
                except RetryAfter as exc:
                    await asyncio.sleep(float(exc._retry_after.total_seconds()))
                except TelegramError:
                    await asyncio.sleep(0.5)

    start = time.monotonic()
    await asyncio.gather(*(sender() for _ in range(64)))
    await bot.shutdown()
    return figures("naive", api, start, len(api.delivered()))


async def ptb_limiter(api: FakeBotApi, messages: int, chats: int) -> Figures:
    from telegram.ext import AIORateLimiter, ExtBot

    bot = ExtBot(
        TOKEN,
        base_url=f"{api.url}/bot",
        request=HTTPXRequest(connection_pool_size=64, read_timeout=10),
        rate_limiter=AIORateLimiter(max_retries=5),
    )
    await bot.initialize()
    api.reset()
    queue: asyncio.Queue[tuple[int, str]] = asyncio.Queue()
    for index in range(messages):
        queue.put_nowait((index, str(100_000 + index % chats)))

    async def sender() -> None:
        while not queue.empty():
            index, chat = queue.get_nowait()
            await bot.send_message(chat, f"Nhắc việc số {index}")

    start = time.monotonic()
    await asyncio.gather(*(sender() for _ in range(64)))
    await bot.shutdown()
    return figures("ptb-aiolimiter", api, start, len(api.delivered()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--chats", type=int, default=300)
    parser.add_argument("--ptb-limiter", action="store_true", help="also measure PTB's AIORateLimiter")
    args = parser.parse_args()
    results = []
    with (
        tempfile.TemporaryDirectory() as folder,
        FakeBotApi(limits=Limits(PER_SECOND, CHAT_INTERVAL, 20)) as api,
    ):
        results.append(asyncio.run(ours(api, args.messages, args.chats, Path(folder))))
        api.reset()
        results.append(asyncio.run(naive(api, args.messages, args.chats)))
        if args.ptb_limiter:
            if importlib.util.find_spec("aiolimiter") is None:
                print("--ptb-limiter needs aiolimiter: pip install 'python-telegram-bot[rate-limiter]'")
            else:
                api.reset()
                results.append(asyncio.run(ptb_limiter(api, args.messages, args.chats)))
    print(
        f"{args.messages} reminders to {args.chats} chats, fake Bot API enforcing {PER_SECOND}/s overall "
        f"and 1/s per chat (sliding windows)."
    )
    print(
        "lateness = acceptance − earliest time the limits allowed it, given the messages accepted before "
        "it (max of start, 30th-previous acceptance + 1 s, previous acceptance in the same chat + 1 s)."
    )
    print(
        f"{'':14} {'messages':>8} {'reminders':>9} {'429s':>6} {'all in':>7} {'msgs/s':>7} {'p50 late':>9} "
        f"{'p99 late':>9} {'max late':>9}"
    )
    for r in results:
        print(
            f"{r.name:14} {r.accepted:8d} {r.reminders:9d} {r.rejected:6d} {r.seconds:6.1f}s {r.rate:7.2f} "
            f"{r.p50:8.3f}s {r.p99:8.3f}s {r.worst:8.3f}s"
        )
    us, them = results[:2]
    print(
        f"ratio nhacviec/naive: messages {us.accepted} vs {them.accepted} for {us.reminders} vs "
        f"{them.reminders} reminders, all in {us.seconds:.1f}s vs {them.seconds:.1f}s "
        f"(×{ratio(them.seconds, us.seconds):.2f} sooner), rate ×{us.rate / them.rate:.2f} (messages/s), "
        f"429s {us.rejected} vs {them.rejected}, p99 lateness {us.p99:.3f}s vs {them.p99:.3f}s"
    )
    # The rate is only a target when there are enough messages to fill the 30/s window for a while.
    rate_ok = us.rate >= TARGET_RATE or us.accepted < 2 * PER_SECOND
    ok = rate_ok and us.rejected == 0 and us.p99 <= TARGET_P99 and us.reminders == args.messages
    print(f"targets (rate ≥ {TARGET_RATE}/s, zero 429, p99 ≤ {TARGET_P99} s): {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
