"""Issue #12 end to end, the same conversations on three channels: Telegram and Zalo over real HTTP
(the loopback fake Bot APIs, the real receivers polling them), and the console (a real pipe read by
the console receiver, as `nhacviec run` reads the terminal). The real dispatcher sends the
reminders, the real conversation answers, a real database records.

Each scenario talks as a person would: a button on Telegram is pressed, on Zalo and the console
its number is typed; a reply on Telegram quotes the reminder, elsewhere the bot asks which task.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import os
import re
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from rich.console import Console
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.channels.base import OutgoingMessage, SentMessage
from bot.channels.console import ConsoleChannel
from bot.channels.console_receive import ConsoleReceiver
from bot.channels.receiving import Listening, UpdateReceiver
from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_receive import TelegramReceiver
from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_receive import ZaloReceiver
from bot.chat.conversation import ChatConversation
from bot.clock import SimulatedClock
from bot.db.models import (
    ChatBinding,
    Occurrence,
    OccurrenceState,
    OutboxKind,
    OutboxMessage,
    OutboxState,
    Person,
    TaskStatus,
)
from bot.outbox.dispatcher import Dispatcher
from bot.people import AttemptLimiter
from tests.fakes import FakeBotApi
from tests.fakes.bot_api import ZaloBotApi
from tests.test_conversation_office import CALENDAR, CYCLES, NOW, TZ, Office, build_office

TOKEN = "123456:TEST-token_abc"
ZALO_TOKEN = "1459232241454765289:fake-zalo-secret"
POLLING = Listening(poll_timeout=0, poll_pause=0.02)
TITLE = "Rà soát quy hoạch các khu, cụm công nghiệp"
KEY = "III.1.b"
"""The task `remind` reminds of (its default)."""
MONDAY_8 = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)
"""Thứ Hai 23/11/2026 08:00 in Hà Nội; the tests' clock stands at Friday 20/11/2026 09:00."""
_NUMBERED = re.compile(r"^(\d+)\. (.+)$", re.MULTILINE)
_ids = iter(range(1, 1_000_000))


async def until(check: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.02)


class Chat(ABC):
    """One person talking to the bot on one channel."""

    buttons: bool = False
    receiver: UpdateReceiver[Any]

    def __init__(self, office: Office, clock: SimulatedClock, person: str, chat: str) -> None:
        self.office = office
        self.clock = clock
        self.person = person
        self.chat = chat
        self.reminder_message: str | None = None

    @abstractmethod
    def messages(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Every message the bot sent to this chat: its text and its buttons (label, data)."""

    @abstractmethod
    def _send(self, text: str, reply_to: str | None) -> None: ...

    @abstractmethod
    def _press(self, data: str, message_id: str) -> None: ...

    @abstractmethod
    def channel(self) -> Any: ...

    async def say(self, text: str, *, quoting_reminder: bool = False) -> str:
        """The person writes; returns what the bot answered."""
        before, handled = len(self.messages()), self.receiver.handled
        self._send(text, self.reminder_message if quoting_reminder and self.buttons else None)
        await until(lambda: self.receiver.handled > handled)
        await self.receiver.idle()
        return "\n".join(text for text, _ in self.messages()[before:])

    async def choose(self, label: str) -> str:
        """Press the button whose label starts so (Telegram), or type its number (Zalo, the console)."""
        last = self.messages()[-1]
        if self.buttons:
            for message_id, (_text, buttons) in reversed(list(enumerate(self.messages()))):
                found = [data for shown, data in buttons if shown.startswith(label)]
                if found:
                    return await self._pressed(found[0], self.message_ids()[message_id])
            raise AssertionError(f"no button {label!r}")
        numbers = [number for number, shown in _NUMBERED.findall(last[0]) if shown.startswith(label)]
        assert numbers, (label, last[0])
        return await self.say(numbers[0])

    async def _pressed(self, data: str, message_id: str) -> str:
        before, handled = len(self.messages()), self.receiver.handled
        self._press(data, message_id)
        await until(lambda: self.receiver.handled > handled)
        await self.receiver.idle()
        return "\n".join(text for text, _ in self.messages()[before:])

    def message_ids(self) -> list[str]:
        return []

    async def remind(self, key: str = "III.1.b") -> None:
        """A reminder of task `key` due a minute ago, sent by the real dispatcher."""
        occurrence = self.office.occurrence(key)
        at = self.clock.now() - dt.timedelta(minutes=1)
        with Session(self.office.engine) as session, session.begin():
            session.add(
                OutboxMessage(
                    idempotency_key=f"{occurrence}|{self.person}|due:{next(_ids)}",
                    kind=OutboxKind.DUE,
                    occurrence_id=occurrence,
                    person_id=self.person,
                    send_at=at,
                    next_attempt_at=at,
                    created_at=at,
                    updated_at=at,
                )
            )
        dispatcher = Dispatcher(
            self.office.engine,
            {self.receiver.name: self.channel()},
            clock=self.clock,
            calendar=CALENDAR,
            tz=TZ,
        )
        assert (await dispatcher.run(until_idle=True)).sent == 1
        with Session(self.office.engine) as session:
            row = session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id).desc())).first()
            assert row is not None and row.state is OutboxState.SENT
            self.reminder_message = row.sent_message_id

    async def about_the_reminded_task(self, text: str) -> str:
        """Words about the task just reminded: a reply quoting it on Telegram; elsewhere the bot
        asks whether they are about that task, and the person says yes."""
        if self.buttons:
            return await self.say(text, quoting_reminder=True)
        asked = await self.say(text)
        assert f"về nhiệm vụ «{TITLE}» phải không?" in asked
        return await self.say("đúng")


class TelegramChat(Chat):
    buttons = True

    def __init__(self, api: FakeBotApi, channel: TelegramChannel, *args: Any) -> None:
        super().__init__(*args)
        self.api = api
        self._channel = channel

    def channel(self) -> Any:
        return self._channel

    def _calls(self) -> list[Any]:
        return [c for c in self.api.delivered() if c.method == "sendMessage" and c.chat_id == self.chat]

    def messages(self) -> list[tuple[str, list[tuple[str, str]]]]:
        found = []
        for call in self._calls():
            keyboard = (call.params.get("reply_markup") or {}).get("inline_keyboard", [])
            buttons = [(b["text"], b["callback_data"]) for row in keyboard for b in row]
            found.append((str(call.params.get("text")), buttons))
        return found

    def message_ids(self) -> list[str]:
        return [str(call.result["message_id"]) for call in self._calls()]

    def _send(self, text: str, reply_to: str | None) -> None:
        message: dict[str, Any] = {
            "message_id": next(_ids),
            "date": 1_700_000_000,
            "chat": {"id": int(self.chat), "type": "private"},
            "from": {"id": int(self.chat), "is_bot": False, "first_name": "Lan"},
            "text": text,
        }
        if reply_to is not None:
            message["reply_to_message"] = {
                "message_id": int(reply_to),
                "date": 1_700_000_000,
                "chat": {"id": int(self.chat), "type": "private"},
                "text": "Nhắc việc",
            }
        self.api.queue_update({"message": message})

    def _press(self, data: str, message_id: str) -> None:
        self.api.queue_update(
            {
                "callback_query": {
                    "id": f"cq-{next(_ids)}",
                    "from": {"id": int(self.chat), "is_bot": False, "first_name": "Lan"},
                    "chat_instance": "ci",
                    "data": data,
                    "message": {
                        "message_id": int(message_id),
                        "date": 1_700_000_000,
                        "chat": {"id": int(self.chat), "type": "private"},
                        "text": "…",
                    },
                }
            }
        )


class ZaloChat(Chat):
    def __init__(self, api: ZaloBotApi, channel: ZaloChannel, *args: Any) -> None:
        super().__init__(*args)
        self.api = api
        self._channel = channel

    def channel(self) -> Any:
        return self._channel

    def messages(self) -> list[tuple[str, list[tuple[str, str]]]]:
        return [
            (str(c.params.get("text")), [])
            for c in self.api.delivered()
            if c.method == "sendMessage" and c.chat_id == self.chat
        ]

    def _send(self, text: str, reply_to: str | None) -> None:
        self.api.queue_message(self.chat, text, name="Trần Thị Lan")

    def _press(self, data: str, message_id: str) -> None:
        raise AssertionError("Zalo has no buttons")


class RecordingConsole(ConsoleChannel):
    """The console channel, printing as always, remembering what it printed to whom."""

    def __init__(self, console: Console) -> None:
        super().__init__(console)
        self.sent: list[tuple[str, str]] = []

    async def send(self, chat_id: str, message: OutgoingMessage) -> SentMessage:
        self.sent.append((chat_id, message.text))
        return await super().send(chat_id, message)


class ConsoleChat(Chat):
    def __init__(self, channel: RecordingConsole, writer: io.TextIOWrapper, *args: Any) -> None:
        super().__init__(*args)
        self._channel = channel
        self.writer = writer

    def channel(self) -> Any:
        return self._channel

    def messages(self) -> list[tuple[str, list[tuple[str, str]]]]:
        return [(text, []) for chat, text in self._channel.sent if chat == self.chat]

    def _send(self, text: str, reply_to: str | None) -> None:
        self.writer.write(text + "\n")
        self.writer.flush()

    def _press(self, data: str, message_id: str) -> None:
        raise AssertionError("the console has no buttons")


def conversation(engine: Engine) -> ChatConversation:
    return ChatConversation(engine, tz=TZ, calendar=CALENDAR, cycles=CYCLES, limiter=AttemptLimiter())


def staff_in_directory(engine: Engine) -> str:
    """Trần Thị Lan of Sở KH&ĐT, in the directory (not yet in any chat)."""
    with Session(engine) as session, session.begin():
        session.add(
            Person(id="tran-thi-lan", name="Trần Thị Lan", unit_id="so-khdt", created_at=NOW, updated_at=NOW)
        )
    return "tran-thi-lan"


@pytest.fixture(params=["telegram", "zalo", "console"])
async def chat(request: pytest.FixtureRequest, engine: Engine) -> AsyncIterator[Chat]:
    office = build_office(engine)
    clock = SimulatedClock(NOW)
    if request.param == "telegram":
        with FakeBotApi(token=TOKEN) as api:
            channel = TelegramChannel(TOKEN, api.url, timeout=3.0)
            await channel.start()
            person = office.bind("5001", name="Lan")
            talk = TelegramChat(api, channel, office, clock, person, "5001")
            talk.receiver = TelegramReceiver(conversation(engine), POLLING, clock=clock)
            await talk.receiver.start({"telegram": channel})
            yield talk
            await talk.receiver.stop()
            await channel.close()
    elif request.param == "zalo":
        with ZaloBotApi(token=ZALO_TOKEN, poll_wait=0.05) as zalo_api:
            zalo = ZaloChannel(ZALO_TOKEN, zalo_api.url, timeout=2.0)
            await zalo.start()
            person = office.bind("zalo-lan", name="Lan")
            with Session(engine) as session, session.begin():
                session.exec(
                    select(ChatBinding).where(ChatBinding.chat_id == "zalo-lan")
                ).one().channel = "zalo"
            zalo_talk = ZaloChat(zalo_api, zalo, office, clock, person, "zalo-lan")
            zalo_talk.receiver = ZaloReceiver(conversation(engine), POLLING, clock=clock)
            await zalo_talk.receiver.start({"zalo": zalo})
            yield zalo_talk
            await zalo_talk.receiver.stop()
            await zalo.close()
    else:
        person = staff_in_directory(engine)
        reading, writing = os.pipe()
        reader = os.fdopen(reading, "r", encoding="utf-8")
        writer = os.fdopen(writing, "w", encoding="utf-8")
        screen = io.StringIO()
        console = RecordingConsole(Console(file=screen, width=110, highlight=False))
        console_talk = ConsoleChat(console, writer, office, clock, person, person)
        receiver = ConsoleReceiver(conversation(engine), engine=engine, clock=clock, stream=reader)
        console_talk.receiver = receiver
        await receiver.start({"console": console})
        assert "Anh/chị là ai trong danh bạ?" in screen.getvalue()
        writer.write("Lan\n")  # the operator says who they are: Trần Thị Lan
        writer.flush()
        await until(lambda: receiver.speaker is not None)
        assert "với tư cách Trần Thị Lan (Sở Kế hoạch và Đầu tư)" in screen.getvalue()
        yield console_talk
        await receiver.stop()
        writer.close()
        reader.close()


def updates(chat: Chat) -> list[tuple[TaskStatus, int | None]]:
    return [(u.status, u.percent) for u in chat.office.updates()]


def deadline_state(chat: Chat) -> OccurrenceState:
    with Session(chat.office.engine) as session:
        occurrence = session.exec(
            select(Occurrence).where(Occurrence.task_id == chat.office.task("III.1.b").id)
        )
        return occurrence.one().state


# --- the scenarios ----------------------------------------------------------------------------------


async def test_snooze_to_monday_at_eight(chat: Chat) -> None:
    await chat.remind()
    said = await chat.about_the_reminded_task("để thứ Hai 8h nhắc lại")
    assert f"Đã hoãn: sẽ nhắc lại nhiệm vụ «{TITLE}» vào 08:00 thứ Hai, 23/11/2026." in said
    with Session(chat.office.engine) as session:
        queued = session.exec(select(OutboxMessage).where(OutboxMessage.state == OutboxState.PENDING)).one()
    assert queued.next_attempt_at == MONDAY_8
    assert updates(chat) == []


async def test_a_mistaken_done_is_taken_back_and_the_deadline_reopens(chat: Chat) -> None:
    await chat.remind()
    said = await chat.about_the_reminded_task("xong rồi ạ")
    assert f"Đã ghi nhận Nhiệm vụ {KEY} «{TITLE}»: hoàn thành." in said
    assert deadline_state(chat) is OccurrenceState.DONE
    chat.clock.advance(dt.timedelta(minutes=7))
    said = await chat.say("nhầm rồi")
    assert f"Đã hủy cập nhật «hoàn thành» lúc 09:00 của nhiệm vụ «{TITLE}»" in said
    assert "Tình trạng trở lại: chưa thực hiện" in said and "mở lại" in said
    assert deadline_state(chat) is OccurrenceState.OPEN
    await chat.choose("đang thực hiện")
    asked = await chat.say("được khoảng 40%")  # words in the percent step
    assert "ghi chú" in asked
    said = await chat.choose("Không có ghi chú")
    assert f"«{TITLE}»: đang thực hiện (40%)" in said
    assert updates(chat) == [
        (TaskStatus.DONE, None),
        (TaskStatus.NOT_STARTED, None),
        (TaskStatus.IN_PROGRESS, 40),
    ]


async def test_an_interrupted_step_keeps_what_was_chosen(chat: Chat) -> None:
    await chat.say("/baocao")
    await chat.choose("III.1.c ")
    note = await chat.choose("hoàn thành")
    assert "Thêm ghi chú" in note
    said = await chat.say("/viec")  # another command before the note
    assert "Đã lưu phần anh/chị chọn trước khi chuyển sang lệnh mới." in said
    assert "«Báo cáo tình hình thu hút đầu tư»: hoàn thành." in said
    assert "Nhiệm vụ đang mở của Sở Kế hoạch và Đầu tư" in said
    assert updates(chat) == [(TaskStatus.DONE, None)]


async def test_report_pages_and_words_in_every_step(chat: Chat) -> None:
    chat.office.add_tasks(20)
    first = await chat.say("/baocao")
    assert "Trang 1/3 (23 nhiệm vụ)" in first
    second = await chat.choose("Trang sau ▶") if chat.buttons else await chat.say("sau")
    assert "Trang 2/3" in second
    found = await chat.say("quy hoạch")  # words in the task step: found by its title
    assert f"Nhiệm vụ «{TITLE}» đang ở tình trạng nào?" in found
    said = await chat.say("đang làm 60%, vướng mắc: chờ số liệu Sở Tài chính")  # words in the status step
    assert f"«{TITLE}»: vướng mắc (60%)" in said and "Ghi chú: chờ số liệu Sở Tài chính" in said
    asked = await chat.say("/baocao V.17")
    assert "Nhiệm vụ thêm số 17" in asked
    confirm = await chat.say("hoan thnah roi")  # a typo: the completion is confirmed first
    assert "Xác nhận nhiệm vụ «Nhiệm vụ thêm số 17 về chuyển đổi số» đã hoàn thành?" in confirm
    assert "hoàn thành" in await chat.say("đúng rồi")  # words in the confirmation step
    assert updates(chat) == [(TaskStatus.BLOCKED, 60), (TaskStatus.DONE, None)]
