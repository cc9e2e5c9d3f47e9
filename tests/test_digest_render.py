"""The digest as a message (vi and en, plain text and Telegram HTML) and its splitting at the
Telegram (4096) and Zalo (2000) limits."""

from __future__ import annotations

import dataclasses
import datetime as dt
from html.parser import HTMLParser

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session
from test_digest_state import AS_OF, CALENDAR, CT, KH, TZ, seed

from bot.digest.model import Digest, Listing
from bot.digest.queries import build_digest
from bot.digest.render import Format, render_digest
from bot.digest.split import TELEGRAM_LIMIT, ZALO_LIMIT, split_message


@pytest.fixture(scope="module")
def digest(tmp_path_factory: pytest.TempPathFactory) -> Digest:
    from bot.db.engine import make_engine
    from bot.db.migrate import upgrade

    engine: Engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('digest') / 'nhacviec.db'}")
    upgrade(engine)
    seed(engine)
    with Session(engine) as session:
        built = build_digest(
            session, [CT, KH], as_of=AS_OF, tz=TZ, calendar=CALENDAR, recipient="Trần Thị Bích"
        )
    engine.dispose()
    return built


def test_vietnamese_text(digest: Digest) -> None:
    text = render_digest(digest, lang="vi", tz=TZ)
    lines = text.splitlines()
    assert lines[:10] == [
        "BÁO CÁO TỔNG HỢP TÌNH HÌNH THỰC HIỆN NHIỆM VỤ",
        "Số liệu đến hết thứ Sáu, 20/11/2026",
        "Gửi: Trần Thị Bích",
        "",
        "Tổng số nhiệm vụ: 11",
        "• Hoàn thành đúng hạn: 2",
        "• Hoàn thành quá hạn: 2",
        "• Đang thực hiện trong hạn: 3",
        "• Đang thực hiện quá hạn: 3",
        "• Không có thời hạn: 1",
    ]
    assert lines[10].startswith("(Nhiệm vụ chưa triển khai được tính là «đang thực hiện»")
    assert (
        "• 12/KH-UBND — Kế hoạch cải cách hành chính năm 2026: 9 nhiệm vụ; hoàn thành 2 đúng hạn, 1 quá hạn; "
        "đang thực hiện 2 trong hạn, 3 quá hạn; 1 không có thời hạn"
    ) in lines
    assert "Nhiệm vụ quá hạn (3):" in lines
    assert (
        "2. [12/KH-UBND · 9] Báo cáo tiến độ giải ngân vốn đầu tư công — Phòng Tài chính - Kế hoạch; "
        "quá hạn 11 ngày làm việc (hạn 05/11/2026); chưa cập nhật lần nào"
    ) in lines
    assert (
        "• 30/11/2026 — [12/KH-UBND · 4] Tuyên truyền cải cách hành chính trên cổng thông tin điện tử — "
        "Phòng Văn hóa và Thông tin (chưa thực hiện)"
    ) in lines
    assert "Cập nhật từ 14/11/2026 (2):" in lines
    assert (
        "• 19/11/2026 10:00 — Hoàng Thu Hà: [12/KH-UBND · 6] Đánh giá chỉ số hài lòng của người dân — "
        "đang thực hiện 30% — «Đã phát phiếu khảo sát <200 phiếu> & đang tổng hợp»"
    ) in lines
    assert "• Phòng Văn hóa và Thông tin: 0 nộp đúng hạn, 0 nộp muộn, 1 chưa nộp" in lines
    assert "• Phòng Tài nguyên và Môi trường — chủ trì 2 nhiệm vụ" in lines
    assert lines[-1] == (
        "• 18/11/2026 08:00 — Phạm Minh Đức, nhắc quá hạn «Xây dựng dự toán ngân sách năm 2027 <có ưu tiên> "
        "& kế hoạch đầu tư công»: Forbidden: bot was blocked by the user"
    )
    assert "\n\n\n" not in text


def test_english_html_escapes_every_user_text(digest: Digest) -> None:
    html = render_digest(digest, lang="en", tz=TZ, fmt=Format.HTML)
    lines = html.splitlines()
    assert lines[:3] == [
        "<b>TASK PROGRESS DIGEST</b>",
        "Figures as of the end of Friday, 20/11/2026",
        "To: Trần Thị Bích",
    ]
    assert "<b>Tasks: 11</b>" in lines
    assert "• In progress, overdue: 3" in lines
    assert (
        "1. [12/KH-UBND · 3] Xây dựng dự toán ngân sách năm 2027 &lt;có ưu tiên&gt; &amp; kế hoạch "
        "đầu tư công — Phòng Tài chính - Kế hoạch; 14 working days overdue (deadline 02/11/2026); "
        "leader in charge: Lê Văn Cường; last update 17/11/2026: in progress 60% — "
        "«Đã hoàn thành dự thảo dự toán, đang lấy ý kiến các phòng chuyên môn và Ủy ban MTTQ huyện; dự kiến…»"
    ) in lines
    assert "• Phòng Nội vụ: 0 on time, 1 late, 0 missing" in lines
    assert "<có" not in html and " & " not in html
    # Only our own tags are left once the escaped text is taken out.
    tags = _Tags()
    tags.feed(html)
    assert tags.names == {"b"} and tags.balanced


def test_big_numbers_use_the_locale(digest: Digest) -> None:
    many = dataclasses.replace(digest, overdue=Listing(digest.overdue.rows, 12345))
    assert "Nhiệm vụ quá hạn (12.345):" in render_digest(many, lang="vi", tz=TZ)
    assert "Overdue tasks (12,345):" in render_digest(many, lang="en", tz=TZ)
    more = "… and 12,342 more overdue tasks (see the Excel workbook)."
    assert more in render_digest(many, lang="en", tz=TZ)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.stack: list[str] = []
        self.balanced = True

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.names.add(tag)
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.balanced = False

    def close(self) -> None:
        super().close()
        self.balanced = self.balanced and not self.stack


def _long_digest(digest: Digest) -> Digest:
    """The known digest with 60 overdue tasks, one of them with a 5,000-character title."""
    template = digest.overdue.rows[0]
    rows = [
        dataclasses.replace(template, key=str(100 + n), title=f"Nhiệm vụ số {n} <b> & đầu tư công " * 3)
        for n in range(59)
    ]
    rows.insert(7, dataclasses.replace(template, key="dài", title="chuẩn bị & " * 500))
    return dataclasses.replace(digest, overdue=Listing(rows, 60))


@pytest.mark.parametrize("limit", [TELEGRAM_LIMIT, ZALO_LIMIT])
@pytest.mark.parametrize("fmt", [Format.HTML, Format.TEXT])
def test_splitting_at_the_platform_limit(digest: Digest, limit: int, fmt: Format) -> None:
    text = render_digest(_long_digest(digest), lang="vi", tz=TZ, fmt=fmt)
    assert len(text) > 5 * limit
    pieces = split_message(text, limit, html=fmt is Format.HTML)
    assert all(0 < len(piece) <= limit for piece in pieces)
    # Nothing lost: the same characters in the same order, leaving out the spaces at the cuts.
    assert "".join("".join(pieces).split()) == "".join(text.split())
    for piece in pieces:
        if fmt is Format.HTML:
            tags = _Tags()
            tags.feed(piece)
            tags.close()
            assert tags.balanced, piece[:200]
            assert "<" not in _strip_tags(piece)  # no tag cut in two
            assert not _cut_entity(piece)
    # Short lines are never cut: each one is whole in some piece.
    for line in text.splitlines():
        if len(line) <= limit:
            assert any(line in piece for piece in pieces)


def _strip_tags(piece: str) -> str:
    import re

    return re.sub(r"</?b>", "", piece)


def _cut_entity(piece: str) -> bool:
    import re

    return bool(re.search(r"&(?!(?:amp|lt|gt|quot|#\d+);)", piece))


def test_sections_start_a_new_piece_when_they_fit() -> None:
    sections = ["\n".join(f"{name} dòng {n:02}" for n in range(30)) for name in ("A", "B", "C")]
    assert [len(section) for section in sections] == [299] * 3
    # Two sections fit in 700 characters, three do not: the third starts the next piece whole.
    assert split_message("\n\n".join(sections), 700) == ["\n\n".join(sections[:2]), sections[2]]
    # A section longer than the limit is cut between lines.
    pieces = split_message("\n\n".join(sections), 200)
    assert pieces[0] == "\n".join(sections[0].splitlines()[:20])
    assert all(len(piece) <= 200 for piece in pieces)


def test_a_limit_too_small_is_refused() -> None:
    with pytest.raises(ValueError, match="64"):
        split_message("x", 10)


def test_as_of_on_a_digest_shows_in_the_header(digest: Digest) -> None:
    monday = dataclasses.replace(digest, as_of=dt.date(2026, 11, 23), recipient=None)
    lines = render_digest(monday, lang="en", tz=TZ).splitlines()
    assert lines[:3] == ["TASK PROGRESS DIGEST", "Figures as of the end of Monday, 23/11/2026", ""]
