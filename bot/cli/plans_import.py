"""`nhacviec plans import DOCUMENT`: draft a plan file from its document (text, DOCX, PDF)."""

from __future__ import annotations

import os
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.db import LangOption, resolve_lang
from bot.cli.output import err, fail
from bot.cli.plans import plans_app
from bot.cli.settings import cli_clock, cli_settings
from bot.importer import messages as msg
from bot.importer.draft import import_document
from bot.importer.errors import DocumentError
from bot.importer.model import Draft
from bot.importer.render_json import render_json
from bot.importer.render_yaml import render_yaml
from bot.plans.loader import load_directory
from bot.plans.model import Directory


class Format(StrEnum):
    YAML = "yaml"
    JSON = "json"


@plans_app.command("import")
def import_command(
    document: Annotated[Path, typer.Argument(help="Văn bản kế hoạch: .txt, .docx hoặc .pdf có lớp chữ.")],
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="Tệp kết quả, ví dụ plans/_nhap-kh-04.yaml (mặc định: in ra màn hình)."
        ),
    ] = None,
    fmt: Annotated[
        Format, typer.Option("--format", help="yaml (tệp kế hoạch) hoặc json (cho công cụ khác).")
    ] = Format.YAML,
    force: Annotated[bool, typer.Option("--force", help="Ghi đè tệp kết quả đã có.")] = False,
    directory: Annotated[
        Path | None,
        typer.Option("--directory", help="Thư mục danh bạ đơn vị (mặc định: plans/directory)."),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Soạn nháp tệp kế hoạch từ văn bản: nhiệm vụ, đơn vị chủ trì, phối hợp, thời hạn, chỉ tiêu, báo cáo."""
    language = resolve_lang(lang)
    if output is not None:
        _check_output(output, force, language)
    units = _directory(directory or cli_settings().plans_dir / "directory", language)
    try:
        draft = import_document(document, units, today=cli_clock().today(cli_settings().tz))
    except DocumentError as exc:
        fail(exc.render(language))
    text = render_json(draft) if fmt is Format.JSON else render_yaml(draft)
    summary = _summary(draft, language)
    if output is None:
        # Plain echo, not rich: the draft must reach the pipe byte for byte (no markup, no emoji).
        typer.echo(text, nl=False)
        typer.echo(summary, err=True)
        return
    _write(output, text, language)
    typer.echo(msg.render(language, msg.WROTE, path=output))
    typer.echo(summary)


def _check_output(output: Path, force: bool, lang: str) -> None:
    if output.exists() and not force:
        fail(msg.render(lang, msg.OUTPUT_EXISTS, path=output))
    folder = output.parent
    if not folder.is_dir():
        fail(msg.render(lang, msg.OUTPUT_NO_FOLDER, path=output, folder=folder))


def _directory(folder: Path, lang: str) -> Directory | None:
    if not folder.is_dir():
        return None
    units, problems = load_directory(folder, lang=lang)
    errors = [problem for problem in problems if problem.severity == "error"]
    if errors:
        err.print(msg.render(lang, msg.DIRECTORY_PROBLEMS, folder=folder, count=len(errors)), markup=False)
    return units


def _write(output: Path, text: str, lang: str) -> None:
    """All or nothing: a half-written plan file must never be left behind."""
    temporary: str | None = None
    try:
        handle, temporary = tempfile.mkstemp(dir=output.parent, prefix=".import-", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, output)
    except OSError as exc:
        if temporary is not None and os.path.exists(temporary):
            os.unlink(temporary)
        fail(msg.render(lang, msg.OUTPUT_FAILED, path=output, reason=exc.strerror or type(exc).__name__))


def _summary(draft: Draft, lang: str) -> str:
    return msg.render(
        lang,
        msg.SUMMARY,
        tasks=len(draft.tasks),
        lead=sum(task.lead is not None for task in draft.tasks),
        timing=sum(task.timing is not None for task in draft.tasks),
        review=draft.review_count(),
        targets=len(draft.targets),
        reporting=len(draft.reporting),
        units=len(draft.proposals()),
    )
