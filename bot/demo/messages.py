"""What `nhacviec demo` prints around the bot's own messages, in Vietnamese (the gettext msgid);
English in `bot/locale/en/LC_MESSAGES/demo.po`."""

from __future__ import annotations

from bot.i18n import N_, renderer

DOMAIN = "demo"
render = renderer(DOMAIN)

INTRO = N_(
    "Chạy thử «{plan}» từ {start} trong {days} ngày (đồng hồ mô phỏng, kênh console). "
    "Cơ sở dữ liệu tạm: {db} — không đụng đến dữ liệu thật."
)
REGISTERED = N_("Đã đăng ký {name} ({unit}) bằng mã mời, kênh console «{chat}».")
DAY = N_("══ {weekday}, {date} ══")
REPLY = N_("← {name} trả lời: «{text}»")
IGNORED = N_("({name} không trả lời nhắc việc {task}: sẽ bị nhắc quá hạn và báo lãnh đạo.)")
DIGEST = N_("Bản tổng hợp đến hết {date}:")
SUMMARY = N_(
    "Kết thúc chạy thử: {working} ngày làm việc, {reminders} tin nhắc, {escalations} tin báo "
    "lãnh đạo, {replies} trả lời được ghi nhận, {seconds:.1f} giây."
)
NO_PLAN = N_(
    "Không tìm thấy kế hoạch «{plan}» trong {folder}. Các kế hoạch có: {known}. "
    "Bỏ --plan để chạy kế hoạch mẫu có sẵn."
)
PLAN_ERRORS = N_("Kế hoạch «{plan}» có lỗi, chạy «nhacviec plans check» để xem:\n{problems}")
BAD_DAYS = N_("--days phải từ 1 đến 400 (đang là {days}).")
