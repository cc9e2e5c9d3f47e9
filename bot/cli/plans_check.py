"""`nhacviec plans check [PATH ...]`: every problem in the plans and the directory, then a summary."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from bot.cli.db import LangOption, resolve_lang
from bot.cli.output import out
from bot.cli.plans import plans_app
from bot.cli.settings import cli_settings
from bot.plans import messages as msg
from bot.plans.loader import load_workspace, plan_files


@plans_app.command("check")
def check_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Tệp kế hoạch hoặc thư mục (mặc định: cả thư mục plans/).", show_default=False),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Kiểm tra các tệp kế hoạch và danh bạ đơn vị: lỗi, cảnh báo, kèm dòng và cột cần sửa."""
    language = resolve_lang(lang)
    targets = paths or [cli_settings().plans_dir]
    workspace = load_workspace(targets, lang=language)
    here = Path.cwd()
    for problem in workspace.errors:
        out.print(f"[red]{escape(problem.format(here))}[/]")
    for problem in workspace.warnings:
        out.print(f"[yellow]{escape(problem.format(here))}[/]")
    summary = msg.render(
        language,
        msg.CHECK_SUMMARY,
        plans=len(plan_files(targets)[0]),
        errors=len(workspace.errors),
        warnings=len(workspace.warnings),
    )
    out.print(summary)
    if workspace.errors:
        raise typer.Exit(1)
