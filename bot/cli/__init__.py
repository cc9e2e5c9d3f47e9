"""Command-line entry point: `nhacviec <command>`.

Each command lives in its own module and registers itself on `app` (or on `plans_app`);
this module only imports them so that they are attached.
"""

from bot.cli import plans as _plans  # noqa: F401
from bot.cli.app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
