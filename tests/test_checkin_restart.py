"""Black box over real HTTP: the head of the unit with the most tasks of the largest seed plan
registers with the bot (a real `nhacviec run` on a SQLite file, the fake Telegram Bot API); the
bot is stopped and started again just before that person's busiest send slot; they receive one
check-in (at most one more message, a grouped escalation), not one message per task.

The plan's own dates are years away from today: its reminders are planned on a simulated clock at
the plan's start, then the busiest slot is moved to a few seconds from now (`SystemClock`), so
the real process reaches it; no date in this test depends on today's.
"""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.clock import SimulatedClock, SystemClock
from bot.db.engine import make_engine
from bot.db.migrate import upgrade
from bot.db.models import ChatBinding, OutboxMessage, OutboxState
from bot.db.roles import Role
from bot.engine.root import Root
from bot.outbox.rows import outbox
from bot.people.invites import create_invite
from bot.plans.loader import load_workspace
from bot.plans.sync import sync_workspace
from bot.reminders.materialize import materialize
from bot.settings import Settings
from tests.fakes import FakeBotApi
from tests.fakes.processes import run_env, start_run

pytestmark = pytest.mark.slow
TOKEN = "424242:CHECKIN-restart"
PLANS = Path(__file__).resolve().parent.parent / "plans"
PLAN = "donghai-103-kh-ubnd-2025"
CHAT = 7701
SLOT_AHEAD = dt.timedelta(seconds=3)
"""How far ahead of the restart the busiest slot is put: the new process must reach it itself."""


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


def to_person(api: FakeBotApi, since: int = 0) -> list[str]:
    return [str(call.params.get("text", "")) for call in api.delivered()[since:] if call.chat_id == str(CHAT)]


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"{what}: not within {timeout:g} s")


def states(engine: Engine, ids: set[int]) -> str:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(outbox.c.state, outbox.c.error, outbox.c.send_at, outbox.c.next_attempt_at).where(
                outbox.c.id.in_(ids)
            )
        ).all()
    return str(Counter((row.state, row.error, row.send_at, row.next_attempt_at) for row in rows))


def stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    return out + err


def test_after_a_restart_before_the_busiest_slot_the_head_gets_one_checkin_not_one_per_task(
    sqlite: tuple[str, Engine], tmp_path: Path, api: FakeBotApi
) -> None:
    url, engine = sqlite
    settings = Settings(_env_file=None, plans_dir=PLANS)
    workspace = load_workspace([PLANS / f"{PLAN}.yaml"])
    plan = workspace.plans[PLAN].plan
    unit, tasks = Counter(task.lead for task in plan.tasks if task.lead).most_common(1)[0]
    assert tasks >= 20, (unit, tasks)
    # The plan as the office would have it on its first day, 07:00 (simulated).
    clock = SimulatedClock(dt.datetime.combine(plan.issued, dt.time(7), settings.tz))
    root = Root.build(settings, clock, "vi")
    with Session(engine) as session, session.begin():
        sync_workspace(session, workspace, clock.now(), calendar=root.calendar)
        code = create_invite(
            session, unit_id=unit, role=Role.HEAD, name="Trưởng phòng Kinh tế", now=SystemClock().now()
        ).code

    # The head registers through the running bot, over HTTP.
    env = telegram_env(url, api)
    first = start_run(env, tmp_path)
    api.queue_update(
        {
            "message": {
                "message_id": 1,
                "date": int(SystemClock().now().timestamp()),
                "chat": {"id": CHAT, "type": "private"},
                "from": {"id": CHAT, "is_bot": False, "first_name": "Hải"},
                "text": f"/start {code}",
            }
        }
    )
    try:
        wait_for(lambda: to_person(api), 30, "no welcome after /start")
    finally:
        output = stop(first)
    with Session(engine) as session:
        binding = session.exec(select(ChatBinding).where(ChatBinding.chat_id == str(CHAT))).one()
    person = binding.person_id

    # Their reminders, planned from the plan's first day; the busiest send slot is the one with
    # the most rows (the monthly report day of a unit leading dozens of tasks).
    with Session(engine) as session, session.begin():
        materialize(
            session,
            clock.now(),
            calendar=root.calendar,
            defaults=root.defaults,
            tz=settings.tz,
            horizon_months=settings.horizon_months,
            plan_ids=[PLAN],
        )
    with engine.connect() as connection:
        mine = connection.execute(
            sa.select(outbox.c.id, outbox.c.send_at).where(
                outbox.c.person_id == person, outbox.c.state == OutboxState.PENDING
            )
        ).all()
    slots = Counter(row.send_at for row in mine)
    busiest, due_then = slots.most_common(1)[0]
    assert due_then >= 10, slots.most_common(3)
    # Earlier slots went while the bot ran before (they are not this test's subject); the
    # busiest one and everything after it move so that the busiest is a few seconds from now.
    slot_at = SystemClock().now() + SLOT_AHEAD
    shift = slot_at - busiest.replace(tzinfo=dt.UTC)
    with engine.begin() as connection:
        earlier = [row_id for row_id, send_at in mine if send_at < busiest]
        connection.execute(
            sa.update(outbox)
            .where(outbox.c.id.in_(earlier))
            .values(state=OutboxState.CANCELLED, error="before this test's slot")
        )
        for row_id, send_at in mine:
            if send_at >= busiest:
                moved = send_at.replace(tzinfo=dt.UTC) + shift
                connection.execute(
                    sa.update(outbox)
                    .where(outbox.c.id == row_id)
                    .values(send_at=moved, next_attempt_at=moved)
                )

    # Restarted just before the slot.
    seen = len(api.delivered())
    restarted_at = SystemClock().now()
    second = start_run(env, tmp_path)
    slot_ids = {row_id for row_id, send_at in mine if send_at == busiest}
    try:

        def slot_sent() -> bool:
            with Session(engine) as session:
                rows = session.exec(select(OutboxMessage).where(col(OutboxMessage.id).in_(slot_ids))).all()
            return all(row.state is OutboxState.SENT for row in rows)

        wait_for(slot_sent, 20, f"the busiest slot's rows were not all sent: {states(engine, slot_ids)}")
        time.sleep(1.0)  # anything else it would send to them at this slot goes now
    finally:
        output += stop(second)
    received = to_person(api, seen)
    assert 1 <= len(received) <= 2, (len(received), [text[:80] for text in received])
    with Session(engine) as session:
        rows = session.exec(select(OutboxMessage).where(col(OutboxMessage.id).in_(slot_ids))).all()
    # Every row of the slot went in the same message, sent after the restart, at its slot.
    assert len({row.sent_message_id for row in rows}) == 1 and rows[0].checkin_id is not None
    # (The slot was fixed before the restart: moving the rows takes a moment, so the slot is not
    # `restarted_at + SLOT_AHEAD`, which a bot that starts quickly would seem to send before.)
    assert all(row.sent_at is not None and row.sent_at >= max(slot_at, restarted_at) for row in rows)
    assert len(received[0]) <= 4096 and "/viec" in received[0], received[0][:200]
    assert "Traceback" not in output
