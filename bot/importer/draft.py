"""`import_document`: a plan document → a draft plan (the whole importer pipeline)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.importer import messages as msg
from bot.importer.errors import DocumentError
from bot.importer.extract import Extractor
from bot.importer.header import read_header
from bot.importer.model import Draft
from bot.importer.outline import build_outline
from bot.importer.reader import read_document
from bot.importer.tables import table_items
from bot.importer.units import UnitMatcher
from bot.plans.model import Directory


def import_document(path: Path, directory: Directory | None = None, *, today: dt.date | None = None) -> Draft:
    """Read `path` and draft its plan. Raises `DocumentError` for a file it cannot read."""
    blocks = read_document(path)
    outline = build_outline(blocks)
    items = outline.root.walk()
    header = read_header(outline.preamble, outline.tail, [item.text for item in items], today)
    assert header.issued is not None
    matcher = UnitMatcher(directory, header.issuer or "")
    extracted = Extractor(matcher, header.issued, header.issuer or "").run(outline.root)
    draft = Draft(
        header, path.name, extracted.monitor, extracted.tasks, extracted.targets, extracted.reporting
    )
    for item in items:
        for table in item.tables:
            tasks, targets = table_items(
                table, item.id or "PL", matcher, header.issued, f"{item.id}. {item.heading}"
            )
            draft.tasks += tasks
            draft.targets += targets
    single = len(outline.appendices) == 1
    for appendix in outline.appendices:
        prefix = "PL" if single else f"PL{appendix.number}"
        for table in appendix.tables:
            tasks, targets = table_items(table, prefix, matcher, header.issued, appendix.heading[:110])
            draft.tasks += tasks
            draft.targets += targets
    _unique_ids(draft)
    if not (draft.tasks or draft.targets or draft.reporting):
        raise DocumentError(msg.EMPTY_DOCUMENT, path=str(path))
    return draft


def _unique_ids(draft: Draft) -> None:
    for group in (draft.tasks, draft.targets, draft.reporting):
        seen: set[str] = set()
        for entry in group:
            candidate, suffix = entry.id, 2
            while candidate in seen:
                candidate = f"{entry.id}~{suffix}"
                suffix += 1
            entry.id = candidate
            seen.add(candidate)
