"""One outbox digest row → what to send: message pieces within the channel's limit, the chart and
the workbook. The dispatcher calls `compose_digest` when it claims a row of kind `digest`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot import paths
from bot.db.models import Person
from bot.digest.queries import build_digest, cutoff_of, task_rows_by_plan
from bot.digest.render import Format, render_digest, render_plain
from bot.digest.schedule import previous_digest_at
from bot.digest.split import TELEGRAM_LIMIT, ZALO_LIMIT, split_message
from bot.workcal import WorkCalendar

CHANNEL_FORMATS = {"telegram": (Format.HTML, TELEGRAM_LIMIT), "zalo": (Format.TEXT, ZALO_LIMIT)}
"""Any other channel (the console) gets plain text in Zalo-sized pieces. A plain text channel gets
the short digest (`render_plain`)."""


@dataclass(frozen=True, slots=True)
class ComposedDigest:
    pieces: list[str]
    html: bool
    chart_png: bytes
    workbook_xlsx: bytes
    workbook_name: str


def compose_digest(
    session: Session,
    person_id: str,
    payload: dict[str, Any],
    *,
    channel: str,
    tz: ZoneInfo,
    calendar: WorkCalendar,
    lang: str | None = None,
    templates: Path = paths.TEMPLATES_DIR,
    dashboard: bool = False,
) -> ComposedDigest:
    """The digest a `digest` outbox row asks for, in the person's language unless `lang` is given.

    Updates are listed since the person's previous digest that was sent (7 days when none).
    """
    from bot.digest.chart import status_chart_png  # matplotlib: only when composing
    from bot.digest.xlsx import digest_workbook

    person = session.get(Person, person_id)
    if person is None:
        raise LookupError(f"no person {person_id!r} for this digest")
    language = lang or person.language
    as_of = dt.date.fromisoformat(str(payload["as_of"]))
    plan_ids = [str(plan_id) for plan_id in payload["plans"]]
    since = previous_digest_at(session, person_id, cutoff_of(as_of, tz))
    digest = build_digest(
        session, plan_ids, as_of=as_of, tz=tz, calendar=calendar, since=since, recipient=person.name
    )
    fmt, limit = CHANNEL_FORMATS.get(channel, (Format.TEXT, ZALO_LIMIT))
    if fmt is Format.HTML:
        text = render_digest(digest, lang=language, tz=tz, fmt=fmt, templates=templates, dashboard=dashboard)
    else:
        text = render_plain(digest, lang=language, tz=tz, templates=templates, dashboard=dashboard)
    tasks = task_rows_by_plan(session, plan_ids, as_of=as_of, tz=tz)
    return ComposedDigest(
        pieces=split_message(text, limit, html=fmt is Format.HTML),
        html=fmt is Format.HTML,
        chart_png=status_chart_png(digest.units, as_of=as_of, lang=language),
        workbook_xlsx=digest_workbook(digest, tasks, lang=language, tz=tz),
        workbook_name=f"digest-{as_of.isoformat()}.xlsx",
    )
