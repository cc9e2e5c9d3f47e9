"""`nhacviec digest`: the weekly digest on demand (text, Telegram HTML, Excel workbook, PNG chart)."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import sqlalchemy as sa
import typer
from sqlmodel import Session

from bot.cli.app import app
from bot.cli.db import LangOption, database_errors, open_database, resolve_lang
from bot.cli.output import fail, out
from bot.cli.settings import cli_clock, cli_settings
from bot.db import errors
from bot.db.migrate import ensure_schema
from bot.db.models import Person, Plan
from bot.digest import messages as msg
from bot.digest.queries import build_digest, cutoff_of, task_rows_by_plan
from bot.digest.render import Format, render_digest
from bot.digest.schedule import previous_digest_at, recipients
from bot.workcal import HOLIDAY_FILE_NAME, HolidayFileError, WorkCalendar


class OutputFormat(StrEnum):
    TEXT = "text"
    HTML = "html"
    XLSX = "xlsx"
    PNG = "png"


_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@app.command("digest")
def digest_command(
    plan: Annotated[
        list[str] | None, typer.Option("--plan", help="Chỉ kế hoạch này (mã kế hoạch; lặp lại được).")
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", help="Bản tổng hợp của người nhận này (mã người trong danh bạ).")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Số liệu đến hết ngày này (YYYY-MM-DD; mặc định: hôm nay).")
    ] = None,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", help="text | html | xlsx | png.")
    ] = OutputFormat.TEXT,
    out_path: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Ghi ra tệp này (xlsx, png mặc định: digest-<ngày>.<đuôi> ở thư mục hiện tại)."
        ),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Bản tổng hợp tình hình thực hiện nhiệm vụ (như bản gửi Chánh Văn phòng hằng tuần)."""
    language = resolve_lang(lang)
    settings = cli_settings()
    day = _parse_day(as_of, language) if as_of else cli_clock().today(settings.tz)
    try:
        calendar = WorkCalendar.from_file(settings.schedules_dir / HOLIDAY_FILE_NAME, language)
    except HolidayFileError as exc:
        fail(str(exc), code=1)

    url = settings.database_url
    engine = open_database(url, language)
    with database_errors(url, language):
        ensure_schema(engine)
        with Session(engine) as session:
            plan_ids, person = _select(session, plan or [], to, language, url)
            if person is not None and lang is None:
                language = person.language  # the digest as its recipient reads it
            since = previous_digest_at(session, person.id, cutoff_of(day, settings.tz)) if person else None
            digest = build_digest(
                session,
                plan_ids,
                as_of=day,
                tz=settings.tz,
                calendar=calendar,
                since=since,
                recipient=person.name if person else None,
            )
            tasks = (
                task_rows_by_plan(session, plan_ids, as_of=day, tz=settings.tz)
                if fmt is OutputFormat.XLSX
                else {}
            )

    if fmt in (OutputFormat.TEXT, OutputFormat.HTML):
        text = render_digest(
            digest, lang=language, tz=settings.tz, fmt=Format(fmt.value), templates=settings.templates_dir
        )
        if out_path is None:
            typer.echo(text)
            return
        _write(out_path, (text + "\n").encode("utf-8"), language, msg.WHAT_TEXT)
    elif fmt is OutputFormat.XLSX:
        from bot.digest.xlsx import digest_workbook  # our XLSX writer: loaded only for this format

        data = digest_workbook(digest, tasks, lang=language, tz=settings.tz)
        _write(out_path or Path(f"digest-{day.isoformat()}.xlsx"), data, language, msg.WHAT_XLSX)
    else:
        from bot.digest.chart import status_chart_png  # matplotlib: slow to import, only for charts

        data = status_chart_png(digest.units, as_of=day, lang=language)
        _write(out_path or Path(f"digest-{day.isoformat()}.png"), data, language, msg.WHAT_PNG)


def _parse_day(value: str, lang: str) -> dt.date:
    text = value.strip()
    try:
        match = _DMY.match(text)
        if match:
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
        return dt.date.fromisoformat(text)
    except ValueError:
        fail(msg.render(lang, msg.BAD_DATE, value=value))


def _select(
    session: Session, wanted: list[str], to: str | None, lang: str, url: str
) -> tuple[list[str], Person | None]:
    """The plans to report on and the recipient, or a message saying what exists."""
    connection = session.connection()
    plans = Plan.__table__  # type: ignore[attr-defined]
    live = [
        row.id
        for row in connection.execute(
            sa.select(plans.c.id).where(plans.c.archived_at.is_(None)).order_by(plans.c.id)
        )
    ]
    if not live:
        fail(msg.render(lang, msg.EMPTY_DATABASE, url=errors.safe_url(url)), code=1)
    for plan_id in wanted:
        if plan_id not in live:
            fail(msg.render(lang, msg.UNKNOWN_PLAN, plan=plan_id, known=", ".join(live)), code=1)
    chosen = sorted(set(wanted)) if wanted else live
    if to is None:
        return chosen, None

    receiving = recipients(session)
    person = session.get(Person, to)
    if person is None or person.archived_at is not None:
        known = ", ".join(receiving) or msg.render(lang, msg.NOBODY)
        fail(msg.render(lang, msg.UNKNOWN_PERSON, person=to, known=known), code=1)
    theirs = [plan_id for plan_id in receiving.get(to, []) if plan_id in chosen]
    if not theirs:
        plan_note = msg.render(lang, msg.NOT_A_RECIPIENT_PLAN, plan=", ".join(wanted)) if wanted else ""
        known = ", ".join(receiving) or msg.render(lang, msg.NOBODY)
        who = f"{person.name} ({to})"
        fail(msg.render(lang, msg.NOT_A_RECIPIENT, person=who, plan_note=plan_note, known=known), code=1)
    return theirs, person


def _write(path: Path, data: bytes, lang: str, what: str) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        fail(msg.render(lang, msg.CANNOT_WRITE, path=path, detail=exc.strerror or exc), code=1)
    out.print(msg.render(lang, msg.WROTE_FILE, what=msg.render(lang, what), path=path), markup=False)
