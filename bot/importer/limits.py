"""Size bounds on the documents `plans import` reads, checked before anything is decompressed.

A plan is tens of pages: a 60-page DOCX holds about 1 MB of XML and its PDF a few hundred pages
at most. Files far past that are mistakes or decompression bombs (a 100 kB DOCX that inflates to
gigabytes); they are refused at once with what is too large, the bound and how to fix it, so
the import never spends minutes or gigabytes of memory on them.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from bot.importer import messages as msg
from bot.importer.errors import DocumentError

MAX_FILE_BYTES = 100_000_000
"""Any document file, as stored on disk (DOCX and PDF are already compressed)."""
MAX_XML_PART_BYTES = 25_000_000
"""One XML part of a DOCX, uncompressed (python-docx parses it into a tree several times larger)."""
MAX_PART_BYTES = 100_000_000
"""Any other DOCX part (an image, an embedded object), uncompressed."""
MAX_UNPACKED_BYTES = 200_000_000
"""All parts of a DOCX together, uncompressed (python-docx holds every part in memory)."""
MAX_PARTS = 5_000
MAX_PDF_PAGES = 1_000
MAX_TEXT_CHARS = 10_000_000
"""Text taken out of a PDF, all pages together (a 60-page plan has about 200,000 characters)."""


def size_text(size: int) -> str:
    if size >= 1_000_000_000:
        return f"{size / 1_000_000_000:.1f} GB".replace(".", ",")
    if size >= 1_000_000:
        return f"{size / 1_000_000:.0f} MB"
    return f"{max(1, size // 1000)} kB"


def check_file_size(path: Path, size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise DocumentError(
            msg.FILE_TOO_LARGE, path=str(path), size=size_text(size), limit=size_text(MAX_FILE_BYTES)
        )


def check_docx_parts(path: Path) -> None:
    """Refuse a DOCX whose parts would inflate past the bounds, from the sizes the zip declares.

    Reading a part never yields more than its declared size (`zipfile` stops there and fails
    the CRC check), so checking the declared sizes bounds what python-docx will hold."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DocumentError(msg.BAD_DOCX, path=str(path)) from exc
    if len(parts) > MAX_PARTS:
        raise DocumentError(
            msg.DOCX_TOO_MANY_PARTS, path=str(path), count=str(len(parts)), limit=str(MAX_PARTS)
        )
    total = 0
    for part in parts:
        limit = MAX_XML_PART_BYTES if part.filename.endswith((".xml", ".rels")) else MAX_PART_BYTES
        if part.file_size > limit:
            raise DocumentError(
                msg.DOCX_PART_TOO_LARGE,
                path=str(path),
                part=part.filename,
                size=size_text(part.file_size),
                limit=size_text(limit),
            )
        total += part.file_size
    if total > MAX_UNPACKED_BYTES:
        raise DocumentError(
            msg.DOCX_TOO_LARGE_UNPACKED,
            path=str(path),
            size=size_text(total),
            limit=size_text(MAX_UNPACKED_BYTES),
        )


def check_pdf_pages(path: Path, pages: int) -> None:
    if pages > MAX_PDF_PAGES:
        raise DocumentError(
            msg.PDF_TOO_MANY_PAGES, path=str(path), pages=str(pages), limit=str(MAX_PDF_PAGES)
        )


def check_pdf_text(path: Path, chars: int) -> None:
    if chars > MAX_TEXT_CHARS:
        raise DocumentError(
            msg.PDF_TOO_MUCH_TEXT,
            path=str(path),
            chars=f"{chars:,}".replace(",", "."),
            limit=f"{MAX_TEXT_CHARS:,}".replace(",", "."),
        )
