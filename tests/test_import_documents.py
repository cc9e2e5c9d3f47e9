"""`bot.importer.reader`: each document type, generated here (DOCX with python-docx, a text-layer
PDF with matplotlib's PDF backend), and every file the importer must refuse, with its message."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import matplotlib
import pytest

from bot.importer.blocks import Paragraph, Table
from bot.importer.draft import import_document
from bot.importer.errors import DocumentError
from bot.importer.reader import read_document
from bot.plans.loader import load_directory
from bot.plans.model import Directory

matplotlib.use("pdf")
from matplotlib.figure import Figure

TODAY = dt.date(2026, 12, 1)
"""Stands in for the issue date of a document that shows none (never the wall clock)."""

DATA = Path(__file__).parent / "data" / "import"

HEADER = [
    "UỶ BAN NHÂN DÂN",
    "TỈNH THANH HÓA",
    "Số: 21/KH-UBND",
    "Thanh Hóa, ngày 02 tháng 3 năm 2018",
    "KẾ HOẠCH",
    "Thực hiện Chương trình chuyển đổi số",
]
TABLE = [
    (
        "TT",
        "Nội dung nhiệm vụ",
        "Lãnh đạo chỉ đạo",
        "Cơ quan chủ trì",
        "Cơ quan phối hợp",
        "Thời gian hoàn thành",
        "Sản phẩm",
    ),
    ("I", "Lĩnh vực kinh tế", "", "", "", "", ""),
    (
        "1",
        "Xây dựng Đề án phát triển công nghiệp",
        "Phó Chủ tịch UBND tỉnh",
        "Sở Công Thương",
        "Sở Tài chính, Sở Tư pháp",
        "Quý IV/2018",
        "Đề án trình UBND tỉnh",
    ),
    (
        "2",
        "Ban hành quy chế phối hợp",
        "Chủ tịch UBND tỉnh",
        "Sở Nội vụ",
        "",
        "trước ngày 30/6/2018",
        "Quyết định",
    ),
]


@pytest.fixture(scope="module")
def directory() -> Directory:
    units, _ = load_directory(DATA / "directory")
    return units


def _docx(path: Path) -> Path:
    document = docx.Document()
    for line in HEADER:
        document.add_paragraph(line)
    document.add_paragraph("I. NHIỆM VỤ TRỌNG TÂM")
    document.add_paragraph(
        "1. Sở Kế hoạch và Đầu tư chủ trì, phối hợp với Sở Tài chính xây dựng kế hoạch vốn, "
        "báo cáo UBND tỉnh trong quý II/2018."
    )
    document.add_paragraph("PHỤ LỤC")
    document.add_paragraph("Danh mục nhiệm vụ")
    table = document.add_table(rows=len(TABLE), cols=len(TABLE[0]))
    for row, values in zip(table.rows, TABLE, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.save(str(path))
    return path


def _pdf(path: Path, lines: list[str]) -> Path:
    figure = Figure(figsize=(8.27, 11.69))
    for index, line in enumerate(lines):
        figure.text(0.04, 0.96 - index * 0.025, line, fontsize=8)
    figure.savefig(str(path))
    return path


def test_text_file_becomes_paragraphs() -> None:
    blocks = read_document(DATA / "labelled_blocks.txt")
    texts = [block.text for block in blocks if isinstance(block, Paragraph)]
    assert "Cơ quan thực hiện: Sở Tài chính" in texts
    assert "1. Xây dựng cơ sở dữ liệu đất đai" in texts


def test_wrapped_ocr_lines_are_joined_into_paragraphs() -> None:
    blocks = read_document(DATA / "seed002_thanhhoa.txt")
    texts = [block.text for block in blocks if isinstance(block, Paragraph)]
    item = next(text for text in texts if text.startswith("c) Sở Kế hoạch và Đầu tư"))
    assert item.endswith("hoàn thành báo cáo UBND tỉnh trong quý II/2017.")
    assert "8" not in texts  # page numbers are dropped


def test_markdown_pipe_table_in_text(tmp_path: Path) -> None:
    path = tmp_path / "bang.txt"
    path.write_text(
        "Phụ lục\n\n| TT | Nội dung nhiệm vụ | Cơ quan chủ trì |\n|---|---|---|\n"
        "| 1 | Lập đề án | Sở Nội vụ |\n",
        encoding="utf-8",
    )
    tables = [block for block in read_document(path) if isinstance(block, Table)]
    assert tables == [
        Table((("TT", "Nội dung nhiệm vụ", "Cơ quan chủ trì"), ("1", "Lập đề án", "Sở Nội vụ")))
    ]


def test_docx_paragraphs_and_appendix_table(tmp_path: Path, directory: Directory) -> None:
    blocks = read_document(_docx(tmp_path / "ke-hoach.docx"))
    assert isinstance(blocks[0], Paragraph) and blocks[0].text == "UỶ BAN NHÂN DÂN"
    assert isinstance(blocks[-1], Table) and blocks[-1].rows[0] == TABLE[0]

    draft = import_document(tmp_path / "ke-hoach.docx", directory, today=TODAY)
    assert (draft.header.number, draft.header.issued) == ("21/KH-UBND", dt.date(2018, 3, 2))
    tasks = {task.id: task for task in draft.tasks}
    assert list(tasks) == ["I.1", "PL.1", "PL.2"]
    prose = tasks["I.1"]
    assert prose.lead is not None and prose.lead.id == "so-khdt"
    row = tasks["PL.1"]
    assert row.text == "Xây dựng Đề án phát triển công nghiệp"
    assert row.lead is not None and row.lead.id == "so-ct"
    assert [ref.id for ref in row.support] == ["so-tc", "so-tp"]
    assert row.leader == "Phó Chủ tịch UBND tỉnh"
    assert row.product == "Đề án trình UBND tỉnh"
    assert row.timing is not None and (row.timing.text, row.timing.due) == (
        "Quý IV/2018",
        dt.date(2018, 12, 31),
    )
    second = tasks["PL.2"]
    assert second.lead is not None and second.lead.id == "so-nv"
    assert second.timing is not None and second.timing.due == dt.date(2018, 6, 29)


def test_text_layer_pdf(tmp_path: Path, directory: Directory) -> None:
    lines = [
        *HEADER,
        "I. NHIỆM VỤ",
        "1. Sở Tư pháp chủ trì rà soát văn bản, báo cáo UBND tỉnh trong quý III/2018.",
        "2. Giao Sở Nội vụ kiện toàn tổ chức bộ máy trước ngày 15/10/2018.",
    ]
    draft = import_document(_pdf(tmp_path / "ke-hoach.pdf", lines), directory, today=TODAY)
    assert draft.header.number == "21/KH-UBND"
    tasks = {task.id: task for task in draft.tasks}
    assert [(task_id, task.lead.id if task.lead else None) for task_id, task in tasks.items()] == [
        ("I.1", "so-tp"),
        ("I.2", "so-nv"),
    ]
    assert tasks["I.1"].timing is not None and tasks["I.1"].timing.due == dt.date(2018, 9, 30)
    assert tasks["I.2"].timing is not None and tasks["I.2"].timing.due == dt.date(2018, 10, 14)


# --- refused files ------------------------------------------------------------------------------


def _refused(path: Path) -> str:
    with pytest.raises(DocumentError) as caught:
        read_document(path)
    return caught.value.render("vi")


def test_unknown_file_type(tmp_path: Path) -> None:
    path = tmp_path / "ke-hoach.odt"
    path.write_bytes(b"PK\x03\x04")
    message = _refused(path)
    assert "ke-hoach.odt" in message and "«.odt»" in message and ".txt, .docx hoặc .pdf" in message


def test_missing_file(tmp_path: Path) -> None:
    assert "không tìm thấy tệp" in _refused(tmp_path / "khong-co.docx")


def test_docx_that_is_not_a_docx(tmp_path: Path) -> None:
    path = tmp_path / "hong.docx"
    path.write_bytes(b"day khong phai tep docx")
    message = _refused(path)
    assert "hong.docx" in message and "không phải DOCX hợp lệ" in message and "lưu lại thành .docx" in message


def test_text_in_an_old_encoding(tmp_path: Path) -> None:
    path = tmp_path / "tcvn3.txt"
    path.write_bytes("Kế hoạch số 04".encode()[:3] + b"\xff\xfe\xfa ho\xb8ch")
    message = _refused(path)
    assert "không phải UTF-8" in message and "lưu lại với bảng mã UTF-8" in message


def test_scanned_pdf_needs_ocr(tmp_path: Path) -> None:
    figure = Figure(figsize=(8.27, 11.69))
    figure.figimage([[0.0, 1.0], [1.0, 0.0]] * 50, xo=50, yo=50)  # an image, no text
    path = tmp_path / "ban-quet.pdf"
    figure.savefig(str(path))
    message = _refused(path)
    assert "không có lớp chữ" in message and "OCR" in message and "ocrmypdf" in message


def test_broken_pdf(tmp_path: Path) -> None:
    path = tmp_path / "hong.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nxref\nbroken")
    message = _refused(path)
    assert "hong.pdf" in message and ("bị hỏng" in message or "không có lớp chữ" in message)


def _letter_list(document: docx.document.Document) -> int:
    """Adds a Word list numbered `a)`, `b)` (format lowerLetter, text `%1)`) and returns its id."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    numbering = document.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
            '<w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%1)"/></w:lvl></w:abstractNum>'
        ),
    )
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return 90


def test_docx_automatic_numbering_becomes_labels(tmp_path: Path, directory: Directory) -> None:
    document = docx.Document()
    for line in HEADER:
        document.add_paragraph(line)
    document.add_paragraph("I. NHIỆM VỤ")
    document.add_paragraph("Cải cách hành chính", style="List Number")
    letters = _letter_list(document)
    for text in (
        "Sở Nội vụ chủ trì rà soát thủ tục, báo cáo trong quý II/2018.",
        "Giao Sở Tư pháp kiểm tra văn bản.",
    ):
        paragraph = document.add_paragraph(text)
        num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 0
        num_pr.get_or_add_numId().val = letters
    document.add_paragraph("Tuyên truyền trên báo, đài.", style="List Bullet")
    path = tmp_path / "tu-dong.docx"
    document.save(str(path))

    texts = [block.text for block in read_document(path) if isinstance(block, Paragraph)]
    assert texts[-4:] == [
        "1. Cải cách hành chính",
        "a) Sở Nội vụ chủ trì rà soát thủ tục, báo cáo trong quý II/2018.",
        "b) Giao Sở Tư pháp kiểm tra văn bản.",
        "- Tuyên truyền trên báo, đài.",
    ]
    tasks = {task.id: task for task in import_document(path, directory, today=TODAY).tasks}
    # The bullet after `b)` is a point of b): it inherits b)'s lead, with a note saying so.
    assert list(tasks) == ["I.1.a", "I.1.b", "I.1.b.-1"]
    assert [task.lead.id if task.lead else None for task in tasks.values()] == ["so-nv", "so-tp", "so-tp"]
    assert tasks["I.1.b.-1"].notes["lead"] == "lấy theo mục I.1.b (đoạn này không ghi đơn vị)"


def test_docx_header_in_a_borderless_table(tmp_path: Path, directory: Directory) -> None:
    """Word plans put the header in a two-column table; its lines are the header, not a task table."""
    document = docx.Document()
    header = document.add_table(rows=2, cols=2)
    header.cell(0, 0).text = "UỶ BAN NHÂN DÂN\nTỈNH THANH HÓA"
    header.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    header.cell(1, 0).text = "Số: 31/KH-UBND"
    header.cell(1, 1).text = "Thanh Hóa, ngày 5 tháng 4 năm 2019"
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("Cải cách hành chính năm 2019")
    document.add_paragraph("I. NHIỆM VỤ")
    document.add_paragraph("1. Sở Nội vụ chủ trì tổng hợp báo cáo, hoàn thành trước ngày 15/12/2019.")
    path = tmp_path / "co-bang-dau.docx"
    document.save(str(path))
    draft = import_document(path, directory, today=TODAY)
    header_read = draft.header
    assert (header_read.issuer, header_read.number, header_read.issued) == (
        "UBND tỉnh Thanh Hóa",
        "31/KH-UBND",
        dt.date(2019, 4, 5),
    )
    assert header_read.title == "Kế hoạch cải cách hành chính năm 2019"
    assert [(task.id, task.lead.id if task.lead else None) for task in draft.tasks] == [("I.1", "so-nv")]


def test_docx_task_table_in_the_body_keeps_document_order(tmp_path: Path, directory: Directory) -> None:
    document = docx.Document()
    for line in [*HEADER, "I. NHIỆM VỤ CỤ THỂ"]:
        document.add_paragraph(line)
    rows = [
        ("STT", "Nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian hoàn thành"),
        ("1", "Xây dựng kho dữ liệu dùng chung", "Sở Nội vụ", "Sở Tư pháp", "Tháng 6/2018"),
        ("2", "Đào tạo kỹ năng số", "Sở Tài chính", "", "Hằng năm"),
    ]
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_paragraph("II. TỔ CHỨC THỰC HIỆN")
    document.add_paragraph("1. Giao Văn phòng UBND tỉnh theo dõi, đôn đốc thực hiện Kế hoạch.")
    path = tmp_path / "bang-nhiem-vu.docx"
    document.save(str(path))
    draft = import_document(path, directory, today=TODAY)
    # The table's rows are the points of section I (the heading itself is not a task), in order.
    assert [(task.id, task.lead.id if task.lead else None) for task in draft.tasks] == [
        ("I.1", "so-nv"),
        ("I.2", "so-tc"),
        ("II.1", "vp-ubnd"),
    ]
    first, second = draft.tasks[0], draft.tasks[1]
    assert [ref.id for ref in first.support] == ["so-tp"]
    assert first.timing is not None and first.timing.due == dt.date(2018, 6, 30)
    assert second.timing is not None and second.timing.recurrence == "annual"


def test_docx_appendix_of_targets(tmp_path: Path, directory: Directory) -> None:
    """A `Tên chỉ tiêu` table with no deadline column lists targets (seed 003's Phụ lục 1)."""
    document = docx.Document()
    for line in [*HEADER, "I. NHIỆM VỤ", "1. Sở Nội vụ chủ trì cải cách hành chính.", "PHỤ LỤC 1"]:
        document.add_paragraph(line)
    rows = [
        ("TT", "Tên chỉ tiêu", "Lãnh đạo chỉ đạo", "Cơ quan chủ trì", "Cơ quan phối hợp"),
        (
            "1",
            "Đến năm 2030, 100% hồ sơ được xử lý trực tuyến",
            "Chủ tịch UBND tỉnh",
            "Sở Nội vụ",
            "Sở Tư pháp",
        ),
    ]
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    path = tmp_path / "chi-tieu.docx"
    document.save(str(path))
    draft = import_document(path, directory, today=TODAY)
    [target] = draft.targets
    assert (target.id, target.horizon, target.leader) == ("PL.1", "Đến năm 2030", "Chủ tịch UBND tỉnh")
    assert target.lead is not None and target.lead.id == "so-nv"
    assert [ref.id for ref in target.support] == ["so-tp"]
    assert [task.id for task in draft.tasks] == ["I.1"]
