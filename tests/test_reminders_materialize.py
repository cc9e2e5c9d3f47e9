"""Occurrences and outbox rows in a real database (SQLite and PostgreSQL), with a fixed clock.

The plan is `tests/data/reminders/plans/kh-nhac-2026.yaml` (see the README there).
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot import paths
from bot.db.models import (
    ChatBinding,
    Occurrence,
    OccurrenceKind,
    OccurrenceState,
    OutboxKind,
    OutboxMessage,
    OutboxState,
    Plan,
    ReportingObligation,
    ReportSubmission,
    Target,
    Task,
    TaskStatus,
    Unit,
)
from bot.db.updates import record_update
from bot.plans.loader import load_workspace
from bot.plans.sync import sync_workspace
from bot.reminders.closing import close_occurrence_if_done, close_task_occurrences
from bot.reminders.materialize import CATCH_UP, MaterializeReport, extend_horizon, materialize
from bot.reminders.reasons import CloseReason
from bot.reminders.snooze import SnoozeError, snooze
from bot.schedules import load_schedule_defaults
from bot.workcal import WorkCalendar

PLANS = Path(__file__).parent / "data" / "reminders" / "plans"
PLAN = "kh-nhac-2026"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CALENDAR = WorkCalendar()
DEFAULTS = load_schedule_defaults(paths.SCHEDULES_DIR)
DumpDatabase = Callable[[Engine], dict[str, list[tuple[object, ...]]]]


def local(year: int, month: int, day: int, hour: int = 8, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=TZ)


NOW = local(2026, 6, 1)  # Monday, the send hour


def sync(engine: Engine, plans: Path = PLANS, now: dt.datetime = NOW) -> MaterializeReport:
    """What `nhacviec plans sync` does: the sync, then the materialisation, in one transaction."""
    workspace = load_workspace([plans])
    assert workspace.errors == []
    with Session(engine) as session, session.begin():
        sync_workspace(session, workspace, now, calendar=CALENDAR)
        return materialize(session, now, calendar=CALENDAR, defaults=DEFAULTS, tz=TZ, horizon_months=13)


def run(engine: Engine, now: dt.datetime, horizon_months: int = 13) -> MaterializeReport:
    with Session(engine) as session, session.begin():
        return materialize(
            session, now, calendar=CALENDAR, defaults=DEFAULTS, tz=TZ, horizon_months=horizon_months
        )


def bind(engine: Engine, *people: str, now: dt.datetime = NOW) -> None:
    with Session(engine) as session, session.begin():
        for number, person in enumerate(people):
            session.add(
                ChatBinding(person_id=person, channel="telegram", chat_id=f"{person}-{number}", bound_at=now)
            )


def setup(engine: Engine, *people: str, plans: Path = PLANS, now: dt.datetime = NOW) -> MaterializeReport:
    """Sync the plan, register `people` (chat bindings), materialise: returns the last run."""
    sync(engine, plans, now)
    bind(engine, *people, now=now)
    return run(engine, now)


def ids(engine: Engine) -> dict[str, int]:
    """`task:1` → the task's id, `report:R1`, `target:G1` likewise."""
    with Session(engine) as session:
        found = {f"task:{t.key}": t.id for t in session.exec(select(Task))}
        found |= {f"report:{r.key}": r.id for r in session.exec(select(ReportingObligation))}
        found |= {f"target:{t.key}": t.id for t in session.exec(select(Target))}
    return {key: value for key, value in found.items() if value is not None}


def occurrences(engine: Engine) -> dict[str, Occurrence]:
    with Session(engine) as session:
        rows = session.exec(select(Occurrence)).all()
        session.expunge_all()
    return {row.key: row for row in rows}


def outbox(engine: Engine, occurrence_key: str | None = None) -> list[OutboxMessage]:
    with Session(engine) as session:
        query = select(OutboxMessage).order_by(col(OutboxMessage.send_at), col(OutboxMessage.person_id))
        if occurrence_key is not None:
            query = query.where(col(OutboxMessage.idempotency_key).startswith(occurrence_key + "|"))
        rows = session.exec(query).all()
        session.expunge_all()
    return list(rows)


def in_local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(TZ)


# Idempotency ---------------------------------------------------------------------------------


def test_materialising_twice_creates_nothing_new(engine: Engine, dump: DumpDatabase) -> None:
    first = setup(engine, "gd-a", "cv-a", "gd-b", "chanh-vp", "pct")
    assert first.reminders_added > 0 and occurrences(engine)
    before = dump(engine)

    again = run(engine, NOW)
    later_same_day = extend_horizon(
        Session(engine),
        NOW + dt.timedelta(hours=1),
        calendar=CALENDAR,
        defaults=DEFAULTS,
        tz=TZ,
        horizon_months=13,
    )

    assert not again.changed and not later_same_day.changed
    assert dump(engine) == before
    keys = [row.idempotency_key for row in outbox(engine)]
    assert len(keys) == len(set(keys)) == first.reminders_added


# Policy on the calendar, recipients ----------------------------------------------------------


def test_a_saturday_deadline_reminds_the_lead_unit_on_working_days_and_escalates(engine: Engine) -> None:
    setup(engine, "gd-a", "cv-a", "gd-b", "chanh-vp", "pct")
    key = f"task:{ids(engine)['task:1']}:2026-06-27"
    occurrence = occurrences(engine)[key]
    assert (occurrence.kind, occurrence.effective_due) == (OccurrenceKind.DEADLINE, dt.date(2026, 6, 29))

    rows = outbox(engine, key)

    lead = [
        (row.person_id, row.kind, row.step, in_local(row.send_at))
        for row in rows
        if row.kind is not OutboxKind.ESCALATION and row.person_id == "gd-a"
    ]
    assert lead == [
        ("gd-a", OutboxKind.BEFORE, 7, local(2026, 6, 18)),
        ("gd-a", OutboxKind.BEFORE, 3, local(2026, 6, 24)),
        ("gd-a", OutboxKind.BEFORE, 1, local(2026, 6, 26)),
        ("gd-a", OutboxKind.DUE, 0, local(2026, 6, 29)),
        ("gd-a", OutboxKind.OVERDUE, 1, local(2026, 7, 1)),
        ("gd-a", OutboxKind.OVERDUE, 2, local(2026, 7, 3)),
        ("gd-a", OutboxKind.OVERDUE, 3, local(2026, 7, 7)),
        ("gd-a", OutboxKind.OVERDUE, 4, local(2026, 7, 9)),
        ("gd-a", OutboxKind.OVERDUE, 5, local(2026, 7, 13)),
    ]
    # The staff member of the lead unit gets the same; the supporting unit (notify_support: false) none.
    assert len([row for row in rows if row.person_id == "cv-a"]) == len(lead)
    assert not [row for row in rows if row.person_id == "gd-b"]
    # Escalation: the leader in charge and the monitoring office, 3 working days late.
    escalations = {
        (row.person_id, in_local(row.send_at)) for row in rows if row.kind is OutboxKind.ESCALATION
    }
    assert escalations == {("pct", local(2026, 7, 2)), ("chanh-vp", local(2026, 7, 2))}
    assert all(CALENDAR.is_working_day(in_local(row.send_at).date()) for row in rows)
    assert all(
        row.state is OutboxState.PENDING and row.next_attempt_at == row.send_at and not row.late
        for row in rows
    )
    assert {
        row.idempotency_key
        for row in rows
        if row.person_id == "gd-a" and row.kind is OutboxKind.BEFORE and row.step == 3
    } == {f"{key}|gd-a|before:3"}


def test_escalation_without_a_registered_leader_goes_to_the_monitoring_office(engine: Engine) -> None:
    setup(engine, "gd-a", "chanh-vp")
    key = f"task:{ids(engine)['task:1']}:2026-06-27"
    assert [row.person_id for row in outbox(engine, key) if row.kind is OutboxKind.ESCALATION] == ["chanh-vp"]


def test_plan_and_unit_overrides_reach_the_outbox(engine: Engine) -> None:
    setup(engine, "gd-a", "gd-b")
    task_key = f"task:{ids(engine)['task:1']}:2026-06-27"  # supporting unit: so-b
    assert not [row for row in outbox(engine, task_key) if row.person_id == "gd-b"]
    with Session(engine) as session, session.begin():
        session.get_one(Plan, PLAN).reminders = {"notify_support": True}
        session.get_one(Unit, "so-a").reminders = {"send_at": "07:30:00", "before": [2, 0]}

    added = run(engine, NOW)

    # The plan now reminds supporting units; the lead unit so-a's own policy sets hour and days.
    assert added.reminders_added > 0
    rows = [row for row in outbox(engine, task_key) if row.person_id == "gd-b"]
    assert [(row.kind, row.step) for row in rows] == [
        (OutboxKind.BEFORE, 2),
        (OutboxKind.DUE, 0),
        *((OutboxKind.OVERDUE, n) for n in range(1, 6)),
    ]
    assert {in_local(row.send_at).time() for row in rows} == {dt.time(7, 30)}


# Recurring, continuous, targets, horizon -----------------------------------------------------


def test_continuous_tasks_and_far_targets_get_progress_checkins_on_the_plans_cycle(engine: Engine) -> None:
    sync(engine)
    found = occurrences(engine)
    task_id, target_id = ids(engine)["task:2"], ids(engine)["target:G1"]
    for prefix in (f"progress:task:{task_id}:", f"progress:target:{target_id}:"):
        rows = sorted((row for key, row in found.items() if key.startswith(prefix)), key=lambda r: r.due)
        # The plan's report R1 is «trước ngày 15 hàng tháng»: the 14th of every month, from today
        # to the 13-month horizon (1 June 2026 → 1 July 2027).
        assert [row.due for row in rows] == [
            dt.date(2026 + (5 + n) // 12, (5 + n) % 12 + 1, 14) for n in range(13)
        ]
        assert {row.kind for row in rows} == {OccurrenceKind.PROGRESS}
    # The quarterly task without a day takes the standard cycle's 20th (Nghị định 09/2019).
    prefix = f"task:{ids(engine)['task:3']}:"
    quarterly = sorted(row.due for key, row in found.items() if key.startswith(prefix))
    assert quarterly == [
        dt.date(2026, 6, 20),
        dt.date(2026, 9, 20),
        dt.date(2026, 12, 20),
        dt.date(2027, 3, 20),
        dt.date(2027, 6, 20),
    ]
    assert found[f"task:{ids(engine)['task:3']}:2026-06-20"].effective_due == dt.date(2026, 6, 22)


def test_the_daily_run_extends_the_horizon_without_touching_earlier_periods(engine: Engine) -> None:
    sync(engine)  # the 13-month horizon
    report_id = ids(engine)["report:R1"]

    def periods() -> dict[str, OccurrenceState]:
        return {
            key: row.state
            for key, row in occurrences(engine).items()
            if key.startswith(f"report:{report_id}:")
        }

    first = periods()
    assert max(first) == f"report:{report_id}:2027-06-14"
    assert min(first) == f"report:{report_id}:2026-05-14"  # 45 days back: its nags may still run

    later = run(engine, local(2026, 7, 1))

    extended = periods()
    assert set(extended) - set(first) == {f"report:{report_id}:2027-07-14"}
    assert later.occurrences_superseded == 0
    assert set(extended.values()) == {OccurrenceState.OPEN}


# Closing --------------------------------------------------------------------------------------


def test_a_done_task_closes_its_occurrence_and_cancels_pending_reminders(engine: Engine) -> None:
    setup(engine, "gd-a", "chanh-vp")
    task_id = ids(engine)["task:4"]
    key = f"task:{task_id}:2026-07-15"
    assert outbox(engine, key)

    with Session(engine) as session, session.begin():
        task = session.get(Task, task_id)
        assert task is not None
        record_update(session, task, TaskStatus.DONE, at=local(2026, 6, 2, 9), source="telegram")
        closed = close_task_occurrences(session, task_id, local(2026, 6, 2, 9), cycles=DEFAULTS.cycles, tz=TZ)

    occurrence = occurrences(engine)[key]
    assert closed == [occurrence.id]
    assert occurrence.state is OccurrenceState.DONE and occurrence.closed_at == local(2026, 6, 2, 9)
    rows = outbox(engine, key)
    assert {row.state for row in rows} == {OutboxState.CANCELLED}
    assert {row.error for row in rows} == {CloseReason.TASK_DONE.value}

    again = run(engine, local(2026, 6, 3))
    assert again.reminders_added == 0 and occurrences(engine)[key].state is OccurrenceState.DONE


def test_a_progress_update_answers_the_current_checkin_only(engine: Engine) -> None:
    setup(engine, "gd-a")
    task_id = ids(engine)["task:2"]
    with Session(engine) as session, session.begin():
        task = session.get(Task, task_id)
        assert task is not None
        record_update(
            session, task, TaskStatus.IN_PROGRESS, percent=40, at=local(2026, 6, 3, 10), source="zalo"
        )
        close_task_occurrences(session, task_id, local(2026, 6, 3, 10), cycles=DEFAULTS.cycles, tz=TZ)

    found = occurrences(engine)
    assert found[f"progress:task:{task_id}:2026-06-14"].state is OccurrenceState.DONE
    assert found[f"progress:task:{task_id}:2026-07-14"].state is OccurrenceState.OPEN
    rows = outbox(engine, f"progress:task:{task_id}:2026-06-14")
    assert [(row.state, row.error) for row in rows] == [
        (OutboxState.CANCELLED, CloseReason.PROGRESS_REPORTED.value)
    ]


def test_a_report_closes_when_every_unit_has_submitted(engine: Engine) -> None:
    setup(engine, "gd-a", "gd-b", "chanh-vp")
    key = f"report:{ids(engine)['report:R1']}:2026-06-14"
    occurrence = occurrences(engine)[key]
    assert occurrence.id is not None
    assert occurrence.effective_due == dt.date(2026, 6, 15)  # the 14th is a Sunday

    def submit(unit: str) -> bool:
        assert occurrence.id is not None
        with Session(engine) as session, session.begin():
            session.add(
                ReportSubmission(
                    occurrence_id=occurrence.id,
                    unit_id=unit,
                    submitted_at=NOW,
                    on_time=True,
                    source="telegram",
                )
            )
            return close_occurrence_if_done(session, occurrence.id, NOW, cycles=DEFAULTS.cycles, tz=TZ)

    assert submit("so-a") is False
    rows = outbox(engine, key)
    assert {row.state for row in rows if row.person_id == "gd-a"} == {OutboxState.CANCELLED}
    assert {row.error for row in rows if row.person_id == "gd-a"} == {CloseReason.UNIT_SUBMITTED.value}
    assert {row.state for row in rows if row.person_id in ("gd-b", "chanh-vp")} == {OutboxState.PENDING}
    assert occurrences(engine)[key].state is OccurrenceState.OPEN

    assert submit("so-b") is True
    assert occurrences(engine)[key].state is OccurrenceState.DONE
    assert {row.state for row in outbox(engine, key)} == {OutboxState.CANCELLED}


# Re-sync ---------------------------------------------------------------------------------------


def test_a_new_due_date_on_disk_supersedes_the_old_occurrence(engine: Engine, tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    shutil.copytree(PLANS, plans)
    setup(engine, "gd-a", "chanh-vp", "pct", plans=plans)
    task_4, task_1 = ids(engine)["task:4"], ids(engine)["task:1"]
    old_key, new_key = f"task:{task_4}:2026-07-15", f"task:{task_4}:2026-07-24"
    rows_before = len(outbox(engine))

    text = (plans / f"{PLAN}.yaml").read_text(encoding="utf-8")
    text = text.replace("timing: ngày 15/7/2026", "timing: ngày 24/7/2026")
    text = text.replace('  - id: "1"\n', '  - id: "1-removed"\n', 1).replace('id: "1-removed"', 'id: "9"')
    (plans / f"{PLAN}.yaml").write_text(text, encoding="utf-8")
    report = sync(engine, plans, now=local(2026, 6, 2))

    found = occurrences(engine)
    assert found[old_key].state is OccurrenceState.SUPERSEDED
    assert {(row.state, row.error) for row in outbox(engine, old_key)} == {
        (OutboxState.CANCELLED, "Hạn đã đổi từ 15/07/2026 sang 24/07/2026 khi đồng bộ lại kế hoạch.")
    }
    assert found[new_key].state is OccurrenceState.OPEN
    assert {row.state for row in outbox(engine, new_key)} == {OutboxState.PENDING}
    # Task 1 left the file (archived; «9» is a new task): its occurrence is superseded as well.
    old_task_1 = found[f"task:{task_1}:2026-06-27"]
    assert old_task_1.state is OccurrenceState.SUPERSEDED
    assert {row.error for row in outbox(engine, old_task_1.key)} == {CloseReason.ARCHIVED.value}
    assert report.occurrences_superseded >= 2
    assert len(outbox(engine)) > rows_before  # nothing deleted, the new rows added


# Late registration ---------------------------------------------------------------------------


def test_someone_registering_late_gets_only_the_latest_past_reminder_per_occurrence(engine: Engine) -> None:
    late_now = local(2026, 7, 2, 10)
    sync(engine, now=late_now)
    assert outbox(engine) == []  # nobody registered: no rows

    bind(engine, "gd-a", now=late_now)
    caught_up = run(engine, late_now)

    assert caught_up.reminders_added > 0
    key = f"task:{ids(engine)['task:1']}:2026-06-27"
    mine = [(row.kind, row.step, row.late) for row in outbox(engine, key) if row.person_id == "gd-a"]
    assert mine == [
        (OutboxKind.OVERDUE, 1, True),  # 1 July: the latest that is already past, marked late
        (OutboxKind.OVERDUE, 2, False),
        (OutboxKind.OVERDUE, 3, False),
        (OutboxKind.OVERDUE, 4, False),
        (OutboxKind.OVERDUE, 5, False),
    ]
    late = [row for row in outbox(engine) if row.late]
    per_occurrence = [row.occurrence_id for row in late]
    assert len(per_occurrence) == len(set(per_occurrence))
    assert all(late_now - CATCH_UP <= row.send_at < late_now for row in late)
    assert not run(engine, late_now + dt.timedelta(hours=2)).changed


# Snooze ----------------------------------------------------------------------------------------


def test_snooze_moves_ones_own_reminder_and_refuses_anyone_elses(engine: Engine) -> None:
    setup(engine, "gd-a", "cv-a")
    key = f"task:{ids(engine)['task:1']}:2026-06-27"
    mine = next(row for row in outbox(engine, key) if row.person_id == "gd-a" and row.kind is OutboxKind.DUE)
    assert mine.id is not None
    until = local(2026, 6, 29, 14)

    with Session(engine) as session, session.begin():
        moved = snooze(session, mine.id, "gd-a", until, local(2026, 6, 29, 8, 5))
        assert moved.next_attempt_at == until

    with Session(engine) as session, pytest.raises(SnoozeError) as refused:
        snooze(session, mine.id, "cv-a", until, local(2026, 6, 29, 8, 5))
    assert "không phải của bạn" in refused.value.message("vi")
    assert "not yours" in refused.value.message("en")

    with Session(engine) as session, pytest.raises(SnoozeError) as past:
        snooze(session, mine.id, "gd-a", local(2026, 6, 29, 7), local(2026, 6, 29, 8, 5))
    assert "đã qua" in past.value.message("vi")

    with Session(engine) as session, pytest.raises(SnoozeError) as missing:
        snooze(session, 999_999, "gd-a", until, local(2026, 6, 29, 8, 5))
    assert "999999" in missing.value.message("en")

    with Session(engine) as session, session.begin():
        record_update(
            session,
            session.get_one(Task, ids(engine)["task:1"]),
            TaskStatus.DONE,
            at=local(2026, 6, 29, 9),
            source="telegram",
        )
        close_task_occurrences(
            session, ids(engine)["task:1"], local(2026, 6, 29, 9), cycles=DEFAULTS.cycles, tz=TZ
        )
    with Session(engine) as session, pytest.raises(SnoozeError) as cancelled:
        snooze(session, mine.id, "gd-a", until, local(2026, 6, 29, 10))
    assert "cancelled" in cancelled.value.message("en")
    assert outbox(engine, key)[0].next_attempt_at is not None
