"""The check-in message: grouping, order of urgency, titles cut at a word, the platform's length,
and each REMINDER_DETAIL."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from bot.channels.callbacks import parse_press
from bot.cutting import cut_at_word
from bot.db.models import CheckinKind, OutboxKind
from bot.outbox.checkin import (
    Detail,
    Urgency,
    checkin_record,
    items_of,
    part_of,
    render_checkin,
)
from bot.outbox.context import ReminderContext, Subject
from bot.outbox.render import CHOICES, REPORT_CHOICES, TARGET_CHOICES, choices_for
from bot.workcal import WorkCalendar

TODAY = dt.date(2026, 11, 20)
"""A Friday."""
SENT = dt.datetime(2026, 11, 20, 1, 0, tzinfo=dt.UTC)
CALENDAR = WorkCalendar()
LONG_TITLE = (
    "Xây dựng và triển khai kế hoạch chuyển đổi số trong hoạt động của các cơ quan hành chính nhà "
    "nước trên địa bàn tỉnh, bảo đảm kết nối, chia sẻ dữ liệu với hệ thống của Trung ương"
)


def context(
    row_id: int,
    kind: OutboxKind,
    due: dt.date | None,
    *,
    key: str = "III.1",
    subject_kind: str = "task",
    title: str = "Rà soát quy hoạch",
    lang: str = "vi",
    late_unit: str | None = None,
) -> ReminderContext:
    return ReminderContext(
        id=row_id,
        kind=kind,
        step=0,
        person_id="p1",
        person_name="Nguyễn Văn A",
        language=lang,
        send_at=SENT,
        late=False,
        payload=None,
        due=due,
        subject=Subject(subject_kind, key, title, "Sở Kế hoạch và Đầu tư", late_unit),
        occurrence_id=row_id + 1000,
    )


def mixed() -> list[ReminderContext]:
    return [
        context(1, OutboxKind.PROGRESS, None, key="P.1", title="Theo dõi thường xuyên"),
        context(2, OutboxKind.BEFORE, dt.date(2026, 11, 27), key="B.1"),
        context(3, OutboxKind.OVERDUE, dt.date(2026, 11, 17), key="O.1"),
        context(4, OutboxKind.DUE, TODAY, key="D.1"),
        context(5, OutboxKind.BEFORE, dt.date(2026, 11, 25), key="B.2"),
        context(6, OutboxKind.OVERDUE, dt.date(2026, 11, 10), key="O.2"),
    ]


def test_items_go_most_urgent_first_then_nearest_deadline() -> None:
    items = items_of(mixed(), TODAY, CALENDAR)
    keys = [item.context.subject.key for item in items if item.context.subject]
    assert keys == ["O.2", "O.1", "D.1", "B.2", "B.1", "P.1"]
    assert [item.urgency for item in items] == [
        Urgency.OVERDUE,
        Urgency.OVERDUE,
        Urgency.TODAY,
        Urgency.SOON,
        Urgency.SOON,
        Urgency.PROGRESS,
    ]
    assert items[0].days_left == -8 and items[3].days_left == 2


def test_one_line_per_deadline_even_with_two_rows_of_it() -> None:
    late_due = context(1, OutboxKind.DUE, dt.date(2026, 11, 19), key="X")
    fresh_overdue = context(2, OutboxKind.OVERDUE, dt.date(2026, 11, 19), key="X")
    # The same deadline; the overdue row was made after the late "due" one.
    fresh_overdue = replace(
        fresh_overdue, occurrence_id=late_due.occurrence_id, send_at=SENT + dt.timedelta(hours=1)
    )
    items = items_of([late_due, fresh_overdue], TODAY, CALENDAR)
    assert [item.context.id for item in items] == [2]


def test_the_text_check_in_numbers_each_item_on_one_line_with_its_deadline() -> None:
    items = items_of(mixed(), TODAY, CALENDAR)
    rendered = render_checkin(CheckinKind.CHECKIN, items, html=False, buttons=False, limit=2000)
    text = rendered.message.text
    assert text.startswith("Kính gửi đồng chí Nguyễn Văn A,\nĐề nghị đồng chí cập nhật tiến độ các việc sau:")
    assert "1. Nhiệm vụ O.2: Rà soát quy hoạch — hạn 10/11/2026, quá hạn 8 ngày làm việc" in text
    assert "3. Nhiệm vụ D.1: Rà soát quy hoạch — hạn 20/11/2026, hôm nay" in text
    assert "4. Nhiệm vụ B.2: Rà soát quy hoạch — hạn 25/11/2026, còn 2 ngày làm việc" in text
    assert "6. Nhiệm vụ P.1: Theo dõi thường xuyên — cập nhật tiến độ" in text
    assert "«1 xong», «2 đang làm 60%», «3 vướng: thiếu kinh phí»" in text
    assert rendered.message.buttons == ()
    for word in ("Tốt lắm", "digest_to", "outbox", "callback"):
        assert word not in text
    record = checkin_record(CheckinKind.CHECKIN, rendered, "p1")
    assert [entry["outbox_id"] for entry in record["items"]] == [6, 3, 4, 5, 2, 1]  # type: ignore[index]
    assert (record["shown"], record["total"]) == (6, 6)


def test_on_telegram_each_item_is_a_button_that_opens_its_choices() -> None:
    items = items_of(mixed(), TODAY, CALENDAR)
    rendered = render_checkin(CheckinKind.CHECKIN, items, html=True, buttons=True, limit=4096)
    buttons = [button for row in rendered.message.buttons for button in row]
    assert [button.label for button in buttons][:2] == ["1. Nhiệm vụ O.2", "2. Nhiệm vụ O.1"]
    presses = [parse_press(button.callback_data) for button in buttons]
    assert [(p.outbox_id, p.action) for p in presses if p is not None and hasattr(p, "outbox_id")] == [
        (6, "open"),
        (3, "open"),
        (4, "open"),
        (5, "open"),
        (2, "open"),
        (1, "open"),
    ]


def test_a_title_is_cut_at_a_word() -> None:
    cut = cut_at_word(LONG_TITLE, 100)
    assert len(cut) <= 100 and cut.endswith("…")
    assert LONG_TITLE.startswith(cut[:-1])
    assert LONG_TITLE[len(cut) - 1] == " "  # cut where a word ends
    assert cut_at_word("ngắn gọn", 100) == "ngắn gọn"


@pytest.mark.parametrize(("limit", "html"), [(2000, False), (4096, True)])
def test_a_list_too_long_shows_the_most_urgent_and_how_many_more(limit: int, html: bool) -> None:
    contexts = [
        context(
            i,
            OutboxKind.OVERDUE if i < 10 else OutboxKind.BEFORE,
            dt.date(2026, 12, 1),
            key=f"K.{i}",
            title=LONG_TITLE,
        )
        for i in range(1, 65)
    ]
    contexts[40] = context(41, OutboxKind.OVERDUE, dt.date(2026, 10, 1), key="K.41", title=LONG_TITLE)
    items = items_of(contexts, TODAY, CALENDAR)
    rendered = render_checkin(CheckinKind.CHECKIN, items, html=html, buttons=html, limit=limit)
    text = rendered.message.text
    assert len(text) <= limit
    shown = len(rendered.shown)
    assert 1 < shown < 64 and rendered.total == 64
    assert f"… còn {64 - shown} việc — gõ /viec" in text
    assert rendered.shown[0].context.id == 41  # the longest overdue first
    assert sum(len(row) for row in rendered.message.buttons) == (shown if html else 0)


def test_title_detail_keeps_reference_and_title() -> None:
    items = items_of(mixed(), TODAY, CALENDAR)
    rendered = render_checkin(
        CheckinKind.CHECKIN, items, html=False, buttons=False, limit=2000, detail=Detail.TITLE
    )
    assert "1. Nhiệm vụ O.2: Rà soát quy hoạch — hạn 10/11/2026" in rendered.message.text


def test_minimal_detail_has_no_task_text() -> None:
    items = items_of(mixed(), TODAY, CALENDAR)
    rendered = render_checkin(
        CheckinKind.CHECKIN, items, html=True, buttons=True, limit=4096, detail=Detail.MINIMAL
    )
    assert rendered.message.text == "Anh/chị có 6 việc cần cập nhật — gõ /viec"
    assert rendered.message.buttons == () and rendered.shown == []
    english = items_of([context(1, OutboxKind.DUE, TODAY, lang="en")], TODAY, CALENDAR)
    text = render_checkin(
        CheckinKind.CHECKIN, english, html=False, buttons=False, limit=2000, detail=Detail.MINIMAL
    )
    assert text.message.text == "You have 1 item to update — type /viec"


def test_an_escalation_names_the_unit_that_is_late() -> None:
    late = [
        context(
            1,
            OutboxKind.ESCALATION,
            dt.date(2026, 11, 13),
            key="IV.2",
            subject_kind="report",
            title="Báo cáo tháng",
            late_unit="Sở Tài chính",
        ),
        context(2, OutboxKind.ESCALATION, dt.date(2026, 11, 16), key="III.1"),
    ]
    assert part_of(late[0]) is CheckinKind.ESCALATION
    items = items_of(late, TODAY, CALENDAR)
    text = render_checkin(CheckinKind.ESCALATION, items, html=False, buttons=False, limit=2000).message.text
    assert text.startswith("Báo cáo lãnh đạo: các đơn vị chậm thực hiện")
    # Grouped under the unit that is late (for a report: the unit that has not submitted it).
    assert (
        "Đơn vị chậm: Sở Kế hoạch và Đầu tư\n1. Nhiệm vụ III.1: Rà soát quy hoạch — hạn 16/11/2026, quá hạn "
        "4 ngày làm việc\nĐơn vị chậm: Sở Tài chính\n2. Báo cáo IV.2: Báo cáo tháng — hạn 13/11/2026, quá "
        "hạn 5 ngày làm việc"
    ) in text
    minimal = render_checkin(
        CheckinKind.ESCALATION, items, html=False, buttons=False, limit=2000, detail=Detail.MINIMAL
    ).message.text
    assert minimal == "Có 2 việc của các đơn vị đã quá hạn — gõ /tonghop"
    assert "Trả lời" not in text  # an escalation informs; nothing to answer


def test_english_check_in() -> None:
    items = items_of([context(1, OutboxKind.BEFORE, dt.date(2026, 11, 25), lang="en")], TODAY, CALENDAR)
    text = render_checkin(CheckinKind.CHECKIN, items, html=False, buttons=False, limit=2000).message.text
    assert (
        "Dear Nguyễn Văn A," in text
        and "Task III.1: Rà soát quy hoạch — due 25/11/2026, 2 working days left" in text
    )


def test_choices_per_subject_kind() -> None:
    assert choices_for("task") == CHOICES
    assert [action for action, _ in choices_for("report")] == ["done", "extend", "snooze"]
    assert [label for _, label in REPORT_CHOICES] == ["Đã nộp", "Xin lùi hạn", "Nhắc lại sau"]
    assert choices_for("target") == TARGET_CHOICES == (("snooze", "Nhắc lại sau"),)
