"""A chat that blocked the bot: nothing more goes to it, from the moment the platform says so, and
every reminder it would have got carries that reason (not "no chat registered")."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import AsyncIterator, Iterator
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from rich.console import Console
from sqlalchemy.engine import Engine

from bot.channels.console import ConsoleChannel
from bot.channels.telegram import TelegramChannel
from bot.clock import SimulatedClock
from bot.db.models import ChatBinding, OutboxState
from bot.outbox.dispatcher import DispatchConfig, Dispatcher
from bot.outbox.ratelimit import RateLimits
from bot.outbox.rows import table_of
from bot.workcal import WorkCalendar
from tests.fakes import FakeBotApi
from tests.fakes.outbox_world import add_reminders, build_world, outbox_rows

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)
TOKEN = "42:BLOCKED"
CONFIG = DispatchConfig(lease=dt.timedelta(seconds=20), send_timeout=2.5, concurrency=16, drain_timeout=3)
BLOCKED_REASON = "người nhận đã chặn bot hoặc không còn cuộc trò chuyện trên telegram (từ 20/11/2026)"


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(NOW)


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as server:
        yield server


@pytest.fixture
async def telegram(api: FakeBotApi) -> AsyncIterator[TelegramChannel]:
    channel = TelegramChannel(TOKEN, api.url, timeout=2.0)
    await channel.start()
    yield channel
    await channel.close()


def dispatcher(engine: Engine, clock: SimulatedClock, **channels: object) -> Dispatcher:
    return Dispatcher(
        engine,
        channels,  # type: ignore[arg-type]
        clock=clock,
        calendar=WorkCalendar(),
        tz=TZ,
        config=CONFIG,
        # One message per chat per second, as on Telegram: the rows of one chat queue up.
        limits={"telegram": RateLimits(chat_interval=1.0)},
    )


async def test_rows_already_claimed_for_a_blocked_chat_are_not_sent(
    engine: Engine, api: FakeBotApi, telegram: TelegramChannel, clock: SimulatedClock
) -> None:
    world = build_world(engine, people=2, occurrences=4, now=clock.now())
    add_reminders(engine, world, send_at=clock.now() - dt.timedelta(seconds=1))
    blocked, other = world.people
    api.block_chat(world.chats[blocked])
    stats = await dispatcher(engine, clock, telegram=telegram).run(until_idle=True)

    to_blocked = [call for call in api.calls_to("sendMessage") if call.chat_id == world.chats[blocked]]
    assert len(to_blocked) == 1, "after the first 403 nothing more goes to that chat"
    assert (stats.sent, stats.failed) == (4, 4)
    rows = [row for row in outbox_rows(engine) if row.person_id == blocked]
    assert all(row.state == OutboxState.FAILED for row in rows)
    reasons = sorted(row.error for row in rows)
    # The four rows went as one check-in: the platform refused that one message.
    assert reasons == ["Telegram: Forbidden: bot was blocked by the user"] * 4
    assert all(row.state == OutboxState.SENT for row in outbox_rows(engine) if row.person_id == other)


async def test_later_reminders_of_a_blocked_person_say_blocked_not_unregistered(
    engine: Engine, api: FakeBotApi, telegram: TelegramChannel, clock: SimulatedClock
) -> None:
    world = build_world(engine, people=1, occurrences=1, now=clock.now())
    add_reminders(engine, world, send_at=clock.now() - dt.timedelta(seconds=1))
    api.block_chat(world.chats[world.people[0]])
    await dispatcher(engine, clock, telegram=telegram).run(until_idle=True)
    assert len(api.calls_to("sendMessage")) == 1

    clock.advance(dt.timedelta(days=1))
    add_reminders(engine, world, send_at=clock.now() - dt.timedelta(seconds=1), step=1)
    stats = await dispatcher(engine, clock, telegram=telegram).run(until_idle=True)
    assert stats.failed == 1
    assert len(api.calls_to("sendMessage")) == 1, "a blocked chat is not tried again"
    latest = outbox_rows(engine)[-1]
    assert latest.state == OutboxState.FAILED
    assert latest.error.startswith(BLOCKED_REASON)
    assert "chưa đăng ký" not in latest.error


async def test_a_person_with_another_chat_gets_it_there(
    engine: Engine, api: FakeBotApi, telegram: TelegramChannel, clock: SimulatedClock
) -> None:
    world = build_world(engine, people=1, occurrences=3, now=clock.now())
    person = world.people[0]
    with engine.begin() as connection:
        connection.execute(
            sa.insert(table_of(ChatBinding)).values(
                person_id=person, channel="console", chat_id="console-chat", bound_at=clock.now()
            )
        )
    add_reminders(engine, world, send_at=clock.now() - dt.timedelta(seconds=1))
    api.block_chat(world.chats[person])
    printed = io.StringIO()
    console = ConsoleChannel(Console(file=printed, width=200, color_system=None))
    stats = await dispatcher(engine, clock, telegram=telegram, console=console).run(until_idle=True)

    assert len(api.calls_to("sendMessage")) == 1
    # Nothing reached the blocked chat: the whole check-in goes to the person's other chat, once.
    assert (stats.sent, stats.failed) == (3, 0)
    assert printed.getvalue().count("→ console-chat") == 1
    sent = [row for row in outbox_rows(engine) if row.state == OutboxState.SENT]
    assert {row.channel for row in sent} == {"console"}


def test_the_blocked_reason_has_an_english_translation() -> None:
    from bot.outbox.messages import CHAT_BLOCKED, render

    english = render("en", CHAT_BLOCKED, channels="telegram", since="20/11/2026")
    assert english.startswith("the recipient blocked the bot or left the chat on telegram (since 20/11/2026)")
