"""`nhacviec plans show PLAN`: a plan's tasks with their deadlines, grouped by lead unit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from bot.cli.db import LangOption, resolve_lang
from bot.cli.output import err, fail, out
from bot.cli.plans import plans_app
from bot.cli.settings import cli_clock, cli_settings
from bot.datefmt import short_date, weekday_name
from bot.deadlines import Freq, Kind, occurrences, parse_deadline
from bot.plans import messages as msg
from bot.plans.loader import LoadedPlan, Workspace, load_workspace
from bot.plans.model import Directory, Task
from bot.plans.references import UnitIndex
from bot.workcal import HolidayFileError, WorkCalendar

FREQ_NAMES = {
    Freq.WEEKLY: msg.FREQ_WEEKLY,
    Freq.MONTHLY: msg.FREQ_MONTHLY,
    Freq.QUARTERLY: msg.FREQ_QUARTERLY,
    Freq.SEMIANNUAL: msg.FREQ_SEMIANNUAL,
    Freq.ANNUAL: msg.FREQ_ANNUAL,
}


@dataclass(frozen=True)
class TaskDates:
    due: str
    """The date the task is due as written (or what its timing means), for people."""
    effective: str
    """The effective deadline after weekends and holidays; empty when there is no date."""


def task_dates(task: Task, issued: dt.date, today: dt.date, calendar: WorkCalendar, lang: str) -> TaskDates:
    """What a task's `due` or `timing` means (read relative to the plan's issue date).

    A recurring task shows its next due date from `today`: that is the one people act on.
    """
    due = task.due
    if due is None and task.timing is not None:
        deadline = parse_deadline(task.timing, issued)
        if deadline.kind is Kind.ONCE:
            due = deadline.due
        elif deadline.kind is Kind.RECURRING and deadline.recurrence is not None:
            freq = msg.render(lang, FREQ_NAMES[deadline.recurrence.freq])
            upcoming = occurrences(deadline.recurrence, max(today, issued), 1)
            label = msg.render(lang, msg.KIND_RECURRING, freq=freq)
            if not upcoming:
                return TaskDates(label, "")
            return TaskDates(
                f"{label}: {short_date(upcoming[0], lang)}", _effective(upcoming[0], calendar, lang)
            )
        elif deadline.kind is Kind.CONTINUOUS:
            return TaskDates(msg.render(lang, msg.KIND_CONTINUOUS), "")
    if due is None:
        return TaskDates(msg.render(lang, msg.KIND_NONE), "")
    return TaskDates(short_date(due, lang), _effective(due, calendar, lang))


def _effective(due: dt.date, calendar: WorkCalendar, lang: str) -> str:
    effective = calendar.effective_deadline(due)
    return f"{short_date(effective, lang)} ({weekday_name(effective, lang)})"


def _unit_label(directory: Directory, unit_id: str | None, lang: str) -> str:
    if unit_id is None:
        return msg.render(lang, msg.NO_LEAD)
    unit = next((unit for unit in directory.units if unit.id == unit_id), None)
    return f"{unit.name} ({unit.id})" if unit is not None else unit_id


def _find_plan(workspace: Workspace, plan_id: str, lang: str) -> LoadedPlan:
    loaded = workspace.plans.get(plan_id)
    if loaded is not None:
        return loaded
    own_errors = [problem for problem in workspace.errors if problem.path.stem == plan_id]
    if own_errors:
        for problem in own_errors:
            err.print(escape(problem.format(Path.cwd())))
        fail(msg.render(lang, msg.PLAN_HAS_ERRORS, plan=plan_id, count=len(own_errors)), code=1)
    known = sorted(workspace.plans) or [msg.render(lang, msg.NO_PLANS_AVAILABLE)]
    folder = cli_settings().plans_dir
    fail(msg.render(lang, msg.UNKNOWN_PLAN, plan=plan_id, folder=folder, available=", ".join(known)), code=1)


def _unit_filter(directory: Directory, reference: str | None, lang: str) -> str | None:
    if reference is None:
        return None
    index = UnitIndex(directory.units)
    unit = index.find(reference)
    if unit is not None:
        return unit.id
    near = index.suggest(reference)
    did_you_mean = msg.render(lang, msg.DID_YOU_MEAN_UNIT, id=near.id, name=near.name) if near else ""
    fail(msg.render(lang, msg.UNKNOWN_UNIT_OPTION, unit=reference, did_you_mean=did_you_mean), code=1)


@plans_app.command("show")
def show_command(
    plan: Annotated[str, typer.Argument(help="Mã kế hoạch (tên tệp trong plans/, không có .yaml).")],
    unit: Annotated[
        str | None,
        typer.Option("--unit", help="Chỉ các nhiệm vụ đơn vị này chủ trì hoặc phối hợp (mã hoặc tên)."),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Xem các nhiệm vụ của một kế hoạch theo đơn vị chủ trì, với hạn và hạn thực tế (sau ngày nghỉ)."""
    language = resolve_lang(lang)
    workspace = load_workspace([cli_settings().plans_dir], lang=language)
    loaded = _find_plan(workspace, Path(plan).stem if plan.endswith(".yaml") else plan, language)
    unit_id = _unit_filter(workspace.directory, unit, language)
    try:
        calendar = WorkCalendar.in_folder(cli_settings().schedules_dir, language)
    except HolidayFileError as error:
        fail(str(error), code=1)
    show_plan(loaded, workspace.directory, calendar, language, unit_id, cli_clock().today(cli_settings().tz))


def show_plan(
    loaded: LoadedPlan,
    directory: Directory,
    calendar: WorkCalendar,
    lang: str,
    unit_id: str | None,
    on: dt.date,
) -> None:
    plan = loaded.plan
    out.print(f"[bold]{escape(plan.title)}[/]")
    header = msg.render(
        lang, msg.PLAN_HEADER, number=plan.number, issued=short_date(plan.issued, lang), issuer=plan.issuer
    )
    out.print(escape(header))
    tasks = [
        task for task in plan.tasks if unit_id is None or unit_id == task.lead or unit_id in task.support
    ]
    if not tasks and unit_id is not None:
        out.print(escape(msg.render(lang, msg.NO_TASKS_FOR_UNIT, unit=_unit_label(directory, unit_id, lang))))
        return
    leads = list(dict.fromkeys(task.lead for task in tasks))
    for lead in leads:
        table = Table(title=escape(_unit_label(directory, lead, lang)), title_justify="left", expand=False)
        for column in (
            msg.COL_ID,
            msg.COL_TASK,
            msg.COL_SUPPORT,
            msg.COL_TIMING,
            msg.COL_DUE,
            msg.COL_EFFECTIVE,
        ):
            table.add_column(msg.render(lang, column), overflow="fold")
        for task in (task for task in tasks if task.lead == lead):
            dates = task_dates(task, plan.issued, on, calendar, lang)
            table.add_row(
                escape(task.id),
                escape(task.title),
                escape(", ".join(task.support)),
                escape(task.timing or ""),
                escape(dates.due),
                escape(dates.effective),
            )
        out.print(table)
