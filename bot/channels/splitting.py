"""Splitting a long message at the platform's limit without breaking its markup."""

from __future__ import annotations

import re

from bot.channels.base import ParseMode

_HTML_ATOM = re.compile(r"<[^>]*>|&#?\w+;|\s+|[^<&\s]+|[<&]")
_TEXT_ATOM = re.compile(r"\s+|\S+")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)")
# Room kept in each part for the tags closed at its end and reopened at the next one's start.
_HTML_RESERVE = 120


def split_text(text: str, limit: int, parse_mode: ParseMode = ParseMode.TEXT) -> list[str]:
    """Parts of at most `limit` characters, cut at line boundaries when a line fits.

    A line longer than a part is cut between words (a word longer than a part, hard). In HTML a
    cut never falls inside a tag or an entity, and tags still open at a cut are closed at the
    end of the part and reopened at the start of the next, so each part is valid markup.
    """
    if limit <= 0:
        raise ValueError("limit must be positive")
    if len(text) <= limit:
        return [text]
    html = parse_mode is ParseMode.HTML
    budget = max(limit - _HTML_RESERVE, limit // 2, 1) if html else limit
    parts: list[str] = []
    current = ""
    stack: list[tuple[str, str]] = []  # (tag name, full opening tag) open at the end of `current`
    for piece in _pieces(text, budget, html):
        after = _track(stack, piece) if html else stack
        if current and len(current) + len(piece) + _closing_length(after) > budget:
            parts.append(current + _closing(stack))
            current = "".join(opening for _, opening in stack)
        current += piece
        stack = after
    if current.strip():
        parts.append(current + _closing(stack))
    return parts


def _pieces(text: str, budget: int, html: bool) -> list[str]:
    """Lines (with their newline); a line over the budget becomes words and hard-cut chunks."""
    pieces: list[str] = []
    for line in text.splitlines(keepends=True):
        if len(line) <= budget:
            pieces.append(line)
            continue
        for atom in (_HTML_ATOM if html else _TEXT_ATOM).findall(line):
            if len(atom) <= budget or (html and atom.startswith(("<", "&"))):
                pieces.append(atom)
            else:
                pieces.extend(atom[i : i + budget] for i in range(0, len(atom), budget))
    return pieces


def _track(stack: list[tuple[str, str]], piece: str) -> list[tuple[str, str]]:
    """The open-tag stack after `piece`."""
    after = list(stack)
    for match in re.finditer(r"<[^>]*>", piece):
        tag = _TAG.match(match.group(0))
        if tag is None:
            continue
        closing, name = tag.group(1), tag.group(2).lower()
        if not closing:
            after.append((name, match.group(0)))
        else:
            for index in range(len(after) - 1, -1, -1):
                if after[index][0] == name:
                    del after[index:]
                    break
    return after


def _closing(stack: list[tuple[str, str]]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def _closing_length(stack: list[tuple[str, str]]) -> int:
    return sum(len(name) + 3 for name, _ in stack)
