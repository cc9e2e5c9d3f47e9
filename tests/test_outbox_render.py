"""The reminder message: what it says, in which language, escaped for Telegram's HTML."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.channels.base import ParseMode
from bot.db.models import OutboxKind
from bot.outbox.context import ReminderContext, Subject
from bot.outbox.render import render_reminder

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def context(
    kind: OutboxKind = OutboxKind.BEFORE, *, language: str = "vi", late: bool = False, row_id: int = 1234567
) -> ReminderContext:
    return ReminderContext(
        id=row_id,
        kind=kind,
        step=3,
        person_id="p1",
        person_name="Nguyễn Văn A",
        language=language,
        send_at=dt.datetime(2017, 6, 27, 1, 0, tzinfo=dt.UTC),
        late=late,
        payload=None,
        due=dt.date(2017, 6, 30),
        plan_number="04/KH-UBND",
        plan_title="Kế hoạch <cải cách> hành chính & nâng cao chỉ số năng lực cạnh tranh cấp tỉnh năm 2017",
        subject=Subject("task", "III.2.c", "Rà soát <quy hoạch> & báo cáo", "Sở Kế hoạch & Đầu tư"),
    )


def test_telegram_reminder_in_vietnamese_with_escaped_text_and_buttons() -> None:
    message = render_reminder(context(), days_left=3, html=True, buttons=True, tz=TZ)
    assert message.parse_mode is ParseMode.HTML
    lines = message.text.splitlines()
    assert lines[0] == "🔔 <b>Sắp đến hạn</b>"
    assert "Kế hoạch: <b>04/KH-UBND</b> — Kế hoạch &lt;cải cách&gt; hành chính &amp; nâng cao" in message.text
    assert "Nhiệm vụ III.2.c: <b>Rà soát &lt;quy hoạch&gt; &amp; báo cáo</b>" in lines
    assert "Đơn vị chủ trì: Sở Kế hoạch &amp; Đầu tư" in lines
    assert "Hạn: thứ Sáu, 30/06/2017 — còn 3 ngày làm việc" in lines
    assert "trễ" not in message.text
    labels = [[b.label for b in row] for row in message.buttons]
    assert labels == [["Hoàn thành", "Đang thực hiện"], ["Vướng mắc", "Nhắc lại sau"]]
    data = [b.callback_data for row in message.buttons for b in row]
    assert data == ["r:1234567:done", "r:1234567:doing", "r:1234567:blocked", "r:1234567:snooze"]
    assert all(len(d.encode()) <= 64 for d in data)


@pytest.mark.parametrize(
    ("kind", "days_left", "headline", "deadline"),
    [
        (OutboxKind.DUE, 0, "Hôm nay là hạn cuối", "Hạn: thứ Sáu, 30/06/2017 — hôm nay"),
        (OutboxKind.OVERDUE, -2, "Quá hạn", "Hạn: thứ Sáu, 30/06/2017 — quá hạn 2 ngày làm việc"),
    ],
)
def test_due_and_overdue(kind: OutboxKind, days_left: int, headline: str, deadline: str) -> None:
    text = render_reminder(context(kind), days_left=days_left, html=False, buttons=False, tz=TZ).text
    lines = text.splitlines()
    assert lines[0] == headline
    assert deadline in lines


def test_escalation_to_the_leader_names_task_unit_and_days_without_buttons() -> None:
    message = render_reminder(context(OutboxKind.ESCALATION), days_left=-5, html=True, buttons=True, tz=TZ)
    assert message.text.splitlines()[0] == (
        "🔺 <b>Báo cáo lên lãnh đạo</b>: nhiệm vụ III.2.c Rà soát &lt;quy hoạch&gt; &amp; báo cáo "
        "của đơn vị Sở Kế hoạch &amp; Đầu tư quá hạn 5 ngày làm việc"
    )
    assert message.buttons == ()


def test_a_late_reminder_says_when_it_should_have_come() -> None:
    text = render_reminder(context(late=True), days_left=1, html=False, buttons=False, tz=TZ).text
    assert "(trễ: nhắc này lẽ ra gửi lúc 08:00 27/06/2017, khi hệ thống tạm ngừng)" in text.splitlines()


def test_plain_text_has_numbered_choices_and_no_markup() -> None:
    message = render_reminder(context(), days_left=3, html=False, buttons=False, tz=TZ)
    assert message.parse_mode is ParseMode.TEXT and message.buttons == ()
    assert "<b>" not in message.text and "&amp;" not in message.text
    assert "Rà soát <quy hoạch> & báo cáo" in message.text
    assert message.text.splitlines()[-5:] == [
        "Trả lời bằng một số:",
        "1. Hoàn thành",
        "2. Đang thực hiện",
        "3. Vướng mắc",
        "4. Nhắc lại sau",
    ]


def test_english_for_people_whose_language_is_en() -> None:
    message = render_reminder(context(language="en", late=True), days_left=1, html=True, buttons=True, tz=TZ)
    lines = message.text.splitlines()
    assert lines[0] == "🔔 <b>Deadline approaching</b>"
    assert "Task III.2.c: <b>Rà soát &lt;quy hoạch&gt; &amp; báo cáo</b>" in lines
    assert "Due: Friday, 30/06/2017 — 1 working day left" in lines
    assert "<i>(late: this reminder was due at 08:00 27/06/2017, while the system was down)</i>" in lines
    assert [b.label for row in message.buttons for b in row] == [
        "Done",
        "In progress",
        "Blocked",
        "Remind me later",
    ]


def test_a_digest_row_carries_its_own_text() -> None:
    digest = ReminderContext(
        id=9,
        kind=OutboxKind.DIGEST,
        step=0,
        person_id="p1",
        person_name="A",
        language="vi",
        send_at=dt.datetime(2017, 6, 30, 9, 0, tzinfo=dt.UTC),
        late=False,
        payload={"text": "<b>Tổng hợp tuần</b>", "parse_mode": "html"},
    )
    assert (
        render_reminder(digest, days_left=None, html=True, buttons=True, tz=TZ).text == "<b>Tổng hợp tuần</b>"
    )
    plain = render_reminder(digest, days_left=None, html=False, buttons=False, tz=TZ)
    assert (plain.parse_mode, plain.text) == (ParseMode.TEXT, "Tổng hợp tuần")
