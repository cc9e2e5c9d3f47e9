"""A check-in on Zalo over real HTTP (the loopback fake Bot API): the office's reminders of one
morning go as one numbered message, and the person answers several items in one reply, then one
item by its number, the way people answer on Zalo (no buttons, 2000 characters)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_receive import ZaloReceiver
from bot.chat.conversation import ChatConversation
from bot.clock import SimulatedClock
from bot.db.models import ChatBinding, OutboxState, ReportSubmission, TaskStatus
from bot.outbox.dispatcher import DispatchConfig, Dispatcher
from bot.people.invites import AttemptLimiter
from tests.fakes.bot_api import ZaloBotApi
from tests.test_conversation_office import CALENDAR, CYCLES, NOW, TZ, Office, build_office
from tests.test_zalo_flows import POLLING, TOKEN, until

CHAT = "zalo-khdt"
CONFIG = DispatchConfig(
    lease=dt.timedelta(seconds=10), send_timeout=2.5, retry_base=0.05, retry_cap=0.2, drain_timeout=3
)


class Setup:
    def __init__(self, api: ZaloBotApi, office: Office, channel: ZaloChannel, receiver: ZaloReceiver) -> None:
        self.api, self.office, self.channel, self.receiver = api, office, channel, receiver

    def texts(self) -> list[str]:
        return [str(c.params["text"]) for c in self.api.delivered() if c.chat_id == CHAT]

    async def say(self, text: str) -> list[str]:
        before = len(self.texts())
        self.api.queue_message(CHAT, text)
        await until(lambda: len(self.texts()) > before)
        await self.receiver.idle()
        return self.texts()[before:]


@pytest.fixture
async def zalo(engine: Engine) -> AsyncIterator[Setup]:
    office = build_office(engine)
    with ZaloBotApi(token=TOKEN, poll_wait=0.05) as api:
        channel = ZaloChannel(TOKEN, api.url, timeout=2.0)
        await channel.start()
        talk = ChatConversation(engine, tz=TZ, calendar=CALENDAR, cycles=CYCLES, limiter=AttemptLimiter())
        receiver = ZaloReceiver(talk, POLLING, clock=SimulatedClock(NOW))
        await receiver.start({"zalo": channel})
        try:
            yield Setup(api, office, channel, receiver)
        finally:
            await receiver.stop()
            await channel.close()


async def test_one_morning_one_message_and_one_reply_for_several_items(zalo: Setup) -> None:
    office = zalo.office
    person = office.bind(CHAT, name="Phạm Thị Bình")
    with Session(office.engine) as session, session.begin():
        binding = session.exec(select(ChatBinding).where(ChatBinding.chat_id == CHAT)).one()
        binding.channel = "zalo"
    at = NOW - dt.timedelta(minutes=1)
    for key in ("III.1.b", "III.1.c"):
        office.reminder(person, CHAT, key=key, state=OutboxState.PENDING, sent_at=at, channel="zalo")
    office.reminder(
        person,
        CHAT,
        key=None,
        report="IV.2",
        due=dt.date(2026, 12, 15),
        state=OutboxState.PENDING,
        sent_at=at,
        channel="zalo",
        message_id="501",
    )
    dispatcher = Dispatcher(
        office.engine,
        {"zalo": zalo.channel},
        clock=SimulatedClock(NOW),
        calendar=CALENDAR,
        tz=TZ,
        config=CONFIG,
    )
    stats = await dispatcher.run(until_idle=True)
    assert (stats.sent, stats.checkins) == (3, 1)
    (checkin,) = zalo.texts()
    assert len(checkin) <= 2000
    assert checkin.startswith("Kính gửi đồng chí Phạm Thị Bình,")
    assert "1. Nhiệm vụ III.1.c: Báo cáo tình hình thu hút đầu tư — hạn 03/05/2017, quá hạn" in checkin
    assert (
        "3. Báo cáo IV.2: Báo cáo kết quả thực hiện Kế hoạch — hạn 15/12/2026, còn 16 ngày làm việc"
        in checkin
    )
    assert "«1 xong», «2 đang làm 60%», «3 đã nộp»" in checkin

    (answer,) = await zalo.say("1 xong\n2 đang làm 60%\n3 đã nộp")
    assert answer.splitlines()[0] == (
        "1. Đã ghi nhận Nhiệm vụ III.1.c «Báo cáo tình hình thu hút đầu tư»: hoàn thành."
    )
    assert (
        "2. Đã ghi nhận Nhiệm vụ III.1.b «Rà soát quy hoạch các khu, cụm công nghiệp»: "
        "đang thực hiện (60%)." in answer
    )
    assert "3. Báo cáo IV.2: Đã ghi nhận: đã nộp báo cáo." in answer
    assert office.task("III.1.c").status is TaskStatus.DONE
    assert (office.task("III.1.b").status, office.task("III.1.b").status_percent) == (
        TaskStatus.IN_PROGRESS,
        60,
    )
    with Session(office.engine) as session:
        assert len(session.exec(select(ReportSubmission)).all()) == 1

    (refused,) = await zalo.say("5 xong")
    assert "không có mục số 5 (chỉ có từ 1 đến 3)" in refused
    (choices,) = await zalo.say("2")
    assert choices.startswith("Nhiệm vụ III.1.b «Rà soát quy hoạch các khu, cụm công nghiệp»:")
    assert "1. Hoàn thành" in choices and "4. Nhắc lại sau" in choices
    (asked,) = await zalo.say("3")
    assert "vướng mắc gì?" in asked
    (noted,) = await zalo.say("thiếu kinh phí")
    assert "vướng mắc" in noted and office.task("III.1.b").status is TaskStatus.BLOCKED
