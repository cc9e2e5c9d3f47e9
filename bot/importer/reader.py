"""Document files → blocks: `.txt` (OCR or typed), `.docx` (python-docx), `.pdf` with a text layer (pypdf).

Every file is checked against the size bounds of `limits` before it is decompressed or parsed."""

from __future__ import annotations

import zipfile
from pathlib import Path

from bot.importer import messages as msg
from bot.importer.blocks import Block, Paragraph, Table
from bot.importer.docx_numbering import Numbering
from bot.importer.errors import DocumentError
from bot.importer.limits import check_docx_parts, check_file_size, check_pdf_pages, check_pdf_text
from bot.importer.lines import text_to_blocks

SUPPORTED = (".txt", ".docx", ".pdf")

# A scanned page yields a few stray glyphs at most; real text layers have hundreds per page.
_MIN_LETTERS_PER_PAGE = 40


def read_document(path: Path) -> list[Block]:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise DocumentError(msg.UNKNOWN_TYPE, path=str(path), suffix=suffix or "—")
    if not path.is_file():
        raise DocumentError(msg.NOT_FOUND, path=str(path))
    _check_readable(path)
    if suffix == ".txt":
        return text_to_blocks(_read_text(path))
    if suffix == ".docx":
        return _read_docx(path)
    return text_to_blocks(_read_pdf(path))


def _read_text(path: Path) -> str:
    data = _read_bytes(path)
    # Notepad's "Unicode" is UTF-16 with a byte-order mark; anything else must be UTF-8.
    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        text = "\x00"
    if "\x00" not in text:
        return text
    raise DocumentError(msg.NOT_UTF8, path=str(path))


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _unreadable(path, exc) from exc


def _check_readable(path: Path) -> None:
    """The file opens for reading and is within the size bound (nothing is read into memory)."""
    try:
        with path.open("rb") as stream:
            stream.read(1)
        size = path.stat().st_size
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    check_file_size(path, size)


def _unreadable(path: Path, exc: OSError) -> DocumentError:
    return DocumentError(msg.UNREADABLE, path=str(path), reason=exc.strerror or type(exc).__name__)


def _read_docx(path: Path) -> list[Block]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph as DocxParagraph

    check_docx_parts(path)
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise DocumentError(msg.BAD_DOCX, path=str(path)) from exc
    numbering = Numbering(document)
    blocks: list[Block] = []
    for item in document.iter_inner_content():
        if isinstance(item, DocxParagraph):
            text = " ".join(item.text.split())
            label = numbering.label(item)
            if text and label and not text.startswith(label):
                text = f"{label} {text}"
            if text:
                blocks.append(Paragraph(text))
        elif isinstance(item, DocxTable):
            blocks.append(Table(tuple(_docx_row(row) for row in item.rows)))
    return blocks


def _docx_row(row: object) -> tuple[str, ...]:
    cells: list[str] = []
    previous: object = None
    for cell in row.cells:  # type: ignore[attr-defined]
        # A merged cell appears once per grid column it spans: its text is kept once, the other
        # columns it covers stay empty, so every row's cells line up with the header's.
        if cell._tc is previous:
            cells.append("")
            continue
        previous = cell._tc
        # Keep the cell's lines: a header table holds `UBND TỈNH X` and `Số: …` in one cell.
        cells.append("\n".join(" ".join(line.split()) for line in cell.text.splitlines() if line.strip()))
    return tuple(cells)


def _read_pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError, PyPdfError

    pages: list[str] = []
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise DocumentError(msg.ENCRYPTED_PDF, path=str(path))
        check_pdf_pages(path, len(reader.pages))
        chars = 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            chars += len(pages[-1])
            check_pdf_text(path, chars)
    except LimitReachedError as exc:
        raise DocumentError(msg.PDF_TOO_LARGE_INSIDE, path=str(path), reason=str(exc)) from exc
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:
        # pypdf raises more than PdfReadError on a damaged file; each means "cannot read it".
        raise DocumentError(msg.BAD_PDF, path=str(path), reason=str(exc) or type(exc).__name__) from exc
    text = "\n".join(pages)
    letters = sum(char.isalpha() for char in text)
    if letters < _MIN_LETTERS_PER_PAGE * max(1, len(pages)) // 4 or not pages:
        raise DocumentError(msg.NO_TEXT_LAYER, path=str(path))
    return text
