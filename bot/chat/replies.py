"""What the bot answers once it has understood a reply: confirmations the person can check."""

from __future__ import annotations

from bot.cutting import cut_at_word
from bot.datefmt import long_date
from bot.db.labels import status_label
from bot.db.models import TaskStatus
from bot.i18n import N_
from bot.outbox.checkin import short_reference
from bot.understand import Understanding
from bot.understand.labels import period_label
from bot.understand.messages import (
    RECORDED_NOTE,
    RECORDED_REPORT,
    RECORDED_REPORT_ANY,
    REPLACED,
    SNOOZE_AFTER,
    SNOOZE_UNTIL,
    render,
)

# In the `understand` domain (English in `bot/locale/en/LC_MESSAGES/understand.po`). `{item}` is
# `task_name`: the same words a check-in and its answers use for the task.
RECORDED_ITEM = N_("Đã ghi nhận {item}: {status}.")
RECORDED_ITEM_PERCENT = N_("Đã ghi nhận {item}: {status} ({percent}%).")
TITLE_CUT = 60
"""As in the answers to a check-in (`bot.chat.conversation.checkins`): a plan's titles run to
900 characters; the reference says which task, the start of the title lets the person check."""


def task_name(title: str, key: str | None, lang: str) -> str:
    """`Nhiệm vụ III.1.b «Rà soát quy hoạch…»` (without a key, just the cut title in quotes)."""
    quoted = f"«{cut_at_word(title, TITLE_CUT)}»"
    return f"{short_reference('task', key, lang)} {quoted}" if key else quoted


def confirmation(
    understanding: Understanding,
    *,
    task_title: str | None,
    lang: str,
    replaced: tuple[str, TaskStatus] | None = None,
    task_key: str | None = None,
) -> str:
    """The lines that tell the person what was recorded (status, note, report, snooze), so a
    misunderstanding shows at once. The task is named by `task_key`, its short reference, and
    the start of `task_title`. `replaced` = (author name, status) of the update this one
    follows, when somebody else wrote it."""
    lines: list[str] = []
    if understanding.status is not None and task_title is not None:
        status = status_label(understanding.status, lang)
        item = task_name(task_title, task_key, lang)
        if understanding.percent is not None:
            lines.append(
                render(lang, RECORDED_ITEM_PERCENT, item=item, status=status, percent=understanding.percent)
            )
        else:
            lines.append(render(lang, RECORDED_ITEM, item=item, status=status))
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
