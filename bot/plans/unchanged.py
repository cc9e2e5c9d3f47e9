"""Which plan files a sync may skip: those whose fingerprint is the one stored with their plan.

A province re-syncs five hundred files of which one changed, and reading, checking and comparing
the other 499 was most of the sync's time. A file's fingerprint covers everything its rows were
computed from: its bytes and resolved path, the unit directory's files (references resolve
against them), the working-day calendar (effective deadlines) and the code that reads plans and
timing phrases. When all of that is what it was at the plan's last sync, and the plan is not
archived, syncing the file again would change nothing, so it is not read at all.

A file that is skipped was synced before, so it had no errors then, and the same bytes read by
the same code against the same directory still have none; its warnings are counted from the
number stored with the plan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.db import models as db
from bot.db.migrate import schema_state
from bot.db.tables import table_of
from bot.fingerprint import code_fingerprint, digest
from bot.plans.loader import WorkspaceFiles
from bot.workcal import WorkCalendar

CODE = ("plans", "deadlines", "workcal", "folding.py", "fingerprint.py", "db/models.py")
"""What turns a plan file into rows: a change to any of it re-reads every file."""


@dataclass(frozen=True)
class Stored:
    """What the database holds for an active plan."""

    fingerprint: str | None
    warnings: int


@dataclass(frozen=True)
class Unchanged:
    fingerprints: dict[str, str] = field(default_factory=dict)
    """Plan id → the fingerprint of its file now (every plan file, skipped or not)."""
    skip: frozenset[Path] = frozenset()
    """Resolved paths of the files whose fingerprint is the stored one."""
    warnings: int = 0
    """The stored warning count of the skipped plans."""


def context_fingerprint(directory_files: Sequence[Path], calendar: WorkCalendar) -> str:
    """Everything a plan file's rows depend on besides the file itself."""
    parts: list[str | bytes] = ["code", code_fingerprint(*CODE), "calendar", calendar.fingerprint()]
    for path in directory_files:
        parts += [str(path.resolve()), _bytes(path)]
    return digest(parts)


def file_fingerprint(context: str, path: Path) -> str:
    return digest([context, str(path.resolve()), _bytes(path)])


def find_unchanged(files: WorkspaceFiles, calendar: WorkCalendar, stored: Mapping[str, Stored]) -> Unchanged:
    """The files of `files` a sync may skip, given what the database holds (`read_stored`)."""
    context = context_fingerprint(files.directory, calendar)
    fingerprints: dict[str, str] = {}
    skip: set[Path] = set()
    warnings = 0
    for path in files.plans:
        if path.stem in fingerprints:
            continue  # a second file with the same plan id: the loader refuses it, never skip
        fingerprints[path.stem] = found = file_fingerprint(context, path)
        known = stored.get(path.stem)
        if known is not None and known.fingerprint == found:
            skip.add(path.resolve())
            warnings += known.warnings
    return Unchanged(fingerprints, frozenset(skip), warnings)


def stored_plans(engine: Engine) -> dict[str, Stored]:
    """`read_stored`, or nothing when the database does not exist yet (a sync must not create it
    before the files are found valid) or its schema is older (it has no fingerprints)."""
    if engine.dialect.name == "sqlite":
        database = engine.url.database
        if not database or database == ":memory:" or not Path(database).is_file():
            return {}
    with engine.connect() as connection:
        if not schema_state(connection).up_to_date:
            return {}
        return read_stored(connection)


def read_stored(connection: Connection) -> dict[str, Stored]:
    """Plan id → its stored fingerprint and warning count, for every active plan."""
    plans = table_of(db.Plan)
    query = sa.select(plans.c.id, plans.c.fingerprint, plans.c.warnings).where(plans.c.archived_at.is_(None))
    return {
        plan_id: Stored(fingerprint, warnings) for plan_id, fingerprint, warnings in connection.execute(query)
    }


def _bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""  # the loader says what is wrong with it; an unreadable file is never skipped
