"""Command-line entry point: `nhacviec <command>`.

Each command lives in its own module and registers itself on `app` (or on `plans_app`/`db_app`)
when imported; `bot.cli.app.COMMANDS` names those modules, and each is imported only when its
command runs, so `nhacviec --help` and a quick `nhacviec deadline …` start fast.
"""

from bot.cli.app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
