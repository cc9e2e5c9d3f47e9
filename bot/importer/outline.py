"""Paragraphs → the document's numbering tree, with each item's id in the task-id convention.

Ids chain the document's own labels (`III.2.c`); a child `1.2` of `1` is `III.1.2`, not
`III.1.1.2`; bullets are numbered by position (`III.3.b-2`). Paragraphs without a label continue
the item above them. Text before the first label is the preamble (header, title); text after
`Nơi nhận` is skipped up to an appendix (`Phụ lục`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.folding import fold
from bot.importer.blocks import Block, Table
from bot.importer.fields import Field, LabelledValue, labelled_value, labelled_values
from bot.importer.labels import Label, parse_label
from bot.importer.subjects import unit_heading
from bot.importer.tables import header_columns

_BULLETS = ("dash", "plus", "star", "para")
_APPENDIX = re.compile(r"^\s*ph\w?\s*l\w?c\s*(?:s[o6]\s*)?([0-9ivxl]{1,4})?\b")
_RECIPIENTS = re.compile(r"^\s*n\w?i\s+nh\w?n\s*:?")


@dataclass
class Item:
    label: Label | None
    id: str
    paragraphs: list[str] = field(default_factory=list)
    children: list[Item] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    fields: list[LabelledValue] = field(default_factory=list)
    parent: Item | None = field(default=None, repr=False)
    bullet_count: int = 0

    @property
    def heading(self) -> str:
        return self.paragraphs[0] if self.paragraphs else ""

    @property
    def text(self) -> str:
        return " ".join(self.paragraphs)

    def ancestors(self) -> list[Item]:
        chain: list[Item] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def walk(self) -> list[Item]:
        out: list[Item] = []
        for child in self.children:
            out.append(child)
            out.extend(child.walk())
        return out


@dataclass
class Appendix:
    number: str
    heading: str
    tables: list[Table] = field(default_factory=list)


@dataclass
class Outline:
    preamble: list[str]
    root: Item
    appendices: list[Appendix]
    tail: list[str]
    """The recipients and signature block (`Nơi nhận` …): who signed, for the issuer fallback."""


def build_outline(blocks: list[Block]) -> Outline:
    builder = _Builder()
    for block in blocks:
        if isinstance(block, Table):
            builder.table(block)
        else:
            builder.paragraph(block.text)
    _fold_intros(builder.root)
    _fold_labelled_points(builder.root)
    _fold_unit_bodies(builder.root)
    _renumber(builder.root)
    return Outline(builder.preamble, builder.root, builder.appendices, builder.tail)


class _Builder:
    """Reads paragraphs in order; `stack` holds the open items, the document root first."""

    def __init__(self) -> None:
        self.root = Item(None, "")
        self.preamble: list[str] = []
        self.tail: list[str] = []
        self.appendices: list[Appendix] = []
        self.stack: list[Item] = [self.root]
        self.in_tail = False

    def table(self, table: Table) -> None:
        if not self.root.children and not self.in_tail and not _is_task_table(table):
            # The header of a Word document is a borderless table: issuer and number on the
            # left, motto and place-date on the right.
            for row in table.rows:
                for cell in row:
                    self.preamble.extend(line for line in cell.split("\n") if line.strip())
            return
        if self.appendices:
            self.appendices[-1].tables.append(table)
        elif self.in_tail:
            self.appendices.append(Appendix("1", "", [table]))
        else:
            self.stack[-1].tables.append(table)

    def paragraph(self, text: str) -> None:
        folded = fold(text, keep_marks=True)
        if self._appendix(text, folded):
            return
        if self.appendices:
            if not self.appendices[-1].tables:
                self.appendices[-1].heading += " " + text
            return
        if self.in_tail or (_RECIPIENTS.match(folded) and self.root.children):
            self.in_tail = True
            self.tail.append(text)
            return
        label = parse_label(text)
        if label is None and len(self.stack) == 1 and not self.root.children:
            self.preamble.append(text)
            return
        if label is None:
            label = self._unlabelled(text)
            if label is None:
                return
        elif self._top_kind() == "para" and (
            label.kind not in _BULLETS or not self.stack[-1].heading.rstrip().endswith(":")
        ):
            self.stack.pop()
        _open_item(self.stack, label, text[label.end :].strip())

    def _appendix(self, text: str, folded: str) -> bool:
        match = _APPENDIX.match(folded)
        if not match or len(text) >= 200:
            return False
        numbered = match.group(1) is not None  # `Phụ lục 1`, `PHỤ LỤC II`
        heading_like = text.isupper() or numbered or match.end() == len(text.strip())
        if not (self.in_tail or not self.root.children or heading_like):
            return False
        self.appendices.append(Appendix(_appendix_number(match.group(1), len(self.appendices)), text))
        self.in_tail = True
        return True

    def _top_kind(self) -> str | None:
        label = self.stack[-1].label
        return label.kind if label is not None else None

    def _unlabelled(self, text: str) -> Label | None:
        """Where a paragraph without a label goes; a Label when it opens a point of its own."""
        top = self.stack[-1]
        if text[:1].islower() and top.paragraphs:
            top.paragraphs[-1] += " " + text  # a page break split the paragraph mid-sentence
            return None
        value = labelled_value(text)
        if value is not None:
            # `Phân công thực hiện:` / `Thời gian thực hiện:` close the points above them.
            while len(self.stack) > 2 and (
                self._top_kind() == "para" or (value.field is Field.ASSIGN and self._top_kind() in _BULLETS)
            ):
                self.stack.pop()
            _add_paragraph(self.stack[-1], text)
            return None
        if not top.paragraphs or top is self.root:
            _add_paragraph(top, text)
            return None
        while (
            len(self.stack) > 1
            and self._top_kind() in _BULLETS
            and not (self._top_kind() != "para" and _is_subheading(self.stack[-1]))
        ):
            self.stack.pop()
        if not self.stack[-1].paragraphs:
            _add_paragraph(self.stack[-1], text)
            return None
        # Each further paragraph of an item is one point of it, numbered like a bullet (OCR often
        # drops the dash too); under a bullet sub-heading (`* Về công nghiệp:`) it is a point of
        # that sub-heading.
        return Label("para", "", 0)


def _fold_intros(item: Item) -> None:
    """Paragraphs before an item's first bullet introduce the bullets: they stay the item's text."""
    kinds = [child.label.kind if child.label else "" for child in item.children]
    if "para" in kinds and any(kind in ("dash", "plus", "star") for kind in kinds):
        first = next(index for index, kind in enumerate(kinds) if kind in ("dash", "plus", "star"))
        leading = item.children[:first]
        if (
            leading
            and all(
                kind == "para" and not child.children for kind, child in zip(kinds, leading, strict=False)
            )
            and "para" not in kinds[first:]
        ):
            for child in leading:
                item.paragraphs.extend(child.paragraphs)
                item.fields.extend(child.fields)
            del item.children[:first]
    for child in item.children:
        _fold_intros(child)


def _fold_labelled_points(item: Item) -> None:
    """Points that only label a field of their item are fields, not points of their own:
    `1. Rà soát …` / `b) Cơ quan thực hiện:` / `- Đơn vị chủ trì: Sở X.` / `c) Thời gian thực
    hiện: Quý III/2026` is one task with its lead, support and timing."""
    for child in item.children:
        _fold_labelled_points(child)
    if item.parent is None:
        return
    kept: list[Item] = []
    for child in item.children:
        if _only_fields(child):
            item.fields.extend(value for value in _all_fields(child) if value.value)
        else:
            kept.append(child)
    item.children = kept


def _only_fields(item: Item) -> bool:
    return (
        bool(item.paragraphs)
        and all(labelled_value(paragraph) is not None for paragraph in item.paragraphs)
        and all(_only_fields(child) for child in item.children)
    )


def _all_fields(item: Item) -> list[LabelledValue]:
    return [*item.fields, *(value for child in item.children for value in _all_fields(child))]


def _fold_unit_bodies(item: Item) -> None:
    """`2. Sở Nội vụ:` followed by one unnumbered paragraph of what it must do: that paragraph is
    the item's own text (one task, led by the unit the heading names)."""
    for child in item.children:
        _fold_unit_bodies(child)
    if (
        len(item.children) == 1
        and len(item.paragraphs) == 1
        and item.children[0].label is not None
        and item.children[0].label.kind == "para"
        and not item.children[0].children
        and unit_heading(item.heading) is not None
    ):
        body = item.children.pop()
        item.paragraphs.extend(body.paragraphs)
        item.fields.extend(body.fields)
        item.tables.extend(body.tables)


def _renumber(item: Item) -> None:
    item.bullet_count = 0
    for child in item.children:
        assert child.label is not None
        child.id = ""
        child.id = _child_id(item, child.label, [c.id for c in item.children if c.id])
        _renumber(child)


def _is_task_table(table: Table) -> bool:
    return any(header_columns(row) is not None for row in table.rows[:4])


def _is_subheading(item: Item) -> bool:
    """`* Về phát triển công nghiệp:`: a short bullet that titles the paragraphs after it."""
    heading = item.heading.rstrip()
    return len(item.paragraphs) == 1 and len(heading) < 120 and not heading.endswith((".", ";", "…"))


def _appendix_number(token: str | None, count: int) -> str:
    if not token:
        return str(count + 1)
    from bot.importer.labels import roman_value

    if token.isdigit():
        return token
    value = roman_value(token.upper())
    return str(value) if value else str(count + 1)


def _add_paragraph(item: Item, text: str) -> None:
    if item.parent is not None:
        item.fields.extend(labelled_values(text))
    item.paragraphs.append(text)


def _open_item(stack: list[Item], label: Label, text: str) -> None:
    top = stack[-1].label
    if (
        label.kind == "plus"
        and top is not None
        and top.kind in ("dash", "star")
        and not stack[-1].heading.rstrip().endswith(":")
    ):
        # `+` after `-` points that introduce nothing is OCR's `-`: the same level, not deeper.
        label = Label(top.kind, label.key, label.end)
    kind = label.level_kind
    for depth in range(len(stack) - 1, 0, -1):
        if stack[depth].label is not None and stack[depth].label.level_kind == kind:  # type: ignore[union-attr]
            del stack[depth:]
            break
    parent = stack[-1]
    item = Item(label, "", parent=parent)
    if text:
        _add_paragraph(item, text)
    parent.children.append(item)
    stack.append(item)


def _child_id(parent: Item, label: Label, existing: list[str]) -> str:
    if label.kind in _BULLETS:
        parent.bullet_count += 1
        return f"{parent.id}.-{parent.bullet_count}" if parent.id else f"-{parent.bullet_count}"
    key = label.key
    parent_key = parent.label.key if parent.label is not None and parent.label.kind == "arabic" else None
    if label.kind == "arabic" and parent_key and key.startswith(parent_key + "."):
        return parent.id[: len(parent.id) - len(parent_key)] + key
    if label.kind == "letter" and not key:
        key = _next_letter(parent, label)
    if label.kind == "paren":
        key = f"({key})"
    candidate = f"{parent.id}.{key}" if parent.id else key
    suffix = 2
    unique = candidate
    while unique in existing:
        unique = f"{candidate}~{suffix}"
        suffix += 1
    return unique


_LETTERS = "abcdđefghiklmnopqrstuvxy"


def _next_letter(parent: Item, label: Label) -> str:
    """The letter OCR dropped from `)`: the one after the previous point's letter."""
    letters: list[str] = []
    for child in parent.children:
        if child.label is label:
            break
        if child.label is not None and child.label.kind == "letter" and child.label.key:
            letters.append(child.label.key)
    if letters and letters[-1] in _LETTERS:
        index = _LETTERS.index(letters[-1]) + 1
        if index < len(_LETTERS):
            return _LETTERS[index]
    return "?"
