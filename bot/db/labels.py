"""How a task's status reads in what people see (chat, reminders, the digest): one table for all.

The Vietnamese label is the gettext msgid; English is in `bot/locale/en/LC_MESSAGES/db.po` (the
`db` domain, beside the `TaskStatus` enum). Labels are lower case, as they stand mid-sentence
(`Đã ghi nhận nhiệm vụ «…»: hoàn thành.`).
"""

from __future__ import annotations

from bot.db.messages import render
from bot.db.models import TaskStatus
from bot.i18n import N_

STATUS_LABELS: dict[TaskStatus, str] = {
    TaskStatus.NOT_STARTED: N_("chưa thực hiện"),
    TaskStatus.IN_PROGRESS: N_("đang thực hiện"),
    TaskStatus.DONE: N_("hoàn thành"),
    TaskStatus.BLOCKED: N_("vướng mắc"),
}


def status_label(status: TaskStatus | str, lang: str) -> str:
    """`hoàn thành` in Vietnamese, `done` in English; `status` may be the stored code (`done`)."""
    return render(lang, STATUS_LABELS[TaskStatus(status)])
