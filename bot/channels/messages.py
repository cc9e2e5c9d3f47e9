"""What the receivers tell the operator about their settings, in Vietnamese (the gettext msgid);
English in `bot/locale/en/LC_MESSAGES/channels.po`."""

from __future__ import annotations

from bot.i18n import N_, renderer

DOMAIN = "channels"
render = renderer(DOMAIN)

TELEGRAM_NO_SECRET = N_(
    "TELEGRAM_WEBHOOK_URL đã đặt nhưng TELEGRAM_WEBHOOK_SECRET thiếu hoặc không hợp lệ "
    "(dài {length} ký tự): Telegram cần khóa 1–256 ký tự, chỉ gồm A-Z, a-z, 0-9, _ và -. Đặt "
    "TELEGRAM_WEBHOOK_SECRET=<chuỗi ngẫu nhiên> trong tệp .env, hoặc bỏ TELEGRAM_WEBHOOK_URL để "
    "nhận tin bằng getUpdates."
)
TELEGRAM_BAD_URL = N_(
    "TELEGRAM_WEBHOOK_URL=«{url}» không hợp lệ: cần địa chỉ HTTPS đầy đủ, ví dụ "
    "https://bot.example.gov.vn/telegram/webhook."
)
ZALO_NO_SECRET = N_(
    "ZALO_WEBHOOK_URL đã đặt nhưng thiếu ZALO_WEBHOOK_SECRET (hoặc dài {length} ký tự): Zalo yêu cầu "
    "khóa bí mật dài 8–256 ký tự. Đặt ZALO_WEBHOOK_SECRET=<chuỗi ngẫu nhiên> trong tệp .env, "
    "hoặc bỏ ZALO_WEBHOOK_URL để nhận tin bằng getUpdates."
)
ZALO_BAD_URL = N_(
    "ZALO_WEBHOOK_URL=«{url}» không hợp lệ: cần địa chỉ HTTPS đầy đủ, ví dụ "
    "https://bot.example.gov.vn/zalo/webhook."
)
ZALO_WEBHOOK_REFUSED = N_(
    "Zalo không nhận webhook {url}: {reason}. Kiểm tra ZALO_WEBHOOK_URL (địa chỉ HTTPS truy cập "
    "được từ Internet) và ZALO_WEBHOOK_SECRET (8–256 ký tự), hoặc bỏ ZALO_WEBHOOK_URL để nhận tin "
    "bằng getUpdates."
)
