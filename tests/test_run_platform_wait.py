"""`nhacviec run` at start waits for a platform that is down or answers 429/5xx, saying what it
waits for, instead of giving up and blaming the token; only a rejected token stops it."""

from __future__ import annotations

import datetime as dt
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.db.engine import make_engine
from bot.db.migrate import upgrade
from bot.db.models import OutboxState
from tests.fakes import FakeBotApi
from tests.fakes.bot_api import ZaloBotApi
from tests.fakes.outbox_world import add_reminders, build_world, outbox_rows
from tests.fakes.processes import NHACVIEC, run_env, start_run

pytestmark = pytest.mark.slow
TOKEN = "777:WAIT-secret"
ZALO_TOKEN = "1459232241454765289:zalo-wait-secret"


@pytest.fixture
def sqlite(tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    url = f"sqlite:///{tmp_path / 'run.db'}"
    engine = make_engine(url)
    upgrade(engine)
    yield url, engine
    engine.dispose()


def run_once(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*NHACVIEC, "run", "--once", "--no-materialise", *args],
        env=env,
        cwd=cwd,
        text=True,
        capture_output=True,
        timeout=120,
    )


def due_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)


def closed_port() -> str:
    """An address on this machine where nothing listens (connection refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_429_and_500_at_start_are_waited_out_then_reminders_go(
    sqlite: tuple[str, Engine], tmp_path: Path, lang: str
) -> None:
    url, engine = sqlite
    world = build_world(engine, people=3)
    add_reminders(engine, world, send_at=due_now())
    with FakeBotApi(token=TOKEN) as api:
        api.fail_next(1, "429", retry_after=1)
        api.fail_next(3, "500")
        env = run_env(url, api.url, TOKEN, PLATFORM_RETRY_CAP_SECONDS="1")
        started = time.monotonic()
        result = run_once(env, tmp_path, "--lang", lang)
        assert time.monotonic() - started < 60
        statuses = [call.status for call in api.calls_to("getMe")]
        delivered = sorted(call.chat_id or "" for call in api.delivered())
        address = api.url
    assert result.returncode == 0, result.stderr
    assert statuses == [429, 500, 500, 500, 200]
    assert delivered == sorted(world.chats.values())
    waiting = "Chưa kết nối được telegram tại" if lang == "vi" else "Cannot reach telegram at"
    assert result.stdout.count(waiting) == 4, result.stdout
    assert address in result.stdout
    assert "TELEGRAM_BOT_TOKEN" not in result.stdout + result.stderr, "a hiccup is not the token's fault"
    assert TOKEN.split(":")[1] not in result.stdout + result.stderr
    assert {row.state for row in outbox_rows(engine)} == {OutboxState.SENT}


def test_a_platform_answering_500_is_waited_for_until_stopped(
    sqlite: tuple[str, Engine], tmp_path: Path
) -> None:
    url, engine = sqlite
    world = build_world(engine, people=1)
    add_reminders(engine, world, send_at=due_now())
    with FakeBotApi(token=TOKEN) as api:
        api.fail_next(10_000, "500")
        process = start_run(run_env(url, api.url, TOKEN, PLATFORM_RETRY_CAP_SECONDS="1"), tmp_path)
        deadline = time.monotonic() + 60
        while len(api.calls_to("getMe")) < 4 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert process.poll() is None, "the bot must not give up while the platform is down"
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=30)
        tries = len(api.calls_to("getMe"))
    assert process.returncode == 0, stderr
    assert tries >= 4
    assert stdout.count("Chưa kết nối được telegram tại") >= 3, stdout
    assert "Đã dừng: 0 tin đã gửi" in stdout
    assert "TELEGRAM_BOT_TOKEN" not in stdout + stderr and "Traceback" not in stderr
    assert {row.state for row in outbox_rows(engine)} == {OutboxState.PENDING}


def test_a_platform_nobody_answers_at_is_waited_for(sqlite: tuple[str, Engine], tmp_path: Path) -> None:
    url, _ = sqlite
    address = closed_port()
    process = start_run(run_env(url, address, TOKEN, PLATFORM_RETRY_CAP_SECONDS="1"), tmp_path)
    assert process.stdout is not None
    seen: list[str] = []
    # Wait for the first refusal however slow the start is (a loaded CI machine), then for a few
    # retries (a one-second cap): the process must still be waiting, not stopped.
    reader = threading.Thread(target=lambda: seen.extend(iter(process.stdout.readline, "")), daemon=True)
    reader.start()
    deadline = time.monotonic() + 60
    while not any("Chưa kết nối được telegram" in line for line in seen) and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(3)
    assert process.poll() is None, "connection refused is waited out, not a reason to stop"
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    reader.join(timeout=5)
    stdout = "".join(seen)
    assert process.returncode == 0, stderr
    assert f"Chưa kết nối được telegram tại {address}" in stdout
    assert "sửa TELEGRAM_API_URL" in stdout  # in case the address itself is the mistake
    assert "Traceback" not in stderr


def test_zalo_500_at_start_is_waited_out(sqlite: tuple[str, Engine], tmp_path: Path) -> None:
    url, engine = sqlite
    world = build_world(engine, people=2, channel="zalo")
    add_reminders(engine, world, send_at=due_now())
    with ZaloBotApi(token=ZALO_TOKEN, poll_wait=0.05) as api:
        api.fail_next(2, "500")
        env = run_env(url, PLATFORM_RETRY_CAP_SECONDS="1", ZALO_BOT_TOKEN=ZALO_TOKEN, ZALO_API_URL=api.url)
        result = run_once(env, tmp_path)
        delivered = len(api.delivered())
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Chưa kết nối được zalo tại") == 2
    assert delivered == 2


def test_a_rejected_token_still_stops_at_once(sqlite: tuple[str, Engine], tmp_path: Path) -> None:
    url, _ = sqlite
    with FakeBotApi(token=TOKEN) as api:
        started = time.monotonic()
        result = run_once(run_env(url, api.url, "777:WRONG-secret", PLATFORM_RETRY_CAP_SECONDS="1"), tmp_path)
        assert time.monotonic() - started < 30
        assert len(api.calls_to("getMe")) == 1
    assert result.returncode == 1
    assert "Không khởi động được kênh telegram: Telegram: Unauthorized" in result.stderr
    assert "Chưa kết nối được" not in result.stdout
