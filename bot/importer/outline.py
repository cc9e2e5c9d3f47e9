"""Paragraphs → the document's numbering tree, with each item's id in the task-id convention.

Ids chain the document's own labels (`III.2.c`); a child `1.2` of `1` is `III.1.2`, not
`III.1.1.2`; bullets are numbered by position (`III.3.b-2`). Paragraphs without a label continue
the item above them. Text before the first label is the preamble (header, title); text after
`Nơi nhận` is skipped up to an appendix (`Phụ lục`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.importer.blocks import Block, Table
from bot.importer.fields import Field, LabelledValue, labelled_value
from bot.importer.fold import fold
from bot.importer.labels import Label, parse_label

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
    root = Item(None, "")
    preamble: list[str] = []
    tail: list[str] = []
    appendices: list[Appendix] = []
    stack: list[Item] = [root]
    in_tail = False
    for block in blocks:
        if isinstance(block, Table):
            if appendices:
                appendices[-1].tables.append(block)
            elif in_tail:
                appendices.append(Appendix("1", "", [block]))
            else:
                stack[-1].tables.append(block)
            continue
        text = block.text
        folded = fold(text)
        appendix = _APPENDIX.match(folded)
        if (
            appendix
            and len(text) < 200
            and (in_tail or not root.children or text.isupper() or appendix.end() == len(text.strip()))
        ):
            appendices.append(Appendix(_appendix_number(appendix.group(1), len(appendices)), text))
            in_tail = True
            continue
        if appendices:
            if not appendices[-1].tables:
                appendices[-1].heading += " " + text
            continue
        if in_tail or (_RECIPIENTS.match(folded) and root.children):
            in_tail = True
            tail.append(text)
            continue
        label = parse_label(text)
        if label is None and len(stack) == 1 and not root.children:
            preamble.append(text)
            continue
        if label is None:
            top = stack[-1]
            if text[:1].islower() and top.paragraphs:
                # A page break split the paragraph: it goes on mid-sentence.
                top.paragraphs[-1] += " " + text
                continue
            value = labelled_value(text)
            if value is not None:
                # `Phân công thực hiện:` / `Thời gian thực hiện:` close the item above its points.
                while (
                    len(stack) > 2
                    and stack[-1].label is not None
                    and (
                        stack[-1].label.kind == "para"
                        or (value.field is Field.ASSIGN and stack[-1].label.kind in _BULLETS)
                    )
                ):
                    stack.pop()
                _add_paragraph(stack[-1], text)
                continue
            if not top.paragraphs or top is root:
                _add_paragraph(top, text)
                continue
            while (
                len(stack) > 1
                and stack[-1].label is not None
                and stack[-1].label.kind in _BULLETS
                and not (stack[-1].label.kind != "para" and _is_subheading(stack[-1]))
            ):
                stack.pop()
            if not stack[-1].paragraphs:
                _add_paragraph(stack[-1], text)
                continue
            # Each further paragraph of an item is one point of it, numbered like a bullet (OCR
            # often drops the dash too); under a bullet sub-heading (`* Về công nghiệp:`) it is
            # a point of that sub-heading.
            label = Label("para", "", 0)
        elif (
            stack[-1].label is not None
            and stack[-1].label.kind == "para"
            and (label.kind not in _BULLETS or not stack[-1].heading.rstrip().endswith(":"))
        ):
            stack.pop()
        _open_item(stack, label, text[label.end :].strip())
    _fold_intros(root)
    _renumber(root)
    return Outline(preamble, root, appendices, tail)


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


def _renumber(item: Item) -> None:
    item.bullet_count = 0
    for child in item.children:
        assert child.label is not None
        child.id = ""
        child.id = _child_id(item, child.label, [c.id for c in item.children if c.id])
        _renumber(child)


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
    value = labelled_value(text)
    if value is not None and item.parent is not None:
        item.fields.append(value)
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
