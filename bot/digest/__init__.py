"""Weekly digests for office chiefs: counts by SQL aggregation (`queries`), Jinja2 templates
(`render`), splitting at the platform limits (`split`), the XLSX workbook (`xlsx`), the PNG chart
(`chart`), who gets what and when (`schedule`) and one outbox row made ready to send (`compose`).

The chart and workbook modules import matplotlib / openpyxl: import them where they are needed.
"""

from bot.digest.model import Digest, Standing, StandingCounts
from bot.digest.queries import build_digest, plan_task_rows
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
]
