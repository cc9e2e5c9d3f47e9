"""A sync with nothing new does almost nothing: unchanged plan files are not read
(`bot.plans.unchanged`) and a full reminder pass with the same inputs on the same day is skipped
(`bot.reminders.marks`). What the user sees must be exactly what a full compare would say."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot import paths
from bot.db.models import (
    ChatBinding,
    Invite,
    Occurrence,
    OutboxMessage,
    Plan,
    ReportSubmission,
    Task,
    TaskStatus,
    Unit,
)
from bot.db.updates import record_update
from bot.plans import unchanged as unchanged_module
from bot.plans.loader import load_workspace, workspace_files
from bot.plans.sync import SyncReport, sync_workspace
from bot.plans.unchanged import Unchanged, find_unchanged, read_stored
from bot.reminders import marks
from bot.reminders.materialize import MaterializeReport, materialize
from bot.schedules import load_schedule_defaults
from bot.workcal import WorkCalendar

SYNC_DATA = Path(__file__).parent / "data" / "sync"
REMINDER_PLANS = Path(__file__).parent / "data" / "reminders" / "plans"
NHACVIEC = Path(sys.executable).with_name("nhacviec")
CALENDAR = WorkCalendar()
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULTS = load_schedule_defaults(paths.SCHEDULES_DIR)
T1 = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)
T2 = dt.datetime(2026, 11, 9, 1, 0, tzinfo=dt.UTC)
PLAN = "kh-04-2017"
DumpDatabase = Callable[[Engine], dict[str, list[tuple[object, ...]]]]


def sync(
    engine: Engine, plans: Path, now: dt.datetime, calendar: WorkCalendar = CALENDAR
) -> tuple[SyncReport, Unchanged, list[str]]:
    """What `nhacviec plans sync` does with the files: returns the report, what was found unchanged
    and the plan ids the loader read."""
    with engine.connect() as connection:
        stored = read_stored(connection)
    found = find_unchanged(workspace_files([plans]), calendar, stored)
    workspace = load_workspace([plans], skip=found.skip)
    assert workspace.errors == []
    with Session(engine) as session, session.begin():
        report = sync_workspace(
            session,
            workspace,
            now,
            calendar=calendar,
            archive_missing_plans=True,
            fingerprints=found.fingerprints,
        )
    return report, found, sorted(workspace.plans)


def counts(report: SyncReport) -> list[tuple[int, int, int, int, int]]:
    return [(c.added, c.updated, c.archived, c.restored, c.unchanged) for c in report.sections()]


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    folder = tmp_path / "plans"
    shutil.copytree(SYNC_DATA / "v1", folder)
    shutil.copy(SYNC_DATA / "extra" / "kh-99-2017.yaml", folder)
    return folder


def test_a_second_sync_reads_no_file_and_reports_what_a_full_compare_reports(
    engine: Engine, plans: Path, dump: DumpDatabase
) -> None:
    sync(engine, plans, T1)
    before = dump(engine)

    report, found, read = sync(engine, plans, T2)

    assert read == []  # neither plan file was read
    assert {path.name for path in found.skip} == {f"{PLAN}.yaml", "kh-99-2017.yaml"}
    assert not report.changed
    with Session(engine) as session:
        tasks = session.exec(select(sa.func.count()).select_from(Task)).one()
    assert report.plans.unchanged == 2 and report.tasks.unchanged == tasks
    assert dump(engine) == before  # not even updated_at moved


def test_an_edited_file_is_read_and_the_others_are_not(engine: Engine, plans: Path) -> None:
    first, _, _ = sync(engine, plans, T1)
    shutil.copy(SYNC_DATA / "v2" / f"{PLAN}.yaml", plans / f"{PLAN}.yaml")

    report, found, read = sync(engine, plans, T2)

    assert read == [PLAN]
    assert {path.name for path in found.skip} == {"kh-99-2017.yaml"}
    # v2: III.1.a retitled, III.1.c moved, III.2.-1 got a supporting unit, III.1.b removed.
    assert (report.tasks.updated, report.tasks.archived) == (3, 1)
    assert report.tasks.unchanged == first.tasks.added - 4  # the other plan's tasks, counted
    with Session(engine) as session:
        retitled = session.exec(select(Task).where(Task.plan_id == PLAN, Task.key == "III.1.a")).one()
    assert retitled.updated_at == T2


def test_a_skipped_file_gives_the_same_summary_as_reading_it(
    engine: Engine, plans: Path, tmp_path: Path
) -> None:
    sync(engine, plans, T1)
    skipped, _, _ = sync(engine, plans, T2)

    # The same second sync with nothing stored to skip by: every file read and compared.
    with Session(engine) as session, session.begin():
        session.execute(sa.update(Plan).values(fingerprint=None))
    compared, found, read = sync(engine, plans, T2)

    assert read == [PLAN, "kh-99-2017"] and not found.skip
    assert counts(skipped) == counts(compared)


def test_a_changed_directory_or_calendar_makes_every_file_read(engine: Engine, plans: Path) -> None:
    sync(engine, plans, T1)

    holiday = WorkCalendar(extra_days_off={dt.date(2017, 6, 30): "Nghỉ bù"})
    _, found, read = sync(engine, plans, T2, calendar=holiday)
    assert read == [PLAN, "kh-99-2017"] and not found.skip
    _, found, read = sync(engine, plans, T2, calendar=holiday)
    assert read == [] and len(found.skip) == 2

    directory = plans / "directory" / "thanhhoa.yaml"
    directory.write_text(directory.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    _, found, read = sync(engine, plans, T2, calendar=holiday)
    assert read == [PLAN, "kh-99-2017"] and not found.skip


def test_new_code_makes_every_file_read(engine: Engine, plans: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sync(engine, plans, T1)
    monkeypatch.setattr(unchanged_module, "code_fingerprint", lambda *packages: "a newer parser")
    _, found, read = sync(engine, plans, T2)
    assert read == [PLAN, "kh-99-2017"] and not found.skip


def test_an_archived_plan_whose_file_comes_back_is_read_and_restored(engine: Engine, plans: Path) -> None:
    sync(engine, plans, T1)
    extra = plans / "kh-99-2017.yaml"
    kept = extra.read_bytes()
    extra.unlink()
    gone, _, _ = sync(engine, plans, T2)
    assert gone.plans.archived == 1

    extra.write_bytes(kept)  # the same bytes as when it was last synced
    back, _, read = sync(engine, plans, T2)
    assert read == ["kh-99-2017"] and back.plans.restored == 1


def test_the_warning_count_of_a_skipped_file_is_kept(engine: Engine, plans: Path) -> None:
    extra = plans / "kh-99-2017.yaml"
    extra.write_text(
        extra.read_text(encoding="utf-8") + '  - id: "2"\n    title: Việc chưa giao cho ai\n',
        encoding="utf-8",
    )
    workspace = load_workspace([plans])
    expected = len(workspace.warnings)
    assert expected > 0  # task 2 has no lead unit
    sync(engine, plans, T1)
    _, found, read = sync(engine, plans, T2)
    assert read == [] and found.warnings == expected


# The reminder pass -------------------------------------------------------------------------------


def local(year: int, month: int, day: int, hour: int = 8) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=TZ)


NOW = local(2026, 6, 1)


def run(engine: Engine, now: dt.datetime, *, unless_current: bool = True) -> MaterializeReport:
    with Session(engine) as session, session.begin():
        return materialize(
            session,
            now,
            calendar=CALENDAR,
            defaults=DEFAULTS,
            tz=TZ,
            horizon_months=13,
            unless_current=unless_current,
        )


def inputs(engine: Engine, now: dt.datetime, horizon_months: int = 13) -> str:
    with Session(engine) as session:
        return marks.inputs(
            session, now, calendar=CALENDAR, defaults=DEFAULTS, tz=TZ, horizon_months=horizon_months
        )


@pytest.fixture
def planned(engine: Engine) -> Engine:
    """The reminders fixture plan synced, two people registered, one full pass made."""
    workspace = load_workspace([REMINDER_PLANS])
    with Session(engine) as session, session.begin():
        sync_workspace(session, workspace, NOW, calendar=CALENDAR)
        for person in ("gd-a", "chanh-vp"):
            session.add(ChatBinding(person_id=person, channel="zalo", chat_id=person, bound_at=NOW))
    assert run(engine, NOW).reminders_added > 0
    return engine


def drop_one_pending_reminder(engine: Engine) -> str:
    """Delete a reminder in the middle of the outbox (not the last id): only a pass that really
    runs puts it back, so whether it comes back tells whether the pass ran."""
    with Session(engine) as session, session.begin():
        rows = session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all()
        victim = rows[len(rows) // 2]
        key = victim.idempotency_key
        session.delete(victim)
    return key


def reminder_exists(engine: Engine, key: str) -> bool:
    with Session(engine) as session:
        return (
            session.exec(select(OutboxMessage).where(OutboxMessage.idempotency_key == key)).first()
            is not None
        )


def test_a_pass_with_the_same_inputs_on_the_same_day_is_skipped(planned: Engine) -> None:
    key = drop_one_pending_reminder(planned)
    assert run(planned, NOW + dt.timedelta(hours=3)) == MaterializeReport()
    assert not reminder_exists(planned, key)  # skipped: nothing was written

    assert run(planned, NOW + dt.timedelta(hours=3), unless_current=False).reminders_added == 1
    assert reminder_exists(planned, key)


def test_the_next_day_or_a_clock_set_back_runs_the_pass(planned: Engine) -> None:
    key = drop_one_pending_reminder(planned)
    run(planned, NOW - dt.timedelta(hours=1))  # earlier than the last pass, the same day
    assert reminder_exists(planned, key)

    key = drop_one_pending_reminder(planned)
    run(planned, NOW + dt.timedelta(days=1))
    assert reminder_exists(planned, key)


def test_every_input_of_the_pass_changes_its_digest(planned: Engine) -> None:
    base = inputs(planned, NOW)
    assert inputs(planned, NOW + dt.timedelta(hours=5)) == base  # the same day
    assert inputs(planned, local(2026, 6, 2)) != base
    assert inputs(planned, NOW, horizon_months=12) != base

    def changed(change: Callable[[Session], None]) -> bool:
        with Session(planned) as session, session.begin():
            change(session)
        return inputs(planned, NOW) != base

    def register(session: Session) -> None:
        session.add(ChatBinding(person_id="gd-b", channel="zalo", chat_id="gd-b", bound_at=NOW))

    def block(session: Session) -> None:
        binding = session.exec(select(ChatBinding).where(ChatBinding.person_id == "gd-b")).one()
        binding.blocked_at = NOW

    def report_done(session: Session) -> None:
        task = session.exec(select(Task).order_by(col(Task.id))).first()
        assert task is not None
        record_update(session, task, TaskStatus.DONE, at=NOW, source="zalo")

    def unit_policy(session: Session) -> None:
        unit = session.exec(select(Unit).order_by(col(Unit.id))).first()
        assert unit is not None
        unit.reminders, unit.updated_at = {"before": [5]}, NOW + dt.timedelta(seconds=1)

    def submit(session: Session) -> None:
        period = session.exec(select(Occurrence).where(col(Occurrence.reporting_id).is_not(None))).first()
        unit = session.exec(select(Unit).order_by(col(Unit.id))).first()
        assert period is not None and period.id is not None and unit is not None
        session.add(
            ReportSubmission(
                occurrence_id=period.id, unit_id=unit.id, submitted_at=NOW, on_time=True, source="zalo"
            )
        )

    def invite_used(session: Session) -> None:
        session.add(
            Invite(
                code_hash="x",
                person_id="gd-b",
                created_at=NOW,
                expires_at=NOW + dt.timedelta(days=7),
                used_at=NOW,
            )
        )

    for change in (register, block, report_done, unit_policy, submit, invite_used):
        assert changed(change), change.__name__
        base = inputs(planned, NOW)


@pytest.mark.slow
def test_the_command_skips_everything_the_second_time_and_still_picks_up_a_registration(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "plans"
    shutil.copytree(REMINDER_PLANS, folder)
    database = tmp_path / "nhacviec.db"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "PLANS_DIR": str(folder),
        "NHACVIEC_LANGUAGE": "vi",
    }
    env.pop("SCHEDULES_DIR", None)

    def plans_sync() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(NHACVIEC), "plans", "sync"],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )

    first = plans_sync()
    assert first.returncode == 0, first.stderr
    assert "Lịch nhắc:" in first.stdout
    again = plans_sync()
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[-1] == "Không có gì thay đổi."
    assert again.stderr == first.stderr  # the same warning line, counted from the stored numbers

    engine = sa.create_engine(f"sqlite:///{database}")
    with engine.begin() as connection:
        connection.execute(
            sa.insert(ChatBinding.__table__).values(  # type: ignore[attr-defined]
                person_id="gd-a", channel="zalo", chat_id="gd-a", bound_at=dt.datetime.now(dt.UTC)
            )
        )
    engine.dispose()
    picked = plans_sync()
    assert picked.returncode == 0, picked.stderr
    assert "Không có gì thay đổi." in picked.stdout and "tin nhắc mới" in picked.stdout
    assert "0 tin nhắc mới" not in picked.stdout
