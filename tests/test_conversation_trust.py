"""Replies people can trust (issue #12), in the conversation with a real SQLite database: no
uncertain «done» is recorded without asking, words are read at every step, an interrupted step
keeps what was chosen, a mistake is taken back, `/baocao` pages and searches, snoozes land where
the person said. The same flows over HTTP are in `test_conversation_e2e.py`."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from bot.channels.events import Reply
from bot.chat.conversation import ChatConversation
from bot.db.models import (
    Occurrence,
    OccurrenceKind,
    OccurrenceState,
    OutboxKind,
    OutboxMessage,
    OutboxState,
    Target,
    Task,
    TaskStatus,
)
from tests.test_conversation_office import NOW, Office, event, texts

TITLE = "Rà soát quy hoạch các khu, cụm công nghiệp"
"""Task III.1.b, the one `Office.reminder` reminds of by default."""


def buttons(replies: list[Reply]) -> list[tuple[str, str]]:
    return [(b.label, b.callback_data) for r in replies for row in r.message.buttons for b in row]


def press(talk: ChatConversation, chat: str, data: str) -> list[Reply]:
    return talk.respond(event(chat, callback_data=data, callback_id=f"cb-{data}", message_id="500"))


def occurrence_state(office: Office) -> OccurrenceState:
    with Session(office.engine) as session:
        return session.exec(select(Occurrence)).one().state


# --- a completion is recorded only when certain -------------------------------------------------


def test_a_completion_read_through_a_typo_is_confirmed_first(office: Office, talk: ChatConversation) -> None:
    person = office.bind("1001")
    office.reminder(person, "1001")
    asked = talk.respond(event("1001", "hoan thnah roi", reply_to_message_id="500"))
    assert f"Xác nhận nhiệm vụ «{TITLE}» đã hoàn thành?" in texts(asked)
    assert [label for label, _ in buttons(asked)] == ["Đúng, đã xong", "Chưa"]
    assert office.updates() == []
    press(talk, "1001", buttons(asked)[0][1])
    assert [u.status for u in office.updates()] == [TaskStatus.DONE]
    assert occurrence_state(office) is OccurrenceState.DONE


def test_not_yet_offers_every_other_status_blocked_included(office: Office, talk: ChatConversation) -> None:
    person = office.bind("1002")
    office.reminder(person, "1002")
    asked = talk.respond(event("1002", "chắc là xong rồi", reply_to_message_id="500"))
    then = press(talk, "1002", buttons(asked)[1][1])
    assert [label for label, _ in buttons(then)] == ["đang thực hiện", "chưa thực hiện", "vướng mắc"]
    assert "vướng mắc" in texts(talk.respond(event("1002", "vướng mắc: chờ số liệu")))
    assert [(u.status, u.note) for u in office.updates()] == [(TaskStatus.BLOCKED, "chờ số liệu")]


@pytest.mark.parametrize(
    "text",
    [
        "👍",
        "Dạ đơn vị em chưa nhận được số liệu của các phòng nên chưa tổng hợp được ạ",
        "gần xong, còn phần tổng hợp",
        "việc này hạn khi nào?",
        "việc này đã giao chị Lan",
    ],
)
def test_the_trial_s_wrong_closures_close_nothing(office: Office, talk: ChatConversation, text: str) -> None:
    person = office.bind("1003")
    office.reminder(person, "1003")
    talk.respond(event("1003", text, reply_to_message_id="500"))
    assert all(u.status is not TaskStatus.DONE for u in office.updates())
    assert occurrence_state(office) is OccurrenceState.OPEN


def test_a_question_is_answered_and_nothing_recorded(office: Office, talk: ChatConversation) -> None:
    person = office.bind("1004")
    office.reminder(person, "1004")
    said = texts(talk.respond(event("1004", "việc này hạn khi nào?", reply_to_message_id="500")))
    assert f"Hạn của nhiệm vụ «{TITLE}»: thứ Năm, 29/06/2017" in said
    said = texts(talk.respond(event("1004", "Việc này chị Hương phụ trách", reply_to_message_id="500")))
    assert "Không ghi nhận cập nhật nào" in said and "giao lại" in said
    assert office.updates() == []


def test_busy_now_is_asked_again_when_said(office: Office, talk: ChatConversation) -> None:
    person = office.bind("1005")
    office.reminder(person, "1005")
    said = texts(talk.respond(event("1005", "em đang bận, chiều báo cáo", reply_to_message_id="500")))
    assert "chưa ghi nhận gì" in said and "14:00 thứ Sáu, 20/11/2026" in said
    with Session(office.engine) as session:
        queued = session.exec(select(OutboxMessage).where(OutboxMessage.state == OutboxState.PENDING)).one()
    assert queued.next_attempt_at == dt.datetime(2026, 11, 20, 7, 0, tzinfo=dt.UTC)
    assert office.updates() == []


def test_a_snooze_to_monday_at_eight(office: Office, talk: ChatConversation) -> None:
    person = office.bind("1006")
    office.reminder(person, "1006")
    said = texts(talk.respond(event("1006", "để thứ Hai 8h nhắc lại", reply_to_message_id="500")))
    assert "08:00 thứ Hai, 23/11/2026" in said
    with Session(office.engine) as session:
        queued = session.exec(select(OutboxMessage).where(OutboxMessage.state == OutboxState.PENDING)).one()
    assert queued.next_attempt_at == dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)


def test_the_snooze_question_takes_a_day_and_hour_in_words(office: Office, talk: ChatConversation) -> None:
    person = office.bind("1007")
    outbox_id = office.reminder(person, "1007")
    press(talk, "1007", f"r:{outbox_id}:snooze")
    assert "Chưa rõ thời điểm" in texts(talk.respond(event("1007", "khi nào rảnh")))
    assert "08:00 thứ Hai, 23/11/2026" in texts(talk.respond(event("1007", "thứ Hai 8h")))


# --- words at every step --------------------------------------------------------------------------


def test_words_answer_the_status_question_on_telegram(office: Office, talk: ChatConversation) -> None:
    office.bind("1101")
    tasks = buttons(talk.respond(event("1101", "/baocao")))
    press(talk, "1101", tasks[1][1])  # III.1.b
    said = texts(talk.respond(event("1101", "đang làm 60%")))
    assert f"«{TITLE}»: đang thực hiện (60%)" in said
    assert [(u.status, u.percent) for u in office.updates()] == [(TaskStatus.IN_PROGRESS, 60)]


def test_a_task_found_by_words_and_a_status_said_before_the_task(
    office: Office, talk: ChatConversation
) -> None:
    office.bind("1102")
    talk.respond(event("1102", "/baocao"))
    asked = talk.respond(event("1102", "quy hoạch"))
    assert "đang ở tình trạng nào" in texts(asked)  # one task found: its status is asked
    talk.respond(event("1102", "/baocao"))
    held = talk.respond(event("1102", "xong rồi"))
    assert "Ghi nhận «xong rồi» cho nhiệm vụ nào?" in texts(held)
    said = texts(press(talk, "1102", buttons(held)[1][1]))
    assert f"«{TITLE}»: hoàn thành" in said
    assert [u.status for u in office.updates()] == [TaskStatus.DONE]


def test_words_in_the_percent_and_note_steps(office: Office, talk: ChatConversation) -> None:
    person = office.bind("1103")
    outbox_id = office.reminder(person, "1103")
    press(talk, "1103", f"r:{outbox_id}:doing")
    assert "đang thực hiện (70%)" in texts(talk.respond(event("1103", "được khoảng 70% rồi")))
    talk.respond(event("1103", "/baocao"))
    press(talk, "1103", buttons(talk.respond(event("1103", "/baocao")))[2][1])  # III.1.a
    note = talk.respond(event("1103", "hoàn thành"))  # a typed status, then the note question
    assert "hoàn thành" in texts(note)
    assert [u.status for u in office.updates()][-1] is TaskStatus.DONE


# --- interrupted steps, corrections -----------------------------------------------------------------


def test_a_command_in_the_middle_of_a_step_keeps_what_was_chosen(
    office: Office, talk: ChatConversation
) -> None:
    office.bind("1201")
    tasks = buttons(talk.respond(event("1201", "/baocao")))
    statuses = buttons(press(talk, "1201", tasks[1][1]))
    press(talk, "1201", statuses[0][1])  # «hoàn thành»: the note is asked next
    said = texts(talk.respond(event("1201", "/viec")))
    assert "Đã lưu phần anh/chị chọn" in said and f"«{TITLE}»: hoàn thành" in said
    assert "Nhiệm vụ đang mở" in said  # and the command runs
    assert [u.status for u in office.updates()] == [TaskStatus.DONE]


def test_nham_roi_takes_the_update_back_and_reopens_the_deadline(
    office: Office, talk: ChatConversation
) -> None:
    person = office.bind("1202")
    office.reminder(person, "1202")
    talk.respond(event("1202", "30%", reply_to_message_id="500"))
    talk.respond(event("1202", "xong", reply_to_message_id="500", at=NOW + dt.timedelta(minutes=5)))
    assert occurrence_state(office) is OccurrenceState.DONE
    later = NOW + dt.timedelta(minutes=10)
    said = texts(talk.respond(event("1202", "nhầm rồi", at=later)))
    assert "Đã hủy cập nhật «hoàn thành» lúc 09:05" in said
    assert "Tình trạng trở lại: đang thực hiện (30%)" in said and "mở lại" in said
    assert "Tình trạng đúng của nhiệm vụ" in said
    updates = office.updates()
    assert [(u.status, u.percent) for u in updates] == [
        (TaskStatus.IN_PROGRESS, 30),
        (TaskStatus.DONE, None),
        (TaskStatus.IN_PROGRESS, 30),
    ]
    assert updates[-1].source_ref is not None and updates[-1].source_ref.startswith(f"undo:{updates[1].id}:")
    assert office.task("III.1.b").status is TaskStatus.IN_PROGRESS
    assert occurrence_state(office) is OccurrenceState.OPEN
    assert "đang thực hiện (50%)" in texts(talk.respond(event("1202", "đang làm 50%", at=later)))
    again = texts(talk.respond(event("1202", "/sua", at=later)))
    assert "Đã hủy cập nhật «đang thực hiện» lúc 09:10" in again


def test_nothing_to_take_back_says_so(office: Office, talk: ChatConversation) -> None:
    office.bind("1203")
    assert "chưa gửi cập nhật nào để sửa" in texts(talk.respond(event("1203", "/sua")))
    assert office.updates() == []


def test_a_staff_member_hears_when_the_head_changes_their_status(
    office: Office, talk: ChatConversation
) -> None:
    staff = office.bind("1204", name="Lan")
    office.bind("1205", role="head", name="Trưởng phòng Hùng")
    office.reminder(staff, "1204")
    talk.respond(event("1204", "xong", reply_to_message_id="500"))
    tasks = buttons(talk.respond(event("1205", "/baocao")))
    assert TITLE[:20] not in " ".join(label for label, _ in tasks)  # done: no longer offered
    with Session(office.engine) as session, session.begin():
        session.exec(select(Task).where(Task.key == "III.1.b")).one().status = TaskStatus.IN_PROGRESS
    replies = talk.respond(event("1205", "/baocao III.1.b"))
    replies = talk.respond(event("1205", "chưa xong, còn thiếu phụ lục"))
    told = [r for r in replies if r.chat_id == "1204"]
    assert len(told) == 1
    assert told[0].message.text == (
        f"Trưởng phòng Hùng vừa cập nhật nhiệm vụ «{TITLE}» mà anh/chị báo trước đó: hoàn thành → vướng mắc."
    )


# --- /baocao pages ----------------------------------------------------------------------------------


def test_report_pages_through_every_task_and_finds_by_number(office: Office, talk: ChatConversation) -> None:
    office.add_tasks(20)
    office.bind("1301")
    first = talk.respond(event("1301", "/baocao"))
    assert "Trang 1/3 (23 nhiệm vụ)" in texts(first)
    labels = [label for label, _ in buttons(first)]
    assert len(labels) == 9 and labels[-1] == "Trang sau ▶"
    second = press(talk, "1301", buttons(first)[-1][1])
    assert "Trang 2/3" in texts(second)
    assert [label for label, _ in buttons(second)][-2:] == ["◀ Trang trước", "Trang sau ▶"]
    third = press(talk, "1301", buttons(second)[-1][1])
    assert "Trang 3/3" in texts(third) and "V.20" in " ".join(label for label, _ in buttons(third))
    found = talk.respond(event("1301", "v.17"))
    assert "Nhiệm vụ thêm số 17" in texts(found) and "tình trạng nào" in texts(found)
    assert "hoàn thành" in texts(talk.respond(event("1301", "xong")))
    assert [u.task_id for u in office.updates()] == [office.task("V.17").id]


# --- reminders that are no task ---------------------------------------------------------------------


def target_reminder(office: Office, person: str, chat: str) -> int:
    """A progress check-in of target II.2.-1, sent to `chat` as message 510."""
    with Session(office.engine) as session, session.begin():
        target = session.exec(select(Target).where(Target.key == "II.2.-1")).one()
        occurrence = Occurrence(
            key=f"progress:target:{target.id}:2026-11-30",
            plan_id=target.plan_id,
            target_id=target.id,
            kind=OccurrenceKind.PROGRESS,
            due=dt.date(2026, 11, 30),
            effective_due=dt.date(2026, 11, 30),
            created_at=NOW,
            updated_at=NOW,
        )
        session.add(occurrence)
        session.flush()
        sent = NOW - dt.timedelta(hours=1)
        row = OutboxMessage(
            idempotency_key=f"target-check-{occurrence.id}",
            kind=OutboxKind.PROGRESS,
            occurrence_id=occurrence.id,
            person_id=person,
            send_at=sent,
            next_attempt_at=sent,
            state=OutboxState.SENT,
            sent_at=sent,
            channel="telegram",
            chat_id=chat,
            sent_message_id="510",
            created_at=sent,
            updated_at=sent,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id


def test_a_target_s_check_in_is_answered_not_refused(office: Office, talk: ChatConversation) -> None:
    person = office.bind("1401")
    outbox_id = target_reminder(office, person, "1401")
    pressed = press(talk, "1401", f"r:{outbox_id}:done")
    assert "không gắn với nhiệm vụ nào" not in texts(pressed) + str(pressed[0].answer_callback)
    assert "chưa lưu được số liệu chỉ tiêu «Tỷ trọng công nghiệp" in texts(pressed)
    said = texts(talk.respond(event("1401", "nhắc lại thứ Hai", reply_to_message_id="510")))
    assert "thứ Hai, 23/11/2026" in said
    assert office.updates() == []
