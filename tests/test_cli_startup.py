"""`nhacviec` starts fast: commands are imported only when used (bot/cli/lazy.py), and the help
follows NHACVIEC_LANGUAGE (the `cli` catalog)."""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer.main
from babel.messages.pofile import read_po
from typer import _click
from typer.core import TyperGroup
from typer.testing import CliRunner

import bot.cli
from bot.cli import app
from bot.cli.app import COMMANDS, PLANS_COMMANDS
from bot.cli.lazy import DOMAIN, help_language
from bot.i18n import LOCALE_DIR

HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "telegram", "matplotlib", "openpyxl", "docx", "pypdf")
"""Libraries a help text or a deadline phrase must not wait for."""

COMMAND_MODULES = sorted(
    {entry.module for entry in COMMANDS.values()} | {e.module for e in PLANS_COMMANDS.values()}
)

CATALOG = LOCALE_DIR / "en" / "LC_MESSAGES" / f"{DOMAIN}.po"


@pytest.fixture(autouse=True)
def vietnamese(monkeypatch: pytest.MonkeyPatch) -> None:
    """Vietnamese help (the source text) whatever the developer's environment says."""
    monkeypatch.setenv("NHACVIEC_LANGUAGE", "vi")


def run_python(code: str, *, cwd: Path, lang: str | None = None) -> dict[str, object]:
    """Runs `code` in a fresh interpreter (so nothing is imported yet); it prints one JSON object."""
    env = {key: value for key, value in os.environ.items() if key.upper() != "NHACVIEC_LANGUAGE"}
    env["COLUMNS"] = "200"
    if lang is not None:
        env["NHACVIEC_LANGUAGE"] = lang
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=cwd, timeout=60
    )
    assert result.returncode == 0, result.stderr
    loaded: dict[str, object] = json.loads(result.stdout.splitlines()[-1])
    return loaded


PROBE = """
import json, sys
from typer.testing import CliRunner
from bot.cli import app
result = CliRunner().invoke(app, {args!r})
print(json.dumps({{"code": result.exit_code, "output": result.output, "modules": sorted(sys.modules)}}))
"""


def probe(args: list[str], tmp_path: Path, lang: str | None = None) -> tuple[str, set[str]]:
    found = run_python(PROBE.format(args=args), cwd=tmp_path, lang=lang)
    assert found["code"] == 0, found["output"]
    assert isinstance(found["output"], str) and isinstance(found["modules"], list)
    return found["output"], set(found["modules"])


# --- Lazy loading ------------------------------------------------------------------------------


def test_help_lists_every_command_without_importing_any(tmp_path: Path) -> None:
    output, modules = probe(["--help"], tmp_path)
    for name, entry in COMMANDS.items():
        assert f"{name} " in output and entry.help in " ".join(output.split()), name
    assert not modules & set(HEAVY)
    assert not modules & set(COMMAND_MODULES)
    assert "bot.settings" not in modules and "babel" not in modules


def test_plans_help_lists_the_plans_commands_without_importing_them(tmp_path: Path) -> None:
    output, modules = probe(["plans", "--help"], tmp_path)
    for name, entry in PLANS_COMMANDS.items():
        assert f"{name} " in output and entry.help in " ".join(output.split()), name
    assert not modules & set(HEAVY)
    assert not modules & {entry.module for entry in PLANS_COMMANDS.values()}


def test_a_deadline_phrase_imports_no_other_command_and_no_database(tmp_path: Path) -> None:
    output, modules = probe(["deadline", "--ref", "2017-01-10", "quý II/2017"], tmp_path, lang="vi")
    assert output.strip() == "quý II/2017 → hạn 30/06/2017 (thứ Sáu)"
    assert not modules & set(HEAVY)
    assert modules & set(COMMAND_MODULES) == {"bot.cli.deadline"}


def test_english_help_needs_no_command_module_either(tmp_path: Path) -> None:
    output, modules = probe(["--help"], tmp_path, lang="en")
    assert "Read Vietnamese deadline phrases and print the due dates" in " ".join(output.split())
    assert not modules & set(HEAVY)
    assert not modules & set(COMMAND_MODULES)


def all_command_modules() -> list[str]:
    """Every module of bot/cli/, imported (so that every command is registered)."""
    names = [f"bot.cli.{info.name}" for info in pkgutil.iter_modules(bot.cli.__path__)]
    for name in names:
        importlib.import_module(name)
    return names


def test_every_registered_command_is_known_to_the_lazy_table() -> None:
    all_command_modules()
    from bot.cli.plans import plans_app

    def names(source: typer.Typer) -> list[str]:
        commands = [
            info.name or typer.main.get_command_name(info.callback.__name__)  # type: ignore[union-attr]
            for info in source.registered_commands
        ]
        groups = [typer.main.solve_typer_info_defaults(info).name for info in source.registered_groups]
        return [str(name) for name in commands + groups]

    assert sorted(names(app)) == sorted(COMMANDS)
    assert sorted(names(plans_app)) == sorted(PLANS_COMMANDS)


def commands(group: TyperGroup, ctx: _click.Context) -> Iterator[tuple[str, _click.Command]]:
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        yield name, command


def test_the_help_line_of_each_lazy_command_is_the_commands_own() -> None:
    """`COMMANDS` repeats each command's help line: it must say what the module says."""
    all_command_modules()
    root = typer.main.get_command(app)
    assert isinstance(root, TyperGroup)
    ctx = _click.Context(root)
    for table, group in ((COMMANDS, root), (PLANS_COMMANDS, root.get_command(ctx, "plans"))):
        assert isinstance(group, TyperGroup)
        built = dict(commands(group, ctx))
        assert list(built) == list(table)
        for name, entry in table.items():
            assert (built[name].help or "").split("\n\n")[0] == entry.help, name


def test_commands_work_whether_or_not_their_modules_were_imported_before() -> None:
    all_command_modules()
    result = CliRunner().invoke(app, ["plans", "--help"], env={"COLUMNS": "200", "NHACVIEC_LANGUAGE": "vi"})
    assert result.exit_code == 0
    for name in PLANS_COMMANDS:
        assert f"{name} " in result.output
    shown = CliRunner().invoke(app, ["db", "current", "--help"], env={"NHACVIEC_LANGUAGE": "vi"})
    assert shown.exit_code == 0 and "--lang" in shown.output


def test_a_mistyped_command_is_answered_with_the_nearest_one() -> None:
    result = CliRunner().invoke(app, ["deadlin", "quý II/2017"])
    assert result.exit_code == 2
    assert "Did you mean 'deadline'?" in result.output
    nested = CliRunner().invoke(app, ["plans", "chek"])
    assert nested.exit_code == 2
    assert "Did you mean 'check'?" in nested.output


# --- Help in the configured language -----------------------------------------------------------


def help_texts() -> Iterator[str]:
    """Every paragraph of every help text of every command, group and parameter (Vietnamese)."""
    all_command_modules()
    root = typer.main.get_command(app)
    assert isinstance(root, TyperGroup)
    ctx = _click.Context(root)

    def walk(command: _click.Command) -> Iterator[str]:
        texts = [
            command.help,
            command.short_help,
            *(getattr(param, "help", None) for param in command.params),
        ]
        for text in texts:
            if text:
                yield from text.split("\n\n")
        if isinstance(command, TyperGroup):
            for _, subcommand in commands(command, ctx):
                yield from walk(subcommand)

    yield from walk(root)


def test_every_help_text_has_an_english_translation() -> None:
    with CATALOG.open("rb") as po_file:
        catalog = read_po(po_file)
    translated = {message.id for message in catalog if message.id and message.string}
    missing = sorted(set(help_texts()) - translated)
    assert not missing, f"add these to {CATALOG.name}: {missing}"


def test_help_follows_nhacviec_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("NHACVIEC_LANGUAGE", "en")
    english = CliRunner().invoke(app, ["plans", "sync", "--help"]).output
    assert "Load the plans (checked, without errors) into the database." in english
    assert "Tasks removed from a file are archived, not deleted" in english
    assert "Language of the messages: vi | en (default: NHACVIEC_LANGUAGE)." in english
    monkeypatch.setenv("NHACVIEC_LANGUAGE", "vi")
    vietnamese = CliRunner().invoke(app, ["plans", "sync", "--help"]).output
    assert "Nạp các kế hoạch (đã kiểm tra, không có lỗi) vào cơ sở dữ liệu." in vietnamese
    assert "(mặc định: NHACVIEC_LANGUAGE)" in vietnamese


def test_the_language_comes_from_the_environment_then_dotenv(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    assert help_language({}, env_file) == "vi"
    env_file.write_text('# settings\nDATABASE_URL=sqlite:///x.db\nexport NHACVIEC_LANGUAGE="en"  # English\n')
    assert help_language({}, env_file) == "en"
    assert help_language({"NHACVIEC_LANGUAGE": "vi"}, env_file) == "vi"
    assert help_language({"nhacviec_language": "EN "}, tmp_path / "none") == "en"
    env_file.write_text("nhacviec_language='en'\n")
    assert help_language({}, env_file) == "en"
    assert help_language({"NHACVIEC_LANGUAGE": "fr"}, env_file) == "vi"
