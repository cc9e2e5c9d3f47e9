"""No secret reaches the output of `nhacviec run`, at any log level: not the bot token, not the
webhook secret (PTB logs setWebhook's parameters at DEBUG), not the database password."""

from __future__ import annotations

import datetime as dt
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.channels.redact import TokenFilter
from bot.db.engine import make_engine
from bot.db.migrate import upgrade
from tests.fakes import FakeBotApi
from tests.fakes.outbox_world import add_reminders, build_world
from tests.fakes.processes import run_env, start_run

pytestmark = pytest.mark.slow
TOKEN = "424242:Tok-SECRET_part"
WEBHOOK_SECRET = "Hook_Secret-77aa"
DB_PASSWORD = "Pg-Password-31337"


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN) as server:
        yield server


def test_debug_logs_of_a_webhook_bot_show_no_secret(
    database_url: str, api: FakeBotApi, tmp_path: Path
) -> None:
    if database_url.startswith("postgresql"):
        # The test server trusts local connections: the password is carried, never checked.
        database_url = make_url(database_url).set(password=DB_PASSWORD).render_as_string(hide_password=False)
    engine = make_engine(database_url)
    upgrade(engine)
    world = build_world(engine, people=2)
    add_reminders(engine, world, send_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
    engine.dispose()
    env = run_env(
        database_url,
        api.url,
        TOKEN,
        LOG_LEVEL="DEBUG",
        TELEGRAM_WEBHOOK_URL="https://bot.example.gov.vn/telegram/hook",
        TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET,
        TELEGRAM_WEBHOOK_LISTEN="127.0.0.1",
        TELEGRAM_WEBHOOK_PORT="0",
    )
    process = start_run(env, tmp_path)
    deadline = time.monotonic() + 60
    while len(api.delivered()) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr[-3000:]
    assert api.calls_to("setWebhook")[0].params["secret_token"] == WEBHOOK_SECRET
    assert len(api.delivered()) == 2
    output = stdout + stderr
    assert "Calling Bot API endpoint `setWebhook`" in output, "PTB's DEBUG lines are the risk tested here"
    for secret in (TOKEN, TOKEN.split(":")[1], WEBHOOK_SECRET, DB_PASSWORD):
        assert secret not in output


def test_the_filter_cleans_tracebacks_and_unknown_secret_parameters() -> None:
    import logging

    token_filter = TokenFilter([TOKEN])
    try:
        raise RuntimeError(f"failed on https://api.telegram.org/bot{TOKEN}/getMe")
    except RuntimeError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom %s", ("ok",), sys.exc_info())
    token_filter.filter(record)
    assert record.exc_text is not None and TOKEN not in record.exc_text and "/bot***/getMe" in record.exc_text
    other = logging.LogRecord("x", logging.DEBUG, __file__, 1, "params %s", ({"secret_token": "zz9"},), None)
    token_filter.filter(other)
    assert other.getMessage() == "params {'secret_token': '***'}"
