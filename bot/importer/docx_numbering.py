"""Word's automatic numbering: the `a)`, `1.`, `-` that Word draws but does not store in the text.

Plans typed in Word often number their points with list styles; without the labels the outline
would lose its structure. Each numbered paragraph gets the label Word would show, from the
level's format (`decimal`, `lowerLetter`, `upperRoman`, `bullet`) and text (`%1.`, `%2)`), with
one counter per list and level (a level restarts when a shallower one moves on).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docx.oxml.ns import qn

from bot.importer.labels import to_roman

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True, slots=True)
class _Level:
    fmt: str
    text: str
    start: int


class Numbering:
    def __init__(self, document: Any) -> None:
        self._levels: dict[str, dict[int, _Level]] = {}
        self._counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, _Level]] = {}
        for node in root.findall(qn("w:abstractNum")):
            levels: dict[int, _Level] = {}
            for lvl in node.findall(qn("w:lvl")):
                levels[int(lvl.get(qn("w:ilvl"), "0"))] = _Level(
                    _val(lvl, "w:numFmt", "decimal"),
                    _val(lvl, "w:lvlText", ""),
                    int(_val(lvl, "w:start", "1")),
                )
            abstract[node.get(qn("w:abstractNumId"), "")] = levels
        for num in root.findall(qn("w:num")):
            abstract_id = _val(num, "w:abstractNumId", "")
            self._levels[num.get(qn("w:numId"), "")] = abstract.get(abstract_id, {})

    def label(self, paragraph: Any) -> str | None:
        """The label Word shows before `paragraph` (`b)`, `2.`, `-`), or None when it has none."""
        num_id, level = _num_pr(paragraph)
        if num_id is None or num_id == "0" or num_id not in self._levels:
            return None
        levels = self._levels[num_id]
        spec = levels.get(level)
        if spec is None:
            return None
        counters = self._counters.setdefault(num_id, {})
        counters[level] = counters.get(level, spec.start - 1) + 1
        for deeper in [key for key in counters if key > level]:
            del counters[deeper]
        if spec.fmt == "bullet":
            return "-"
        if spec.fmt == "none":
            return None
        text = spec.text
        for index in range(level, -1, -1):
            shown = levels.get(index)
            value = counters.get(index, shown.start if shown else 1)
            text = text.replace(f"%{index + 1}", _format(value, shown.fmt if shown else "decimal"))
        return text.strip() or None


def _val(node: Any, tag: str, default: str) -> str:
    child = node.find(qn(tag))
    if child is None:
        return default
    return str(child.get(qn("w:val"), default))


def _num_pr(paragraph: Any) -> tuple[str | None, int]:
    """numId and level of a paragraph, from its own properties or else its style's."""
    for holder in (
        paragraph._p.pPr,
        getattr(paragraph.style.element, "pPr", None) if paragraph.style else None,
    ):
        num_pr = holder.numPr if holder is not None else None
        if num_pr is not None and num_pr.numId is not None:
            level = num_pr.ilvl.val if num_pr.ilvl is not None else 0
            return str(num_pr.numId.val), int(level)
    return None, 0


def _format(value: int, fmt: str) -> str:
    if fmt == "lowerLetter":
        return _LETTERS[(value - 1) % 26]
    if fmt == "upperLetter":
        return _LETTERS[(value - 1) % 26].upper()
    if fmt == "lowerRoman":
        return to_roman(value).lower()
    if fmt == "upperRoman":
        return to_roman(value)
    return str(value)
