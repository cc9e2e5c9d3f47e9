"""`nhacviec run` as a real process: channels chosen from the settings, errors users can fix."""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.clock import SystemClock
from bot.db.engine import make_engine
from bot.db.migrate import upgrade
from bot.db.models import OutboxState
from tests.fakes import FakeBotApi
from tests.fakes.outbox_world import add_reminders, build_world, outbox_rows
from tests.fakes.processes import NHACVIEC, run_env, start_run

pytestmark = pytest.mark.slow
TOKEN = "777:RUN-secret"


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN) as server:
        yield server


@pytest.fixture
def sqlite(tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    url = f"sqlite:///{tmp_path / 'run.db'}"
    engine = make_engine(url)
    upgrade(engine)
    yield url, engine
    engine.dispose()


def due_now() -> dt.datetime:
    return SystemClock().now() - dt.timedelta(seconds=1)


def run_once(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*NHACVIEC, "run", "--once", "--no-materialise", *args],
        env=env,
        cwd=cwd,
        text=True,
        capture_output=True,
        timeout=120,
    )


def test_without_a_token_reminders_are_printed_and_it_says_how_to_connect(
    sqlite: tuple[str, Engine], tmp_path: Path
) -> None:
    url, engine = sqlite
    world = build_world(engine, people=2, bind=False)
    add_reminders(engine, world, send_at=due_now())
    result = run_once(run_env(url), tmp_path)
    assert result.returncode == 0, result.stderr
    assert "TELEGRAM_BOT_TOKEN=<token lấy từ @BotFather>" in result.stderr
    assert "ZALO_BOT_TOKEN" in result.stderr
    assert "Đang chạy với kênh: console" in result.stdout
    assert "→ p0000" in result.stdout and "→ p0001" in result.stdout
    assert "Sắp đến hạn" in result.stdout
    assert "Đã dừng: 2 tin đã gửi, 0 hẹn gửi lại, 0 thất bại." in result.stdout
    assert {row.state for row in outbox_rows(engine)} == {OutboxState.SENT}


def test_with_a_token_reminders_go_to_telegram(
    sqlite: tuple[str, Engine], tmp_path: Path, api: FakeBotApi
) -> None:
    url, engine = sqlite
    world = build_world(engine, people=3)
    add_reminders(engine, world, send_at=due_now())
    result = run_once(run_env(url, api.url, TOKEN), tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(c.chat_id or "" for c in api.delivered()) == sorted(world.chats.values())
    assert "Đang chạy với kênh: telegram" in result.stdout
    assert TOKEN not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("vi", "Không khởi động được kênh telegram: Telegram: Unauthorized"),
        ("en", "Could not start the telegram channel: Telegram: Unauthorized"),
    ],
)
def test_a_wrong_token_stops_at_start_with_what_to_check(
    sqlite: tuple[str, Engine], tmp_path: Path, api: FakeBotApi, lang: str, expected: str
) -> None:
    url, _ = sqlite
    result = run_once(run_env(url, api.url, "777:WRONG-secret"), tmp_path, "--lang", lang)
    assert result.returncode == 1
    assert expected in result.stderr
    assert "TELEGRAM_BOT_TOKEN" in result.stderr and api.url in result.stderr
    assert "WRONG-secret" not in result.stderr + result.stdout
    assert "Đang chạy" not in result.stdout and "Running" not in result.stdout


def test_a_database_in_a_missing_folder_is_a_setting_to_fix(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'missing-folder' / 'x.db'}"
    result = run_once(run_env(url), tmp_path)
    assert result.returncode == 2
    assert f"thư mục {tmp_path / 'missing-folder'} không tồn tại" in result.stderr
    assert "DATABASE_URL" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_sigterm_stops_cleanly_and_gives_back_the_leases(
    sqlite: tuple[str, Engine], tmp_path: Path, api: FakeBotApi
) -> None:
    url, engine = sqlite
    world = build_world(engine, people=20, occurrences=5)
    ids = add_reminders(engine, world, send_at=due_now())
    api.latency = 0.2  # slow sends: the process is mid-dispatch when told to stop
    process = start_run(
        run_env(url, api.url, TOKEN, OUTBOX_CONCURRENCY="4", OUTBOX_LEASE_SECONDS="60"), tmp_path
    )
    deadline = time.monotonic() + 60
    while len(api.delivered()) < 10 and time.monotonic() < deadline:
        time.sleep(0.1)
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "Đã dừng:" in stdout
    rows = outbox_rows(engine)
    assert not [row for row in rows if row.state == OutboxState.SENDING], "a lease was left behind"
    sent = [row.id for row in rows if row.state == OutboxState.SENT]
    assert 10 <= len(sent) < len(ids)
    assert all(row.attempts == 0 for row in rows if row.state == OutboxState.PENDING)
    # Each person's 5 reminders went as one check-in, marked together.
    assert len(api.delivered()) * 5 == len(sent)


def test_at_start_the_planner_runs_on_the_database(sqlite: tuple[str, Engine], tmp_path: Path) -> None:
    url, _ = sqlite
    result = subprocess.run(
        [*NHACVIEC, "run", "--once", "--lang", "en"],
        env=run_env(url),
        cwd=tmp_path,
        text=True,
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Could not extend" not in result.stdout
    assert "Stopped: 0 messages sent, 0 retries scheduled, 0 failed." in result.stdout
    assert "Neither Telegram nor Zalo is configured" in result.stderr


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("vi", "OUTBOX_LEASE_SECONDS=3: phải lớn hơn TELEGRAM_TIMEOUT_SECONDS + 2 (12)"),
        ("en", "OUTBOX_LEASE_SECONDS=3: must be greater than TELEGRAM_TIMEOUT_SECONDS + 2 (12)"),
    ],
)
def test_a_lease_shorter_than_a_send_is_refused_with_the_settings_to_fix(
    tmp_path: Path, lang: str, expected: str
) -> None:
    env = run_env(f"sqlite:///{tmp_path / 'x.db'}", OUTBOX_LEASE_SECONDS="3", TELEGRAM_TIMEOUT_SECONDS="10")
    result = subprocess.run(
        [*NHACVIEC, "run", "--once", "--lang", lang],
        env=env,
        cwd=tmp_path,
        text=True,
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_a_malformed_engine_setting_is_named(tmp_path: Path) -> None:
    env = run_env(f"sqlite:///{tmp_path / 'x.db'}", OUTBOX_BATCH="nhiều")
    result = subprocess.run(
        [*NHACVIEC, "run", "--once"], env=env, cwd=tmp_path, text=True, capture_output=True, timeout=120
    )
    assert result.returncode == 2
    assert "Cài đặt không hợp lệ (trong tệp .env hoặc biến môi trường):" in result.stderr
    assert "OUTBOX_BATCH='nhiều': phải là một số nguyên" in result.stderr
