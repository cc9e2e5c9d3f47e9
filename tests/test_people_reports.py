"""`đã nộp báo cáo …` from chat: report submissions, and updates closing their occurrences."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot import paths
from bot.channels.events import SourceMessage
from bot.db.models import (
    Occurrence,
    OccurrenceKind,
    OccurrenceState,
    Person,
    ReportingObligation,
    ReportSubmission,
    Task,
)
from bot.people import NotAllowed, NotUnderstood, create_invite, file_report, file_update
from bot.plans.loader import load_workspace
from bot.plans.sync import sync_workspace
from bot.schedules import load_schedule_defaults
from bot.understand import ReportClaim, understand_reply
from bot.workcal import WorkCalendar

PLAN_V1 = Path(__file__).parent / "data" / "sync" / "v1"
NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = NOW.astimezone(TZ).date()
CALENDAR = WorkCalendar()
CYCLES = load_schedule_defaults(paths.SCHEDULES_DIR).cycles
MESSAGE = SourceMessage(channel="zalo", chat_id="z-1", message_id="m-9")
DumpDatabase = Callable[[Engine], dict[str, list[tuple[object, ...]]]]
SEPTEMBER, DECEMBER = dt.date(2026, 9, 14), dt.date(2026, 12, 14)


@pytest.fixture
def office(engine: Engine) -> Engine:
    """Kế hoạch 04 (cut down): report IV.2 from Sở Công Thương and Sở KH&ĐT, due in September and
    December 2026; invited staff of Sở KH&ĐT and Sở Tài chính and a head of Sở Công Thương."""
    workspace = load_workspace([PLAN_V1])
    assert workspace.errors == []
    with Session(engine) as session, session.begin():
        sync_workspace(session, workspace, NOW - dt.timedelta(days=30), calendar=CALENDAR)
        for name, unit, role in (
            ("Khdt", "so-khdt", "staff"),
            ("Tc", "so-tc", "staff"),
            ("Ct", "so-ct", "head"),
        ):
            create_invite(session, unit_id=unit, role=role, name=name, now=NOW, ttl_days=7)
        report = session.exec(select(ReportingObligation).where(ReportingObligation.key == "IV.2")).one()
        for due in (SEPTEMBER, DECEMBER):
            session.add(occurrence(f"report:{report.id}:{due}", report.plan_id, due, reporting_id=report.id))
    return engine


def occurrence(key: str, plan_id: str, due: dt.date, **subject: int | None) -> Occurrence:
    return Occurrence(
        key=key,
        plan_id=plan_id,
        kind=OccurrenceKind.REPORT if "reporting_id" in subject else OccurrenceKind.DEADLINE,
        due=due,
        effective_due=CALENDAR.effective_deadline(due),
        created_at=NOW,
        updated_at=NOW,
        **subject,
    )


def person(session: Session, name: str) -> Person:
    return session.exec(select(Person).where(Person.name == name)).one()


def claim(text: str) -> ReportClaim:
    report = understand_reply(text, now_date=TODAY).report
    assert report is not None
    return report


def submit(session: Session, name: str, text: str) -> tuple[bool, bool, dt.date, bool]:
    filed = file_report(
        session,
        person=person(session, name),
        claim=claim(text),
        source_message=MESSAGE,
        now=NOW,
        tz=TZ,
        cycles=CYCLES,
    )
    return filed.already, filed.closed, filed.occurrence.due, filed.submission.on_time


def test_each_unit_submits_and_the_last_one_closes_the_period(office: Engine) -> None:
    with Session(office) as session, session.begin():
        assert submit(session, "Khdt", "đã nộp báo cáo quý 3") == (False, False, SEPTEMBER, False)
        assert submit(session, "Khdt", "da nop bao cao quy III/2026") == (True, False, SEPTEMBER, False)
        assert submit(session, "Ct", "Đã gửi báo cáo tháng 9") == (False, True, SEPTEMBER, False)
        rows = session.exec(select(ReportSubmission)).all()
        assert sorted((row.unit_id, row.source, row.author_person_id is not None) for row in rows) == [
            ("so-ct", "zalo", True),
            ("so-khdt", "zalo", True),
        ]
        september = session.exec(select(Occurrence).where(Occurrence.due == SEPTEMBER)).one()
        assert september.state is OccurrenceState.DONE


def test_no_period_named_means_the_open_report_due_nearest_today(office: Engine) -> None:
    with Session(office) as session, session.begin():
        assert submit(session, "Khdt", "đã nộp báo cáo") == (False, False, DECEMBER, True)


def test_a_period_without_a_report_is_questioned_and_nothing_is_written(
    office: Engine, dump: DumpDatabase
) -> None:
    before = dump(office)
    with Session(office) as session, session.begin(), pytest.raises(NotUnderstood) as caught:
        submit(session, "Khdt", "đã nộp báo cáo tháng 11")
    assert caught.value.message("vi").startswith(
        "Không thấy kỳ báo cáo tháng 11/2026 nào mà đơn vị so-khdt phải nộp, nên chưa ghi nhận gì."
    )
    assert caught.value.message("en").startswith(
        "There is no report for 11/2026 that unit so-khdt has to submit"
    )
    assert dump(office) == before


def test_a_unit_that_reports_nothing_is_told_so(office: Engine, dump: DumpDatabase) -> None:
    before = dump(office)
    with Session(office) as session, session.begin(), pytest.raises(NotAllowed) as caught:
        submit(session, "Tc", "đã nộp báo cáo quý 3")
    assert "(so-tc) không phải nộp báo cáo định kỳ nào" in caught.value.message("vi")
    assert dump(office) == before


def test_done_from_chat_closes_the_tasks_open_deadline(office: Engine) -> None:
    with Session(office) as session, session.begin():
        task = session.exec(select(Task).where(Task.key == "III.1.b")).one()
        assert task.due is not None and task.id is not None
        session.add(occurrence(f"task:{task.id}:{task.due}", task.plan_id, task.due, task_id=task.id))
        session.flush()
        file_update(
            session,
            person=person(session, "Khdt"),
            task=task,
            understanding=understand_reply("đã hoàn thành", now_date=TODAY),
            source_message=MESSAGE,
            now=NOW,
            tz=TZ,
            cycles=CYCLES,
        )
        deadline = session.exec(select(Occurrence).where(Occurrence.task_id == task.id)).one()
        assert deadline.state is OccurrenceState.DONE
