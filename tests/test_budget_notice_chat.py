"""The budget notice in chat, over the fake Bot API on a real database (SQLite and PostgreSQL): when a
channel's monthly budget first makes the dispatcher drop reminders at 80 % (progress nudges) or
90 % ("before" reminders too), each admin (else each chief) gets one message, in their language,
once per channel, level and month, however many passes or processes; the notice itself is never
dropped, and spares the exhausted channel when the admin has another chat."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.channels.base import Channel
from bot.channels.telegram import TelegramChannel
from bot.channels.zalo import ZaloChannel
from bot.clock import SimulatedClock
from bot.db.models import BudgetNotice, ChatBinding, Checkin, OutboxKind, OutboxState, Person
from bot.db.roles import Role
from bot.outbox.budget import Usage
from bot.outbox.checkin import Detail
from bot.outbox.dispatcher import DispatchConfig, Dispatcher
from bot.outbox.notice import tell_admins
from bot.outbox.rows import table_of
from bot.workcal import WorkCalendar
from tests.fakes import FakeBotApi
from tests.fakes.bot_api import ZaloBotApi
from tests.fakes.outbox_world import World, add_reminders, build_world, outbox_rows

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 11, 20, 1, 0, tzinfo=dt.UTC)
"""Friday 20/11/2026, 08:00 in Hà Nội."""
DUE = NOW - dt.timedelta(seconds=1)
ZALO_TOKEN = "1459232241454765289:fake-zalo-secret"
CONFIG = DispatchConfig(
    lease=dt.timedelta(seconds=10), send_timeout=2.5, retry_base=0.05, retry_cap=0.2, drain_timeout=3
)
VI_PROGRESS = (
    "Kênh Telegram đã dùng 1.620/2.000 tin của tháng 11/2026 (81%). Từ nay đến hết tháng, bot tạm "
    "ngừng nhắc cập nhật tiến độ; tin nhắc đến hạn, quá hạn và báo cáo lên lãnh đạo vẫn gửi. Muốn "
    "đổi, sửa TELEGRAM_MONTHLY_MESSAGE_BUDGET trong tệp .env rồi khởi động lại bot."
)
VI_BEFORE = (
    "Kênh Telegram đã dùng 1.800/2.000 tin của tháng 11/2026 (90%). Từ nay đến hết tháng, bot tạm "
    "ngừng nhắc cập nhật tiến độ và nhắc trước hạn; tin nhắc đến hạn, quá hạn và báo cáo lên lãnh "
    "đạo vẫn gửi. Muốn đổi, sửa TELEGRAM_MONTHLY_MESSAGE_BUDGET trong tệp .env rồi khởi động lại bot."
)
EN_PROGRESS = (
    "The Telegram channel has used 1,620 of its 2,000 messages for November 2026 (81%). Until the "
    "month ends, the bot is skipping progress nudges; due and overdue reminders and escalations to "
    "leaders still go out. To change this, edit TELEGRAM_MONTHLY_MESSAGE_BUDGET in the .env file and "
    "restart the bot."
)


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as server:
        yield server


@pytest.fixture
async def telegram(api: FakeBotApi) -> AsyncIterator[TelegramChannel]:
    channel = TelegramChannel("42:NOTICE", api.url, timeout=2.0)
    await channel.start()
    yield channel
    await channel.close()


def dispatcher(
    engine: Engine,
    channels: dict[str, Channel],
    clock: SimulatedClock,
    told: list[str],
    *,
    budgets: dict[str, int | None],
    worker: str | None = None,
    config: DispatchConfig = CONFIG,
    detail: Detail = Detail.FULL,
) -> Dispatcher:
    return Dispatcher(
        engine,
        channels,
        clock=clock,
        calendar=WorkCalendar(),
        tz=TZ,
        config=config,
        budgets=budgets,
        on_notice=told.append,
        worker=worker,
        detail=detail,
    )


def add_person(
    engine: Engine,
    person_id: str,
    role: Role,
    *,
    chats: dict[str, str],
    language: str = "vi",
    blocked: bool = False,
    archived: bool = False,
) -> None:
    """A person of the world's unit with a chat per channel (`channel → chat id`)."""
    made = NOW - dt.timedelta(days=30)
    with Session(engine) as session:
        session.add(
            Person(
                id=person_id,
                name=person_id.title(),
                unit_id="so-khdt",
                role=role,
                language=language,
                created_at=made,
                updated_at=made,
                archived_at=made if archived else None,
            )
        )
        session.flush()
        for channel, chat_id in chats.items():
            session.add(
                ChatBinding(
                    person_id=person_id,
                    channel=channel,
                    chat_id=chat_id,
                    bound_at=made,
                    blocked_at=made if blocked else None,
                )
            )
        session.commit()


def seed_sent(engine: Engine, world: World, channel: str, count: int, at: dt.datetime) -> None:
    """`count` messages already sent on `channel` at `at` (check-ins: one message each)."""
    rows = [
        {
            "person_id": world.people[0],
            "kind": "checkin",
            "channel": channel,
            "chat_id": "1",
            "sent_message_id": str(n),
            "sent_at": at,
            "items": [],
            "shown": 0,
            "total": 0,
        }
        for n in range(count)
    ]
    with engine.begin() as connection:
        connection.execute(sa.insert(table_of(Checkin)), rows)


def to_chat(api: FakeBotApi, chat_id: str) -> list[str]:
    return [call.params["text"] for call in api.delivered() if call.chat_id == chat_id]


def notice_rows(engine: Engine) -> list[sa.Row[tuple[object, ...]]]:
    return [row for row in outbox_rows(engine) if row.kind == OutboxKind.NOTICE]


def recorded(engine: Engine) -> list[tuple[str, str, str]]:
    table = table_of(BudgetNotice)
    with engine.connect() as connection:
        found = connection.execute(sa.select(table.c.channel, table.c.period, table.c.level))
        return sorted((row.channel, row.period, row.level) for row in found)


async def test_the_admin_is_told_in_chat_once_per_level_and_month(
    engine: Engine, api: FakeBotApi, telegram: TelegramChannel
) -> None:
    clock = SimulatedClock(NOW)
    world = build_world(engine, people=1, occurrences=3, now=NOW - dt.timedelta(days=30))
    add_person(engine, "admin", Role.ADMIN, chats={"telegram": "900"})
    add_person(engine, "chief", Role.CHIEF, chats={"telegram": "901"})
    seed_sent(engine, world, "telegram", 1620, NOW - dt.timedelta(days=1))
    occ = world.occurrence_ids
    told: list[str] = []
    budgets: dict[str, int | None] = {"telegram": 2000}

    # 1620 of 2000 (81 %): the progress nudge is dropped and the admin told.
    add_reminders(engine, world, send_at=DUE, kind=OutboxKind.PROGRESS, occurrences=occ[:1], step=1)
    await dispatcher(engine, {"telegram": telegram}, clock, told, budgets=budgets).run(until_idle=True)
    assert to_chat(api, "900") == [VI_PROGRESS]
    assert to_chat(api, "901") == [], "the chiefs are told only when there is no admin"
    (row,) = notice_rows(engine)
    assert row.idempotency_key == "notice:budget:telegram:2026-11:progress|admin"
    assert (row.state, row.channel, row.chat_id, row.occurrence_id) == (
        OutboxState.SENT,
        "telegram",
        "900",
        None,
    )
    assert len(told) == 1 and "1620/2000" in told[0], "the terminal line stays"

    # Another pass, another dropped nudge: nobody is told again.
    add_reminders(engine, world, send_at=DUE, kind=OutboxKind.PROGRESS, occurrences=occ[:1], step=2)
    await dispatcher(engine, {"telegram": telegram}, clock, told, budgets=budgets).run(until_idle=True)
    assert len(to_chat(api, "900")) == 1 and len(told) == 1

    # 1620 + the notice + 179 = 1800 (90 %): "before" reminders go too, a second notice says so.
    seed_sent(engine, world, "telegram", 179, NOW - dt.timedelta(hours=1))
    add_reminders(engine, world, send_at=DUE, kind=OutboxKind.BEFORE, occurrences=occ[1:2], step=3)
    add_reminders(engine, world, send_at=DUE, kind=OutboxKind.OVERDUE, occurrences=occ[2:], step=3)
    await dispatcher(engine, {"telegram": telegram}, clock, told, budgets=budgets).run(until_idle=True)
    assert to_chat(api, "900") == [VI_PROGRESS, VI_BEFORE]
    assert len(told) == 2
    add_reminders(engine, world, send_at=DUE, kind=OutboxKind.BEFORE, occurrences=occ[1:2], step=4)
    await dispatcher(engine, {"telegram": telegram}, clock, told, budgets=budgets).run(until_idle=True)
    assert len(to_chat(api, "900")) == 2 and len(told) == 2
    assert recorded(engine) == [("telegram", "2026-11", "before"), ("telegram", "2026-11", "progress")]

    # A new month starts from nothing: 1700 of December's 2000 is a new notice.
    december = NOW + dt.timedelta(days=12)
    seed_sent(engine, world, "telegram", 1700, december - dt.timedelta(hours=1))
    add_reminders(engine, world, send_at=december, kind=OutboxKind.PROGRESS, occurrences=occ[:1], step=5)
    later = SimulatedClock(december + dt.timedelta(seconds=1))
    await dispatcher(engine, {"telegram": telegram}, later, told, budgets=budgets).run(until_idle=True)
    texts = to_chat(api, "900")
    assert len(texts) == 3 and texts[2].startswith(
        "Kênh Telegram đã dùng 1.700/2.000 tin của tháng 12/2026 (85%)."
    )
    assert [row.state for row in notice_rows(engine)] == [OutboxState.SENT] * 3


async def test_two_dispatchers_tell_the_admin_once(
    engine: Engine, api: FakeBotApi, telegram: TelegramChannel
) -> None:
    clock = SimulatedClock(NOW)
    world = build_world(engine, people=8, occurrences=1, now=NOW - dt.timedelta(days=30))
    add_person(engine, "admin", Role.ADMIN, chats={"telegram": "900"})
    seed_sent(engine, world, "telegram", 1620, NOW - dt.timedelta(days=1))
    add_reminders(engine, world, send_at=DUE, kind=OutboxKind.PROGRESS)
    small = DispatchConfig(
        lease=CONFIG.lease, send_timeout=2.5, retry_base=0.05, retry_cap=0.2, drain_timeout=3, batch=1
    )
    told: list[str] = []
    first, second = (
        dispatcher(
            engine, {"telegram": telegram}, clock, told, budgets={"telegram": 2000}, worker=name, config=small
        )
        for name in ("one", "two")
    )
    await asyncio.gather(first.run(until_idle=True), second.run(until_idle=True))

    assert to_chat(api, "900") == [VI_PROGRESS]
    assert len(told) == 1
    assert len(notice_rows(engine)) == 1 and recorded(engine) == [("telegram", "2026-11", "progress")]
    dropped = [row for row in outbox_rows(engine) if row.kind == OutboxKind.PROGRESS]
    assert len(dropped) == 8 and {row.state for row in dropped} == {OutboxState.CANCELLED}


async def test_a_notice_recorded_before_a_crash_is_sent_by_the_next_process_once(
    engine: Engine, api: FakeBotApi, telegram: TelegramChannel
) -> None:
    world = build_world(engine, people=1, occurrences=1, now=NOW - dt.timedelta(days=30))
    add_person(engine, "admin", Role.ADMIN, chats={"telegram": "900"})
    add_person(engine, "admin2", Role.ADMIN, chats={"telegram": "902"}, language="en")
    used = Usage("telegram", "2026-11", 1620, 2000)
    # Four processes record the same notice at once: one records it and queues its messages.
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: tell_admins(engine, used, NOW), range(4)))
    assert sorted(results, key=lambda r: r is not None) == [None, None, None, ["admin", "admin2"]]
    # That process died before sending; the next one sends what it queued, once.
    told: list[str] = []
    await dispatcher(
        engine, {"telegram": telegram}, SimulatedClock(NOW), told, budgets={"telegram": 2000}
    ).run(until_idle=True)
    await dispatcher(
        engine, {"telegram": telegram}, SimulatedClock(NOW), told, budgets={"telegram": 2000}
    ).run(until_idle=True)
    assert to_chat(api, "900") == [VI_PROGRESS]
    assert to_chat(api, "902") == [EN_PROGRESS], "each admin in their own language"
    assert told == [], "nothing was dropped in these passes"
    assert tell_admins(engine, used, NOW) is None
    assert len(notice_rows(engine)) == 2
    assert world.people  # the world's staff got nothing
    assert to_chat(api, world.chats[world.people[0]]) == []


async def test_without_an_admin_the_chiefs_are_told_and_without_either_only_the_log(
    engine: Engine, api: FakeBotApi, telegram: TelegramChannel
) -> None:
    world = build_world(engine, people=1, occurrences=2, now=NOW - dt.timedelta(days=30))
    # Admins who cannot be told: one left the directory, one blocked the bot.
    add_person(engine, "gone", Role.ADMIN, chats={"telegram": "800"}, archived=True)
    add_person(engine, "blocked", Role.ADMIN, chats={"telegram": "801"}, blocked=True)
    add_person(engine, "head", Role.HEAD, chats={"telegram": "802"})
    add_person(engine, "chief", Role.CHIEF, chats={"telegram": "901"}, language="en")
    seed_sent(engine, world, "telegram", 1620, NOW - dt.timedelta(days=1))
    occ = world.occurrence_ids
    add_reminders(engine, world, send_at=DUE, kind=OutboxKind.PROGRESS, occurrences=occ[:1])
    told: list[str] = []
    # REMINDER_DETAIL=minimal keeps task text out of chat, not the notice's own text.
    await dispatcher(
        engine,
        {"telegram": telegram},
        SimulatedClock(NOW),
        told,
        budgets={"telegram": 2000},
        detail=Detail.MINIMAL,
    ).run(until_idle=True)
    assert to_chat(api, "901") == [EN_PROGRESS]
    assert [call.chat_id for call in api.delivered()] == ["901"]
    assert len(told) == 1

    # Nobody to tell in chat: the 90 % notice is only the terminal line (and the log).
    with engine.begin() as connection:
        people = table_of(Person)
        connection.execute(sa.update(people).where(people.c.id == "chief").values(role=Role.STAFF))
    seed_sent(engine, world, "telegram", 179, NOW - dt.timedelta(hours=1))
    add_reminders(engine, world, send_at=DUE, kind=OutboxKind.BEFORE, occurrences=occ[1:])
    await dispatcher(
        engine, {"telegram": telegram}, SimulatedClock(NOW), told, budgets={"telegram": 2000}
    ).run(until_idle=True)
    assert len(told) == 2 and "1800/2000" in told[1]
    assert len(api.delivered()) == 1
    assert len(notice_rows(engine)) == 1
    assert recorded(engine) == [("telegram", "2026-11", "before"), ("telegram", "2026-11", "progress")]


async def test_the_notice_is_never_dropped_and_spares_the_exhausted_channel(
    engine: Engine, api: FakeBotApi, telegram: TelegramChannel
) -> None:
    world = build_world(engine, people=1, occurrences=2, now=NOW - dt.timedelta(days=30))
    # Telegram is the preferred channel: only the notice's own rule sends "both" to Zalo.
    add_person(engine, "both", Role.ADMIN, chats={"telegram": "900", "zalo": "z-both"})
    add_person(engine, "telegram-only", Role.ADMIN, chats={"telegram": "902"})
    # Telegram's whole budget is used (2050 of 2000); Zalo has none set.
    seed_sent(engine, world, "telegram", 2050, NOW - dt.timedelta(days=1))
    occ = world.occurrence_ids
    add_reminders(engine, world, send_at=DUE, kind=OutboxKind.BEFORE, occurrences=occ[:1])
    add_reminders(engine, world, send_at=DUE, kind=OutboxKind.OVERDUE, occurrences=occ[1:])
    told: list[str] = []
    with ZaloBotApi(token=ZALO_TOKEN, poll_wait=0.05) as zalo_api:
        zalo = ZaloChannel(ZALO_TOKEN, zalo_api.url, timeout=2.0)
        try:
            await dispatcher(
                engine,
                {"telegram": telegram, "zalo": zalo},
                SimulatedClock(NOW),
                told,
                budgets={"telegram": 2000, "zalo": None},
            ).run(until_idle=True)
        finally:
            await zalo.close()
        on_zalo = [(call.chat_id, call.params["text"]) for call in zalo_api.delivered()]

    expected = (
        "Kênh Telegram đã dùng 2.050/2.000 tin của tháng 11/2026 (102%). Từ nay đến hết tháng, bot tạm "
        "ngừng nhắc cập nhật tiến độ và nhắc trước hạn; tin nhắc đến hạn, quá hạn và báo cáo lên lãnh "
        "đạo vẫn gửi. Muốn đổi, sửa TELEGRAM_MONTHLY_MESSAGE_BUDGET trong tệp .env rồi khởi động lại bot."
    )
    assert on_zalo == [("z-both", expected)], "an admin with another chat is told there"
    assert to_chat(api, "900") == []
    assert to_chat(api, "902") == [expected], "past the budget, the notice still goes"
    assert len(expected) < 2000
    rows = {row.person_id: row for row in notice_rows(engine)}
    assert {person: (row.state, row.channel) for person, row in rows.items()} == {
        "both": (OutboxState.SENT, "zalo"),
        "telegram-only": (OutboxState.SENT, "telegram"),
    }
    kinds = {row.kind: row.state for row in outbox_rows(engine) if row.occurrence_id is not None}
    assert kinds == {OutboxKind.BEFORE: OutboxState.CANCELLED, OutboxKind.OVERDUE: OutboxState.SENT}
    assert len(told) == 1 and recorded(engine) == [("telegram", "2026-11", "before")]
