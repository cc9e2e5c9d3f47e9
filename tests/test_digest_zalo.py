"""On Zalo, which takes no files and counts every message against a small quota, the weekly
digest lists five rows of each list, with titles cut at a word (three messages, not seven); every
total is the same as on Telegram, and a cut list does not point at an Excel workbook Zalo never
gets."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.db.models import OutboxKind, OutboxMessage, Plan
from bot.digest import ZALO_LIMIT, split_message
from bot.digest.compose import compose_digest
from bot.digest.schedule import DigestSchedule, enqueue_digests
from bot.outbox.context import load_contexts
from bot.outbox.render import render_reminder
from bot.plans.loader import load_workspace
from bot.plans.sync import sync_workspace
from bot.workcal import WorkCalendar

PLANS = Path(__file__).resolve().parent.parent / "plans"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CALENDAR = WorkCalendar()
AS_OF = dt.date(2026, 12, 4)
CHIEF = "donghai.nguyen-van-hung"


def silent_lines(text: str) -> list[str]:
    section = text.split("Đơn vị chưa cập nhật lần nào")[1].split("\n\n")[0]
    return [line for line in section.splitlines() if line.startswith("• ")]


def overdue_lines(text: str) -> list[str]:
    section = text.split("Nhiệm vụ quá hạn (")[1].split("\n\n")[0]
    return [line for line in section.splitlines() if re.match(r"\d+\. \[", line)]


@pytest.fixture
def synced(engine: Engine) -> Engine:
    workspace = load_workspace([PLANS])
    assert workspace.errors == []
    with Session(engine) as session, session.begin():
        sync_workspace(session, workspace, dt.datetime(2026, 12, 1, tzinfo=dt.UTC), calendar=CALENDAR)
    return engine


def test_the_zalo_digest_is_short_with_the_same_totals(synced: Engine) -> None:
    with Session(synced) as session:
        plans = sorted(session.exec(select(Plan.id)).all())
        payload = {"period": "2026-12-04T15:00", "as_of": AS_OF.isoformat(), "plans": plans}
        telegram = compose_digest(session, CHIEF, payload, channel="telegram", tz=TZ, calendar=CALENDAR)
        zalo = compose_digest(session, CHIEF, payload, channel="zalo", tz=TZ, calendar=CALENDAR)
    full, short = "\n".join(telegram.pieces), "\n".join(zalo.pieces)
    overdue = int(re.search(r"Nhiệm vụ quá hạn \((\d+)\)", short).group(1))  # type: ignore[union-attr]
    assert overdue > 10 and f"Nhiệm vụ quá hạn ({overdue})" in full
    assert len(overdue_lines(full)) == overdue and len(overdue_lines(short)) == 5
    assert f"… và {overdue - 5} nhiệm vụ quá hạn khác." in short and "Excel" not in short
    assert re.search(r"Tổng số nhiệm vụ: [\d.]+", full).group() in short  # type: ignore[union-attr]
    assert len(zalo.pieces) <= 3 and all(len(piece) <= 2000 for piece in zalo.pieces)
    assert len(short) < len(re.sub(r"<[^>]+>", "", full)) / 2
    # Titles are cut at a word (plans' run to 300 characters); the Telegram digest keeps them whole.
    assert max(len(line) for line in short.splitlines()) < 300 < max(len(line) for line in full.splitlines())


def test_the_weekly_digest_queued_for_the_chief_sends_the_short_text_on_zalo(synced: Engine) -> None:
    """The dispatcher sends the text rendered when the digest was queued: `plain` is the short one."""
    friday = dt.datetime.combine(AS_OF, dt.time(15), TZ)
    with Session(synced) as session, session.begin():
        enqueue_digests(session, friday, schedule=DigestSchedule(), tz=TZ, calendar=CALENDAR)
    with Session(synced) as session:
        row = session.exec(
            select(OutboxMessage).where(
                OutboxMessage.person_id == CHIEF, OutboxMessage.kind == OutboxKind.DIGEST
            )
        ).one()
        assert row.id is not None
        context = load_contexts(synced, [row.id])[row.id]
    zalo = render_reminder(context, days_left=None, html=False, buttons=False, tz=TZ).text
    telegram = render_reminder(context, days_left=None, html=True, buttons=True, tz=TZ).text
    # The chief follows the ward's own plan: its longest list is the units that never reported.
    assert len(silent_lines(zalo)) == 5 and "Excel" not in zalo
    assert len(silent_lines(re.sub(r"<[^>]+>", "", telegram))) > 5
    assert len(split_message(zalo, ZALO_LIMIT, html=False)) <= 3
