"""`nhacviec run` with TELEGRAM_BOT_TOKEN, as a real process: it receives (long polling) and
answers through the conversation; a webhook without its secret stops the start.

The process runs on the system clock, so the invite's time is computed from a `SystemClock` too.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.clock import SystemClock
from bot.db.engine import make_engine
from bot.db.migrate import upgrade
from bot.db.models import ChatBinding
from bot.people.invites import create_invite
from tests.fakes import FakeBotApi
from tests.fakes.outbox_world import build_world
from tests.fakes.processes import run_env, start_run

TOKEN = "123456:TEST-token_abc"

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


def telegram_env(url: str, api: FakeBotApi) -> dict[str, str]:
    return run_env(url, api.url, TOKEN, TELEGRAM_POLL_TIMEOUT="0", TELEGRAM_POLL_PAUSE="0.05")


def invite_one(engine: Engine) -> str:
    """One person, p0000, not registered yet; the code of their invite (times from the system
    clock, which the process runs on)."""
    clock = SystemClock()
    build_world(engine, people=1, bind=False, now=clock.now())
    with Session(engine) as session, session.begin():
        return create_invite(session, unit_id=None, role=None, person_id="p0000", now=clock.now()).code


def private_message(chat: int, number: int, text: str) -> dict[str, object]:
    """The update Telegram sends when the person in private chat `chat` writes `text`."""
    return {
        "message": {
            "message_id": number,
            "date": int(SystemClock().now().timestamp()),
            "chat": {"id": chat, "type": "private"},
            "from": {"id": chat, "is_bot": False, "first_name": "Lan"},
            "text": text,
        }
    }


def test_a_person_registers_with_the_start_link_and_asks_for_tasks(
    sqlite: tuple[str, Engine], tmp_path: Path, api: FakeBotApi
) -> None:
    url, engine = sqlite
    code = invite_one(engine)
    for number, text in enumerate((f"/start {code}", "/viec"), start=1):
        api.queue_update(private_message(5501, number, text))
    process = start_run(telegram_env(url, api), tmp_path)
    try:
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline and len(api.delivered()) < 3:
            time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    texts = [str(call.params["text"]) for call in api.delivered()]
    assert len(texts) >= 3, out + err
    assert texts[0].startswith("Chào Cán bộ 0")
    assert "III.2.c" in texts[2]
    assert process.returncode == 0, err
    assert api.calls_to("deleteWebhook") and api.calls_to("getUpdates")
    assert TOKEN not in out + err
    with Session(engine) as session:
        binding = session.exec(select(ChatBinding)).one()
    assert (binding.channel, binding.chat_id, binding.person_id) == ("telegram", "5501", "p0000")


def test_a_webhook_without_its_secret_stops_at_start(
    sqlite: tuple[str, Engine], tmp_path: Path, api: FakeBotApi
) -> None:
    url, _ = sqlite
    env = telegram_env(url, api) | {"TELEGRAM_WEBHOOK_URL": "https://bot.example.gov.vn/telegram/hook"}
    process = start_run(env, tmp_path)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 1
    message = " ".join(err.split())
    assert "Không khởi động được kênh telegram" in message and "TELEGRAM_WEBHOOK_SECRET" in message
    assert "Traceback" not in err and not api.calls_to("setWebhook")


@pytest.mark.parametrize("end", ["stop", "crash"])
def test_a_message_handled_just_before_a_stop_or_a_crash_is_not_handled_again_at_the_next_start(
    sqlite: tuple[str, Engine], tmp_path: Path, end: str
) -> None:
    """Telegram sends an update again until a later getUpdates confirms it. A stop right after
    the bot answered /start used to leave it unconfirmed, and the next start welcomed the person
    a second time (and would file a status reply twice): a stop now confirms what it handled. A
    crash (SIGKILL) cannot; the next start gets the update again and recognises it. Sending takes
    a while here, so the stop or the crash comes while the second reply is on its way, before
    the poll that would confirm the update."""
    with FakeBotApi(token=TOKEN, method_latency={"sendMessage": 0.5}) as api:
        _end_right_after_the_welcome(sqlite, tmp_path, api, end)


def _end_right_after_the_welcome(
    sqlite: tuple[str, Engine], tmp_path: Path, api: FakeBotApi, end: str
) -> None:
    url, engine = sqlite
    code = invite_one(engine)

    def say(number: int, text: str) -> None:
        api.queue_update(private_message(5502, number, text))

    def texts() -> list[str]:
        return [str(call.params["text"]) for call in api.delivered() if call.chat_id == "5502"]

    def wait_until(condition: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline and not condition():
            time.sleep(0.02)
        assert condition(), what

    env = telegram_env(url, api)
    say(1, f"/start {code}")
    first = start_run(env, tmp_path)
    try:
        wait_until(lambda: bool(texts()), "no welcome")
        # As soon as the first reply is out, the second on its way.
        first.send_signal(signal.SIGTERM if end == "stop" else signal.SIGKILL)
    finally:
        out, err = first.communicate(timeout=30)
    time.sleep(0.6)  # the fake answers (and records) a call already on its way
    before = texts()
    assert before[0].startswith("Chào Cán bộ 0"), before
    if end == "stop":
        assert len(before) == 2, before  # the command list too: the stop let the reply finish
        assert first.returncode == 0, out + err
        assert api.pending_updates() == 0, "the stop did not confirm the update it had handled"
    else:
        assert first.returncode == -signal.SIGKILL, out + err
        # The command list may or may not have left before the crash; either way it is not
        # sent again with a second welcome.
        assert api.pending_updates() == 1, "the update was confirmed before the crash: nothing tested"

    say(2, "/viec")
    second = start_run(env, tmp_path)
    try:
        wait_until(lambda: len(texts()) > len(before), "no answer to /viec")
        time.sleep(0.5)  # anything else it would send now
    finally:
        second.send_signal(signal.SIGTERM)
        out, err = second.communicate(timeout=30)
    assert second.returncode == 0, out + err
    after = texts()[len(before) :]
    assert len(after) == 1 and "III.2.c" in after[0], after
    assert api.pending_updates() == 0
    with Session(engine) as session:
        assert len(session.exec(select(ChatBinding)).all()) == 1
