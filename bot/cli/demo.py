"""`nhacviec demo`: a plan lived through on a simulated clock, printed on the console."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
from typing import Annotated

import typer
from rich.console import Console

from bot.channels.base import Channel
from bot.channels.console import ConsoleChannel
from bot.cli.app import app
from bot.cli.db import LangOption, resolve_lang
from bot.cli.output import fail, out
from bot.cli.settings import cli_root
from bot.clock import SimulatedClock
from bot.demo.channel import QuietChannel
from bot.demo.scenario import DemoError, DemoMessage, DemoOptions, load_demo_plan, run_demo
from bot.engine.runner import dispatch_config

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
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Mỗi tin gửi đi một dòng JSON (at, to, kind, text), không in gì khác ra màn hình.",
        ),
    ] = False,
    lang: LangOption = None,
) -> None:
    """Chạy thử bot trên đồng hồ mô phỏng: nhắc việc, trả lời, báo lãnh đạo, bản tổng hợp (in ra màn hình)."""
    language = resolve_lang(lang)
    first_day = _start_date(start)
    root = cli_root(language)
    settings = root.settings
    options = DemoOptions(
        plan=plan,
        plans_dir=settings.plans_dir,
        days=days,
        start=first_day,
        lang=language,
        pause=0.0 if fast or not sys.stdout.isatty() else PAUSE_SECONDS,
    )
    channel: Channel = QuietChannel() if as_json else ConsoleChannel(Console(highlight=False))
    try:
        demo_plan = load_demo_plan(options)
        asyncio.run(
            run_demo(
                options,
                demo_plan,
                channel,
                clock=SimulatedClock(dt.datetime.combine(demo_plan.start, dt.time(0), settings.tz)),
                settings=settings,
                calendar=root.calendar,
                defaults=root.defaults,
                config=dispatch_config(settings),
                # With --json, standard output carries the messages and nothing else.
                print_line=_quiet if as_json else lambda line: out.print(line, markup=False),
                on_message=_print_json if as_json else None,
            )
        )
    except DemoError as exc:
        fail(str(exc), code=1)


def _quiet(line: str) -> None:
    return None


def _print_json(message: DemoMessage) -> None:
    sys.stdout.write(json.dumps(message.as_json(), ensure_ascii=False) + "\n")
