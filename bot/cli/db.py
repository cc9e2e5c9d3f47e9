"""`nhacviec db upgrade|current`: the schema version of the database in DATABASE_URL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated

import sqlalchemy as sa
import typer
from sqlalchemy.engine import Engine

from bot.cli.app import app
from bot.cli.output import fail, out
from bot.cli.settings import cli_settings
from bot.db import errors, migrate
from bot.db.engine import make_engine
from bot.db.messages import (
    EMPTY_SCHEMA,
    SCHEMA_BEHIND,
    SCHEMA_CURRENT,
    SCHEMA_UPGRADED,
    UNSUPPORTED_DATABASE,
    render,
)

db_app = typer.Typer(help="Cơ sở dữ liệu: nâng cấp lược đồ, xem phiên bản.", no_args_is_help=True)
app.add_typer(db_app, name="db")


class Lang(StrEnum):
    VI = "vi"
    EN = "en"


LangOption = Annotated[
    Lang | None, typer.Option("--lang", help="Ngôn ngữ thông báo: vi | en (mặc định: NHACVIEC_LANGUAGE).")
]


def resolve_lang(option: Lang | None) -> str:
    """The language of the command's output; reading the settings here makes a settings mistake
    the first thing the command says (in the language asked for)."""
    settings = cli_settings(option.value if option is not None else None)
    return option.value if option is not None else settings.language


@contextmanager
def database_errors(url: str, lang: str) -> Iterator[None]:
    """Turns a database mistake the user can fix into its message and exit code 1."""
    try:
        yield
    except (sa.exc.SQLAlchemyError, ImportError, migrate.UnknownRevisionError) as exc:
        message = errors.describe(exc, url, lang)
        if message is None:
            raise
        fail(message, code=1)


SUPPORTED_DIALECTS = ("sqlite", "postgresql")


def open_database(url: str, lang: str) -> Engine:
    with database_errors(url, lang):
        engine = make_engine(url)
    if engine.dialect.name not in SUPPORTED_DIALECTS:
        # The outbox claim and bulk inserts are written for these two; refuse before any work.
        engine.dispose()
        shown = errors.safe_url(url)
        fail(render(lang, UNSUPPORTED_DATABASE, url=shown, dialect=engine.dialect.name), code=1)
    return engine


@db_app.command("upgrade")
def upgrade_command(lang: LangOption = None) -> None:
    """Nâng cấp lược đồ cơ sở dữ liệu lên phiên bản mới nhất (tạo mới nếu chưa có)."""
    language = resolve_lang(lang)
    url = cli_settings().database_url
    engine = open_database(url, language)
    with database_errors(url, language):
        before, after = migrate.upgrade(engine)
    shown = errors.safe_url(url)
    if before.up_to_date:
        out.print(render(language, SCHEMA_CURRENT, url=shown, revision=after.current))
    else:
        previous = before.current or render(language, EMPTY_SCHEMA)
        out.print(render(language, SCHEMA_UPGRADED, url=shown, before=previous, after=after.current))


@db_app.command("current")
def current_command(lang: LangOption = None) -> None:
    """Cho biết phiên bản lược đồ của cơ sở dữ liệu và bản mới nhất."""
    language = resolve_lang(lang)
    url = cli_settings().database_url
    engine = open_database(url, language)
    with database_errors(url, language), engine.connect() as connection:
        state = migrate.schema_state(connection)
    shown = errors.safe_url(url)
    if state.up_to_date:
        out.print(render(language, SCHEMA_CURRENT, url=shown, revision=state.current))
    else:
        revision = state.current or render(language, EMPTY_SCHEMA)
        out.print(render(language, SCHEMA_BEHIND, url=shown, revision=revision, head=state.head))
