"""`import_document`: a plan document → a draft plan (the whole importer pipeline)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.folding import fold
from bot.importer import messages as msg
from bot.importer.errors import DocumentError
from bot.importer.extract import Extractor
from bot.importer.header import Header, read_header
from bot.importer.model import Draft
from bot.importer.outline import build_outline
from bot.importer.reader import read_document
from bot.importer.tables import table_items
from bot.importer.units import UnitMatcher
from bot.plans.model import Directory


def import_document(path: Path, directory: Directory | None = None, *, today: dt.date) -> Draft:
    """Read `path` and draft its plan. Raises `DocumentError` for a file it cannot read.

    `today` stands in for the issue date when the document shows none (the draft says so)."""
    blocks = read_document(path)
    outline = build_outline(blocks)
    items = outline.root.walk()
    header = read_header(outline.preamble, outline.tail, [item.text for item in items], today=today)
    assert header.issued is not None
    if directory is not None and header.issuer:
        _issuer_from_directory(header, directory)
    matcher = UnitMatcher(directory, header.issuer or "")
    extracted = Extractor(matcher, header.issued, header.issuer or "").run(outline.root)
    draft = Draft(
        header, path.name, extracted.monitor, extracted.tasks, extracted.targets, extracted.reporting
    )
    single = len(outline.appendices) == 1
    for appendix in outline.appendices:
        prefix = "PL" if single else f"PL{appendix.number}"
        for table in appendix.tables:
            tasks, targets = table_items(table, prefix, matcher, header.issued, appendix.heading[:110])
            draft.tasks += tasks
            draft.targets += targets
    draft.lost_diacritics = _lost_diacritics([item.text for item in items])
    _unique_ids(draft)
    if not (draft.tasks or draft.targets or draft.reporting):
        raise DocumentError(msg.EMPTY_DOCUMENT, path=str(path))
    return draft


def _issuer_from_directory(header: Header, directory: Directory) -> None:
    """An issuer the directory knows is written as the directory writes it (OCR: `Uy ban nhan
    dan phudong Pong Hai` → `UBND phường Đông Hải`)."""
    assert header.issuer is not None
    ref = UnitMatcher(directory, header.issuer).match(header.issuer)
    unit = next((unit for unit in directory.units if unit.id == ref.unit_id), None)
    lost_marks = fold(header.issuer, keep_marks=True) == header.issuer.lower()
    if unit is None or ref.partial or not (ref.fuzzy or lost_marks):
        return
    name = unit.short[0] if unit.short else unit.name
    if name != header.issuer:
        header.notes.setdefault("issuer", f"văn bản ghi «{header.issuer}»; lấy tên trong danh bạ ({unit.id})")
        header.issuer = name


def _lost_diacritics(texts: list[str]) -> bool:
    """Vietnamese prose marks most of its words; an OCR copy that lost them marks few."""
    words = [word for text in texts for word in text.split() if any(char.isalpha() for char in word)]
    if len(words) < 50:
        return False
    marked = sum(fold(word, keep_marks=True) != word.lower() for word in words)
    return marked < 0.2 * len(words)


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
