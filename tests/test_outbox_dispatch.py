"""The dispatcher end to end in one process: fake Bot API, real database, real PTB client.

Where no real time needs to pass the dispatcher runs on a `SimulatedClock` at `NOW`; where it does
(retries after a backoff of some hundredths of a second, Telegram's `retry_after`) on a
`SystemClock`. Either way the rows' times are computed from the clock the dispatcher is given.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.channels.console import ConsoleChannel
from bot.channels.telegram import TelegramChannel
from bot.clock import Clock, SimulatedClock, SystemClock
from bot.db.models import ChatBinding, OccurrenceState, OutboxState
from bot.outbox.dispatcher import DispatchConfig, Dispatcher
from bot.outbox.ratelimit import RateLimits
from bot.outbox.rows import table_of
from bot.workcal import WorkCalendar
from tests.fakes import FakeBotApi
from tests.fakes.outbox_world import add_reminders, build_world, outbox_rows

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)
"""Friday 20/11/2026, 09:00 in Hà Nội."""
TOKEN = "42:DISPATCH"
LEASE = dt.timedelta(seconds=10)
"""Leaves a claimed row 6.5 s (lease − send timeout − 1 s) to reach the wire: a commit slowed by a
busy machine must not cost a test its row."""
FAST = DispatchConfig(
    lease=LEASE,
    send_timeout=2.5,
    retry_base=0.05,
    retry_cap=0.2,
    concurrency=16,
    drain_timeout=3,
)


def due(clock: Clock) -> dt.datetime:
    """A send time that has just passed."""
    return clock.now() - dt.timedelta(seconds=1)


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(NOW)


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(hang_seconds=4.0) as server:
        yield server


@pytest.fixture
async def telegram(api: FakeBotApi) -> AsyncIterator[TelegramChannel]:
    channel = TelegramChannel(TOKEN, api.url, timeout=2.0)
    await channel.start()
    yield channel
    await channel.close()


def dispatcher(
    engine: Engine, telegram: TelegramChannel, clock: Clock, config: DispatchConfig = FAST
) -> Dispatcher:
    return Dispatcher(
        engine, {"telegram": telegram}, clock=clock, calendar=WorkCalendar(), tz=TZ, config=config
    )


async def run_until_done(d: Dispatcher, engine: Engine, rounds: int = 40) -> None:
    """Dispatch until no row is pending or sending (retries included)."""
    import asyncio

    for _ in range(rounds):
        await d.run(until_idle=True)
        d._stopping = False
        states = {row.state for row in outbox_rows(engine)}
        if not states & {OutboxState.PENDING, OutboxState.SENDING}:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"still pending: {states}")


def deliveries(api: FakeBotApi) -> Counter[int]:
    """How many times each outbox row reached the fake (from the buttons' callback data: a
    check-in carries one button per row)."""
    counted: Counter[int] = Counter()
    for call in api.delivered():
        keyboard = call.params["reply_markup"]["inline_keyboard"]
        rows = {int(button["callback_data"].split(":")[1]) for line in keyboard for button in line}
        counted.update(rows)
    return counted


async def test_every_due_reminder_is_sent_once_and_marked(
    engine: Engine, api: FakeBotApi, telegram: TelegramChannel, clock: Clock
) -> None:
    world = build_world(engine, people=6, occurrences=3)
    ids = add_reminders(engine, world, send_at=due(clock))
    not_yet = add_reminders(engine, world, send_at=clock.now() + dt.timedelta(hours=1), step=1)
    stats = await dispatcher(engine, telegram, clock).run(until_idle=True)
    assert stats.sent == len(ids), [r.error for r in outbox_rows(engine)]
    assert deliveries(api) == Counter({row_id: 1 for row_id in ids})
    rows = {row.id: row for row in outbox_rows(engine)}
    for row_id in ids:
        row = rows[row_id]
        assert row.state == OutboxState.SENT and row.channel == "telegram"
        person = next(p for p, chat in world.chats.items() if chat == row.chat_id)
        assert row.person_id == person
        assert row.sent_message_id and row.sent_at == clock.now() and row.claimed_by is not None
    assert all(rows[row_id].state == OutboxState.PENDING for row_id in not_yet)


@pytest.mark.parametrize("fault", ["429", "500", "hang"])
async def test_reminders_get_through_once_the_fault_clears(
    engine: Engine, api: FakeBotApi, telegram: TelegramChannel, fault: str
) -> None:
    clock = SystemClock()  # the retries come due in real time
    world = build_world(engine, people=5)
    ids = add_reminders(engine, world, send_at=due(clock))
    api.fail_next(4, fault, retry_after=1)  # type: ignore[arg-type]
    await run_until_done(dispatcher(engine, telegram, clock), engine)
    assert deliveries(api) == Counter({row_id: 1 for row_id in ids})
    rows = outbox_rows(engine)
    assert all(row.state == OutboxState.SENT for row in rows)
    retried = [row for row in rows if row.attempts > 1]
    assert retried, "the faults should have caused retries"
    assert all(row.error is None for row in rows)


async def test_flood_control_answer_holds_every_send_for_retry_after(
    engine: Engine, api: FakeBotApi, telegram: TelegramChannel
) -> None:
    clock = SystemClock()  # the retry comes due in real time
    world = build_world(engine, people=3)
    add_reminders(engine, world, send_at=due(clock))
    api.fail_next(1, "429", retry_after=1)
    one_at_a_time = DispatchConfig(lease=LEASE, send_timeout=2.5, retry_base=0.05, concurrency=1)
    await run_until_done(dispatcher(engine, telegram, clock, one_at_a_time), engine)
    rejected = [c for c in api.calls_to("sendMessage") if c.status == 429]
    accepted = api.delivered()
    assert len(rejected) == 1 and len(accepted) == 3
    assert min(c.at for c in accepted) >= rejected[0].at + 0.95


async def test_a_blocked_chat_fails_for_good_and_the_binding_is_blocked(
    engine: Engine, api: FakeBotApi, telegram: TelegramChannel, clock: Clock
) -> None:
    world = build_world(engine, people=2)
    add_reminders(engine, world, send_at=due(clock))
    blocked_person = world.people[0]
    api.block_chat(world.chats[blocked_person])
    stats = await dispatcher(engine, telegram, clock).run(until_idle=True)
    assert (stats.sent, stats.failed) == (1, 1)
    rows = {row.person_id: row for row in outbox_rows(engine)}
    assert rows[blocked_person].state == OutboxState.FAILED
    assert "blocked" in rows[blocked_person].error
    assert rows[world.people[1]].state == OutboxState.SENT
    bindings = table_of(ChatBinding)
    with engine.connect() as connection:
        blocked_at = dict(connection.execute(sa.select(bindings.c.person_id, bindings.c.blocked_at)).all())
    assert blocked_at[blocked_person] == clock.now() and blocked_at[world.people[1]] is None


async def test_a_person_without_a_chat_gets_a_failed_row_with_the_reason(
    engine: Engine, api: FakeBotApi, telegram: TelegramChannel, clock: Clock
) -> None:
    world = build_world(engine, people=2, bind=False)
    add_reminders(engine, world, send_at=due(clock))
    stats = await dispatcher(engine, telegram, clock).run(until_idle=True)
    assert stats.failed == 2 and api.delivered() == []
    assert {(row.state, row.error) for row in outbox_rows(engine)} == {
        (OutboxState.FAILED, "chưa đăng ký kênh nhận tin")
    }


async def test_a_chat_on_a_channel_not_running_waits_instead_of_failing(
    engine: Engine, api: FakeBotApi, telegram: TelegramChannel, clock: Clock
) -> None:
    world = build_world(engine, people=1, channel="zalo")
    add_reminders(engine, world, send_at=due(clock))
    await dispatcher(engine, telegram, clock).run(until_idle=True)
    (row,) = outbox_rows(engine)
    assert row.state == OutboxState.PENDING and "zalo" in row.error


async def test_after_the_maximum_of_attempts_the_row_fails_with_the_last_error(
    engine: Engine, api: FakeBotApi, telegram: TelegramChannel
) -> None:
    clock = SystemClock()  # the retries come due in real time
    world = build_world(engine, people=1)
    add_reminders(engine, world, send_at=due(clock))
    api.fail_next(10, "500")
    config = DispatchConfig(lease=LEASE, send_timeout=2.5, retry_base=0.01, retry_cap=0.02, max_attempts=3)
    await run_until_done(dispatcher(engine, telegram, clock, config), engine)
    (row,) = outbox_rows(engine)
    assert row.state == OutboxState.FAILED and row.attempts == 3
    assert row.error.startswith("đã thử 3 lần không gửi được; lỗi cuối: Telegram:")
    assert len(api.calls_to("sendMessage")) == 3


async def test_a_closed_deadline_is_not_reminded(
    engine: Engine, api: FakeBotApi, telegram: TelegramChannel, clock: Clock
) -> None:
    from bot.db.models import Occurrence

    world = build_world(engine, people=1)
    add_reminders(engine, world, send_at=due(clock))
    occurrences = table_of(Occurrence)
    with engine.begin() as connection:
        connection.execute(sa.update(occurrences).values(state=OccurrenceState.DONE))
    await dispatcher(engine, telegram, clock).run(until_idle=True)
    (row,) = outbox_rows(engine)
    assert row.state == OutboxState.CANCELLED and "done" in row.error
    assert api.delivered() == []


async def test_the_console_takes_everyone_when_no_platform_runs(engine: Engine, clock: Clock) -> None:
    import io

    from rich.console import Console

    world = build_world(engine, people=2, bind=False)
    add_reminders(engine, world, send_at=due(clock))
    buffer = io.StringIO()
    console = ConsoleChannel(Console(file=buffer, width=200, color_system=None))
    d = Dispatcher(
        engine,
        {"console": console},
        clock=clock,
        calendar=WorkCalendar(),
        tz=TZ,
        config=FAST,
        catch_all="console",
    )
    stats = await d.run(until_idle=True)
    assert stats.sent == 2
    printed = buffer.getvalue()
    assert "→ p0000" in printed and "→ p0001" in printed
    assert "1. Hoàn thành" in printed  # no buttons on the console: numbered choices


async def test_our_flood_control_keeps_the_fake_from_ever_answering_429(
    engine: Engine, api: FakeBotApi, telegram: TelegramChannel, clock: Clock
) -> None:
    from tests.fakes import Limits

    api.limits = Limits(per_second=8, chat_interval=0.5)
    # One reminder per person: 24 messages (a person's reminders would go as one check-in).
    world = build_world(engine, people=24, occurrences=1)
    ids = add_reminders(engine, world, send_at=due(clock))
    d = Dispatcher(
        engine,
        {"telegram": telegram},
        clock=clock,
        calendar=WorkCalendar(),
        tz=TZ,
        config=FAST,
        limits={"telegram": RateLimits(per_second=8, chat_interval=0.5)},
    )
    await d.run(until_idle=True)
    assert api.rejections(429) == 0
    assert deliveries(api) == Counter({row_id: 1 for row_id in ids})
    times = sorted(c.at for c in api.delivered())
    assert times[-1] - times[0] >= (len(ids) - 8) / 8 - 0.05  # 24 messages at 8/s
