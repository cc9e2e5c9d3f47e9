"""The known state every digest test starts from, and the digest's numbers and lists built from it
(SQLite and PostgreSQL).

`tests/data/digest/plans` holds two plans of a made-up district (UBND huyện Đông Sơn), synced on
15/01/2026. The digest is taken as of Friday 20/11/2026 (Asia/Ho_Chi_Minh), calendar: statutory
holidays only. Plan kh-12-2026, task by task:

1  quý II/2026 → 30/06                 done 25/06                  → hoàn thành đúng hạn
2  trước ngày 15/5/2026 → 14/05        done 20/05                  → hoàn thành quá hạn
3  tháng 10/2026 → 31/10 (Sat) → 02/11 in progress 40% then 60%    → quá hạn 14 ngày làm việc
4  ngày 30/11/2026                     done on 25/11, after as-of  → trong hạn, due in 10 days
5  Thường xuyên                        never updated               → không có thời hạn
6  ngày 15/12/2026                     in progress 30%             → trong hạn
7  trước ngày 10/11/2026 → 09/11       never updated               → quá hạn 9 ngày làm việc
8  ngày 30/9/2026                      done 30/09 23:30 local time → hoàn thành đúng hạn
9  ngày 5 hằng tháng (recurring)       open period due 05/11       → quá hạn 11 ngày làm việc
Plan ct-05-2026: 1 (tháng 9/2026, done 05/10 → quá hạn), 2 (quý IV/2026, blocked → trong hạn).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.db.models import (
    Occurrence,
    OccurrenceKind,
    OccurrenceState,
    OutboxKind,
    OutboxMessage,
    OutboxState,
    ReportingObligation,
    ReportSubmission,
    Task,
    TaskStatus,
)
from bot.db.updates import record_update
from bot.digest.model import Standing, StandingCounts
from bot.digest.queries import build_digest, excerpt, plan_task_rows
from bot.plans.loader import load_workspace
from bot.plans.sync import sync_workspace
from bot.workcal import WorkCalendar

PLANS = Path(__file__).parent / "data" / "digest" / "plans"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CALENDAR = WorkCalendar()
SYNCED = dt.datetime(2026, 1, 15, 2, 0, tzinfo=dt.UTC)
AS_OF = dt.date(2026, 11, 20)
KH = "kh-12-2026"
CT = "ct-05-2026"
LONG_NOTE = (
    "Đã hoàn thành dự thảo dự toán, đang lấy ý kiến các phòng chuyên môn và Ủy ban MTTQ huyện; "
    "dự kiến trình Thường trực HĐND huyện vào tuần cuối tháng 11."
)


def local(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=TZ)


def seed(engine: Engine) -> None:
    """Sync the two plans and record the history described in the module docstring."""
    workspace = load_workspace([PLANS])
    assert workspace.errors == []
    with Session(engine) as session, session.begin():
        sync_workspace(session, workspace, SYNCED, calendar=CALENDAR)
    with Session(engine) as session, session.begin():
        tasks = {(t.plan_id, t.key): t for t in session.exec(select(Task))}

        def update(
            plan: str,
            key: str,
            status: TaskStatus,
            at: dt.datetime,
            percent: int | None = None,
            note: str | None = None,
            author_person_id: str | None = None,
        ) -> None:
            record_update(
                session,
                tasks[plan, key],
                status,
                at=at,
                source="telegram",
                percent=percent,
                note=note,
                author_person_id=author_person_id,
            )

        update(KH, "1", TaskStatus.IN_PROGRESS, local(2026, 5, 4), percent=50, author_person_id="tp-tckh")
        update(KH, "1", TaskStatus.DONE, local(2026, 6, 25), percent=100, author_person_id="tp-tckh")
        update(KH, "2", TaskStatus.DONE, local(2026, 5, 20), author_person_id="cb-nv")
        update(KH, "3", TaskStatus.IN_PROGRESS, local(2026, 10, 20), percent=40, author_person_id="tp-tckh")
        update(
            KH,
            "3",
            TaskStatus.IN_PROGRESS,
            local(2026, 11, 17, 14, 30),
            percent=60,
            note=LONG_NOTE,
            author_person_id="tp-tckh",
        )
        record_update(session, tasks[KH, "4"], TaskStatus.DONE, at=local(2026, 11, 25), source="zalo")
        update(
            KH,
            "6",
            TaskStatus.IN_PROGRESS,
            local(2026, 11, 19, 10),
            percent=30,
            note="Đã phát phiếu khảo sát <200 phiếu> & đang tổng hợp",
            author_person_id="cb-nv",
        )
        update(KH, "8", TaskStatus.DONE, local(2026, 9, 30, 23, 30), percent=100)
        update(CT, "1", TaskStatus.DONE, local(2026, 10, 5), author_person_id="tp-tckh")
        update(CT, "2", TaskStatus.BLOCKED, local(2026, 11, 2), note="Chưa có kinh phí")
        session.flush()

        def occurrence(
            key: str,
            plan: str,
            kind: OccurrenceKind,
            due: dt.date,
            effective: dt.date,
            *,
            task_id: int | None = None,
            reporting_id: int | None = None,
            state: OccurrenceState = OccurrenceState.OPEN,
        ) -> Occurrence:
            row = Occurrence(
                key=key,
                plan_id=plan,
                kind=kind,
                due=due,
                effective_due=effective,
                state=state,
                task_id=task_id,
                reporting_id=reporting_id,
                created_at=SYNCED,
                updated_at=SYNCED,
            )
            session.add(row)
            return row

        t3, t9 = tasks[KH, "3"], tasks[KH, "9"]
        occurrence(
            f"task:{t9.id}:2026-10-05",
            KH,
            OccurrenceKind.DEADLINE,
            dt.date(2026, 10, 5),
            dt.date(2026, 10, 5),
            task_id=t9.id,
            state=OccurrenceState.DONE,
        )
        occurrence(
            f"task:{t9.id}:2026-11-05",
            KH,
            OccurrenceKind.DEADLINE,
            dt.date(2026, 11, 5),
            dt.date(2026, 11, 5),
            task_id=t9.id,
        )
        occurrence(
            f"task:{t9.id}:2026-12-05",
            KH,
            OccurrenceKind.DEADLINE,
            dt.date(2026, 12, 5),
            dt.date(2026, 12, 7),
            task_id=t9.id,
        )
        reminder_for = occurrence(
            f"task:{t3.id}:2026-10-31",
            KH,
            OccurrenceKind.DEADLINE,
            dt.date(2026, 10, 31),
            dt.date(2026, 11, 2),
            task_id=t3.id,
        )
        reporting = session.exec(select(ReportingObligation)).one()
        october = occurrence(
            f"report:{reporting.id}:2026-10-14",
            KH,
            OccurrenceKind.REPORT,
            dt.date(2026, 10, 14),
            dt.date(2026, 10, 14),
            reporting_id=reporting.id,
        )
        november = occurrence(
            f"report:{reporting.id}:2026-11-14",
            KH,
            OccurrenceKind.REPORT,
            dt.date(2026, 11, 14),
            dt.date(2026, 11, 16),
            reporting_id=reporting.id,
        )
        occurrence(
            f"report:{reporting.id}:2026-12-14",
            KH,
            OccurrenceKind.REPORT,
            dt.date(2026, 12, 14),
            dt.date(2026, 12, 14),
            reporting_id=reporting.id,
        )
        session.flush()

        def submit(occ: Occurrence, unit: str, at: dt.datetime, on_time: bool) -> None:
            assert occ.id is not None
            session.add(
                ReportSubmission(
                    occurrence_id=occ.id, unit_id=unit, submitted_at=at, on_time=on_time, source="telegram"
                )
            )

        for unit in ("p-tckh", "p-nv", "p-vhtt"):
            submit(october, unit, local(2026, 10, 12), True)
        submit(november, "p-tckh", local(2026, 11, 13), True)
        submit(november, "p-nv", local(2026, 11, 18), False)
        submit(november, "p-vhtt", local(2026, 11, 23), False)  # after the as-of day: still missing

        def outbox(
            key: str,
            person: str,
            state: OutboxState,
            at: dt.datetime,
            error: str | None,
            occ: Occurrence | None,
        ) -> None:
            session.add(
                OutboxMessage(
                    idempotency_key=key,
                    kind=OutboxKind.OVERDUE,
                    step=1,
                    person_id=person,
                    occurrence_id=occ.id if occ else None,
                    send_at=at,
                    next_attempt_at=at,
                    state=state,
                    error=error,
                    created_at=at,
                    updated_at=at,
                )
            )

        assert reminder_for.id is not None
        outbox(
            f"{reminder_for.key}|tp-tckh|overdue:1",
            "tp-tckh",
            OutboxState.FAILED,
            local(2026, 11, 18, 8),
            "Forbidden: bot was blocked by the user",
            reminder_for,
        )
        outbox(
            f"{reminder_for.key}|pct|overdue:1",
            "pct",
            OutboxState.SENT,
            local(2026, 11, 18, 8),
            None,
            reminder_for,
        )


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    seed(engine)
    return engine


# --- The numbers --------------------------------------------------------------------------------


def test_counts_overall_and_per_plan(seeded: Engine) -> None:
    with Session(seeded) as session:
        digest = build_digest(session, [CT, KH], as_of=AS_OF, tz=TZ, calendar=CALENDAR)
    per_plan = {plan.plan_id: plan.counts for plan in digest.plans}
    assert per_plan == {
        KH: StandingCounts(done_on_time=2, done_late=1, open_in_time=2, open_overdue=3, no_deadline=1),
        CT: StandingCounts(done_on_time=0, done_late=1, open_in_time=1, open_overdue=0, no_deadline=0),
    }
    assert digest.totals == StandingCounts(2, 2, 3, 3, 1)
    assert digest.totals.total == 11
    assert [plan.number for plan in digest.plans] == ["05/CTr-UBND", "12/KH-UBND"]


def test_per_unit_counts(seeded: Engine) -> None:
    with Session(seeded) as session:
        digest = build_digest(session, [CT, KH], as_of=AS_OF, tz=TZ, calendar=CALENDAR)
    assert [(unit.unit_id, unit.counts) for unit in digest.units] == [
        ("p-tckh", StandingCounts(done_on_time=1, done_late=1, open_overdue=2)),
        ("p-vhtt", StandingCounts(done_on_time=1, open_in_time=2)),
        ("p-nv", StandingCounts(done_late=1, open_in_time=1)),
        ("p-tnmt", StandingCounts(open_overdue=1, no_deadline=1)),
    ]


def test_overdue_list(seeded: Engine) -> None:
    with Session(seeded) as session:
        digest = build_digest(session, [KH], as_of=AS_OF, tz=TZ, calendar=CALENDAR)
    rows = [
        (t.key, t.lead_unit, t.due, t.working_days_overdue, t.leader, t.status, t.percent, t.last_update_note)
        for t in digest.overdue.rows
    ]
    assert rows == [
        (
            "3",
            "Phòng Tài chính - Kế hoạch",
            dt.date(2026, 11, 2),
            14,
            "Lê Văn Cường",
            "in_progress",
            60,
            excerpt(LONG_NOTE),
        ),
        ("9", "Phòng Tài chính - Kế hoạch", dt.date(2026, 11, 5), 11, None, "not_started", None, None),
        (
            "7",
            "Phòng Tài nguyên và Môi trường",
            dt.date(2026, 11, 9),
            9,
            "Chủ tịch UBND huyện",
            "not_started",
            None,
            None,
        ),
    ]
    assert digest.overdue.total == 3
    assert digest.overdue.rows[0].last_update_at == local(2026, 11, 17, 14, 30)
    assert len(excerpt(LONG_NOTE)) <= 100 and excerpt(LONG_NOTE).endswith("…")


def test_due_soon_uses_the_status_as_of_the_day_not_later_updates(seeded: Engine) -> None:
    with Session(seeded) as session:
        digest = build_digest(session, [KH], as_of=AS_OF, tz=TZ, calendar=CALENDAR)
        later = build_digest(session, [KH], as_of=dt.date(2026, 11, 26), tz=TZ, calendar=CALENDAR)
    assert [(t.key, t.due, t.status) for t in digest.due_soon.rows] == [
        ("4", dt.date(2026, 11, 30), "not_started")
    ]
    assert later.due_soon.total == 0
    assert later.totals.done_on_time == 3  # task 4 done on 25/11, before its due date


def test_a_past_as_of_reads_the_history(seeded: Engine) -> None:
    with Session(seeded) as session:
        digest = build_digest(session, [KH], as_of=dt.date(2026, 6, 1), tz=TZ, calendar=CALENDAR)
    # 1: in progress (done only on 25/06); 2: done late on 20/05; 9: its open period is 05/11.
    assert digest.totals == StandingCounts(done_on_time=0, done_late=1, open_in_time=7, no_deadline=1)
    assert digest.updates.total == 0  # 04/05 and 20/05 are more than 7 days before


def test_updates_since_the_last_digest(seeded: Engine) -> None:
    with Session(seeded) as session:
        digest = build_digest(session, [CT, KH], as_of=AS_OF, tz=TZ, calendar=CALENDAR)
        since_october = build_digest(
            session, [KH], as_of=AS_OF, tz=TZ, calendar=CALENDAR, since=local(2026, 10, 1)
        )
    assert [(u.author, u.task_key, u.status, u.percent, u.note) for u in digest.updates.rows] == [
        ("Hoàng Thu Hà", "6", "in_progress", 30, "Đã phát phiếu khảo sát <200 phiếu> & đang tổng hợp"),
        ("Phạm Minh Đức", "3", "in_progress", 60, excerpt(LONG_NOTE)),
    ]
    assert digest.since == local(2026, 11, 14, 0)
    assert [(u.plan_id, u.task_key) for u in since_october.updates.rows] == [(KH, "6"), (KH, "3"), (KH, "3")]


def test_periodic_reports_by_unit(seeded: Engine) -> None:
    with Session(seeded) as session:
        digest = build_digest(session, [KH], as_of=AS_OF, tz=TZ, calendar=CALENDAR)
        october = build_digest(session, [KH], as_of=dt.date(2026, 10, 20), tz=TZ, calendar=CALENDAR)
    assert [(r.unit_name, r.on_time, r.late, r.missing) for r in digest.reports] == [
        ("Phòng Nội vụ", 0, 1, 0),
        ("Phòng Tài chính - Kế hoạch", 1, 0, 0),
        ("Phòng Văn hóa và Thông tin", 0, 0, 1),
    ]
    assert [(m.unit_name, m.due) for m in digest.missing_reports.rows] == [
        ("Phòng Văn hóa và Thông tin", dt.date(2026, 11, 16))
    ]
    assert [(r.on_time, r.late, r.missing) for r in october.reports] == [(1, 0, 0)] * 3


def test_silent_units_and_failed_deliveries(seeded: Engine) -> None:
    with Session(seeded) as session:
        digest = build_digest(session, [KH], as_of=AS_OF, tz=TZ, calendar=CALENDAR)
        only_ct = build_digest(session, [CT], as_of=AS_OF, tz=TZ, calendar=CALENDAR)
    assert [(u.unit_id, u.tasks) for u in digest.silent_units.rows] == [("p-tnmt", 2)]
    assert [(f.person, f.kind, f.task_title, f.error) for f in digest.failed.rows] == [
        (
            "Phạm Minh Đức",
            "overdue",
            "Xây dựng dự toán ngân sách năm 2027 <có ưu tiên> & kế hoạch đầu tư công",
            "Forbidden: bot was blocked by the user",
        ),
    ]
    assert only_ct.failed.total == 0 and only_ct.silent_units.total == 0


def test_every_task_of_a_plan_for_the_workbook(seeded: Engine) -> None:
    with Session(seeded) as session:
        rows = plan_task_rows(session, KH, as_of=AS_OF, tz=TZ)
    assert [(r.key, r.standing) for r in rows] == [
        ("1", Standing.DONE_ON_TIME),
        ("2", Standing.DONE_LATE),
        ("3", Standing.OPEN_OVERDUE),
        ("4", Standing.OPEN_IN_TIME),
        ("5", Standing.NO_DEADLINE),
        ("6", Standing.OPEN_IN_TIME),
        ("7", Standing.OPEN_OVERDUE),
        ("8", Standing.DONE_ON_TIME),
        ("9", Standing.OPEN_OVERDUE),
    ]
    assert rows[2].support_units == ["Phòng Nội vụ", "Văn phòng HĐND và UBND huyện"]
    assert rows[4].timing == "Thường xuyên" and rows[4].due is None
