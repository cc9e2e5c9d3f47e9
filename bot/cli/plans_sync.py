"""`nhacviec plans sync [PATH ...]`: load the checked plans into the database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from sqlmodel import Session

from bot.cli.db import LangOption, database_errors, open_database, resolve_lang
from bot.cli.output import err, fail, out
from bot.cli.plans import plans_app
from bot.cli.settings import cli_root, cli_settings
from bot.db import errors
from bot.db.messages import (
    NO_PLANS,
    NOTHING_CHANGED,
    PLAN_ERRORS,
    PLAN_WARNINGS,
    SUMMARY_LINE,
    SYNC_SUMMARY,
    WHAT_PEOPLE,
    WHAT_PLANS,
    WHAT_REPORTING,
    WHAT_TARGETS,
    WHAT_TASKS,
    WHAT_UNITS,
    render,
)
from bot.db.migrate import ensure_schema
from bot.plans.loader import load_workspace, workspace_files
from bot.plans.sync import Counts, SyncError, SyncReport, sync_workspace
from bot.plans.unchanged import find_unchanged, stored_plans
from bot.reminders.materialize import materialize, schedule_line


@plans_app.command("sync")
def sync_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Tệp kế hoạch hoặc thư mục (mặc định: cả thư mục plans/).", show_default=False),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Nạp các kế hoạch (đã kiểm tra, không có lỗi) vào cơ sở dữ liệu.

    Nhiệm vụ bị xóa khỏi tệp được lưu trữ, không bị xóa; lịch sử tiến độ luôn được giữ.
    """
    language = resolve_lang(lang)
    settings = cli_settings()
    root = cli_root(language)
    targets = paths or [settings.plans_dir]
    url = settings.database_url
    engine = open_database(url, language)
    with database_errors(url, language):
        stored = stored_plans(engine)
    unchanged = find_unchanged(workspace_files(targets, lang=language), root.calendar, stored)
    workspace = load_workspace(targets, lang=language, skip=unchanged.skip)
    if workspace.errors:
        for problem in workspace.errors:
            err.print(escape(problem.format()))
        fail(render(language, PLAN_ERRORS, count=len(workspace.errors)), code=1)
    if not workspace.plans and not workspace.skipped:
        shown = ", ".join(str(path) for path in targets)
        fail(render(language, NO_PLANS, paths=shown), code=1)

    with database_errors(url, language):
        ensure_schema(engine)
        try:
            with Session(engine) as session, session.begin():
                now = root.clock.now()
                report = sync_workspace(
                    session,
                    workspace,
                    now,
                    archive_missing_plans=not paths,
                    calendar=root.calendar,
                    lang=language,
                    fingerprints=unchanged.fingerprints,
                )
                # Same transaction: a re-synced plan never lives with its old reminders.
                schedule = materialize(
                    session,
                    now,
                    calendar=root.calendar,
                    defaults=root.defaults,
                    tz=settings.tz,
                    horizon_months=settings.horizon_months,
                    plan_ids=[*workspace.plans, *workspace.skipped] if paths else None,
                    unless_current=True,
                )
        except SyncError as exc:
            fail("\n".join(exc.messages), code=1)
    out.print(render(language, SYNC_SUMMARY, url=errors.safe_url(url)))
    warnings = len(workspace.warnings) + unchanged.warnings
    if warnings:
        # Every warning is shown by `plans check`; a sync only says that there are some.
        err.print(f"[yellow]{escape(render(language, PLAN_WARNINGS, count=warnings))}[/]")
    for line in summary_lines(report, language):
        out.print(line)
    if schedule.changed:
        out.print(escape(schedule_line(schedule, language)))


def summary_lines(report: SyncReport, lang: str) -> list[str]:
    if not report.changed:
        return [render(lang, NOTHING_CHANGED)]
    sections: list[tuple[str, Counts]] = [
        (WHAT_PLANS, report.plans),
        (WHAT_TASKS, report.tasks),
        (WHAT_TARGETS, report.targets),
        (WHAT_REPORTING, report.reporting),
        (WHAT_UNITS, report.units),
        (WHAT_PEOPLE, report.people),
    ]
    return [
        render(
            lang,
            SUMMARY_LINE,
            what=render(lang, what),
            added=counts.added,
            updated=counts.updated,
            archived=counts.archived,
            restored=counts.restored,
            unchanged=counts.unchanged,
        )
        for what, counts in sections
        if counts.changed or counts.unchanged
    ]
