"""Messages of the reminder planner and `nhacviec schedule`, in Vietnamese (the gettext msgid),
with English in `bot/locale/en/LC_MESSAGES/schedule.po`. Placeholders are `str.format` names.
"""

from __future__ import annotations

from bot.i18n import N_, renderer

DOMAIN = "schedule"
render = renderer(DOMAIN)


# Why a reminder is sent (the preview's last column).
WHY_BEFORE = N_("nhắc trước {days} ngày làm việc")
WHY_DUE = N_("nhắc đúng ngày hạn")
WHY_OVERDUE = N_("quá hạn lần {number}")
WHY_ESCALATION = N_("báo cáo lên lãnh đạo: quá hạn {days} ngày làm việc")
WHY_PROGRESS_TASK = N_("hỏi tiến độ việc thường xuyên, theo kỳ báo cáo của kế hoạch")
WHY_PROGRESS_TARGET = N_("hỏi tiến độ chỉ tiêu dài hạn (hạn {horizon}), theo kỳ báo cáo của kế hoạch")
WHY_PROGRESS_TARGET_OPEN = N_("hỏi tiến độ chỉ tiêu (không ghi hạn), theo kỳ báo cáo của kế hoạch")
NOTE_SHIFTED = N_("hạn {due} là ngày nghỉ, lùi đến {effective} (BLDS 2015, Điều 148)")
NOTE_STANDARD_DAY = N_(
    "kế hoạch không ghi ngày: lấy ngày {day} hằng kỳ theo kỳ «{cycle}» chuẩn (Nghị định 09/2019/NĐ-CP)"
)
NOTE_STANDARD_PROGRESS = N_(
    "kế hoạch không có kỳ báo cáo ghi ngày: dùng «{cycle}» chuẩn, ngày {day} (Nghị định 09/2019/NĐ-CP)"
)
UNREGISTERED_LEGEND = N_(
    "(mã đơn vị): chưa ai của đơn vị đăng ký nhận tin nên chưa gửi được; khi có người đăng ký, "
    "bot sẽ nhắc họ."
)

# Kinds of reminder (the preview's "Loại" column).
KIND_BEFORE = N_("trước hạn")
KIND_DUE = N_("đến hạn")
KIND_OVERDUE = N_("quá hạn")
KIND_ESCALATION = N_("báo lãnh đạo")
KIND_PROGRESS = N_("hỏi tiến độ")

# `nhacviec schedule`
TABLE_TITLE = N_("Lịch nhắc từ {start} đến {end} (xem trước, chưa gửi gì)")
COLUMN_SEND_AT = N_("Gửi lúc")
COLUMN_RECIPIENT = N_("Người nhận")
COLUMN_PLAN = N_("Kế hoạch")
COLUMN_TASK = N_("Việc")
COLUMN_DUE = N_("Hạn")
COLUMN_KIND = N_("Loại")
COLUMN_WHY = N_("Lý do")
SUMMARY = N_("{count} tin nhắc cho {occurrences} hạn trong {days} ngày tới.")
NOTHING_AHEAD = N_(
    "Không có tin nhắc nào trong {days} ngày tới (từ {start} đến {end}). Thử --days lớn hơn, hoặc "
    "kiểm tra thời hạn các nhiệm vụ bằng «nhacviec plans show»."
)
EMPTY_DATABASE = N_(
    "Cơ sở dữ liệu {url} chưa có kế hoạch nào. Chạy «nhacviec plans sync» để nạp các kế hoạch "
    "trong thư mục plans/, rồi chạy lại «nhacviec schedule»."
)
UNKNOWN_PLAN = N_(
    "Không có kế hoạch «{plan}» trong cơ sở dữ liệu. Các kế hoạch hiện có: {known}. Kế hoạch mới "
    "cần được nạp bằng «nhacviec plans sync» trước."
)
UNKNOWN_UNIT = N_(
    "Không có đơn vị «{unit}» trong danh bạ. Các đơn vị hiện có: {known}. Đơn vị được khai trong "
    "plans/directory/ và nạp bằng «nhacviec plans sync»."
)
BAD_DAYS = N_("--days {days} không hợp lệ: cần một số ngày từ 1 đến {most}, ví dụ --days 30.")
BAD_AS_OF = N_("--as-of «{value}» không phải một ngày; viết dạng NĂM-THÁNG-NGÀY, ví dụ --as-of 2026-01-15.")

# Snoozing (the chat layer shows these to the person who asked).
SNOOZE_NOT_FOUND = N_("Không có tin nhắc số {id}. Kiểm tra lại tin nhắc bạn muốn hoãn.")
SNOOZE_NOT_YOURS = N_(
    "Tin nhắc số {id} không phải của bạn: mỗi người chỉ hoãn được tin nhắc gửi cho chính mình."
)
SNOOZE_NOT_PENDING = N_("Tin nhắc số {id} không còn chờ gửi (trạng thái: {state}) nên không hoãn được.")
SNOOZE_PAST = N_("Thời điểm hoãn đến ({until}) đã qua; hãy chọn một thời điểm sau bây giờ.")

# After `plans sync`.
SYNC_SCHEDULE = N_(
    "Lịch nhắc: {added} kỳ hạn mới, {superseded} kỳ hạn thay thế, {closed} đã xong; "
    "{reminders} tin nhắc mới, {cancelled} tin nhắc hủy."
)

PROJECTION_TITLE = N_("Tin nhắn dự kiến (mỗi người một tin nhắc gộp mỗi lần gửi):")
PROJECTION_LINE = N_(
    "{channel}: {messages} tin trong {days} ngày tới (nếu gửi từng nhắc riêng: {reminders}); khoảng "
    "{per_month} tin/tháng"
)
PROJECTION_BUDGET = N_("; hạn mức {budget} tin/tháng")
PROJECTION_OVER = N_(
    " — vượt hạn mức: khi gần hết, bot bỏ nhắc cập nhật tiến độ rồi nhắc trước hạn (không bỏ việc quá "
    "hạn, báo cáo lãnh đạo) và báo quản trị viên"
)
