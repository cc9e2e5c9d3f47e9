"""`nhacviec run` on a database with nothing to do says what to do next (a newcomer's first run)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.fakes.processes import NHACVIEC, run_env

PLANS = Path(__file__).parent / "data" / "sync" / "v1"


def run_once(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = run_env(f"sqlite:///{tmp_path / 'first.db'}")
    env["PLANS_DIR"] = str(PLANS)
    return subprocess.run(
        [*NHACVIEC, *args], env=env, cwd=tmp_path, text=True, capture_output=True, timeout=120
    )


def test_an_empty_database_points_to_plans_sync_and_the_demo(tmp_path: Path) -> None:
    result = run_once(tmp_path, "run", "--once")
    assert result.returncode == 0, result.stderr
    assert "Cơ sở dữ liệu chưa có kế hoạch nào" in result.stderr
    assert "nhacviec plans sync" in result.stderr and "nhacviec demo" in result.stderr
    # Third-party INFO lines (each migration step, each scheduler job) stay out of the way.
    assert "alembic" not in result.stderr and "apscheduler" not in result.stderr


def test_plans_without_anyone_to_remind_say_how_to_add_people(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    (plans / "directory").mkdir(parents=True)
    (plans / "directory" / "units.yaml").write_text(
        "units:\n  - id: so-tc\n    name: Sở Tài chính\n", encoding="utf-8"
    )
    (plans / "kh-1.yaml").write_text(
        "issuer: UBND tỉnh\nnumber: 1/KH-UBND\nissued: 2026-01-05\ntitle: Kế hoạch thử\n"
        "tasks:\n  - id: '1'\n    title: Báo cáo quý\n    lead: so-tc\n    timing: Quý IV/2026\n",
        encoding="utf-8",
    )
    synced = run_once(tmp_path, "plans", "sync", str(plans))
    assert synced.returncode == 0, synced.stderr
    result = run_once(tmp_path, "run", "--once", "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert "The database holds no plan yet" not in result.stderr
    assert "Nobody to remind yet" in result.stderr
    assert "nhacviec invite" in result.stderr


def test_a_database_with_people_and_plans_says_nothing_extra(tmp_path: Path) -> None:
    synced = run_once(tmp_path, "plans", "sync")
    assert synced.returncode == 0, synced.stderr
    result = run_once(tmp_path, "run", "--once")
    assert result.returncode == 0, result.stderr
    assert "chưa có kế hoạch" not in result.stderr and "Chưa có ai để nhắc" not in result.stderr
