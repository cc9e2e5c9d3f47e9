"""Loading plan files and the unit directory, with every problem tied to file:line:column.

Nothing here raises on bad input: each mistake becomes a `Problem`, rendered in the requested
language. A plan with any error is left out of `Workspace.plans`, so sync never sees half a plan.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from bot.plans import messages as msg
from bot.plans.checks import plan_warnings
from bot.plans.model import Directory, Person, Plan, Unit
from bot.plans.names import name_key, slugify
from bot.plans.references import (
    PersonIndex,
    UnitIndex,
    find_unit,
    item_ids,
    person_references,
    replace_at,
    unit_references,
)
from bot.plans.validation import format_loc, validation_issues
from bot.plans.yamldoc import Loc, YamlDoc, YamlIssue, read_yaml

__all__ = [
    "LoadedPlan",
    "Problem",
    "Workspace",
    "WorkspaceFiles",
    "find_unit",
    "load_directory",
    "load_model_file",
    "load_workspace",
    "plan_files",
    "workspace_files",
]

Severity = Literal["error", "warning"]
PLAN_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
DIRECTORY_FOLDER = "directory"
PLAN_SECTIONS = ("tasks", "targets", "reporting")
LIST_SEPARATORS = re.compile(r"[,;]")
MAX_FILE_MB = 4
"""The largest plan or directory file read (the largest seed plan is under 0.1 MB): a bigger file
is a mistake, and reading it would cost memory and time out of proportion."""
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    severity: Severity
    path: Path
    line: int
    """1-based; 0 when the problem is about a whole file or folder."""
    column: int
    field: str
    """Dotted path such as `tasks[3].lead`; list positions count from 1. Empty for syntax errors."""
    code: str
    """Stable id. Errors: yaml-syntax, duplicate-key, unknown-key, missing-key, empty-value,
    wrong-type, wrong-value, bad-id, unknown-unit, unknown-person, duplicate-id, duplicate-name,
    empty-plan, empty-file, bad-plan-id, duplicate-plan-id, unreadable, not-found, no-directory,
    too-large, yaml-limit (aliases expanding too far, values nested too deep).
    Warnings: timing-none, timing-ambiguous, due-before-issued, task-unassigned."""
    message: str

    def format(self, base: Path | None = None) -> str:
        """`plans/x.yaml:12:7: tasks[3].lead: message`, the form editors and CI logs link.

        With `base` (usually the current folder), a path inside it is shown relative to it.
        """
        path = self.path
        if base is not None and path.is_absolute() and path.is_relative_to(base):
            path = path.relative_to(base)
        where = f"{path}:{self.line}:{self.column}" if self.line else str(path)
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"

    @property
    def sort_key(self) -> tuple[int, str, int, int]:
        return (self.severity != "error", str(self.path), self.line, self.column)


@dataclass(frozen=True)
class LoadedPlan:
    id: str
    path: Path
    plan: Plan
    """Unit references resolved to unit ids."""


@dataclass
class Workspace:
    directory: Directory
    plans: dict[str, LoadedPlan]
    problems: list[Problem] = field(default_factory=list)
    skipped: dict[str, Path] = field(default_factory=dict)
    """Plan id → file, for the files `load_workspace` was told to skip (not read, not checked)."""

    @property
    def errors(self) -> list[Problem]:
        return sorted((p for p in self.problems if p.severity == "error"), key=lambda p: p.sort_key)

    @property
    def warnings(self) -> list[Problem]:
        return sorted((p for p in self.problems if p.severity == "warning"), key=lambda p: p.sort_key)


class _Report:
    """Collects problems for one file."""

    def __init__(self, path: Path, lang: str) -> None:
        self.path = path
        self.lang = lang
        self.problems: list[Problem] = []

    def add(self, issue: YamlIssue, severity: Severity = "error") -> None:
        line, column = issue.position
        self.problems.append(
            Problem(
                severity,
                self.path,
                line,
                column,
                format_loc(issue.loc),
                issue.code,
                msg.render(self.lang, issue.template, **issue.values),
            )
        )

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


def _whole(path: Path, code: str, message: str) -> Problem:
    return Problem("error", path, 0, 0, "", code, message)


def _yaml_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.yaml") if p.is_file() and not p.name.startswith("_"))


def _read(path: Path, report: _Report) -> YamlDoc | None:
    """The file's YAML with positions; None (and a problem) when it cannot be used at all."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_MB * 1024 * 1024:
            shown = f"{size / (1024 * 1024):.1f}"
            message = msg.render(report.lang, msg.FILE_TOO_LARGE, size=shown, limit=MAX_FILE_MB)
            report.problems.append(_whole(path, "too-large", message))
            return None
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        report.problems.append(
            _whole(path, "unreadable", msg.render(report.lang, msg.UNREADABLE, detail=error))
        )
        return None
    doc = read_yaml(text)
    for issue in doc.issues:
        report.add(issue)
    if doc.data is None and not doc.issues:
        report.add(YamlIssue("empty-file", (), (1, 1), msg.EMPTY_FILE))
    return doc if doc.data is not None else None


def _mapping(doc: YamlDoc, report: _Report, keys: Iterable[str]) -> dict[str, Any] | None:
    if isinstance(doc.data, dict):
        return doc.data
    keys_text = ", ".join(f"{key}:" for key in keys)
    report.add(YamlIssue("wrong-type", (), (1, 1), msg.NOT_A_MAPPING, {"keys": keys_text}))
    return None


def _validate(model: type[M], data: Any, doc: YamlDoc, report: _Report, prefix: Loc = ()) -> M | None:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        for issue in validation_issues(error, model, doc, prefix, report.lang):
            report.add(issue)
        return None


# --- the directory -------------------------------------------------------------------------


@dataclass
class _Entry(Generic[M]):
    item: M
    path: Path
    loc: Loc
    doc: YamlDoc
    report: _Report


def _section(
    model: type[M], section: str, data: dict[str, Any], doc: YamlDoc, report: _Report
) -> list[_Entry[M]]:
    """The valid items of one list (`units:` or `people:`); each invalid item is reported alone,
    so one mistake does not hide the rest of the directory from the plans."""
    items = data.get(section)
    if items is None:
        return []
    if not isinstance(items, list):
        _validate(Directory, {section: items}, doc, report)
        return []
    entries: list[_Entry[M]] = []
    for index, raw in enumerate(items):
        loc: Loc = (section, index)
        item = _validate(model, raw, doc, report, loc)
        if item is not None:
            entries.append(_Entry(item, report.path, loc, doc, report))
    return entries


def _directory_entries(
    files: Sequence[Path], lang: str
) -> tuple[list[_Entry[Unit]], list[_Entry[Person]], list[_Report]]:
    units: list[_Entry[Unit]] = []
    people: list[_Entry[Person]] = []
    reports: list[_Report] = []
    for path in files:
        report = _Report(path, lang)
        reports.append(report)
        doc = _read(path, report)
        data = _mapping(doc, report, ("units", "people")) if doc is not None else None
        if doc is None or data is None:
            continue
        extra = {key: value for key, value in data.items() if key not in ("units", "people")}
        if extra:
            _validate(Directory, extra, doc, report)
        units += _section(Unit, "units", data, doc, report)
        people += _section(Person, "people", data, doc, report)
    return units, people, reports


def _where(entry: _Entry[Any], key: str = "id") -> str:
    line = entry.doc.where((*entry.loc, key))[0]
    return f"{entry.path}:{line}"


def _unique_ids(entries: Sequence[_Entry[Any]]) -> list[_Entry[Any]]:
    """Entries whose id was not taken earlier; the later duplicates are reported."""
    seen: dict[str, _Entry[Any]] = {}
    for entry in entries:
        first = seen.get(entry.item.id)
        if first is not None:
            entry.report.add(
                YamlIssue(
                    "duplicate-id",
                    (*entry.loc, "id"),
                    entry.doc.where((*entry.loc, "id")),
                    msg.DUPLICATE_DIRECTORY_ID,
                    {"id": entry.item.id, "where": _where(first)},
                )
            )
        else:
            seen[entry.item.id] = entry
    return list(seen.values())


def _check_names(units: Sequence[_Entry[Unit]]) -> None:
    owner: dict[str, _Entry[Unit]] = {}
    for entry in units:
        unit = entry.item
        named: list[tuple[Loc, str]] = [((*entry.loc, "id"), unit.id), ((*entry.loc, "name"), unit.name)]
        for key in ("short", "aliases"):
            named += [((*entry.loc, key, index), name) for index, name in enumerate(getattr(unit, key))]
        for loc, name in named:
            first = owner.setdefault(name_key(name), entry)
            if first is not entry:
                entry.report.add(
                    YamlIssue(
                        "duplicate-name",
                        loc,
                        entry.doc.where(loc),
                        msg.DUPLICATE_NAME,
                        {"name": name, "other": first.item.id, "where": _where(first)},
                    )
                )


def _resolve_unit(reference: str, loc: Loc, index: UnitIndex, doc: YamlDoc, report: _Report) -> str:
    unit = index.find(reference)
    if unit is not None:
        return unit.id
    parts = [part.strip() for part in LIST_SEPARATORS.split(reference) if part.strip()]
    if len(parts) > 1 and all(index.find(part) is not None for part in parts):
        # Several units typed into one value: say how to write the list rather than guess.
        did_you_mean = msg.render(report.lang, msg.WRITE_AS_LIST, parts=", ".join(parts))
    elif (suggestion := index.suggest(reference)) is not None:
        did_you_mean = msg.render(report.lang, msg.DID_YOU_MEAN_UNIT, id=suggestion.id, name=suggestion.name)
    else:
        did_you_mean = ""
    report.add(
        YamlIssue(
            "unknown-unit",
            loc,
            doc.where(loc),
            msg.UNKNOWN_UNIT,
            {"ref": reference, "did_you_mean": did_you_mean},
        )
    )
    return reference


def _load_directory_files(files: Sequence[Path], lang: str) -> tuple[Directory, list[Problem]]:
    unit_entries, person_entries, reports = _directory_entries(files, lang)
    units: list[_Entry[Unit]] = _unique_ids(unit_entries)
    people: list[_Entry[Person]] = _unique_ids(person_entries)
    _check_names(units)
    index = UnitIndex([entry.item for entry in units])
    resolved_units = []
    for entry in units:
        parent = entry.item.parent
        if parent is not None:
            parent = _resolve_unit(parent, (*entry.loc, "parent"), index, entry.doc, entry.report)
        resolved_units.append(entry.item.model_copy(update={"parent": parent}))
    resolved_people = [
        entry.item.model_copy(
            update={
                "unit": _resolve_unit(entry.item.unit, (*entry.loc, "unit"), index, entry.doc, entry.report)
            }
        )
        for entry in people
    ]
    problems = [problem for report in reports for problem in report.problems]
    return Directory(units=resolved_units, people=resolved_people), problems


def load_directory(dir_path: Path, *, lang: str = "vi") -> tuple[Directory, list[Problem]]:
    """Every `*.yaml` in `dir_path` (except `_*`), merged into one directory."""
    if not dir_path.is_dir():
        return Directory(), [_whole(dir_path, "no-directory", msg.render(lang, msg.NO_DIRECTORY))]
    return _load_directory_files(_yaml_files(dir_path), lang)


# --- plans ---------------------------------------------------------------------------------


def _check_plan_id(path: Path, report: _Report) -> None:
    if not PLAN_ID.match(path.stem):
        report.problems.append(
            _whole(
                path,
                "bad-plan-id",
                msg.render(
                    report.lang, msg.BAD_PLAN_ID, name=path.name, suggestion=slugify(path.stem) or "ke-hoach"
                ),
            )
        )


def _check_ids(data: dict[str, Any], doc: YamlDoc, report: _Report) -> None:
    for section in PLAN_SECTIONS:
        first: dict[str, Loc] = {}
        for loc, item_id in item_ids(data, section):
            if item_id in first:
                earlier = first[item_id]
                report.add(
                    YamlIssue(
                        "duplicate-id",
                        loc,
                        doc.where(loc),
                        msg.DUPLICATE_ITEM_ID,
                        {
                            "id": item_id,
                            "first": format_loc(earlier[:-1]),
                            "first_line": doc.where(earlier)[0],
                        },
                    )
                )
            else:
                first[item_id] = loc


def _is_empty(data: dict[str, Any]) -> bool:
    return all(data.get(section) in (None, [], "") for section in PLAN_SECTIONS)


def load_plan(
    path: Path, units: UnitIndex, people: PersonIndex, lang: str = "vi"
) -> tuple[LoadedPlan | None, list[Problem]]:
    """One plan file, checked against the directory; the plan is None when it has any error."""
    report = _Report(path, lang)
    _check_plan_id(path, report)
    doc = _read(path, report)
    data = _mapping(doc, report, Plan.model_fields) if doc is not None else None
    if doc is None or data is None:
        return None, report.problems
    resolved = copy.deepcopy(data)
    for loc, reference in unit_references(data):
        replace_at(resolved, loc, _resolve_unit(reference, loc, units, doc, report))
    for loc, reference in person_references(data):
        if reference.strip() not in people.by_id:
            suggestion = people.suggest(reference)
            did_you_mean = (
                msg.render(lang, msg.DID_YOU_MEAN_PERSON, id=suggestion.id, name=suggestion.name)
                if suggestion
                else ""
            )
            report.add(
                YamlIssue(
                    "unknown-person",
                    loc,
                    doc.where(loc),
                    msg.UNKNOWN_PERSON,
                    {"ref": reference, "did_you_mean": did_you_mean},
                )
            )
    _check_ids(data, doc, report)
    if _is_empty(data):
        report.add(YamlIssue("empty-plan", (), (1, 1), msg.EMPTY_PLAN))
    plan = _validate(Plan, resolved, doc, report)
    if plan is None:
        return None, report.problems
    for issue in plan_warnings(plan, doc):
        report.add(issue, "warning")
    if report.has_errors:
        return None, report.problems
    return LoadedPlan(path.stem, path, plan), report.problems


def plan_files(paths: Sequence[Path]) -> tuple[list[Path], list[Path], list[Problem]]:
    """Plan files and directory folders named by `paths` (files and/or folders), and missing paths.

    A folder means its `*.yaml` files and its `directory/` subfolder; a folder named `directory`
    (or a file inside one) is the directory itself.
    """
    plans: list[Path] = []
    directories: list[Path] = []
    missing: list[Problem] = []
    for path in paths:
        if path.is_dir() and path.name == DIRECTORY_FOLDER:
            directories.append(path)
        elif path.is_dir():
            plans += _yaml_files(path)
            directories.append(path / DIRECTORY_FOLDER)
        elif path.is_file() and path.parent.name == DIRECTORY_FOLDER:
            directories.append(path.parent)
        elif path.is_file():
            plans.append(path)
            directories.append(path.parent / DIRECTORY_FOLDER)
        else:
            missing.append(_whole(path, "not-found", ""))
    return plans, directories, missing


def _dedupe(paths: Iterable[Path]) -> list[Path]:
    seen: dict[Path, Path] = {}
    for path in paths:
        seen.setdefault(path.resolve(), path)
    return list(seen.values())


@dataclass(frozen=True)
class WorkspaceFiles:
    """The files `paths` name: plan files, the directory's files, and paths that do not exist."""

    plans: list[Path]
    directory: list[Path]
    problems: list[Problem]


def workspace_files(
    paths: Sequence[Path], *, lang: str = "vi", directory_dir: Path | None = None
) -> WorkspaceFiles:
    """See `plan_files` for what `paths` may name; `directory_dir` overrides where the directory is."""
    files, directories, missing = plan_files(paths)
    problems = [_whole(p.path, p.code, msg.render(lang, msg.NOT_FOUND)) for p in missing]
    if directory_dir is not None:
        directories = [directory_dir]
    directory_files: list[Path] = []
    for folder in _dedupe(directories):
        if folder.is_dir():
            directory_files += _yaml_files(folder)
        elif files or directory_dir is not None:
            problems.append(_whole(folder, "no-directory", msg.render(lang, msg.NO_DIRECTORY)))
    return WorkspaceFiles(_dedupe(files), _dedupe(directory_files), problems)


def load_workspace(
    paths: Sequence[Path],
    *,
    lang: str = "vi",
    directory_dir: Path | None = None,
    skip: Collection[Path] = (),
) -> Workspace:
    """Plans and the directory they use; see `plan_files` for what `paths` may name.

    Plan files in `skip` (resolved paths) are not read: they are known unchanged since their
    last sync (`bot.plans.unchanged`), and listed in `Workspace.skipped`."""
    files = workspace_files(paths, lang=lang, directory_dir=directory_dir)
    problems = list(files.problems)
    directory, directory_problems = _load_directory_files(files.directory, lang)
    problems += directory_problems
    units = UnitIndex(directory.units)
    people = PersonIndex(directory.people)
    plans: dict[str, LoadedPlan] = {}
    skipped: dict[str, Path] = {}
    first_path: dict[str, Path] = {}
    for path in files.plans:
        if path.stem in first_path:
            if path.resolve() not in skip:
                problems += load_plan(path, units, people, lang)[1]
            problems.append(
                _whole(
                    path,
                    "duplicate-plan-id",
                    msg.render(lang, msg.DUPLICATE_PLAN_ID, id=path.stem, other=first_path[path.stem]),
                )
            )
            continue
        first_path[path.stem] = path
        if path.resolve() in skip:
            skipped[path.stem] = path
            continue
        loaded, plan_problems = load_plan(path, units, people, lang)
        problems += plan_problems
        if loaded is not None:
            plans[loaded.id] = loaded
    problems.sort(key=lambda p: p.sort_key)
    return Workspace(directory, plans, problems, skipped)


def load_model_file(path: Path, model: type[M], *, lang: str = "vi") -> tuple[M | None, list[Problem]]:
    """Any YAML file validated as `model` (e.g. the files in `schedules/`), with located problems."""
    report = _Report(path, lang)
    if not path.is_file():
        return None, [_whole(path, "not-found", msg.render(lang, msg.NOT_FOUND))]
    doc = _read(path, report)
    data = _mapping(doc, report, model.model_fields) if doc is not None else None
    if doc is None or data is None or report.has_errors:
        return None, report.problems
    return _validate(model, data, doc, report), report.problems
