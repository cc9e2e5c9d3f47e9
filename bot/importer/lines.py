"""Plain text (OCR output, PDF text, Markdown-ish exports) → paragraphs and tables.

Scanned plans arrive hard-wrapped, often without blank lines between paragraphs. A line starts a
new paragraph when it carries a numbering label, or when the line before it ended a sentence
well short of the page width (the last line of a paragraph).

Tables exported as text keep one row per line, cells separated by `|` (Markdown, with or without
the outer bars), by ` | `, or by tabs; two such lines in a row make a table.
"""

from __future__ import annotations

import re

from bot.folding import fold
from bot.importer.blocks import Block, Paragraph, Table
from bot.importer.fields import labelled_value
from bot.importer.labels import parse_label

_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_EMPHASIS = re.compile(r"\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")
_TAG = re.compile(r"</?(?:sup|sub|b|i|u|em|strong|br)\s*/?>", re.IGNORECASE)
_NOISE_LINE = re.compile(r"^\s*(?:\d{1,3}|[^\w\s]{1,3}|\w\)|ký bởi:.*|thời gian ký:.*)\s*$", re.IGNORECASE)
_FOOTNOTE = re.compile(r"^\s*[¹²³⁴⁵⁶⁷⁸⁹]")
_SENTENCE_END = (".", ";", ":", "!", "?", "…", '"', "”", ")")
_HEADER_LINE = re.compile(r"^\s*(?:s[o6]\s*:|[\w\s.]{2,30},\s*ngay\s+\d{1,2}\s+thang)")


def clean_line(line: str) -> str:
    line = _TAG.sub("", line)
    line = _MARKDOWN_HEADING.sub("", line)
    line = _EMPHASIS.sub("", line)
    return line.rstrip()


_RULE_ROW = re.compile(r"[|:\-\s+]+")
"""`|---|:---|`, `+----+`: the line under a Markdown table's header."""
_PIPE_CELLS = re.compile(r"\s+\|\s*|\s*\|\s+")


def table_cells(raw: str, in_table: bool = False) -> tuple[str, ...] | None:
    """The cells of a table row exported as text, or None when the line is not one. Inside a
    table one separator is enough (a group row: `I<TAB>CẢI CÁCH THỂ CHẾ`)."""
    stripped = raw.strip()
    needed = 1 if in_table else 2
    if raw.count("\t") >= needed and stripped:
        return tuple(" ".join(cell.split()) for cell in raw.rstrip("\r\n").split("\t"))
    if stripped.startswith("|") and stripped.count("|") >= needed + 1:
        return tuple(cell.strip() for cell in clean_line(stripped).strip("|").split("|"))
    if len(_PIPE_CELLS.findall(stripped)) >= needed:
        return tuple(cell.strip() for cell in _PIPE_CELLS.split(clean_line(stripped)))
    return None


def text_to_blocks(text: str) -> list[Block]:
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n")
    lines: list[str] = []
    rows: list[tuple[str, ...]] = []
    blocks: list[Block] = []

    def flush_rows() -> None:
        if len(rows) >= 2:
            _flush_paragraphs(lines, blocks)
            blocks.append(Table(tuple(rows)))
        else:
            # One row alone is a line of text that happens to hold separators.
            lines.extend(" ".join(" ".join(row).split()) for row in rows)
        rows.clear()

    for raw in raw_lines:
        cells = table_cells(raw, in_table=bool(rows))
        if cells is not None:
            if not _RULE_ROW.fullmatch(raw.strip()):
                rows.append(cells)
            continue
        if rows and not raw.strip():
            continue  # a blank line inside an exported table
        flush_rows()
        line = clean_line(raw)
        if _NOISE_LINE.match(line) or _FOOTNOTE.match(line):
            continue
        lines.append(line)
    flush_rows()
    _flush_paragraphs(lines, blocks)
    return blocks


def _flush_paragraphs(lines: list[str], blocks: list[Block]) -> None:
    width = _typical_width(lines)
    current: list[str] = []
    previous = ""
    for line in lines:
        text = line.strip()
        if not text:
            _emit(current, blocks)
            previous = ""
            continue
        short = len(previous) < 0.72 * width
        label = parse_label(text)
        wrapped_hyphen = label is not None and label.kind == "dash" and text[label.end :][:1].islower()
        if wrapped_hyphen and previous and not previous.endswith(_SENTENCE_END):
            label = None  # `… kinh tế\n- xã hội`: a hyphen the line wrap put first, not a bullet
        starts_new = (
            bool(current)
            and (
                label is not None
                or labelled_value(text) is not None
                or _is_heading_line(text) != _is_heading_line(previous)
                or _HEADER_LINE.match(fold(text, keep_marks=True)) is not None
                # A line that stops well short of the page width ends its paragraph; a heading
                # (`1. Phát triển công nghiệp`) often has no final punctuation.
                or (short and (previous.endswith(_SENTENCE_END) or parse_label(previous) is not None))
                # OCR keeps a paragraph's last line nearly full more often than it invents a full stop.
                or (len(previous) < 0.9 * width and previous.endswith((".", ";")) and text[:1].isupper())
            )
        )
        if starts_new:
            _emit(current, blocks)
        current.append(text)
        previous = text
    _emit(current, blocks)
    lines.clear()


def _emit(current: list[str], blocks: list[Block]) -> None:
    if not current:
        return
    joined = ""
    for part in current:
        if joined.endswith("-") and not joined.endswith(" -") and part[:1].islower():
            joined = joined + part  # a word hyphenated at the line end
        else:
            joined = f"{joined} {part}" if joined else part
    blocks.append(Paragraph(" ".join(joined.split())))
    current.clear()


def _is_heading_line(text: str) -> bool:
    letters = [char for char in text if char.isalpha()]
    return len(letters) >= 6 and sum(char.isupper() for char in letters) >= 0.6 * len(letters)


def _typical_width(lines: list[str]) -> int:
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    if not lengths:
        return 80
    # Typed text with one paragraph per line has no page width to learn: assume a narrow page.
    return max(60, lengths[int(len(lengths) * 0.8)])
