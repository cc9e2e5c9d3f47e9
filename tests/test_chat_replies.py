"""The confirmations the bot sends once it understood a reply."""

from __future__ import annotations

import datetime as dt
from types import ModuleType

import pytest

import bot.people.messages as people_messages
import bot.understand.messages as chat_messages
from bot.chat.replies import confirmation
from bot.datefmt import long_date
from bot.db.models import TaskStatus
from bot.i18n import translations
from bot.understand import PeriodKind, ReportPeriod, understand_reply
from bot.understand.labels import period_label

TODAY = dt.date(2026, 11, 20)


def test_a_status_with_percent_and_note_is_read_back() -> None:
    understanding = understand_reply("dang lam 60%, vuong mac: cho so lieu", now_date=TODAY)
    assert confirmation(understanding, task_title="Rà soát quy hoạch", lang="vi").splitlines() == [
        "Đã ghi nhận «Rà soát quy hoạch»: vướng mắc (60%).",
        "Ghi chú: cho so lieu",
    ]
    assert confirmation(understanding, task_title="Rà soát quy hoạch", lang="en").splitlines() == [
        "Recorded for «Rà soát quy hoạch»: blocked (60%).",
        "Note: cho so lieu",
    ]


def test_an_earlier_report_by_someone_else_is_mentioned() -> None:
    understanding = understand_reply("xong", now_date=TODAY)
    text = confirmation(
        understanding, task_title="Đề án", lang="vi", replaced=("Trần Thị B", TaskStatus.IN_PROGRESS)
    )
    assert text.splitlines() == [
        "Đã ghi nhận «Đề án»: hoàn thành.",
        "(Trước đó Trần Thị B báo: đang thực hiện.)",
    ]


def test_reports_and_snoozes_are_read_back_with_their_dates() -> None:
    report = understand_reply("đã nộp báo cáo quý 3", now_date=TODAY)
    assert confirmation(report, task_title=None, lang="vi") == "Đã ghi nhận: đã nộp báo cáo quý III/2026."
    assert (
        confirmation(report, task_title=None, lang="en")
        == "Recorded: the report for quarter III of 2026 was submitted."
    )
    snooze = understand_reply("nhắc lại sau 2 ngày", now_date=TODAY)
    assert confirmation(snooze, task_title="Đề án", lang="vi") == (
        f"Sẽ nhắc lại vào {long_date(TODAY + dt.timedelta(days=2), 'vi')}."
    )
    hours = understand_reply("remind me in 3 hours", now_date=TODAY)
    assert confirmation(hours, task_title="Đề án", lang="en") == "I will remind you again in 3 hour(s)."


def test_period_labels() -> None:
    assert [
        period_label(ReportPeriod(kind, number, 2026), "vi")
        for kind, number in (
            (PeriodKind.MONTH, 11),
            (PeriodKind.HALF, 1),
            (PeriodKind.HALF, 2),
            (PeriodKind.YEAR, 1),
        )
    ] == ["tháng 11/2026", "6 tháng đầu năm 2026", "6 tháng cuối năm 2026", "năm 2026"]


@pytest.mark.parametrize("module", [chat_messages, people_messages], ids=lambda module: module.DOMAIN)
def test_every_chat_and_people_message_has_an_english_translation(module: ModuleType) -> None:
    english = translations("en", module.DOMAIN)
    texts = [value for name, value in vars(module).items() if name.isupper() and isinstance(value, str)]
    texts += [
        value
        for name, value in vars(module).items()
        if name.isupper() and isinstance(value, dict)
        for value in value.values()
    ]
    texts = [text for text in texts if text != module.DOMAIN]
    assert len(texts) >= 10
    for text in texts:
        assert english.gettext(text) != text, text


def test_a_task_is_named_by_its_reference_and_a_cut_title() -> None:
    long_title = "Rà soát quy hoạch các khu, cụm công nghiệp " + "và hạ tầng kỹ thuật đô thị " * 30
    assert len(long_title) > 800
    understanding = understand_reply("xong", now_date=TODAY)
    text = confirmation(understanding, task_title=long_title, task_key="III.1.b", lang="vi")
    assert text == (
        "Đã ghi nhận Nhiệm vụ III.1.b «Rà soát quy hoạch các khu, cụm công nghiệp và hạ tầng kỹ…»: "
        "hoàn thành."
    )
    english = confirmation(understanding, task_title=long_title, task_key="III.1.b", lang="en")
    assert english.startswith("Recorded for Task III.1.b «Rà soát quy hoạch") and english.endswith("»: done.")
