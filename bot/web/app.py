"""The web application: the dashboard's pages and the platforms' webhooks, one ASGI app.

`create_app` is given what the composition root built — the engine, the one `Settings`, the
`Clock`, the working-day calendar and the receivers — and reads nothing else: the pages' "today"
is the clock's, so tests run it on a simulated clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, StrictUndefined, select_autoescape
from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot import paths
from bot.channels.receiving import UpdateReceiver
from bot.clock import Clock
from bot.datefmt import short_date
from bot.db.labels import status_label
from bot.digest.messages import standing_label
from bot.i18n import translations
from bot.settings import Settings
from bot.web.messages import DOMAIN
from bot.web.pages import page_routes
from bot.web.webhooks import webhook_routes
from bot.workcal import WorkCalendar

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # The sign-in URL carries its token: no page tells another site where it came from.
    (b"referrer-policy", b"no-referrer"),
    (
        b"content-security-policy",
        b"default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
        b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
]


@dataclass(frozen=True)
class WebContext:
    engine: Engine
    clock: Clock
    tz: ZoneInfo
    calendar: WorkCalendar
    templates: Path
    link_ttl: dt.timedelta
    session_lifetime: dt.timedelta
    secure_cookies: bool
    default_lang: str

    def environment(self, lang: str) -> Environment:
        return _environment(lang, self.templates, self.tz)


def base_url(settings: Settings, port: int | None = None) -> str:
    """The dashboard's public address: WEB_BASE_URL, else where it listens."""
    if settings.web_base_url:
        return settings.web_base_url.rstrip("/")
    host = settings.web_host if settings.web_host not in ("0.0.0.0", "::", "") else "127.0.0.1"
    return f"http://{host}:{port if port is not None else settings.web_port or 8080}"


def create_app(
    engine: Engine,
    *,
    settings: Settings,
    clock: Clock,
    calendar: WorkCalendar,
    receivers: Sequence[UpdateReceiver[Any]] = (),
) -> Starlette:
    context = WebContext(
        engine=engine,
        clock=clock,
        tz=settings.tz,
        calendar=calendar,
        templates=settings.templates_dir,
        link_ttl=dt.timedelta(minutes=settings.web_link_ttl_minutes),
        session_lifetime=dt.timedelta(hours=settings.web_session_hours),
        secure_cookies=(settings.web_base_url or "").startswith("https://"),
        default_lang=settings.language,
    )
    app = Starlette(
        routes=[*webhook_routes(receivers), *page_routes(context)],
        middleware=[Middleware(SecurityHeaders)],
    )
    app.state.web = context
    return app


class SecurityHeaders:
    """Adds the security headers to every answer (pages, files, webhooks)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


@lru_cache(maxsize=8)
def _environment(lang: str, templates: Path, tz: ZoneInfo) -> Environment:
    env = Environment(
        loader=paths.template_loader(templates),
        extensions=["jinja2.ext.i18n"],
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang, DOMAIN), newstyle=True)  # type: ignore[attr-defined]
    env.filters["day"] = lambda value: short_date(value, lang) if value else "—"
    env.filters["moment"] = lambda value: value.astimezone(tz).strftime("%d/%m/%Y %H:%M") if value else "—"
    env.filters["status"] = lambda value: status_label(value, lang)
    env.filters["standing"] = lambda value: standing_label(lang, value)
    env.globals["lang"] = lang
    return env
