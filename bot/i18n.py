"""Message catalogs: Vietnamese is the source language, English a gettext catalog.

Message ids are the Vietnamese text itself, so Vietnamese output never depends on a catalog
being present. Each area of the bot has its own domain (`bot/locale/en/LC_MESSAGES/<domain>.po`)
so that catalogs stay small. The `.po` files are read directly (compiled in memory), so there is
no build step; `pybabel extract/update` maintain them (see README, Development).
"""

from __future__ import annotations

import gettext
import io
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("vi", "en")
SOURCE_LANGUAGE = "vi"


@lru_cache(maxsize=64)
def translations(lang: str, domain: str) -> gettext.NullTranslations:
    """The catalog for `lang` and `domain`; unknown languages fall back to Vietnamese."""
    if lang == SOURCE_LANGUAGE or lang not in LANGUAGES:
        return gettext.NullTranslations()
    po_path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"
    if not po_path.exists():
        return gettext.NullTranslations()
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=lang, domain=domain)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=domain)


def N_(message: str) -> str:
    """Marks a msgid for `pybabel extract -k N_` without translating it yet."""
    return message


class Render(Protocol):
    def __call__(self, lang: str, template: str, /, **values: object) -> str: ...


def renderer(domain: str) -> Render:
    """`render(lang, TEMPLATE, **values)` for one domain: translate, then fill the placeholders
    (`str.format` names, so a translation may reorder them)."""

    def render(lang: str, template: str, /, **values: object) -> str:
        return translations(lang, domain).gettext(template).format(**values)

    return render
