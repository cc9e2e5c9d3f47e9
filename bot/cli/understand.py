"""`nhacviec understand`: what the bot makes of each reply, one line (or one JSON object) per reply.

For admins checking the bot and for tests: the reading is exactly the conversation's
(`bot.understand.understand_reply`), the snooze is placed on the office's working-day calendar,
and `--json` prints `bot.understand.view.as_record` (the keys other tools rely on).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from bot.cli.app import app
from bot.cli.output import fail
from bot.cli.settings import cli_clock, cli_settings
from bot.datefmt import long_date
from bot.db.labels import status_label
from bot.i18n import LANGUAGES
from bot.understand import WORKDAY_START, Aside, Understanding, understand_reply
from bot.understand.labels import period_label
from bot.understand.messages import (
    CLI_ASKS,
    CLI_BAD_FILE,
    CLI_BAD_TODAY,
    CLI_DEFERRAL,
    CLI_HANDOFF,
    CLI_NO_FILE,
    CLI_NO_TEXT,
    CLI_NOT_UTF8,
    CLI_NOTE,
    CLI_QUESTION,
    CLI_REPORT,
    CLI_REPORT_ANY,
    CLI_SNOOZE,
    CLI_WAITING,
    render,
)
from bot.understand.view import as_record
from bot.workcal import HolidayFileError, WorkCalendar

_TODAY = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2})?$")


def describe(understanding: Understanding, record: dict[str, Any], lang: str) -> str:
    """`hoàn thành`, `vướng mắc (60%); ghi chú: thiếu kinh phí`, `hỏi lại: …`: one reading, in words."""
    parts: list[str] = []
    if understanding.asks_back:
        return render(lang, CLI_ASKS, question=understanding.question or "")
    if understanding.report is not None:
        labels = [period_label(period, lang) for period in understanding.report.periods]
        parts.append(
            render(lang, CLI_REPORT, periods=", ".join(labels)) if labels else render(lang, CLI_REPORT_ANY)
        )
    elif understanding.status is not None:
        status = status_label(understanding.status, lang)
        if understanding.percent is not None:
            status += f" ({understanding.percent}%)"
        if understanding.aside is Aside.WAITING:
            status = render(lang, CLI_WAITING, status=status)
        parts.append(status)
    elif understanding.aside is Aside.QUESTION:
        parts.append(render(lang, CLI_QUESTION))
    elif understanding.aside in (Aside.HANDOFF, Aside.COMPLAINT):
        parts.append(render(lang, CLI_HANDOFF))
    elif understanding.aside is Aside.DEFERRAL:
        parts.append(render(lang, CLI_DEFERRAL))
    if understanding.note:
        parts.append(render(lang, CLI_NOTE, note=understanding.note))
    if record["snooze_until"] is not None:
        moment = dt.datetime.fromisoformat(record["snooze_until"])
        when = f"{moment:%H:%M} {long_date(moment.date(), lang)}"
        parts.append(render(lang, CLI_SNOOZE, when=when))
    return "; ".join(parts)


def _moment(value: str | None, lang: str) -> dt.datetime:
    """The local moment the replies are read at: `--today` (08:00 when only a day), else now."""
    settings = cli_settings()
    if value is None:
        return cli_clock().now().astimezone(settings.tz)
    text = value.strip()
    if _TODAY.match(text):
        try:
            if len(text) == 10:
                return dt.datetime.combine(dt.date.fromisoformat(text), WORKDAY_START, tzinfo=settings.tz)
            return dt.datetime.fromisoformat(text.replace(" ", "T")).replace(tzinfo=settings.tz)
        except ValueError:
            pass  # right shape, impossible date: same message
    fail(render(lang, CLI_BAD_TODAY, value=value))


def _read_lines(path: Path, lang: str) -> list[str]:
    try:
        raw = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
    except FileNotFoundError:
        fail(render(lang, CLI_NO_FILE, path=path))
    except OSError as exc:
        fail(render(lang, CLI_BAD_FILE, path=path, reason=exc.strerror or exc))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        fail(render(lang, CLI_NOT_UTF8, path=path))
    return [line for line in text.splitlines() if line.strip()]


@app.command("understand")
def understand_command(
    texts: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="TEXT",
            help='Câu trả lời của cán bộ, ví dụ "đang làm 60%" (mỗi câu cho một dòng kết quả).',
            show_default=False,
        ),
    ] = None,
    today: Annotated[
        str | None,
        typer.Option(
            "--today",
            metavar="YYYY-MM-DD",
            help="Ngày đọc câu trả lời (có thể kèm giờ: 2026-11-19T15:00); mặc định bây giờ.",
        ),
    ] = None,
    as_json_lines: Annotated[
        bool, typer.Option("--json", help="Mỗi câu trả lời một đối tượng JSON thay cho câu tiếng Việt.")
    ] = False,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file", metavar="PATH", help="Mỗi dòng của tệp là một câu trả lời (- là đầu vào chuẩn)."
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option("--lang", metavar="vi|en", help="Ngôn ngữ kết quả; mặc định theo NHACVIEC_LANGUAGE."),
    ] = None,
) -> None:
    """Xem bot hiểu câu trả lời của cán bộ thế nào: tình trạng, phần trăm, báo cáo, hẹn nhắc lại."""
    language = lang if lang is not None else cli_settings().language
    cli_settings(language if language in LANGUAGES else None)
    if language not in LANGUAGES:
        fail(f"--lang {language}: chỉ dùng vi hoặc en. / Use vi or en.")
    now = _moment(today, language)
    replies = list(texts or [])
    if file is not None:
        replies += _read_lines(file, language)
    if not replies:
        fail(render(language, CLI_NO_TEXT))
    try:
        calendar = WorkCalendar.in_folder(cli_settings().schedules_dir, language)
    except HolidayFileError as exc:
        fail(str(exc))
    for text in replies:
        understanding = understand_reply(text, now_date=now.date(), now_time=now.time(), lang=language)
        record = as_record(
            text,
            understanding,
            now=now,
            next_working_day=calendar.next_working_day,
            default_time=WORKDAY_START,
        )
        if as_json_lines:
            typer.echo(json.dumps(record, ensure_ascii=False))
        else:
            typer.echo(f"{text} → {describe(understanding, record, language)}")
