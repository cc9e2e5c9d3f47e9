"""Warnings about a plan that loads but may not mean what the clerk intended."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from bot.datefmt import short_date
from bot.deadlines import Kind, parse_deadline
from bot.plans import messages as msg
from bot.plans.model import Plan
from bot.plans.yamldoc import Loc, YamlDoc, YamlIssue


def timing_issues(
    text: str, loc: Loc, issued: dt.date, doc: YamlDoc, none_template: str = msg.TIMING_NONE
) -> Iterator[YamlIssue]:
    """A timing phrase the bot cannot date, cannot date for sure, or dates before the plan."""
    deadline = parse_deadline(text, issued)
    position = doc.where(loc)
    if deadline.kind is Kind.NONE:
        yield YamlIssue("timing-none", loc, position, none_template, {"timing": text})
        return
    if deadline.ambiguous:
        meaning = short_date(deadline.due) if deadline.due is not None else msg.RECURRING
        yield YamlIssue(
            "timing-ambiguous", loc, position, msg.TIMING_AMBIGUOUS, {"timing": text, "meaning": meaning}
        )
    if deadline.kind is Kind.ONCE and deadline.due is not None and deadline.due < issued:
        yield _before_issued(deadline.due, issued, loc, position)


def _before_issued(due: dt.date, issued: dt.date, loc: Loc, position: tuple[int, int]) -> YamlIssue:
    return YamlIssue(
        "due-before-issued",
        loc,
        position,
        msg.DUE_BEFORE_ISSUED,
        {"due": short_date(due), "issued": short_date(issued)},
    )


def plan_warnings(plan: Plan, doc: YamlDoc) -> Iterator[YamlIssue]:
    for index, task in enumerate(plan.tasks):
        loc: Loc = ("tasks", index)
        if task.lead is None and task.timing is None and task.due is None:
            yield YamlIssue("task-unassigned", loc, doc.where(loc), msg.TASK_UNASSIGNED)
        if task.due is not None:
            if task.due < plan.issued:
                yield _before_issued(task.due, plan.issued, (*loc, "due"), doc.where((*loc, "due")))
        elif task.timing is not None:
            yield from timing_issues(task.timing, (*loc, "timing"), plan.issued, doc)
    for index, report in enumerate(plan.reporting):
        yield from timing_issues(
            report.cycle, ("reporting", index, "cycle"), plan.issued, doc, msg.CYCLE_NONE
        )
