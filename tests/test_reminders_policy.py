"""The reminder policy and the occurrence series on the real Vietnamese calendar (no database)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot import paths
from bot.db.models import OccurrenceKind
from bot.deadlines.model import Freq, Kind, Recurrence
from bot.plans.model import ReminderPolicyOverride
from bot.reminders.policy import PlannedReminder, ReminderKind, plan_reminders
from bot.reminders.series import add_months, series_for
from bot.reminders.subjects import PlanInfo, Subject, SubjectKind
from bot.schedules import effective_policy, load_schedule_defaults
from bot.workcal import WorkCalendar

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CALENDAR = WorkCalendar()  # statutory holidays only (the `holidays` package)
DEFAULTS = load_schedule_defaults(paths.SCHEDULES_DIR)
D = dt.date


def days(planned: list[PlannedReminder], kind: ReminderKind) -> list[dt.date]:
    return [reminder.day for reminder in planned if reminder.kind is kind]


def test_a_deadline_on_a_saturday_moves_to_monday_and_reminders_count_working_days() -> None:
    due = D(2026, 6, 27)  # Saturday
    effective = CALENDAR.effective_deadline(due)
    assert effective == D(2026, 6, 29)  # BLDS 2015 Điều 148: the next working day

    planned = plan_reminders(effective, DEFAULTS.policy, CALENDAR, TZ)

    before = {r.step: r.day for r in planned if r.kind is ReminderKind.BEFORE}
    assert before == {7: D(2026, 6, 18), 3: D(2026, 6, 24), 1: D(2026, 6, 26)}
    assert days(planned, ReminderKind.DUE) == [D(2026, 6, 29)]
    # Every 2 working days, at most 5 times; the leader hears of it once 3 working days late.
    assert days(planned, ReminderKind.OVERDUE) == [
        D(2026, 7, 1),
        D(2026, 7, 3),
        D(2026, 7, 7),
        D(2026, 7, 9),
        D(2026, 7, 13),
    ]
    assert [r.step for r in planned if r.kind is ReminderKind.OVERDUE] == [1, 2, 3, 4, 5]
    assert days(planned, ReminderKind.ESCALATION) == [D(2026, 7, 2)]
    assert all(CALENDAR.is_working_day(r.day) for r in planned)
    assert planned[0].send_at == dt.datetime(2026, 6, 18, 8, 0, tzinfo=TZ)
    assert [r.send_at for r in planned] == sorted(r.send_at for r in planned)


def test_no_reminder_falls_in_the_tet_2026_break() -> None:
    # Tết Bính Ngọ: Saturday 14/02 to Sunday 22/02/2026 off.
    break_days = [D(2026, 2, 14) + dt.timedelta(days=n) for n in range(9)]
    assert not any(CALENDAR.is_working_day(day) for day in break_days)
    due = D(2026, 2, 17)  # inside the break
    effective = CALENDAR.effective_deadline(due)
    assert effective == D(2026, 2, 23)

    planned = plan_reminders(effective, DEFAULTS.policy, CALENDAR, TZ)

    assert not {r.day for r in planned} & set(break_days)
    before = {r.step: r.day for r in planned if r.kind is ReminderKind.BEFORE}
    # One working day before Monday 23/02 is Friday 13/02, the last day before the break.
    assert before[1] == D(2026, 2, 13)
    assert before[3] == D(2026, 2, 11)
    assert before[7] == D(2026, 2, 5)


def test_plan_and_unit_overrides_change_the_policy_field_by_field() -> None:
    plan = ReminderPolicyOverride(before=[5, 0], overdue_max=1)
    unit = ReminderPolicyOverride(send_at=dt.time(7, 30))
    policy = effective_policy(DEFAULTS.policy, plan, unit)
    assert (policy.before, policy.overdue_max, policy.send_at) == ([5, 0], 1, dt.time(7, 30))
    assert policy.escalate_after == DEFAULTS.policy.escalate_after

    planned = plan_reminders(D(2026, 6, 29), policy, CALENDAR, TZ)

    assert [(r.kind, r.step) for r in planned] == [
        (ReminderKind.BEFORE, 5),
        (ReminderKind.DUE, 0),
        (ReminderKind.OVERDUE, 1),
        (ReminderKind.ESCALATION, 0),
    ]
    assert {r.send_at.time() for r in planned} == {dt.time(7, 30)}


def _subject(
    kind: Kind,
    *,
    due: D | None = None,
    rule: Recurrence | None = None,
    subject: SubjectKind = SubjectKind.TASK,
    horizon: D | None = None,
) -> Subject:
    return Subject(
        subject, 1, "kh", "1", "việc", ("so-a",), (), None, kind, due, None, rule, horizon_due=horizon
    )


PLAN_WITHOUT_CYCLE = PlanInfo("kh", None, None, None)
TODAY = D(2026, 6, 1)


def test_a_rule_without_a_day_takes_the_standard_cycle_day() -> None:
    series = series_for(
        _subject(Kind.RECURRING, rule=Recurrence(Freq.QUARTERLY)), PLAN_WITHOUT_CYCLE, DEFAULTS.cycles, TODAY
    )
    assert series is not None and series.kind is OccurrenceKind.DEADLINE
    assert series.standard_cycle == DEFAULTS.cycles.quarterly
    assert series.dates(TODAY, D(2027, 6, 30)) == [
        D(2026, 6, 20),
        D(2026, 9, 20),
        D(2026, 12, 20),
        D(2027, 3, 20),
        D(2027, 6, 20),
    ]


def test_continuous_tasks_are_asked_for_progress_on_the_plans_cycle_or_the_monthly_default() -> None:
    continuous = _subject(Kind.CONTINUOUS)
    default = series_for(continuous, PLAN_WITHOUT_CYCLE, DEFAULTS.cycles, TODAY)
    assert default is not None and default.kind is OccurrenceKind.PROGRESS
    assert default.standard_cycle == DEFAULTS.cycles.monthly
    assert default.dates(TODAY, D(2026, 8, 31)) == [D(2026, 6, 20), D(2026, 7, 20), D(2026, 8, 20)]

    own_cycle = PlanInfo("kh", None, None, Recurrence(Freq.MONTHLY, day=14))
    planned = series_for(continuous, own_cycle, DEFAULTS.cycles, TODAY)
    assert planned is not None and planned.standard_cycle is None
    assert planned.dates(TODAY, D(2026, 7, 31)) == [D(2026, 6, 14), D(2026, 7, 14)]


@pytest.mark.parametrize(
    ("horizon", "kind"),
    [
        (D(2030, 12, 31), OccurrenceKind.PROGRESS),
        (D(2026, 12, 31), OccurrenceKind.DEADLINE),
        (None, OccurrenceKind.PROGRESS),
    ],
)
def test_targets_far_away_are_followed_through_progress(horizon: D | None, kind: OccurrenceKind) -> None:
    target = _subject(
        Kind.ONCE if horizon else Kind.NONE, due=horizon, subject=SubjectKind.TARGET, horizon=horizon
    )
    series = series_for(target, PLAN_WITHOUT_CYCLE, DEFAULTS.cycles, TODAY)
    assert series is not None and series.kind is kind


def test_no_series_for_a_task_without_a_date() -> None:
    assert series_for(_subject(Kind.NONE), PLAN_WITHOUT_CYCLE, DEFAULTS.cycles, TODAY) is None


def test_add_months_clamps_to_the_months_end() -> None:
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2026, 11, 30), 13) == D(2027, 12, 30)
