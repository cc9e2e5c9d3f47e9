"""The command line's composition root: the settings read once per command, the wall clock.

A settings mistake ends the command with one clear line and exit code 2, never a traceback."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import TYPE_CHECKING

from bot.cli.output import fail
from bot.clock import Clock, SystemClock
from bot.engine.messages import INVALID_SETTING, render
from bot.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from bot.engine.root import Root


@lru_cache(maxsize=1)
def _loaded() -> Settings | SettingsError:
    try:
        return load_settings()
    except SettingsError as exc:
        return exc


def cli_settings(lang: str | None = None) -> Settings:
    """The settings; on a mistake the command ends, saying it in `lang` (default: English only
    when NHACVIEC_LANGUAGE clearly asks for it, since that setting may be the mistake)."""
    loaded = _loaded()
    if isinstance(loaded, SettingsError):
        lang = lang or ("en" if os.environ.get("NHACVIEC_LANGUAGE", "").strip().lower() == "en" else "vi")
        fail(render(lang, INVALID_SETTING, problems=loaded.describe(lang)), code=2)
    return loaded


def forget_cli_settings() -> None:
    """Read the settings anew at the next call (in-process tests change the environment)."""
    _loaded.cache_clear()


@lru_cache(maxsize=1)
def cli_clock() -> Clock:
    return SystemClock()


def cli_root(lang: str) -> Root:
    """Settings, clock, calendar and schedule defaults; a bad schedules file ends the command
    with its problems (file and line) and exit code 1."""
    from bot.engine.root import Root
    from bot.schedules import ScheduleError
    from bot.workcal import HolidayFileError

    try:
        return Root.build(cli_settings(lang), cli_clock(), lang)
    except HolidayFileError as exc:
        fail(str(exc), code=1)
    except ScheduleError as exc:
        fail("\n".join(problem.format() for problem in exc.problems), code=1)
