"""When digests go out and to whom: `schedules/digest.yaml`, the recipients of each plan, and the
outbox rows of kind `digest` the engine's cron job inserts (`enqueue_digests`).

A recipient is a person named in a plan's `digest_to`, or a chief (`role: chief`) of the plan's
monitoring unit. Each plan's cron comes from the person's entry in the file, else the plan's,
else the default; a person whose plans share a cron gets one digest covering them all.

Once per period, across restarts and several processes: the outbox key is
`digest|<person id>|<period>`, the period being the local time the cron fired
(`2026-11-20T15:00`), and the insert does nothing when that key exists. A fire time missed while
the bot was down is caught up if it is less than `catch_up_hours` old; older ones are skipped.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from apscheduler.triggers.cron import CronTrigger
from pydantic import Field
from sqlmodel import Session

from bot import paths
from bot.db.models import (
    OutboxKind,
    OutboxMessage,
    OutboxState,
    Person,
    Plan,
    PlanDigestRecipient,
)
from bot.db.roles import Role
from bot.db.upsert import insert_for
from bot.digest import messages as msg
from bot.i18n import N_
from bot.plans.loader import load_model_file
from bot.plans.model import StrictModel
from bot.workcal import WorkCalendar

DIGEST_SCHEDULE_FILE = "digest.yaml"
LATE_AFTER = dt.timedelta(hours=1)


class DigestSchedule(StrictModel):
    cron: str = "0 15 * * fri"
    """minute hour day month day-of-week, local time (TIMEZONE)."""
    catch_up_hours: int = Field(default=48, ge=0)
    plans: dict[str, str] = Field(default_factory=dict)
    """Plan id → cron, for that plan's digests."""
    people: dict[str, str] = Field(default_factory=dict)
    """Person id → cron, for every digest that person receives."""


class DigestScheduleError(Exception):
    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


BAD_CRON = N_(
    "{path}: {field}: «{cron}» không phải biểu thức cron hợp lệ ({detail}). Viết 5 trường "
    '«phút giờ ngày tháng thứ», ví dụ "0 15 * * fri" (15:00 thứ Sáu hằng tuần); thứ viết bằng '
    "tên tiếng Anh (mon, tue, wed, thu, fri, sat, sun)."
)


def load_digest_schedule(path: Path, *, lang: str = "vi") -> DigestSchedule:
    """The file's schedule; no file means the defaults. Raises DigestScheduleError."""
    if not path.exists():
        return DigestSchedule()
    schedule, problems = load_model_file(path, DigestSchedule, lang=lang)
    errors = [problem for problem in problems if problem.severity == "error"]
    if schedule is None or errors:
        raise DigestScheduleError([problem.format() for problem in errors or problems])
    bad = []
    named = [("cron", schedule.cron)]
    named += [(f"plans.{key}", cron) for key, cron in schedule.plans.items()]
    named += [(f"people.{key}", cron) for key, cron in schedule.people.items()]
    for field, cron in named:
        try:
            CronTrigger.from_crontab(cron)
        except ValueError as exc:
            bad.append(msg.render(lang, BAD_CRON, path=path, field=field, cron=cron, detail=exc))
    if bad:
        raise DigestScheduleError(bad)
    return schedule


def recipients(session: Session) -> dict[str, list[str]]:
    """Person id → the ids of the live plans whose digest they receive (both sorted)."""
    plans = Plan.__table__  # type: ignore[attr-defined]
    people = Person.__table__  # type: ignore[attr-defined]
    named = PlanDigestRecipient.__table__  # type: ignore[attr-defined]
    by_name = (
        sa.select(people.c.id.label("person_id"), plans.c.id.label("plan_id"))
        .select_from(
            named.join(plans, plans.c.id == named.c.plan_id).join(people, people.c.id == named.c.person_id)
        )
        .where(plans.c.archived_at.is_(None), people.c.archived_at.is_(None))
    )
    chiefs = (
        sa.select(people.c.id.label("person_id"), plans.c.id.label("plan_id"))
        .select_from(plans.join(people, people.c.unit_id == plans.c.monitor_unit_id))
        .where(
            plans.c.archived_at.is_(None), people.c.archived_at.is_(None), people.c.role == Role.CHIEF.value
        )
    )
    union = sa.union(by_name, chiefs).subquery()
    result: dict[str, list[str]] = defaultdict(list)
    rows = session.connection().execute(sa.select(union).order_by(union.c.person_id, union.c.plan_id))
    for person_id, plan_id in rows:
        result[person_id].append(plan_id)
    return dict(result)


@dataclass(frozen=True, slots=True)
class DueDigest:
    person_id: str
    period: str
    """The local time the cron fired, `2026-11-20T15:00`."""
    fired_at: dt.datetime
    as_of: dt.date
    plan_ids: list[str]

    @property
    def key(self) -> str:
        return f"digest|{self.person_id}|{self.period}"

    def payload(self) -> dict[str, Any]:
        return {"period": self.period, "as_of": self.as_of.isoformat(), "plans": self.plan_ids}


def last_fire_time(cron: str, now: dt.datetime, tz: ZoneInfo, window: dt.timedelta) -> dt.datetime | None:
    """The latest time ≤ `now` the cron fired, if within `window`."""
    trigger = CronTrigger.from_crontab(cron, timezone=tz)
    fire = trigger.get_next_fire_time(None, now - window)
    last = None
    while fire is not None and fire <= now:
        last = fire
        fire = trigger.get_next_fire_time(fire, fire + dt.timedelta(seconds=1))
    return last


def due_digests(
    session: Session, now: dt.datetime, *, schedule: DigestSchedule, tz: ZoneInfo
) -> list[DueDigest]:
    """The digests whose time has come and that are not in the outbox yet."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    window = dt.timedelta(hours=schedule.catch_up_hours)
    wanted: list[DueDigest] = []
    for person_id, plan_ids in recipients(session).items():
        groups: dict[str, list[str]] = defaultdict(list)
        for plan_id in plan_ids:
            cron = schedule.people.get(person_id) or schedule.plans.get(plan_id) or schedule.cron
            groups[cron].append(plan_id)
        fired: dict[dt.datetime, list[str]] = defaultdict(list)
        for cron, group in groups.items():
            fire = last_fire_time(cron, now, tz, window)
            if fire is not None:
                fired[fire].extend(group)
        for fire, group in sorted(fired.items()):
            local = fire.astimezone(tz)
            period = local.strftime("%Y-%m-%dT%H:%M")
            wanted.append(DueDigest(person_id, period, fire, local.date(), sorted(group)))
    if not wanted:
        return []
    box = OutboxMessage.__table__  # type: ignore[attr-defined]
    existing = set(
        session.connection()
        .execute(
            sa.select(box.c.idempotency_key).where(box.c.idempotency_key.in_([due.key for due in wanted]))
        )
        .scalars()
    )
    return [due for due in wanted if due.key not in existing]


def enqueue_digests(
    session: Session,
    now: dt.datetime,
    *,
    schedule: DigestSchedule,
    tz: ZoneInfo,
    calendar: WorkCalendar | None = None,
    templates: Path = paths.TEMPLATES_DIR,
    dashboard: bool = False,
) -> list[DueDigest]:
    """Insert an outbox row of kind `digest` for each due digest; returns those inserted.

    With a `calendar`, the digest is also rendered into the payload, in the recipient's language,
    as the dispatcher sends it (`bot.outbox.render`): `text` (Telegram HTML, `parse_mode: html`)
    and `plain` (for Zalo and the console); the channel splits it at its limit. `dashboard`: the
    dashboard is served, and the digest ends saying how to open it.

    Safe to run from several processes at once: a row another process inserted first is skipped
    by the unique idempotency key, not an error. The caller commits.
    """
    inserted: list[DueDigest] = []
    connection = session.connection()
    box = OutboxMessage.__table__  # type: ignore[attr-defined]
    for due in due_digests(session, now, schedule=schedule, tz=tz):
        payload = due.payload()
        if calendar is not None:
            payload.update(_rendered(session, due, tz, calendar, templates, dashboard))
        values = {
            "idempotency_key": due.key,
            "kind": OutboxKind.DIGEST.value,
            "step": 0,
            "person_id": due.person_id,
            "send_at": due.fired_at,
            "state": OutboxState.PENDING.value,
            "next_attempt_at": now,
            "attempts": 0,
            "late": now - due.fired_at > LATE_AFTER,
            "payload": payload,
            "created_at": now,
            "updated_at": now,
        }
        statement = insert_for(connection.dialect.name, box).values(**values)
        statement = statement.on_conflict_do_nothing(index_elements=["idempotency_key"])
        # RETURNING, not rowcount: an INSERT's rowcount is -1 on PostgreSQL (SQLAlchemy 2.1), which
        # counted a digest another process had queued as this one's.
        if connection.execute(statement.returning(box.c.id)).first() is not None:
            inserted.append(due)
    return inserted


def _rendered(
    session: Session, due: DueDigest, tz: ZoneInfo, calendar: WorkCalendar, templates: Path, dashboard: bool
) -> dict[str, str]:
    from bot.digest.queries import build_digest
    from bot.digest.render import Format, render_digest, render_plain

    person = session.get(Person, due.person_id)
    assert person is not None, due.person_id
    since = previous_digest_at(session, due.person_id, due.fired_at)
    digest = build_digest(
        session, due.plan_ids, as_of=due.as_of, tz=tz, calendar=calendar, since=since, recipient=person.name
    )
    return {
        "text": render_digest(
            digest, lang=person.language, tz=tz, fmt=Format.HTML, templates=templates, dashboard=dashboard
        ),
        "plain": render_plain(digest, lang=person.language, tz=tz, templates=templates, dashboard=dashboard),
        "parse_mode": "html",
    }


def previous_digest_at(session: Session, person_id: str, before: dt.datetime) -> dt.datetime | None:
    """When the person's last digest was sent (before `before`): "since the last digest"."""
    box = OutboxMessage.__table__  # type: ignore[attr-defined]
    value = (
        session.connection()
        .execute(
            sa.select(sa.func.max(box.c.send_at)).where(
                box.c.person_id == person_id,
                box.c.kind == OutboxKind.DIGEST.value,
                box.c.state == OutboxState.SENT.value,
                box.c.send_at < before,
            )
        )
        .scalar_one_or_none()
    )
    return value if isinstance(value, dt.datetime) else None
