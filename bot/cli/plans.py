"""`nhacviec plans …`: the sub-app; each plans command lives in its own `plans_*.py` module."""

import typer

from bot.cli.app import app

plans_app = typer.Typer(
    help="Kế hoạch: kiểm tra, xem, nạp vào cơ sở dữ liệu, soạn nháp từ văn bản.", no_args_is_help=True
)
app.add_typer(plans_app, name="plans")
