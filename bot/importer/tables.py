"""Appendix tables (`TT | Nội dung nhiệm vụ | Lãnh đạo chỉ đạo | Cơ quan chủ trì | …`) → tasks.

Columns are recognised by their header text, in any order; rows whose TT is a Roman numeral or a
capital letter (or that have only a text cell) are group headings. Ids follow the convention:
`PL1.3`, `PL.3` with a single appendix, `PL1.II.3` when numbering restarts in each group.

A row without its own TT under a numbered row (or repeating its TT, as Word repeats a merged
cell) is a sub-task of that row, `PL.3.-1`, `PL.3.-2`: merged cells span it, so each of its empty
unit, leader and timing cells takes the value of the row it belongs to.
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

_ROMAN_ROW = re.compile(r"^(?:[IVXLivxl]{1,5}|[A-HĐ])\.?$")
_NUMBER_ROW = re.compile(r"^\d{1,3}(?:\.\d{1,3})*\.?$")
_MERGED = (Field.LEAD, Field.SUPPORT, Field.LEADER, Field.TIMING)
"""Columns a merged cell may span from a numbered row over its sub-rows."""


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
    owner: tuple[str, str, list[str]] | None = None
    """The numbered row sub-rows belong to: its number, id and cells."""
    sub_rows = 0
    for row in rows[start:]:
        cells = [cell.strip() for cell in row]
        text = _cell(cells, columns.get(Field.TEXT))
        number = _cell(cells, tt_column).rstrip(".") if tt_column is not None else ""
        if not text or (number and _ROMAN_ROW.match(number)) or _only_text(cells, columns):
            group = number if number and _ROMAN_ROW.match(number) else group
            owner = None
            continue
        if number and not _NUMBER_ROW.match(number):
            number = ""
        if owner is not None and tt_column is not None and number in ("", owner[0]):
            if text == _cell(owner[2], columns.get(Field.TEXT)):
                continue  # the text cell is merged too: the same task on another line
            sub_rows += 1
            item_id = f"{owner[1]}.-{sub_rows}"
            cells = _inherit(cells, owner[2], columns)
        else:
            sequence += 1
            key = number or str(sequence)
            item_id = f"{prefix}.{key}"
            if item_id in seen and group:
                item_id = f"{prefix}.{group}.{key}"
            owner = (number, item_id, cells) if number else None
            sub_rows = 0
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


def _inherit(cells: list[str], above: list[str], columns: dict[Field, int]) -> list[str]:
    """A sub-row's cells, its empty merged columns filled from the numbered row above it."""
    out = list(cells) + [""] * max(0, len(above) - len(cells))
    for field in _MERGED:
        index = columns.get(field)
        if index is not None and index < len(above) and not _cell(out, index):
            out[index] = above[index]
    return out


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
