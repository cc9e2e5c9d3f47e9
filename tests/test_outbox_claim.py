"""Claiming is atomic, leases expire, and only the lease holder can mark a row."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.clock import SystemClock
from bot.db.models import OutboxState
from bot.outbox import claim as store
from tests.fakes.outbox_world import add_reminders, build_world, outbox_rows

NOW = dt.datetime(2026, 11, 20, 1, 0, tzinfo=dt.UTC)
LEASE = dt.timedelta(seconds=30)


def test_two_claims_never_share_a_row(engine: Engine) -> None:
    world = build_world(engine, people=5, occurrences=2)
    ids = add_reminders(engine, world, send_at=NOW)
    # The limit counts people: each person's two rows are claimed together (one check-in).
    first = store.claim(engine, "a", NOW, LEASE, 3)
    second = store.claim(engine, "b", NOW, LEASE, 3)
    third = store.claim(engine, "c", NOW, LEASE, 3)
    assert len(first) == 6 and len(second) == 4 and third == []
    assert {c.id for c in first}.isdisjoint({c.id for c in second})
    assert {c.id for c in first} | {c.id for c in second} == set(ids)
    rows = outbox_rows(engine)
    assert all(r.state == OutboxState.SENDING and r.attempts == 1 for r in rows)
    assert {r.claimed_by for r in rows} == {"a", "b"}


def test_rows_not_yet_due_are_not_claimed(engine: Engine) -> None:
    world = build_world(engine, people=2)
    add_reminders(engine, world, send_at=NOW + dt.timedelta(minutes=5))
    assert store.claim(engine, "a", NOW, LEASE, 10) == []
    assert store.next_due(engine) == NOW + dt.timedelta(minutes=5)


def test_an_expired_lease_is_taken_over_and_the_old_holder_cannot_mark(engine: Engine) -> None:
    world = build_world(engine, people=1)
    (row_id,) = add_reminders(engine, world, send_at=NOW)
    (claimed,) = store.claim(engine, "dead", NOW, LEASE, 10)
    assert store.claim(engine, "b", NOW + LEASE - dt.timedelta(seconds=1), LEASE, 10) == []
    assert store.next_due(engine) == NOW + LEASE
    later = NOW + LEASE + dt.timedelta(seconds=1)
    (taken,) = store.claim(engine, "b", later, LEASE, 10)
    assert taken.id == row_id and taken.attempts == 2
    assert not store.mark_sent(
        engine, row_id, "dead", channel="telegram", chat_id="1", message_id="9", now=later
    )
    assert store.mark_sent(engine, row_id, "b", channel="telegram", chat_id="1", message_id="10", now=later)
    (row,) = outbox_rows(engine)
    assert (row.state, row.sent_message_id, row.sent_at) == (OutboxState.SENT, "10", later)
    assert claimed.attempts == 1


def test_release_gives_rows_back_with_the_attempt_undone(engine: Engine) -> None:
    world = build_world(engine, people=3)
    add_reminders(engine, world, send_at=NOW)
    store.claim(engine, "a", NOW, LEASE, 10)
    assert store.release(engine, "a", NOW) == 3
    rows = outbox_rows(engine)
    assert all(r.state == OutboxState.PENDING and r.attempts == 0 and r.claimed_by is None for r in rows)
    assert len(store.claim(engine, "b", NOW, LEASE, 10)) == 3


def test_renewing_keeps_the_lease_of_a_live_worker(engine: Engine) -> None:
    world = build_world(engine, people=2)
    add_reminders(engine, world, send_at=NOW)
    store.claim(engine, "a", NOW, LEASE, 10)
    assert store.renew_leases(engine, "a", NOW + dt.timedelta(seconds=20), LEASE) == 2
    assert store.claim(engine, "b", NOW + dt.timedelta(seconds=40), LEASE, 10) == []


def test_retry_and_final_marks_need_the_lease(engine: Engine) -> None:
    world = build_world(engine, people=2)
    first, second = add_reminders(engine, world, send_at=NOW)
    store.claim(engine, "a", NOW, LEASE, 10)
    later = NOW + dt.timedelta(minutes=1)
    assert store.mark_retry(engine, first, "a", error="Telegram: 500", next_attempt_at=later, now=NOW)
    assert not store.mark_retry(engine, first, "a", error="again", next_attempt_at=later, now=NOW)
    assert store.mark_final(engine, second, "a", state=OutboxState.FAILED, reason="Forbidden", now=NOW)
    retried, failed = outbox_rows(engine)
    assert (retried.state, retried.error, retried.next_attempt_at) == (
        OutboxState.PENDING,
        "Telegram: 500",
        later,
    )
    assert (failed.state, failed.error) == (OutboxState.FAILED, "Forbidden")


CLAIMER = """
import datetime as dt, json, sys, time
from bot.db.engine import make_engine
from bot.outbox.claim import claim
engine = make_engine(sys.argv[1])
time.sleep(max(0.0, float(sys.argv[3]) - time.time()))  # both start together
mine = []
while True:
    got = claim(engine, sys.argv[2], dt.datetime.now(dt.UTC), dt.timedelta(minutes=5), 1)
    if not got:
        break
    mine.extend(c.id for c in got)
print(json.dumps(mine))
"""


@pytest.mark.slow
def test_two_processes_claiming_one_sqlite_file_never_share_a_row(tmp_path: Path) -> None:
    from bot.db.engine import make_engine
    from bot.db.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'claim.db'}"
    engine = make_engine(url)
    upgrade(engine)
    world = build_world(engine, people=200, occurrences=2)
    ids = add_reminders(engine, world, send_at=SystemClock().now() - dt.timedelta(seconds=1))
    engine.dispose()
    start = str(time.time() + 3)
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", CLAIMER, url, name, start],
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).parent.parent,
        )
        for name in ("w1", "w2")
    ]
    claimed = [json.loads(worker.communicate(timeout=120)[0]) for worker in workers]
    assert all(worker.returncode == 0 for worker in workers)
    assert claimed[0] and claimed[1], "both processes should have won some claims"
    assert set(claimed[0]).isdisjoint(claimed[1])
    assert sorted(claimed[0] + claimed[1]) == ids
