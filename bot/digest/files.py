"""The files that go with a digest on channels that take files: the PNG chart and the XLSX
workbook (`bot.digest.compose`), built when the row is sent so they show the same day's figures."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.channels.base import OutgoingFile
from bot.workcal import WorkCalendar


def digest_files(
    engine: Engine,
    person_id: str,
    payload: dict[str, Any] | None,
    *,
    channel: str,
    tz: ZoneInfo,
    calendar: WorkCalendar,
) -> list[OutgoingFile]:
    """Chart and workbook of a `digest` outbox row; none when its payload names no period."""
    from bot.digest.compose import compose_digest  # matplotlib: only for digests

    if not payload or "as_of" not in payload or "plans" not in payload:
        return []
    with Session(engine) as session:
        composed = compose_digest(session, person_id, payload, channel=channel, tz=tz, calendar=calendar)
    return [
        OutgoingFile("photo", "digest.png", composed.chart_png),
        OutgoingFile("document", composed.workbook_name, composed.workbook_xlsx),
    ]
