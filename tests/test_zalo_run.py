"""`nhacviec run` with ZALO_BOT_TOKEN, as a real process against the Zalo fake.

The process runs on the system clock, so the rows' and the invite's times are computed from a
`SystemClock` too.
"""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.clock import SystemClock
from bot.db.engine import make_engine
from bot.db.migrate import upgrade
from bot.db.models import ChatBinding, OutboxState
from bot.people.invites import create_invite
from tests.fakes.bot_api import ZaloBotApi
from tests.fakes.outbox_world import add_reminders, build_world, outbox_rows
from tests.fakes.processes import NHACVIEC, run_env, start_run

TOKEN = "1459232241454765289:fake-zalo-secret"

pytestmark = pytest.mark.slow


@pytest.fixture
def api() -> Iterator[ZaloBotApi]:
    with ZaloBotApi(token=TOKEN, poll_wait=0.2) as server:
        yield server


@pytest.fixture
def sqlite(tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    url = f"sqlite:///{tmp_path / 'run.db'}"
    engine = make_engine(url)
    upgrade(engine)
    yield url, engine
    engine.dispose()


def zalo_env(url: str, api: ZaloBotApi, token: str = TOKEN) -> dict[str, str]:
    return run_env(
        url, ZALO_BOT_TOKEN=token, ZALO_API_URL=api.url, ZALO_POLL_TIMEOUT="1", ZALO_POLL_PAUSE="0.05"
    )


def test_reminders_go_to_zalo(sqlite: tuple[str, Engine], tmp_path: Path, api: ZaloBotApi) -> None:
    url, engine = sqlite
    clock = SystemClock()
    world = build_world(engine, people=2, channel="zalo", now=clock.now())
    add_reminders(engine, world, send_at=clock.now() - dt.timedelta(seconds=1))
    result = subprocess.run(
        [*NHACVIEC, "run", "--once", "--no-materialise"],
        env=zalo_env(url, api),
        cwd=tmp_path,
        text=True,
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert sorted(c.chat_id or "" for c in api.delivered()) == sorted(world.chats.values())
    assert all("1. Hoàn thành" in str(c.params["text"]) for c in api.delivered())
    assert "Đang chạy với kênh: zalo" in result.stdout
    assert "chưa có kênh Zalo" not in result.stderr
    assert {row.state for row in outbox_rows(engine)} == {OutboxState.SENT}
    assert TOKEN not in result.stdout + result.stderr


def test_a_wrong_zalo_token_stops_at_start(
    sqlite: tuple[str, Engine], tmp_path: Path, api: ZaloBotApi
) -> None:
    url, _ = sqlite
    result = subprocess.run(
        [*NHACVIEC, "run", "--once", "--no-materialise"],
        env=zalo_env(url, api, "1:WRONG-zalo-secret"),
        cwd=tmp_path,
        text=True,
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Không khởi động được kênh zalo: Zalo: Unauthorized" in result.stderr
    assert "ZALO_BOT_TOKEN" in result.stderr
    assert "WRONG-zalo-secret" not in result.stderr + result.stdout


def test_a_person_registers_by_sending_the_code(
    sqlite: tuple[str, Engine], tmp_path: Path, api: ZaloBotApi
) -> None:
    url, engine = sqlite
    clock = SystemClock()
    build_world(engine, people=1, bind=False, now=clock.now())
    with Session(engine) as session, session.begin():
        code = create_invite(session, unit_id=None, role=None, person_id="p0000", now=clock.now()).code
    process = start_run(zalo_env(url, api), tmp_path)
    try:
        api.queue_message("zalo-chat-7", code)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not api.delivered():
            time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert api.delivered(), out + err
    assert "Cán bộ 0" in str(api.delivered()[0].params["text"])
    assert process.returncode == 0, err
    with Session(engine) as session:
        binding = session.exec(select(ChatBinding)).one()
    assert (binding.channel, binding.chat_id, binding.person_id) == ("zalo", "zalo-chat-7", "p0000")


def test_a_webhook_without_its_secret_stops_at_start(
    sqlite: tuple[str, Engine], tmp_path: Path, api: ZaloBotApi
) -> None:
    url, _ = sqlite
    env = zalo_env(url, api) | {"ZALO_WEBHOOK_URL": "https://bot.example.gov.vn/zalo/hook"}
    process = start_run(env, tmp_path)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 1
    message = " ".join(err.split())
    assert "Không khởi động được kênh zalo" in message and "thiếu ZALO_WEBHOOK_SECRET" in message
    assert "Traceback" not in err and not api.calls_to("setWebhook")
