"""The English catalog covers every plan message, with the same placeholders as the Vietnamese."""

from __future__ import annotations

import string

from babel.messages.pofile import read_po

from bot.i18n import LOCALE_DIR
from bot.plans import messages as msg


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_has_an_english_translation_with_the_same_placeholders() -> None:
    with (LOCALE_DIR / "en" / "LC_MESSAGES" / "plans.po").open("rb") as po_file:
        catalog = read_po(po_file, locale="en", domain="plans")
    templates = [value for name, value in vars(msg).items() if name.isupper() and isinstance(value, str)]
    templates.remove(msg.DOMAIN)
    assert len(templates) > 40
    for template in templates:
        entry = catalog.get(template)
        assert entry is not None and entry.string, f"no English for: {template}"
        assert isinstance(entry.string, str)
        assert _placeholders(entry.string) == _placeholders(template), template
        assert msg.render(
            "en", template, **dict.fromkeys(_placeholders(template), "X")
        ) == entry.string.format(**dict.fromkeys(_placeholders(template), "X"))
