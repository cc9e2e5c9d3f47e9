"""The check-in as the unit of sending, over the fake Bot API on a real database: a person's due
rows are claimed together, sent as one message and marked together; a crash re-sends one
check-in, two dispatchers never double one, catch-up sends one, and the message budget drops
progress nudges and "before" reminders (never overdue ones) and tells the admin once."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.channels.telegram import TelegramChannel
from bot.channels.zalo import ZaloChannel
from bot.clock import SimulatedClock
from bot.db.models import BudgetNotice, Checkin, OutboxKind, OutboxMessage, OutboxState
from bot.outbox import claim as store
from bot.outbox.catchup import catch_up
from bot.outbox.checkin import Detail
from bot.outbox.dispatcher import DispatchConfig, Dispatcher
from bot.outbox.rows import table_of
from bot.workcal import WorkCalendar
from tests.fakes import FakeBotApi
from tests.fakes.bot_api import ZaloBotApi
from tests.fakes.outbox_world import PLAN_TITLE, add_reminders, build_world, outbox_rows

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 11, 20, 1, 0, tzinfo=dt.UTC)
"""Friday 20/11/2026, 08:00 in Hà Nội: the morning send slot."""
ZALO_TOKEN = "1459232241454765289:fake-zalo-secret"
CONFIG = DispatchConfig(
    lease=dt.timedelta(seconds=10), send_timeout=2.5, retry_base=0.05, retry_cap=0.2, drain_timeout=3
)


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as server:
        yield server


@pytest.fixture
async def telegram(api: FakeBotApi) -> AsyncIterator[TelegramChannel]:
    channel = TelegramChannel("42:CHECKIN", api.url, timeout=2.0)
    await channel.start()
    yield channel
    await channel.close()


def dispatcher(
    engine: Engine, telegram: TelegramChannel, clock: SimulatedClock, **extra: object
) -> Dispatcher:
    return Dispatcher(
        engine,
        {"telegram": telegram},
        clock=clock,
        calendar=WorkCalendar(),
        tz=TZ,
        config=CONFIG,
        **extra,  # type: ignore[arg-type]
    )


def shown_rows(api: FakeBotApi) -> Counter[int]:
    """Outbox rows per delivered message, read from the items' buttons."""
    counted: Counter[int] = Counter()
    for call in api.delivered():
        keyboard = call.params.get("reply_markup", {}).get("inline_keyboard", [])
        counted.update({int(b["callback_data"].split(":")[1]) for line in keyboard for b in line})
    return counted


def checkins(engine: Engine) -> list[sa.Row[tuple[object, ...]]]:
    table = table_of(Checkin)
    with engine.connect() as connection:
        return list(connection.execute(sa.select(table).order_by(table.c.id)))


async def test_a_persons_due_rows_go_as_one_message_and_are_marked_together(
    engine: Engine, api: FakeBotApi, telegram: TelegramChannel
) -> None:
    clock = SimulatedClock(NOW)
    world = build_world(engine, people=3, occurrences=7, now=NOW - dt.timedelta(days=30))
    ids = add_reminders(engine, world, send_at=NOW - dt.timedelta(seconds=1))
    stats = await dispatcher(engine, telegram, clock).run(until_idle=True)

    assert (stats.sent, stats.checkins) == (21, 3)
    delivered = api.delivered()
    assert len(delivered) == 3, "one message per person, not one per reminder"
    assert sorted(call.chat_id for call in delivered) == sorted(world.chats.values())
    assert shown_rows(api) == Counter({row_id: 1 for row_id in ids})
    for call in delivered:
        assert len(call.params["text"]) <= 4096
        assert call.params["text"].count("Nhiệm vụ III.2.c") == 7
    rows = outbox_rows(engine)
    assert all(row.state == OutboxState.SENT and row.checkin_id is not None for row in rows)
    made = checkins(engine)
    assert len(made) == 3
    for checkin in made:
        mine = [row for row in rows if row.checkin_id == checkin.id]
        assert len(mine) == 7 and {row.sent_message_id for row in mine} == {checkin.sent_message_id}
        assert [item["n"] for item in checkin.items] == list(range(1, 8))
        assert {item["outbox_id"] for item in checkin.items} == {row.id for row in mine}


async def test_zalo_gets_one_message_within_2000_characters_with_how_many_more(engine: Engine) -> None:
    clock = SimulatedClock(NOW)
    world = build_world(engine, people=1, occurrences=64, channel="zalo", now=NOW - dt.timedelta(days=30))
    add_reminders(engine, world, send_at=NOW - dt.timedelta(seconds=1), kind=OutboxKind.OVERDUE)
    with ZaloBotApi(token=ZALO_TOKEN, poll_wait=0.05) as zalo_api:
        zalo = ZaloChannel(ZALO_TOKEN, zalo_api.url, timeout=2.0)
        try:
            d = Dispatcher(engine, {"zalo": zalo}, clock=clock, calendar=WorkCalendar(), tz=TZ, config=CONFIG)
            stats = await d.run(until_idle=True)
        finally:
            await zalo.close()
        (call,) = zalo_api.calls_to("sendMessage")
    text = call.params["text"]
    assert len(text) <= 2000
    assert "— gõ /viec" in text and "… còn" in text
    (checkin,) = checkins(engine)
    assert stats.sent == 64 and checkin.total == 64 and 1 < checkin.shown < 64
    assert f"… còn {64 - checkin.shown} việc — gõ /viec" in text


async def test_a_crash_between_send_and_mark_resends_one_check_in_not_one_per_row(
    engine: Engine, api: FakeBotApi, telegram: TelegramChannel
) -> None:
    world = build_world(engine, people=1, occurrences=5, now=NOW - dt.timedelta(days=30))
    ids = add_reminders(engine, world, send_at=NOW - dt.timedelta(seconds=1))
    # A worker claimed the person's rows, sent the check-in and died before marking them.
    claimed = store.claim(engine, "dead-worker", NOW, CONFIG.lease, 10)
    assert sorted(c.id for c in claimed) == ids
    later = SimulatedClock(NOW + CONFIG.lease + dt.timedelta(seconds=1))
    stats = await dispatcher(engine, telegram, later).run(until_idle=True)
    assert len(api.delivered()) == 1, "the re-send is one check-in"
    assert stats.sent == 5
    assert {row.state for row in outbox_rows(engine)} == {OutboxState.SENT}
    assert not store.mark_checkin_sent(
        engine,
        ids,
        "dead-worker",
        checkin={"person_id": world.people[0], "kind": "checkin", "items": [], "shown": 0, "total": 0},
        channel="telegram",
        chat_id="1",
        message_id="1",
        now=later.now(),
    ), "the dead worker can no longer mark the rows"


async def test_two_dispatchers_on_one_database_never_double_a_check_in(
    engine: Engine, api: FakeBotApi, telegram: TelegramChannel
) -> None:
    clock = SimulatedClock(NOW)
    world = build_world(engine, people=12, occurrences=4, now=NOW - dt.timedelta(days=30))
    ids = add_reminders(engine, world, send_at=NOW - dt.timedelta(seconds=1))
    small = DispatchConfig(
        lease=CONFIG.lease, send_timeout=2.5, retry_base=0.05, retry_cap=0.2, drain_timeout=3, batch=2
    )
    first = Dispatcher(
        engine,
        {"telegram": telegram},
        clock=clock,
        calendar=WorkCalendar(),
        tz=TZ,
        config=small,
        worker="one",
    )
    second = Dispatcher(
        engine,
        {"telegram": telegram},
        clock=clock,
        calendar=WorkCalendar(),
        tz=TZ,
        config=small,
        worker="two",
    )
    one, two = await asyncio.gather(first.run(until_idle=True), second.run(until_idle=True))
    assert one.sent + two.sent == len(ids)
    per_chat = Counter(call.chat_id for call in api.delivered())
    assert per_chat == Counter({chat: 1 for chat in world.chats.values()})
    assert shown_rows(api) == Counter({row_id: 1 for row_id in ids})
    assert len(checkins(engine)) == 12


async def test_after_downtime_a_person_gets_one_late_check_in(
    engine: Engine, api: FakeBotApi, telegram: TelegramChannel
) -> None:
    world = build_world(engine, people=1, occurrences=6, now=NOW - dt.timedelta(days=30))
    for days in (5, 3, 1):
        add_reminders(engine, world, send_at=NOW - dt.timedelta(days=days), step=days)
    catch_up(engine, NOW, dt.timedelta(minutes=15))
    await dispatcher(engine, telegram, SimulatedClock(NOW)).run(until_idle=True)
    (call,) = api.delivered()
    assert "(trễ: hệ thống tạm ngừng, nay gửi bù)" in call.params["text"]
    assert call.params["text"].count("Nhiệm vụ III.2.c") == 6


async def test_the_budget_drops_progress_then_before_never_overdue_and_tells_the_admin_once(
    engine: Engine, api: FakeBotApi, telegram: TelegramChannel
) -> None:
    clock = SimulatedClock(NOW)
    world = build_world(engine, people=1, occurrences=3, now=NOW - dt.timedelta(days=30))
    person = world.people[0]
    # 9 of a budget of 10 messages used this month: past 90 %, "before" reminders go too.
    with engine.begin() as connection:
        for n in range(9):
            connection.execute(
                sa.insert(table_of(Checkin)).values(
                    person_id=person,
                    kind="checkin",
                    channel="telegram",
                    chat_id="1",
                    sent_message_id=str(n),
                    sent_at=NOW - dt.timedelta(days=1, minutes=n),
                    items=[],
                    shown=0,
                    total=0,
                )
            )
    occ = world.occurrence_ids
    due = NOW - dt.timedelta(seconds=1)
    add_reminders(engine, world, send_at=due, kind=OutboxKind.PROGRESS, occurrences=occ[:1])
    add_reminders(engine, world, send_at=due, kind=OutboxKind.BEFORE, occurrences=occ[1:2])
    add_reminders(engine, world, send_at=due, kind=OutboxKind.OVERDUE, occurrences=occ[2:])
    told: list[str] = []
    d = dispatcher(engine, telegram, clock, budgets={"telegram": 10, "zalo": None}, on_notice=told.append)
    await d.run(until_idle=True)

    rows = {row.kind: row for row in outbox_rows(engine)}
    assert rows[OutboxKind.OVERDUE].state == OutboxState.SENT
    for kind in (OutboxKind.PROGRESS, OutboxKind.BEFORE):
        assert rows[kind].state == OutboxState.CANCELLED
        assert (
            rows[kind].error
            == "không gửi: telegram đã dùng 9/10 tin nhắn của tháng 2026-11 (hạn mức tin nhắn)"
        )
    assert len(api.delivered()) == 1
    assert len(told) == 1 and "TELEGRAM_MONTHLY_MESSAGE_BUDGET" in told[0] and "9/10" in told[0]

    # The next progress nudge is dropped too, but the admin is not told again this month.
    add_reminders(engine, world, send_at=due, kind=OutboxKind.PROGRESS, occurrences=occ[:1], step=9)
    await dispatcher(engine, telegram, clock, budgets={"telegram": 10}, on_notice=told.append).run(
        until_idle=True
    )
    assert len(told) == 1
    with engine.connect() as connection:
        assert (
            connection.execute(sa.select(sa.func.count()).select_from(table_of(BudgetNotice))).scalar_one()
            == 1
        )


async def test_minimal_detail_sends_only_the_count(
    engine: Engine, api: FakeBotApi, telegram: TelegramChannel
) -> None:
    world = build_world(engine, people=1, occurrences=3, now=NOW - dt.timedelta(days=30))
    add_reminders(engine, world, send_at=NOW - dt.timedelta(seconds=1))
    await dispatcher(engine, telegram, SimulatedClock(NOW), detail=Detail.MINIMAL).run(until_idle=True)
    (call,) = api.delivered()
    assert call.params["text"] == "Anh/chị có 3 việc cần cập nhật — gõ /viec"
    assert "reply_markup" not in call.params or not call.params["reply_markup"].get("inline_keyboard")


async def test_what_falls_due_after_todays_check_in_waits_for_the_next_slot(
    engine: Engine, api: FakeBotApi, telegram: TelegramChannel
) -> None:
    world = build_world(
        engine, people=1, occurrences=3, first_due=dt.date(2026, 12, 1), now=NOW - dt.timedelta(days=30)
    )
    morning = NOW  # 08:00
    first = add_reminders(engine, world, send_at=morning, occurrences=world.occurrence_ids[:1])
    await dispatcher(engine, telegram, SimulatedClock(morning)).run(until_idle=True)
    assert len(api.delivered()) == 1

    # At 14:00 a plan sync adds two "before" reminders of this morning's slot: they wait.
    afternoon = SimulatedClock(NOW + dt.timedelta(hours=6))
    later = add_reminders(
        engine, world, send_at=morning, occurrences=world.occurrence_ids[1:], step=5, now=afternoon.now()
    )
    stats = await dispatcher(engine, telegram, afternoon).run(until_idle=True)
    assert stats.sent == 0 and len(api.delivered()) == 1
    rows = {row.id: row for row in outbox_rows(engine)}
    monday = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)  # the next working day, 08:00
    for row_id in later:
        assert (rows[row_id].state, rows[row_id].next_attempt_at, rows[row_id].attempts) == (
            OutboxState.PENDING,
            monday,
            0,
        )
    assert rows[first[0]].state == OutboxState.SENT

    # On Monday's slot they go, as one check-in.
    stats = await dispatcher(engine, telegram, SimulatedClock(monday)).run(until_idle=True)
    assert (stats.sent, stats.checkins, len(api.delivered())) == (2, 1, 2)


async def test_an_overdue_item_or_a_snooze_does_not_wait_for_the_next_slot(
    engine: Engine, api: FakeBotApi, telegram: TelegramChannel
) -> None:
    world = build_world(
        engine, people=1, occurrences=2, first_due=dt.date(2026, 12, 1), now=NOW - dt.timedelta(days=30)
    )
    add_reminders(engine, world, send_at=NOW, occurrences=world.occurrence_ids[:1])
    await dispatcher(engine, telegram, SimulatedClock(NOW)).run(until_idle=True)
    afternoon = NOW + dt.timedelta(hours=6)
    (snoozed,) = add_reminders(
        engine, world, send_at=NOW, occurrences=world.occurrence_ids[1:], step=5, now=afternoon
    )
    with engine.begin() as connection:  # the person asked to be reminded at 14:00
        connection.execute(
            sa.update(table_of(OutboxMessage))
            .where(table_of(OutboxMessage).c.id == snoozed)
            .values(next_attempt_at=afternoon)
        )
    stats = await dispatcher(engine, telegram, SimulatedClock(afternoon)).run(until_idle=True)
    assert stats.sent == 1 and len(api.delivered()) == 2


async def test_a_leader_gets_one_check_in_and_one_escalation_message(
    engine: Engine, api: FakeBotApi, telegram: TelegramChannel
) -> None:
    world = build_world(engine, people=1, occurrences=4, now=NOW - dt.timedelta(days=30))
    due = NOW - dt.timedelta(seconds=1)
    add_reminders(engine, world, send_at=due, occurrences=world.occurrence_ids[:2])
    late = add_reminders(
        engine, world, send_at=due, kind=OutboxKind.ESCALATION, occurrences=world.occurrence_ids[2:]
    )
    stats = await dispatcher(engine, telegram, SimulatedClock(NOW)).run(until_idle=True)
    assert (stats.sent, stats.checkins) == (4, 2)
    texts = sorted(call.params["text"] for call in api.delivered())
    assert len(texts) == 2
    escalation = next(text for text in texts if "Báo cáo lãnh đạo" in text)
    assert escalation.count("Nhiệm vụ III.2.c") == 2
    # Plan text is escaped for Telegram's HTML.
    assert "Đơn vị chậm: Sở Kế hoạch &amp; Đầu tư &lt;Thanh Hóa&gt;" in escalation
    assert "Rà soát &lt;quy hoạch&gt; &amp; báo cáo" in escalation and "<quy hoạch>" not in escalation
    assert "Kính gửi" not in escalation
    kinds = {row.checkin_id: row.kind for row in outbox_rows(engine) if row.id in late}
    assert len(kinds) == 1, "the escalations went in one message"


@pytest.mark.parametrize("detail", [Detail.MINIMAL, Detail.TITLE])
async def test_a_single_reminder_keeps_the_detail_setting(
    engine: Engine, api: FakeBotApi, telegram: TelegramChannel, detail: Detail
) -> None:
    world = build_world(engine, people=1, occurrences=1, now=NOW - dt.timedelta(days=30))
    add_reminders(engine, world, send_at=NOW - dt.timedelta(seconds=1))
    await dispatcher(engine, telegram, SimulatedClock(NOW), detail=detail).run(until_idle=True)
    (call,) = api.delivered()
    text = call.params["text"]
    assert "Kế hoạch" not in text and PLAN_TITLE not in text  # no plan text either way
    if detail is Detail.MINIMAL:
        assert text == "Anh/chị có 1 việc cần cập nhật — gõ /viec"
    else:
        assert "1. Nhiệm vụ III.2.c: Rà soát &lt;quy hoạch&gt; &amp; báo cáo — hạn 30/06/2017" in text
