"""`/baocao`'s first question: which task? Every task, a page at a time, or those found by words.

A unit may have dozens of tasks; a list of buttons longer than a phone screen is unusable, so the
question shows `PAGE_SIZE` tasks and a «Trang sau ▶» / «◀ Trang trước» choice (typed «sau» or
«trước» where there are no buttons), and any words typed instead of a choice search the task
numbers (`III.1.b`, `1.b`) and titles (`quy hoạch`, `quy hoach`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlmodel import col, select

from bot.chat.conversation.messages import (
    FOUND_TASKS,
    HOLD_READING,
    NEXT_PAGE,
    PICK_TASK,
    PICK_TASK_PAGE,
    PREVIOUS_PAGE,
    TYPE_PAGE,
)
from bot.chat.conversation.state import Choice, Step, StepKind
from bot.chat.conversation.turn import Turn, choice_message
from bot.db.models import Task
from bot.folding import fold
from bot.outbox.render import shorten
from bot.understand import Understanding

PAGE_SIZE = 8
"""Tasks per page: with the page choices, a list that fits a phone screen."""
PAGE = "page:"
"""The value of a page choice (`page:2`); a task choice's value is the task id."""
NEXT_WORDS = frozenset({"sau", "tiep", "trang sau", "tiep theo", "xem tiep", "next", "more", ">", ">>"})
PREVIOUS_WORDS = frozenset({"truoc", "trang truoc", "quay lai", "lui", "back", "previous", "<", "<<"})
_IGNORED = frozenset(
    {"nhiem", "vu", "viec", "cong", "bao", "cao", "so", "cua", "va", "ve", "cho", "tim", "task"}
)
_WORD = re.compile(r"[a-z0-9]+(?:\.[a-z0-9]+)*")


def ask_task(
    turn: Turn,
    tasks: Sequence[Task],
    *,
    page: int = 0,
    query: str | None = None,
    reading: Understanding | None = None,
    reading_text: str | None = None,
    message_id: str | None = None,
) -> None:
    """Which task? One page of `tasks`; `reading` (what the person already said) waits for the pick."""
    pages = max(1, -(-len(tasks) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    shown = tasks[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    choices = [Choice(str(task.id), f"{task.key} {shorten(task.title, 48)}") for task in shown]
    nav: list[Choice] = []
    if page > 0:
        nav.append(Choice(f"{PAGE}{page - 1}", turn.t(PREVIOUS_PAGE)))
    if page + 1 < pages:
        nav.append(Choice(f"{PAGE}{page + 1}", turn.t(NEXT_PAGE)))
    step = Step(
        StepKind.PICK_TASK,
        turn.expires,
        tuple(choices + nav),
        task_ids=tuple(task.id for task in tasks if task.id is not None),
        page=page,
        query=query,
        reading=reading,
        text=reading_text,
        message_id=message_id,
    )
    turn.open(step)
    if reading_text is not None:
        question = turn.t(HOLD_READING, reading=shorten(reading_text, 60))
    elif query is not None:
        question = turn.t(FOUND_TASKS, count=len(tasks), query=shorten(query, 40))
    elif pages > 1:
        question = turn.t(PICK_TASK_PAGE, page=page + 1, pages=pages, count=len(tasks))
    else:
        question = turn.t(PICK_TASK)
    message = choice_message(question, step.token, step.choices, turn.buttons, turn.lang, nav=len(nav))
    if nav and not turn.buttons:
        message = type(message)(message.text + "\n" + turn.t(TYPE_PAGE), message.parse_mode, message.buttons)
    turn.say_message(message)


def tasks_of(turn: Turn, step: Step) -> list[Task]:
    """The tasks the question offered, in the order offered (gone ones left out)."""
    if not step.task_ids:
        return []
    found = {
        task.id: task for task in turn.session.exec(select(Task).where(col(Task.id).in_(step.task_ids))).all()
    }
    return [found[task_id] for task_id in step.task_ids if task_id in found]


def page_asked(text: str, step: Step) -> int | None:
    """«sau» / «trước»: the page asked for, None when the words ask for no page."""
    said = " ".join(_WORD.findall(fold(text))) or text.strip()
    if said in NEXT_WORDS:
        return step.page + 1
    if said in PREVIOUS_WORDS:
        return step.page - 1
    return None


def search(tasks: Sequence[Task], text: str) -> list[Task]:
    """The tasks whose number is the one typed (`III.1.b`, `1.b`, `iii.1`) or whose title holds
    every word typed (with or without diacritics)."""
    folded = fold(text).strip().rstrip(".")
    compact = folded.replace(" ", "")
    if compact:
        by_key = [
            task
            for task in tasks
            if (key := fold(task.key)) == compact
            or key.endswith("." + compact)
            or key.startswith(compact + ".")
        ]
        if by_key:
            return by_key
    words = [word for word in _WORD.findall(folded) if word not in _IGNORED and len(word) >= 2]
    if not words:
        return []
    found = []
    for task in tasks:
        title = set(_WORD.findall(fold(task.title))) | {fold(task.key)}
        if all(word in title for word in words):
            found.append(task)
    return found
