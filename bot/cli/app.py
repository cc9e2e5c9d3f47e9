"""The `nhacviec` Typer application; command modules attach themselves to it when imported.

`COMMANDS` says which module registers each command (and its help line), so that a module is
imported only when its command runs (`bot.cli.lazy`). A new command module needs its line here.
"""

from __future__ import annotations

import typer

from bot.cli.lazy import Lazy, LazyGroup

PLANS_COMMANDS = {
    "check": Lazy(
        "bot.cli.plans_check",
        "Kiểm tra các tệp kế hoạch và danh bạ đơn vị: lỗi, cảnh báo, kèm dòng và cột cần sửa.",
    ),
    "import": Lazy(
        "bot.cli.plans_import",
        "Soạn nháp tệp kế hoạch từ văn bản: nhiệm vụ, đơn vị chủ trì, phối hợp, thời hạn, chỉ tiêu, báo cáo.",
    ),
    "show": Lazy(
        "bot.cli.plans_show",
        "Xem các nhiệm vụ của một kế hoạch theo đơn vị chủ trì, với hạn và hạn thực tế (sau ngày nghỉ).",
    ),
    "sync": Lazy("bot.cli.plans_sync", "Nạp các kế hoạch (đã kiểm tra, không có lỗi) vào cơ sở dữ liệu."),
}

COMMANDS = {
    "deadline": Lazy(
        "bot.cli.deadline",
        "Đọc cụm thời hạn tiếng Việt và in ra hạn (theo lịch làm việc, có tính ngày nghỉ).",
    ),
    "demo": Lazy(
        "bot.cli.demo",
        "Chạy thử bot trên đồng hồ mô phỏng: nhắc việc, trả lời, báo lãnh đạo, bản tổng hợp "
        "(in ra màn hình).",
    ),
    "digest": Lazy(
        "bot.cli.digest",
        "Bản tổng hợp tình hình thực hiện nhiệm vụ (như bản gửi Chánh Văn phòng hằng tuần).",
    ),
    "invite": Lazy(
        "bot.cli.invite", "Tạo mã mời dùng một lần để một người đăng ký với bot (Telegram hoặc Zalo)."
    ),
    "run": Lazy(
        "bot.cli.run",
        "Chạy bot: gửi nhắc việc đến hạn qua Telegram (hoặc in ra màn hình) cho đến khi nhấn Ctrl-C.",
    ),
    "schedule": Lazy(
        "bot.cli.schedule",
        "Xem trước các hạn và tin nhắc sắp tới (ai, khi nào, vì sao); không gửi, không ghi gì.",
    ),
    "understand": Lazy(
        "bot.cli.understand",
        "Xem bot hiểu câu trả lời của cán bộ thế nào: tình trạng, phần trăm, báo cáo, hẹn nhắc lại.",
    ),
    "web": Lazy(
        "bot.cli.web",
        "Mở trang theo dõi nhiệm vụ cho lãnh đạo: tổng quan, quá hạn, báo cáo định kỳ, bản tổng hợp.",
    ),
    "web-login": Lazy(
        "bot.cli.web_login",
        "In ra liên kết đăng nhập dùng một lần vào trang theo dõi nhiệm vụ cho một người.",
    ),
    "db": Lazy("bot.cli.db", "Cơ sở dữ liệu: nâng cấp lược đồ, xem phiên bản."),
    "plans": Lazy(
        "bot.cli.plans",
        "Kế hoạch: kiểm tra, xem, nạp vào cơ sở dữ liệu, soạn nháp từ văn bản.",
        PLANS_COMMANDS,
    ),
}
"""Every command, in the order `nhacviec --help` lists them."""


class RootGroup(LazyGroup):
    """`nhacviec` itself: its commands are the modules of `COMMANDS`, registering on `app`."""

    def __init__(self, **attrs: object) -> None:
        super().__init__(**attrs)
        self.pretty_exceptions_short = app.pretty_exceptions_short
        self.attach(app, COMMANDS)


app = typer.Typer(
    name="nhacviec",
    cls=RootGroup,
    help="Nhắc việc: nhắc hạn nhiệm vụ trong kế hoạch của cơ quan nhà nước (Telegram, Zalo).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    # Typer makes a group only when it has a callback or several commands; before any command
    # module is imported, `app` has none, so this no-op callback keeps it a group.
    pass
