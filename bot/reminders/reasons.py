"""Why an occurrence was closed or superseded: written into the cancelled outbox rows' `error`.

Stored in Vietnamese (the office's language); these are records for the admin, not messages.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from bot.db.models import OccurrenceState


class CloseReason(StrEnum):
    TASK_DONE = "Nhiệm vụ đã hoàn thành: không nhắc nữa."
    REPORT_SUBMITTED = "Mọi đơn vị đã nộp báo cáo kỳ này: không nhắc nữa."
    UNIT_SUBMITTED = "Đơn vị của người nhận đã nộp báo cáo kỳ này: không nhắc nữa."
    PROGRESS_REPORTED = "Đã có cập nhật tiến độ trong kỳ: không hỏi nữa."
    ARCHIVED = "Nhiệm vụ (hoặc báo cáo, chỉ tiêu, kế hoạch) đã bị bỏ khỏi kế hoạch và được lưu trữ."
    NO_LONGER_DUE = "Thời hạn trong kế hoạch đã thay đổi: kỳ hạn này không còn."

    @property
    def state(self) -> OccurrenceState:
        if self in (CloseReason.ARCHIVED, CloseReason.NO_LONGER_DUE):
            return OccurrenceState.SUPERSEDED
        return OccurrenceState.DONE


def due_changed(old: dt.date, new: dt.date) -> str:
    return f"Hạn đã đổi từ {old:%d/%m/%Y} sang {new:%d/%m/%Y} khi đồng bộ lại kế hoạch."
