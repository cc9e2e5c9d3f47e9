"""Due dates of repeating deadlines: `occurrences` and `occurrences_between`."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.deadlines import LAST_DAY, Freq, Recurrence, occurrences, occurrences_between

D = dt.date


def test_monthly_day_clamps_to_short_months() -> None:
    rule = Recurrence(Freq.MONTHLY, day=31)
    assert occurrences(rule, D(2025, 1, 31), 4) == [
        D(2025, 1, 31),
        D(2025, 2, 28),
        D(2025, 3, 31),
        D(2025, 4, 30),
    ]
    assert occurrences(rule, D(2024, 2, 1), 1) == [D(2024, 2, 29)]


def test_last_day_of_month() -> None:
    rule = Recurrence(Freq.MONTHLY, day=LAST_DAY)
    assert occurrences(rule, D(2023, 12, 31), 3) == [D(2023, 12, 31), D(2024, 1, 31), D(2024, 2, 29)]


def test_start_day_itself_counts() -> None:
    rule = Recurrence(Freq.MONTHLY, day=14)
    assert occurrences(rule, D(2025, 11, 14), 1) == [D(2025, 11, 14)]
    assert occurrences(rule, D(2025, 11, 15), 1) == [D(2025, 12, 14)]


def test_quarterly_defaults_to_the_last_month_of_each_quarter() -> None:
    rule = Recurrence(Freq.QUARTERLY, day=24)
    assert occurrences(rule, D(2025, 4, 1), 3) == [D(2025, 6, 24), D(2025, 9, 24), D(2025, 12, 24)]


def test_quarterly_in_the_first_month_of_each_quarter() -> None:
    rule = Recurrence(Freq.QUARTERLY, day=4, months=(1, 4, 7, 10))
    assert occurrences(rule, D(2025, 11, 5), 2) == [D(2026, 1, 4), D(2026, 4, 4)]


def test_semiannual_and_annual_defaults() -> None:
    assert occurrences(Recurrence(Freq.SEMIANNUAL, day=14), D(2025, 1, 1), 2) == [
        D(2025, 6, 14),
        D(2025, 12, 14),
    ]
    assert occurrences(Recurrence(Freq.ANNUAL, day=19, months=(12,)), D(2025, 12, 20), 1) == [D(2026, 12, 19)]


def test_weekly() -> None:
    friday = Recurrence(Freq.WEEKLY, weekday=4)
    assert occurrences(friday, D(2025, 1, 6), 3) == [D(2025, 1, 10), D(2025, 1, 17), D(2025, 1, 24)]
    assert occurrences(friday, D(2025, 1, 10), 1) == [D(2025, 1, 10)]


@pytest.mark.parametrize(
    "rule",
    [
        Recurrence(Freq.MONTHLY),
        Recurrence(Freq.QUARTERLY, months=(3, 6, 9, 12)),
        Recurrence(Freq.WEEKLY),
        Recurrence(Freq.ANNUAL),
    ],
)
def test_rules_without_dates_have_no_occurrences(rule: Recurrence) -> None:
    assert not rule.has_dates
    assert occurrences(rule, D(2025, 1, 1), 5) == []
    assert occurrences_between(rule, D(2025, 1, 1), D(2030, 1, 1)) == []


def test_count_zero_or_negative() -> None:
    rule = Recurrence(Freq.MONTHLY, day=1)
    assert occurrences(rule, D(2025, 1, 1), 0) == []
    assert occurrences(rule, D(2025, 1, 1), -3) == []


def test_between_is_inclusive_at_both_ends() -> None:
    rule = Recurrence(Freq.MONTHLY, day=14)
    assert occurrences_between(rule, D(2025, 1, 14), D(2025, 3, 14)) == [
        D(2025, 1, 14),
        D(2025, 2, 14),
        D(2025, 3, 14),
    ]
    assert occurrences_between(rule, D(2025, 1, 15), D(2025, 2, 13)) == []
    assert occurrences_between(rule, D(2025, 3, 1), D(2025, 1, 1)) == []


def test_between_agrees_with_occurrences() -> None:
    rule = Recurrence(Freq.QUARTERLY, day=LAST_DAY)
    between = occurrences_between(rule, D(2024, 1, 1), D(2026, 12, 31))
    assert between == occurrences(rule, D(2024, 1, 1), 12)
    assert between[0] == D(2024, 3, 31) and between[-1] == D(2026, 12, 31)


def test_end_of_calendar_does_not_overflow() -> None:
    assert occurrences(Recurrence(Freq.MONTHLY, day=31), D(9999, 11, 1), 5) == [
        D(9999, 11, 30),
        D(9999, 12, 31),
    ]
    assert occurrences(Recurrence(Freq.WEEKLY, weekday=6), D(9999, 12, 25), 5) == [D(9999, 12, 26)]


def test_a_month_with_its_own_day() -> None:
    # `ngày 25 hằng tháng, riêng tháng Hai là ngày cuối tháng`; `… riêng tháng 12 trước ngày 15/12`.
    rule = Recurrence(Freq.MONTHLY, day=25, exceptions=((2, LAST_DAY), (12, 14)))
    assert occurrences(rule, D(2024, 1, 26), 3) == [D(2024, 2, 29), D(2024, 3, 25), D(2024, 4, 25)]
    assert occurrences_between(rule, D(2025, 11, 1), D(2026, 2, 28)) == [
        D(2025, 11, 25),
        D(2025, 12, 14),
        D(2026, 1, 25),
        D(2026, 2, 28),
    ]


def test_two_yearly_dates_each_with_its_own_day() -> None:
    # `báo cáo 6 tháng trước ngày 10/6, báo cáo năm trước ngày 5/12`.
    rule = Recurrence(Freq.SEMIANNUAL, day=9, months=(6, 12), exceptions=((12, 4),))
    assert occurrences(rule, D(2025, 6, 10), 3) == [D(2025, 12, 4), D(2026, 6, 9), D(2026, 12, 4)]
