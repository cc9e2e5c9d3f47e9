"""`nhacviec schedule` (and the rescheduling done by `nhacviec plans sync`).

`schedule` runs in-process (`tests/cli_support.py`: the environment, folder and caches of a fresh
process, without its two seconds of imports); `plans sync` rescheduling a moved deadline runs as
real subprocesses, one after another on one database, as a user runs them."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from bot.db.engine import make_engine
from bot.db.models import ChatBinding, Occurrence, OccurrenceState, OutboxMessage, OutboxState, Task
from tests.cli_support import CliResult, run_nhacviec

pytestmark = pytest.mark.slow

NHACVIEC = Path(sys.executable).with_name("nhacviec")
PLANS = Path(__file__).parent / "data" / "reminders" / "plans"
PLAN = "kh-nhac-2026"
REQUIRED = ("plan", "task", "due", "effective_due", "kind", "recipient", "send_at")


def environment(database: Path, plans: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "PLANS_DIR": str(plans),
        "NHACVIEC_LANGUAGE": "vi",
        "TIMEZONE": "Asia/Ho_Chi_Minh",
        "COLUMNS": "300",
    }
    env.pop("SCHEDULES_DIR", None)
    return env


def nhacviec(database: Path, plans: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`nhacviec ARGS` as a real process."""
    return subprocess.run(
        [str(NHACVIEC), *args],
        env=environment(database, plans),
        cwd=plans.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def run(database: Path, plans: Path, *args: str) -> CliResult:
    """`nhacviec ARGS` in-process, seeing what the process of `nhacviec()` would see."""
    return run_nhacviec(*args, env=environment(database, plans), cwd=plans.parent)


@pytest.fixture(scope="module")
def synced_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file holding the fixture plan, loaded by `plans sync` (in-process) once for the file."""
    folder = tmp_path_factory.mktemp("synced")
    plans = folder / "plans"
    shutil.copytree(PLANS, plans)
    result = run(folder / "nhacviec.db", plans, "plans", "sync")
    assert result.returncode == 0, result.stderr
    assert "Lịch nhắc:" in result.stdout
    return folder


@pytest.fixture
def synced(synced_once: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A copy of that database and its plans for one test."""
    shutil.copytree(synced_once, tmp_path, dirs_exist_ok=True)
    return tmp_path / "nhacviec.db", tmp_path / "plans"


def lines(result: CliResult) -> list[dict[str, object]]:
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def bind(database: Path, *people: str) -> None:
    engine = make_engine(f"sqlite:///{database}")
    with Session(engine) as session, session.begin():
        for number, person in enumerate(people):
            session.add(
                ChatBinding(
                    person_id=person,
                    channel="zalo",
                    chat_id=str(number),
                    bound_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC),
                )
            )
    engine.dispose()


def test_json_preview_of_three_days(synced: tuple[Path, Path]) -> None:
    database, plans = synced
    before = database.read_bytes()

    rows = lines(
        run(database, plans, "schedule", "--json", "--as-of", "2026-06-15", "--days", "3", "--plan", PLAN)
    )

    assert [{key: row[key] for key in REQUIRED} for row in rows] == [
        # The 14th (the plan's monthly report day) is a Sunday: due on Monday 15/06.
        {
            "plan": PLAN,
            "task": "2",
            "due": "2026-06-14",
            "effective_due": "2026-06-15",
            "kind": "progress",
            "recipient": "so-a",
            "send_at": "2026-06-15T08:00:00+07:00",
        },
        {
            "plan": PLAN,
            "task": "G1",
            "due": "2026-06-14",
            "effective_due": "2026-06-15",
            "kind": "progress",
            "recipient": "so-a",
            "send_at": "2026-06-15T08:00:00+07:00",
        },
        {
            "plan": PLAN,
            "task": "R1",
            "due": "2026-06-14",
            "effective_due": "2026-06-15",
            "kind": "due",
            "recipient": "so-a",
            "send_at": "2026-06-15T08:00:00+07:00",
        },
        {
            "plan": PLAN,
            "task": "R1",
            "due": "2026-06-14",
            "effective_due": "2026-06-15",
            "kind": "due",
            "recipient": "so-b",
            "send_at": "2026-06-15T08:00:00+07:00",
        },
        # «hằng quý» without a day: the standard quarterly cycle's 20th (a Saturday → Monday 22/06).
        {
            "plan": PLAN,
            "task": "3",
            "due": "2026-06-20",
            "effective_due": "2026-06-22",
            "kind": "before",
            "recipient": "so-b",
            "send_at": "2026-06-17T08:00:00+07:00",
        },
        # Two working days after the report's effective deadline: the first overdue nag.
        {
            "plan": PLAN,
            "task": "R1",
            "due": "2026-06-14",
            "effective_due": "2026-06-15",
            "kind": "overdue",
            "recipient": "so-a",
            "send_at": "2026-06-17T08:00:00+07:00",
        },
        {
            "plan": PLAN,
            "task": "R1",
            "due": "2026-06-14",
            "effective_due": "2026-06-15",
            "kind": "overdue",
            "recipient": "so-b",
            "send_at": "2026-06-17T08:00:00+07:00",
        },
    ]
    assert rows[4]["why"] == (
        "nhắc trước 3 ngày làm việc; hạn 20/06/2026 là ngày nghỉ, lùi đến 22/06/2026 (BLDS 2015, Điều 148); "
        "kế hoạch không ghi ngày: lấy ngày 20 hằng kỳ theo kỳ «Báo cáo quý» chuẩn (Nghị định 09/2019/NĐ-CP)"
    )
    assert rows[1]["why"] == (
        "hỏi tiến độ chỉ tiêu dài hạn (hạn 31/12/2030), theo kỳ báo cáo của kế hoạch; "
        "hạn 14/06/2026 là ngày nghỉ, lùi đến 15/06/2026 (BLDS 2015, Điều 148)"
    )
    assert {row["registered"] for row in rows} == {False}
    assert database.read_bytes() == before  # a preview writes nothing


def test_registered_people_are_named_head_first_and_filtered_by_unit(synced: tuple[Path, Path]) -> None:
    database, plans = synced
    bind(database, "cv-a", "gd-a", "chanh-vp", "pct")

    rows = lines(
        run(database, plans, "schedule", "--json", "--as-of", "2026-07-02", "--days", "1", "--unit", "so-a")
    )

    task_1 = [(row["kind"], row["recipient"]) for row in rows if row["task"] == "1"]
    # 2 July: task 1 (due Saturday 27/6 → Monday 29/6) is 3 working days late: escalation to the
    # leader in charge and the monitoring office, first; the lead unit's head before its staff.
    assert task_1 == [("escalation", "pct"), ("escalation", "chanh-vp")]
    assert all(row["send_at"] == "2026-07-02T08:00:00+07:00" for row in rows)
    nags = lines(
        run(database, plans, "schedule", "--json", "--as-of", "2026-07-03", "--days", "1", "--unit", "so-a")
    )
    nags = [row for row in nags if row["task"] == "1"]
    assert [(row["kind"], row["step"], row["recipient"]) for row in nags] == [
        ("overdue", 2, "gd-a"),
        ("overdue", 2, "cv-a"),
    ]
    assert {row["why"] for row in nags} == {
        "quá hạn lần 2; hạn 27/06/2026 là ngày nghỉ, lùi đến 29/06/2026 (BLDS 2015, Điều 148)"
    }


def test_table_in_vietnamese_and_english(synced: tuple[Path, Path]) -> None:
    database, plans = synced
    vi = run(database, plans, "schedule", "--as-of", "2026-06-17", "--days", "1")
    assert vi.returncode == 0, vi.stderr
    assert "Lịch nhắc từ 17/06/2026 đến 17/06/2026" in vi.stdout
    assert "nhắc trước 3 ngày làm việc" in vi.stdout and "(so-b)" in vi.stdout
    assert "chưa ai của đơn vị đăng ký nhận tin" in vi.stdout

    en = run(database, plans, "schedule", "--as-of", "2026-06-17", "--days", "1", "--lang", "en")
    assert en.returncode == 0, en.stderr
    assert "Reminders from 17/06/2026 to 17/06/2026" in en.stdout
    assert "reminder 3 working days before" in en.stdout and "Send at" in en.stdout

    quiet = run(database, plans, "schedule", "--as-of", "2026-06-20", "--days", "1", "--lang", "en")
    assert quiet.returncode == 0 and "No reminders in the next 1 days" in quiet.stdout


def test_errors_say_what_exists_and_what_to_run(synced: tuple[Path, Path], tmp_path: Path) -> None:
    database, plans = synced
    plan = run(database, plans, "schedule", "--plan", "kh-khong-co")
    assert plan.returncode == 1
    assert "Không có kế hoạch «kh-khong-co»" in plan.stderr and PLAN in plan.stderr

    unit = run(database, plans, "schedule", "--unit", "so-z", "--lang", "en")
    assert unit.returncode == 1
    assert "There is no unit «so-z»" in unit.stderr and "so-a, so-b, ubnd, vp" in unit.stderr

    days = run(database, plans, "schedule", "--days", "0")
    assert days.returncode == 2 and "--days 0 không hợp lệ" in days.stderr
    as_of = run(database, plans, "schedule", "--as-of", "31/06/2026", "--lang", "en")
    assert as_of.returncode == 2 and "--as-of «31/06/2026» is not a date" in as_of.stderr

    missing = tmp_path / "empty" / "nhacviec.db"
    missing.parent.mkdir()
    empty = run(missing, plans, "schedule")
    assert empty.returncode == 1
    assert "chưa có kế hoạch nào" in empty.stderr and "nhacviec plans sync" in empty.stderr
    assert not missing.exists()  # the preview did not create the file
    assert "Traceback" not in plan.stderr + unit.stderr + days.stderr + empty.stderr


def test_plans_sync_reschedules_a_moved_deadline(tmp_path: Path) -> None:
    # The deadline must lie ahead of the real clock: `plans sync` materialises as of now.
    today = dt.date.today()
    first, moved = today + dt.timedelta(days=60), today + dt.timedelta(days=90)
    plans = tmp_path / "plans"
    shutil.copytree(PLANS, plans)
    plan_file = plans / f"{PLAN}.yaml"
    plan_file.write_text(
        plan_file.read_text(encoding="utf-8").replace(
            "timing: ngày 15/7/2026", f"timing: ngày {first.day}/{first.month}/{first.year}"
        ),
        encoding="utf-8",
    )
    database = tmp_path / "nhacviec.db"
    assert nhacviec(database, plans, "plans", "sync").returncode == 0
    bind(database, "gd-a")
    assert nhacviec(database, plans, "plans", "sync").returncode == 0  # picks up the registration

    plan_file.write_text(
        plan_file.read_text(encoding="utf-8").replace(
            f"timing: ngày {first.day}/{first.month}/{first.year}",
            f"timing: ngày {moved.day}/{moved.month}/{moved.year}",
        ),
        encoding="utf-8",
    )
    resync = nhacviec(database, plans, "plans", "sync")
    assert resync.returncode == 0, resync.stderr
    assert "1 kỳ hạn thay thế" in resync.stdout

    engine = make_engine(f"sqlite:///{database}")
    with Session(engine) as session:
        task = session.exec(select(Task).where(Task.key == "4")).one()
        query = select(Occurrence).where(Occurrence.task_id == task.id)
        found = {row.due: row for row in session.exec(query)}
        assert found[first].state is OccurrenceState.SUPERSEDED
        assert found[moved].state is OccurrenceState.OPEN
        rows = session.exec(select(OutboxMessage).where(col(OutboxMessage.person_id) == "gd-a")).all()
        old = [row for row in rows if row.occurrence_id == found[first].id]
        new = [row for row in rows if row.occurrence_id == found[moved].id]
        assert old and {row.state for row in old} == {OutboxState.CANCELLED}
        assert {row.error for row in old} == {
            f"Hạn đã đổi từ {first:%d/%m/%Y} sang {moved:%d/%m/%Y} khi đồng bộ lại kế hoạch."
        }
        assert len(new) == len(old) and {row.state for row in new} == {OutboxState.PENDING}
    engine.dispose()
