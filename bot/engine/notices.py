"""What `nhacviec run` says while it waits for a platform or for the database, in Vietnamese (the
gettext msgid); English in `bot/locale/en/LC_MESSAGES/reminders.po`. None of these is a reason to
stop: the bot says what it waits for and carries on when it can."""

from __future__ import annotations

from bot.i18n import N_

WAITING_FOR_PLATFORM = N_(
    "Chưa kết nối được {channel} tại {url} ({reason}). Bot chưa gửi tin nào và sẽ thử lại sau {seconds:g} "
    "giây; nếu địa chỉ này sai, sửa {setting} trong tệp .env. Nhấn Ctrl-C để dừng."
)
DATABASE_LOST = N_(
    "Mất kết nối cơ sở dữ liệu ({detail}). Bot vẫn chạy và đang kết nối lại; không tin nhắc nào bị mất."
)
DATABASE_BACK = N_("Đã kết nối lại cơ sở dữ liệu sau {seconds} giây; tiếp tục gửi nhắc.")
