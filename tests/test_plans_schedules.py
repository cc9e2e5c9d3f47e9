"""Schedule defaults (`schedules/`): loading, validation messages, periods and policy merging."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bot.paths import SCHEDULES_DIR
from bot.plans.model import ReminderPolicyOverride
from bot.schedules import (
    REMINDER_POLICY_FILE,
    REPORTING_CYCLES_FILE,
    ReminderPolicy,
    ScheduleError,
    effective_policy,
    load_reminder_policy,
    load_reporting_cycles,
    load_schedule_defaults,
    period_ending_in,
)


@pytest.fixture
def schedules(tmp_path: Path) -> Path:
    for name in (REPORTING_CYCLES_FILE, REMINDER_POLICY_FILE):
        shutil.copy(SCHEDULES_DIR / name, tmp_path / name)
    return tmp_path


def test_shipped_reminder_policy_is_the_documented_default() -> None:
    policy = load_schedule_defaults(SCHEDULES_DIR).policy
    assert policy == ReminderPolicy(
        before=[7, 3, 1, 0],
        send_at=dt.time(8, 0),
        overdue_every=2,
        overdue_max=5,
        escalate_after=3,
        notify_support=False,
    )


def test_shipped_cycles_follow_decree_09_2019() -> None:
    cycles = load_schedule_defaults(SCHEDULES_DIR).cycles
    assert cycles.monthly.months == list(range(1, 13))
    assert cycles.quarterly.months == [3, 6, 9, 12]
    assert cycles.semiannual.months == [6, 12]
    assert cycles.annual.months == [12]
    for cycle in (cycles.monthly, cycles.quarterly, cycles.semiannual, cycles.annual):
        assert cycle.cutoff_day == 14  # Điều 12: periods run from the 15th to the 14th
        assert cycle.send_by_day > cycle.cutoff_day  # Điều 8 khoản 5
        assert "09/2019/NĐ-CP" in cycle.basis


def test_periods_run_from_the_15th_after_the_previous_cutoff() -> None:
    cycles = load_reporting_cycles(SCHEDULES_DIR / REPORTING_CYCLES_FILE)
    monthly = period_ending_in(cycles.monthly, 2025, 1)
    assert monthly is not None
    assert (monthly.start, monthly.cutoff) == (dt.date(2024, 12, 15), dt.date(2025, 1, 14))
    first_quarter = period_ending_in(cycles.quarterly, 2025, 3)
    assert first_quarter is not None
    assert (first_quarter.start, first_quarter.cutoff) == (dt.date(2024, 12, 15), dt.date(2025, 3, 14))
    second_half = period_ending_in(cycles.semiannual, 2025, 12)
    assert second_half is not None
    assert (second_half.start, second_half.cutoff) == (dt.date(2025, 6, 15), dt.date(2025, 12, 14))
    year = period_ending_in(cycles.annual, 2025, 12)
    assert year is not None
    assert (year.start, year.cutoff, year.send_by) == (
        dt.date(2024, 12, 15),
        dt.date(2025, 12, 14),
        dt.date(2025, 12, cycles.annual.send_by_day),
    )
    assert period_ending_in(cycles.quarterly, 2025, 4) is None


def test_effective_policy_merges_defaults_then_plan_then_unit() -> None:
    defaults = load_reminder_policy(SCHEDULES_DIR / REMINDER_POLICY_FILE)
    plan = ReminderPolicyOverride(before=[5, 1, 0], notify_support=True, send_at=dt.time(9, 0))
    unit = ReminderPolicyOverride(send_at=dt.time(7, 30))
    merged = effective_policy(defaults, plan, unit)
    assert merged.before == [5, 1, 0]
    assert merged.notify_support is True
    assert merged.send_at == dt.time(7, 30)  # the unit's override is the most specific
    assert (merged.overdue_every, merged.overdue_max, merged.escalate_after) == (
        defaults.overdue_every,
        defaults.overdue_max,
        defaults.escalate_after,
    )
    assert effective_policy(defaults) == defaults
    assert effective_policy(defaults, None, unit).before == defaults.before


def test_invalid_reminder_policy_is_reported_with_place_and_fix(schedules: Path) -> None:
    path = schedules / REMINDER_POLICY_FILE
    path.write_text("before: [3, -1]\nsend_at: '08:00'\noverdue_every: 2\noverdue_max: 5\n", encoding="utf-8")
    with pytest.raises(ScheduleError) as caught:
        load_reminder_policy(path)
    assert str(caught.value).splitlines() == [
        f"{path}:1:13: before[2]: «-1» quá nhỏ: giá trị phải từ 0 trở lên.",
        f"{path}:1:1: escalate_after: thiếu khóa bắt buộc «escalate_after». Thêm dòng «escalate_after: …» "
        "(xem mẫu trong plans/README.md).",
        f"{path}:1:1: notify_support: thiếu khóa bắt buộc «notify_support». Thêm dòng «notify_support: …» "
        "(xem mẫu trong plans/README.md).",
    ]


def test_invalid_cycles_are_reported_in_english_too(schedules: Path) -> None:
    path = schedules / REPORTING_CYCLES_FILE
    text = path.read_text(encoding="utf-8").replace(
        "send_by_day: 20\n  basis: Nghị định 09/2019/NĐ-CP, Điều 12 khoản 2",
        "send_by_day: 14\n  basis: Nghị định 09/2019/NĐ-CP, Điều 12 khoản 2",
    )
    path.write_text(text.replace("months: [6, 12]", "months: [6, 13]"), encoding="utf-8")
    with pytest.raises(ScheduleError) as caught:
        load_schedule_defaults(schedules, lang="en")
    messages = [problem.format().removeprefix(f"{path}:") for problem in caught.value.problems]
    assert messages == [
        "27:3: quarterly.send_by_day: the send-by day (14) must come at least 1 working day after the "
        "cut-off day (14) (Nghị định 09/2019/NĐ-CP, Article 8(5)).",
        "32:15: semiannual.months[2]: «13» is too large: the value must be 12 or less.",
    ]


def test_missing_schedule_file(tmp_path: Path) -> None:
    with pytest.raises(ScheduleError) as caught:
        load_schedule_defaults(tmp_path)
    assert [problem.format() for problem in caught.value.problems] == [
        f"{tmp_path / REPORTING_CYCLES_FILE}: không tìm thấy tệp hay thư mục này. Kiểm tra lại đường dẫn.",
        f"{tmp_path / REMINDER_POLICY_FILE}: không tìm thấy tệp hay thư mục này. Kiểm tra lại đường dẫn.",
    ]
