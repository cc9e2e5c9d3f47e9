"""Reasons and notices of the outbox, in Vietnamese (the gettext msgid), English in
`bot/locale/en/LC_MESSAGES/reminders.po`. Reasons stored in `outbox.error` stay in Vietnamese,
the office's language, whatever the reader's language.
"""

from __future__ import annotations

from bot.i18n import renderer

DOMAIN = "reminders"


def N_(message: str) -> str:
    return message


render = renderer(DOMAIN)


NO_CHANNEL = N_("chưa đăng ký kênh nhận tin")
CHANNEL_NOT_RUNNING = N_(
    "người nhận chỉ có kênh {channels}, nhưng tiến trình này không chạy kênh đó (kiểm tra token trong .env)"
)
TOO_MANY_ATTEMPTS = N_("đã thử {attempts} lần không gửi được; lỗi cuối: {error}")
OCCURRENCE_CLOSED = N_("hạn này đã khép lại ({state}): không cần nhắc nữa")
UNEXPECTED = N_("lỗi không lường trước khi gửi: {error}")
CHAT_BLOCKED = N_(
    "người nhận đã chặn bot hoặc không còn cuộc trò chuyện trên {channels} (từ {since}): không gửi nữa; "
    "cần đăng ký lại bằng mã mời mới (nhacviec invite)"
)
BUDGET_DROPPED = N_(
    "không gửi: {channel} đã dùng {sent}/{budget} tin nhắn của tháng {period} (hạn mức tin nhắn)"
)
BUDGET_NOTICE = N_(
    "Kênh {channel} đã gửi {sent}/{budget} tin nhắn của tháng {period}. Để giữ hạn mức, bot bỏ các nhắc "
    "{dropped} cho đến hết tháng; việc đến hạn, quá hạn và báo cáo lãnh đạo vẫn được gửi. Tăng "
    "{setting} trong .env nếu gói tin nhắn cho phép."
)
DROPPED_PROGRESS = N_("đề nghị cập nhật tiến độ")
DROPPED_BEFORE = N_("đề nghị cập nhật tiến độ và nhắc trước hạn")

# The budget notice in chat (`bot.outbox.notice`), in the recipient's language.
BUDGET_CHAT_NOTICE = N_(
    "Kênh {channel} đã dùng {sent}/{budget} tin của tháng {month} ({percent}%). Từ nay đến hết tháng, "
    "bot tạm ngừng {skipped}; tin nhắc đến hạn, quá hạn và báo cáo lên lãnh đạo vẫn gửi. Muốn đổi, "
    "sửa {setting} trong tệp .env rồi khởi động lại bot."
)
SKIPPED_PROGRESS = N_("nhắc cập nhật tiến độ")
SKIPPED_BEFORE = N_("nhắc cập nhật tiến độ và nhắc trước hạn")
