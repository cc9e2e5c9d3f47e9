"""`nhacviec deadline`: read timing phrases and print the dates they mean, one line per phrase.

Rendering is plain functions of (phrase, parsed deadline, calendar, reference date, language);
the command only gathers the phrases, handles the user's mistakes and prints.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from bot.cli.app import app
from bot.cli.output import fail
from bot.cli.settings import cli_clock, cli_settings
from bot.datefmt import short_date, weekday_name
from bot.deadlines import Problem, occurrences, parse_deadline
from bot.deadlines.model import Deadline, Freq, Kind
from bot.i18n import LANGUAGES, translations
from bot.workcal import HolidayFileError, WorkCalendar

DOMAIN = "deadline"
NEXT_COUNT = 3
"""How many upcoming due dates of a recurring deadline are shown."""

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

Translate = Callable[[str], str]


def N_(message: str) -> str:
    """Marks a message for `pybabel extract`; it is translated where it is used."""
    return message


FREQ_NAMES = {
    Freq.WEEKLY: N_("hằng tuần"),
    Freq.MONTHLY: N_("hằng tháng"),
    Freq.QUARTERLY: N_("hằng quý"),
    Freq.SEMIANNUAL: N_("6 tháng một lần"),
    Freq.ANNUAL: N_("hằng năm"),
}


def _day(day: dt.date, lang: str) -> str:
    return f"{short_date(day, lang)} ({weekday_name(day, lang)})"


def describe(text: str, deadline: Deadline, calendar: WorkCalendar, ref: dt.date, lang: str = "vi") -> str:
    """`quý II/2017 → hạn 30/06/2017 (thứ Sáu)`: one human line for one phrase."""
    _: Translate = translations(lang, DOMAIN).gettext
    if deadline.kind is Kind.ONCE and deadline.due is not None:
        meaning = _once(deadline.due, deadline.time, calendar, lang, _)
    elif deadline.kind is Kind.RECURRING and deadline.recurrence is not None:
        freq = _(FREQ_NAMES[deadline.recurrence.freq])
        upcoming = occurrences(deadline.recurrence, ref, NEXT_COUNT)
        if upcoming:
            dates = ", ".join(_day(day, lang) for day in upcoming)
            meaning = _("{freq}; các hạn tới: {dates}").format(freq=freq, dates=dates)
        else:
            meaning = _("{freq} (văn bản không nêu ngày cụ thể)").format(freq=freq)
    elif deadline.kind is Kind.CONTINUOUS:
        meaning = _("thường xuyên (không có hạn cố định)")
    else:
        meaning = _("không xác định được hạn ({why})").format(why=_why_no_deadline(text, deadline, _))
    if deadline.ambiguous:
        meaning += _("; cách hiểu chưa chắc chắn, nên kiểm tra lại")
    return f"{text} → {meaning}"


def _once(due: dt.date, time: dt.time | None, calendar: WorkCalendar, lang: str, _: Translate) -> str:
    day = {"date": short_date(due, lang), "weekday": weekday_name(due, lang)}
    if time is not None:
        meaning = _("hạn {time} ngày {date} ({weekday})").format(time=time.strftime("%H:%M"), **day)
    else:
        meaning = _("hạn {date} ({weekday})").format(**day)
    effective = calendar.effective_deadline(due)
    if effective != due:
        meaning += _("; hạn thực tế {date} ({weekday}, sau ngày nghỉ)").format(
            date=short_date(effective, lang), weekday=weekday_name(effective, lang)
        )
    return meaning


def _why_no_deadline(text: str, deadline: Deadline, _: Translate) -> str:
    if not text.strip():
        return _("dòng trống")
    if deadline.span is None:
        return _("không tìm thấy cụm từ chỉ thời hạn")
    start, end = deadline.span
    phrase = text[start:end]
    if deadline.problem is Problem.NOT_A_DATE:
        return _("«{phrase}» không phải ngày có thật; kiểm tra lại ngày, tháng").format(phrase=phrase)
    if deadline.problem is Problem.NO_MONTH:
        return _("«{phrase}» nêu ngày nhưng không nêu tháng hay chu kỳ").format(phrase=phrase)
    if deadline.problem is Problem.NO_END:
        return _("«{phrase}» chỉ nêu thời điểm bắt đầu, không nêu hạn").format(phrase=phrase)
    return _("hạn tính theo sự việc, không phải ngày cố định: «{phrase}»").format(phrase=phrase)


def as_json(deadline: Deadline, text: str, calendar: WorkCalendar, ref: dt.date) -> dict[str, Any]:
    """The `--json` object: exactly the keys other tools rely on."""
    once_due = deadline.due if deadline.kind is Kind.ONCE else None
    rule = deadline.recurrence if deadline.kind is Kind.RECURRING else None
    return {
        "text": text,
        "kind": str(deadline.kind),
        "due": deadline.due.isoformat() if deadline.due is not None else None,
        "time": deadline.time.strftime("%H:%M") if deadline.time is not None else None,
        "freq": str(deadline.recurrence.freq) if deadline.recurrence is not None else None,
        "next": [day.isoformat() for day in occurrences(rule, ref, NEXT_COUNT)] if rule is not None else [],
        "effective_due": calendar.effective_deadline(once_due).isoformat() if once_due is not None else None,
        "ambiguous": deadline.ambiguous,
    }


def parse_line(text: str, ref: dt.date) -> Deadline:
    """A blank line has no deadline; it still gets its output line, so outputs line up with inputs."""
    if not text.strip():
        return Deadline(kind=Kind.NONE)
    return parse_deadline(text, ref)


def _parse_ref(value: str | None, lang: str) -> dt.date:
    _ = translations(lang, DOMAIN).gettext
    if value is None:
        return cli_clock().today(cli_settings().tz)
    text = value.strip()
    if _ISO_DAY.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass  # right shape, impossible date: same message
    fail(
        _("--ref {value}: không phải ngày hợp lệ; viết theo dạng YYYY-MM-DD, ví dụ --ref 2025-01-31.").format(
            value=value
        )
    )


def _read_lines(path: Path, lang: str) -> list[str]:
    _ = translations(lang, DOMAIN).gettext
    try:
        raw = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
    except FileNotFoundError:
        fail(_("--file {path}: không có tệp này; kiểm tra lại đường dẫn.").format(path=path))
    except OSError as exc:
        fail(
            _("--file {path}: không đọc được tệp ({reason}); kiểm tra đường dẫn và quyền đọc tệp.").format(
                path=path, reason=exc.strerror or exc
            )
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        message = _("--file {path}: tệp không phải văn bản UTF-8; hãy lưu lại tệp với mã UTF-8.")
        fail(message.format(path=path))
    return text.splitlines()


@app.command("deadline")
def deadline_command(
    phrases: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="PHRASE",
            help='Cụm thời hạn, ví dụ "quý II/2017" (mỗi cụm cho một dòng kết quả).',
            show_default=False,
        ),
    ] = None,
    ref: Annotated[
        str | None,
        typer.Option(
            "--ref", metavar="YYYY-MM-DD", help="Ngày tham chiếu (ngày ban hành văn bản); mặc định hôm nay."
        ),
    ] = None,
    as_json_lines: Annotated[
        bool, typer.Option("--json", help="Mỗi dòng một đối tượng JSON thay cho câu tiếng Việt.")
    ] = False,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file", metavar="PATH", help="Mỗi dòng của tệp là một cụm thời hạn (- là đầu vào chuẩn)."
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option("--lang", metavar="vi|en", help="Ngôn ngữ kết quả; mặc định theo NHACVIEC_LANGUAGE."),
    ] = None,
) -> None:
    """Đọc cụm thời hạn tiếng Việt và in ra hạn (theo lịch làm việc, có tính ngày nghỉ)."""
    language = lang if lang is not None else cli_settings().language
    cli_settings(language if language in LANGUAGES else None)
    if language not in LANGUAGES:
        fail(f"--lang {language}: chỉ dùng vi hoặc en. / Use vi or en.")
    _ = translations(language, DOMAIN).gettext
    reference = _parse_ref(ref, language)
    texts = list(phrases or [])
    if file is not None:
        texts += _read_lines(file, language)
    if not texts:
        fail(
            _(
                'Chưa có cụm thời hạn nào: ghi cụm từ sau lệnh, ví dụ nhacviec deadline "quý II/2017", '
                "hoặc dùng --file TỆP (mỗi dòng một cụm)."
            )
        )
    try:
        calendar = WorkCalendar.in_folder(cli_settings().schedules_dir, language)
    except HolidayFileError as exc:
        fail(str(exc))
    for text in texts:
        deadline = parse_line(text, reference)
        if as_json_lines:
            typer.echo(json.dumps(as_json(deadline, text, calendar, reference), ensure_ascii=False))
        else:
            typer.echo(describe(text, deadline, calendar, reference, language))
