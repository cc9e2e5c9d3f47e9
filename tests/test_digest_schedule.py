"""Who receives which digest and when: `schedules/digest.yaml`, `due_digests`, `enqueue_digests`."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from test_digest_state import CALENDAR, CT, KH, TZ, seed

from bot.db.models import OutboxMessage, OutboxState
from bot.digest.compose import compose_digest
from bot.digest.schedule import (
    DigestSchedule,
    DigestScheduleError,
    due_digests,
    enqueue_digests,
    load_digest_schedule,
    previous_digest_at,
    recipients,
)

SCHEDULES = Path(__file__).resolve().parents[1] / "schedules"
FRIDAY_1500 = dt.datetime(2026, 11, 20, 15, 0, tzinfo=TZ)


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    seed(engine)
    return engine


def test_recipients_are_digest_to_and_chiefs_of_the_monitoring_unit(seeded: Engine) -> None:
    with Session(seeded) as session:
        # chanh-vp: chief of vp, which monitors both plans; pct: digest_to of kh-12-2026 only.
        assert recipients(session) == {"chanh-vp": [CT, KH], "pct": [KH]}


def test_one_digest_per_person_and_period_across_restarts(seeded: Engine) -> None:
    schedule = DigestSchedule()
    with Session(seeded) as session, session.begin():
        # The Friday before is more than 48 hours old at Friday 14:59: nothing due yet.
        assert enqueue_digests(session, FRIDAY_1500 - dt.timedelta(minutes=1), schedule=schedule, tz=TZ) == []
        first = enqueue_digests(session, FRIDAY_1500 + dt.timedelta(minutes=2), schedule=schedule, tz=TZ)
    assert [(due.key, due.plan_ids, due.as_of) for due in first] == [
        ("digest|chanh-vp|2026-11-20T15:00", [CT, KH], dt.date(2026, 11, 20)),
        ("digest|pct|2026-11-20T15:00", [KH], dt.date(2026, 11, 20)),
    ]
    with Session(seeded) as session, session.begin():  # a restart an hour later
        assert enqueue_digests(session, FRIDAY_1500 + dt.timedelta(hours=1), schedule=schedule, tz=TZ) == []
    with Session(seeded) as session:
        rows = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "digest")).all()
    assert len(rows) == 2
    row = next(row for row in rows if row.person_id == "chanh-vp")
    assert row.payload == {"period": "2026-11-20T15:00", "as_of": "2026-11-20", "plans": [CT, KH]}
    assert (row.state, row.send_at, row.late) == (OutboxState.PENDING, FRIDAY_1500, False)


def test_a_missed_digest_is_caught_up_late_then_never_again(seeded: Engine) -> None:
    saturday = FRIDAY_1500 + dt.timedelta(hours=20)
    with Session(seeded) as session, session.begin():
        caught = enqueue_digests(session, saturday, schedule=DigestSchedule(), tz=TZ)
    assert [due.period for due in caught] == ["2026-11-20T15:00"] * 2
    with Session(seeded) as session:
        assert all(row.late for row in session.exec(select(OutboxMessage)).all() if row.kind == "digest")
    with Session(seeded) as session, session.begin():
        too_late = DigestSchedule(catch_up_hours=12)
        assert enqueue_digests(session, saturday + dt.timedelta(days=1), schedule=too_late, tz=TZ) == []


def test_crons_per_person_and_per_plan(seeded: Engine) -> None:
    schedule = DigestSchedule(plans={CT: "30 7 * * mon"}, people={"pct": "0 16 * * thu"}, catch_up_hours=100)
    monday = dt.datetime(2026, 11, 23, 7, 31, tzinfo=TZ)
    with Session(seeded) as session, session.begin():
        due = enqueue_digests(session, monday, schedule=schedule, tz=TZ)
    assert sorted((d.key, tuple(d.plan_ids)) for d in due) == [
        ("digest|chanh-vp|2026-11-20T15:00", (KH,)),
        ("digest|chanh-vp|2026-11-23T07:30", (CT,)),
        ("digest|pct|2026-11-19T16:00", (KH,)),
    ]


def test_since_the_last_digest_sent(seeded: Engine) -> None:
    with Session(seeded) as session, session.begin():
        enqueue_digests(session, FRIDAY_1500, schedule=DigestSchedule(), tz=TZ)
        assert previous_digest_at(session, "chanh-vp", FRIDAY_1500 + dt.timedelta(days=7)) is None
        for row in session.exec(select(OutboxMessage).where(OutboxMessage.kind == "digest")):
            row.state = OutboxState.SENT
    with Session(seeded) as session:
        assert previous_digest_at(session, "chanh-vp", FRIDAY_1500 + dt.timedelta(days=7)) == FRIDAY_1500
        assert previous_digest_at(session, "chanh-vp", FRIDAY_1500) is None


def test_the_shipped_schedule_file_is_valid() -> None:
    schedule = load_digest_schedule(SCHEDULES / "digest.yaml")
    assert (schedule.cron, schedule.catch_up_hours) == ("0 15 * * fri", 48)
    assert (schedule.plans, schedule.people) == ({}, {})


def test_a_bad_cron_says_where_and_how_to_fix_it(tmp_path: Path) -> None:
    shutil.copy(SCHEDULES / "digest.yaml", tmp_path / "digest.yaml")
    path = tmp_path / "digest.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("people: {}", 'people:\n  pct: "0 25 * * fri"'),
        encoding="utf-8",
    )
    with pytest.raises(DigestScheduleError) as caught:
        load_digest_schedule(path, lang="en")
    (message,) = caught.value.messages
    assert message.startswith(f"{path}: people.pct: «0 25 * * fri» is not a valid cron expression (")
    assert 'e.g. "0 15 * * fri"' in message
    with pytest.raises(DigestScheduleError) as caught:
        load_digest_schedule(path, lang="vi")
    assert "không phải biểu thức cron hợp lệ" in caught.value.messages[0]


def test_a_misspelt_key_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "digest.yaml"
    path.write_text('cron: "0 15 * * fri"\ncatchup_hours: 3\n', encoding="utf-8")
    with pytest.raises(DigestScheduleError) as caught:
        load_digest_schedule(path, lang="en")
    assert "catchup_hours" in caught.value.messages[0] and "digest.yaml:2" in caught.value.messages[0]


def test_an_outbox_row_composed_for_telegram_and_zalo(seeded: Engine) -> None:
    with Session(seeded) as session, session.begin():
        (due, _) = enqueue_digests(session, FRIDAY_1500, schedule=DigestSchedule(), tz=TZ)
        row = session.exec(select(OutboxMessage).where(OutboxMessage.idempotency_key == due.key)).one()
        assert row.payload is not None
        telegram = compose_digest(
            session, row.person_id, row.payload, channel="telegram", tz=TZ, calendar=CALENDAR
        )
        zalo = compose_digest(
            session, row.person_id, row.payload, channel="zalo", tz=TZ, calendar=CALENDAR, lang="en"
        )
    assert telegram.html and not zalo.html
    assert telegram.pieces[0].startswith("<b>BÁO CÁO TỔNG HỢP TÌNH HÌNH THỰC HIỆN NHIỆM VỤ</b>")
    assert "<b>Tổng số nhiệm vụ: 11</b>" in telegram.pieces[0]
    assert all(len(piece) <= 4096 for piece in telegram.pieces)
    assert zalo.pieces[0].startswith("TASK PROGRESS DIGEST") and len(zalo.pieces) >= 2
    assert all(len(piece) <= 2000 for piece in zalo.pieces)
    assert "".join("".join(zalo.pieces).split()).count("Tasks:11") == 1
    assert telegram.chart_png[:8] == b"\x89PNG\r\n\x1a\n"
    assert telegram.workbook_xlsx[:2] == b"PK" and telegram.workbook_name == "digest-2026-11-20.xlsx"


def test_the_rendered_digest_goes_through_the_dispatchers_renderer(seeded: Engine) -> None:
    from bot.channels.base import ParseMode
    from bot.outbox.context import load_contexts
    from bot.outbox.render import render_reminder

    with Session(seeded) as session, session.begin():
        enqueue_digests(session, FRIDAY_1500, schedule=DigestSchedule(), tz=TZ, calendar=CALENDAR)
    with Session(seeded) as session:
        rows = {row.person_id: row for row in session.exec(select(OutboxMessage)) if row.kind == "digest"}
    chief, leader = rows["chanh-vp"], rows["pct"]
    assert chief.payload is not None and leader.payload is not None
    assert chief.payload["parse_mode"] == "html"
    assert chief.payload["text"].startswith("<b>BÁO CÁO TỔNG HỢP TÌNH HÌNH THỰC HIỆN NHIỆM VỤ</b>\n")
    assert "&lt;có ưu tiên&gt; &amp;" in chief.payload["text"]
    assert chief.payload["plain"].startswith("BÁO CÁO TỔNG HỢP TÌNH HÌNH THỰC HIỆN NHIỆM VỤ\n")
    assert leader.payload["plain"].startswith(
        "TASK PROGRESS DIGEST\nFigures as of the end of Friday, 20/11/2026"
    )
    assert chief.id is not None
    context = load_contexts(seeded, [chief.id])[chief.id]
    telegram = render_reminder(context, days_left=None, html=True, buttons=True, tz=TZ)
    zalo = render_reminder(context, days_left=None, html=False, buttons=False, tz=TZ)
    assert (telegram.text, telegram.parse_mode) == (chief.payload["text"], ParseMode.HTML)
    assert (zalo.text, zalo.parse_mode) == (chief.payload["plain"], ParseMode.TEXT)


def test_the_engine_job_queues_each_digest_once(seeded: Engine) -> None:
    from bot import paths
    from bot.clock import SimulatedClock
    from bot.engine.digests import digest_job, run_digest_job
    from bot.engine.root import Root
    from bot.schedules import load_schedule_defaults
    from bot.settings import Settings

    settings = Settings(_env_file=None, schedules_dir=paths.SCHEDULES_DIR, timezone=TZ.key)  # type: ignore[call-arg]
    defaults = load_schedule_defaults(paths.SCHEDULES_DIR, lang="vi")
    root = Root(
        settings=settings, clock=SimulatedClock(FRIDAY_1500), calendar=CALENDAR, defaults=defaults, lang="vi"
    )
    job = digest_job(seeded, root)  # what the engine schedules: the database is bound, the time given
    assert (job.id, dict(job.cron)) == ("digests", {"minute": "*"})
    assert job.run(FRIDAY_1500 + dt.timedelta(minutes=1)) == 2
    assert run_digest_job(seeded, root, FRIDAY_1500 + dt.timedelta(minutes=2)) == 0


def test_where_the_dashboard_is_served_the_queued_digest_ends_with_how_to_open_it(seeded: Engine) -> None:
    from bot import paths
    from bot.clock import SimulatedClock
    from bot.engine.digests import run_digest_job
    from bot.engine.root import Root
    from bot.schedules import load_schedule_defaults
    from bot.settings import Settings
    from bot.web import links

    settings = Settings(_env_file=None, schedules_dir=paths.SCHEDULES_DIR, timezone=TZ.key)  # type: ignore[call-arg]
    defaults = load_schedule_defaults(paths.SCHEDULES_DIR, lang="vi")
    root = Root(
        settings=settings, clock=SimulatedClock(FRIDAY_1500), calendar=CALENDAR, defaults=defaults, lang="vi"
    )
    links.configure(links.LinkSettings("https://nhacviec.example.gov.vn/", dt.timedelta(minutes=15)))
    try:
        assert run_digest_job(seeded, root, FRIDAY_1500 + dt.timedelta(minutes=1)) == 2
    finally:
        links.configure(None)
    with Session(seeded) as session:
        chief = session.exec(select(OutboxMessage).where(OutboxMessage.person_id == "chanh-vp")).one()
    assert chief.payload is not None
    hint = "Xem đầy đủ trên trang theo dõi: gõ /web để nhận đường dẫn đăng nhập."
    assert chief.payload["text"].endswith(hint) and chief.payload["plain"].endswith(hint)


def test_two_processes_enqueueing_at_once_each_count_only_their_own(seeded: Engine) -> None:
    """The second process finds the first's rows at its INSERT (ON CONFLICT DO NOTHING): it must
    say it queued nothing, not count them (an INSERT's rowcount is -1 on PostgreSQL)."""
    import threading
    import time

    schedule = DigestSchedule()
    now = FRIDAY_1500 + dt.timedelta(minutes=2)
    second: list[list[object]] = []
    with Session(seeded) as first_session, first_session.begin():
        first = enqueue_digests(first_session, now, schedule=schedule, tz=TZ)
        with Session(seeded) as other:
            # The other process has already decided what is due (its snapshot predates the commit).
            assert len(list(due_digests(other, now, schedule=schedule, tz=TZ))) == 2
            other.rollback()

        def other_process() -> None:
            with Session(seeded) as session, session.begin():
                second.append(list(enqueue_digests(session, now, schedule=schedule, tz=TZ)))

        thread = threading.Thread(target=other_process)
        thread.start()
        # It waits for our rows (PostgreSQL) or our write lock (SQLite). A sleep, not a timed join:
        # a timed wait never times out under libfaketime (CI runs the suite with the clock moved).
        time.sleep(1.0)
    thread.join()
    assert len(first) == 2 and second == [[]]
