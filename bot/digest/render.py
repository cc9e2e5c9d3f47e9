"""The digest as a message: Jinja2 templates in `templates/` (HTML for Telegram, plain text for
Zalo and the console), words from gettext, dates and numbers from Babel.

Every item of the digest is one line and every HTML tag opens and closes on its line, so the
splitter (`bot.digest.split`) can cut between lines without breaking markup.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.numbers import format_decimal
from jinja2 import Environment, StrictUndefined
from markupsafe import Markup

from bot import paths
from bot.cutting import cut_at_word
from bot.datefmt import long_date, short_date
from bot.db.labels import status_label
from bot.digest.messages import DOMAIN, outbox_kind_label, standing_label
from bot.digest.model import Digest, Standing
from bot.i18n import translations


class Format(StrEnum):
    TEXT = "text"
    HTML = "html"


TEMPLATE = "digest.j2"


@lru_cache(maxsize=8)
def environment(lang: str, html: bool, templates: Path = paths.TEMPLATES_DIR) -> Environment:
    env = Environment(
        loader=paths.template_loader(templates),
        extensions=["jinja2.ext.i18n"],
        autoescape=html,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.install_gettext_translations(translations(lang, DOMAIN), newstyle=True)  # type: ignore[attr-defined]
    env.filters["strong"] = (lambda value: Markup("<b>%s</b>") % value) if html else (lambda value: value)
    env.filters["num"] = lambda value: format_decimal(value, locale=lang)
    env.filters["day"] = lambda value: short_date(value, lang)
    env.filters["long_day"] = lambda value: long_date(value, lang)
    env.filters["status"] = lambda value: status_label(value, lang)
    env.filters["standing"] = lambda value: standing_label(lang, value)
    env.filters["kind"] = lambda value: outbox_kind_label(lang, value)
    env.filters["short"] = lambda value, limit: cut_at_word(value, limit) if limit else value
    return env


TEXT_ONLY_ROWS = 5
"""Rows of each list in the plain text digest: Zalo counts every message against a small quota and
takes no files, so its digest is three messages rather than seven; the totals are all there, and
the workbook (Telegram, the dashboard) has every row."""
TEXT_ONLY_TITLE = 90
"""Plan and task titles in the plain text digest are cut at a word to this length (plans' titles
run to 300 characters)."""


def render_plain(
    digest: Digest, *, lang: str, tz: ZoneInfo, templates: Path = paths.TEMPLATES_DIR, dashboard: bool = False
) -> str:
    """The digest for a channel without HTML or files (Zalo): short lists, short titles."""
    return render_digest(
        digest.first(TEXT_ONLY_ROWS),
        lang=lang,
        tz=tz,
        fmt=Format.TEXT,
        templates=templates,
        workbook=False,
        title_limit=TEXT_ONLY_TITLE,
        dashboard=dashboard,
    )


def render_digest(
    digest: Digest,
    *,
    lang: str,
    tz: ZoneInfo,
    fmt: Format = Format.TEXT,
    templates: Path = paths.TEMPLATES_DIR,
    workbook: bool = True,
    title_limit: int | None = None,
    dashboard: bool = False,
) -> str:
    """The digest's message text; `workbook`: the workbook goes with it (a cut list points there);
    `title_limit`: plan and task titles are cut at a word to this length; `dashboard`: the
    dashboard is served (the last line says how to open it)."""
    env = environment(lang, fmt is Format.HTML, templates)

    def moment(value: dt.datetime) -> str:
        return format_datetime(value, "dd/MM/yyyy HH:mm", tzinfo=tz, locale=lang)

    def local_day(value: dt.datetime) -> dt.date:
        return value.astimezone(tz).date()

    template = env.get_template(TEMPLATE)
    text = template.render(
        digest=digest,
        plans={plan.plan_id: plan for plan in digest.plans},
        standings=list(Standing),
        since_day=digest.since.astimezone(tz).date(),
        moment=moment,
        local_day=local_day,
        workbook=workbook,
        title_limit=title_limit,
        dashboard=dashboard,
    )
    # Blank lines separate sections; a conditional block may leave more than one.
    lines = text.strip().splitlines()
    tidy: list[str] = []
    for line in lines:
        line = line.rstrip()
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy)
