"""Snoozes with weekdays, dates, parts of the day and clock times, placed on the working-day calendar."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.understand import understand_reply
from bot.understand.model import Snooze
from bot.understand.snooze import resolve
from bot.workcal import WorkCalendar

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CALENDAR = WorkCalendar()


def moment(text: str, now: dt.datetime) -> dt.datetime:
    snooze = understand_reply(text, now_date=now.date(), now_time=now.time()).snooze
    assert snooze is not None, text
    return resolve(snooze, now, next_working_day=CALENDAR.next_working_day, default_time=dt.time(8, 0))


FRIDAY = dt.datetime(2026, 11, 20, 9, 30, tzinfo=TZ)
"""Friday 20/11/2026, 09:30; the Tuesday after (24/11) is a day off."""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("để thứ Hai nhắc lại", dt.datetime(2026, 11, 23, 8, 0)),
        ("thứ Hai 8h nhắc lại", dt.datetime(2026, 11, 23, 8, 0)),
        ("nhac lai thu 2 luc 9h30", dt.datetime(2026, 11, 23, 9, 30)),
        ("nhắc lại ngày 15", dt.datetime(2026, 12, 15, 8, 0)),
        ("nhắc lại ngày 25", dt.datetime(2026, 11, 25, 8, 0)),
        ("chiều mai nhắc lại", dt.datetime(2026, 11, 23, 14, 0)),  # Saturday → Monday, still 14:00
        ("8h sáng mai nhắc lại", dt.datetime(2026, 11, 23, 8, 0)),  # a time of day, not 8 hours
        ("nhắc lại sau 8 tiếng", dt.datetime(2026, 11, 20, 17, 30)),
        ("nhắc lại lúc 3h chiều", dt.datetime(2026, 11, 20, 15, 0)),
        ("nhắc lại thứ Ba tuần sau", dt.datetime(2026, 11, 25, 8, 0)),  # 24/11 is a day off
        ("nhac lai 1/12", dt.datetime(2026, 12, 1, 8, 0)),
        ("nhắc lại sau 2 ngày", dt.datetime(2026, 11, 23, 8, 0)),
        ("remind me on Wednesday at 10", dt.datetime(2026, 11, 25, 10, 0)),
        ("em đang bận, chiều báo cáo", dt.datetime(2026, 11, 20, 14, 0)),
    ],
)
def test_snoozes_land_on_working_days_at_the_time_said(text: str, expected: dt.datetime) -> None:
    assert moment(text, FRIDAY) == expected.replace(tzinfo=TZ)


def test_a_part_of_the_day_already_past_means_the_next_one() -> None:
    evening = dt.datetime(2026, 11, 19, 16, 0, tzinfo=TZ)
    assert moment("chiều nhắc lại", evening) == dt.datetime(2026, 11, 20, 14, 0, tzinfo=TZ)
    assert moment("chiều nay nhắc lại", dt.datetime(2026, 11, 19, 9, 0, tzinfo=TZ)).hour == 14


def test_a_weekday_is_the_next_one_after_today() -> None:
    monday = dt.datetime(2026, 11, 23, 9, 0, tzinfo=TZ)
    assert moment("thứ Hai nhắc lại", monday).date() == dt.date(2026, 11, 30)
    assert moment("thứ Tư nhắc lại", monday).date() == dt.date(2026, 11, 25)


def test_tomorrow_and_in_words_and_tonight_is_not_me() -> None:
    assert moment("Nhắc tôi tuần sau", FRIDAY).date() == dt.date(2026, 11, 23)
    assert moment("tối nay nhắc lại", FRIDAY).hour == 19
    assert moment("nhắc lại sau", FRIDAY).date() == dt.date(2026, 11, 23)


def test_a_snooze_with_no_time_is_the_next_working_morning() -> None:
    assert resolve(Snooze(), FRIDAY, next_working_day=CALENDAR.next_working_day, default_time=dt.time(8)) == (
        dt.datetime(2026, 11, 23, 8, 0, tzinfo=TZ)
    )
