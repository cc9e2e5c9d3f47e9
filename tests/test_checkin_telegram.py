"""A check-in on Telegram over real HTTP (the loopback fake Bot API): one message with one button
per item; pressing an item shows that item's own choices (a report's are «Đã nộp», «Xin lùi hạn»,
«Nhắc lại sau»), and pressing one of them answers it."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_receive import TelegramReceiver
from bot.clock import SimulatedClock
from bot.db.models import OutboxState, ReportSubmission, TaskStatus
from bot.outbox.dispatcher import DispatchConfig, Dispatcher
from tests.fakes import FakeBotApi
from tests.test_conversation_office import CALENDAR, NOW, TZ, Office, build_office
from tests.test_telegram_flow import POLLING, TOKEN, conversation, message, press, sent_to, wait_for

CHAT = 4242
CONFIG = DispatchConfig(
    lease=dt.timedelta(seconds=10), send_timeout=2.5, retry_base=0.05, retry_cap=0.2, drain_timeout=3
)


@pytest.fixture
async def bot(engine: Engine) -> AsyncIterator[tuple[FakeBotApi, Office, TelegramChannel]]:
    office = build_office(engine)
    with FakeBotApi(token=TOKEN) as api:
        channel = TelegramChannel(TOKEN, api.url, timeout=3.0)
        await channel.start()
        receiver = TelegramReceiver(conversation(engine), POLLING, clock=SimulatedClock(NOW))
        await receiver.start({"telegram": channel})
        try:
            yield api, office, channel
        finally:
            await receiver.stop()
            await channel.close()


async def test_item_buttons_open_each_items_choices(bot: tuple[FakeBotApi, Office, TelegramChannel]) -> None:
    api, office, channel = bot
    person = office.bind(str(CHAT), name="Lan")
    at = NOW - dt.timedelta(minutes=1)
    task_row = office.reminder(person, str(CHAT), key="III.1.b", state=OutboxState.PENDING, sent_at=at)
    report_row = office.reminder(
        person,
        str(CHAT),
        key=None,
        report="IV.2",
        due=dt.date(2026, 12, 15),
        state=OutboxState.PENDING,
        sent_at=at,
        message_id="501",
    )
    dispatcher = Dispatcher(
        office.engine,
        {"telegram": channel},
        clock=SimulatedClock(NOW),
        calendar=CALENDAR,
        tz=TZ,
        config=CONFIG,
    )
    assert (await dispatcher.run(until_idle=True)).checkins == 1
    (call,) = [c for c in api.delivered() if c.chat_id == str(CHAT)]
    assert call.params["parse_mode"] == "HTML"
    keyboard = call.params["reply_markup"]["inline_keyboard"]
    assert [[b["text"] for b in row] for row in keyboard] == [["1. Nhiệm vụ III.1.b", "2. Báo cáo IV.2"]]
    assert [b["callback_data"] for b in keyboard[0]] == [f"r:{task_row}:open", f"r:{report_row}:open"]
    checkin_id = int(call.result["message_id"])  # type: ignore[index]

    api.queue_update(press(CHAT, f"r:{report_row}:open", checkin_id))
    await wait_for(lambda: any("Báo cáo IV.2" in text for text in sent_to(api, CHAT)[1:]))
    choices = [c for c in api.delivered() if c.chat_id == str(CHAT)][-1]
    labels = [b["text"] for row in choices.params["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == ["Đã nộp", "Xin lùi hạn", "Nhắc lại sau"]

    api.queue_update(press(CHAT, f"r:{report_row}:done", int(choices.result["message_id"])))  # type: ignore[index]
    await wait_for(lambda: any("đã nộp báo cáo" in text for text in sent_to(api, CHAT)))
    with Session(office.engine) as session:
        assert len(session.exec(select(ReportSubmission)).all()) == 1

    api.queue_update(message(CHAT, "1 đang làm 40%"))
    await wait_for(lambda: any("đang thực hiện (40%)" in text for text in sent_to(api, CHAT)))
    assert (office.task("III.1.b").status, office.task("III.1.b").status_percent) == (
        TaskStatus.IN_PROGRESS,
        40,
    )
