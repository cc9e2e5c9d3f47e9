"""What `nhacviec run` tells the user, in Vietnamese (the gettext msgid); English in
`bot/locale/en/LC_MESSAGES/reminders.po`."""

from __future__ import annotations

from bot.i18n import N_
from bot.outbox.messages import render

__all__ = ["render"]

CONSOLE_ONLY = N_(
    "Chưa cấu hình Telegram hay Zalo: nhắc việc sẽ được in ra màn hình này (kênh console), "
    "cho mọi người trong danh bạ. Để gửi qua Telegram, đặt TELEGRAM_BOT_TOKEN=<token lấy từ @BotFather> "
    "trong tệp .env (TELEGRAM_API_URL nếu dùng máy chủ Bot API riêng); để gửi qua Zalo, đặt ZALO_BOT_TOKEN. "
    "Rồi chạy lại «nhacviec run»."
)
NO_PLANS = N_(
    "Cơ sở dữ liệu chưa có kế hoạch nào, nên chưa có gì để nhắc. Chạy «nhacviec plans sync» để nạp "
    "các kế hoạch trong thư mục plans/, hoặc «nhacviec demo» để xem thử bot trên một kế hoạch mẫu."
)
NO_PEOPLE = N_(
    "Chưa có ai để nhắc: thêm người vào danh bạ (khóa people: trong plans/directory/*.yaml) rồi chạy "
    "«nhacviec plans sync», hoặc tạo mã mời bằng «nhacviec invite --unit <mã đơn vị> --role staff»."
)
STARTED = N_("Đang chạy với kênh: {channels}. Cơ sở dữ liệu: {url}. Nhấn Ctrl-C để dừng.")
CHANNEL_FAILED = N_(
    "Không khởi động được kênh {channel}: {reason}. Kiểm tra {setting} trong tệp .env "
    "(và kết nối mạng tới {url})."
)
CATCH_UP = N_(
    "Bù nhắc sau thời gian ngừng: {late} nhắc sẽ gửi (đánh dấu trễ), {cancelled} nhắc cũ hơn được hủy "
    "vì đã có nhắc mới hơn."
)
HORIZON_FAILED = N_("Không mở rộng được lịch nhắc: {error}. Các nhắc đã có vẫn được gửi.")
STOPPED = N_("Đã dừng: {sent} tin đã gửi, {retried} hẹn gửi lại, {failed} thất bại.")
INVALID_SETTING = N_(
    "Cài đặt không hợp lệ (trong tệp .env hoặc biến môi trường): {problems}. Sửa rồi chạy lại."
)
LEASE_TOO_SHORT = N_(
    "OUTBOX_LEASE_SECONDS={lease:g} phải lớn hơn TELEGRAM_TIMEOUT_SECONDS + 2 ({minimum:g}): một lần gửi "
    "phải xong trước khi hết hạn giữ tin. Tăng OUTBOX_LEASE_SECONDS (mặc định 60) trong tệp .env."
)
