"""Words of the digest said from Python (labels, the command's errors), in Vietnamese — the gettext
msgid — with English in `bot/locale/en/LC_MESSAGES/digest.po`. The templates in `templates/`
hold the rest of the digest's text; both are extracted into the same catalog.
"""

from __future__ import annotations

from bot.db.models import OutboxKind
from bot.digest.model import Standing
from bot.i18n import N_, renderer

DOMAIN = "digest"
render = renderer(DOMAIN)


STANDING_LABELS = {
    Standing.DONE_ON_TIME: N_("Hoàn thành đúng hạn"),
    Standing.DONE_LATE: N_("Hoàn thành quá hạn"),
    Standing.OPEN_IN_TIME: N_("Đang thực hiện trong hạn"),
    Standing.OPEN_OVERDUE: N_("Đang thực hiện quá hạn"),
    Standing.NO_DEADLINE: N_("Không có thời hạn"),
}
OUTBOX_KIND_LABELS = {
    OutboxKind.BEFORE: N_("nhắc trước hạn"),
    OutboxKind.DUE: N_("nhắc đến hạn"),
    OutboxKind.OVERDUE: N_("nhắc quá hạn"),
    OutboxKind.ESCALATION: N_("báo lãnh đạo"),
    OutboxKind.PROGRESS: N_("hỏi tiến độ"),
    OutboxKind.DIGEST: N_("bản tổng hợp"),
}


def standing_label(lang: str, standing: Standing | str) -> str:
    return render(lang, STANDING_LABELS[Standing(standing)])


def outbox_kind_label(lang: str, kind: OutboxKind | str) -> str:
    return render(lang, OUTBOX_KIND_LABELS[OutboxKind(kind)])


# Workbook and chart
SHEET_SUMMARY = N_("Tổng hợp")
WORKBOOK_TITLE = N_("BIỂU TỔNG HỢP TÌNH HÌNH THỰC HIỆN NHIỆM VỤ (đến hết ngày {date})")
PLAN_SHEET_TITLE = N_("{number}: {title} — tình hình thực hiện đến hết ngày {date}")
COLUMN_PLAN = N_("Kế hoạch")
COLUMN_TOTAL = N_("Tổng số nhiệm vụ")
TOTAL_ROW = N_("Tổng cộng")
COLUMN_NUMBER = N_("TT")
COLUMN_TASK = N_("Nội dung nhiệm vụ")
COLUMN_LEAD = N_("Cơ quan chủ trì")
COLUMN_SUPPORT = N_("Cơ quan phối hợp")
COLUMN_DUE = N_("Thời hạn")
COLUMN_STANDING = N_("Tình trạng")
COLUMN_PERCENT = N_("Tiến độ (%)")
COLUMN_LAST_UPDATE = N_("Cập nhật gần nhất")
CHART_TITLE = N_("Tình trạng nhiệm vụ theo đơn vị chủ trì (đến hết ngày {date})")
CHART_AXIS = N_("Số nhiệm vụ")
CHART_OTHERS = N_("Các đơn vị khác ({count})")

# The command's errors
EMPTY_DATABASE = N_(
    "Cơ sở dữ liệu {url} chưa có kế hoạch nào. Chạy «nhacviec plans sync» để nạp các kế hoạch "
    "trong thư mục plans/ rồi chạy lại lệnh này."
)
UNKNOWN_PLAN = N_(
    "Không có kế hoạch «{plan}» trong cơ sở dữ liệu. Các kế hoạch hiện có: {known}. "
    "Viết đúng mã kế hoạch (tên tệp không có .yaml) sau --plan."
)
UNKNOWN_PERSON = N_(
    "Không có người «{person}» trong danh bạ. Những người nhận bản tổng hợp: {known}. "
    "Viết đúng mã người (id trong plans/directory/) sau --to."
)
NOT_A_RECIPIENT = N_(
    "{person} không nhận bản tổng hợp của kế hoạch nào{plan_note}. Người nhận là người có tên trong "
    "digest_to của kế hoạch, hoặc Chánh Văn phòng (role: chief) của đơn vị theo dõi (monitor). "
    "Những người nhận hiện có: {known}."
)
NOT_A_RECIPIENT_PLAN = N_(" «{plan}»")
NOBODY = N_("(chưa có ai)")
BAD_DATE = N_(
    "--as-of «{value}» không phải một ngày. Viết dạng YYYY-MM-DD (ví dụ 2026-11-20) hoặc DD/MM/YYYY."
)
CANNOT_WRITE = N_(
    "Không ghi được tệp {path}: {detail}. Chọn một thư mục đã có và được phép ghi, ví dụ --out ./digest.xlsx."
)
WROTE_FILE = N_("Đã ghi {what} vào {path}.")
WHAT_XLSX = N_("biểu tổng hợp (Excel)")
WHAT_PNG = N_("biểu đồ (PNG)")
WHAT_TEXT = N_("bản tổng hợp")
