"""Weekly digests for office chiefs: counts by SQL aggregation (`queries`), Jinja2 templates
(`render`), splitting at the platform limits (`split`), the XLSX workbook (`xlsx`), the PNG chart
(`chart`), who gets what and when (`schedule`) and one outbox row made ready to send (`compose`).

The chart module imports matplotlib (slow to import): import it where it is needed. The workbook is
written by our own small XLSX writer (`xlsxfile`), which needs no library.
"""

from bot.digest.model import Digest, Standing, StandingCounts
from bot.digest.queries import build_digest, plan_task_rows, task_rows_by_plan
from bot.digest.render import Format, render_digest
from bot.digest.schedule import (
    DigestSchedule,
    due_digests,
    enqueue_digests,
    load_digest_schedule,
    previous_digest_at,
    recipients,
)
from bot.digest.split import TELEGRAM_LIMIT, ZALO_LIMIT, split_message

__all__ = [
    "TELEGRAM_LIMIT",
    "ZALO_LIMIT",
    "Digest",
    "DigestSchedule",
    "Format",
    "Standing",
    "StandingCounts",
    "build_digest",
    "due_digests",
    "enqueue_digests",
    "load_digest_schedule",
    "plan_task_rows",
    "previous_digest_at",
    "recipients",
    "render_digest",
    "split_message",
    "task_rows_by_plan",
]
