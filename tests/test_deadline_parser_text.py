"""How the parser reads text: folding, OCR damage, spans, several phrases in one paragraph."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from bot.deadlines import Freq, Kind, parse_deadline
from bot.deadlines.normalize import fold

REF = dt.date(2025, 1, 6)


def matched(text: str, ref: dt.date = REF) -> str | None:
    span = parse_deadline(text, ref).span
    return None if span is None else text[span[0] : span[1]]


def test_fold_strips_marks_and_maps_d_stroke() -> None:
    assert fold("Đến năm 2030, QUÝ II/2017 – Thường xuyên").text == "den nam 2030, quy ii/2017 - thuong xuyen"


def test_fold_keeps_one_character_per_input_character() -> None:
    text = "Trước ngày\u00a030/6/2025\tđến\nhết"
    folded = fold(text)
    assert len(folded.text) == len(text)
    assert folded.origin is None
    assert folded.text == "truoc ngay 30/6/2025 den het"


def test_fold_maps_back_through_dropped_combining_marks() -> None:
    decomposed = unicodedata.normalize("NFD", "Quý II/2017 trước ngày 30/6")
    folded = fold(decomposed)
    assert folded.text == "quy ii/2017 truoc ngay 30/6"
    start = folded.text.index("truoc")
    begin, end = folded.original_span(start, start + len("truoc"))
    assert unicodedata.normalize("NFC", decomposed[begin:end]) == "trước"


def test_span_in_decomposed_text_covers_the_marks() -> None:
    text = unicodedata.normalize("NFD", "Hoàn thành trước ngày 30/6/2025.")
    deadline = parse_deadline(text, REF)
    assert deadline.due == dt.date(2025, 6, 29)
    assert deadline.span is not None
    assert unicodedata.normalize("NFC", text[deadline.span[0] : deadline.span[1]]) == "trước ngày 30/6/2025"


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("quý II/2O17", dt.date(2017, 6, 30)),  # O read for 0
        ("trước ngày 3O/6/2025", dt.date(2025, 6, 29)),
        ("tháng l2/2025", None),  # a letter before the number is not read as a digit
        ("Quý lI/2017", dt.date(2017, 6, 30)),
        ("trudc ngay 30/6/2025", dt.date(2025, 6, 29)),  # ớ read as d
        ("Dén nam 2030", dt.date(2030, 12, 31)),
        ("Pén nam 2030", dt.date(2030, 12, 31)),  # Đ read as P
        ("quí III/2025", dt.date(2025, 9, 30)),  # quí spelling
    ],
)
def test_ocr_damage_where_the_reading_is_unambiguous(text: str, due: dt.date | None) -> None:
    assert parse_deadline(text, REF).due == due


def test_ocr_reporting_regime_of_seed_003() -> None:
    deadline = parse_deadline(
        "Pinh ky bao céo két qua trwée ngay 15 hang thang, thang cudi quy", dt.date(2025, 11, 5)
    )
    assert deadline.kind is Kind.RECURRING
    assert deadline.recurrence is not None
    assert (deadline.recurrence.freq, deadline.recurrence.day) == (Freq.MONTHLY, 14)


def test_definitions_of_words_that_look_like_cues() -> None:
    assert parse_deadline("xây dựng mới quy hoạch đô thị", REF).kind is Kind.NONE
    assert parse_deadline("tự bảo đảm chi thường xuyên", REF).kind is Kind.NONE
    assert parse_deadline("theo tiêu chuẩn ISO 9001:2015", REF).kind is Kind.NONE
    assert parse_deadline("Việt Nam 2025", REF).kind is Kind.NONE


def test_span_points_at_the_deadline_inside_a_paragraph() -> None:
    text = (
        "Căn cứ Nghị quyết số 05-NQ/TU ngày 05/12/2016 của Tỉnh ủy; Sở Nội vụ chủ trì, phối hợp "
        "với các sở, ngành xây dựng Đề án, trình UBND tỉnh chậm nhất ngày 15/7/2025."
    )
    deadline = parse_deadline(text, REF)
    assert deadline.due == dt.date(2025, 7, 15)
    assert matched(text) == "chậm nhất ngày 15/7/2025"


def test_explicit_deadline_wins_over_a_period() -> None:
    text = "Năm 2025: tổ chức triển khai trong Quý III/2025, hoàn thành trước ngày 15/11/2025"
    assert parse_deadline(text, REF).due == dt.date(2025, 11, 14)
    assert matched(text) == "trước ngày 15/11/2025"


def test_conflicting_periods_take_the_latest_and_say_so() -> None:
    deadline = parse_deadline("Năm 2025 đạt 50%, năm 2026 đạt 100%", REF)
    assert deadline.due == dt.date(2026, 12, 31)
    assert deadline.ambiguous


def test_nested_periods_take_the_specific_one_without_ambiguity() -> None:
    deadline = parse_deadline("Trong năm 2017, hoàn thành dự thảo vào tháng 4/2017", REF)
    assert deadline.due == dt.date(2017, 4, 30)
    assert not deadline.ambiguous


def test_a_list_of_years_is_a_range() -> None:
    deadline = parse_deadline("Năm 2025, 2026", REF)
    assert (deadline.start, deadline.due) == (dt.date(2025, 1, 1), dt.date(2026, 12, 31))


def test_once_deadline_beside_a_reporting_cycle_is_ambiguous() -> None:
    deadline = parse_deadline("Hoàn thành trong Quý II/2025; báo cáo trước ngày 15 hằng tháng", REF)
    assert deadline.kind is Kind.ONCE
    assert deadline.due == dt.date(2025, 6, 30)
    assert deadline.ambiguous


def test_anchor_date_of_a_relative_period_is_not_a_deadline() -> None:
    deadline = parse_deadline("Trong vòng 10 ngày làm việc kể từ ngày 01/7/2025", REF)
    assert deadline.kind is Kind.NONE
    assert deadline.due is None
    assert matched("Trong vòng 10 ngày làm việc kể từ ngày 01/7/2025") == "Trong vòng 10 ngày làm việc"


def test_ten_day_parts_of_a_month() -> None:
    assert parse_deadline("thượng tuần tháng 4/2025", REF).due == dt.date(2025, 4, 10)
    assert parse_deadline("trung tuần tháng 3/2025", REF).due == dt.date(2025, 3, 20)
    assert parse_deadline("hạ tuần tháng 2/2025", REF).due == dt.date(2025, 2, 28)


def test_not_text_gives_none() -> None:
    assert parse_deadline("", REF) == parse_deadline("   ", REF)
    assert parse_deadline("   ", REF).kind is Kind.NONE
    assert parse_deadline("   ", REF).span is None


def test_a_datetime_reference_is_read_as_its_date() -> None:
    deadline = parse_deadline("trước 20/3", dt.datetime(2025, 6, 6, 9, 30))
    assert deadline.due == dt.date(2026, 3, 19)
