"""Console helpers shared by the commands: one place decides how errors look."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print a user-facing error (already localised: what, where, how to fix) and exit."""
    err.print(f"[bold red]{escape(message)}[/]")
    raise typer.Exit(code)
