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
        self._styles = _StyleNumbering(document)
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
        num_id, level = self._num_pr(paragraph)
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

    def _num_pr(self, paragraph: Any) -> tuple[str | None, int]:
        """numId and level of a paragraph, from its own properties or else its style's."""
        properties = paragraph._p.pPr
        own = _own_num_pr(properties)
        if own is not None:
            return own
        style = properties.pStyle if properties is not None else None
        return self._styles.num_pr(style.val if style is not None else None)


class _StyleNumbering:
    """numId and level that paragraph styles give (`List Number`), read once from styles.xml.

    python-docx's `paragraph.style` searches every style on each call, which made reading a
    60-page plan take seconds; the styles part is read here once and each answer cached.
    A style without numbering of its own takes its `basedOn` style's.
    """

    def __init__(self, document: Any) -> None:
        self._by_id: dict[str, Any] = {}
        self._default: str | None = None
        self._cache: dict[str | None, tuple[str | None, int]] = {}
        try:
            styles = document.styles.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        for style in styles.findall(qn("w:style")):
            if style.get(qn("w:type")) != "paragraph":
                continue
            style_id = style.get(qn("w:styleId"))
            if style_id is None:
                continue
            self._by_id[style_id] = style
            if style.get(qn("w:default")) in ("1", "true", "on") and self._default is None:
                self._default = style_id

    def num_pr(self, style_id: str | None) -> tuple[str | None, int]:
        if style_id not in self._cache:
            self._cache[style_id] = self._resolve(style_id or self._default)
        return self._cache[style_id]

    def _resolve(self, style_id: str | None) -> tuple[str | None, int]:
        seen: set[str] = set()
        while style_id is not None and style_id not in seen and style_id in self._by_id:
            seen.add(style_id)
            style = self._by_id[style_id]
            found = _own_num_pr(style.find(qn("w:pPr")))
            if found is not None:
                return found
            based_on = style.find(qn("w:basedOn"))
            style_id = based_on.get(qn("w:val")) if based_on is not None else None
        return None, 0


def _own_num_pr(properties: Any) -> tuple[str | None, int] | None:
    """numId and level written in one `w:pPr` (a paragraph's or a style's), or None."""
    if properties is None:
        return None
    num_pr = properties.find(qn("w:numPr"))
    if num_pr is None:
        return None
    num_id = num_pr.find(qn("w:numId"))
    if num_id is None:
        return None
    level = num_pr.find(qn("w:ilvl"))
    return str(num_id.get(qn("w:val"))), int(level.get(qn("w:val"), "0")) if level is not None else 0


def _val(node: Any, tag: str, default: str) -> str:
    child = node.find(qn(tag))
    if child is None:
        return default
    return str(child.get(qn("w:val"), default))


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
