"""`nhacviec schedule`: preview upcoming deadlines and reminders (who, when, why); sends nothing.

Reads the database (never writes: a missing SQLite file is not created, a schema is not
migrated) and computes the reminders in memory with the same planner the engine uses.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import sqlalchemy as sa
import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy.engine import make_url
from sqlmodel import Session

from bot.cli.app import app
from bot.cli.db import LangOption, database_errors, open_database, resolve_lang
from bot.cli.output import fail, out
from bot.cli.settings import cli_root, cli_settings
from bot.db import errors, migrate
from bot.db import models as db
from bot.db.messages import SCHEMA_BEHIND
from bot.db.messages import render as render_db
from bot.reminders import messages as msg
from bot.reminders.preview import (
    MAX_DAYS,
    ChannelProjection,
    PreviewRow,
    kind_label,
    preview,
    project_messages,
    recipient_channels,
)
from bot.reminders.sqlbulk import table


@app.command("schedule")
def schedule_command(
    days: Annotated[int, typer.Option("--days", help="Xem bao nhiêu ngày tới (mặc định 30).")] = 30,
    plan: Annotated[str | None, typer.Option("--plan", help="Chỉ kế hoạch này (mã kế hoạch).")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="Chỉ đơn vị này (mã đơn vị).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Mỗi dòng một đối tượng JSON.")] = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Tính như thể hôm nay là ngày này (YYYY-MM-DD).")
    ] = None,
    lang: LangOption = None,
) -> None:
    """Xem trước các hạn và tin nhắc sắp tới (ai, khi nào, vì sao); không gửi, không ghi gì."""
    language = resolve_lang(lang)
    settings = cli_settings()
    if not 1 <= days <= MAX_DAYS:
        fail(msg.render(language, msg.BAD_DAYS, days=days, most=MAX_DAYS))
    tz = settings.tz
    root = cli_root(language)
    if as_of is None:
        now = root.clock.now().astimezone(tz)
    else:
        try:
            now = dt.datetime.combine(dt.date.fromisoformat(as_of), dt.time(), tzinfo=tz)
        except ValueError:
            fail(msg.render(language, msg.BAD_AS_OF, value=as_of))

    url = settings.database_url
    shown_url = errors.safe_url(url)
    if _missing_sqlite_file(url):
        fail(msg.render(language, msg.EMPTY_DATABASE, url=shown_url), code=1)
    engine = open_database(url, language)
    with database_errors(url, language), Session(engine) as session:
        state = migrate.schema_state(session.connection())
        if state.current is None:
            fail(msg.render(language, msg.EMPTY_DATABASE, url=shown_url), code=1)
        if not state.up_to_date:
            behind = render_db(
                language, SCHEMA_BEHIND, url=shown_url, revision=state.current, head=state.head
            )
            fail(behind, code=1)
        _check_filters(session, plan, unit, language, shown_url)
        rows = preview(
            session,
            now,
            days=days,
            plan_id=plan,
            unit_id=unit,
            lang=language,
            calendar=root.calendar,
            defaults=root.defaults,
            tz=tz,
            horizon_months=settings.horizon_months,
        )
        channel_of = recipient_channels(session, {row.recipient for row in rows if row.registered})
        session.rollback()
    engine.dispose()
    budgets = {
        "zalo": settings.zalo_monthly_message_budget,
        "telegram": settings.telegram_monthly_message_budget,
    }
    projection = project_messages(rows, channel_of, days=days, budgets=budgets)

    if as_json:
        for row in rows:
            typer.echo(json.dumps(row.as_json(), ensure_ascii=False))
        return
    start = now.date()
    end = start + dt.timedelta(days=days - 1)
    if not rows:
        nothing = msg.render(language, msg.NOTHING_AHEAD, days=days, start=_day(start), end=_day(end))
        out.print(escape(nothing))
        return
    out.print(_table(rows, language, start, end))
    occurrences = len({row.occurrence for row in rows})
    out.print(escape(msg.render(language, msg.SUMMARY, count=len(rows), occurrences=occurrences, days=days)))
    if not all(row.registered for row in rows):
        out.print(escape(msg.render(language, msg.UNREGISTERED_LEGEND)))
    _print_projection(projection, language, days)


def _print_projection(projection: list[ChannelProjection], lang: str, days: int) -> None:
    """Messages per channel: what the message budget of a platform is measured against."""
    if not projection:
        return
    out.print(escape(msg.render(lang, msg.PROJECTION_TITLE)))
    for line in projection:
        text = msg.render(
            lang,
            msg.PROJECTION_LINE,
            channel=line.channel,
            messages=line.messages,
            days=days,
            reminders=line.reminders,
            per_month=line.per_month,
        )
        if line.budget is not None:
            text += msg.render(lang, msg.PROJECTION_BUDGET, budget=line.budget)
            if line.per_month > line.budget:
                text += msg.render(lang, msg.PROJECTION_OVER)
        out.print(escape("• " + text))


def _missing_sqlite_file(url: str) -> bool:
    try:
        parsed = make_url(url)
    except sa.exc.ArgumentError:
        return False  # open_database reports a malformed URL
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return False
    return not Path(database).exists()


def _check_filters(session: Session, plan: str | None, unit: str | None, lang: str, url: str) -> None:
    plans = table(db.Plan)
    known_plans = list(
        session.execute(
            sa.select(plans.c.id).where(plans.c.archived_at.is_(None)).order_by(plans.c.id)
        ).scalars()
    )
    if not known_plans:
        fail(msg.render(lang, msg.EMPTY_DATABASE, url=url), code=1)
    if plan is not None and plan not in known_plans:
        fail(msg.render(lang, msg.UNKNOWN_PLAN, plan=plan, known=", ".join(known_plans)), code=1)
    if unit is not None:
        units = table(db.Unit)
        known_units = list(
            session.execute(
                sa.select(units.c.id).where(units.c.archived_at.is_(None)).order_by(units.c.id)
            ).scalars()
        )
        if unit not in known_units:
            fail(msg.render(lang, msg.UNKNOWN_UNIT, unit=unit, known=", ".join(known_units)), code=1)


def _table(rows: list[PreviewRow], lang: str, start: dt.date, end: dt.date) -> Table:
    grid = Table(title=escape(msg.render(lang, msg.TABLE_TITLE, start=_day(start), end=_day(end))))
    for column in (
        msg.COLUMN_SEND_AT,
        msg.COLUMN_RECIPIENT,
        msg.COLUMN_PLAN,
        msg.COLUMN_TASK,
        msg.COLUMN_DUE,
        msg.COLUMN_KIND,
        msg.COLUMN_WHY,
    ):
        grid.add_column(msg.render(lang, column), no_wrap=column in (msg.COLUMN_SEND_AT, msg.COLUMN_DUE))
    for row in rows:
        recipient = row.recipient if row.registered else f"({row.recipient})"
        grid.add_row(
            f"{row.send_at:%d/%m/%Y %H:%M}",
            escape(recipient),
            escape(row.plan),
            escape(row.task),
            _day(row.effective_due),
            kind_label(row.kind, lang),
            escape(row.why),
        )
    return grid


def _day(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"
