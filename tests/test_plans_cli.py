"""`nhacviec plans check` and `nhacviec plans show`.

The clean check runs the real installed command (output, nothing on stderr, exit code 0 as a
process); the others run in-process (`tests/cli_support.py`: the environment, folder and caches a
fresh process would have, without its two seconds of imports)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot import paths
from bot.datefmt import short_date, weekday_name
from bot.workcal import WorkCalendar
from tests.cli_support import CliResult, run_nhacviec

GOOD = Path(__file__).parent / "data" / "plans" / "good"
NHACVIEC = Path(sys.executable).parent / "nhacviec"

pytestmark = pytest.mark.slow


def environment(plans_dir: Path) -> dict[str, str]:
    return {**os.environ, "PLANS_DIR": str(plans_dir), "NHACVIEC_LANGUAGE": "vi", "COLUMNS": "200"}


def program(*args: str, plans_dir: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`nhacviec plans ARGS` as a real process."""
    return subprocess.run(
        [str(NHACVIEC), "plans", *args],
        capture_output=True,
        text=True,
        env=environment(plans_dir),
        cwd=cwd,
        timeout=60,
    )


def run(*args: str, plans_dir: Path, cwd: Path) -> CliResult:
    """`nhacviec plans ARGS` in-process."""
    return run_nhacviec("plans", *args, env=environment(plans_dir), cwd=cwd)


@pytest.fixture
def plans_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "plans"
    shutil.copytree(GOOD, folder)
    return folder


def test_check_a_clean_folder_exits_0(plans_dir: Path, tmp_path: Path) -> None:
    result = program("check", plans_dir=plans_dir, cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "1 kế hoạch, 0 lỗi, 0 cảnh báo.\n", "")


def test_check_prints_errors_then_warnings_then_the_summary_and_exits_1(
    plans_dir: Path, tmp_path: Path
) -> None:
    good = (plans_dir / "kh-04-2017.yaml").read_text(encoding="utf-8")
    (plans_dir / "b-bad.yaml").write_text(good.replace("lead: so-ct", "lead: so-ctt"), encoding="utf-8")
    (plans_dir / "a-vague.yaml").write_text(good.replace("Quý II/2017", "khi có yêu cầu"), encoding="utf-8")
    result = run("check", "--lang", "en", plans_dir=plans_dir, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "plans/b-bad.yaml:32:5: targets[1].lead: unit «so-ctt» not found. Did you mean «so-ct» "
        "(Sở Công Thương)? Add the unit to plans/directory/ if it is a new one.",
        "plans/a-vague.yaml:17:5: tasks[1].timing: no deadline can be read from «khi có yêu cầu»: "
        "there will be no dated reminders. If the document gives a date, add «due: YYYY-MM-DD».",
        "3 plan(s), 1 error(s), 1 warning(s).",
    ]


def test_check_takes_paths_and_relative_paths_stay_relative(plans_dir: Path, tmp_path: Path) -> None:
    bad = plans_dir / "kh-x.yaml"
    bad.write_text("issuer: UBND\n\ttitle: x\n", encoding="utf-8")
    result = run("check", "plans/kh-x.yaml", plans_dir=tmp_path / "nowhere", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "plans/kh-x.yaml:2:1: có ký tự Tab; YAML chỉ cho phép thụt lề bằng dấu cách. Thay Tab bằng dấu cách "
        "(mỗi cấp 2 dấu cách).",
        "1 kế hoạch, 1 lỗi, 0 cảnh báo.",
    ]


def test_check_rejects_an_unknown_language(plans_dir: Path, tmp_path: Path) -> None:
    result = run("check", "--lang", "fr", plans_dir=plans_dir, cwd=tmp_path)
    assert result.returncode == 2
    assert "--lang" in result.stderr


def test_show_groups_tasks_by_lead_unit_with_due_and_effective_dates(plans_dir: Path, tmp_path: Path) -> None:
    plan_file = plans_dir / "kh-04-2017.yaml"
    text = plan_file.read_text(encoding="utf-8")
    # 2/9 (Quốc khánh) of 2017 is a Saturday: the effective deadline moves past the holiday.
    plan_file.write_text(text.replace("due: 2017-06-29", "due: 2017-09-02"), encoding="utf-8")
    result = run("show", "kh-04-2017", plans_dir=plans_dir, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == [
        "Kế hoạch hành động thực hiện Nghị quyết số 05-NQ/TW",
        "04/KH-UBND ngày 10/01/2017 của UBND tỉnh Thanh Hóa",
    ]
    groups = [line for line in lines if line and line[0] not in "┏┃┡│└"]
    assert groups[2:] == [
        "Sở Công Thương (so-ct)",
        "Sở Kế hoạch và Đầu tư (so-khdt)",
        "Phòng Kinh tế, Hạ tầng và Đô thị (phong-kt)",
    ]
    rows = {
        line.split("│")[1].strip(): [cell.strip() for cell in line.split("│")[2:-1]]
        for line in lines
        if line.startswith("│")
    }
    assert rows["III.1.a"] == [
        "Xây dựng Đề án tái cơ cấu ngành công nghiệp",
        "so-khdt, so-tc",
        "Quý II/2017",
        "30/06/2017",
        "30/06/2017 (thứ Sáu)",
    ]
    effective = WorkCalendar.in_folder(paths.SCHEDULES_DIR).effective_deadline(dt.date(2017, 9, 2))
    assert effective > dt.date(2017, 9, 4)  # Saturday 2/9, the Monday off in lieu, then a working day
    assert rows["III.1.10"][3:] == ["02/09/2017", f"{short_date(effective)} ({weekday_name(effective)})"]
    assert rows["III.2.-1"][2:] == ["Thường xuyên", "thường xuyên", ""]


def test_show_unit_filter_accepts_a_name(plans_dir: Path, tmp_path: Path) -> None:
    result = run(
        "show", "kh-04-2017", "--unit", "so tai chinh", "--lang", "en", plans_dir=plans_dir, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    ids = [line.split("│")[1].strip() for line in result.stdout.splitlines() if line.startswith("│")]
    assert ids == ["III.1.a", "III.1.10"]  # so-tc supports both; it leads none
    assert "Effective deadline" in result.stdout


def test_show_unknown_plan_lists_the_available_ones(plans_dir: Path, tmp_path: Path) -> None:
    result = run("show", "kh-05", plans_dir=plans_dir, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"không có kế hoạch «kh-05» (thư mục {plans_dir}). Các kế hoạch hiện có: kh-04-2017.\n"
    )


def test_show_unknown_unit_and_a_plan_with_errors(plans_dir: Path, tmp_path: Path) -> None:
    result = run("show", "kh-04-2017", "--unit", "Sở Tài chánh", plans_dir=plans_dir, cwd=tmp_path)
    assert (result.returncode, result.stderr) == (
        1,
        "--unit Sở Tài chánh: không tìm thấy đơn vị này trong plans/directory/. Có phải ý bạn là «so-tc» "
        "(Sở Tài chính)?\n",
    )
    plan_file = plans_dir / "kh-04-2017.yaml"
    plan_file.write_text(
        plan_file.read_text(encoding="utf-8").replace("issued: 10/01/2017", "issued: 10/13/2017"),
        encoding="utf-8",
    )
    result = run("show", "kh-04-2017", "--lang", "en", plans_dir=plans_dir, cwd=tmp_path)
    assert (result.returncode, result.stderr.splitlines()) == (
        1,
        [
            "plans/kh-04-2017.yaml:3:1: issued: «10/13/2017» is not a valid date. Write dates as "
            "2017-01-10 or 10/01/2017.",
            "plan «kh-04-2017» cannot be shown: it has 1 error(s). Fix them as the lines above say, then "
            "run this again.",
        ],
    )
