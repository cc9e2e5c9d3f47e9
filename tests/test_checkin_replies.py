"""Replies to a numbered check-in, the way people answer on Zalo or the console: several lines at
once (`1 xong`, `2 đang làm 60%`, `3 đã nộp`), a single number that opens the item's choices, a
number the list does not have (refused, nothing recorded), and the item buttons on Telegram.

The check-in is sent by the real dispatcher on the console channel, then answered through the
conversation, both on one database."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from rich.console import Console
from sqlmodel import Session, select

from bot.channels.console import ConsoleChannel
from bot.channels.events import Reply
from bot.chat.conversation import ChatConversation
from bot.clock import SimulatedClock
from bot.db.models import (
    ChatBinding,
    Checkin,
    Occurrence,
    OutboxMessage,
    OutboxState,
    ReportSubmission,
    Task,
    TaskStatus,
)
from bot.outbox.dispatcher import DispatchConfig, Dispatcher
from tests.test_conversation_office import CALENDAR, CYCLES, NOW, TZ, Office, event

CHANNEL = "console"
CHAT = "chat-khdt"
CONFIG = DispatchConfig(lease=dt.timedelta(seconds=10), send_timeout=2.5, drain_timeout=3)


@pytest.fixture
def talk(office: Office) -> ChatConversation:
    return ChatConversation(office.engine, tz=TZ, calendar=CALENDAR, cycles=CYCLES)


def person_on(office: Office, chat: str, channel: str) -> str:
    person = office.bind(chat)
    with Session(office.engine) as session, session.begin():
        binding = session.exec(select(ChatBinding).where(ChatBinding.chat_id == chat)).one()
        binding.channel = channel
    return person


async def send_checkin(office: Office, person: str, chat: str) -> tuple[str, dict[int, str]]:
    """Three pending reminders (tasks III.1.b and III.1.c, report IV.2) sent as one check-in on
    the console; returns its text and what each number stands for (`III.1.b`, …)."""
    at = NOW - dt.timedelta(minutes=5)
    for key in ("III.1.b", "III.1.c"):
        office.reminder(person, chat, key=key, state=OutboxState.PENDING, sent_at=at, channel=CHANNEL)
    office.reminder(
        person,
        chat,
        key=None,
        report="IV.2",
        due=dt.date(2026, 12, 15),
        state=OutboxState.PENDING,
        sent_at=at,
        channel=CHANNEL,
        message_id="501",
    )
    printed = io.StringIO()
    console = ConsoleChannel(Console(file=printed, width=200, color_system=None))
    dispatcher = Dispatcher(
        office.engine, {CHANNEL: console}, clock=SimulatedClock(NOW), calendar=CALENDAR, tz=TZ, config=CONFIG
    )
    stats = await dispatcher.run(until_idle=True)
    assert (stats.sent, stats.checkins) == (3, 1)
    with Session(office.engine) as session:
        (checkin,) = session.exec(select(Checkin)).all()
        numbers: dict[int, str] = {}
        for item in checkin.items:
            row = session.get(OutboxMessage, item["outbox_id"])
            assert row is not None
            occurrence = session.get(Occurrence, row.occurrence_id)
            assert occurrence is not None
            task = session.get(Task, occurrence.task_id) if occurrence.task_id is not None else None
            numbers[item["n"]] = task.key if task is not None else "IV.2"
    return printed.getvalue(), numbers


def say(talk: ChatConversation, chat: str, text: str, channel: str = CHANNEL) -> list[Reply]:
    return talk.respond(event(chat, text, channel=channel))


def text_of(replies: list[Reply]) -> str:
    return "\n".join(reply.message.text for reply in replies)


def status(office: Office, key: str) -> tuple[TaskStatus, int | None]:
    task = office.task(key)
    return task.status, task.status_percent


async def test_a_list_answered_while_a_question_waits_is_still_a_list(
    office: Office, talk: ChatConversation
) -> None:
    person = person_on(office, CHAT, CHANNEL)
    _, numbers = await send_checkin(office, person, CHAT)
    by_key = {key: n for n, key in numbers.items()}
    say(talk, CHAT, str(by_key["III.1.c"]))  # opens the item's choices: a question waits
    said = text_of(say(talk, CHAT, f"{by_key['III.1.c']} xong\n{by_key['IV.2']} đã nộp"))
    assert "Báo cáo IV.2: Đã ghi nhận: đã nộp báo cáo." in said
    assert office.task("III.1.c").status is TaskStatus.DONE


async def test_several_lines_answer_several_items_in_one_reply(
    office: Office, talk: ChatConversation
) -> None:
    person = person_on(office, CHAT, CHANNEL)
    printed, numbers = await send_checkin(office, person, CHAT)
    assert printed.count("→ ") == 1, "one message"
    assert "Kính gửi đồng chí" in printed and "«1 xong», «2 đang làm 60%»" in printed
    by_key = {key: n for n, key in numbers.items()}
    answer = "\n".join(
        [f"{by_key['III.1.b']} xong", f"{by_key['III.1.c']} đang làm 60%", f"{by_key['IV.2']} đã nộp"]
    )
    replies = say(talk, CHAT, answer)
    assert len(replies) == 1, "one reply for the whole answer"
    said = replies[0].message.text
    assert (
        f"{by_key['III.1.b']}. Đã ghi nhận Nhiệm vụ III.1.b "
        "«Rà soát quy hoạch các khu, cụm công nghiệp»: hoàn thành." in said
    )
    assert f"{by_key['IV.2']}. Báo cáo IV.2" in said
    assert status(office, "III.1.b")[0] is TaskStatus.DONE
    assert status(office, "III.1.c") == (TaskStatus.IN_PROGRESS, 60)
    with Session(office.engine) as session:
        assert len(session.exec(select(ReportSubmission)).all()) == 1


async def test_a_blocked_line_keeps_its_reason(office: Office, talk: ChatConversation) -> None:
    person = person_on(office, CHAT, CHANNEL)
    _, numbers = await send_checkin(office, person, CHAT)
    n = {key: n for n, key in numbers.items()}["III.1.c"]
    say(talk, CHAT, f"{n} vướng: thiếu kinh phí")
    assert office.task("III.1.c").status is TaskStatus.BLOCKED
    assert "thiếu kinh phí" in (office.updates()[-1].note or "")


async def test_a_number_the_list_does_not_have_records_nothing(
    office: Office, talk: ChatConversation
) -> None:
    person = person_on(office, CHAT, CHANNEL)
    await send_checkin(office, person, CHAT)
    said = text_of(say(talk, CHAT, "1 xong\n9 xong"))
    assert "không có mục số 9 (chỉ có từ 1 đến 3)" in said and "Chưa ghi nhận gì" in said
    assert office.updates() == []
    with Session(office.engine) as session:
        assert session.exec(select(ReportSubmission)).all() == []


async def test_a_single_number_opens_that_items_own_choices(office: Office, talk: ChatConversation) -> None:
    person = person_on(office, CHAT, CHANNEL)
    _, numbers = await send_checkin(office, person, CHAT)
    by_key = {key: n for n, key in numbers.items()}
    said = text_of(say(talk, CHAT, str(by_key["IV.2"])))
    assert "Báo cáo IV.2" in said
    assert "1. Đã nộp" in said and "2. Xin lùi hạn" in said and "3. Nhắc lại sau" in said
    assert "Đang thực hiện" not in said
    assert "đúng hạn" in text_of(say(talk, CHAT, "1"))
    said = text_of(say(talk, CHAT, str(by_key["III.1.b"])))
    assert "1. Hoàn thành" in said and "4. Nhắc lại sau" in said
    assert "bao nhiêu phần trăm" in text_of(say(talk, CHAT, "2"))
    say(talk, CHAT, "70")
    assert status(office, "III.1.b") == (TaskStatus.IN_PROGRESS, 70)


async def test_an_unsure_done_is_asked_not_recorded(office: Office, talk: ChatConversation) -> None:
    person = person_on(office, CHAT, CHANNEL)
    _, numbers = await send_checkin(office, person, CHAT)
    n = {key: n for n, key in numbers.items()}["III.1.b"]
    said = text_of(say(talk, CHAT, f"{n} gần xong, còn phần tổng hợp"))
    # «Nearly done» is progress, never a completion.
    assert said == (
        "Đã ghi nhận Nhiệm vụ III.1.b «Rà soát quy hoạch các khu, cụm công nghiệp»: đang thực hiện."
    )
    assert office.task("III.1.b").status is TaskStatus.IN_PROGRESS
    said = text_of(say(talk, CHAT, f"{n} 👍"))
    assert office.task("III.1.b").status is TaskStatus.IN_PROGRESS, "an emoji is no completion"


async def test_on_telegram_an_item_button_shows_its_choices_as_buttons(
    office: Office, talk: ChatConversation
) -> None:
    person = person_on(office, "tg-1", "telegram")
    report = office.reminder(person, "tg-1", key=None, report="IV.2", due=dt.date(2026, 12, 15))
    replies = talk.respond(
        event("tg-1", callback_data=f"r:{report}:open", callback_id="cb-open", message_id="500")
    )
    shown = [reply for reply in replies if reply.message.buttons]
    assert len(shown) == 1
    labels = [button.label for row in shown[0].message.buttons for button in row]
    data = [button.callback_data for row in shown[0].message.buttons for button in row]
    assert labels == ["Đã nộp", "Xin lùi hạn", "Nhắc lại sau"]
    assert data == [f"r:{report}:done", f"r:{report}:extend", f"r:{report}:snooze"]
    asked = talk.respond(
        event("tg-1", callback_data=f"r:{report}:extend", callback_id="cb-x", message_id="500")
    )
    assert "Xin lùi đến khi nào?" in text_of(asked)


# Numbers after a `/viec` or `/quahan` listing -------------------------------------------------------


async def test_after_a_listing_a_number_means_the_listings_task_not_the_checkins_item(
    office: Office, talk: ChatConversation
) -> None:
    # The check-in's 3 is report IV.2; `/viec` lists III.1.c, III.1.b, III.1.a: «3 xong» typed while
    # reading that list means III.1.a. (It once submitted the report instead.)
    person = person_on(office, CHAT, CHANNEL)
    _, numbers = await send_checkin(office, person, CHAT)
    assert numbers[3] == "IV.2"
    listing = text_of(say(talk, CHAT, "/viec"))
    assert "3. III.1.a" in listing and "ví dụ «1 xong»" in listing

    said = text_of(say(talk, CHAT, "3 xong"))

    assert "Nhiệm vụ III.1.a «Xây dựng Đề án tái cơ cấu ngành công nghiệp»: hoàn thành" in said
    assert status(office, "III.1.a") == (TaskStatus.DONE, None)
    with Session(office.engine) as session:
        assert session.exec(select(ReportSubmission)).all() == []


async def test_several_lines_and_a_bare_number_answer_the_listing(
    office: Office, talk: ChatConversation
) -> None:
    person = person_on(office, CHAT, CHANNEL)
    await send_checkin(office, person, CHAT)
    say(talk, CHAT, "/viec")

    said = text_of(say(talk, CHAT, "2 dang lam 40%\n3 vuong: thieu kinh phi"))
    assert "2. Đã ghi nhận" in said and "3. Đã ghi nhận" in said
    assert status(office, "III.1.b") == (TaskStatus.IN_PROGRESS, 40)
    assert status(office, "III.1.a")[0] is TaskStatus.BLOCKED

    asked = text_of(say(talk, CHAT, "1"))  # opens the status question of the listing's first task
    assert "Báo cáo tình hình thu hút đầu tư" in asked
    assert status(office, "III.1.c") == (TaskStatus.NOT_STARTED, None)


async def test_a_number_the_listing_does_not_have_records_nothing(
    office: Office, talk: ChatConversation
) -> None:
    person = person_on(office, CHAT, CHANNEL)
    await send_checkin(office, person, CHAT)
    say(talk, CHAT, "/viec")
    said = text_of(say(talk, CHAT, "1 xong\n4 xong"))
    assert "không có mục số 4 (chỉ có từ 1 đến 3). Chưa ghi nhận gì" in said
    assert {status(office, key)[0] for key in ("III.1.a", "III.1.b", "III.1.c")} == {TaskStatus.NOT_STARTED}


async def test_a_chief_cannot_file_another_units_task_from_the_overdue_list(
    office: Office, talk: ChatConversation
) -> None:
    # `/quahan` shows a chief every overdue task of the office; they report on their own unit's only.
    office.bind("chat-chief", unit="vp-ubnd", role="chief", name="Chánh VP")
    listing = text_of(say(talk, "chat-chief", "/quahan", channel="telegram"))
    assert "1. " in listing and "III.1" in listing
    said = text_of(say(talk, "chat-chief", "1 xong", channel="telegram"))
    assert "không do đơn vị của anh/chị chủ trì hay phối hợp, nên không ghi nhận gì" in said
    with Session(office.engine) as session:
        assert all(task.status is TaskStatus.NOT_STARTED for task in session.exec(select(Task)))
