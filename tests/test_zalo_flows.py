"""Zalo end to end over real HTTP (the loopback fake), a real database, the real dispatcher and the
real conversation: registration by code, a reminder, the reply, the digest; refusals; webhooks.

The receiver and the dispatcher share one `SimulatedClock` standing at `NOW`; every time below
(invites, outbox rows, the digest's as-of) is computed from it, and where a retry must come due
the test moves that clock on rather than waiting. The fake's message dates are not read.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import subprocess
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.channels.events import IncomingEvent, Reply
from bot.channels.receiving import Listening, Webhook
from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_receive import SECRET_HEADER, ZaloReceiver, ZaloSetupError
from bot.chat.conversation import ChatConversation
from bot.clock import SimulatedClock
from bot.db.labels import status_label
from bot.db.models import ChatBinding, Invite, OutboxState, Task, TaskStatus, TaskUpdate
from bot.digest.queries import build_digest
from bot.outbox.dispatcher import DispatchConfig, Dispatcher
from bot.people.invites import AttemptLimiter, create_invite
from bot.web.server import WebServer
from bot.web.webhooks import webhook_app
from bot.workcal import WorkCalendar
from tests.fakes.bot_api import ZaloBotApi
from tests.fakes.outbox_world import TASK_TITLE, World, add_reminders, build_world, outbox_rows
from tests.fakes.processes import NHACVIEC, run_env
from tests.test_conversation_office import CYCLES

TOKEN = "1459232241454765289:fake-zalo-secret"

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)
"""Friday 20/11/2026, 09:00 in Hà Nội: where the tests' clock starts."""
SECRET = "s3cret-webhook-token"
FAST = DispatchConfig(  # the lease leaves a claimed row 6.5 s to reach the wire, even on a busy machine
    lease=dt.timedelta(seconds=10), send_timeout=2.5, retry_base=0.05, retry_cap=0.2, drain_timeout=3
)
POLLING = Listening(poll_timeout=1, poll_pause=0.02)
HOOK = Listening(webhook=Webhook("https://bot.example.gov.vn/zalo/hook", SECRET, listen="127.0.0.1", port=0))


async def until(check: Callable[[], bool], seconds: float = 8.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out waiting")


@dataclass
class Zalo:
    api: ZaloBotApi
    channel: ZaloChannel
    receiver: ZaloReceiver
    engine: Engine
    world: World
    clock: SimulatedClock
    """The receiver's and the dispatcher's."""

    def now(self) -> dt.datetime:
        return self.clock.now()

    def texts(self, chat: str) -> list[str]:
        return [str(c.params["text"]) for c in self.api.delivered() if c.chat_id == chat]

    async def say(self, chat: str, text: str, replies: int = 1) -> list[str]:
        """The person writes; returns the bot's new messages to them once `replies` have come."""
        before = len(self.texts(chat))
        self.api.queue_message(chat, text)
        await until(lambda: len(self.texts(chat)) >= before + replies)
        await self.receiver.idle()
        return self.texts(chat)[before:]

    def invite(self, person: str, *, expired: bool = False) -> str:
        with Session(self.engine) as session, session.begin():
            made = create_invite(session, unit_id=None, role=None, person_id=person, now=self.now())
            if expired:
                made.invite.expires_at = self.now() - dt.timedelta(minutes=1)
            return made.code

    def dispatcher(self) -> Dispatcher:
        return Dispatcher(
            self.engine, {"zalo": self.channel}, clock=self.clock, calendar=WorkCalendar(), tz=TZ, config=FAST
        )


def conversation(engine: Engine) -> ChatConversation:
    return ChatConversation(engine, tz=TZ, calendar=WorkCalendar(), cycles=CYCLES, limiter=AttemptLimiter())


class Unused:
    """A conversation for receivers whose settings are only checked."""

    async def handle(self, event: IncomingEvent) -> list[Reply]:
        raise AssertionError("no update is received")


@pytest.fixture
def api() -> Iterator[ZaloBotApi]:
    with ZaloBotApi(token=TOKEN, poll_wait=0.05) as server:
        yield server


async def started(api: ZaloBotApi, engine: Engine, listening: Listening) -> Zalo:
    clock = SimulatedClock(NOW)
    world = build_world(engine, people=2, bind=False, now=clock.now() - dt.timedelta(days=30))
    channel = ZaloChannel(TOKEN, api.url, timeout=2.0)
    await channel.start()
    receiver = ZaloReceiver(conversation(engine), listening, clock=clock)
    await receiver.start({"zalo": channel})
    return Zalo(api, channel, receiver, engine, world, clock)


@pytest.fixture
async def zalo(api: ZaloBotApi, engine: Engine) -> AsyncIterator[Zalo]:
    setup = await started(api, engine, POLLING)
    yield setup
    await setup.receiver.stop()
    await setup.channel.close()


async def registered(zalo: Zalo, chat: str = "zalo-user-1", person: str = "p0000") -> str:
    answers = await zalo.say(chat, zalo.invite(person), replies=1)
    assert any("Cán bộ 0" in text for text in answers), answers
    return chat


async def test_invite_reminder_reply_update_and_digest(zalo: Zalo) -> None:
    chat = await registered(zalo)
    with Session(zalo.engine) as session:
        binding = session.exec(select(ChatBinding).where(ChatBinding.channel == "zalo")).one()
    assert (binding.person_id, binding.chat_id) == ("p0000", chat)
    assert [c.method for c in zalo.api.calls[:2]] == ["getMe", "deleteWebhook"]

    add_reminders(zalo.engine, zalo.world, send_at=zalo.now(), people=["p0000"])
    stats = await zalo.dispatcher().run(until_idle=True)
    assert stats.sent == 1
    reminder = zalo.texts(chat)[-1]
    assert "1. Hoàn thành" in reminder and "4. Nhắc lại sau" in reminder  # numbered: Zalo has no buttons
    assert all("reply_markup" not in c.params for c in zalo.api.calls_to("sendMessage"))

    question = await zalo.say(chat, "xong")
    assert "1." in question[-1]  # which task / confirm: answered by typing a number
    confirmed = await zalo.say(chat, "1")
    assert any("hoàn thành" in text.lower() for text in confirmed), confirmed

    with Session(zalo.engine) as session:
        update = session.exec(select(TaskUpdate)).one()
        task = session.get(Task, zalo.world.task_id)
        assert task is not None and task.status is TaskStatus.DONE
        assert (update.source, update.author_person_id) == ("zalo", "p0000")
        assert update.source_ref is not None and update.source_ref.startswith(f"zalo:{chat}:")
        assert update.at == zalo.now()  # the receiver's time, not the message's date
        digest = build_digest(
            session, ["kh-04-2017"], as_of=zalo.clock.today(TZ), tz=TZ, calendar=WorkCalendar()
        )
    # The outbox world's task has no deadline of its own: the digest counts it done, not late.
    assert digest.totals.total == 1 and digest.totals.no_deadline == 1
    assert digest.updates.total == 1
    line = digest.updates.rows[0]
    assert (line.task_key, line.status, line.author) == ("III.2.c", TaskStatus.DONE, "Cán bộ 0")


async def test_a_free_text_reply_with_a_note(zalo: Zalo) -> None:
    chat = await registered(zalo)
    add_reminders(zalo.engine, zalo.world, send_at=zalo.now(), people=["p0000"])
    await zalo.dispatcher().run(until_idle=True)
    await zalo.say(chat, "vướng mắc: thiếu kinh phí")
    confirmed = await zalo.say(chat, "1")
    assert any("thiếu kinh phí" in text for text in confirmed), confirmed
    with Session(zalo.engine) as session:
        update = session.exec(select(TaskUpdate)).one()
    assert update.status is TaskStatus.BLOCKED and update.note is not None and "kinh phí" in update.note


async def test_a_stranger_and_an_expired_code_are_refused(zalo: Zalo) -> None:
    stranger = await zalo.say("zalo-stranger", "xin chào")
    assert "mã mời" in stranger[0]
    expired = await zalo.say("zalo-late", zalo.invite("p0001", expired=True))
    assert "hết hạn" in expired[0]
    with Session(zalo.engine) as session:
        assert session.exec(select(ChatBinding)).all() == []
        assert all(invite.used_at is None for invite in session.exec(select(Invite)))


async def test_a_transient_error_is_retried_by_the_dispatcher(zalo: Zalo) -> None:
    await registered(zalo)
    await zalo.receiver.stop()  # the next fault is for the send, not for a poll
    await asyncio.sleep(0.2)  # a poll already at the server ends first
    add_reminders(zalo.engine, zalo.world, send_at=zalo.now(), people=["p0000"])
    zalo.api.fail_next(1, "500")
    retried = sent = 0
    for _ in range(20):  # the retry is due a moment later: dispatch until it has gone out
        stats = await zalo.dispatcher().run(until_idle=True)
        retried, sent = retried + stats.retried, sent + stats.sent
        if sent:
            break
        zalo.clock.advance(dt.timedelta(seconds=1))  # past the backoff (at most FAST.retry_cap)
    assert (retried, sent) == (1, 1)
    assert [call.status for call in zalo.api.calls_to("sendMessage")][-2:] == [500, 200]
    row = outbox_rows(zalo.engine)[0]
    assert row.state == OutboxState.SENT and row.attempts == 2 and row.channel == "zalo"


async def test_a_blocked_chat_fails_the_row_and_blocks_the_binding(zalo: Zalo) -> None:
    chat = await registered(zalo)
    zalo.api.block_chat(chat)
    add_reminders(zalo.engine, zalo.world, send_at=zalo.now(), people=["p0000"])
    stats = await zalo.dispatcher().run(until_idle=True)
    assert stats.failed == 1
    row = outbox_rows(zalo.engine)[0]
    assert row.state == OutboxState.FAILED and "403" in (row.error or "")
    with Session(zalo.engine) as session:
        assert session.exec(select(ChatBinding)).one().blocked_at is not None


# --- numbered choices under a reminder ----------------------------------------------------------


async def reminded(zalo: Zalo) -> str:
    """A registered person who has just received one reminder (with numbered choices)."""
    chat = await registered(zalo)
    add_reminders(zalo.engine, zalo.world, send_at=zalo.now(), people=["p0000"])
    assert (await zalo.dispatcher().run(until_idle=True)).sent == 1
    assert "4. Nhắc lại sau" in zalo.texts(chat)[-1]
    return chat


def task_updates(engine: Engine) -> list[TaskUpdate]:
    with Session(engine) as session:
        return list(session.exec(select(TaskUpdate)).all())


@pytest.mark.parametrize(
    ("typed", "status", "percent", "note"),
    [
        (["1"], TaskStatus.DONE, None, None),
        (["2", "60%"], TaskStatus.IN_PROGRESS, 60, None),
        (["số 3", "thiếu kinh phí"], TaskStatus.BLOCKED, None, "thiếu kinh phí"),
    ],
    ids=["done", "in progress", "blocked"],
)
async def test_a_typed_number_answers_the_reminder_like_its_button(
    zalo: Zalo, typed: list[str], status: TaskStatus, percent: int | None, note: str | None
) -> None:
    chat = await reminded(zalo)
    answers = [text for line in typed for text in await zalo.say(chat, line)]
    assert not any("phải không" in text or "chưa hiểu" in text for text in answers), answers
    assert f"«{TASK_TITLE}»: {status_label(status, 'vi')}" in answers[-1], answers
    (update,) = task_updates(zalo.engine)
    assert (update.status, update.percent, update.note) == (status, percent, note)
    assert (update.source, update.author_person_id) == ("zalo", "p0000")
    with Session(zalo.engine) as session:
        task = session.get(Task, zalo.world.task_id)
        assert task is not None and task.status is status


async def test_four_then_one_snoozes_the_reminder(zalo: Zalo) -> None:
    chat = await reminded(zalo)
    lengths = await zalo.say(chat, "4")
    assert "1. 1 ngày" in lengths[0] and "2. 3 ngày" in lengths[0]
    snoozed = await zalo.say(chat, "1")
    assert "Đã hoãn" in snoozed[0]
    pending = [row for row in outbox_rows(zalo.engine) if row.state == OutboxState.PENDING]
    assert len(pending) == 1 and "|snooze:" in pending[0].idempotency_key  # one more reminder, later
    assert pending[0].next_attempt_at > zalo.now()
    assert task_updates(zalo.engine) == []


async def test_a_number_on_an_answered_reminder_is_told_and_stores_nothing(zalo: Zalo) -> None:
    chat = await reminded(zalo)
    await zalo.say(chat, "1")
    late = await zalo.say(chat, "2")
    assert "đã hoàn thành hoặc đã đóng" in late[0] and "không cần báo cáo thêm" in late[0]
    assert len(task_updates(zalo.engine)) == 1


async def test_a_number_out_of_range_asks_again(zalo: Zalo) -> None:
    chat = await reminded(zalo)
    again = await zalo.say(chat, "7")
    assert "từ 1 đến 4" in again[0] and "1. Hoàn thành" in again[0] and "4. Nhắc lại sau" in again[0]
    assert task_updates(zalo.engine) == []
    assert "hoàn thành" in (await zalo.say(chat, "1"))[0]
    assert len(task_updates(zalo.engine)) == 1


# --- webhooks -----------------------------------------------------------------------------------


@pytest.fixture
async def hooked(api: ZaloBotApi, engine: Engine) -> AsyncIterator[Zalo]:
    setup = await started(api, engine, HOOK)
    yield setup
    await setup.receiver.stop()
    await setup.channel.close()


@pytest.fixture
async def hook_url(hooked: Zalo) -> AsyncIterator[str]:
    """The webhook's address on the web application (`bot.web.webhooks`), on a loopback port."""
    server = WebServer(webhook_app([hooked.receiver]), "127.0.0.1", 0)
    await server.start()
    yield f"http://127.0.0.1:{server.port}/zalo/hook"
    await server.stop()


def update_for(chat: str, text: str) -> dict[str, object]:
    return {
        "event_name": "message.text.received",
        "message": {
            "message_id": "m1",
            "from": {"id": chat, "display_name": "Người lạ"},
            "chat": {"id": chat, "chat_type": "PRIVATE"},
            "date": 1766619597466,
            "text": text,
        },
    }


@pytest.mark.parametrize("secret", [None, "wrong-secret-token"], ids=["missing", "wrong"])
async def test_webhook_refuses_a_wrong_secret(hooked: Zalo, hook_url: str, secret: str | None) -> None:
    assert hooked.api.calls_to("setWebhook")[0].params == {
        "url": "https://bot.example.gov.vn/zalo/hook",
        "secret_token": SECRET,
    }
    assert not hooked.api.calls_to("getUpdates")
    url = hook_url
    headers = {SECRET_HEADER: secret} if secret else {}
    async with httpx.AsyncClient() as client:
        answer = await client.post(url, json=update_for("zalo-x", "xin chào"), headers=headers)
    assert answer.status_code == 403
    await asyncio.sleep(0.2)
    await hooked.receiver.idle()
    assert hooked.receiver.handled == 0 and hooked.api.delivered() == []


async def test_webhook_with_the_secret_is_answered(hooked: Zalo, hook_url: str) -> None:
    url = hook_url
    async with httpx.AsyncClient() as client:
        answer = await client.post(
            url, json=update_for("zalo-x", "xin chào"), headers={SECRET_HEADER: SECRET}
        )
        wrong_path = await client.post(url + "/other", json={}, headers={SECRET_HEADER: SECRET})
        not_json = await client.post(url, content=b"{oops", headers={SECRET_HEADER: SECRET})
    assert (answer.status_code, wrong_path.status_code, not_json.status_code) == (200, 404, 400)
    await until(lambda: bool(hooked.texts("zalo-x")))
    assert "mã mời" in hooked.texts("zalo-x")[0]
    assert hooked.receiver.handled == 1


@pytest.mark.parametrize(
    ("url", "secret", "expected"),
    [
        # ZALO_WEBHOOK_SECRET unset: the engine hands the receiver an empty secret.
        ("https://bot.example.gov.vn/hook", "", "ZALO_WEBHOOK_SECRET"),
        ("https://bot.example.gov.vn/hook", "short", "8–256 ký tự"),
        (
            "bot.example.gov.vn/hook",
            SECRET,
            "ZALO_WEBHOOK_URL=«bot.example.gov.vn/hook» không hợp lệ: cần địa chỉ HTTPS đầy đủ",
        ),
    ],
)
def test_webhook_settings_are_checked_with_a_fix(url: str, secret: str, expected: str) -> None:
    listening = Listening(webhook=Webhook(url, secret, listen="0.0.0.0", port=8444))
    receiver = ZaloReceiver(Unused(), listening, clock=SimulatedClock(NOW))
    with pytest.raises(ZaloSetupError) as refused:
        receiver.check_settings()
    assert expected in str(refused.value)
    english = ZaloReceiver(Unused(), listening, clock=SimulatedClock(NOW), lang="en")
    with pytest.raises(ZaloSetupError, match="ZALO_WEBHOOK"):
        english.check_settings()


async def test_a_refused_set_webhook_says_what_to_check(api: ZaloBotApi, engine: Engine) -> None:
    channel = ZaloChannel(TOKEN, api.url, timeout=2.0)
    await channel.start()
    receiver = ZaloReceiver(conversation(engine), HOOK, clock=SimulatedClock(NOW))
    api.fail_next(1, "500")
    try:
        with pytest.raises(ZaloSetupError) as refused:
            await receiver.start({"zalo": channel})
    finally:
        await receiver.stop()
        await channel.close()
    message = str(refused.value)
    assert "Zalo không nhận webhook https://bot.example.gov.vn/zalo/hook" in message
    assert "ZALO_WEBHOOK_URL" in message and TOKEN not in message


# --- nhacviec run --------------------------------------------------------------------------------


def test_run_names_the_zalo_server_it_could_not_start_with(api: ZaloBotApi, tmp_path: Path) -> None:
    env = run_env(f"sqlite:///{tmp_path / 'run.db'}", ZALO_BOT_TOKEN="1:WRONG-token", ZALO_API_URL=api.url)
    result = subprocess.run(
        [*NHACVIEC, "run", "--once", "--no-materialise"],
        env=env,
        cwd=tmp_path,
        text=True,
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 1
    message = " ".join(result.stderr.split())  # the console wraps long lines
    assert "Không khởi động được kênh zalo" in message and "ZALO_BOT_TOKEN" in message
    assert f"(và kết nối mạng tới {api.url})" in message
    assert "chưa có kênh Zalo" not in message


async def test_after_viec_a_number_is_the_listings_not_the_reminders_choice(zalo: Zalo) -> None:
    # The reminder's choices are numbered (1. Hoàn thành …); `/viec` then numbers the tasks. A «1»
    # typed after the listing picks its first task and asks its status: it does not answer the
    # reminder's «1. Hoàn thành», which would file a completion nobody meant.
    chat = await reminded(zalo)
    (listing,) = await zalo.say(chat, "/viec")
    assert TASK_TITLE in listing, listing
    assert "ví dụ «1 xong»" in listing
    (asked,) = await zalo.say(chat, "1")
    assert f"Nhiệm vụ «{TASK_TITLE}» đang ở tình trạng nào?" in asked and "1. hoàn thành" in asked
    assert task_updates(zalo.engine) == []
    await zalo.say(chat, "/viec")  # a new command leaves the question
    (done,) = await zalo.say(chat, "1 xong")
    assert f"«{TASK_TITLE}»: hoàn thành" in done
    (update,) = task_updates(zalo.engine)
    assert (update.status, update.source) == (TaskStatus.DONE, "zalo")
    (wrong,) = await zalo.say(chat, "2 xong")
    assert "Danh sách gần nhất chỉ có một mục, số 1; không có mục số 2. Chưa ghi nhận gì" in wrong
    assert len(task_updates(zalo.engine)) == 1
