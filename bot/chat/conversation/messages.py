"""What the conversation says, in Vietnamese (the gettext msgid), with English in
`bot/locale/en/LC_MESSAGES/conversation.po`. Placeholders are `str.format` names.
"""

from __future__ import annotations

from bot.i18n import N_, renderer

DOMAIN = "conversation"
render = renderer(DOMAIN)


NOT_REGISTERED = N_(
    "Xin chào! Bot Nhắc việc chỉ làm việc với cán bộ đã đăng ký. Nếu anh/chị đã có mã mời (8 ký tự, "
    "dạng ABCD-EFGH), hãy gửi mã cho bot. {how}"
)
GROUP_NO_BINDING = N_(
    "Không đăng ký được trong nhóm: hãy nhắn riêng cho bot và gửi mã mời ở đó (mã mời gắn với một người, "
    "không gắn với nhóm)."
)
GROUP_NOT_REGISTERED = N_(
    "Anh/chị chưa đăng ký với bot. Hãy nhắn riêng cho bot và gửi mã mời; chưa có mã thì nhờ quản trị "
    "viên của cơ quan chạy lệnh «nhacviec invite»."
)
HELP = N_(
    "Các lệnh của bot Nhắc việc:\n"
    "/viec — nhiệm vụ của tôi (hạn gần nhất trước)\n"
    "/baocao — báo cáo tiến độ một nhiệm vụ\n"
    "/quahan — nhiệm vụ quá hạn\n"
    "/tamhoan — hoãn một tin nhắc\n"
    "/tonghop — bản tổng hợp (lãnh đạo, người nhận tổng hợp)\n"
    "/huy — hủy bước đang làm\n"
    "/huongdan — hướng dẫn này\n"
    "Có thể trả lời thẳng vào tin nhắc: «xong», «đang làm 60%», «vướng mắc: thiếu kinh phí», "
    "«đã nộp báo cáo tháng 11», hoặc gõ số của lựa chọn (1, 2, 3…) khi tin nhắc không có nút bấm."
)
UNKNOWN_COMMAND = N_("Bot không có lệnh «{command}». Gõ /huongdan để xem các lệnh.")
SLOW_DOWN = N_(
    "Anh/chị gửi nhanh quá ({limit} tin trong một phút). Xin chậm lại: các tin tiếp theo trong phút này "
    "sẽ không được xử lý."
)
TOO_LONG = N_(
    "Tin nhắn dài {length} ký tự, quá giới hạn {limit} ký tự nên chưa được ghi nhận. Hãy gửi ngắn gọn; "
    "tài liệu dài thì gửi dạng tệp."
)

TROUBLE = N_(
    "Xin lỗi, bot đang gặp sự cố với cơ sở dữ liệu nên chưa ghi nhận được gì. Hãy thử lại sau ít phút; "
    "nếu vẫn lỗi, hãy báo quản trị viên của cơ quan."
)

NO_TASKS = N_("Đơn vị của anh/chị không có nhiệm vụ nào đang mở.")
TASKS_HEADER = N_("Nhiệm vụ đang mở của {unit} ({count}), hạn gần nhất trước:")
TASK_LINE = N_("{number}. {key} {title} — hạn {due}; {status}")
TASK_LINE_NO_DUE = N_("{number}. {key} {title} — không có hạn cố định; {status}")
MORE_TASKS = N_("… và {count} nhiệm vụ khác.")
NO_OVERDUE = N_("Không có nhiệm vụ nào quá hạn. Tốt lắm!")
OVERDUE_HEADER = N_("Nhiệm vụ quá hạn ({count}), quá hạn lâu nhất trước:")
OVERDUE_LINE = N_("{number}. {key} {title} — hạn {due}, trễ {days} ngày làm việc")

DIGEST_NOT_ALLOWED = N_(
    "Chỉ lãnh đạo văn phòng, quản trị viên và người nhận tổng hợp của kế hoạch mới xem được bản tổng "
    "hợp. Nếu anh/chị cần nhận, hãy nhờ quản trị viên thêm tên vào mục digest_to của kế hoạch."
)
DIGEST_NO_PLANS = N_("Chưa có kế hoạch nào đang theo dõi để tổng hợp.")
DIGEST_CHART = N_("Biểu đồ tình trạng nhiệm vụ")
DIGEST_WORKBOOK = N_("Bảng chi tiết nhiệm vụ (Excel)")

PICK_TASK = N_("Báo cáo nhiệm vụ nào?")
PICK_STATUS = N_("Nhiệm vụ «{task}» đang ở tình trạng nào?")
ASK_NOTE = N_("Thêm ghi chú (gõ nội dung), hoặc chọn «Không có ghi chú».")
NO_NOTE = N_("Không có ghi chú")
ASK_PERCENT = N_("Nhiệm vụ «{task}» đã làm được bao nhiêu phần trăm? Chọn hoặc gõ một số từ 0 đến 100.")
BAD_PERCENT = N_("«{text}» không phải tỷ lệ phần trăm từ 0 đến 100. Gõ một số, ví dụ 60, hoặc /huy để hủy.")
ASK_REASON = N_("Nhiệm vụ «{task}» vướng mắc gì? Gõ nội dung vướng mắc (ví dụ «thiếu kinh phí»).")
EMPTY_REASON = N_("Hãy gõ nội dung vướng mắc, hoặc /huy để hủy.")
PICK_NUMBER = N_("Hãy chọn một số từ 1 đến {count}, hoặc /huy để hủy.")
TYPE_NUMBER = N_("(Trả lời bằng số thứ tự, ví dụ «1».)")
CANCELLED = N_("Đã hủy. Không có gì được ghi nhận.")
NOTHING_TO_CANCEL = N_("Không có bước nào đang chờ.")
STEP_EXPIRED = N_("Lựa chọn này đã hết hạn hoặc không còn hiệu lực. Gõ lại lệnh nếu cần.")
CONFIRM_TASK = N_("Tin nhắn này về nhiệm vụ «{task}» phải không?")
YES = N_("Đúng")
NO = N_("Không phải")
OFFER_REPORT = N_(
    "Tôi chưa biết tin nhắn này về nhiệm vụ nào. Để báo cáo, hãy trả lời (reply) vào tin nhắc của nhiệm "
    "vụ đó, hoặc gõ /baocao. Gõ /huongdan để xem các lệnh."
)
REPORT_FILED_LATE = N_("Báo cáo nộp muộn (hạn {due}).")
REPORT_FILED_ON_TIME = N_("Báo cáo nộp đúng hạn (hạn {due}).")
REPORT_ALREADY = N_("Đơn vị đã báo nộp báo cáo kỳ này trước đó ({at}); không ghi thêm.")
ATTACHMENTS_KEPT = N_("Đã lưu {count} tệp đính kèm làm minh chứng.")

STALE_BUTTON = N_("Nút này không còn hiệu lực.")
STALE_REMINDER = N_("Tin nhắc này không còn hiệu lực (đã được thay thế hoặc đã hủy); không cần trả lời nữa.")
TASK_CLOSED = N_("Nhiệm vụ «{task}» đã hoàn thành hoặc đã đóng; không cần báo cáo thêm.")
NOT_YOUR_REMINDER = N_("Tin nhắc này không phải của anh/chị, nên không ghi nhận gì.")
REPORT_ONLY_DONE = N_("Với báo cáo định kỳ, chỉ cần báo «đã nộp» (nút Hoàn thành) hoặc hẹn nhắc lại.")
NOT_A_TASK = N_("Tin nhắc này không gắn với nhiệm vụ nào để cập nhật.")
RECORDED = N_("Đã ghi nhận.")

SNOOZE_PICK_REMINDER = N_("Hoãn tin nhắc nào?")
SNOOZE_PICK_LENGTH = N_("Nhắc lại sau bao lâu?")
SNOOZE_ONE_DAY = N_("1 ngày")
SNOOZE_THREE_DAYS = N_("3 ngày")
SNOOZE_ONE_WEEK = N_("1 tuần")
SNOOZED = N_("Đã hoãn: sẽ nhắc lại nhiệm vụ «{task}» vào {when}.")
NOTHING_TO_SNOOZE = N_("Không có tin nhắc nào gần đây để hoãn.")
