"""Appendix tables (`TT | Nội dung nhiệm vụ | Lãnh đạo chỉ đạo | Cơ quan chủ trì | …`) → tasks.

Columns are recognised by their header text, in any order; rows whose TT is a Roman numeral (or
that have only a text cell) are group headings. Ids follow the convention: `PL1.3`, `PL.3` with a
single appendix, `PL1.II.3` when numbering restarts in each group.
"""

from __future__ import annotations

import datetime as dt
import re

from bot.importer.blocks import Table
from bot.importer.fields import Field, match_header
from bot.importer.horizons import find_horizon
from bot.importer.model import DraftTarget, DraftTask
from bot.importer.subjects import Mention, split_units
from bot.importer.timing import read_value
from bot.importer.units import UnitMatcher, UnitRef

_ROMAN_ROW = re.compile(r"^[IVXLivxl]{1,5}\.?$")
_NUMBER_ROW = re.compile(r"^\d{1,3}(?:\.\d{1,3})*\.?$")


def header_columns(row: tuple[str, ...]) -> dict[Field, int] | None:
    columns: dict[Field, int] = {}
    for index, cell in enumerate(row):
        field = match_header(cell)
        if field is not None and field not in columns:
            columns[field] = index
    if Field.TEXT in columns and (Field.LEAD in columns or Field.TIMING in columns):
        return columns
    return None


def table_items(
    table: Table, prefix: str, matcher: UnitMatcher, ref: dt.date, section: str
) -> tuple[list[DraftTask], list[DraftTarget]]:
    """The rows of one table as tasks (or targets, for a table of `chỉ tiêu` with no timing column)."""
    rows = list(table.rows)
    columns = None
    start = 0
    for index, row in enumerate(rows[:4]):
        columns = header_columns(row)
        if columns is not None:
            start = index + 1
            break
    if columns is None:
        return [], []
    tt_column = 0 if columns.get(Field.TEXT) != 0 else None
    is_targets = Field.TIMING not in columns and "chi tieu" in _fold_row(rows[start - 1])
    tasks: list[DraftTask] = []
    targets: list[DraftTarget] = []
    group = ""
    seen: set[str] = set()
    sequence = 0
    for row in rows[start:]:
        cells = [cell.strip() for cell in row]
        text = _cell(cells, columns.get(Field.TEXT))
        number = _cell(cells, tt_column).rstrip(".") if tt_column is not None else ""
        if not text or (number and _ROMAN_ROW.match(number)) or _only_text(cells, columns):
            group = number if number and _ROMAN_ROW.match(number) else group
            continue
        if number and not _NUMBER_ROW.match(number):
            number = ""
        sequence += 1
        key = number or str(sequence)
        item_id = f"{prefix}.{key}"
        if item_id in seen and group:
            item_id = f"{prefix}.{group}.{key}"
        seen.add(item_id)
        notes: dict[str, str] = {}
        lead, support = _units(_cell(cells, columns.get(Field.LEAD)), matcher, notes)
        more = _units(_cell(cells, columns.get(Field.SUPPORT)), matcher, notes, key="support")
        support += [
            ref
            for ref in [*([more[0]] if more[0] else []), *more[1]]
            if ref.id not in {s.id for s in support}
        ]
        if is_targets:
            leader = _cell(cells, columns.get(Field.LEADER)) or None
            horizon = find_horizon(text)
            targets.append(DraftTarget(item_id, text, horizon, lead, support, leader, notes))
            continue
        timing_text = _cell(cells, columns.get(Field.TIMING))
        task = DraftTask(
            item_id,
            text,
            section=section,
            lead=lead,
            support=support,
            notes=notes,
            leader=_cell(cells, columns.get(Field.LEADER)) or None,
            product=_cell(cells, columns.get(Field.PRODUCT)) or None,
            timing=read_value(timing_text, ref) if timing_text else None,
        )
        tasks.append(task)
    return tasks, targets


def _units(
    text: str, matcher: UnitMatcher, notes: dict[str, str], key: str = "lead"
) -> tuple[UnitRef | None, list[UnitRef]]:
    text = text.strip(" .;")
    if not text:
        return None, []
    whole = matcher.match(text)
    if whole.unit_id is not None and not whole.fuzzy and not whole.partial:
        refs = [whole]
    else:
        parts = split_units(Mention(text, 0, len(text)), text) or [Mention(text, 0, len(text))]
        refs = [matcher.match(part.name) for part in parts]
    for ref in refs:
        if ref.unit_id is None:
            notes.setdefault(
                key, f"«{ref.written}» chưa có trong danh bạ: đề xuất thêm đơn vị mã {ref.proposed_id}"
            )
        elif ref.fuzzy:
            notes.setdefault(key, f"«{ref.written}» khớp gần đúng ({ref.score:.2f}) với {ref.unit_id}")
    return refs[0], refs[1:]


def _cell(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return " ".join(cells[index].split())


def _only_text(cells: list[str], columns: dict[Field, int]) -> bool:
    """A group heading row spans the table: one distinct non-empty value."""
    values = {cell for cell in cells if cell}
    return len(values) == 1 and len(columns) > 1


def _fold_row(row: tuple[str, ...]) -> str:
    from bot.folding import fold

    return fold(" ".join(row), keep_marks=True)
