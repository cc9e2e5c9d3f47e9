"""The dashboard's words outside the templates (gettext domain `web`; the msgid is the Vietnamese
text, English in `bot/locale/en/LC_MESSAGES/web.po`)."""

from __future__ import annotations

from bot.i18n import N_, renderer

DOMAIN = "web"
render = renderer(DOMAIN)

CHAT_LINK = N_(
    "Trang theo dõi nhiệm vụ: mở liên kết dưới đây (dùng một lần, hết hạn sau {minutes} phút). "
    "Đừng chuyển liên kết này cho người khác.\n{url}"
)
CHAT_NOT_CONFIGURED = N_(
    "Trang theo dõi nhiệm vụ chưa được bật: quản trị viên cần đặt WEB_BASE_URL (hoặc WEB_PORT) rồi "
    "chạy lại bot."
)
CLI_LINK = N_("Liên kết đăng nhập của {name} (dùng một lần, hết hạn lúc {expires}):")
CLI_NO_PERSON = N_(
    "Không có người «{person}» trong cơ sở dữ liệu (mã người trong plans/directory/, "
    "hoặc người đã đăng ký bằng nhacviec invite)."
)
CLI_PERSON_GONE = N_("«{person}» không còn trong danh bạ: không tạo liên kết.")
CLI_BAD_BASE_URL = N_("--base-url phải là địa chỉ http:// hoặc https://, không phải «{url}».")
CLI_SERVING = N_("Trang theo dõi nhiệm vụ: {url} (nhấn Ctrl-C để dừng).")
CLI_WEBHOOKS_ELSEWHERE = N_(
    "Webhook Telegram/Zalo được nhận bởi nhacviec run (cùng ứng dụng này); nhacviec web chỉ phục vụ trang "
    "theo dõi."
)
CLI_PORT_BUSY = N_("Không mở được {host}:{port}: {reason}. Chọn cổng khác (--port hoặc WEB_PORT).")
BY_PLAN = N_("Theo kế hoạch")
BY_UNIT = N_("Theo đơn vị chủ trì")
