"""`nhacviec demo`: a plan lived through on a simulated clock, printed on the console."""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
from typing import Annotated

import typer
from rich.console import Console

from bot.channels.console import ConsoleChannel
from bot.chat.conversation import ChatConversation
from bot.cli.app import app
from bot.cli.db import LangOption, resolve_lang
from bot.cli.output import fail, out
from bot.demo.scenario import DemoError, DemoOptions, run_demo
from bot.settings import get_settings
from bot.workcal import WorkCalendar
from bot.workcal.overrides import HolidayFileError

PAUSE_SECONDS = 0.4


def _start_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"«{value}» không phải ngày dạng YYYY-MM-DD (ví dụ 2017-04-03).") from None


@app.command("demo")
def demo_command(
    plan: Annotated[
        str | None,
        typer.Option("--plan", help="Mã kế hoạch trong thư mục plans/ (mặc định: kế hoạch mẫu có sẵn)."),
    ] = None,
    days: Annotated[int, typer.Option("--days", help="Số ngày mô phỏng.")] = 91,
    start: Annotated[
        str | None, typer.Option("--start", help="Ngày bắt đầu, dạng YYYY-MM-DD (mặc định: theo kế hoạch).")
    ] = None,
    fast: Annotated[
        bool,
        typer.Option("--fast", help="Không dừng giữa các ngày (mặc định khi không chạy trong terminal)."),
    ] = False,
    lang: LangOption = None,
) -> None:
    """Chạy thử bot trên đồng hồ mô phỏng: nhắc việc, trả lời, báo lãnh đạo, bản tổng hợp (in ra màn hình)."""
    language = resolve_lang(lang)
    settings = get_settings()
    options = DemoOptions(
        plan=plan,
        plans_dir=settings.plans_dir,
        days=days,
        start=_start_date(start),
        lang=language,
        pause=0.0 if fast or not sys.stdout.isatty() else PAUSE_SECONDS,
    )
    try:
        calendar = WorkCalendar.default(language)
    except HolidayFileError as exc:
        fail(str(exc), code=1)
    try:
        asyncio.run(
            run_demo(
                options,
                ConsoleChannel(Console(highlight=False)),
                print_line=lambda line: out.print(line, markup=False),
                conversation=lambda engine, tz: ChatConversation(
                    engine, tz=tz, calendar=calendar, default_lang=language
                ),
                calendar=calendar,
                tz=settings.tz,
            )
        )
    except DemoError as exc:
        fail(str(exc), code=1)
