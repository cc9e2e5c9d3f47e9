"""Where the project's own data folders live, whether run from a clone or from an installed wheel.

- In a clone (or an editable install) the folders are the project's own: `schedules/`,
  `templates/` and `plans/` next to the `bot/` package, as before.
- An installed wheel carries the default `schedules/` and `templates/` inside the package
  (`bot/_data/…`, see `[tool.hatch.build.targets.wheel.force-include]` in pyproject.toml), and the
  plans are the user's: `plans/` in the current folder.

A user's own `schedules/` or `templates/` folder next to their plans folder overrides the
defaults: `schedules_dir(plans_dir)` and `templates_dir(plans_dir)` choose.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jinja2 import BaseLoader

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
"""The clone's root; in an installed wheel, the site-packages folder (holding no project data)."""

PACKAGED_DATA_DIR = PACKAGE_DIR / "_data"
INSTALLED = PACKAGED_DATA_DIR.is_dir()
"""True in an installed wheel (the default folders are packaged), False in a clone."""

_DATA_ROOT = PACKAGED_DATA_DIR if INSTALLED else PROJECT_ROOT

SCHEDULES_DIR = _DATA_ROOT / "schedules"
"""The default schedules: holidays, reminder policy, reporting cycles, digest."""

TEMPLATES_DIR = _DATA_ROOT / "templates"
"""The default message templates (Jinja2)."""


def _default_plans_dir() -> Path:
    if not INSTALLED:
        return PROJECT_ROOT / "plans"
    try:
        return Path.cwd() / "plans"
    except OSError:  # the current folder was deleted under us
        return Path("plans")


PLANS_DIR = _default_plans_dir()
"""The default plans folder: the clone's `plans/`, or `plans/` in the current folder once installed."""


def schedules_dir(plans_dir: Path) -> Path:
    """The `schedules/` folder next to `plans_dir` when there is one holding a `.yaml` file, else
    `SCHEDULES_DIR` (the whole folder is chosen, not file by file)."""
    return _own_folder(plans_dir.parent / "schedules", "*.yaml") or SCHEDULES_DIR


def templates_dir(plans_dir: Path) -> Path:
    """The `templates/` folder next to `plans_dir` when there is one holding a `.j2` file, else
    `TEMPLATES_DIR` (the whole folder is chosen, not file by file)."""
    return _own_folder(plans_dir.parent / "templates", "*.j2") or TEMPLATES_DIR


def _own_folder(folder: Path, pattern: str) -> Path | None:
    """`folder` if it holds a file matching `pattern`: an unrelated folder of the same name (a
    `templates/` in someone's home folder) is not taken for the bot's own."""
    try:
        return folder if any(path.is_file() for path in folder.glob(pattern)) else None
    except OSError:
        return None


def template_loader(folder: Path) -> BaseLoader:
    """Jinja2 templates from `folder`, falling back to the default ones for any it lacks."""
    from jinja2 import ChoiceLoader, FileSystemLoader

    if folder == TEMPLATES_DIR:
        return FileSystemLoader(TEMPLATES_DIR)
    return ChoiceLoader([FileSystemLoader(folder), FileSystemLoader(TEMPLATES_DIR)])
