"""What a user can get wrong about the database, as messages that say how to fix it."""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bot.db.messages import (
    BAD_URL,
    CANNOT_CONNECT,
    DRIVER_MISSING,
    NEWER_SCHEMA,
    UNKNOWN_DRIVER,
    render,
)
from bot.db.migrate import UnknownRevisionError, head_revision


def safe_url(url: str) -> str:
    """The URL with its password masked, fit for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def describe(exc: BaseException, url: str, lang: str) -> str | None:
    """A localised message for a database mistake the user can fix; None for anything else."""
    shown = safe_url(url)
    if isinstance(exc, UnknownRevisionError):
        return render(lang, NEWER_SCHEMA, url=shown, revision=exc.revision, head=head_revision())
    if isinstance(exc, sa.exc.NoSuchModuleError):
        return render(lang, UNKNOWN_DRIVER, url=shown, scheme=url.split(":", 1)[0])
    if isinstance(exc, sa.exc.ArgumentError):
        return render(lang, BAD_URL, url=shown, detail=str(exc))
    if isinstance(exc, ImportError):
        return render(lang, DRIVER_MISSING, url=shown, module=exc.name or str(exc))
    if isinstance(exc, sa.exc.OperationalError | sa.exc.InterfaceError):
        detail = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
        return render(lang, CANNOT_CONNECT, url=shown, detail=detail)
    return None


def is_transient(exc: BaseException) -> bool:
    """A database error that waiting can cure: the connection dropped or could not be made (a
    restart, a failover, a pooler blip), the server is starting or shutting down, a lock or the
    pool timed out. Configuration mistakes (a wrong URL, a missing driver, a newer schema) are
    caught before the bot starts, so whatever the running bot meets of this kind is transient."""
    if isinstance(exc, sa.exc.DBAPIError):
        return exc.connection_invalidated or isinstance(exc, sa.exc.OperationalError | sa.exc.InterfaceError)
    return isinstance(exc, sa.exc.DisconnectionError | sa.exc.TimeoutError)
