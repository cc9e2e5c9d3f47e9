"""The digest's workbook, in the shape of an office's *biểu tổng hợp*: a summary sheet, then one
sheet per plan listing every task (TT, nội dung nhiệm vụ, cơ quan chủ trì, cơ quan phối hợp, thời
hạn, tình trạng, tiến độ %, cập nhật gần nhất).

Each sheet has a merged title row, a bold frozen header with an auto filter, wrapped text, fixed
readable widths, and real Excel dates (so the office can sort and filter by them).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from bot.datefmt import short_date
from bot.digest import messages as msg
from bot.digest.model import Digest, Standing
from bot.digest.queries import TaskRow

DATE_FORMAT = "DD/MM/YYYY"
MOMENT_FORMAT = "DD/MM/YYYY HH:MM"
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

TASK_WIDTHS = (6, 60, 28, 32, 14, 24, 10, 18)
SUMMARY_WIDTHS = (48, 12, 14, 14, 14, 14, 14)


def digest_workbook(
    digest: Digest, tasks: Mapping[str, Sequence[TaskRow]], *, lang: str, tz: ZoneInfo
) -> bytes:
    """The workbook as XLSX bytes; `tasks` holds each plan's rows (`plan_task_rows`)."""
    book = Workbook()
    summary = book.active
    summary.title = _sheet_name(msg.render(lang, msg.SHEET_SUMMARY), set())
    _summary_sheet(summary, digest, lang)
    used = {summary.title}
    for plan in digest.plans:
        sheet = book.create_sheet(_sheet_name(plan.number, used))
        used.add(sheet.title)
        title = msg.render(
            lang, msg.PLAN_SHEET_TITLE, number=plan.number, title=plan.title,
            date=short_date(digest.as_of, lang),
        )
        _task_sheet(sheet, title, tasks.get(plan.plan_id, []), lang, tz)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _summary_sheet(sheet: Any, digest: Digest, lang: str) -> None:
    headers = [msg.render(lang, msg.COLUMN_PLAN), msg.render(lang, msg.COLUMN_TOTAL)]
    headers += [msg.standing_label(lang, standing) for standing in Standing]
    title = msg.render(lang, msg.WORKBOOK_TITLE, date=short_date(digest.as_of, lang))
    rows: list[list[object]] = [
        [f"{plan.number} — {plan.title}", plan.counts.total, *(plan.counts.of(s) for s in Standing)]
        for plan in digest.plans
    ]
    totals = digest.totals
    rows.append([msg.render(lang, msg.TOTAL_ROW), totals.total, *(totals.of(s) for s in Standing)])
    _table(sheet, title, headers, rows, SUMMARY_WIDTHS)
    last = sheet.max_row
    for cell in sheet[last]:
        cell.font = Font(bold=True)


def _task_sheet(sheet: Any, title: str, tasks: Sequence[TaskRow], lang: str, tz: ZoneInfo) -> None:
    headers = [
        msg.render(lang, column)
        for column in (
            msg.COLUMN_NUMBER, msg.COLUMN_TASK, msg.COLUMN_LEAD, msg.COLUMN_SUPPORT, msg.COLUMN_DUE,
            msg.COLUMN_STANDING, msg.COLUMN_PERCENT, msg.COLUMN_LAST_UPDATE,
        )
    ]
    rows: list[list[object]] = []
    for number, task in enumerate(tasks, 1):
        last_update = task.last_update_at.astimezone(tz).replace(tzinfo=None) if task.last_update_at else None
        rows.append([
            number,
            task.title,
            task.lead_unit or "",
            "; ".join(task.support_units),
            task.due if task.due is not None else (task.timing or ""),
            msg.standing_label(lang, task.standing),
            task.percent,
            last_update,
        ])
    _table(sheet, title, headers, rows, TASK_WIDTHS)
    for row in sheet.iter_rows(min_row=3):
        row[0].alignment = _CENTER
        if isinstance(row[4].value, dt.date):
            row[4].number_format = DATE_FORMAT
        row[7].number_format = MOMENT_FORMAT


def _table(
    sheet: Any, title: str, headers: list[str], rows: list[list[object]], widths: Sequence[int]
) -> None:
    """Title in row 1 (merged across the table), header in row 2 (frozen, filtered), data below."""
    ws = sheet
    last_column = get_column_letter(len(headers))
    ws.append([title])
    ws.merge_cells(f"A1:{last_column}1")
    ws["A1"].font = Font(bold=True, size=13)
    ws["A1"].alignment = _CENTER
    ws.row_dimensions[1].height = 36
    ws.append(headers)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = _CENTER
        cell.border = _BORDER
    for row in rows:
        ws.append(row)
    for row_cells in ws.iter_rows(min_row=3):
        for cell in row_cells:
            cell.alignment = _WRAP
            cell.border = _BORDER
    for index, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:{last_column}{max(2, len(rows) + 2)}"


def _sheet_name(wanted: str, used: set[str]) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = _SHEET_FORBIDDEN.sub("-", wanted).strip("'")[:31] or "Sheet"
    name, number = base, 2
    while name.lower() in {existing.lower() for existing in used}:
        suffix = f" ({number})"
        name = base[: 31 - len(suffix)] + suffix
        number += 1
    return name
