"""Invite codes: short, typeable on a phone, and safe to store.

The alphabet has no 0/O/1/I (misread), and nothing a Vietnamese keyboard rewrites while typing:
Telex and VNI change letters only after a vowel (tones, `aa` → `â`, `a8` → `ă`) or on `dd`/`d9` →
`đ` and `w` → `ư`, so there are no vowels, no D and no W. No vowels also means no code spells a
word. 26 symbols × 8 places ≈ 2 × 10¹¹ codes, against 5 wrong tries per chat per hour (see
`invites.AttemptLimiter`). Only the SHA-256 of a code is stored.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata

ALPHABET = "BCFGHJKLMNPQRSTVXZ23456789"
LENGTH = 8
_IGNORED = frozenset(" -_.,·–—/\t\r\n")


def generate_code() -> str:
    """`BKQ7-M2XH`: eight random symbols, grouped by four."""
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{symbols[:4]}-{symbols[4:]}"


def normalize_code(text: str) -> str | None:
    """The eight symbols of a code as typed (any case, spaces, dashes, full-width letters, after
    `/start`), or None when the text cannot be a code."""
    folded = unicodedata.normalize("NFKC", text).upper().strip()
    if folded.startswith("/START"):  # Telegram's deep link arrives as `/start CODE`
        folded = folded.removeprefix("/START")
    symbols = "".join(char for char in folded if char not in _IGNORED)
    if len(symbols) != LENGTH or any(char not in ALPHABET for char in symbols):
        return None
    return symbols


def hash_code(symbols: str) -> str:
    """SHA-256 (hex) of the normalised symbols."""
    return hashlib.sha256(symbols.encode("ascii")).hexdigest()
