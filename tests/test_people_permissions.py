"""Permissions, task lists (`/viec`, `/quahan`) and status updates filed from chat."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot import paths
from bot.channels.events import Attachment, SourceMessage
from bot.db.models import (
    Occurrence,
    OccurrenceKind,
    Person,
    Task,
    TaskStatus,
    TaskUpdate,
    TaskUpdateAttachment,
)
from bot.people import (
    NotAllowed,
    NotUnderstood,
    can_invite,
    can_report,
    can_request_digest,
    can_view,
    create_invite,
    file_update,
    overdue_for,
    tasks_for,
)
from bot.plans.loader import load_workspace
from bot.plans.sync import sync_workspace
from bot.schedules import load_schedule_defaults
from bot.understand import understand_reply
from bot.workcal import WorkCalendar

PLAN_V1 = Path(__file__).parent / "data" / "sync" / "v1"
NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 20)
CALENDAR = WorkCalendar()
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CYCLES = load_schedule_defaults(paths.SCHEDULES_DIR).cycles
DumpDatabase = Callable[[Engine], dict[str, list[tuple[object, ...]]]]
MESSAGE = SourceMessage(channel="telegram", chat_id="1001", message_id="77")


@pytest.fixture
def office(engine: Engine) -> Engine:
    """Kế hoạch 04 (cut down) plus invited people: staff of Sở KH&ĐT and Sở Tài chính, an admin."""
    workspace = load_workspace([PLAN_V1])
    assert workspace.errors == []
    with Session(engine) as session, session.begin():
        sync_workspace(session, workspace, NOW - dt.timedelta(days=30), calendar=CALENDAR)
        for person_name, unit, role in (
            ("Khdt Staff", "so-khdt", "staff"),
            ("Tc Staff", "so-tc", "staff"),
            ("Vp Admin", "vp-ubnd", "admin"),
            ("Ct Head", "so-ct", "head"),
        ):
            create_invite(session, unit_id=unit, role=role, name=person_name, now=NOW, ttl_days=7)
    return engine


def person(session: Session, name: str) -> Person:
    if name in {"nguyen-van-a", "le-anh-tuan"}:
        found = session.get(Person, name)
        assert found is not None
        return found
    return session.exec(select(Person).where(Person.name == name)).one()


def task(session: Session, key: str) -> Task:
    return session.exec(select(Task).where(Task.key == key)).one()


def test_people_report_on_the_tasks_their_unit_leads_or_supports(office: Engine) -> None:
    with Session(office) as session:
        khdt, tc = person(session, "Khdt Staff"), person(session, "Tc Staff")
        chief = person(session, "nguyen-van-a")
        assert can_report(session, khdt, task(session, "III.1.a"))  # supports
        assert can_report(session, khdt, task(session, "III.1.b"))  # leads
        assert not can_report(session, khdt, task(session, "III.2.-1"))
        assert can_report(session, tc, task(session, "III.1.a"))
        assert not can_report(session, tc, task(session, "III.1.b"))
        assert can_report(session, chief, task(session, "III.2.-1"))  # Văn phòng leads it
        assert not can_report(session, chief, task(session, "III.1.b"))


def test_chiefs_see_everything_others_their_units_and_what_they_lead(office: Engine) -> None:
    with Session(office) as session:
        tasks = session.exec(select(Task)).all()
        chief, admin = person(session, "nguyen-van-a"), person(session, "Vp Admin")
        khdt, ct = person(session, "Khdt Staff"), person(session, "Ct Head")
        leader = person(session, "le-anh-tuan")  # of ubnd-tinh, the parent of every department
        assert all(can_view(session, chief, item) for item in tasks)
        assert all(can_view(session, admin, item) for item in tasks)
        assert all(can_view(session, leader, item) for item in tasks)
        assert {item.key for item in tasks if can_view(session, khdt, item)} == {
            "III.1.a",
            "III.1.b",
            "III.1.c",
        }
        assert {item.key for item in tasks if can_view(session, ct, item)} == {"III.1.a"}


def test_digests_go_to_chiefs_admins_and_named_recipients_invites_to_admins(office: Engine) -> None:
    with Session(office) as session:
        chief, admin = person(session, "nguyen-van-a"), person(session, "Vp Admin")
        staff, head = person(session, "Khdt Staff"), person(session, "Ct Head")
        assert [can_request_digest(session, p) for p in (chief, admin, staff, head)] == [
            True,
            True,
            False,
            False,
        ]
        assert [can_invite(session, p) for p in (chief, admin, staff, head)] == [False, True, False, False]


def test_someone_who_left_the_directory_may_do_nothing(office: Engine) -> None:
    with Session(office) as session:
        chief = person(session, "nguyen-van-a")
        chief.archived_at = NOW
        assert not can_view(session, chief, task(session, "III.2.-1"))
        assert not can_report(session, chief, task(session, "III.2.-1"))
        assert not can_request_digest(session, chief)


def test_tasks_for_lists_the_units_tasks_nearest_deadline_first(office: Engine) -> None:
    with Session(office) as session:
        khdt = person(session, "Khdt Staff")
        listed = tasks_for(session, khdt)
        assert {item.task.key for item in listed} == {"III.1.a", "III.1.b", "III.1.c"}
        assert [item.due for item in listed] == sorted(item.task.effective_due for item in listed)
        assert all(item.due == item.task.effective_due for item in listed)
        assert {item.task.key: item.leads for item in listed} == {
            "III.1.a": False,
            "III.1.b": True,
            "III.1.c": True,
        }


def test_done_tasks_leave_the_open_list_and_a_continuous_task_uses_its_next_occurrence(
    office: Engine,
) -> None:
    with Session(office) as session, session.begin():
        khdt, chief = person(session, "Khdt Staff"), person(session, "nguyen-van-a")
        nearest = tasks_for(session, khdt)[0].task
        file_update(
            session,
            person=khdt,
            task=nearest,
            understanding=understand_reply("xong", now_date=TODAY),
            source_message=MESSAGE,
            now=NOW,
            tz=TZ,
            cycles=CYCLES,
        )
        assert nearest.key not in {item.task.key for item in tasks_for(session, khdt)}
        assert nearest.key in {item.task.key for item in tasks_for(session, khdt, open_only=False)}

        continuous = task(session, "III.2.-1")
        assert [item.due for item in tasks_for(session, chief)] == [None]
        session.add(
            Occurrence(
                key=f"task:{continuous.id}:2026-12-14",
                plan_id=continuous.plan_id,
                task_id=continuous.id,
                kind=OccurrenceKind.DEADLINE,
                due=dt.date(2026, 12, 14),
                effective_due=dt.date(2026, 12, 14),
                created_at=NOW,
                updated_at=NOW,
            )
        )
        session.flush()
        assert [item.due for item in tasks_for(session, chief)] == [dt.date(2026, 12, 14)]


def test_overdue_lists_most_overdue_first_with_working_days_late(office: Engine) -> None:
    with Session(office) as session:
        khdt, chief, tc = (
            person(session, "Khdt Staff"),
            person(session, "nguyen-van-a"),
            person(session, "Tc Staff"),
        )
        late = overdue_for(session, khdt, today=TODAY, calendar=CALENDAR)
        assert [item.task.key for item in late] == [item.task.key for item in tasks_for(session, khdt)]
        for item in late:
            assert item.due == item.task.effective_due
            assert item.working_days_late == CALENDAR.working_days_between(item.due, TODAY) > 0
        # The chief follows every unit's overdue tasks; Sở Tài chính only the one it supports.
        assert {item.task.key for item in overdue_for(session, chief, today=TODAY, calendar=CALENDAR)} == {
            "III.1.a",
            "III.1.b",
            "III.1.c",
        }
        assert [item.task.key for item in overdue_for(session, tc, today=TODAY, calendar=CALENDAR)] == [
            "III.1.a"
        ]
        nothing_late_yet = overdue_for(session, khdt, today=dt.date(2017, 1, 10), calendar=CALENDAR)
        assert nothing_late_yet == []


def test_a_status_update_from_chat_is_appended_with_its_evidence(office: Engine) -> None:
    files = (
        Attachment(kind="photo", file_id="AgACAgUAAx0"),
        Attachment("document", "BQACAgUAAx", "bao-cao.pdf"),
    )
    with Session(office) as session, session.begin():
        khdt, tc = person(session, "Khdt Staff"), person(session, "Tc Staff")
        target = task(session, "III.1.a")
        first = file_update(
            session,
            person=khdt,
            task=target,
            understanding=understand_reply(
                "Đang làm 60%, vướng mắc: chờ số liệu Sở Tài chính", now_date=TODAY
            ),
            source_message=MESSAGE,
            attachments=files,
            now=NOW,
            tz=TZ,
            cycles=CYCLES,
        )
        assert first.previous is None
        second = file_update(
            session,
            person=tc,
            task=target,
            understanding=understand_reply("dang lam 70%", now_date=TODAY),
            source_message=SourceMessage("zalo", "z-9", "m-1"),
            now=NOW + dt.timedelta(hours=1),
            tz=TZ,
            cycles=CYCLES,
        )
        assert second.previous is not None and second.previous.id == first.update.id
        history = session.exec(
            select(TaskUpdate).where(TaskUpdate.task_id == target.id).order_by(col(TaskUpdate.at))
        ).all()
        assert [(row.status, row.percent, row.author_person_id, row.source) for row in history] == [
            (TaskStatus.BLOCKED, 60, khdt.id, "telegram"),
            (TaskStatus.IN_PROGRESS, 70, tc.id, "zalo"),
        ]
        assert (target.status, target.status_percent) == (TaskStatus.IN_PROGRESS, 70)
        assert history[0].note == "chờ số liệu Sở Tài chính"
        assert [row.source_ref for row in history] == ["telegram:1001:77", "zalo:z-9:m-1"]
        evidence = session.exec(select(TaskUpdateAttachment).order_by(col(TaskUpdateAttachment.id))).all()
        assert [(row.update_id, row.channel, row.kind, row.file_id, row.file_name) for row in evidence] == [
            (history[0].id, "telegram", "photo", "AgACAgUAAx0", None),
            (history[0].id, "telegram", "document", "BQACAgUAAx", "bao-cao.pdf"),
        ]


@pytest.mark.parametrize("text", ["ok", "hôm nay trời đẹp", "x" * 3000, "chưa xong"])
def test_a_message_that_says_no_status_changes_no_task(office: Engine, dump: DumpDatabase, text: str) -> None:
    before = dump(office)
    with Session(office) as session, session.begin(), pytest.raises(NotUnderstood) as caught:
        file_update(
            session,
            person=person(session, "Khdt Staff"),
            task=task(session, "III.1.b"),
            understanding=understand_reply(text, now_date=TODAY),
            source_message=MESSAGE,
            now=NOW,
            tz=TZ,
            cycles=CYCLES,
        )
    assert caught.value.message("vi").startswith("Chưa ghi nhận gì cho nhiệm vụ III.1.b: ")
    assert dump(office) == before


def test_an_update_on_another_units_task_is_refused_and_changes_nothing(
    office: Engine, dump: DumpDatabase
) -> None:
    before = dump(office)
    with Session(office) as session, session.begin(), pytest.raises(NotAllowed) as caught:
        file_update(
            session,
            person=person(session, "Tc Staff"),
            task=task(session, "III.1.b"),
            understanding=understand_reply("xong", now_date=TODAY),
            source_message=MESSAGE,
            now=NOW,
            tz=TZ,
            cycles=CYCLES,
        )
    assert caught.value.message("en").startswith(
        "You cannot update task III.1.b «Rà soát quy hoạch các khu, cụm công nghiệp»: your unit (so-tc) "
        "neither leads nor supports it."
    )
    assert dump(office) == before
