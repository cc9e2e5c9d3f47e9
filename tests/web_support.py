"""What the web tests share: the digest tests' district (two plans, four people, a known history),
a digest in the archive, and the web application served by uvicorn on a loopback port, on a
simulated clock (Friday 20/11/2026, 10:00 in Hà Nội), in a thread of its own."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session
from test_digest_state import CT, KH, TZ, seed

from bot.channels.receiving import UpdateReceiver
from bot.clock import SimulatedClock
from bot.db.engine import make_engine
from bot.db.migrate import upgrade
from bot.db.models import OutboxKind, OutboxMessage, OutboxState
from bot.settings import Settings
from bot.web.app import create_app
from bot.web.server import WebServer
from bot.workcal import WorkCalendar
from tests.cli_support import CliResult, run_nhacviec

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=TZ)
ROOT = Path(__file__).resolve().parent.parent
NHACVIEC = Path(sys.executable).parent / "nhacviec"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def seeded_database(folder: Path) -> tuple[str, Engine]:
    """The district, synced and updated, plus one digest sent to the chief on 20/11."""
    url = f"sqlite:///{folder / 'web.db'}"
    engine = make_engine(url)
    upgrade(engine)
    seed(engine)
    sent = dt.datetime(2026, 11, 20, 8, 0, tzinfo=TZ)
    with Session(engine) as session, session.begin():
        session.add(
            OutboxMessage(
                idempotency_key="digest|chanh-vp|2026-11-20",
                kind=OutboxKind.DIGEST,
                person_id="chanh-vp",
                payload={"as_of": "2026-11-20", "plans": [KH, CT]},
                send_at=sent,
                next_attempt_at=sent,
                state=OutboxState.SENT,
                sent_at=sent,
                channel="telegram",
                created_at=sent,
                updated_at=sent,
            )
        )
    return url, engine


def settings_for(url: str, **values: Any) -> Settings:
    return Settings(_env_file=None, database_url=url, **values)  # type: ignore[call-arg]


@dataclass
class Served:
    url: str
    clock: SimulatedClock
    engine: Engine
    database_url: str


@contextmanager
def serve(
    engine: Engine,
    database_url: str,
    clock: SimulatedClock,
    receivers: Sequence[UpdateReceiver[Any]] = (),
    **settings: Any,
) -> Iterator[Served]:
    """The application on 127.0.0.1 (a port the system picks) until the block ends."""
    app = create_app(
        engine,
        settings=settings_for(database_url, **settings),
        clock=clock,
        calendar=WorkCalendar(),
        receivers=receivers,
    )
    server = WebServer(app, "127.0.0.1", 0)
    loop = asyncio.new_event_loop()
    started = threading.Event()
    failure: list[BaseException] = []

    async def main() -> None:
        try:
            await server.start()
        except BaseException as exc:  # reported to the test thread
            failure.append(exc)
            started.set()
            return
        started.set()
        await server.wait()

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    assert started.wait(10), "the web server did not start in 10 s"
    if failure:
        raise failure[0]
    try:
        yield Served(f"http://127.0.0.1:{server.port}", clock, engine, database_url)
    finally:
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result(10)
        thread.join(10)
        loop.close()


def _web_login_env(database_url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "NHACVIEC_LANGUAGE": "vi", "COLUMNS": "300"}


def web_login(
    database_url: str, person: str, base_url: str, *extra: str, folder: Path
) -> subprocess.CompletedProcess[str]:
    """`nhacviec web-login PERSON --base-url URL`, as a user runs it (a real process)."""
    return subprocess.run(
        [str(NHACVIEC), "web-login", person, "--base-url", base_url, *extra],
        capture_output=True,
        text=True,
        cwd=folder,
        env=_web_login_env(database_url),
        timeout=60,
        check=False,
    )


def web_login_in_process(
    database_url: str, person: str, base_url: str, *extra: str, folder: Path
) -> CliResult:
    """The same command in-process (`tests/cli_support.py`: what a fresh process would see)."""
    return run_nhacviec(
        "web-login", person, "--base-url", base_url, *extra, env=_web_login_env(database_url), cwd=folder
    )


def sign_in(client: httpx.Client, link: str) -> httpx.Response:
    """Open the link, press «Đăng nhập»: the answer to the press (a redirect when it worked)."""
    page = client.get(link)
    found = CSRF.search(page.text)
    if page.status_code != 200 or found is None:
        return page
    return client.post(link, data={"csrf": found.group(1)})
