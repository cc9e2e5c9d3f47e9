"""Every English catalog is complete and keeps the Vietnamese text's placeholders."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import bot.importer.messages as importer_messages
from bot.i18n import LOCALE_DIR, translations

CATALOGS = sorted((LOCALE_DIR / "en" / "LC_MESSAGES").glob("*.po"))


PERCENT_FIELD = re.compile(r"%\((\w+)\)[sd]")


def placeholders(text: str) -> list[str]:
    """`{name}` fields (str.format) and `%(name)s` fields (Jinja2's newstyle gettext)."""
    braces = [field for _, field, _, _ in string.Formatter().parse(text) if field]
    return sorted(braces + PERCENT_FIELD.findall(text))


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda path: Path(path).stem)
def test_catalog_entries_are_translated_with_the_same_placeholders(po_path: Path) -> None:
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file)
    messages = [message for message in catalog if message.id]
    assert messages, f"{po_path.name} holds no message"
    for message in messages:
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        assert all(strings), f"{po_path.name}: no translation for {ids[0]!r}"
        for text in strings:
            assert placeholders(text) == placeholders(ids[-1]), ids[0]


def test_every_importer_message_has_an_english_translation() -> None:
    english = translations("en", importer_messages.DOMAIN)
    texts = [
        value
        for name, value in vars(importer_messages).items()
        if name.isupper() and name != "DOMAIN" and isinstance(value, str)
    ]
    assert len(texts) >= 10
    for text in texts:
        assert english.gettext(text) != text, text
