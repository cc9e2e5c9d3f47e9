"""A real install: the wheel carries the default schedules, templates and catalogs, and
`bot/paths.py` finds them there (or the project's own folders in a clone)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

from bot import paths

ROOT = Path(__file__).resolve().parent.parent


def files(folder: Path) -> list[str]:
    return sorted(path.relative_to(ROOT).as_posix() for path in folder.rglob("*") if path.is_file())


@pytest.mark.slow
def test_the_wheel_carries_the_default_folders_and_the_catalogs(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "--wheel-dir",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("nhacviec-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())

    for source in files(ROOT / "schedules") + files(ROOT / "templates"):
        assert f"bot/_data/{source}" in names, source
    catalogs = files(ROOT / "bot" / "locale")
    assert "bot/locale/en/LC_MESSAGES/cli.po" in catalogs
    for source in catalogs + files(ROOT / "bot" / "demo" / "data"):
        assert source in names, source
    assert not any(name.startswith(("schedules/", "templates/", "plans/", "tests/")) for name in names)


# --- Where the folders are ---------------------------------------------------------------------


def load_paths_module(package: Path) -> ModuleType:
    """`bot/paths.py` as if it were installed in `package` (a copy, imported under another name)."""
    package.mkdir(parents=True, exist_ok=True)
    shutil.copy(Path(paths.__file__), package / "paths.py")
    spec = importlib.util.spec_from_file_location("copied_paths", package / "paths.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_clone_uses_the_projects_own_folders() -> None:
    assert not paths.INSTALLED
    assert paths.SCHEDULES_DIR == ROOT / "schedules"
    assert paths.TEMPLATES_DIR == ROOT / "templates"
    assert paths.PLANS_DIR == ROOT / "plans"
    assert paths.schedules_dir(paths.PLANS_DIR) == paths.SCHEDULES_DIR
    assert paths.templates_dir(paths.PLANS_DIR) == paths.TEMPLATES_DIR


def test_an_installed_wheel_uses_the_packaged_folders_and_plans_in_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "site-packages" / "bot"
    (package / "_data" / "schedules").mkdir(parents=True)
    (package / "_data" / "templates").mkdir(parents=True)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)

    installed = load_paths_module(package)
    schedules, templates, plans = installed.SCHEDULES_DIR, installed.TEMPLATES_DIR, installed.PLANS_DIR

    assert installed.INSTALLED
    assert schedules == package.resolve() / "_data" / "schedules"
    assert templates == package.resolve() / "_data" / "templates"
    assert plans == work.resolve() / "plans"


def test_a_users_own_folders_next_to_the_plans_override_the_defaults(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    plans.mkdir()
    assert paths.schedules_dir(plans) == paths.SCHEDULES_DIR
    assert paths.templates_dir(plans) == paths.TEMPLATES_DIR

    (tmp_path / "schedules").mkdir()
    (tmp_path / "templates").mkdir()
    # Empty or unrelated folders of the same name are not the bot's own.
    (tmp_path / "templates" / "letter.docx").write_bytes(b"")
    assert paths.schedules_dir(plans) == paths.SCHEDULES_DIR
    assert paths.templates_dir(plans) == paths.TEMPLATES_DIR

    (tmp_path / "schedules" / "holidays.yaml").write_text("{}\n")
    (tmp_path / "templates" / "reminder.txt.j2").write_text("{{ task }}\n")
    assert paths.schedules_dir(plans) == tmp_path / "schedules"
    assert paths.templates_dir(plans) == tmp_path / "templates"
