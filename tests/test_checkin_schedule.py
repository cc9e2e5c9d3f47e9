"""`nhacviec schedule`'s projection: messages per channel and month counted per check-in (one per
person and send time), against the channel's budget; the check-in each reminder belongs to."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.reminders.policy import ReminderKind
from bot.reminders.preview import PreviewRow, project_messages
from bot.reminders.subjects import SubjectKind

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def row(
    recipient: str, day: int, kind: ReminderKind = ReminderKind.BEFORE, *, registered: bool = True
) -> PreviewRow:
    return PreviewRow(
        plan="kh",
        subject=SubjectKind.TASK,
        task=f"T{day}",
        title="Việc",
        occurrence=f"task:1:{day}",
        due=dt.date(2026, 12, day),
        effective_due=dt.date(2026, 12, day),
        kind=kind,
        step=1,
        recipient=recipient,
        registered=registered,
        send_at=dt.datetime(2026, 11, day, 8, 0, tzinfo=TZ),
        why="",
    )


def test_each_reminder_names_its_check_in() -> None:
    assert row("an", 23).as_json()["checkin"] == "an|2026-11-23T08:00|checkin"
    assert row("an", 23, ReminderKind.ESCALATION).as_json()["checkin"] == "an|2026-11-23T08:00|escalation"


def test_messages_are_counted_per_check_in_and_per_channel() -> None:
    rows = [
        *(row("an", 23) for _ in range(5)),  # five reminders, one morning: one message
        row("an", 23, ReminderKind.ESCALATION),  # the escalations are a message of their own
        row("an", 24),
        *(row("binh", 23) for _ in range(3)),
        row("don-vi-chua-dang-ky", 23, registered=False),  # nobody to send to yet
    ]
    projected = project_messages(
        rows, {"an": "zalo", "binh": "telegram"}, days=15, budgets={"zalo": 4, "telegram": None}
    )
    by_channel = {p.channel: p for p in projected}
    assert set(by_channel) == {"telegram", "zalo"}
    zalo = by_channel["zalo"]
    assert (zalo.reminders, zalo.messages, zalo.per_month, zalo.budget) == (7, 3, 6, 4)
    telegram = by_channel["telegram"]
    assert (telegram.reminders, telegram.messages, telegram.per_month, telegram.budget) == (3, 1, 2, None)
