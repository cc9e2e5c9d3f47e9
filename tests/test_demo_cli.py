"""`nhacviec demo`: reminders on working days only, the scripted replies confirmed, the digest
counting them, an escalation for the ignored task, never the user's database.

The full quarter runs as a real process (in under a minute, start-up included); the other demos
run in-process (`tests/cli_support.py`: the environment, folder and caches a fresh process would
have, without its two seconds of imports)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot import paths
from bot.workcal import WorkCalendar
from tests.cli_support import CliResult, run_nhacviec

pytestmark = pytest.mark.slow

NHACVIEC = [sys.executable, "-c", "from bot.cli import main; main()"]
DAY = re.compile(r"^══ .+, (\d\d/\d\d/\d{4}) ══$", re.M)
REPLY = re.compile(r"^← (.+) trả lời: «(.+)»$", re.M)
RECORDED = re.compile(r"Đã ghi nhận Nhiệm vụ \S+ «(.+?)»: ([^.(]+?)[.(]")


def demo_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_", "NHACVIEC_"))}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'user.db'}"
    env["COLUMNS"] = "250"  # one confirmation per line
    return env


def demo_program(tmp_path: Path, *args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    """`nhacviec demo ARGS` as a real process."""
    return subprocess.run(
        [*NHACVIEC, "demo", *args],
        env=demo_env(tmp_path),
        cwd=tmp_path,
        text=True,
        capture_output=True,
        timeout=timeout,
    )


def demo(tmp_path: Path, *args: str) -> CliResult:
    """`nhacviec demo ARGS` in-process."""
    return run_nhacviec("demo", *args, env=demo_env(tmp_path), cwd=tmp_path)


def days_shown(output: str) -> list[dt.date]:
    return [dt.datetime.strptime(found, "%d/%m/%Y").date() for found in DAY.findall(output)]


def last_digest(output: str) -> str:
    return output[output.rindex("Bản tổng hợp đến hết") :]


def done_tasks(output: str) -> int:
    """Tasks whose latest confirmed status is «hoàn thành»."""
    latest = {task: status.strip() for task, status in RECORDED.findall(output)}
    return sum(1 for status in latest.values() if status == "hoàn thành")


def count(digest: str, label: str) -> int:
    found = re.search(rf"^• {re.escape(label)}: (\d+)$", digest, re.M)
    assert found is not None, f"no «{label}» line in the digest:\n{digest}"
    return int(found.group(1))


def test_short_demo_shows_working_days_replies_and_a_matching_digest(tmp_path: Path) -> None:
    result = demo(tmp_path, "--days", "30", "--fast")
    assert result.returncode == 0, result.stderr
    output = result.stdout
    calendar = WorkCalendar.in_folder(paths.SCHEDULES_DIR)

    shown = days_shown(output)
    assert shown, output
    assert all(calendar.is_working_day(day) for day in shown), shown
    assert dt.date(2017, 4, 3) <= min(shown) and max(shown) <= dt.date(2017, 5, 2)
    # 30/4 – 1/5 and the weekends are holidays: nothing was delivered on them.
    assert dt.date(2017, 5, 1) not in shown

    replies = REPLY.findall(output)
    assert [text for _, text in replies] == ["đang làm 50%", "xong", "1"]
    # Each status is confirmed; «1» typed without quoting picks «1. Hoàn thành» of the reminder
    # just received, with no question back.
    assert [status.strip() for _, status in RECORDED.findall(output)] == [
        "đang thực hiện",
        "hoàn thành",
        "hoàn thành",
    ]
    assert "đang thực hiện (50%)" in output
    assert "phải không" not in output and "chưa hiểu" not in output
    assert re.search(r"trả lời: «1»\n.*\n│ Đã ghi nhận Nhiệm vụ \S+ «[^»]+»: hoàn thành\.", output)

    digest = last_digest(output)
    assert count(digest, "Hoàn thành đúng hạn") == done_tasks(output) == 2
    assert count(digest, "Hoàn thành quá hạn") == 0
    assert "Tổng số nhiệm vụ: 5" in digest
    # The user's database is never created, let alone touched.
    assert not (tmp_path / "user.db").exists()


def test_a_full_quarter_runs_in_under_a_minute_with_an_escalation(tmp_path: Path) -> None:
    began = time.monotonic()
    result = demo_program(tmp_path, "--fast")
    elapsed = time.monotonic() - began
    assert result.returncode == 0, result.stderr
    assert elapsed < 60
    output = result.stdout
    replies = REPLY.findall(output)
    assert [text for _, text in replies] == [
        "đang làm 50%",
        "xong",
        "1",
        "vướng mắc: thiếu kinh phí",
        "đã hoàn thành",
    ]
    # The ignored task is reminded after its deadline and escalated to the office chief.
    assert "không trả lời nhắc việc" in output
    assert re.search(r"→ demo\.chanh-van-phong[^\n]*\n│ Báo cáo lên lãnh đạo", output)
    summary = re.search(r"(\d+) tin báo lãnh đạo, (\d+) trả lời được ghi nhận", output)
    assert summary is not None and int(summary.group(1)) >= 1 and int(summary.group(2)) == 5

    digest = last_digest(output)
    done = done_tasks(output)
    assert count(digest, "Hoàn thành đúng hạn") == done == 3
    assert count(digest, "Đang thực hiện quá hạn") == 5 - done
    assert "vướng mắc — «thiếu kinh phí»" in digest
    assert all(WorkCalendar.in_folder(paths.SCHEDULES_DIR).is_working_day(day) for day in days_shown(output))


def test_english_demo(tmp_path: Path) -> None:
    result = demo(tmp_path, "--days", "5", "--fast", "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert "Trying out «kh-demo-2017»" in result.stdout
    assert "replies: «đang làm 50%»" in result.stdout
    assert "Deadline approaching" in result.stdout and "1. Done" in result.stdout
    assert "Recorded for" in result.stdout and "in progress (50%)" in result.stdout
    assert "Demo finished:" in result.stdout


def test_unknown_plan_names_the_plans_there(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "kh-that.yaml").write_text("issuer: x\n", encoding="utf-8")
    result = run_nhacviec(
        "demo",
        "--plan",
        "kh-khong-co",
        "--days",
        "5",
        env={**os.environ, "PLANS_DIR": str(plans), "DATABASE_URL": f"sqlite:///{tmp_path / 'u.db'}"},
        cwd=tmp_path,
    )
    assert result.returncode == 1
    message = " ".join(result.stderr.split())
    assert "Không tìm thấy kế hoạch «kh-khong-co»" in message
    assert "kh-that" in message and "Bỏ --plan" in message


def test_a_plan_with_errors_is_refused(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "kh-loi.yaml").write_text("issuer: x\n", encoding="utf-8")
    result = run_nhacviec(
        "demo",
        "--plan",
        "kh-loi",
        "--days",
        "5",
        env={**os.environ, "PLANS_DIR": str(plans), "DATABASE_URL": f"sqlite:///{tmp_path / 'u.db'}"},
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert "Kế hoạch «kh-loi» có lỗi" in " ".join(result.stderr.split())


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--days", "0"], "--days phải từ 1 đến 400"),
        (["--start", "03/04/2017"], "không phải ngày dạng YYYY-MM-DD"),
    ],
)
def test_bad_options_say_how_to_fix_them(tmp_path: Path, args: list[str], expected: str) -> None:
    result = demo(tmp_path, *args)
    assert result.returncode != 0
    assert expected in " ".join(result.stderr.split())


def test_a_plan_from_the_plans_folder_gets_demo_people(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    (plans / "directory").mkdir(parents=True)
    (plans / "directory" / "don-vi.yaml").write_text(
        "units:\n  - id: so-xd\n    name: Sở Xây dựng\n  - id: vp\n    name: Văn phòng UBND huyện\n",
        encoding="utf-8",
    )
    (plans / "kh-thu.yaml").write_text(
        "issuer: UBND huyện\nnumber: 12/KH-UBND\nissued: 2017-04-01\ntitle: Kế hoạch thử\nmonitor: vp\n"
        "tasks:\n"
        "  - id: '1'\n    title: Rà soát quy hoạch xây dựng\n    lead: so-xd\n"
        "    timing: trước ngày 20/4/2017\n",
        encoding="utf-8",
    )
    result = run_nhacviec(
        *("demo", "--plan", "kh-thu", "--start", "2017-04-03", "--days", "20", "--fast"),
        env={
            **os.environ,
            "PLANS_DIR": str(plans),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'u.db'}",
            "COLUMNS": "250",
        },
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    output = result.stdout
    assert "Đã đăng ký Cán bộ Sở Xây dựng (so-xd)" in output
    assert "Đã đăng ký Cán bộ Văn phòng UBND huyện (vp)" in output
    assert "Rà soát quy hoạch xây dựng" in output and "«đang làm 50%»" in output
    assert all(WorkCalendar.in_folder(paths.SCHEDULES_DIR).is_working_day(day) for day in days_shown(output))
    assert not (tmp_path / "u.db").exists()


def test_json_prints_one_object_per_message_and_nothing_else(tmp_path: Path) -> None:
    result = demo(tmp_path, "--days", "30", "--fast", "--json")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert records and all(list(record) == ["at", "to", "kind", "text"] for record in records)
    kinds = [record["kind"] for record in records]
    assert (
        {"checkin", "reply", "digest"} <= set(kinds) <= {"checkin", "reply", "escalation", "digest", "other"}
    )
    moments = [dt.datetime.fromisoformat(record["at"]) for record in records]
    assert moments == sorted(moments) and all(m.utcoffset() == dt.timedelta(hours=7) for m in moments)
    assert dt.date(2017, 4, 3) <= moments[0].date() and moments[-1].date() <= dt.date(2017, 5, 2)
    # The scripted answers are confirmed to the person who wrote them, right after they wrote.
    replies = [record for record in records if record["kind"] == "reply"]
    assert any("Đã ghi nhận" in record["text"] for record in replies)
    reminded = {record["to"] for record in records if record["kind"] == "checkin"}
    assert {record["to"] for record in replies} <= reminded
    assert "Đã đăng ký" not in result.stdout  # the narration is not mixed into the records
    assert not (tmp_path / "user.db").exists()
