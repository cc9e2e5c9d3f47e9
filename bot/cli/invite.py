"""`nhacviec invite --unit ID --role ROLE [--name ...] [--person ID]`: a one-time code that lets a
person register with the bot (Telegram deep link when a bot token is set)."""

from __future__ import annotations

from typing import Annotated

import httpx
import typer
from babel.dates import format_datetime
from rich.markup import escape
from sqlmodel import Session, select

from bot.cli.app import app
from bot.cli.db import LangOption, database_errors, open_database, resolve_lang
from bot.cli.output import err, fail, out
from bot.cli.settings import cli_clock, cli_settings
from bot.db.migrate import ensure_schema
from bot.db.models import Person, Unit
from bot.people import DirectoryError, create_invite
from bot.people.messages import (
    EMPTY_DATABASE,
    INVITE_CREATED,
    INVITE_EXPIRES,
    INVITE_TELEGRAM,
    INVITE_ZALO,
    ROLE_NAMES,
    TELEGRAM_UNKNOWN,
    render,
)
from bot.settings import Settings


@app.command("invite")
def invite_command(
    unit: Annotated[str | None, typer.Option("--unit", help="Mã đơn vị (xem plans/directory/).")] = None,
    role: Annotated[str | None, typer.Option("--role", help="Vai trò: staff | head | chief | admin.")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Họ tên người được mời (người mới).")] = None,
    person: Annotated[
        str | None, typer.Option("--person", help="Mã người đã có trong danh bạ (thay cho --unit/--role).")
    ] = None,
    lang: LangOption = None,
) -> None:
    """Tạo mã mời dùng một lần để một người đăng ký với bot (Telegram hoặc Zalo)."""
    language = resolve_lang(lang)
    settings = cli_settings()
    url = settings.database_url
    engine = open_database(url, language)
    now = cli_clock().now()
    with database_errors(url, language):
        ensure_schema(engine)
        with Session(engine) as session, session.begin():
            if session.exec(select(Unit).limit(1)).first() is None:
                fail(render(language, EMPTY_DATABASE), code=1)
            try:
                code, invite = create_invite(
                    session,
                    unit_id=unit,
                    role=role,
                    name=name,
                    person_id=person,
                    now=now,
                    ttl_days=settings.invite_ttl_days,
                )
            except DirectoryError as exc:
                fail(exc.message(language), code=1)
            invited = session.get(Person, invite.person_id)
            assert invited is not None  # a foreign key
            unit_row = session.get(Unit, invited.unit_id)
            unit_name = unit_row.name if unit_row is not None else invited.unit_id
            role_name = render(language, ROLE_NAMES[invited.role.value])
            person_name = invited.name
            expires_at = invite.expires_at
    expires = format_datetime(expires_at, "HH:mm, dd/MM/yyyy", tzinfo=settings.tz, locale=language)
    # Names come from people: printed as text, never as Rich markup.
    out.print(escape(render(language, INVITE_CREATED, name=person_name, unit=unit_name, role=role_name)))
    out.print(code)
    out.print(escape(render(language, INVITE_EXPIRES, expires=expires, timezone=settings.timezone)))
    username, problem = telegram_username(settings)
    if username is not None:
        link = f"https://t.me/{username}?start={code}"
        out.print(escape(render(language, INVITE_TELEGRAM, link=link)))
    elif problem is not None:
        err.print(escape(render(language, TELEGRAM_UNKNOWN, detail=problem)))
    out.print(escape(render(language, INVITE_ZALO, code=code)))


def telegram_username(settings: Settings) -> tuple[str | None, str | None]:
    """The bot's username from Telegram's getMe, or (None, why) — (None, None) without a token.

    The reason never contains the URL: it carries the token.
    """
    if settings.telegram_bot_token is None:
        return None, None
    token = settings.telegram_bot_token.get_secret_value()
    try:
        response = httpx.get(f"{settings.telegram_api_url.rstrip('/')}/bot{token}/getMe", timeout=5.0)
        body = response.json()
    except httpx.HTTPError as exc:
        return None, type(exc).__name__
    except ValueError:
        return None, f"HTTP {response.status_code}"
    result = body.get("result") if isinstance(body, dict) else None
    username = result.get("username") if isinstance(result, dict) else None
    if not isinstance(username, str) or not username:
        description = body.get("description") if isinstance(body, dict) else None
        return None, str(description or f"HTTP {response.status_code}")
    return username, None
