"""Every Vietnamese message of the digest (Python and template) has its English translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "bot" / "locale" / "en" / "LC_MESSAGES" / "digest.po"


def _msgids() -> set[str]:
    found: set[str] = set()
    method_map = [("bot/digest/**.py", "python"), ("templates/digest.j2", "jinja2")]
    options_map = {"templates/digest.j2": {"extensions": "jinja2.ext.i18n"}}
    keywords = {"N_": None, "_": None, "gettext": None}
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_is_translated_and_none_is_stale() -> None:
    with CATALOG.open("rb") as po_file:
        catalog = read_po(po_file, locale="en", domain="digest")
    translated = {message.id: message.string for message in catalog if message.id}
    wanted = _msgids()
    assert len(wanted) > 70
    assert sorted(wanted - translated.keys()) == []
    assert sorted(translated.keys() - wanted) == []
    assert [msgid for msgid, text in translated.items() if not text] == []
