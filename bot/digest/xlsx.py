"""The digest's workbook, in the shape of an office's *biểu tổng hợp*: a summary sheet, then one
sheet per plan listing every task (TT, nội dung nhiệm vụ, cơ quan chủ trì, cơ quan phối hợp, thời
hạn, tình trạng, tiến độ %, cập nhật gần nhất).

Each sheet has a merged title row, a bold frozen header with an auto filter, wrapped text, fixed
readable widths, and real Excel dates (so the office can sort and filter by them). The file is
written by `bot.digest.xlsxfile` (a province's 160,000 cells in well under a second); every text,
task titles included, is written as text, never as a formula.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from zoneinfo import ZoneInfo

from bot.datefmt import short_date
from bot.digest import messages as msg
from bot.digest.model import Digest, Standing
from bot.digest.queries import TaskRow
from bot.digest.xlsxfile import Cell, CellStyle, Sheet, Value, Workbook, column_letter

DATE_FORMAT = "DD/MM/YYYY"
MOMENT_FORMAT = "DD/MM/YYYY HH:MM"
_GREY = "999999"
_TITLE = CellStyle(bold=True, size=13, wrap=True, horizontal="center", vertical="center")
_HEADER = CellStyle(bold=True, fill="DDEBF7", border=_GREY, wrap=True, horizontal="center", vertical="center")
_TEXT = CellStyle(border=_GREY, wrap=True, vertical="top")
_CENTER = CellStyle(border=_GREY, wrap=True, horizontal="center", vertical="center")
_DATE = replace(_TEXT, number_format=DATE_FORMAT)
_MOMENT = replace(_TEXT, number_format=MOMENT_FORMAT)
_TOTAL = replace(_TEXT, bold=True)
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_TITLE_HEIGHT = 36

TASK_WIDTHS = (6, 60, 28, 32, 14, 24, 10, 18)
SUMMARY_WIDTHS = (48, 12, 14, 14, 14, 14, 14)


def digest_workbook(
    digest: Digest, tasks: Mapping[str, Sequence[TaskRow]], *, lang: str, tz: ZoneInfo
) -> bytes:
    """The workbook as XLSX bytes; `tasks` holds each plan's rows (`plan_task_rows`)."""
    book = Workbook()
    summary_name = _sheet_name(msg.render(lang, msg.SHEET_SUMMARY), set())
    _summary_sheet(book, summary_name, digest, lang)
    used = {summary_name}
    for plan in digest.plans:
        name = _sheet_name(plan.number, used)
        used.add(name)
        title = msg.render(
            lang,
            msg.PLAN_SHEET_TITLE,
            number=plan.number,
            title=plan.title,
            date=short_date(digest.as_of, lang),
        )
        _task_sheet(book, name, title, tasks.get(plan.plan_id, []), lang, tz)
    return book.save()


def _summary_sheet(book: Workbook, name: str, digest: Digest, lang: str) -> None:
    headers = [msg.render(lang, msg.COLUMN_PLAN), msg.render(lang, msg.COLUMN_TOTAL)]
    headers += [msg.standing_label(lang, standing) for standing in Standing]
    title = msg.render(lang, msg.WORKBOOK_TITLE, date=short_date(digest.as_of, lang))
    sheet = _table(book, name, title, headers, SUMMARY_WIDTHS, len(digest.plans) + 1)
    for plan in digest.plans:
        values: list[Value] = [f"{plan.number} — {plan.title}", plan.counts.total]
        book.append(sheet, [(value, _TEXT) for value in values + [plan.counts.of(s) for s in Standing]])
    totals = digest.totals
    values = [msg.render(lang, msg.TOTAL_ROW), totals.total, *(totals.of(s) for s in Standing)]
    book.append(sheet, [(value, _TOTAL) for value in values])


def _task_sheet(
    book: Workbook, name: str, title: str, tasks: Sequence[TaskRow], lang: str, tz: ZoneInfo
) -> None:
    headers = [
        msg.render(lang, column)
        for column in (
            msg.COLUMN_NUMBER,
            msg.COLUMN_TASK,
            msg.COLUMN_LEAD,
            msg.COLUMN_SUPPORT,
            msg.COLUMN_DUE,
            msg.COLUMN_STANDING,
            msg.COLUMN_PERCENT,
            msg.COLUMN_LAST_UPDATE,
        )
    ]
    sheet = _table(book, name, title, headers, TASK_WIDTHS, len(tasks))
    labels = {standing: msg.standing_label(lang, standing) for standing in Standing}
    for number, task in enumerate(tasks, 1):
        last_update = task.last_update_at.astimezone(tz).replace(tzinfo=None) if task.last_update_at else None
        due: Cell = (task.due, _DATE) if task.due is not None else (task.timing or "", _TEXT)
        book.append(
            sheet,
            [
                (number, _CENTER),
                (task.title, _TEXT),
                (task.lead_unit or "", _TEXT),
                ("; ".join(task.support_units), _TEXT),
                due,
                (labels[task.standing], _TEXT),
                (task.percent, _TEXT),
                (last_update, _MOMENT),
            ],
        )


def _table(
    book: Workbook, name: str, title: str, headers: list[str], widths: Sequence[int], rows: int
) -> Sheet:
    """Title in row 1 (merged across the table), header in row 2 (frozen, filtered); the caller
    appends the `rows` data rows."""
    last_column = column_letter(len(headers))
    sheet = book.sheet(name, widths=widths, frozen_rows=2)
    sheet.merged.append(f"A1:{last_column}1")
    sheet.auto_filter = f"A2:{last_column}{max(2, rows + 2)}"
    book.append(sheet, [(title, _TITLE)], height=_TITLE_HEIGHT)
    book.append(sheet, [(header, _HEADER) for header in headers])
    return sheet


def _sheet_name(wanted: str, used: set[str]) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = _SHEET_FORBIDDEN.sub("-", wanted).strip("'")[:31] or "Sheet"
    name, number = base, 2
    while name.lower() in {existing.lower() for existing in used}:
        suffix = f" ({number})"
        name = base[: 31 - len(suffix)] + suffix
        number += 1
    return name
