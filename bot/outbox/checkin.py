"""The check-in: every reminder due for one person in one send slot, as one message.

A department head with 57 open tasks gets one numbered list, most urgent first, instead of 57
messages. Each item is still its own outbox row (its idempotency key, its state); the dispatcher
claims a person's rows together, sends this one message and marks them together
(`bot.outbox.claim.mark_checkin_sent`), and the `checkins` row remembers what each number stands
for so that a reply `2 xong` reaches the right task.

Escalations to a leader are grouped the same way, by the unit that is late, in a message of their
own (a leader reads "who is late" apart from "what I must do").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import Any

from bot import paths
from bot.channels.base import Button, OutgoingMessage, ParseMode
from bot.channels.callbacks import reminder_data
from bot.cutting import cut_at_word
from bot.datefmt import short_date
from bot.db.models import CheckinKind, OutboxKind
from bot.i18n import translations
from bot.outbox.context import ReminderContext
from bot.outbox.render import environment
from bot.workcal import WorkCalendar

DOMAIN = "reminders"
TITLE_CUT = 100
"""A title in a check-in line is cut at a word near this many characters."""
BUTTONS_PER_ROW = 4
MAX_SHOWN = 90
"""Telegram takes at most 100 buttons under a message; nobody reads a longer list anyway."""


class Detail(StrEnum):
    """How much of a task goes into a chat app (`REMINDER_DETAIL`)."""

    FULL = "full"
    TITLE = "title"
    """The reference and the title; no plan, no unit, no deadline words beyond the date."""
    MINIMAL = "minimal"
    """Only how many items wait: no task text leaves the office's server."""


class Urgency(IntEnum):
    """The order of a check-in: overdue, due today, due soon, progress wanted."""

    OVERDUE = 0
    TODAY = 1
    SOON = 2
    PROGRESS = 3


def part_of(context: ReminderContext) -> CheckinKind | None:
    """Which grouped message a row belongs to; None for a message that goes alone (a digest,
    a notice with its own text)."""
    if context.kind is OutboxKind.DIGEST or "text" in (context.payload or {}):
        return None
    return CheckinKind.ESCALATION if context.kind is OutboxKind.ESCALATION else CheckinKind.CHECKIN


@dataclass(frozen=True, slots=True)
class Item:
    context: ReminderContext
    urgency: Urgency
    days_left: int | None


def items_of(contexts: Sequence[ReminderContext], today: dt.date, calendar: WorkCalendar) -> list[Item]:
    """The items in the order they are shown: most urgent first, then the nearest deadline."""
    # One line per deadline: after downtime a person may hold a late "due" row and a fresh
    # "overdue" row of the same deadline; the most urgent, newest one stands for both.
    best: dict[object, Item] = {}
    for context in contexts:
        days_left = calendar.working_days_between(today, context.due) if context.due else None
        item = Item(context, _urgency(context, days_left), days_left)
        key: object = context.occurrence_id if context.occurrence_id is not None else ("row", context.id)
        kept = best.get(key)
        if kept is None or (item.urgency, -context.send_at.timestamp()) < (
            kept.urgency,
            -kept.context.send_at.timestamp(),
        ):
            best[key] = item
    items = list(best.values())
    far = 10**6
    items.sort(
        key=lambda item: (
            item.urgency,
            item.days_left if item.days_left is not None else far,
            item.context.subject.key if item.context.subject else "",
            item.context.id,
        )
    )
    return items


def _urgency(context: ReminderContext, days_left: int | None) -> Urgency:
    if context.kind is OutboxKind.PROGRESS:
        return Urgency.OVERDUE if days_left is not None and days_left < 0 else Urgency.PROGRESS
    if days_left is None:
        return Urgency.PROGRESS
    if days_left < 0 or context.kind is OutboxKind.OVERDUE:
        return Urgency.OVERDUE
    return Urgency.TODAY if days_left == 0 else Urgency.SOON


def short_reference(kind: str, key: str, lang: str) -> str:
    """`Nhiệm vụ 1.2`, `Báo cáo BC-3`, `Chỉ tiêu 2`: what confirmations and lists call an item."""
    labels = {"task": "Nhiệm vụ", "report": "Báo cáo", "target": "Chỉ tiêu"}
    label = translations(lang, DOMAIN).gettext(labels.get(kind, "Nhiệm vụ"))
    return f"{label} {key}".strip()


@dataclass(frozen=True, slots=True)
class Rendered:
    message: OutgoingMessage
    shown: list[Item]
    """The items the message lists, in its order (number n is `shown[n - 1]`)."""
    total: int


def render_checkin(
    part: CheckinKind,
    items: Sequence[Item],
    *,
    html: bool,
    buttons: bool,
    limit: int,
    detail: Detail = Detail.FULL,
    templates: Path = paths.TEMPLATES_DIR,
) -> Rendered:
    """The one message for `items` (already ordered), within `limit` characters.

    When the whole list does not fit, the most urgent items are shown and the message ends with
    how many more there are and how to see them: never a second message."""
    if not items:
        raise ValueError("a check-in needs at least one item")
    if part is CheckinKind.ESCALATION:
        # A leader reads who is late: the items under their unit, the unit latest first.
        items = sorted(items, key=lambda item: _late_unit(item.context))
    first = items[0].context
    lang = first.language if first.language in ("vi", "en") else "vi"
    name = "reminder.checkin.html.j2" if html else "reminder.checkin.txt.j2"
    template = environment(lang, templates).get_template(name)
    lines = [_line(item, n, lang, detail) for n, item in enumerate(items, start=1)]
    shown = min(len(items), MAX_SHOWN) if detail is not Detail.MINIMAL else 0
    while True:
        text = _tidy(
            template.render(
                part=part.value,
                person_name=first.person_name,
                detail=detail.value,
                items=lines[:shown],
                more=len(items) - shown,
                total=len(items),
                late=any(item.context.late for item in items),
                examples=_examples(lines[:shown]),
                numbered=not buttons,
            )
        )
        if len(text) <= limit or shown <= 1:
            break
        # Drop the least urgent item and try again (the list is in order of urgency).
        shown -= 1
    rows: tuple[tuple[Button, ...], ...] = ()
    if buttons and part is CheckinKind.CHECKIN and shown:
        made = [
            Button(f"{n}. {line['reference']}", reminder_data(items[n - 1].context.id, "open"))
            for n, line in enumerate(lines[:shown], start=1)
        ]
        rows = tuple(tuple(made[i : i + BUTTONS_PER_ROW]) for i in range(0, len(made), BUTTONS_PER_ROW))
    message = OutgoingMessage(text, ParseMode.HTML if html else ParseMode.TEXT, rows)
    return Rendered(message, list(items[:shown]), len(items))


def _late_unit(context: ReminderContext) -> str:
    subject = context.subject
    return (subject.late_unit or subject.unit or "") if subject else ""


def _line(item: Item, n: int, lang: str, detail: Detail) -> dict[str, Any]:
    context = item.context
    subject = context.subject
    kind = subject.kind if subject else "task"
    days_left = item.days_left
    return {
        "n": n,
        "subject_kind": kind,
        "reference": short_reference(kind, subject.key if subject else "", lang),
        "title": cut_at_word(subject.title, TITLE_CUT) if subject else "",
        "unit": _late_unit(context),
        "due": short_date(context.due, lang) if context.due else "",
        "days_left": days_left,
        "overdue": -days_left if days_left is not None and days_left < 0 else 0,
        "urgency": item.urgency.name.lower(),
        "progress": context.kind is OutboxKind.PROGRESS,
        "full": detail is Detail.FULL,
    }


EXAMPLE_WORDS = {"task": ("xong", "đang làm 60%", "vướng: thiếu kinh phí"), "report": ("đã nộp",)}
"""How an answer to an item may look (the words the bot reads), by the item's kind."""


def _examples(lines: Sequence[dict[str, Any]]) -> str:
    """`«1 xong», «2 đang làm 60%», «4 đã nộp»`: examples with the list's own numbers."""
    shown: list[str] = []
    used: dict[str, int] = {}
    for line in lines:
        words = EXAMPLE_WORDS.get(line["subject_kind"], ())
        index = used.get(line["subject_kind"], 0)
        if index < len(words):
            shown.append(f"«{line['n']} {words[index]}»")
            used[line["subject_kind"]] = index + 1
        if len(shown) == 4:
            break
    return ", ".join(shown)


def checkin_record(part: CheckinKind, rendered: Rendered, person_id: str) -> dict[str, object]:
    """The `checkins` row's values (less the channel and the send): what each number stands for."""
    return {
        "person_id": person_id,
        "kind": part.value,
        "items": [
            {"n": n, "outbox_id": item.context.id, "occurrence_id": item.context.occurrence_id}
            for n, item in enumerate(rendered.shown, start=1)
        ],
        "shown": len(rendered.shown),
        "total": rendered.total,
    }


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy)
