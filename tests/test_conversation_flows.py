"""The conversation without any network: registration, commands, steps, reminder buttons and
replies, refusals. Real SQLite database; the events are what a channel adapter would build."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.channels.base import ParseMode
from bot.channels.events import Attachment, Reply
from bot.chat.conversation import ChatConversation, FloodGate, Steps, parse_command
from bot.datefmt import long_date
from bot.db.models import (
    ChatBinding,
    Occurrence,
    OccurrenceState,
    OutboxMessage,
    OutboxState,
    ReportSubmission,
    Task,
    TaskStatus,
    TaskUpdateAttachment,
)
from bot.people import AttemptLimiter
from tests.test_conversation_office import CALENDAR, CYCLES, NOW, TZ, Office, event, texts

Dump = Callable[[Engine], dict[str, list[tuple[object, ...]]]]


@pytest.fixture
def talk(office: Office) -> ChatConversation:
    return ChatConversation(
        office.engine,
        tz=TZ,
        calendar=CALENDAR,
        cycles=CYCLES,
        limiter=AttemptLimiter(),
        bot_username="nhacviec_bot",
    )


def buttons(replies: list[Reply]) -> list[tuple[str, str]]:
    return [(b.label, b.callback_data) for r in replies for row in r.message.buttons for b in row]


def press(talk: ChatConversation, chat: str, data: str, message_id: str = "500") -> list[Reply]:
    return talk.respond(event(chat, callback_data=data, callback_id=f"cb-{data}", message_id=message_id))


# --- registration and refusals ------------------------------------------------------------------


def test_a_stranger_is_refused_politely_and_told_how_to_get_an_invite(
    office: Office, talk: ChatConversation, dump: Dump
) -> None:
    before = dump(office.engine)
    replies = talk.respond(event("777", "/viec"))
    assert "chỉ làm việc với cán bộ đã đăng ký" in texts(replies)
    assert "nhacviec invite" in texts(replies)
    assert dump(office.engine) == before


def test_a_code_alone_or_the_start_deep_link_registers_the_chat(
    office: Office, talk: ChatConversation
) -> None:
    first, second = office.invite(name="Lan"), office.invite(name="Huệ")
    welcome = texts(talk.respond(event("801", f"  {first.lower()} ")))
    assert "Chào Lan (Sở Kế hoạch và Đầu tư)" in welcome and "/baocao" in welcome
    assert "Chào Huệ" in texts(talk.respond(event("802", f"/start {second.replace('-', '')}")))
    with Session(office.engine) as session:
        chats = sorted(b.chat_id for b in session.exec(select(ChatBinding)).all())
    assert chats == ["801", "802"]
    assert "/viec" not in texts(talk.respond(event("801", "/viec")))  # now a listing, not a refusal


def test_an_expired_or_unknown_code_is_refused_and_binds_nothing(
    office: Office, talk: ChatConversation, dump: Dump
) -> None:
    old = office.invite(now=NOW - dt.timedelta(days=10), ttl_days=7)
    before = dump(office.engine)
    assert "đã hết hạn" in texts(talk.respond(event("803", f"/start {old}")))
    assert "không đúng" in texts(talk.respond(event("803", "/start ABCD-EFGH")))
    assert dump(office.engine) == before


def test_groups_never_bind_and_only_answer_commands_for_this_bot(
    office: Office, talk: ChatConversation, dump: Dump
) -> None:
    code = office.invite()
    office.bind("901")
    before = dump(office.engine)
    group = {"is_group": True, "user_id": "901"}
    assert "nhắn riêng cho bot" in texts(talk.respond(event("-100", f"/start {code}", **group)))
    assert talk.respond(event("-100", "xong rồi", **group)) == []
    assert talk.respond(event("-100", "/viec@other_bot", **group)) == []
    assert "III.1.b" in texts(talk.respond(event("-100", "/viec@nhacviec_bot", **group)))
    stranger = texts(talk.respond(event("-100", "/viec", is_group=True, user_id="555")))
    assert "chưa đăng ký" in stranger
    assert dump(office.engine) == before


def test_commands_are_read_with_or_without_the_bot_name() -> None:
    assert parse_command("/viec", "nhacviec_bot") == ("viec", "")
    assert parse_command("/Start@NhacViec_Bot ABCD-EFGH", "nhacviec_bot") == ("start", "ABCD-EFGH")
    assert parse_command("/viec@khac_bot", "nhacviec_bot")[0] == "\0"
    assert parse_command("xong", "nhacviec_bot") == (None, "")


# --- listings ------------------------------------------------------------------------------------


def test_tasks_are_listed_nearest_deadline_first(office: Office, talk: ChatConversation) -> None:
    office.bind("101")
    text = texts(talk.respond(event("101", "/viec")))
    assert text.index("III.1.c") < text.index("III.1.b") < text.index("III.1.a")
    assert "III.2.-1" not in text  # Văn phòng UBND's task
    assert "<b>III.1.b</b>" in text and "hạn 29/06/2017" in text
    assert talk.respond(event("101", "/viec"))[0].message.parse_mode is ParseMode.HTML


def test_overdue_lists_working_days_late(office: Office, talk: ChatConversation) -> None:
    office.bind("102")
    text = texts(talk.respond(event("102", "/quahan")))
    late = CALENDAR.working_days_between(dt.date(2017, 6, 29), NOW.astimezone(TZ).date())
    assert f"trễ {late} ngày làm việc" in text
    assert text.index("III.1.c") < text.index("III.1.b")


def test_an_english_speaker_gets_english_through_the_english_aliases(
    office: Office, talk: ChatConversation
) -> None:
    office.bind("103", lang="en", name="Mary")
    assert "Open tasks of Sở Kế hoạch và Đầu tư (3)" in texts(talk.respond(event("103", "/tasks")))
    assert "working days late" in texts(talk.respond(event("103", "/overdue")))
    assert "Commands of the Nhắc việc bot" in texts(talk.respond(event("103", "/help")))
    assert "Only office chiefs" in texts(talk.respond(event("103", "/digest")))
    assert "There is no step waiting" in texts(talk.respond(event("103", "/cancel")))


def test_the_digest_is_refused_to_staff_and_sent_to_the_chief(office: Office, talk: ChatConversation) -> None:
    office.bind("104")
    assert "Chỉ lãnh đạo văn phòng" in texts(talk.respond(event("104", "/tonghop")))
    office.bind("105", person_id="nguyen-van-a", name="Nguyễn Văn A")
    replies = talk.respond(event("105", "/tonghop"))
    assert replies[0].message.parse_mode is ParseMode.HTML and "04/KH-UBND" in texts(replies)
    files = [file for reply in replies for file in reply.files]
    assert [f.kind for f in files] == ["photo", "document"]
    assert files[0].data.startswith(b"\x89PNG") and files[1].data.startswith(b"PK")


# --- /baocao step by step ------------------------------------------------------------------------


def test_report_step_by_step_with_numbers_on_a_channel_without_buttons(office: Office) -> None:
    talk = ChatConversation(office.engine, tz=TZ, calendar=CALENDAR, cycles=CYCLES)
    office.bind("106")
    with Session(office.engine) as session, session.begin():
        binding = session.exec(select(ChatBinding).where(ChatBinding.chat_id == "106")).one()
        binding.channel = "console"
    ask = talk.respond(event("106", "/baocao", channel="console"))
    assert buttons(ask) == [] and "1. III.1.c" in texts(ask) and "«1»" in texts(ask)
    status = texts(talk.respond(event("106", "2", channel="console")))
    assert "«Rà soát quy hoạch" in status and "2. đang thực hiện" in status
    assert "phần trăm" in texts(talk.respond(event("106", "2", channel="console")))
    assert "không phải tỷ lệ" in texts(talk.respond(event("106", "150", channel="console")))
    assert "ghi chú" in texts(talk.respond(event("106", "60", channel="console")))
    done = texts(talk.respond(event("106", "đã khảo sát xong 3 huyện", channel="console")))
    assert "đang thực hiện (60%)" in done and "Ghi chú: đã khảo sát xong 3 huyện" in done
    (update,) = office.updates()
    assert (update.status, update.percent, update.note, update.source) == (
        TaskStatus.IN_PROGRESS,
        60,
        "đã khảo sát xong 3 huyện",
        "console",
    )
    assert office.task("III.1.b").status is TaskStatus.IN_PROGRESS


def test_report_with_buttons_and_a_stale_step_button(office: Office, talk: ChatConversation) -> None:
    office.bind("107")
    tasks = buttons(talk.respond(event("107", "/baocao")))
    assert [label.split()[0] for label, _ in tasks] == ["III.1.c", "III.1.b", "III.1.a"]
    statuses = buttons(press(talk, "107", tasks[0][1]))
    assert [label for label, _ in statuses][:2] == ["hoàn thành", "đang thực hiện"]
    note = press(talk, "107", statuses[0][1])
    assert any(r.edit_buttons_of == "500" for r in note)  # the answered question loses its buttons
    recorded = texts(press(talk, "107", buttons(note)[0][1]))
    assert "Báo cáo tình hình thu hút đầu tư" in recorded and "hoàn thành" in recorded
    assert [u.status for u in office.updates()] == [TaskStatus.DONE]
    stale = press(talk, "107", statuses[1][1])
    assert stale[0].answer_callback is not None and "hết hạn" in stale[0].answer_callback
    assert len(office.updates()) == 1


def test_cancel_forgets_the_open_step(office: Office, talk: ChatConversation, dump: Dump) -> None:
    office.bind("108")
    talk.respond(event("108", "/baocao"))
    before = dump(office.engine)
    assert "Đã hủy" in texts(talk.respond(event("108", "/huy")))
    assert "Tôi chưa biết tin nhắn này về nhiệm vụ nào" in texts(talk.respond(event("108", "1")))
    assert dump(office.engine) == before


# --- reminder buttons ----------------------------------------------------------------------------


def test_done_button_files_the_update_closes_the_deadline_and_removes_buttons(
    office: Office, talk: ChatConversation
) -> None:
    person = office.bind("201")
    outbox_id = office.reminder(person, "201")
    replies = press(talk, "201", f"r:{outbox_id}:done")
    assert replies[-1].answer_callback == "Đã ghi nhận." and replies[-1].edit_buttons_of == "500"
    assert "«Rà soát quy hoạch các khu, cụm công nghiệp»: hoàn thành" in texts(replies)
    (update,) = office.updates()
    assert (update.author_person_id, update.source_ref) == (person, "telegram:201:500")
    with Session(office.engine) as session:
        assert session.exec(select(Occurrence)).one().state is OccurrenceState.DONE
    again = press(talk, "201", f"r:{outbox_id}:done")
    assert "đã hoàn thành hoặc đã đóng" in (again[0].answer_callback or "")
    assert len(office.updates()) == 1


def test_doing_asks_the_percent_and_blocked_asks_the_reason(office: Office, talk: ChatConversation) -> None:
    person = office.bind("202")
    outbox_id = office.reminder(person, "202")
    percents = buttons(press(talk, "202", f"r:{outbox_id}:doing"))
    assert [label for label, _ in percents] == ["25%", "50%", "75%"]
    replies = press(talk, "202", percents[1][1], message_id="601")
    assert "đang thực hiện (50%)" in texts(replies)
    assert {r.edit_buttons_of for r in replies} >= {"601", "500"}
    assert "vướng mắc gì" in texts(press(talk, "202", f"r:{outbox_id}:blocked"))
    assert "vướng mắc" in texts(talk.respond(event("202", "thiếu kinh phí")))
    assert [(u.status, u.percent, u.note) for u in office.updates()] == [
        (TaskStatus.IN_PROGRESS, 50, None),
        (TaskStatus.BLOCKED, None, "thiếu kinh phí"),
    ]


def test_snooze_button_queues_one_more_reminder_on_a_working_day(
    office: Office, talk: ChatConversation
) -> None:
    person = office.bind("203")
    outbox_id = office.reminder(person, "203")
    lengths = buttons(press(talk, "203", f"r:{outbox_id}:snooze"))
    assert [label for label, _ in lengths] == ["1 ngày", "3 ngày"]
    said = texts(press(talk, "203", lengths[0][1]))
    assert "thứ Hai, 23/11/2026" in said  # Friday + 1 working day
    with Session(office.engine) as session:
        queued = session.exec(select(OutboxMessage).where(OutboxMessage.state == OutboxState.PENDING)).one()
    assert queued.next_attempt_at == dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)
    assert office.updates() == []


@pytest.mark.parametrize("data", ["r:abc:done", "r:1:explode", "garbage", "r:999999:done", "c:zz:1", "r::"])
def test_forged_or_garbage_callback_data_changes_nothing(
    office: Office, talk: ChatConversation, dump: Dump, data: str
) -> None:
    office.bind("204")
    before = dump(office.engine)
    replies = press(talk, "204", data)
    assert replies[0].answer_callback and replies[0].edit_buttons_of == "500"
    assert dump(office.engine) == before


def test_another_persons_reminder_or_a_cancelled_one_is_refused(
    office: Office, talk: ChatConversation, dump: Dump
) -> None:
    khdt = office.bind("205")
    tc = office.bind("206", unit="so-tc", name="Tc")
    theirs = office.reminder(khdt, "205")
    cancelled = office.reminder(tc, "206", key="III.1.a", message_id="501", state=OutboxState.CANCELLED)
    before = dump(office.engine)
    assert "không phải của anh/chị" in (press(talk, "206", f"r:{theirs}:done")[0].answer_callback or "")
    assert "không còn hiệu lực" in (press(talk, "206", f"r:{cancelled}:done")[0].answer_callback or "")
    assert dump(office.engine) == before


def test_a_colleague_of_the_unit_may_answer_and_the_previous_author_is_named(
    office: Office, talk: ChatConversation
) -> None:
    first = office.bind("207", name="Khdt")
    office.bind("208", name="Đồng nghiệp")
    mine = office.reminder(first, "207")
    talk.respond(event("207", "đang làm 30%", reply_to_message_id="500"))
    said = texts(press(talk, "208", f"r:{mine}:done"))
    assert "(Trước đó Khdt báo: đang thực hiện.)" in said
    assert [u.status for u in office.updates()] == [TaskStatus.IN_PROGRESS, TaskStatus.DONE]


# --- replies and free text -----------------------------------------------------------------------


def test_a_reply_to_a_reminder_is_filed_with_its_attachments(office: Office, talk: ChatConversation) -> None:
    person = office.bind("301")
    office.reminder(person, "301", message_id="700")
    files = (Attachment("document", "file-1", "bao-cao.pdf"), Attachment("photo", "file-2"))
    said = texts(
        talk.respond(
            event(
                "301",
                "đang làm 60%, vướng mắc: thiếu kinh phí",
                reply_to_message_id="700",
                message_id="701",
                attachments=files,
            )
        )
    )
    assert "vướng mắc" in said and "Đã lưu 2 tệp" in said
    (update,) = office.updates()
    assert (update.status, update.note, update.source_ref) == (
        TaskStatus.BLOCKED,
        "thiếu kinh phí",
        "telegram:301:701",
    )
    with Session(office.engine) as session:
        kept = session.exec(select(TaskUpdateAttachment)).all()
    assert sorted((a.kind, a.file_id) for a in kept) == [("document", "file-1"), ("photo", "file-2")]


def test_an_unsure_reply_is_asked_back_with_choices(office: Office, talk: ChatConversation) -> None:
    person = office.bind("302")
    office.reminder(person, "302", message_id="710")
    asked = talk.respond(event("302", "ok", reply_to_message_id="710"))
    offered = buttons(asked)
    assert [label for label, _ in offered] == ["hoàn thành", "đang thực hiện", "chưa thực hiện", "vướng mắc"]
    assert office.updates() == []
    press(talk, "302", offered[3][1])
    assert [u.status for u in office.updates()] == [TaskStatus.BLOCKED]


def test_free_text_is_checked_against_the_one_task_reminded_recently(
    office: Office, talk: ChatConversation
) -> None:
    person = office.bind("303")
    office.reminder(person, "303")
    asked = talk.respond(event("303", "xong rồi"))
    assert "về nhiệm vụ «Rà soát quy hoạch" in texts(asked)
    assert [label for label, _ in buttons(asked)] == ["Đúng", "Không phải"]
    assert "hoàn thành" in texts(talk.respond(event("303", "1")))
    assert [u.status for u in office.updates()] == [TaskStatus.DONE]


def test_free_text_without_a_recent_reminder_offers_the_report_command(
    office: Office, talk: ChatConversation
) -> None:
    office.bind("304")
    assert "/baocao" in texts(talk.respond(event("304", "xong rồi")))
    assert office.updates() == []


def test_a_submitted_report_is_recorded_late_or_on_time(office: Office, talk: ChatConversation) -> None:
    office.bind("305")
    office.occurrence(report="IV.2", due=dt.date(2026, 9, 14))
    said = texts(talk.respond(event("305", "đã nộp báo cáo quý 3")))
    assert "đã nộp báo cáo quý III/2026" in said and "nộp muộn (hạn 14/09/2026)" in said
    with Session(office.engine) as session:
        assert session.exec(select(ReportSubmission)).one().unit_id == "so-khdt"


def test_over_long_text_is_refused_whole_and_nothing_is_stored(
    office: Office, talk: ChatConversation, dump: Dump
) -> None:
    person = office.bind("306")
    office.reminder(person, "306")
    before = dump(office.engine)
    said = texts(talk.respond(event("306", "xong " * 500, reply_to_message_id="500")))
    assert "2500 ký tự" in said and "2000" in said
    assert dump(office.engine) == before


def test_a_flood_gets_one_slow_down_then_silence(office: Office) -> None:
    talk = ChatConversation(office.engine, tz=TZ, calendar=CALENDAR, cycles=CYCLES, flood=FloodGate(limit=3))
    office.bind("307")
    answers = [talk.respond(event("307", "/huongdan", at=NOW + dt.timedelta(seconds=i))) for i in range(6)]
    assert [len(a) for a in answers[3:]] == [1, 0, 0]
    assert "chậm lại" in texts(answers[3])
    assert talk.respond(event("307", "/huongdan", at=NOW + dt.timedelta(seconds=70)))


def test_steps_expire(office: Office) -> None:
    talk = ChatConversation(
        office.engine, tz=TZ, calendar=CALENDAR, cycles=CYCLES, steps=Steps(dt.timedelta(minutes=1))
    )
    office.bind("308")
    talk.respond(event("308", "/baocao"))
    later = talk.respond(event("308", "1", at=NOW + dt.timedelta(minutes=2)))
    assert "/baocao" in texts(later) and office.updates() == []


def test_tamhoan_picks_a_reminder_and_a_length(office: Office, talk: ChatConversation) -> None:
    person = office.bind("309")
    office.reminder(person, "309", key="III.1.b", message_id="801")
    office.reminder(person, "309", key="III.1.c", message_id="802")
    which = buttons(talk.respond(event("309", "/tamhoan")))
    assert len(which) == 2
    lengths = buttons(press(talk, "309", which[0][1]))
    assert [label for label, _ in lengths] == ["1 ngày", "3 ngày", "1 tuần"]
    three_days = CALENDAR.add_working_days(NOW.astimezone(TZ).date(), 3)  # 24/11 is Văn hóa Việt Nam day
    assert f"08:00 {long_date(three_days)}" in texts(press(talk, "309", lengths[1][1]))


def test_plan_text_is_escaped_in_html_listings(office: Office, talk: ChatConversation) -> None:
    office.bind("310")
    with Session(office.engine) as session, session.begin():
        task = session.exec(select(Task).where(Task.key == "III.1.b")).one()
        task.title = "Rà soát <b>quy hoạch</b> & <script>"
    text = texts(talk.respond(event("310", "/viec")))
    assert "Rà soát &lt;b&gt;quy hoạch&lt;/b&gt; &amp; &lt;script&gt;" in text
    assert "<script>" not in text


def test_a_file_sent_as_a_reply_without_words_asks_the_status_and_keeps_the_file(
    office: Office, talk: ChatConversation
) -> None:
    person = office.bind("311")
    office.reminder(person, "311", message_id="720")
    photo = (Attachment("photo", "file-9"),)
    asked = talk.respond(event("311", None, reply_to_message_id="720", attachments=photo))
    assert len(buttons(asked)) == 4 and office.updates() == []
    said = texts(talk.respond(event("311", "1")))
    assert "Đã lưu 1 tệp" in said
    with Session(office.engine) as session:
        assert [a.file_id for a in session.exec(select(TaskUpdateAttachment)).all()] == ["file-9"]


def test_a_typed_percent_on_telegram_is_a_percentage_not_a_button_number(
    office: Office, talk: ChatConversation
) -> None:
    person = office.bind("312")
    outbox_id = office.reminder(person, "312")
    press(talk, "312", f"r:{outbox_id}:doing")
    assert "(2%)" in texts(talk.respond(event("312", "2")))


def test_a_database_failure_is_told_to_the_person_not_swallowed(tmp_path: Path) -> None:
    from bot.db.engine import make_engine

    unmigrated = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    talk = ChatConversation(unmigrated, tz=TZ, calendar=CALENDAR, cycles=CYCLES)
    assert "sự cố với cơ sở dữ liệu" in texts(talk.respond(event("401", "/viec")))
    unmigrated.dispose()


def test_channels_without_buttons_never_get_an_empty_reply(office: Office) -> None:
    talk = ChatConversation(office.engine, tz=TZ, calendar=CALENDAR, cycles=CYCLES)
    person = office.bind("402")
    office.reminder(person, "402", message_id="730")
    with Session(office.engine) as session, session.begin():
        binding = session.exec(select(ChatBinding).where(ChatBinding.chat_id == "402")).one()
        binding.channel = "zalo"
        row = session.exec(select(OutboxMessage).where(OutboxMessage.chat_id == "402")).one()
        row.channel = "zalo"
    replies = talk.respond(event("402", "ok", channel="zalo", reply_to_message_id="730"))
    replies += talk.respond(event("402", "2", channel="zalo"))
    assert all(reply.message.text for reply in replies)
    assert "đang thực hiện" in texts(replies)
    assert [u.source for u in office.updates()] == ["zalo"]


def test_a_reply_to_a_reminder_wins_over_an_open_pick(office: Office, talk: ChatConversation) -> None:
    person = office.bind("403")
    office.reminder(person, "403", message_id="740")
    talk.respond(event("403", "/baocao"))
    said = texts(talk.respond(event("403", "xong rồi", reply_to_message_id="740")))
    assert "«Rà soát quy hoạch các khu, cụm công nghiệp»: hoàn thành" in said
    assert "Tôi chưa biết" in texts(talk.respond(event("403", "1")))  # the pick is gone
