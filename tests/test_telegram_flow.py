"""Telegram end to end over real HTTP: the loopback fake Bot API (form-encoded, as PTB sends),
the receiver polling getUpdates or serving the webhook, the conversation, a real SQLite database,
and the outbox dispatcher sending the reminder whose buttons are pressed.

No real time needs to pass here: the receiver and the dispatcher share one `SimulatedClock`
standing at the office's `NOW`, and every time below (invites, outbox rows, the digest's as-of
and since, the snooze's day) is computed from it. The fake's message dates are not read.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.channels.events import IncomingEvent, Reply
from bot.channels.receiving import Listening, Webhook
from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_receive import SECRET_HEADER, TelegramReceiver, TelegramSetupError
from bot.chat.conversation import ChatConversation
from bot.clock import Clock, SimulatedClock
from bot.db.models import OutboxKind, OutboxMessage, OutboxState, TaskStatus
from bot.digest import build_digest
from bot.outbox.dispatcher import Dispatcher
from bot.people import AttemptLimiter
from bot.web.server import WebServer
from bot.web.webhooks import webhook_app
from tests.fakes import FakeBotApi
from tests.fakes.bot_api import Call
from tests.test_conversation_office import CALENDAR, CYCLES, NOW, TZ, Office

TOKEN = "123456:TEST-token_abc"
SECRET = "s3cret-Token_1"
Dump = Callable[[Engine], dict[str, list[tuple[object, ...]]]]
POLLING = Listening(poll_timeout=0, poll_pause=0.02)
PLATFORM_DATE = 1_700_000_000
"""The `date` of every fake message (14/11/2023): the receiver stamps events with its clock instead."""


@pytest.fixture
def clock() -> SimulatedClock:
    """The one clock of the receiver and the dispatcher."""
    return SimulatedClock(NOW)


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN) as server:
        yield server


@pytest.fixture
async def channel(api: FakeBotApi) -> AsyncIterator[TelegramChannel]:
    telegram = TelegramChannel(TOKEN, api.url, timeout=3.0)
    await telegram.start()
    yield telegram
    await telegram.close()


def conversation(engine: Engine) -> ChatConversation:
    return ChatConversation(engine, tz=TZ, calendar=CALENDAR, cycles=CYCLES, limiter=AttemptLimiter())


@pytest.fixture
async def polling(office: Office, channel: TelegramChannel, clock: Clock) -> AsyncIterator[TelegramReceiver]:
    receiver = TelegramReceiver(conversation(office.engine), POLLING, clock=clock)
    await receiver.start({"telegram": channel})
    yield receiver
    await receiver.stop()


_ids = iter(range(1, 1_000_000))


def user(chat: int, name: str = "Lan") -> dict[str, Any]:
    return {"id": chat, "is_bot": False, "first_name": name, "language_code": "vi"}


def message(chat: int, text: str, **extra: Any) -> dict[str, Any]:
    return {
        "message": {
            "message_id": next(_ids),
            "date": PLATFORM_DATE,
            "chat": {"id": chat, "type": "private"},
            "from": user(chat),
            "text": text,
            **extra,
        }
    }


def press(chat: int, data: str, message_id: int) -> dict[str, Any]:
    return {
        "callback_query": {
            "id": f"cq-{next(_ids)}",
            "from": user(chat),
            "chat_instance": "ci",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": PLATFORM_DATE,
                "chat": {"id": chat, "type": "private"},
                "text": "Nhắc việc",
            },
        }
    }


async def wait_for(check: Callable[[], bool], seconds: float = 8.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.02)


def sent_to(api: FakeBotApi, chat: int) -> list[str]:
    return [str(c.params.get("text")) for c in api.delivered() if c.chat_id == str(chat)]


async def said(api: FakeBotApi, chat: int, words: str) -> str:
    await wait_for(lambda: any(words in text for text in sent_to(api, chat)))
    return next(text for text in sent_to(api, chat) if words in text)


def calls(api: FakeBotApi, method: str) -> list[Call]:
    return api.calls_to(method)


async def dispatch_reminder(
    office: Office, channel: TelegramChannel, clock: Clock, person: str, key: str
) -> OutboxMessage:
    """A reminder of task `key` for `person`, due a minute ago, sent by the real dispatcher."""
    occurrence = office.occurrence(key)
    now = clock.now() - dt.timedelta(minutes=1)
    with Session(office.engine) as session, session.begin():
        row = OutboxMessage(
            idempotency_key=f"{occurrence}|{person}|due:0",
            kind=OutboxKind.DUE,
            occurrence_id=occurrence,
            person_id=person,
            send_at=now,
            next_attempt_at=now,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        session.flush()
        row_id = row.id
    dispatcher = Dispatcher(office.engine, {"telegram": channel}, clock=clock, calendar=CALENDAR, tz=TZ)
    stats = await dispatcher.run(until_idle=True)
    assert stats.sent == 1
    with Session(office.engine) as session:
        sent = session.get(OutboxMessage, row_id)
        assert sent is not None and sent.state is OutboxState.SENT and sent.sent_message_id
        return sent


async def test_invite_start_reminder_button_update_and_digest(
    api: FakeBotApi, office: Office, channel: TelegramChannel, clock: Clock, polling: TelegramReceiver
) -> None:
    code = office.invite(name="Lan", now=clock.now())
    api.queue_update(
        message(4001, f"/start {code}", entities=[{"type": "bot_command", "offset": 0, "length": 6}])
    )
    assert "Chào Lan (Sở Kế hoạch và Đầu tư)" in await said(api, 4001, "Chào Lan")
    person = office.person_by_chat("4001")

    reminder = await dispatch_reminder(office, channel, clock, person, "III.1.b")
    (sent,) = [c for c in api.delivered() if c.params.get("reply_markup")]
    keyboard = sent.params["reply_markup"]["inline_keyboard"]
    assert f"r:{reminder.id}:done" in [b["callback_data"] for row in keyboard for b in row]

    api.queue_update(press(4001, f"r:{reminder.id}:done", int(reminder.sent_message_id or 0)))
    await wait_for(lambda: bool(calls(api, "answerCallbackQuery")))
    assert calls(api, "answerCallbackQuery")[0].params["text"] == "Đã ghi nhận."
    await wait_for(lambda: bool(calls(api, "editMessageReplyMarkup")))
    assert calls(api, "editMessageReplyMarkup")[0].params["message_id"] == reminder.sent_message_id
    assert "hoàn thành" in await said(api, 4001, "Đã ghi nhận Nhiệm vụ III.")
    (update,) = office.updates()
    assert (update.status, update.author_person_id, update.source) == (TaskStatus.DONE, person, "telegram")
    assert update.at == clock.now()  # the receiver's time, not the message's date

    with Session(office.engine) as session:
        digest = build_digest(
            session,
            ["kh-04-2017"],
            as_of=clock.today(TZ),
            tz=TZ,
            calendar=CALENDAR,
            since=clock.now() - dt.timedelta(hours=1),
        )
    assert digest.totals.done_late == 1
    assert [line.task_key for line in digest.updates.rows] == ["III.1.b"]


async def test_a_free_text_reply_to_a_reminder_is_stored(
    api: FakeBotApi, office: Office, channel: TelegramChannel, clock: Clock, polling: TelegramReceiver
) -> None:
    person = office.bind("4002")
    reminder = await dispatch_reminder(office, channel, clock, person, "III.1.c")
    reply_to = {
        "message_id": int(reminder.sent_message_id or 0),
        "date": PLATFORM_DATE,
        "chat": {"id": 4002, "type": "private"},
        "text": "Nhắc việc",
    }
    api.queue_update(message(4002, "đang làm 70%, ghi chú: chờ số liệu quý", reply_to_message=reply_to))
    assert "(70%)" in await said(api, 4002, "Đã ghi nhận Nhiệm vụ III.")
    (update,) = office.updates()
    assert (update.status, update.percent, update.note) == (TaskStatus.IN_PROGRESS, 70, "chờ số liệu quý")


async def test_a_reply_quoting_a_listing_answers_that_listing(
    api: FakeBotApi, office: Office, channel: TelegramChannel, clock: Clock, polling: TelegramReceiver
) -> None:
    """«2 xong» quoting the /viec message files that message's second task, even after another
    list was shown (it was told «Tôi chưa biết tin nhắn này về nhiệm vụ nào»)."""
    office.bind("4005")
    api.queue_update(message(4005, "/viec"))
    listing = await said(api, 4005, "Nhiệm vụ đang mở")
    second_task = listing.splitlines()[2].split("</b>")[0].split("<b>")[1]
    listed_id = next(c for c in api.delivered() if c.chat_id == "4005").result["message_id"]
    api.queue_update(message(4005, "/quahan"))  # a newer list, numbered differently
    await said(api, 4005, "quá hạn")
    quoted = {"message_id": listed_id, "date": PLATFORM_DATE, "chat": {"id": 4005, "type": "private"}}
    api.queue_update(message(4005, "2 xong", reply_to_message=quoted))
    assert "hoàn thành" in await said(api, 4005, f"Đã ghi nhận Nhiệm vụ {second_task} ")
    (update,) = office.updates()
    assert (update.task_id, update.status) == (office.task(second_task).id, TaskStatus.DONE)


async def test_refusals_over_http_change_nothing(
    api: FakeBotApi,
    office: Office,
    channel: TelegramChannel,
    clock: Clock,
    polling: TelegramReceiver,
    dump: Dump,
) -> None:
    expired = office.invite(now=clock.now() - dt.timedelta(days=8), ttl_days=7)
    mine, other = office.bind("4003"), office.bind("4004", unit="so-tc", name="Tc")
    theirs = office.reminder(mine, "4003", message_id="900")
    cancelled = office.reminder(other, "4004", key="III.1.a", message_id="901", state=OutboxState.CANCELLED)
    before = dump(office.engine)
    api.queue_update(message(4999, "xin chào"))
    api.queue_update(message(4998, f"/start {expired}"))
    for data in (f"r:{theirs}:done", "garbage", f"r:{cancelled}:done"):
        api.queue_update(press(4004, data, 901))
    api.queue_update(message(4004, "/tonghop"))
    assert "nhacviec invite" in await said(api, 4999, "đã đăng ký")
    assert "đã hết hạn" in await said(api, 4998, "hết hạn")
    await said(api, 4004, "Chỉ lãnh đạo văn phòng")
    notices = [c.params.get("text") for c in calls(api, "answerCallbackQuery")]
    assert len(notices) == 3
    assert "không phải của anh/chị" in notices[0] and "không còn hiệu lực" in notices[2]
    after = dump(office.engine)
    # Only that an update was handled is kept (so that a second delivery changes nothing either);
    # a refusal rolls back with its mark: the expired invite and /tonghop.
    marked = [row[1] for row in after.pop("received_updates")]
    assert before.pop("received_updates") == [] and len(marked) == 4, marked
    assert after == before


async def test_baocao_with_buttons_snooze_cancel_and_english(
    api: FakeBotApi, office: Office, channel: TelegramChannel, polling: TelegramReceiver
) -> None:
    office.bind("4005")
    api.queue_update(message(4005, "/viec"))
    listing = await said(api, 4005, "Nhiệm vụ đang mở")
    assert listing.index("III.1.c") < listing.index("III.1.b")
    api.queue_update(message(4005, "/quahan"))
    await said(api, 4005, "ngày làm việc")

    api.queue_update(message(4005, "/baocao"))
    await said(api, 4005, "Báo cáo nhiệm vụ nào?")
    tasks = [c for c in api.delivered() if c.params.get("text") == "Báo cáo nhiệm vụ nào?"][-1]
    first = tasks.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    api.queue_update(press(4005, first, tasks.result["message_id"]))
    await wait_for(
        lambda: bool([c for c in api.delivered() if "tình trạng nào" in str(c.params.get("text"))])
    )
    question = [c for c in api.delivered() if "tình trạng nào" in str(c.params.get("text"))]
    blocked = next(
        b
        for row in question[0].params["reply_markup"]["inline_keyboard"]
        for b in row
        if b["text"] == "vướng mắc"
    )
    api.queue_update(press(4005, blocked["callback_data"], question[0].result["message_id"]))
    await said(api, 4005, "vướng mắc gì")
    api.queue_update(message(4005, "chưa có kinh phí"))
    await said(api, 4005, "Ghi chú: chưa có kinh phí")
    assert [(u.status, u.note) for u in office.updates()] == [(TaskStatus.BLOCKED, "chưa có kinh phí")]

    api.queue_update(message(4005, "/tamhoan"))
    await said(api, 4005, "Không có tin nhắc nào")
    api.queue_update(message(4005, "/baocao"))
    api.queue_update(message(4005, "/huy"))
    await said(api, 4005, "Đã hủy")

    office.bind("4006", lang="en", name="Mary")
    api.queue_update(message(4006, "/tasks"))
    assert "nearest deadline first" in await said(api, 4006, "Open tasks")
    api.queue_update(message(4006, "/digest"))
    await said(api, 4006, "Only office chiefs")


async def test_the_snooze_button_over_http(
    api: FakeBotApi, office: Office, channel: TelegramChannel, clock: Clock, polling: TelegramReceiver
) -> None:
    person = office.bind("4007")
    reminder = await dispatch_reminder(office, channel, clock, person, "III.1.b")
    api.queue_update(press(4007, f"r:{reminder.id}:snooze", int(reminder.sent_message_id or 0)))
    await said(api, 4007, "Nhắc lại sau bao lâu?")
    ask = next(c for c in api.delivered() if c.params.get("text") == "Nhắc lại sau bao lâu?")
    one_day = ask.params["reply_markup"]["inline_keyboard"][0][0]
    assert one_day["text"] == "1 ngày"
    api.queue_update(press(4007, one_day["callback_data"], ask.result["message_id"]))
    await said(api, 4007, "Đã hoãn")
    with Session(office.engine) as session:
        pending = session.exec(select(OutboxMessage).where(OutboxMessage.state == OutboxState.PENDING)).one()
    today = clock.today(TZ)
    assert pending.next_attempt_at.astimezone(TZ).date() == CALENDAR.add_working_days(today, 1)

    asks = lambda: [c for c in api.delivered() if c.params.get("text") == "Nhắc lại sau bao lâu?"]  # noqa: E731
    api.queue_update(message(4007, "/tamhoan"))  # the one reminder sent: straight to how long
    await wait_for(lambda: len(asks()) == 2)
    week = asks()[-1].params["reply_markup"]["inline_keyboard"][0][2]
    assert week["text"] == "1 tuần"
    api.queue_update(press(4007, week["callback_data"], asks()[-1].result["message_id"]))
    await wait_for(lambda: len([t for t in sent_to(api, 4007) if t.startswith("Đã hoãn")]) == 2)
    with Session(office.engine) as session:
        moved = session.exec(select(OutboxMessage).where(OutboxMessage.state == OutboxState.PENDING)).one()
    assert moved.next_attempt_at.astimezone(TZ).date() == CALENDAR.add_working_days(today, 5)


# --- webhook ---------------------------------------------------------------------------------------


async def test_webhook_checks_the_secret_and_registers_with_it(
    api: FakeBotApi, office: Office, channel: TelegramChannel, clock: Clock, dump: Dump
) -> None:
    listening = Listening(
        webhook=Webhook("https://bot.example.gov.vn/telegram/hook", SECRET, listen="127.0.0.1", port=0)
    )
    receiver = TelegramReceiver(conversation(office.engine), listening, clock=clock)
    server = WebServer(webhook_app([receiver]), "127.0.0.1", 0)
    await server.start()  # the web application takes the calls (`bot.web.webhooks`)
    await receiver.start({"telegram": channel})
    try:
        (registered,) = calls(api, "setWebhook")
        assert registered.params["url"] == "https://bot.example.gov.vn/telegram/hook"
        assert registered.params["secret_token"] == SECRET
        url = f"http://127.0.0.1:{server.port}/telegram/hook"
        update = {"update_id": 77, **message(4010, "xin chào")}
        before = dump(office.engine)
        async with httpx.AsyncClient() as client:
            missing = await client.post(url, json=update)
            wrong = await client.post(url, json=update, headers={SECRET_HEADER: "guess"})
            await asyncio.sleep(0.2)
            assert (missing.status_code, wrong.status_code) == (403, 403)
            assert receiver.handled == 0 and api.delivered() == []
            assert dump(office.engine) == before
            right = await client.post(url, json=update, headers={SECRET_HEADER: SECRET})
            # The same receiver also answers at /telegram, the application's own path.
            short = await client.post(
                f"http://127.0.0.1:{server.port}/telegram",
                json={"update_id": 78, **message(4011, "xin chào")},
                headers={SECRET_HEADER: SECRET},
            )
        assert (right.status_code, short.status_code) == (200, 200)
        assert "nhacviec invite" in await said(api, 4010, "đã đăng ký")
        assert "nhacviec invite" in await said(api, 4011, "đã đăng ký")
        assert receiver.handled == 2
    finally:
        await receiver.stop()
        await server.stop()


def webhook_receiver(url: str, secret: str, lang: str = "vi") -> TelegramReceiver:
    """A receiver whose settings are only checked (no update reaches its conversation)."""
    listening = Listening(webhook=Webhook(url, secret, listen="0.0.0.0", port=8443))
    return TelegramReceiver(Stuck(), listening, clock=SimulatedClock(NOW), lang=lang)


def test_webhook_mode_without_a_secret_is_refused_with_the_fix() -> None:
    # TELEGRAM_WEBHOOK_SECRET unset: the engine hands the receiver an empty secret.
    receiver = webhook_receiver("https://bot.example.gov.vn/hook", "")
    with pytest.raises(TelegramSetupError, match="TELEGRAM_WEBHOOK_SECRET"):
        receiver.check_settings()


def test_a_webhook_url_that_cannot_work_is_refused_with_the_fix() -> None:
    with pytest.raises(TelegramSetupError) as refused:
        webhook_receiver("bot.example.gov.vn/hook", SECRET).check_settings()
    assert "TELEGRAM_WEBHOOK_URL=«bot.example.gov.vn/hook» không hợp lệ" in str(refused.value)
    with pytest.raises(TelegramSetupError) as refused:
        webhook_receiver("bot.example.gov.vn/hook", SECRET, lang="en").check_settings()
    assert "TELEGRAM_WEBHOOK_URL=«bot.example.gov.vn/hook» is not valid" in str(refused.value)


class Stuck:
    """A conversation that never finishes its first event (the process stops meanwhile)."""

    def __init__(self) -> None:
        self.seen: list[str | None] = []

    async def handle(self, event: IncomingEvent) -> list[Reply]:
        self.seen.append(event.text)
        await asyncio.Event().wait()
        return []


async def test_an_update_not_handled_before_a_stop_comes_again_at_the_next_start(
    api: FakeBotApi, office: Office, channel: TelegramChannel, clock: Clock
) -> None:
    stuck = Stuck()
    first = TelegramReceiver(stuck, POLLING, clock=clock)
    first.stop_grace = 0.2  # the stop waits this long for the stuck message, then gives it up
    await first.start({"telegram": channel})
    api.queue_update(message(4020, "/huongdan"))
    await wait_for(lambda: stuck.seen == ["/huongdan"])
    await first.stop()
    second = TelegramReceiver(conversation(office.engine), POLLING, clock=clock)
    await second.start({"telegram": channel})
    try:
        await said(api, 4020, "chỉ làm việc với cán bộ đã đăng ký")
    finally:
        await second.stop()
    assert second.handled == 1
