"""Digests on Telegram over real HTTP: the HTML text, then the PNG chart as a photo and the XLSX
workbook as a document — from the outbox dispatcher and from `/tonghop`.

The dispatcher and the receiver run on a `SimulatedClock` at the office's `NOW`; the digests' dates
and the outbox rows' times are computed from it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import AsyncIterator, Iterator

import pytest
from sqlmodel import Session

from bot.channels.receiving import Listening
from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_receive import TelegramReceiver
from bot.chat.conversation import ChatConversation
from bot.clock import Clock, SimulatedClock
from bot.db.models import OutboxKind, OutboxMessage, OutboxState
from bot.digest import Format, build_digest, render_digest
from bot.outbox.checkin import Detail
from bot.outbox.dispatcher import Dispatcher
from tests.fakes import FakeBotApi
from tests.fakes.bot_api import Upload
from tests.test_conversation_office import CALENDAR, CYCLES, NOW, TZ, Office

TOKEN = "123456:TEST-token_abc"


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN) as server:
        yield server


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(NOW)


@pytest.fixture
async def channel(api: FakeBotApi) -> AsyncIterator[TelegramChannel]:
    telegram = TelegramChannel(TOKEN, api.url, timeout=5.0)
    await telegram.start()
    yield telegram
    await telegram.close()


def uploads(api: FakeBotApi, method: str, field: str) -> list[Upload]:
    found = [call.params[field] for call in api.calls_to(method) if call.ok]
    assert all(isinstance(item, Upload) for item in found)
    return found


# REMINDER_DETAIL is about reminders: a digest goes whole whatever it says (a lone digest under
# `minimal` once went as a check-in of one item).
@pytest.mark.parametrize("detail", [Detail.FULL, Detail.MINIMAL])
async def test_the_dispatcher_sends_the_digest_text_chart_and_workbook(
    api: FakeBotApi, office: Office, channel: TelegramChannel, clock: Clock, detail: Detail
) -> None:
    chief = office.bind("6001", person_id="nguyen-van-a", name="Nguyễn Văn A")
    today = clock.today(TZ)
    now = clock.now() - dt.timedelta(seconds=5)
    with Session(office.engine) as session, session.begin():
        digest = build_digest(session, ["kh-04-2017"], as_of=today, tz=TZ, calendar=CALENDAR)
        text = render_digest(digest, lang="vi", tz=TZ, fmt=Format.HTML)
        payload = {"as_of": today.isoformat(), "plans": ["kh-04-2017"], "text": text, "parse_mode": "html"}
        session.add(
            OutboxMessage(
                idempotency_key=f"digest|{chief}|{today}",
                kind=OutboxKind.DIGEST,
                person_id=chief,
                send_at=now,
                next_attempt_at=now,
                payload=payload,
                created_at=now,
                updated_at=now,
            )
        )
    dispatcher = Dispatcher(
        office.engine, {"telegram": channel}, clock=clock, calendar=CALENDAR, tz=TZ, detail=detail
    )
    stats = await dispatcher.run(until_idle=True)
    assert stats.sent == 1
    (message,) = api.delivered()
    assert message.params["parse_mode"] == "HTML" and "04/KH-UBND" in str(message.params["text"])
    (photo,) = uploads(api, "sendPhoto", "photo")
    (workbook,) = uploads(api, "sendDocument", "document")
    assert photo.data.startswith(b"\x89PNG") and photo.filename == "digest.png"
    assert workbook.data.startswith(b"PK") and workbook.filename == f"digest-{today.isoformat()}.xlsx"
    assert [c.chat_id for c in api.calls_to("sendPhoto") + api.calls_to("sendDocument")] == ["6001", "6001"]
    assert office.row(1).state is OutboxState.SENT


async def test_a_failing_file_upload_leaves_the_digest_sent_once(
    api: FakeBotApi, office: Office, channel: TelegramChannel, clock: Clock
) -> None:
    chief = office.bind("6002", person_id="nguyen-van-a", name="Nguyễn Văn A")
    now = clock.now() - dt.timedelta(seconds=5)
    payload = {
        "as_of": clock.today(TZ).isoformat(),
        "plans": ["kh-04-2017"],
        "text": "<b>Tổng hợp</b>",
        "parse_mode": "html",
    }
    with Session(office.engine) as session, session.begin():
        session.add(
            OutboxMessage(
                idempotency_key=f"digest|{chief}|x",
                kind=OutboxKind.DIGEST,
                person_id=chief,
                send_at=now,
                next_attempt_at=now,
                payload=payload,
                created_at=now,
                updated_at=now,
            )
        )
    original = api.handle

    def refuse_files(token: str, method: str, params: dict[str, object]) -> tuple[int, dict[str, object]]:
        if method in ("sendPhoto", "sendDocument"):
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: file too big"}
        return original(token, method, params)

    api.handle = refuse_files  # type: ignore[method-assign]
    dispatcher = Dispatcher(office.engine, {"telegram": channel}, clock=clock, calendar=CALENDAR, tz=TZ)
    stats = await dispatcher.run(until_idle=True)
    assert (stats.sent, stats.retried, stats.failed) == (1, 0, 0)
    assert len(api.delivered()) == 1


async def test_tonghop_sends_the_chief_the_digest_with_its_files(
    api: FakeBotApi, office: Office, channel: TelegramChannel, clock: Clock
) -> None:
    office.bind("6003", person_id="nguyen-van-a", name="Nguyễn Văn A")
    receiver = TelegramReceiver(
        ChatConversation(office.engine, tz=TZ, calendar=CALENDAR, cycles=CYCLES),
        Listening(poll_timeout=0, poll_pause=0.02),
        clock=clock,
    )
    await receiver.start({"telegram": channel})
    try:
        api.queue_update(
            {
                "message": {
                    "message_id": 1,
                    "date": 1_700_000_000,  # not read: the receiver stamps the event
                    "chat": {"id": 6003, "type": "private"},
                    "from": {"id": 6003, "is_bot": False, "first_name": "A"},
                    "text": "/tonghop",
                }
            }
        )
        deadline = time.monotonic() + 20
        while not api.calls_to("sendDocument") and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
    finally:
        await receiver.stop()
    (message,) = api.delivered()
    assert message.params["parse_mode"] == "HTML" and "04/KH-UBND" in str(message.params["text"])
    (photo,) = uploads(api, "sendPhoto", "photo")
    (workbook,) = uploads(api, "sendDocument", "document")
    assert photo.data.startswith(b"\x89PNG") and workbook.data.startswith(b"PK")
    assert api.calls_to("sendDocument")[0].params["caption"] == "Bảng chi tiết nhiệm vụ (Excel)"
    # As of the receiver's day, not the machine's.
    assert workbook.filename == f"digest-{clock.today(TZ).isoformat()}.xlsx"
