"""The reminder message: Jinja2 templates in `templates/`, dates by Babel, Vietnamese or English.

`reminder.html.j2` is for channels with HTML and buttons (Telegram): every plan or user text is
escaped by autoescaping, and the choices are inline buttons. `reminder.txt.j2` is plain text
with numbered choices, for channels without buttons (Zalo, the console).
"""

from __future__ import annotations

import html as markup
import re
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, StrictUndefined

from bot import paths
from bot.channels.base import Button, OutgoingMessage, ParseMode
from bot.channels.callbacks import reminder_data
from bot.datefmt import long_date
from bot.db.models import OutboxKind
from bot.i18n import translations
from bot.outbox.context import ReminderContext

DOMAIN = "reminders"
_TAG = re.compile(r"<[^>]+>")
TITLE_LIMIT = 120
"""Plan titles run to several lines; a reminder shows the start."""


def N_(message: str) -> str:
    return message


# Choices offered under a reminder: callback suffix and label (the chat engine handles presses).
CHOICES: tuple[tuple[str, str], ...] = (
    ("done", N_("Hoàn thành")),
    ("doing", N_("Đang thực hiện")),
    ("blocked", N_("Vướng mắc")),
    ("snooze", N_("Nhắc lại sau")),
)
REPORT_CHOICES: tuple[tuple[str, str], ...] = (
    ("done", N_("Đã nộp")),
    ("extend", N_("Xin lùi hạn")),
    ("snooze", N_("Nhắc lại sau")),
)
"""A periodic report is submitted or put off; it has no progress to tell."""
TARGET_CHOICES: tuple[tuple[str, str], ...] = (("snooze", N_("Nhắc lại sau")),)
"""A target's figures have no table yet: only a later reminder can be asked for."""


def choices_for(subject_kind: str) -> tuple[tuple[str, str], ...]:
    """The choices a reminder about a `task`, `report` or `target` offers: only actions that
    apply (a report refuses «Đang thực hiện»)."""
    if subject_kind == "report":
        return REPORT_CHOICES
    if subject_kind == "target":
        return TARGET_CHOICES
    return CHOICES


@lru_cache(maxsize=8)
def environment(lang: str, templates: Path) -> Environment:
    """The reminder templates' Jinja2 environment (the single and the check-in messages share it)."""
    env = Environment(
        loader=paths.template_loader(templates),
        autoescape=lambda name: name is not None and name.endswith(".html.j2"),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.install_gettext_translations(translations(lang, DOMAIN), newstyle=True)  # type: ignore[attr-defined]
    return env


def shorten(text: str, limit: int = TITLE_LIMIT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def render_reminder(
    context: ReminderContext,
    *,
    days_left: int | None,
    html: bool,
    buttons: bool,
    tz: ZoneInfo,
    templates: Path = paths.TEMPLATES_DIR,
) -> OutgoingMessage:
    """The message for one outbox row. `days_left` is in working days (negative: overdue)."""
    lang = context.language if context.language in ("vi", "en") else "vi"
    payload = context.payload or {}
    if context.kind is OutboxKind.DIGEST or "text" in payload:
        # Digests are rendered by their own engine and stored whole in the payload: `text`
        # (HTML when `parse_mode` is "html"), and optionally `plain` for channels without HTML.
        text = str(payload.get("text", ""))
        if payload.get("parse_mode") == "html":
            if html:
                return OutgoingMessage(text, ParseMode.HTML)
            text = str(payload.get("plain") or markup.unescape(_TAG.sub("", text)))
        return OutgoingMessage(text, ParseMode.TEXT)
    subject = context.subject
    choices = choices_for(subject.kind if subject else "task")
    escalated = context.kind is OutboxKind.ESCALATION and subject is not None and subject.late_unit
    values = {
        "kind": context.kind.value,
        "late": context.late,
        "sent_for": context.send_at.astimezone(tz).strftime("%H:%M %d/%m/%Y"),
        "plan_number": context.plan_number or "",
        "plan_title": shorten(context.plan_title or ""),
        "subject_kind": subject.kind if subject else "task",
        "subject_key": subject.key if subject else "",
        "subject_title": shorten(subject.title, 300) if subject else "",
        "unit": subject.unit if subject and subject.unit else "",
        # An escalation names the unit that is late, not the office a report goes to.
        "late_unit": (subject.late_unit or "") if escalated and subject else "",
        "due": long_date(context.due, lang) if context.due else "",
        "days_left": days_left,
        "overdue": -days_left if days_left is not None and days_left < 0 else 0,
        "choices": [translations(lang, DOMAIN).gettext(label) for _, label in choices],
        "numbered": not buttons,
    }
    template = environment(lang, templates).get_template("reminder.html.j2" if html else "reminder.txt.j2")
    text = _tidy(template.render(**values))
    rows: tuple[tuple[Button, ...], ...] = ()
    if buttons and context.kind is not OutboxKind.ESCALATION:
        labels = values["choices"]
        assert isinstance(labels, list)
        made = [
            Button(str(label), reminder_data(context.id, choice))
            for (choice, _), label in zip(choices, labels, strict=True)
        ]
        rows = tuple(tuple(made[i : i + 2]) for i in range(0, len(made), 2))
    return OutgoingMessage(text, ParseMode.HTML if html else ParseMode.TEXT, rows)


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy)
