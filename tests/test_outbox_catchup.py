"""After downtime only the latest reminder per deadline and person goes out, marked late.

The restart happens at `NOW` (a `SimulatedClock` for the dispatcher); the missed rows' times are
computed from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine

from bot.channels.telegram import TelegramChannel
from bot.clock import SimulatedClock
from bot.db.models import OutboxKind, OutboxState
from bot.outbox.catchup import catch_up
from bot.outbox.dispatcher import DispatchConfig, Dispatcher
from bot.workcal import WorkCalendar
from tests.fakes import FakeBotApi
from tests.fakes.outbox_world import add_reminders, build_world, outbox_rows

GRACE = dt.timedelta(minutes=10)
NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)
"""The restart: Friday 20/11/2026, 09:00 in Hà Nội."""


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as server:
        yield server


def seed_downtime(engine: Engine) -> tuple[dt.datetime, dict[str, list[int]]]:
    """Two deadlines × two people; each pair missed three reminders (3 and 1 days before, due)."""
    now = NOW
    world = build_world(engine, people=2, occurrences=2, now=now - dt.timedelta(days=30))
    ids = {
        "3 days before": add_reminders(engine, world, send_at=now - dt.timedelta(days=3), step=3),
        "1 day before": add_reminders(engine, world, send_at=now - dt.timedelta(days=1), step=1),
        "due": add_reminders(engine, world, send_at=now - dt.timedelta(hours=2), kind=OutboxKind.DUE, step=0),
        "recent": add_reminders(
            engine,
            world,
            send_at=now - dt.timedelta(minutes=1),
            kind=OutboxKind.OVERDUE,
            step=1,
            occurrences=world.occurrence_ids[:1],
            people=world.people[:1],
        ),
        "future": add_reminders(
            engine, world, send_at=now + dt.timedelta(days=1), kind=OutboxKind.OVERDUE, step=2
        ),
    }
    return now, ids


def test_only_the_latest_missed_reminder_per_deadline_and_person_survives(engine: Engine) -> None:
    now, ids = seed_downtime(engine)
    result = catch_up(engine, now, GRACE)
    assert (result.late, result.cancelled) == (4, 8)
    rows = {row.id: row for row in outbox_rows(engine)}
    for row_id in ids["3 days before"] + ids["1 day before"]:
        assert (rows[row_id].state, rows[row_id].error) == (OutboxState.CANCELLED, "đã có nhắc mới hơn")
    for row_id in ids["due"]:
        assert rows[row_id].state == OutboxState.PENDING and rows[row_id].late
    # Within the grace period, or not due yet: untouched.
    for row_id in ids["recent"] + ids["future"]:
        assert rows[row_id].state == OutboxState.PENDING and not rows[row_id].late


def test_catching_up_twice_changes_nothing_more(engine: Engine) -> None:
    now, _ = seed_downtime(engine)
    catch_up(engine, now, GRACE)
    before = outbox_rows(engine)
    again = catch_up(engine, now, GRACE)
    assert again.cancelled == 0
    assert outbox_rows(engine) == before


async def test_the_late_reminder_says_it_is_late(engine: Engine, api: FakeBotApi) -> None:
    now, ids = seed_downtime(engine)
    catch_up(engine, now, GRACE)
    telegram = TelegramChannel("1:LATE", api.url, timeout=2.0)
    await telegram.start()
    try:
        d = Dispatcher(
            engine,
            {"telegram": telegram},
            clock=SimulatedClock(now),
            calendar=WorkCalendar(),
            tz=ZoneInfo("Asia/Ho_Chi_Minh"),
            config=DispatchConfig(lease=dt.timedelta(seconds=10), send_timeout=2.5),
        )
        stats = await d.run(until_idle=True)
    finally:
        await telegram.close()
    assert stats.sent == 5  # 4 late "due" reminders and the recent one; nothing cancelled went out
    # One check-in per person, never a burst: each names its deadlines once and says it is late.
    delivered = api.delivered()
    assert len(delivered) == 2
    shown: set[int] = set()
    for call in delivered:
        keyboard = call.params["reply_markup"]["inline_keyboard"]
        shown |= {int(button["callback_data"].split(":")[1]) for line in keyboard for button in line}
        assert "(trễ: hệ thống tạm ngừng, nay gửi bù)" in call.params["text"]
    # The recent overdue row stands for its deadline; the late "due" row of it is covered by it.
    assert shown == (set(ids["due"]) - {ids["due"][0]}) | set(ids["recent"])
