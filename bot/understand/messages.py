"""What the bot says in chat about a reply it read, in Vietnamese (the gettext msgid), with English
in `bot/locale/en/LC_MESSAGES/understand.po`. Placeholders are `str.format` names. Status labels
are `bot.db.labels.status_label`.
"""

from __future__ import annotations

from bot.i18n import N_, renderer

DOMAIN = "understand"
render = renderer(DOMAIN)


TOO_LONG = N_(
    "Tin nhắn dài {length} ký tự, quá giới hạn {limit} ký tự nên chưa được ghi nhận. Hãy gửi tình "
    "trạng ngắn gọn (ví dụ «đang làm 60%, vướng mắc: thiếu kinh phí»); tài liệu dài thì gửi dạng tệp."
)
EMPTY = N_(
    "Tin nhắn trống. Hãy trả lời tình trạng nhiệm vụ, ví dụ «xong», «đang làm 60%», «chưa làm» hoặc "
    "«vướng mắc: thiếu kinh phí»."
)
ASK_WHICH = N_("Xin lỗi, tôi chưa chắc ý anh/chị. Nhiệm vụ đang ở tình trạng nào? Chọn: {choices}.")
ASK_ANY = N_(
    "Xin lỗi, tôi chưa hiểu tin nhắn này. Hãy chọn tình trạng: {choices}; có thể kèm phần trăm "
    "(«đang làm 60%») hoặc vướng mắc («vướng mắc: thiếu kinh phí»)."
)
CONFIRM_DONE = N_("Xác nhận nhiệm vụ đã hoàn thành? Chọn: 1) Đúng, 2) Chưa.")
BAD_PERCENT = N_("Tỷ lệ «{value}%» không hợp lệ: phần trăm phải từ 0 đến 100. Chọn: {choices}.")

RECORDED_NOTE = N_("Ghi chú: {note}")
RECORDED_REPORT = N_("Đã ghi nhận: đã nộp báo cáo {period}.")
RECORDED_REPORT_ANY = N_("Đã ghi nhận: đã nộp báo cáo.")
SNOOZE_UNTIL = N_("Sẽ nhắc lại vào {date}.")
SNOOZE_AFTER = N_("Sẽ nhắc lại sau {hours} giờ.")
REPLACED = N_("(Trước đó {author} báo: {status}.)")
PERIOD_MONTH = N_("tháng {number}/{year}")
PERIOD_QUARTER = N_("quý {roman}/{year}")
PERIOD_FIRST_HALF = N_("6 tháng đầu năm {year}")
PERIOD_SECOND_HALF = N_("6 tháng cuối năm {year}")
PERIOD_YEAR = N_("năm {year}")
PERIOD_WEEK = N_("tuần {number}/{year}")

CLI_ASKS = N_("hỏi lại: {question}")
CLI_REPORT = N_("đã nộp báo cáo {periods}")
CLI_REPORT_ANY = N_("đã nộp báo cáo (kỳ đang nhắc)")
CLI_WAITING = N_("{status} (đang chờ người khác)")
CLI_QUESTION = N_("câu hỏi: không ghi nhận gì")
CLI_HANDOFF = N_("không phải cập nhật tiến độ: không ghi nhận gì")
CLI_DEFERRAL = N_("chưa có cập nhật: sẽ hỏi lại")
CLI_NOTE = N_("ghi chú: {note}")
CLI_SNOOZE = N_("nhắc lại lúc {when}")
CLI_BAD_TODAY = N_(
    "--today {value}: không phải ngày hợp lệ; viết theo dạng YYYY-MM-DD (có thể kèm giờ, ví dụ "
    "2026-11-19T15:00)."
)
CLI_NO_FILE = N_("--file {path}: không có tệp này; kiểm tra lại đường dẫn.")
CLI_BAD_FILE = N_("--file {path}: không đọc được tệp ({reason}); kiểm tra đường dẫn và quyền đọc tệp.")
CLI_NOT_UTF8 = N_("--file {path}: tệp không phải văn bản UTF-8; hãy lưu lại tệp với mã UTF-8.")
CLI_NO_TEXT = N_(
    'Chưa có câu trả lời nào: ghi câu sau lệnh, ví dụ nhacviec understand "đang làm 60%", hoặc dùng '
    "--file TỆP (mỗi dòng một câu)."
)
