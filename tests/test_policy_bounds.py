"""Hostile or mistaken numbers and texts in plans and schedules are refused fast, each with the
bound it broke, never with a traceback or the whole offending value quoted back."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from bot.paths import SCHEDULES_DIR
from bot.plans.loader import load_workspace
from bot.plans.model import MAX_BEFORE, MAX_OVERDUE, MAX_TEXT, MAX_TITLE, MAX_WORKING_DAYS
from bot.schedules import REMINDER_POLICY_FILE, REPORTING_CYCLES_FILE, ScheduleError, load_schedule_defaults
from tests.cli_support import run_nhacviec

GOOD = Path(__file__).parent / "data" / "plans" / "good"

HEADER = """\
issuer: UBND tỉnh Thanh Hóa
number: 04/KH-UBND
issued: 2017-01-10
title: {title}
"""
TASK = """\
tasks:
  - id: I.1
    title: Việc một
    lead: Sở KH&ĐT
    timing: Quý II/2017
"""


@pytest.fixture
def plans_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "plans"
    shutil.copytree(GOOD / "directory", folder / "directory")
    return folder


def plan(reminders: str = "", title: str = "Kế hoạch thử", tasks: str = TASK) -> str:
    block = f"reminders:\n{reminders}" if reminders else ""
    return HEADER.format(title=title) + block + tasks


def problems(plans_dir: Path, text: str, lang: str = "vi") -> list[str]:
    (plans_dir / "kh.yaml").write_text(text, encoding="utf-8")
    workspace = load_workspace([plans_dir], lang=lang)
    return [problem.format(plans_dir) for problem in workspace.errors]


@pytest.mark.parametrize(
    ("line", "field", "given", "bound"),
    [
        ("  overdue_max: 100000\n", "reminders.overdue_max", "100000", MAX_OVERDUE),
        ("  overdue_every: 1000000\n", "reminders.overdue_every", "1000000", MAX_WORKING_DAYS),
        ("  escalate_after: 99999999\n", "reminders.escalate_after", "99999999", MAX_WORKING_DAYS),
        ("  before: [3, 400000]\n", "reminders.before[2]", "400000", MAX_WORKING_DAYS),
    ],
)
def test_a_policy_number_over_its_bound_names_the_bound(
    plans_dir: Path, line: str, field: str, given: str, bound: int
) -> None:
    vi = problems(plans_dir, plan(line))
    en = problems(plans_dir, plan(line), lang="en")
    assert len(vi) == len(en) == 1
    assert vi[0].startswith("kh.yaml:6:") and vi[0].endswith(
        f"{field}: «{given}» quá lớn: giá trị phải từ {bound} trở xuống."
    )
    assert en[0].endswith(f"{field}: «{given}» is too large: the value must be {bound} or less.")


def test_negative_and_zero_where_not_allowed(plans_dir: Path) -> None:
    found = problems(plans_dir, plan("  before: [-1]\n  overdue_every: 0\n"))
    assert [line.split(": ", 1)[1] for line in found] == [
        "reminders.before[1]: «-1» quá nhỏ: giá trị phải từ 0 trở lên.",
        "reminders.overdue_every: «0» quá nhỏ: giá trị phải từ 1 trở lên.",
    ]


def test_too_many_reminders_before_a_deadline(plans_dir: Path) -> None:
    days = ", ".join(str(day) for day in range(MAX_BEFORE + 5))
    found = problems(plans_dir, plan(f"  before: [{days}]\n"), lang="en")
    assert [line.split(": ", 1)[1] for line in found] == [
        f"reminders.before: it has {MAX_BEFORE + 5} items, over the limit of {MAX_BEFORE}. "
        "Remove the extra items."
    ]


def test_values_at_the_bounds_are_accepted(plans_dir: Path) -> None:
    reminders = (
        f"  before: [{MAX_WORKING_DAYS}, 0]\n  overdue_every: {MAX_WORKING_DAYS}\n"
        f"  overdue_max: {MAX_OVERDUE}\n  escalate_after: {MAX_WORKING_DAYS}\n"
    )
    assert problems(plans_dir, plan(reminders, title="T" * MAX_TITLE)) == []


def test_a_unit_override_has_the_same_bounds(plans_dir: Path) -> None:
    units = plans_dir / "directory" / "units.yaml"
    text = units.read_text(encoding="utf-8")
    first_unit_end = text.index("\n", text.index("name:"))
    units.write_text(
        text[: first_unit_end + 1]
        + "    reminders:\n      overdue_max: 100000\n"
        + text[first_unit_end + 1 :],
        encoding="utf-8",
    )
    found = problems(plans_dir, plan())
    assert any("overdue_max: «100000» quá lớn: giá trị phải từ 50 trở xuống." in line for line in found)


def test_a_huge_title_is_refused_with_its_length_not_its_text(plans_dir: Path) -> None:
    title = "Kế hoạch " * 100_000  # 900,000 characters in a 1.1 MB file (under the file size cap)
    started = time.monotonic()
    found = problems(plans_dir, plan(title=title))
    assert time.monotonic() - started < 10
    assert len(found) == 1
    assert found[0].startswith(
        f"kh.yaml:4:1: title: giá trị dài {len(title.strip())} ký tự, quá giới hạn {MAX_TITLE} ký tự "
        "(«Kế hoạch Kế hoạch"
    )
    assert len(found[0]) < 300


def test_other_texts_are_capped_too(plans_dir: Path) -> None:
    tasks = TASK + f"    product: {'x' * (MAX_TEXT + 1)}\n"
    found = problems(plans_dir, plan(tasks=tasks), lang="en")
    assert [line.split(": ", 1)[1].split(" («")[0] for line in found] == [
        f"tasks[1].product: the value is {MAX_TEXT + 1} characters long, over the limit of {MAX_TEXT}"
    ]


def test_a_number_too_long_to_read_is_not_quoted_in_full(plans_dir: Path) -> None:
    found = problems(plans_dir, plan(f"  overdue_max: {'9' * 5000}\n"))
    assert len(found) == 1 and "reminders.overdue_max" in found[0]
    assert len(found[0]) < 400


def test_the_default_policy_file_has_the_same_bounds(tmp_path: Path) -> None:
    for name in (REPORTING_CYCLES_FILE, REMINDER_POLICY_FILE):
        shutil.copy(SCHEDULES_DIR / name, tmp_path / name)
    path = tmp_path / REMINDER_POLICY_FILE
    path.write_text(path.read_text(encoding="utf-8").replace("overdue_max: 5", "overdue_max: 100000"))
    with pytest.raises(ScheduleError) as caught:
        load_schedule_defaults(tmp_path)
    assert "overdue_max: «100000» quá lớn: giá trị phải từ 50 trở xuống." in str(caught.value)


def test_plans_check_refuses_overdue_max_100000_at_once(plans_dir: Path, tmp_path: Path) -> None:
    """The issue's black-box case: a plan that made `plans sync` plan for minutes (the command
    in-process, `tests/cli_support.py`: what a fresh process would see)."""
    (plans_dir / "kh.yaml").write_text(plan("  overdue_max: 100000\n"), encoding="utf-8")
    env = {**os.environ, "PLANS_DIR": str(plans_dir), "NHACVIEC_LANGUAGE": "vi", "COLUMNS": "200"}
    started = time.monotonic()
    result = run_nhacviec("plans", "check", env=env, cwd=tmp_path)
    assert time.monotonic() - started < 30
    assert result.returncode == 1
    assert "reminders.overdue_max: «100000» quá lớn: giá trị phải từ 50 trở xuống." in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
