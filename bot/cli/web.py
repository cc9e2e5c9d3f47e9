"""`nhacviec web [--host H] [--port P]`: the dashboard for office chiefs, until Ctrl-C.

The webhooks are taken by `nhacviec run`, which serves this same application when webhook mode
or WEB_PORT is set; this command serves the pages alone (e.g. on another machine of the same
PostgreSQL database).
"""

from __future__ import annotations

import asyncio
import signal
from typing import Annotated

import typer

from bot.cli.app import app
from bot.cli.db import LangOption, database_errors, open_database, resolve_lang
from bot.cli.output import err, fail, out
from bot.cli.settings import cli_root, cli_settings
from bot.db.migrate import ensure_schema
from bot.web.app import create_app
from bot.web.messages import CLI_PORT_BUSY, CLI_SERVING, CLI_WEBHOOKS_ELSEWHERE, render
from bot.web.server import WebServer

DEFAULT_PORT = 8080


@app.command("web")
def web_command(
    host: Annotated[
        str | None, typer.Option("--host", help="Địa chỉ lắng nghe (mặc định: WEB_HOST).")
    ] = None,
    port: Annotated[
        int | None, typer.Option("--port", min=0, max=65535, help="Cổng (mặc định: WEB_PORT, hoặc 8080).")
    ] = None,
    lang: LangOption = None,
) -> None:
    """Mở trang theo dõi nhiệm vụ cho lãnh đạo: tổng quan, quá hạn, báo cáo định kỳ, bản tổng hợp."""
    language = resolve_lang(lang)
    settings = cli_settings(language)
    url = settings.database_url
    engine = open_database(url, language)
    with database_errors(url, language):
        ensure_schema(engine)
    root = cli_root(language)
    listen_host = host or settings.web_host
    listen_port = port if port is not None else (settings.web_port or DEFAULT_PORT)
    application = create_app(engine, settings=settings, clock=root.clock, calendar=root.calendar)
    if settings.telegram_webhook_url or settings.zalo_webhook_url:
        err.print(render(language, CLI_WEBHOOKS_ELSEWHERE), markup=False)
    server = WebServer(application, listen_host, listen_port)
    try:
        asyncio.run(_serve(server, settings.web_base_url, language))
    except OSError as exc:
        fail(
            render(language, CLI_PORT_BUSY, host=listen_host, port=listen_port, reason=exc.strerror or exc),
            code=1,
        )
    finally:
        engine.dispose()


async def _serve(server: WebServer, public: str | None, language: str) -> None:
    await server.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    shown = public.rstrip("/") if public else f"http://{server.host}:{server.port}"
    out.print(render(language, CLI_SERVING, url=shown), markup=False)
    try:
        await stop.wait()
    finally:
        await server.stop()
