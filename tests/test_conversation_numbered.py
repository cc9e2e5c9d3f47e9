"""Numbered choices under a reminder on a channel without buttons (the console here; Zalo over
HTTP in `test_zalo_flows.py`): a typed «1» answers the reminder as its button would."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from bot.channels.events import Attachment, Reply
from bot.chat.conversation import ChatConversation
from bot.chat.conversation.numbers import choice_number
from bot.db.models import (
    ChatBinding,
    Occurrence,
    OccurrenceState,
    OutboxMessage,
    OutboxState,
    ReportSubmission,
    TaskStatus,
    TaskUpdateAttachment,
)
from tests.test_conversation_office import CALENDAR, CYCLES, NOW, TZ, Office, event

CHANNEL = "console"
TITLE = "«Rà soát quy hoạch các khu, cụm công nghiệp»"
"""Task III.1.b, the one `Office.reminder` reminds of by default."""


@pytest.fixture
def talk(office: Office) -> ChatConversation:
    return ChatConversation(office.engine, tz=TZ, calendar=CALENDAR, cycles=CYCLES)


def on_console(office: Office, chat: str, *, lang: str = "vi") -> str:
    """A person of Sở KH&ĐT whose chat is on the console; returns their id."""
    person = office.bind(chat, lang=lang)
    with Session(office.engine) as session, session.begin():
        binding = session.exec(select(ChatBinding).where(ChatBinding.chat_id == chat)).one()
        binding.channel = CHANNEL
    return person


def say(
    talk: ChatConversation,
    chat: str,
    text: str,
    *,
    reply_to_message_id: str | None = None,
    attachments: tuple[Attachment, ...] = (),
) -> str:
    sent = event(
        chat, text, channel=CHANNEL, reply_to_message_id=reply_to_message_id, attachments=attachments
    )
    replies: list[Reply] = talk.respond(sent)
    assert all(reply.message.text and not reply.message.buttons for reply in replies), replies
    return "\n".join(reply.message.text for reply in replies)


def remind(office: Office, person: str, chat: str, **fields: object) -> int:
    return office.reminder(person, chat, channel=CHANNEL, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "number"),
    [("1", 1), ("số 1", 1), ("1.", 1), (" 1 ", 1), ("chọn 2", 2), ("Số 3", 3), ("４", 4), ("2)", 2)],
)
def test_the_ways_people_type_a_choice_number(text: str, number: int) -> None:
    assert choice_number(text) == number


@pytest.mark.parametrize("text", ["", "xong", "60%", "1 ngày", "1,5", "số", "đã xong 1 phần"])
def test_words_are_not_a_choice_number(text: str) -> None:
    assert choice_number(text) is None


def test_one_right_after_a_reminder_records_it_done(office: Office, talk: ChatConversation) -> None:
    person = on_console(office, "601")
    remind(office, person, "601")
    said = say(talk, "601", "1")
    assert f"{TITLE}: hoàn thành" in said and "phải không" not in said
    (update,) = office.updates()
    assert (update.status, update.author_person_id, update.source) == (TaskStatus.DONE, person, "console")
    assert office.task("III.1.b").status is TaskStatus.DONE
    with Session(office.engine) as session:
        assert session.exec(select(Occurrence)).one().state is OccurrenceState.DONE


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("số 1", "hoàn thành"),
        ("chọn 2", "phần trăm"),
        ("３", "vướng mắc gì"),
        (" 4. ", "Nhắc lại sau bao lâu"),
    ],
)
def test_every_written_form_picks_the_same_choice(
    office: Office, talk: ChatConversation, text: str, asked: str
) -> None:
    person = on_console(office, "602")
    remind(office, person, "602")
    assert asked in say(talk, "602", text)


def test_two_then_a_percent_records_in_progress(office: Office, talk: ChatConversation) -> None:
    person = on_console(office, "603")
    remind(office, person, "603")
    question = say(talk, "603", "2")
    assert "phần trăm" in question and "1. 25%" in question and "«1»" in question
    assert "đang thực hiện (60%)" in say(talk, "603", "60%")
    (update,) = office.updates()
    assert (update.status, update.percent) == (TaskStatus.IN_PROGRESS, 60)


def test_two_then_a_listed_percent_by_its_number(office: Office, talk: ChatConversation) -> None:
    person = on_console(office, "604")
    remind(office, person, "604")
    say(talk, "604", "2")
    say(talk, "604", "số 2")
    (update,) = office.updates()
    assert (update.status, update.percent) == (TaskStatus.IN_PROGRESS, 50)


def test_three_then_the_reason_records_blocked_with_the_note(office: Office, talk: ChatConversation) -> None:
    person = on_console(office, "605")
    remind(office, person, "605")
    assert "vướng mắc gì" in say(talk, "605", "3")
    assert "thiếu kinh phí" in say(talk, "605", "thiếu kinh phí")
    (update,) = office.updates()
    assert (update.status, update.note) == (TaskStatus.BLOCKED, "thiếu kinh phí")


def test_four_then_one_day_snoozes_to_the_next_working_day(office: Office, talk: ChatConversation) -> None:
    person = on_console(office, "606")
    remind(office, person, "606")
    lengths = say(talk, "606", "4")
    assert "1. 1 ngày" in lengths and "2. 3 ngày" in lengths
    assert "thứ Hai, 23/11/2026" in say(talk, "606", "1")  # Friday + 1 working day
    with Session(office.engine) as session:
        queued = session.exec(select(OutboxMessage).where(OutboxMessage.state == OutboxState.PENDING)).one()
    assert queued.next_attempt_at == dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)
    assert office.updates() == []


def test_a_quoted_one_answers_the_quoted_older_reminder(office: Office, talk: ChatConversation) -> None:
    person = on_console(office, "607")
    remind(office, person, "607", key="III.1.c", message_id="710", sent_at=NOW - dt.timedelta(hours=5))
    remind(office, person, "607", message_id="711")
    said = say(talk, "607", "1", reply_to_message_id="710")
    assert "«Báo cáo tình hình thu hút đầu tư»: hoàn thành" in said
    (update,) = office.updates()
    assert update.task_id == office.task("III.1.c").id
    assert office.task("III.1.b").status is TaskStatus.NOT_STARTED
    # Unquoted, a number answers the newest reminder.
    assert f"{TITLE}: hoàn thành" in say(talk, "607", "1")


def test_a_number_skips_a_closed_reminder_for_the_newest_open_one(
    office: Office, talk: ChatConversation
) -> None:
    person = on_console(office, "608")
    remind(office, person, "608", key="III.1.c", message_id="720", sent_at=NOW - dt.timedelta(hours=5))
    remind(office, person, "608", message_id="721")
    say(talk, "608", "1", reply_to_message_id="721")
    assert "«Báo cáo tình hình thu hút đầu tư»: hoàn thành" in say(talk, "608", "1")
    assert len(office.updates()) == 2


def test_a_stale_reminder_gets_a_friendly_answer_and_nothing_is_stored(
    office: Office, talk: ChatConversation
) -> None:
    person = on_console(office, "609")
    remind(office, person, "609", message_id="730")
    say(talk, "609", "1")
    for quoted in (None, "730"):
        said = say(talk, "609", "2", reply_to_message_id=quoted)
        assert f"Nhiệm vụ {TITLE} đã hoàn thành hoặc đã đóng" in said, quoted
    assert len(office.updates()) == 1


def test_a_number_out_of_range_asks_again_with_the_choices(office: Office, talk: ChatConversation) -> None:
    person = on_console(office, "610")
    remind(office, person, "610")
    again = say(talk, "610", "7")
    assert "từ 1 đến 4" in again
    assert all(line in again for line in ("1. Hoàn thành", "2. Đang thực hiện", "4. Nhắc lại sau"))
    assert office.updates() == []
    assert f"{TITLE}: hoàn thành" in say(talk, "610", "1")


def test_a_follow_up_out_of_range_lists_its_own_choices_again(office: Office, talk: ChatConversation) -> None:
    person = on_console(office, "611")
    remind(office, person, "611")
    say(talk, "611", "4")
    again = say(talk, "611", "9")
    assert "từ 1 đến 2" in again and "1. 1 ngày" in again
    assert "Đã hoãn" in say(talk, "611", "2")


def test_an_open_question_keeps_its_own_numbers(office: Office, talk: ChatConversation) -> None:
    person = on_console(office, "612")
    remind(office, person, "612")
    assert "1. III.1.c" in say(talk, "612", "/baocao")
    assert "«Báo cáo tình hình thu hút đầu tư» đang ở tình trạng nào" in say(talk, "612", "1")
    assert office.updates() == []


@pytest.mark.parametrize(
    "sent_at", [None, NOW - dt.timedelta(days=4)], ids=["no reminder", "reminder older than 3 days"]
)
def test_without_a_recent_reminder_a_number_is_read_as_before(
    office: Office, talk: ChatConversation, sent_at: dt.datetime | None
) -> None:
    person = on_console(office, "613")
    if sent_at is not None:
        remind(office, person, "613", sent_at=sent_at)
    said = say(talk, "613", "1")
    # Free text as before: with no reminder within 7 days, the offer of /baocao; else the
    # question whether the words are about the one task reminded (not a pick of a choice).
    expected = (
        "Tôi chưa biết tin nhắn này về nhiệm vụ nào" if sent_at is None else f"về nhiệm vụ {TITLE} phải không"
    )
    assert expected in said
    assert office.updates() == []


def test_a_reminder_in_another_chat_or_channel_is_not_answered(
    office: Office, talk: ChatConversation
) -> None:
    person = on_console(office, "614")
    office.reminder(person, "614")  # sent on Telegram, to the same chat id
    assert "hoàn thành" not in say(talk, "614", "1")
    assert office.updates() == []


def test_a_report_reminder_takes_one_for_submitted_and_explains_the_rest(
    office: Office, talk: ChatConversation
) -> None:
    person = on_console(office, "615")
    remind(office, person, "615", key=None, report="IV.2", due=dt.date(2026, 12, 15))
    # A report's choices are its own: 1 «Đã nộp», 2 «Xin lùi hạn», 3 «Nhắc lại sau».
    assert "Xin lùi đến khi nào?" in say(talk, "615", "2")
    assert "Đã hủy" in say(talk, "615", "/huy")
    again = say(talk, "615", "7")
    assert "1. Đã nộp" in again and "2. Xin lùi hạn" in again and "3. Nhắc lại sau" in again
    assert "Đang thực hiện" not in again
    said = say(talk, "615", "1")
    assert "đúng hạn" in said
    with Session(office.engine) as session:
        assert len(session.exec(select(ReportSubmission)).all()) == 1


def test_an_english_speaker_gets_the_choices_in_english(office: Office, talk: ChatConversation) -> None:
    person = on_console(office, "616", lang="en")
    remind(office, person, "616")
    again = say(talk, "616", "5")
    assert "1. Done" in again and "4. Remind me later" in again
    assert "How far along" in say(talk, "616", "2")


def test_a_photo_captioned_one_is_done_with_the_photo_as_evidence(
    office: Office, talk: ChatConversation
) -> None:
    person = on_console(office, "617")
    remind(office, person, "617")
    said = say(talk, "617", "1", attachments=(Attachment("photo", "zalo-photo-1"),))
    assert f"{TITLE}: hoàn thành" in said and "1 tệp đính kèm" in said
    (update,) = office.updates()
    with Session(office.engine) as session:
        kept = session.exec(select(TaskUpdateAttachment)).all()
    assert [(a.update_id, a.file_id) for a in kept] == [(update.id, "zalo-photo-1")]
