"""Size caps on imported documents (issue #15): a DOCX decompression bomb, an oversized file, a PDF
with too many pages, too much text, or a stream that inflates past pypdf's bound are refused at
once with what is too large, the bound and how to fix it; never a traceback, never gigabytes."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import docx
import pytest
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from bot.importer import limits
from bot.importer.errors import DocumentError
from bot.importer.reader import read_document

FAST = 20.0
"""Seconds a refusal may take (the issue's bound)."""


def _refused(path: Path) -> str:
    started = time.monotonic()
    with pytest.raises(DocumentError) as caught:
        read_document(path)
    assert time.monotonic() - started < FAST
    return caught.value.render("vi")


def _small_docx(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("1. Sở Nội vụ chủ trì rà soát văn bản trong quý II/2026.")
    document.save(str(path))
    return path


def _declare_size(path: Path, part: str, size: int) -> None:
    """Rewrite the uncompressed size the zip's central directory declares for `part`, as a bomb
    does: a few bytes on disk that claim (and would inflate to) gigabytes."""
    data = bytearray(path.read_bytes())
    name = part.encode()
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + name_length] == name:
            struct.pack_into("<I", data, at + 24, size)
            path.write_bytes(bytes(data))
            return
        at = data.find(b"PK\x01\x02", at + 4)
    raise AssertionError(f"{part} not in {path}")


def test_a_docx_whose_document_part_declares_gigabytes_is_refused(tmp_path: Path) -> None:
    path = _small_docx(tmp_path / "bom.docx")
    _declare_size(path, "word/document.xml", 2_200_000_000)
    message = _refused(path)
    assert "bom.docx" in message and "word/document.xml" in message
    assert "2,2 GB" in message and "25 MB" in message and "lưu lại thành .docx" in message


def test_a_docx_with_a_part_that_really_inflates_past_the_bound(tmp_path: Path) -> None:
    path = _small_docx(tmp_path / "anh-lon.docx")
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/image9.bin", bytes(limits.MAX_PART_BYTES + 1))
    assert path.stat().st_size < 1_000_000  # zeros compress a thousandfold
    message = _refused(path)
    assert "word/media/image9.bin" in message and "100 MB" in message


def test_a_docx_whose_parts_together_inflate_past_the_bound(tmp_path: Path) -> None:
    path = _small_docx(tmp_path / "nhieu-anh.docx")
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        for index in range(3):
            archive.writestr(f"word/media/image{index}.png", bytes(limits.MAX_UNPACKED_BYTES // 3 + 1))
    message = _refused(path)
    assert "tổng cộng" in message and "200 MB" in message and "bỏ bớt hình ảnh" in message


def test_a_docx_that_lies_about_a_size_cannot_inflate_past_it(tmp_path: Path) -> None:
    # Declared small, really large: the zip reader stops at the declared size and fails its check.
    path = tmp_path / "noi-doi.docx"
    _small_docx(path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/image1.png", bytes(50_000_000))
    _declare_size(path, "word/media/image1.png", 1000)
    started = time.monotonic()
    try:
        read_document(path)
    except DocumentError as exc:  # python-docx may read the part (CRC error) or leave it unread
        assert "không phải DOCX hợp lệ" in exc.render("vi")
    assert time.monotonic() - started < FAST


def test_a_file_past_the_size_bound_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "khong-lo.txt"
    with path.open("wb") as stream:
        stream.truncate(limits.MAX_FILE_BYTES + 1)  # sparse: nothing is written
    message = _refused(path)
    assert "khong-lo.txt" in message and "100 MB" in message and "tách văn bản" in message


def test_a_pdf_with_too_many_pages_is_refused(tmp_path: Path) -> None:
    writer = PdfWriter()
    for _ in range(limits.MAX_PDF_PAGES + 1):
        writer.add_blank_page(595, 842)
    path = tmp_path / "dai.pdf"
    writer.write(str(path))
    message = _refused(path)
    assert f"{limits.MAX_PDF_PAGES + 1} trang" in message and f"{limits.MAX_PDF_PAGES} trang" in message
    assert "qpdf" in message


def _pdf_with_content(path: Path, content: bytes) -> Path:
    """A one-page PDF whose content stream (Flate-compressed) is `content`, in Helvetica."""
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    fonts = DictionaryObject({NameObject("/F1"): writer._add_object(font)})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
    stream = DecodedStreamObject()
    stream.set_data(content)
    page[NameObject("/Contents")] = writer._add_object(stream.flate_encode())
    writer.write(str(path))
    return path


def test_a_pdf_with_more_text_than_a_plan_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = b"BT /F1 12 Tf 72 720 Td (" + b"Ke hoach " * 200 + b") Tj ET"
    path = _pdf_with_content(tmp_path / "nhieu-chu.pdf", text)
    monkeypatch.setattr(limits, "MAX_TEXT_CHARS", 500)
    message = _refused(path)
    assert "nhieu-chu.pdf" in message and "hơn 500 ký tự" in message and ".docx" in message


def test_a_pdf_stream_that_inflates_past_pypdfs_bound_is_refused(tmp_path: Path) -> None:
    # 80 MB of content stream in about 80 kB: pypdf stops at its own bound (75 MB).
    filler = b"% " + b" " * 80_000_000 + b"\nBT /F1 12 Tf 72 720 Td (x) Tj ET"
    path = _pdf_with_content(tmp_path / "bom.pdf", filler)
    assert path.stat().st_size < 2_000_000
    message = _refused(path)
    assert "bom.pdf" in message and "giải nén ra quá lớn" in message and "xuất lại PDF" in message


PEAK_OF_ONE_COMMAND = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[1:])
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(code)
"""
"""Runs a command and prints its peak memory (kB): in a fresh process, the only child measured is
that command (the test process's own children would count every earlier subprocess)."""


def test_the_cli_refuses_a_docx_bomb_fast_small_and_without_a_traceback(tmp_path: Path) -> None:
    path = _small_docx(tmp_path / "bom.docx")
    _declare_size(path, "word/document.xml", 2_200_000_000)
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            PEAK_OF_ONE_COMMAND,
            str(Path(sys.executable).parent / "nhacviec"),
            "plans",
            "import",
            str(path),
            "--directory",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "NHACVIEC_LANGUAGE": "vi"},
        check=False,
    )
    assert time.monotonic() - started < FAST
    assert result.returncode == 2, result  # the CLI's exit code for a refused input
    assert "word/document.xml" in result.stderr and "2,2 GB" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    peak_kb = int(result.stdout.strip().splitlines()[-1])
    assert peak_kb < 600_000, f"peak memory {peak_kb} kB"
