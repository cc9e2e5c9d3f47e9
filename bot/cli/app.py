"""The `nhacviec` Typer application; command modules attach themselves to it."""

import typer

app = typer.Typer(
    name="nhacviec",
    help="Nhắc việc: nhắc hạn nhiệm vụ trong kế hoạch của cơ quan nhà nước (Telegram, Zalo).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
