"""`plans sync`: YAML plans into the database, on SQLite and PostgreSQL.

`tests/data/sync/v1` is a cut-down Kế hoạch 04/KH-UBND (Thanh Hóa, 2017); `v2` is the same plan
edited (III.1.a retitled, III.1.c's due date moved, III.1.b removed, a supporting unit added to
III.2.-1); `broken` is v2 with a lead unit that is not in the directory.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.db.engine import make_engine
from bot.db.models import (
    Person,
    Plan,
    ReportingObligation,
    ReportingUnit,
    Target,
    Task,
    TaskStatus,
    TaskSupportUnit,
    TaskUpdate,
    Unit,
)
from bot.db.updates import record_update
from bot.deadlines.model import Freq, Kind
from bot.plans import model
from bot.plans.loader import load_workspace
from bot.plans.sync import Counts, SyncError, SyncReport, sync_workspace
from bot.workcal import WorkCalendar

SYNC_DATA = Path(__file__).parent / "data" / "sync"
NHACVIEC = Path(sys.executable).with_name("nhacviec")
CALENDAR = WorkCalendar()  # statutory holidays only: no dependence on schedules/holidays.yaml
T1 = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)
T2 = dt.datetime(2026, 11, 9, 1, 0, tzinfo=dt.UTC)
T3 = dt.datetime(2026, 11, 16, 1, 0, tzinfo=dt.UTC)
PLAN = "kh-04-2017"
DumpDatabase = Callable[[Engine], dict[str, list[tuple[object, ...]]]]


def sync(
    engine: Engine, *paths: Path, now: dt.datetime, full: bool = False, directory: Path | None = None
) -> SyncReport:
    workspace = load_workspace(list(paths), directory_dir=directory)
    assert workspace.errors == []
    with Session(engine) as session, session.begin():
        return sync_workspace(session, workspace, now, calendar=CALENDAR, archive_missing_plans=full)


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    """A plans folder holding v1; `edit(plans, version)` puts another version of the plan in it."""
    folder = tmp_path / "plans"
    shutil.copytree(SYNC_DATA / "v1", folder)
    return folder


def edit(plans: Path, version: str) -> None:
    shutil.copy(SYNC_DATA / version / f"{PLAN}.yaml", plans / f"{PLAN}.yaml")


def tasks(engine: Engine) -> dict[str, Task]:
    with Session(engine) as session:
        rows = session.exec(select(Task).where(Task.plan_id == PLAN)).all()
        session.expunge_all()
    return {row.key: row for row in rows}


def task_support(engine: Engine) -> set[tuple[int, str]]:
    with Session(engine) as session:
        return {(row.task_id, row.unit_id) for row in session.exec(select(TaskSupportUnit))}


def reporting_units(engine: Engine) -> set[tuple[int, str]]:
    with Session(engine) as session:
        return {(row.reporting_id, row.unit_id) for row in session.exec(select(ReportingUnit))}


def counts(part: Counts) -> tuple[int, int, int, int, int]:
    return (part.added, part.updated, part.archived, part.restored, part.unchanged)


def test_first_sync_stores_the_plan_as_written_and_as_understood(engine: Engine) -> None:
    report = sync(engine, SYNC_DATA / "v1", now=T1)

    assert counts(report.plans) == (1, 0, 0, 0, 0)
    assert counts(report.tasks) == (4, 0, 0, 0, 0)
    assert counts(report.targets) == (1, 0, 0, 0, 0)
    assert counts(report.reporting) == (1, 0, 0, 0, 0)
    assert counts(report.units) == (5, 0, 0, 0, 0)
    assert counts(report.people) == (2, 0, 0, 0, 0)

    rows = tasks(engine)
    industry = rows["III.1.a"]
    assert industry.title == "Xây dựng Đề án tái cơ cấu ngành công nghiệp"
    assert industry.lead_unit_id == "so-ct"
    assert industry.leader_person_id == "le-anh-tuan" and industry.leader_text is None
    assert (industry.deadline_kind, industry.due) == (Kind.ONCE, dt.date(2017, 6, 30))  # quý II/2017
    assert industry.effective_due == industry.due  # a Friday
    assert industry.status is TaskStatus.NOT_STARTED
    assert industry.created_at == industry.updated_at == T1 and industry.archived_at is None
    assert {unit for task_id, unit in task_support(engine) if task_id == industry.id} == {"so-khdt", "so-tc"}

    review = rows["III.1.b"]
    assert review.leader_person_id is None
    assert review.leader_text == "Phó Chủ tịch UBND tỉnh phụ trách khối"
    assert review.due == dt.date(2017, 6, 29)  # «trước ngày 30/6/2017»: the day before

    # An explicit due wins over the timing phrase; on a day off the effective deadline moves on.
    report_due = rows["III.1.c"]
    assert report_due.timing == "tháng 4/2017" and report_due.due_explicit == dt.date(2017, 4, 29)
    assert report_due.due == dt.date(2017, 4, 29)
    assert report_due.effective_due is not None and report_due.effective_due > report_due.due
    assert CALENDAR.is_working_day(report_due.effective_due)
    day = report_due.due
    while day < report_due.effective_due:
        assert not CALENDAR.is_working_day(day)
        day += dt.timedelta(days=1)

    ongoing = rows["III.2.-1"]
    assert (ongoing.deadline_kind, ongoing.due, ongoing.effective_due) == (Kind.CONTINUOUS, None, None)

    with Session(engine) as session:
        reporting = session.exec(select(ReportingObligation)).one()
        assert reporting.to_unit_id == "so-khdt"
        assert reporting.deadline_kind is Kind.RECURRING and reporting.recurrence_freq is Freq.MONTHLY
        assert reporting.recurrence_day == 14  # «trước ngày 15 hàng tháng»
        assert {unit for _, unit in reporting_units(engine)} == {"so-ct", "so-khdt"}
        target = session.exec(select(Target)).one()
        assert (target.horizon, target.horizon_due) == ("Đến năm 2020", dt.date(2020, 12, 31))
        plan = session.get(Plan, PLAN)
        assert plan is not None and plan.monitor_unit_id == "vp-ubnd" and plan.issued == dt.date(2017, 1, 10)
        units = {unit.id: unit for unit in session.exec(select(Unit))}
        assert units["vp-ubnd"].parent_id == "ubnd-tinh"
        assert units["so-ct"].reminders == {"send_at": "07:30:00"}
        assert session.get(Person, "nguyen-van-a") is not None


def test_a_second_identical_sync_changes_no_row(engine: Engine, dump: DumpDatabase) -> None:
    sync(engine, SYNC_DATA / "v1", now=T1)
    before = dump(engine)
    report = sync(engine, SYNC_DATA / "v1", now=T2)
    assert not report.changed
    assert counts(report.tasks) == (0, 0, 0, 0, 4)
    assert counts(report.units) == (0, 0, 0, 0, 5)
    assert dump(engine) == before  # updated_at included: nothing was rewritten


def test_editing_a_plan_updates_tasks_archives_removed_ones_and_keeps_history(
    engine: Engine, plans: Path
) -> None:
    sync(engine, plans, now=T1)
    first = tasks(engine)
    with Session(engine) as session, session.begin():
        industry, review = session.get(Task, first["III.1.a"].id), session.get(Task, first["III.1.b"].id)
        assert industry is not None and review is not None
        record_update(
            session,
            industry,
            TaskStatus.IN_PROGRESS,
            at=T1,
            source="telegram",
            percent=40,
            author_person_id="nguyen-van-a",
            note="Đã có dự thảo",
        )
        record_update(session, review, TaskStatus.BLOCKED, at=T1, source="zalo", note="Chờ số liệu")

    edit(plans, "v2")
    report = sync(engine, plans, now=T2)

    assert counts(report.tasks) == (0, 3, 1, 0, 0)
    assert counts(report.plans) == (0, 0, 0, 0, 1)
    second = tasks(engine)
    assert {key: row.id for key, row in second.items()} == {key: row.id for key, row in first.items()}
    industry_row = second["III.1.a"]
    assert industry_row.title == "Xây dựng và trình Đề án tái cơ cấu ngành công nghiệp"
    assert industry_row.updated_at == T2 and industry_row.created_at == T1
    assert (industry_row.status, industry_row.status_percent) == (TaskStatus.IN_PROGRESS, 40)
    assert second["III.1.c"].due == dt.date(2017, 5, 20)
    assert second["III.1.c"].effective_due == CALENDAR.effective_deadline(dt.date(2017, 5, 20))
    assert second["III.2.-1"].updated_at == T2  # only its supporting units changed
    assert second["III.1.b"].archived_at == T2  # removed from YAML: archived, not deleted
    assert second["III.1.b"].status is TaskStatus.BLOCKED
    with Session(engine) as session:
        history = session.exec(select(TaskUpdate).order_by(col(TaskUpdate.task_id))).all()
        assert [(update.task_id, update.status, update.note) for update in history] == [
            (first["III.1.a"].id, TaskStatus.IN_PROGRESS, "Đã có dự thảo"),
            (first["III.1.b"].id, TaskStatus.BLOCKED, "Chờ số liệu"),
        ]

    # The task comes back in the YAML: the same row, un-archived, its history intact.
    edit(plans, "v1")
    report = sync(engine, plans, now=T3)
    assert counts(report.tasks) == (0, 3, 0, 1, 0)
    third = tasks(engine)
    assert third["III.1.b"].id == first["III.1.b"].id
    assert third["III.1.b"].archived_at is None and third["III.1.b"].status is TaskStatus.BLOCKED
    assert third["III.1.a"].title == "Xây dựng Đề án tái cơ cấu ngành công nghiệp"


def test_a_full_sync_archives_plans_whose_file_is_gone(engine: Engine) -> None:
    directory = SYNC_DATA / "v1" / "directory"
    extra = SYNC_DATA / "extra" / "kh-99-2017.yaml"
    sync(engine, SYNC_DATA / "v1", extra, now=T1, full=True, directory=directory)

    report = sync(engine, SYNC_DATA / "v1", now=T2, full=False)
    assert counts(report.plans) == (0, 0, 0, 0, 1)  # syncing some files leaves the others alone

    report = sync(engine, SYNC_DATA / "v1", now=T3, full=True)
    assert counts(report.plans) == (0, 0, 1, 0, 1)
    assert report.tasks.archived == 1
    with Session(engine) as session:
        gone = session.get(Plan, "kh-99-2017")
        assert gone is not None and gone.archived_at == T3
        archived = {task.plan_id: task.archived_at for task in session.exec(select(Task))}
        assert archived == {"kh-99-2017": T3, PLAN: None}


def test_units_and_people_left_out_of_the_directory_are_archived(engine: Engine, plans: Path) -> None:
    sync(engine, plans, now=T1)
    finance = "  - id: so-tc\n    name: Sở Tài chính\n    parent: ubnd-tinh\n"
    for path, old, new in (
        (plans / "directory" / "thanhhoa.yaml", finance, ""),
        (plans / f"{PLAN}.yaml", ", Sở Tài chính]", "]"),
    ):
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")

    report = sync(engine, plans, now=T2)

    assert counts(report.units) == (0, 0, 1, 0, 4)
    with Session(engine) as session:
        unit = session.get(Unit, "so-tc")
        assert unit is not None and unit.archived_at == T2
    assert "so-tc" not in {unit for _, unit in task_support(engine)}


@dataclass
class FakeLoaded:
    id: str
    path: Path
    plan: model.Plan


@dataclass
class BuiltWorkspace:
    """A workspace built by hand, to feed the sync what the loader would have refused."""

    directory: model.Directory
    plans: dict[str, FakeLoaded]
    errors: Sequence[object] = field(default_factory=list)


def test_dangling_references_are_refused_with_a_message(engine: Engine, dump: DumpDatabase) -> None:
    directory = model.Directory(units=[model.Unit(id="so-ct", name="Sở Công Thương")])
    plan = model.Plan(
        issuer="UBND tỉnh",
        number="1/KH",
        issued=dt.date(2017, 1, 10),
        title="Kế hoạch",
        tasks=[model.Task(id="1", title="Việc", lead="so-xd")],
        digest_to=["ai-do"],
    )
    workspace = BuiltWorkspace(directory, {"kh": FakeLoaded("kh", Path("plans/kh.yaml"), plan)})
    before = dump(engine)
    for lang, unit_text, person_text in (
        (
            "vi",
            "tasks[1].lead chỉ đến đơn vị «so-xd» không có trong danh bạ",
            "digest_to[1] chỉ đến người «ai-do»",
        ),
        (
            "en",
            "tasks[1].lead names the unit «so-xd», which is not in the directory",
            "digest_to[1] names the person «ai-do»",
        ),
    ):
        with pytest.raises(SyncError) as caught, Session(engine) as session, session.begin():
            sync_workspace(session, workspace, T1, calendar=CALENDAR, lang=lang)
        assert any(unit_text in message for message in caught.value.messages)
        assert any(person_text in message for message in caught.value.messages)
    assert dump(engine) == before


def test_a_workspace_with_errors_is_never_synced(engine: Engine, dump: DumpDatabase) -> None:
    workspace = load_workspace([SYNC_DATA / "broken"])
    assert workspace.errors
    before = dump(engine)
    with pytest.raises(ValueError), Session(engine) as session, session.begin():
        sync_workspace(session, workspace, T1, calendar=CALENDAR)
    assert dump(engine) == before


# The real command, in a subprocess ----------------------------------------------------------


def run_sync(
    plans: Path, database_url: str, *args: str, schedules: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "PLANS_DIR": str(plans), "NHACVIEC_LANGUAGE": "vi"}
    env.pop("SCHEDULES_DIR", None)
    if schedules is not None:
        env["SCHEDULES_DIR"] = str(schedules)
    return subprocess.run(
        [str(NHACVIEC), "plans", "sync", *args],
        env=env,
        cwd=plans.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_cli_sync_with_an_error_changes_nothing_and_exits_1(
    database_url: str, plans: Path, dump: DumpDatabase
) -> None:
    first = run_sync(plans, database_url)  # a fresh database: the command migrates it itself
    assert first.returncode == 0, first.stderr
    assert "Nhiệm vụ: 4 thêm mới, 0 cập nhật, 0 lưu trữ, 0 khôi phục, 0 không đổi." in first.stdout

    edit(plans, "broken")
    engine = make_engine(database_url)
    before = dump(engine)
    broken = run_sync(plans, database_url)
    assert broken.returncode == 1
    assert f"{PLAN}.yaml:11:5: tasks[1].lead" in broken.stderr
    assert "Không đồng bộ: có 2 lỗi" in broken.stderr and "Cơ sở dữ liệu giữ nguyên" in broken.stderr
    assert dump(engine) == before
    engine.dispose()

    edit(plans, "v1")
    again = run_sync(plans, database_url, "--lang", "en")
    assert again.returncode == 0, again.stderr
    assert "Nothing changed." in again.stdout


@pytest.mark.slow
def test_cli_sync_with_an_error_does_not_even_create_the_database(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    shutil.copytree(SYNC_DATA / "broken", plans)
    database = tmp_path / "nhacviec.db"
    result = run_sync(plans, f"sqlite:///{database}", "--lang", "en")
    assert result.returncode == 1
    assert "Not synced: 2 errors in the plans or the directory. The database is unchanged." in result.stderr
    assert not database.exists()


@pytest.mark.slow
def test_cli_sync_of_one_file_reports_in_english(database_url: str, plans: Path) -> None:
    result = run_sync(plans, database_url, str(plans / f"{PLAN}.yaml"), "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert "Plans: 1 added, 0 updated, 0 archived, 0 restored, 0 unchanged." in result.stdout
    assert "Tasks: 4 added" in result.stdout and "People: 2 added" in result.stdout


@pytest.mark.slow
def test_cli_sync_of_an_empty_folder_is_an_error(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    shutil.copytree(SYNC_DATA / "v1" / "directory", plans / "directory")
    result = run_sync(plans, f"sqlite:///{tmp_path / 'nhacviec.db'}")
    assert result.returncode == 1
    assert "Không tìm thấy kế hoạch nào" in result.stderr


@pytest.mark.slow
def test_cli_sync_with_a_broken_holiday_file_changes_nothing(tmp_path: Path, plans: Path) -> None:
    schedules = tmp_path / "schedules"
    schedules.mkdir()
    (schedules / "holidays.yaml").write_text(
        "2026:\n  days_off:\n    - date: 2026-02-30\n      reason: x\n", encoding="utf-8"
    )
    database = tmp_path / "nhacviec.db"
    result = run_sync(plans, f"sqlite:///{database}", schedules=schedules)
    assert result.returncode == 1
    assert "holidays.yaml, dòng 3" in result.stderr and "«2026-02-30» không phải ngày hợp lệ" in result.stderr
    assert "Traceback" not in result.stderr
    assert not database.exists()
