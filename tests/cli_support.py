"""Running `nhacviec` in the test process, seeing what a fresh `nhacviec` process would see.

A `nhacviec` subprocess spends about two seconds of CPU importing the package before it does
anything; most CLI tests check what a command prints and its exit code, which the process adds
nothing to. `run_nhacviec` runs the same Typer application in-process and isolates each call the
way a new process would be isolated:

- the environment is exactly `env` for the call (variables it omits are unset, so a developer's
  DATABASE_URL, PLANS_DIR, NHACVIEC_LANGUAGE, TIMEZONE, tokens or COLUMNS do not leak in), and the
  current folder is `cwd` (where `.env` is read from); both are restored afterwards;
- the CLI's cached settings and clock, and the Jinja2 environments (they hold a templates folder
  that may have changed on disk), are forgotten before and after the call; where `/web` links
  point (`bot.web.links`, set once by a process that serves the dashboard) is unset inside and
  restored after;
- stdout and stderr are captured separately, stdin is empty (as with `subprocess.run(...,
  capture_output=True)` under pytest: never a terminal), and the consoles of `bot.cli.output`
  take their width from the call's COLUMNS, as a new process would;
- the root logger has no handler, as in a process that configures none: a logged warning lands
  on stderr (Python's last resort), not in pytest's log capture; Python warnings are filtered as
  by default and printed on stderr, not recorded by pytest;
- `typer.Exit`/`SystemExit` become the return code; an unexpected exception is exit code 1 with
  its traceback at the end of stderr, as Python prints it;
- the SQLAlchemy engines the command connected are disposed, so no connection (a SQLite file
  handle, a PostgreSQL session) outlives the call, as none outlives a process.

Caches that depend only on their arguments and the package's own files (the gettext catalogs,
the statutory holidays of a year, the digest of the package's sources) are kept: a new process
would compute the same values.

Tests whose subject is the process itself (start-up time, signals, a crash, `nhacviec run`, the
installed script, stdin being a terminal) still start real processes.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import traceback
import warnings
import weakref
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

PROG_NAME = "nhacviec"


@dataclass(frozen=True)
class CliResult:
    """What `subprocess.run(..., capture_output=True, text=True)` returns, for the fields tests read."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    exception: BaseException | None = None
    """The unexpected exception, if the command raised one (exit code 1, traceback on stderr)."""


def forget_cli_caches() -> None:
    """What a new process would not have: the settings, the clock, the Jinja2 environments."""
    from bot.cli.settings import cli_clock, forget_cli_settings
    from bot.digest import render as digest_render
    from bot.outbox import render as outbox_render

    forget_cli_settings()
    cli_clock.cache_clear()
    digest_render.environment.cache_clear()
    outbox_render.environment.cache_clear()
    web_app = sys.modules.get("bot.web.app")
    if web_app is not None:
        web_app._environment.cache_clear()


@contextmanager
def environment(env: Mapping[str, str]) -> Iterator[None]:
    """`os.environ` is exactly `env` inside, and what it was outside."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextmanager
def working_directory(cwd: Path) -> Iterator[None]:
    saved = os.getcwd()
    os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(saved)


def _columns(env: Mapping[str, str]) -> int | None:
    columns = env.get("COLUMNS")
    return int(columns) if columns is not None and columns.isdigit() else None


def _lines(env: Mapping[str, str]) -> int | None:
    lines = env.get("LINES")
    return int(lines) if lines is not None and lines.isdigit() else None


@contextmanager
def console_size(env: Mapping[str, str]) -> Iterator[None]:
    """The consoles of `bot.cli.output` were built once, with the test process's COLUMNS: give
    them the size a console built in a process with `env` would have (rich reads COLUMNS and
    LINES when a console is built; without them it measures the terminal, which captured output
    is not, so 80 columns)."""
    from bot.cli import output

    consoles = (output.out, output.err)
    saved = [(console._width, console._height) for console in consoles]
    for console in consoles:
        console._width = _columns(env)
        console._height = _lines(env)
    try:
        yield
    finally:
        for console, (width, height) in zip(consoles, saved, strict=True):
            console._width = width
            console._height = height


@contextmanager
def process_globals() -> Iterator[None]:
    """Module state a process sets once at start (where `/web` links point, `bot.web.links`):
    empty inside, as in a new process, and as it was outside."""
    links = sys.modules.get("bot.web.links")
    saved = list(links._configured) if links is not None else []
    if links is not None:
        links._configured.clear()
    try:
        yield
    finally:
        links = sys.modules.get("bot.web.links")
        if links is not None:
            links._configured[:] = saved


@contextmanager
def logging_of_a_new_process() -> Iterator[None]:
    """No handler on the root logger, level WARNING: a warning the command logs goes to its
    stderr (Python's last-resort handler), not to pytest's log capture."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    root.handlers.clear()
    root.setLevel(logging.WARNING)
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def _print_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


@contextmanager
def warnings_of_a_new_process() -> Iterator[None]:
    """Python's default warning filters, warnings printed on stderr (not recorded by pytest)."""
    with warnings.catch_warnings():
        warnings.resetwarnings()
        for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
            warnings.filterwarnings("ignore", category=category)
        warnings.filterwarnings("default", category=DeprecationWarning, module="__main__")
        warnings.showwarning = _print_warning
        yield


@contextmanager
def engines_disposed() -> Iterator[None]:
    """Disposes every engine that connected inside, from this thread (the command's own; not
    that of a server a test runs in a thread of its own), on the way out."""
    connected: weakref.WeakSet[Engine] = weakref.WeakSet()
    caller = threading.get_ident()

    def remember(connection: sa.Connection) -> None:
        if threading.get_ident() == caller:
            connected.add(connection.engine)

    sa.event.listen(Engine, "engine_connect", remember)
    try:
        yield
    finally:
        sa.event.remove(Engine, "engine_connect", remember)
        for engine in list(connected):
            engine.dispose()


def run_nhacviec(
    *args: str | os.PathLike[str], env: Mapping[str, str], cwd: Path, input: str | None = None
) -> CliResult:
    """`nhacviec ARGS` with exactly `env` as its environment, in `cwd`, in this process."""
    from bot.cli import app

    argv = tuple(os.fspath(arg) for arg in args)
    forget_cli_caches()
    try:
        with (
            environment(env),
            working_directory(cwd),
            console_size(env),
            process_globals(),
            logging_of_a_new_process(),
            warnings_of_a_new_process(),
            engines_disposed(),
        ):
            result = CliRunner().invoke(app, list(argv), input=input, prog_name=PROG_NAME)
    finally:
        forget_cli_caches()
    stderr = result.stderr
    exception: BaseException | None = None
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        exception = result.exception
        stderr += "".join(traceback.format_exception(exception))
    return CliResult(argv, result.exit_code, result.stdout, stderr, exception)
