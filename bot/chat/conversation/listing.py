"""`/viec`, `/quahan` and `/tonghop`: what the person asks to see."""

from __future__ import annotations

from sqlmodel import col, select

from bot.channels.base import OutgoingMessage, ParseMode
from bot.channels.events import OutgoingFile, Reply
from bot.chat.conversation.checkins import remember_listing
from bot.chat.conversation.messages import (
    DIGEST_CHART,
    DIGEST_NO_PLANS,
    DIGEST_NOT_ALLOWED,
    DIGEST_WORKBOOK,
    LIST_HOW_TO_ANSWER,
    LIST_NO_PAGE,
    LIST_PAGE_LAST,
    LIST_PAGE_NEXT,
    NO_OVERDUE,
    NO_TASKS,
    OVERDUE_HEADER,
    OVERDUE_LINE,
    TASK_LINE,
    TASK_LINE_NO_DUE,
    TASKS_HEADER,
)
from bot.chat.conversation.turn import Refusal, Turn
from bot.cutting import cut_at_word
from bot.datefmt import short_date
from bot.db.labels import status_label
from bot.db.models import Person, Plan, PlanDigestRecipient, Task, Unit
from bot.people import can_request_digest, overdue_for, tasks_for
from bot.people.permissions import SEES_EVERYTHING

LIST_PAGE = 10
"""Lines per page of a listing: one message read on a phone, well within Zalo's 2000 characters."""
LIST_TITLE = 80
"""A title in a listing is cut to this: enough to recognise the task, the key says which it is."""


def my_tasks(turn: Turn, person: Person) -> None:
    listed = tasks_for(turn.session, person)
    if not listed:
        turn.say(turn.t(NO_TASKS))
        return
    page = _page(turn, "/viec", len(listed))
    if page is None:
        return
    first = (page - 1) * LIST_PAGE + 1
    shown = listed[first - 1 : first - 1 + LIST_PAGE]
    unit = turn.session.get(Unit, person.unit_id)
    lines = [turn.escape(turn.t(TASKS_HEADER, unit=unit.name if unit else person.unit_id, count=len(listed)))]
    for number, item in enumerate(shown, first):
        status = status_label(item.task.status, turn.lang)
        if item.task.status_percent is not None:
            status += f" ({item.task.status_percent}%)"
        values = {
            "number": number,
            "key": _key(turn, item.task.key),
            "title": turn.escape(cut_at_word(item.task.title, LIST_TITLE)),
            "status": turn.escape(status),
        }
        if item.due is not None:
            lines.append(turn.t(TASK_LINE, due=short_date(item.due, turn.lang), **values))
        else:
            lines.append(turn.t(TASK_LINE_NO_DUE, **values))
    _pages(turn, lines, "/viec", page, len(listed))
    _answerable(turn, person, lines, [item.task for item in shown], len(listed), first)


def my_overdue(turn: Turn, person: Person) -> None:
    late = overdue_for(turn.session, person, today=turn.today, calendar=turn.calendar)
    if not late:
        turn.say(turn.t(NO_OVERDUE))
        return
    page = _page(turn, "/quahan", len(late))
    if page is None:
        return
    first = (page - 1) * LIST_PAGE + 1
    shown = late[first - 1 : first - 1 + LIST_PAGE]
    lines = [turn.escape(turn.t(OVERDUE_HEADER, count=len(late)))]
    for number, item in enumerate(shown, first):
        lines.append(
            turn.t(
                OVERDUE_LINE,
                number=number,
                key=_key(turn, item.task.key),
                title=turn.escape(cut_at_word(item.task.title, LIST_TITLE)),
                due=short_date(item.due, turn.lang),
                days=item.working_days_late,
            )
        )
    _pages(turn, lines, "/quahan", page, len(late))
    _answerable(turn, person, lines, [item.task for item in shown], len(late), first)


def _page(turn: Turn, command: str, total: int) -> int | None:
    """The page asked for (`/viec 2`; words after the command are not a page: the first); None
    once a page past the last is refused."""
    pages = -(-total // LIST_PAGE)
    asked = turn.args.strip()
    page = int(asked) if asked.isdigit() else 1
    if not 1 <= page <= pages:
        turn.say(turn.t(LIST_NO_PAGE, pages=pages, command=command))
        return None
    return page


def _pages(turn: Turn, lines: list[str], command: str, page: int, total: int) -> None:
    pages = -(-total // LIST_PAGE)
    if page < pages:
        count = min(LIST_PAGE, total - page * LIST_PAGE)
        lines.append(
            turn.escape(
                turn.t(LIST_PAGE_NEXT, page=page, pages=pages, command=command, next=page + 1, count=count)
            )
        )
    elif pages > 1:
        lines.append(turn.escape(turn.t(LIST_PAGE_LAST, page=page, pages=pages)))


def _answerable(
    turn: Turn, person: Person, lines: list[str], tasks: list[Task], total: int, first: int
) -> None:
    """The listing, said, and remembered: its numbers now answer «3 xong» (a check-in's no longer
    do, until the next one). Not in a group, where the bot reads commands only."""
    if turn.event.is_group:
        turn.say("\n".join(lines), markup=True)
        return
    second = first + 1 if len(tasks) > 1 else first
    lines.append(turn.escape(turn.t(LIST_HOW_TO_ANSWER, first=first, second=second)))
    turn.say("\n".join(lines), markup=True)
    remember_listing(turn, person, [task.id for task in tasks if task.id is not None], total, first=first)


def digest_now(turn: Turn, person: Person) -> None:
    from bot.digest.compose import compose_digest  # matplotlib: only when asked
    from bot.web.links import configured

    if not can_request_digest(turn.session, person):
        raise Refusal(Reply(turn.message(turn.t(DIGEST_NOT_ALLOWED))))
    live = select(Plan.id).where(col(Plan.archived_at).is_(None)).order_by(col(Plan.id))
    if person.role not in SEES_EVERYTHING:
        mine = select(PlanDigestRecipient.plan_id).where(PlanDigestRecipient.person_id == person.id)
        live = live.where(col(Plan.id).in_(mine))
    plans = list(turn.session.exec(live).all())
    if not plans:
        turn.say(turn.t(DIGEST_NO_PLANS))
        return
    composed = compose_digest(
        turn.session,
        person.id,
        {"as_of": turn.today.isoformat(), "plans": plans},
        channel=turn.event.channel,
        tz=turn.tz,
        calendar=turn.calendar,
        templates=turn.templates,
        lang=turn.lang,
        dashboard=configured(),
    )
    mode = ParseMode.HTML if composed.html else ParseMode.TEXT
    files = (
        OutgoingFile("photo", "digest.png", composed.chart_png, turn.t(DIGEST_CHART)),
        OutgoingFile("document", composed.workbook_name, composed.workbook_xlsx, turn.t(DIGEST_WORKBOOK)),
    )
    # The files ride with the last piece: a channel without files just sends the text.
    for number, piece in enumerate(composed.pieces, 1):
        last = number == len(composed.pieces)
        turn.replies.append(Reply(OutgoingMessage(piece, mode), files=files if last else ()))


def _key(turn: Turn, key: str) -> str:
    return f"<b>{turn.escape(key)}</b>" if turn.html else key
