"""Fingerprints: SHA-256 digests of what a stored result was computed from, so that work whose
inputs did not change can be skipped (`bot.plans.unchanged`, `bot.reminders.marks`).

The code is one of those inputs: a new version of the deadline parser must re-read every plan
even when no file changed. The package's version number is not enough (it does not move between
two commits of a clone), so the code's fingerprint is a digest of the source files themselves.
This module imports nothing from `bot`, so every package may use it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def digest(parts: Iterable[str | bytes]) -> str:
    """One SHA-256 of `parts`, each length-prefixed so that ("ab", "c") ≠ ("a", "bc")."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


@cache
def code_fingerprint(*packages: str) -> str:
    """A digest of the Python sources of `packages` (folders or modules of `bot`, e.g.
    `"deadlines"`, `"db/models.py"`), in a stable order. A package without sources (a
    byte-code-only install) contributes its compiled files instead, so it still changes with
    the code."""
    parts: list[str | bytes] = []
    for package in sorted(packages):
        base = PACKAGE_DIR / package
        files = [base] if base.is_file() else sorted(base.rglob("*.py")) or sorted(base.rglob("*.pyc"))
        for path in files:
            parts += [path.relative_to(PACKAGE_DIR).as_posix(), path.read_bytes()]
    return digest(parts)
