"""What the bot answers once it has understood a reply: confirmations the person can check."""

from __future__ import annotations

from bot.datefmt import long_date
from bot.db.labels import status_label
from bot.db.models import TaskStatus
from bot.understand import Understanding
from bot.understand.labels import period_label
from bot.understand.messages import (
    RECORDED_NOTE,
    RECORDED_REPORT,
    RECORDED_REPORT_ANY,
    RECORDED_STATUS,
    RECORDED_STATUS_PERCENT,
    REPLACED,
    SNOOZE_AFTER,
    SNOOZE_UNTIL,
    render,
)


def confirmation(
    understanding: Understanding,
    *,
    task_title: str | None,
    lang: str,
    replaced: tuple[str, TaskStatus] | None = None,
) -> str:
    """The lines that tell the person what was recorded (status, note, report, snooze), so a
    misunderstanding shows at once. `replaced` = (author name, status) of the update this one
    follows, when somebody else wrote it."""
    lines: list[str] = []
    if understanding.status is not None and task_title is not None:
        status = status_label(understanding.status, lang)
        if understanding.percent is not None:
            lines.append(
                render(
                    lang,
                    RECORDED_STATUS_PERCENT,
                    task=task_title,
                    status=status,
                    percent=understanding.percent,
                )
            )
        else:
            lines.append(render(lang, RECORDED_STATUS, task=task_title, status=status))
        if replaced is not None:
            lines.append(render(lang, REPLACED, author=replaced[0], status=status_label(replaced[1], lang)))
    if understanding.note:
        lines.append(render(lang, RECORDED_NOTE, note=understanding.note))
    if understanding.report is not None:
        period = understanding.report.period
        lines.append(
            render(lang, RECORDED_REPORT, period=period_label(period, lang))
            if period is not None
            else render(lang, RECORDED_REPORT_ANY)
        )
    snooze = understanding.snooze
    if snooze is not None and snooze.until is not None:
        lines.append(render(lang, SNOOZE_UNTIL, date=long_date(snooze.until, lang)))
    elif snooze is not None and snooze.delay is not None:
        lines.append(render(lang, SNOOZE_AFTER, hours=int(snooze.delay.total_seconds() // 3600)))
    return "\n".join(lines)
