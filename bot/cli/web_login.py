"""`nhacviec web-login PERSON [--base-url URL]`: a one-time sign-in link to the dashboard, printed
(for an admin to hand over, or for a first sign-in before the bot runs in chat)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import urlsplit

import typer
from babel.dates import format_datetime
from sqlmodel import Session

from bot.cli.app import app
from bot.cli.db import LangOption, database_errors, open_database, resolve_lang
from bot.cli.output import err, fail, out
from bot.cli.settings import cli_clock, cli_settings
from bot.db.migrate import ensure_schema
from bot.db.models import Person
from bot.web.app import base_url
from bot.web.links import new_sign_in_url
from bot.web.messages import CLI_BAD_BASE_URL, CLI_LINK, CLI_NO_PERSON, CLI_PERSON_GONE, render


@app.command("web-login")
def web_login_command(
    person: Annotated[str, typer.Argument(help="Mã người trong danh bạ (plans/directory/).")],
    base: Annotated[
        str | None,
        typer.Option(
            "--base-url", help="Địa chỉ của trang (mặc định: WEB_BASE_URL, hoặc WEB_HOST:WEB_PORT)."
        ),
    ] = None,
    lang: LangOption = None,
) -> None:
    """In ra liên kết đăng nhập dùng một lần vào trang theo dõi nhiệm vụ cho một người."""
    language = resolve_lang(lang)
    settings = cli_settings(language)
    address = (base or base_url(settings)).rstrip("/")
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        fail(render(language, CLI_BAD_BASE_URL, url=address), code=2)
    url = settings.database_url
    engine = open_database(url, language)
    now = cli_clock().now()
    ttl_minutes = settings.web_link_ttl_minutes
    with database_errors(url, language):
        ensure_schema(engine)
        with Session(engine) as session, session.begin():
            found = session.get(Person, person)
            if found is None:
                fail(render(language, CLI_NO_PERSON, person=person), code=1)
            if found.archived_at is not None:
                fail(render(language, CLI_PERSON_GONE, person=person), code=1)
            link = new_sign_in_url(
                session, found, now=now, base_url=address, ttl=dt.timedelta(minutes=ttl_minutes)
            )
            name = found.name
    engine.dispose()
    expires = format_datetime(
        now + dt.timedelta(minutes=ttl_minutes), "HH:mm dd/MM/yyyy", tzinfo=settings.tz, locale=language
    )
    err.print(render(language, CLI_LINK, name=name, expires=expires), markup=False)
    out.print(link, markup=False, soft_wrap=True)
