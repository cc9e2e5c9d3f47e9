"""`nhacviec run`: the bot itself — reminders out on the configured channels until Ctrl-C."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated

import typer
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.channels import redact
from bot.cli.app import app
from bot.cli.db import LangOption, database_errors, open_database, resolve_lang
from bot.cli.output import err, fail, out
from bot.cli.settings import cli_root, cli_settings
from bot.db import errors, migrate
from bot.engine import readiness
from bot.engine.channels import configured_channels
from bot.engine.messages import (
    CHANNEL_FAILED,
    CONSOLE_ONLY,
    NO_PEOPLE,
    NO_PLANS,
    STARTED,
    STOPPED,
    render,
)
from bot.engine.readiness import Missing
from bot.engine.runner import ChannelStartError, RunOptions, run_engine
from bot.settings import Settings


@app.command("run")
def run_command(
    lang: LangOption = None,
    once: Annotated[
        bool, typer.Option("--once", help="Gửi các nhắc đã đến hạn rồi thoát (không chờ nhắc sau).")
    ] = False,
    no_materialise: Annotated[
        bool,
        typer.Option(
            "--no-materialise", help="Không lập thêm nhắc từ kế hoạch: chỉ gửi những gì đã có trong hàng đợi."
        ),
    ] = False,
) -> None:
    """Chạy bot: gửi nhắc việc đến hạn qua Telegram (hoặc in ra màn hình) cho đến khi nhấn Ctrl-C."""
    language = resolve_lang(lang)
    settings = cli_settings()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if settings.log_level != "DEBUG":
        # Their INFO lines (every migration step, every job added) bury what the bot says.
        for chatty in ("alembic", "apscheduler", "httpx", "httpcore"):
            logging.getLogger(chatty).setLevel(logging.WARNING)
    redact.install(_secrets(settings))
    url = settings.database_url
    engine = open_database(url, language)
    with database_errors(url, language):
        migrate.ensure_schema(engine)
    root = cli_root(language)
    configured = configured_channels(settings)
    if configured.catch_all is not None:
        err.print(render(language, CONSOLE_ONLY), markup=False)
    with database_errors(url, language):
        lacking = readiness.missing(engine, console_only=configured.catch_all is not None)
    if lacking is not None:
        err.print(render(language, NO_PLANS if lacking is Missing.PLANS else NO_PEOPLE), markup=False)
    started = render(language, STARTED, channels=", ".join(configured.channels), url=errors.safe_url(url))
    try:
        with database_errors(url, language):
            stats = asyncio.run(
                run_engine(
                    engine,
                    root,
                    configured,
                    options=RunOptions(once=once, materialise=not no_materialise),
                    say=lambda text: out.print(text, markup=False),
                    started=started,
                )
            )
    except ChannelStartError as exc:
        apis = {"telegram": settings.telegram_api_url, "zalo": settings.zalo_api_url}
        setting, api = f"{exc.channel.upper()}_BOT_TOKEN", apis.get(exc.channel, "")
        if exc.channel == "web":  # the web server's address could not be bound
            setting, api = "WEB_PORT", settings.web_host
        fail(
            render(
                language, CHANNEL_FAILED, channel=exc.channel, reason=exc.reason, setting=setting, url=api
            ),
            code=1,
        )
    finally:
        engine.dispose()
    out.print(
        render(language, STOPPED, sent=stats.sent, retried=stats.retried, failed=stats.failed), markup=False
    )


def _secrets(settings: Settings) -> list[str]:
    """What must never reach the log, at any level: the bot tokens, the webhook secrets (PTB logs
    setWebhook's parameters at DEBUG) and the database password."""
    given = (
        settings.telegram_bot_token,
        settings.zalo_bot_token,
        settings.telegram_webhook_secret,
        settings.zalo_webhook_secret,
    )
    secrets = [value.get_secret_value().strip() for value in given if value is not None]
    try:
        password = make_url(settings.database_url).password
    except ArgumentError:
        password = None
    if password:
        secrets.append(str(password))
    return [secret for secret in secrets if secret]
