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
    "/sua — sửa (hủy) cập nhật vừa gửi nhầm trong ngày\n"
    "/tonghop — bản tổng hợp (lãnh đạo, người nhận tổng hợp)\n"
    "/huy — hủy bước đang làm\n"
    "/huongdan — hướng dẫn này\n"
    "Có thể trả lời thẳng vào tin nhắc: «xong», «đang làm 60%», «vướng mắc: thiếu kinh phí», "
    "«đã nộp báo cáo tháng 11», «nhắc lại thứ Hai 8h», hoặc gõ số của lựa chọn (1, 2, 3…) khi tin nhắc "
    "không có nút bấm. Gửi nhầm thì nhắn «nhầm rồi» hoặc /sua."
)
HELP_WEB = N_("/web — trang theo dõi nhiệm vụ trên máy tính (bot gửi đường dẫn đăng nhập)")
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
LIST_PAGE_NEXT = N_("Trang {page}/{pages}: gõ «{command} {next}» để xem {count} nhiệm vụ tiếp theo.")
LIST_PAGE_LAST = N_("Trang {page}/{pages}: trang cuối.")
LIST_NO_PAGE = N_("Danh sách chỉ có {pages} trang: gõ «{command} {pages}» để xem trang cuối.")
NO_OVERDUE = N_("Không có nhiệm vụ nào quá hạn.")
OVERDUE_HEADER = N_("Nhiệm vụ quá hạn ({count}), quá hạn lâu nhất trước:")
OVERDUE_LINE = N_("{number}. {key} {title} — hạn {due}, trễ {days} ngày làm việc")
LIST_HOW_TO_ANSWER = N_(
    "Cập nhật theo số trong danh sách này, mỗi việc một dòng, ví dụ «{first} xong», «{second} đang làm 60%»."
)
WHICH_ITEM_IN_LIST = N_(
    "Chưa ghi nhận gì: tin nhắn chưa nói việc nào. Đề nghị gõ số của việc trong danh sách gần nhất "
    "kèm tình trạng, mỗi việc một dòng, ví dụ «1 xong», «2 đang làm 60%»."
)

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
NOT_YOUR_TASK = N_(
    "Nhiệm vụ «{task}» không do đơn vị của anh/chị chủ trì hay phối hợp, nên không ghi nhận gì."
)
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

# --- /baocao: pages and search --------------------------------------------------------------------
PICK_TASK_PAGE = N_(
    "Báo cáo nhiệm vụ nào? Trang {page}/{pages} ({count} nhiệm vụ). Gõ từ khóa hoặc số hiệu để tìm."
)
NEXT_PAGE = N_("Trang sau ▶")
PREVIOUS_PAGE = N_("◀ Trang trước")
TYPE_PAGE = N_("(Gõ «sau» hoặc «trước» để sang trang khác.)")
FOUND_TASKS = N_("Tìm thấy {count} nhiệm vụ khớp «{query}». Báo cáo nhiệm vụ nào?")
NO_MATCH = N_(
    "Không tìm thấy nhiệm vụ nào khớp «{query}». Gõ từ khóa hoặc số hiệu khác, hoặc chọn trong danh sách."
)
HOLD_READING = N_("Ghi nhận «{reading}» cho nhiệm vụ nào? Chọn nhiệm vụ (hoặc gõ từ khóa để tìm).")

# --- words in every step --------------------------------------------------------------------------
CONFIRM_DONE_TASK = N_("Xác nhận nhiệm vụ «{task}» đã hoàn thành?")
CONFIRM_YES = N_("Đúng, đã xong")
CONFIRM_NO = N_("Chưa")
WHICH_STATUS_THEN = N_("Vậy nhiệm vụ «{task}» đang ở tình trạng nào?")
SAVED_BEFORE = N_("(Đã lưu phần anh/chị chọn trước khi chuyển sang lệnh mới.)")
NOT_SAVED = N_("(Chưa ghi nhận «{text}» cho nhiệm vụ «{task}» vì chưa được xác nhận. Cần thì gửi lại.)")
SNOOZE_WHEN_UNCLEAR = N_(
    "Chưa rõ thời điểm «{text}». Chọn một lựa chọn, hoặc gõ ví dụ «thứ Hai 8h», «sau 3 ngày», «ngày 15»."
)

# --- no update: questions, hand-offs, complaints, "later" -----------------------------------------
ANSWER_DEADLINE = N_("Hạn của nhiệm vụ «{task}»: {due}. Không có gì được ghi nhận.")
ANSWER_NO_DEADLINE = N_(
    "Nhiệm vụ «{task}» không có hạn cố định (theo dõi định kỳ). Không có gì được ghi nhận."
)
ANSWER_QUESTION = N_(
    "Bot chưa trả lời được câu hỏi này; không có gì được ghi nhận. Hãy hỏi trưởng phòng hoặc Văn phòng. "
    "Để báo tiến độ, trả lời ví dụ «đang làm 60%» hoặc «xong»."
)
HANDOFF_NOTED = N_(
    "Không ghi nhận cập nhật nào cho nhiệm vụ «{task}». Nếu nhiệm vụ đã giao cho người hoặc đơn vị khác, "
    "hãy báo trưởng phòng hoặc quản trị viên để giao lại; bot sẽ nhắc người được giao."
)
COMPLAINT_NOTED = N_(
    "Xin lỗi vì làm phiền; không có gì được ghi nhận. Bot nhắc theo hạn của kế hoạch. Muốn hoãn, trả lời "
    "«nhắc lại thứ Hai» hoặc gõ /tamhoan; nhiệm vụ xong thì trả lời «xong» để thôi nhắc."
)
DEFERRED = N_("Vâng, chưa ghi nhận gì. Tôi sẽ hỏi lại nhiệm vụ «{task}» lúc {when}.")

# --- corrections ----------------------------------------------------------------------------------
UNDO_WORDS_NOTE = N_("Hủy cập nhật lúc {at} ({status}) vì gửi nhầm")
UNDONE = N_(
    "Đã hủy cập nhật «{status}» lúc {at} của nhiệm vụ «{task}». Tình trạng trở lại: {restored}. "
    "Lịch sử vẫn giữ cả hai cập nhật."
)
UNDO_ASK = N_("Tình trạng đúng của nhiệm vụ «{task}» là gì? (Gõ /huy nếu chỉ cần hủy.)")
NOTHING_TO_UNDO = N_(
    "Hôm nay anh/chị chưa gửi cập nhật nào để sửa (chỉ sửa được trong ngày làm việc). "
    "Để báo lại tình trạng, gõ /baocao."
)
ALREADY_UNDONE = N_("Cập nhật gần nhất của anh/chị đã được hủy rồi. Để báo lại tình trạng, gõ /baocao.")
STATUS_CHANGED_BY = N_("{author} vừa cập nhật nhiệm vụ «{task}» mà anh/chị báo trước đó: {before} → {after}.")
REOPENED = N_("Nhiệm vụ được mở lại: bot sẽ tiếp tục nhắc theo hạn.")

# --- reminders that are no task -------------------------------------------------------------------
EXTEND_ASK = N_(
    "Xin lùi đến khi nào? Chọn, hoặc gõ ngày (ví dụ «15/12», «thứ Hai tuần sau»). Bot sẽ nhắc lại vào "
    "ngày đó; việc lùi hạn chính thức do đơn vị nhận báo cáo quyết định, hãy gửi văn bản đề nghị."
)
TARGET_NOT_RECORDED = N_(
    "Bot chưa lưu được số liệu chỉ tiêu «{target}»: hãy gửi số liệu về Văn phòng theo kênh thường lệ. "
    "Không có gì được ghi nhận. Muốn hẹn lại, trả lời «nhắc lại thứ Hai» hoặc chọn «Nhắc lại sau»."
)

CHECKIN_NO_SUCH_ITEM = N_(
    "Danh sách gần nhất không có mục số {number} (chỉ có từ {first} đến {last}). Chưa ghi nhận gì; "
    "đề nghị trả lời lại, mỗi việc một dòng, ví dụ «{first} xong»."
)
CHECKIN_NO_SUCH_ITEM_ONE = N_(
    "Danh sách gần nhất chỉ có một mục, số {first}; không có mục số {number}. Chưa ghi nhận gì; đề nghị "
    "trả lời lại, ví dụ «{first} xong»."
)
CHECKIN_BARE_NUMBERS = N_(
    "Mỗi dòng cần số của việc và tình trạng, ví dụ «1 xong», «2 đang làm 60%». Chưa ghi nhận gì."
)
CHECKIN_ITEM_PICK = N_("{item}: đồng chí chọn một trong các mục sau.")
CHECKIN_ASK_AGAIN = N_(
    "{number}. {item}: chưa ghi nhận; đề nghị trả lời lại dòng này sau khi trả lời câu hỏi ở trên."
)
