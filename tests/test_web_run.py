"""`nhacviec run` in webhook mode, as a real process: one server carries the Telegram webhook
(`/telegram` and the webhook URL's path) and the dashboard, on TELEGRAM_WEBHOOK_LISTEN/PORT; a
wrong secret gets 403, an update with the right one is answered through the conversation."""

from __future__ import annotations

import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.clock import SystemClock
from bot.db.engine import make_engine
from bot.db.migrate import upgrade
from bot.people.invites import create_invite
from tests.fakes import FakeBotApi
from tests.fakes.outbox_world import build_world
from tests.fakes.processes import run_env, start_run

TOKEN = "123456:TEST-token_abc"
SECRET = "hook-secret_123"
HEADER = "X-Telegram-Bot-Api-Secret-Token"

pytestmark = pytest.mark.slow


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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(check: object, seconds: float = 40) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_run_serves_the_webhook_and_the_dashboard_on_one_port(
    sqlite: tuple[str, Engine], tmp_path: Path, api: FakeBotApi
) -> None:
    url, engine = sqlite
    clock = SystemClock()  # the process runs on the system clock: the invite's time comes from one too
    build_world(engine, people=1, bind=False, now=clock.now())
    with Session(engine) as session, session.begin():
        code = create_invite(session, unit_id=None, role=None, person_id="p0000", now=clock.now()).code
    port = free_port()
    env = run_env(url, api.url, TOKEN) | {
        "TELEGRAM_WEBHOOK_URL": "https://bot.example.gov.vn/telegram/hook",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TELEGRAM_WEBHOOK_LISTEN": "127.0.0.1",
        "TELEGRAM_WEBHOOK_PORT": str(port),
    }
    process = start_run(env, tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: bool(api.calls_to("setWebhook")))
        update = {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": int(clock.now().timestamp()),
                "chat": {"id": 5501, "type": "private"},
                "from": {"id": 5501, "is_bot": False, "first_name": "Lan"},
                "text": f"/start {code}",
            },
        }
        with httpx.Client(base_url=base, timeout=10) as client:
            wrong = client.post("/telegram", json=update, headers={HEADER: "guess"})
            right = client.post("/telegram/hook", json=update, headers={HEADER: SECRET})
            dashboard = client.get("/", follow_redirects=False)
        assert (wrong.status_code, right.status_code) == (403, 200)
        assert dashboard.status_code == 303 and dashboard.headers["location"] == "/signin"
        wait_for(lambda: bool(api.delivered()))
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert str(api.delivered()[0].params["text"]).startswith("Chào Cán bộ 0")
    assert api.calls_to("setWebhook")[0].params["secret_token"] == SECRET
    assert SECRET not in out + err and "Traceback" not in err
