"""Command-line entry point: `nhacviec <command>`.

Each command lives in its own module and registers itself on `app` (or on `plans_app`);
this module only imports them so that they are attached.
"""

from bot.cli import db as _db  # noqa: F401
from bot.cli import deadline as _deadline  # noqa: F401
from bot.cli import demo as _demo  # noqa: F401
from bot.cli import digest as _digest  # noqa: F401
from bot.cli import invite as _invite  # noqa: F401
from bot.cli import plans as _plans  # noqa: F401
from bot.cli import plans_check as _plans_check  # noqa: F401
from bot.cli import plans_import as _plans_import  # noqa: F401
from bot.cli import plans_show as _plans_show  # noqa: F401
from bot.cli import plans_sync as _plans_sync  # noqa: F401
from bot.cli import run as _run  # noqa: F401
from bot.cli import schedule as _schedule  # noqa: F401
from bot.cli.app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
