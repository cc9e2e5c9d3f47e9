"""Unit names as a plan writes them → directory units (`bot.importer.units`), and who a sentence
assigns (`bot.importer.subjects`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.importer.subjects import find_assignment
from bot.importer.units import UnitMatcher, issuer_place
from bot.plans.loader import load_directory
from bot.plans.model import Directory

DATA = Path(__file__).parent / "data" / "import"


@pytest.fixture(scope="module")
def directory() -> Directory:
    units, _ = load_directory(DATA / "directory")
    return units


@pytest.mark.parametrize(
    ("written", "unit_id"),
    [
        ("Sở Kế hoạch và Đầu tư", "so-khdt"),
        ("Sở KH&ĐT", "so-khdt"),  # short name
        ("SO KE HOACH VA DAU TU", "so-khdt"),  # no diacritics, any case
        ("Sở  Kế hoạch  và Đầu tư ", "so-khdt"),  # stray spaces
        ("Văn phòng HĐND và UBND tỉnh Thanh Hóa", "vp-ubnd"),  # alias
    ],
)
def test_exact_matches(directory: Directory, written: str, unit_id: str) -> None:
    ref = UnitMatcher(directory).match(written)
    assert (ref.unit_id, ref.score, ref.fuzzy) == (unit_id, 1.0, False)


def test_the_issuers_place_completes_a_short_name(directory: Directory) -> None:
    ref = UnitMatcher(directory, "UBND tỉnh Thanh Hóa").match("Văn phòng UBND tỉnh")
    assert (ref.unit_id, ref.score) == ("vp-ubnd", 1.0)


def test_a_name_the_directory_only_extends(directory: Directory) -> None:
    ref = UnitMatcher(directory).match("Các sở, ban, ngành cấp tỉnh")
    assert ref.unit_id == "cac-so-nganh"


def test_ocr_damage_matches_fuzzily(directory: Directory) -> None:
    ref = UnitMatcher(directory).match("Sở Kế hoạch và Đầu fư")
    assert ref.unit_id == "so-khdt"
    assert ref.fuzzy and 0.86 <= ref.score < 1.0


def test_trailing_words_are_dropped_only_as_a_last_resort(directory: Directory) -> None:
    ref = UnitMatcher(directory).match("Sở Tư pháp trên địa bàn tỉnh")
    assert (ref.unit_id, ref.partial) == ("so-tp", True)


def test_unknown_unit_gets_a_proposed_id(directory: Directory) -> None:
    ref = UnitMatcher(directory, "UBND tỉnh Thanh Hóa").match("Sở Du lịch Biển")
    proposed = "thanhhoa.so-du-lich-bien"
    assert (ref.unit_id, ref.proposed_id, ref.id) == (None, proposed, proposed)
    assert UnitMatcher(None).match("Sở Du lịch Biển").proposed_id == "so-du-lich-bien"


@pytest.mark.parametrize(
    ("issuer", "place"),
    [
        ("UBND thị xã Bỉm Sơn", ("thị xã Bỉm Sơn", "Bỉm Sơn")),
        ("Thị ủy Đức Phổ", ("thị xã Đức Phổ", "Đức Phổ")),
        ("Ban Chấp hành Đảng bộ tỉnh", None),
    ],
)
def test_issuer_place(issuer: str, place: tuple[str, str] | None) -> None:
    assert issuer_place(issuer) == place


@pytest.mark.parametrize(
    ("text", "leads", "support"),
    [
        (
            "Sở Công Thương chủ trì, phối hợp với Sở Tư pháp và các ngành liên quan triển khai hội nghị.",
            ["Sở Công Thương"],
            ["Sở Tư pháp và các ngành liên quan"],
        ),
        ("Giao Sở Nội vụ kiện toàn tổ chức bộ máy.", ["Sở Nội vụ"], []),
        ("Giao cho Văn phòng UBND tỉnh theo dõi, đôn đốc.", ["Văn phòng UBND tỉnh"], []),
        (
            "Đề nghị Ủy ban Mặt trận Tổ quốc tỉnh giám sát việc thực hiện.",
            ["Ủy ban Mặt trận Tổ quốc tỉnh"],
            [],
        ),
        ("Ban Tuyên giáo Tỉnh ủy hướng dẫn tuyên truyền.", ["Ban Tuyên giáo Tỉnh ủy"], []),  # giáo ≠ giao
        ("Sở Giáo dục và Đào tạo tham mưu xây dựng trường học thông minh.", ["Sở Giáo dục và Đào tạo"], []),
        ("Về khoa học: Sở Khoa học và Công nghệ tiếp tục triển khai.", ["Sở Khoa học và Công nghệ"], []),
        ("Căn cứ chức năng, nhiệm vụ, Sở Xây dựng khẩn trương lập quy hoạch.", ["Sở Xây dựng"], []),
        (
            "giao Phong Van hoa - Xa hoi chu tri, phoi hop voi Trung tam Y te xay dung ke hoach.",
            ["Phong Van hoa - Xa hoi"],
            ["Trung tam Y te"],
        ),
        ("Bảo vệ và phát huy những giá trị văn hóa dân tộc", [], []),
        ("Tăng cường kiểm tra, giám sát việc thực hiện.", [], []),
    ],
)
def test_who_a_sentence_assigns(text: str, leads: list[str], support: list[str]) -> None:
    found = find_assignment(text)
    if not leads and not support:
        assert found is None
        return
    assert found is not None
    assert [mention.name for mention in found.leads] == leads
    assert [mention.name for mention in found.support] == support
