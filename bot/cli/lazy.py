"""Commands imported only when they run, and help text in the configured language.

Each command module registers its command on a Typer app (`app`, `plans_app`, `db_app`) when it
is imported, and importing them all takes most of a second (SQLAlchemy, Telegram, matplotlib…).
`LazyGroup` knows each of its commands by name, module and one-line help (`Lazy`), so
`nhacviec --help` lists them without importing any; a command's module is imported only when
that command is invoked (or its own `--help` is asked), then Typer builds the command from what
the module registered, exactly as it would have without the laziness.

The help text in the command modules is Vietnamese; with `NHACVIEC_LANGUAGE=en` (in the
environment or the `.env` file) every help text is looked up in the `cli` gettext catalog
(`bot/locale/en/LC_MESSAGES/cli.po`), whole or paragraph by paragraph.
"""

from __future__ import annotations

import copy
import importlib
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path

import typer
from typer import _click
from typer.core import TyperCommand, TyperGroup
from typer.main import get_command_from_info, get_command_name, get_group_from_info, solve_typer_info_defaults

DOMAIN = "cli"
LANGUAGE_VARIABLE = "NHACVIEC_LANGUAGE"
ENV_FILE = ".env"
"""Where the settings read `.env` from (the current folder), see `bot.settings`."""


@dataclass(frozen=True)
class Lazy:
    """A command not imported yet: the module that registers it, and its help's first paragraph
    (Vietnamese, exactly as the module's docstring or `help=` says it; a test checks that).
    A sub-app (`nhacviec plans …`) lists its own lazy `commands`."""

    module: str
    help: str
    commands: Mapping[str, Lazy] = field(default_factory=dict)


# --- Language ----------------------------------------------------------------------------------


def help_language(environ: Mapping[str, str] | None = None, env_file: Path | None = None) -> str:
    """`vi` or `en`: NHACVIEC_LANGUAGE from the environment, else from `.env`, else `vi`.

    Read without pydantic-settings (a cheap start matters more for `--help` than full `.env`
    syntax): an unknown or unreadable value means Vietnamese, the source language.
    """
    environ = os.environ if environ is None else environ
    value = _lookup(environ.items())
    if value is None:
        value = _lookup(_env_file_items(Path(ENV_FILE) if env_file is None else env_file))
    value = (value or "").strip().lower()
    return value if value in ("vi", "en") else "vi"


def _lookup(items: Iterable[tuple[str, str]]) -> str | None:
    """The last value of NHACVIEC_LANGUAGE, names compared case-insensitively (as the settings do)."""
    found = None
    for name, value in items:
        if name.strip().upper() == LANGUAGE_VARIABLE:
            found = value
    return found


def _env_file_items(path: Path) -> list[tuple[str, str]]:
    """`NAME=value` lines of a dotenv file: comments, `export `, quotes; no interpolation."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    items = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, value = line.split("=", 1)
        name = name.strip().removeprefix("export ").strip()
        value = value.strip()
        if value[:1] in ("'", '"') and value[:1] in value[1:]:
            value = value[1 : value.index(value[0], 1)]
        else:
            value = value.split(" #", 1)[0].strip()
        items.append((name, value))
    return items


def translator(lang: str) -> Callable[[str], str]:
    """Translates one help text: whole if the catalog has it, else paragraph by paragraph."""
    if lang == "vi":
        return lambda text: text
    from bot.i18n import translations  # babel: only when a translation is wanted

    catalog = translations(lang, DOMAIN)

    def translate(text: str) -> str:
        whole = catalog.gettext(text)
        if whole != text or "\n\n" not in text:
            return whole
        return "\n\n".join(catalog.gettext(paragraph) for paragraph in text.split("\n\n"))

    return translate


def translate_command(command: _click.Command, translate: Callable[[str], str]) -> None:
    """Translates the help of a command, its parameters and (for a group) its built commands."""
    if getattr(command, "_help_translated", False):
        return
    command._help_translated = True  # type: ignore[attr-defined]
    if command.help:
        command.help = translate(command.help)
    if command.short_help:
        command.short_help = translate(command.short_help)
    for param in command.params:
        text = getattr(param, "help", None)
        if text:
            param.help = translate(text)  # type: ignore[attr-defined]
    if isinstance(command, TyperGroup):
        for subcommand in command.commands.values():
            translate_command(subcommand, translate)


# --- The group ---------------------------------------------------------------------------------


class LazyGroup(TyperGroup):
    """A Typer group whose commands are imported when used (see the module's docstring).

    `lazy` names the commands not imported yet and `source` is the Typer app their modules
    register on. Typer builds this class itself (`cls=`), so both are set after construction:
    by a subclass (the root, `bot.cli.app.RootGroup`) or by `attach` (a sub-app).
    """

    lazy: Mapping[str, Lazy] = {}
    pretty_exceptions_short: bool = True

    def __init__(self, **attrs: object) -> None:
        super().__init__(**attrs)  # type: ignore[arg-type]
        self._listing = False
        self._translate: Callable[[str], str] | None = None
        self._source: typer.Typer | None = None

    def source(self) -> typer.Typer:
        assert self._source is not None, "LazyGroup.attach() was not called"
        return self._source

    def attach(self, source: typer.Typer, lazy: Mapping[str, Lazy]) -> None:
        """The Typer app the lazy commands register on, and those commands.

        A command Typer already built (its module was imported earlier) is dropped when it is
        also lazy, so that every command is built the same way whatever was imported before
        (a sub-app built early may lack the commands of modules not imported yet).
        """
        self._source = source
        self.lazy = lazy
        for name in lazy:
            self.commands.pop(name, None)
        self.translate_help()

    def translate_help(self) -> None:
        translate_command(self, self.translator())

    def translator(self) -> Callable[[str], str]:
        if self._translate is None:
            self._translate = translator(help_language())
        return self._translate

    # Listing and finding commands.

    def list_commands(self, ctx: _click.Context) -> list[str]:
        return [*self.lazy, *(name for name in self.commands if name not in self.lazy)]

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        command = self.commands.get(cmd_name)
        if command is None:
            entry = self.lazy.get(cmd_name)
            if entry is None:
                return None
            if self._listing:
                return self._placeholder(cmd_name, entry)
            command = self._load(cmd_name, entry)
            self.commands[cmd_name] = command
        translate_command(command, self.translator())
        return command

    def format_help(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        """The help lists the commands from their `Lazy` entries, importing none of them."""
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def resolve_command(
        self, ctx: _click.Context, args: list[str]
    ) -> tuple[str | None, _click.Command | None, list[str]]:
        """Typer's, but "Did you mean …?" also knows the commands not imported yet."""
        try:
            return self._click_resolve_command(ctx, args)
        except _click.exceptions.UsageError as error:
            if self.suggest_commands and args:
                matches = get_close_matches(args[0], self.list_commands(ctx))
                if matches:
                    suggestions = ", ".join(f"{match!r}" for match in matches)
                    error.message = f"{error.message.rstrip('.')}. Did you mean {suggestions}?"
            raise

    # Building commands.

    def _placeholder(self, name: str, entry: Lazy) -> _click.Command:
        return TyperCommand(name, help=self.translator()(entry.help), rich_markup_mode=self.rich_markup_mode)

    def _load(self, name: str, entry: Lazy) -> _click.Command:
        """Imports the module, then builds the command from what it registered on `source`."""
        importlib.import_module(entry.module)
        source = self.source()
        for command_info in source.registered_commands:
            assert command_info.callback is not None
            if (command_info.name or get_command_name(command_info.callback.__name__)) == name:
                return get_command_from_info(
                    command_info,
                    pretty_exceptions_short=self.pretty_exceptions_short,
                    rich_markup_mode=self.rich_markup_mode,
                )
        for group_info in source.registered_groups:
            if solve_typer_info_defaults(group_info).name != name:
                continue
            group_info = copy.copy(group_info)
            group_info.cls = LazyGroup
            group = get_group_from_info(
                group_info,
                pretty_exceptions_short=self.pretty_exceptions_short,
                suggest_commands=self.suggest_commands,
                rich_markup_mode=self.rich_markup_mode,
            )
            assert isinstance(group, LazyGroup) and group_info.typer_instance is not None
            group.pretty_exceptions_short = self.pretty_exceptions_short
            group.attach(group_info.typer_instance, entry.commands)
            return group
        raise RuntimeError(f"{entry.module} did not register the command {name!r}")
