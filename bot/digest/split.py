"""Cutting a long message into pieces a chat platform accepts (Telegram 4096, Zalo 2000 characters).

Pieces end at a section break (blank line) when one fits, else at a line break. Only a single line
longer than the limit is cut inside, between words; in HTML the tags open at the cut are closed at
the end of the piece and opened again at the start of the next, so every piece is valid markup and
no cut falls inside a tag or an entity (`&amp;`).
"""

from __future__ import annotations

import re

TELEGRAM_LIMIT = 4096
ZALO_LIMIT = 2000

_TOKEN = re.compile(r"<[^>]*>|[^\s<]+|\s+|<")
_ATOM = re.compile(r"<[^>]*>|&#?\w+;|[^<&]+|[<&]")
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z][\w-]*)")


def split_message(text: str, limit: int, *, html: bool = False) -> list[str]:
    """Pieces of at most `limit` characters; joined with the line breaks cut at, they give `text`
    (a line cut between words loses the space at the cut)."""
    if limit < 64:
        raise ValueError("a limit below 64 characters cannot hold a line of a digest")
    pieces: list[str] = []
    current = ""
    for block in text.split("\n\n"):
        if current and len(current) + 2 + len(block) <= limit:
            current += "\n\n" + block
            continue
        if len(block) <= limit:
            if current:
                pieces.append(current)
            current = block
            continue
        separator = "\n\n"
        for line in _lines(block, limit, html):
            candidate = current + separator + line if current else line
            if len(candidate) <= limit:
                current = candidate
            else:
                pieces.append(current)
                current = line
            separator = "\n"
    if current:
        pieces.append(current)
    return [piece for piece in pieces if piece.strip()]


def _lines(block: str, limit: int, html: bool) -> list[str]:
    """The block's lines, each at most `limit` long (a longer line is cut between words)."""
    lines: list[str] = []
    for line in block.split("\n"):
        lines.extend([line] if len(line) <= limit else _split_line(line, limit, html))
    return lines


def _split_line(line: str, limit: int, html: bool) -> list[str]:
    cutter = _LineCutter(limit, html)
    for token in _TOKEN.findall(line):
        cutter.add(token)
    return cutter.finish()


class _LineCutter:
    """Packs the words of one long line into pieces, carrying open HTML tags across the cuts."""

    def __init__(self, limit: int, html: bool) -> None:
        self.limit = limit
        self.html = html
        self.pieces: list[str] = []
        self.open_tags: list[tuple[str, str]] = []  # (name, the opening tag as written)
        self.current = ""
        self.has_text = False

    def add(self, token: str) -> None:
        if token.isspace():
            if self.has_text:
                self.current += token
            return
        atoms = _ATOM.findall(token) if self.html else [token]
        after = self._tags_after(atoms)
        if self.has_text and not self._fits(token, after):
            self._flush()
        if self._fits(token, after):
            self.current += token
            self.open_tags = after
            self.has_text = True
            return
        for atom in atoms:  # a word longer than a whole piece: cut between its atoms or letters
            self._add_atom(atom)

    def _add_atom(self, atom: str) -> None:
        after = self._tags_after([atom])
        if self._is_tag(atom) or atom.startswith("&"):
            if not self._fits(atom, after):
                self._flush()
            self.current += atom
            self.open_tags = after
            self.has_text = True
            return
        while atom:
            room = self.limit - len(self.current) - len(self._closing(after))
            if room <= 0:
                if not self.has_text:
                    raise ValueError(f"markup nested too deep to fit {self.limit} characters")
                self._flush()
                continue
            self.current += atom[:room]
            self.has_text = True
            atom = atom[room:]

    def finish(self) -> list[str]:
        if self.has_text:
            self._flush()
        return self.pieces

    def _fits(self, text: str, tags_after: list[tuple[str, str]]) -> bool:
        return len(self.current) + len(text) + len(self._closing(tags_after)) <= self.limit

    def _flush(self) -> None:
        self.pieces.append(self.current.rstrip() + self._closing(self.open_tags))
        self.current = "".join(tag for _, tag in self.open_tags)
        self.has_text = False

    def _is_tag(self, atom: str) -> bool:
        return self.html and len(atom) > 1 and atom.startswith("<") and atom.endswith(">")

    def _tags_after(self, atoms: list[str]) -> list[tuple[str, str]]:
        tags = list(self.open_tags)
        for atom in atoms:
            if not self._is_tag(atom):
                continue
            match = _TAG_NAME.match(atom)
            name = match.group(1).lower() if match else ""
            if atom.startswith("</"):
                if tags and tags[-1][0] == name:
                    tags.pop()
            elif not atom.endswith("/>"):
                tags.append((name, atom))
        return tags

    @staticmethod
    def _closing(tags: list[tuple[str, str]]) -> str:
        return "".join(f"</{name}>" for name, _ in reversed(tags))
