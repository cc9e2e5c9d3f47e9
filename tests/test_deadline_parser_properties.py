"""Properties of `parse_deadline` on arbitrary input: never raises, sane results, linear time."""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.deadlines import Kind, parse_deadline

REF = dt.date(2025, 1, 6)
# Text built from the parser's own vocabulary reaches deep into the grammar far more often
# than uniform Unicode does.
VOCABULARY = [
    "ngày",
    "tháng",
    "năm",
    "quý",
    "trước",
    "chậm nhất",
    "đến",
    "từ",
    "và",
    "hằng",
    "hàng",
    "tuần",
    "thứ",
    "Sáu",
    "cuối",
    "đầu",
    "giữa",
    "định kỳ",
    "giai đoạn",
    "Thường xuyên",
    "kể từ",
    "trong",
    "ngày làm việc",
    "giờ",
    "II",
    "IV",
    "l",
    "1",
    "6",
    "12",
    "15",
    "30",
    "31",
    "2",
    "29",
    "2025",
    "2017",
    "1900",
    "2199",
    "/",
    "-",
    ".",
    ",",
    ":",
    " ",
    "  ",
    "h",
    "đ",
    "Đ",
    "ư",
    "\u0301",
    "\u00a0",
]
phrases = st.lists(st.sampled_from(VOCABULARY), max_size=30).map("".join)
dates = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))


class _Failures(logging.Handler):
    """Records the parser's last-resort catches: a caught exception is a bug, not a result."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


FAILURES = _Failures()
logging.getLogger("bot.deadlines.parser").addHandler(FAILURES)


def assert_sane(text: str, ref: dt.date) -> None:
    FAILURES.messages.clear()
    deadline = parse_deadline(text, ref)
    assert FAILURES.messages == []
    assert deadline.kind in (Kind.ONCE, Kind.RECURRING, Kind.CONTINUOUS, Kind.NONE)
    if deadline.kind is Kind.ONCE:
        assert isinstance(deadline.due, dt.date)
        if deadline.start is not None:
            assert deadline.start <= deadline.due
    else:
        assert deadline.due is None
    assert (deadline.recurrence is not None) == (deadline.kind is Kind.RECURRING)
    if deadline.span is not None:
        start, end = deadline.span
        assert 0 <= start < end <= len(text)


@settings(max_examples=300, deadline=None)
@given(st.text(), dates)
def test_any_unicode_text(text: str, ref: dt.date) -> None:
    assert_sane(text, ref)


@settings(max_examples=500, deadline=None)
@given(phrases, dates)
def test_any_phrase_of_the_vocabulary(text: str, ref: dt.date) -> None:
    assert_sane(text, ref)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="0123456789/.- ", max_size=200), dates)
def test_any_digits_and_separators(text: str, ref: dt.date) -> None:
    assert_sane(text, ref)


def test_extreme_reference_dates_do_not_overflow() -> None:
    for ref in (dt.date.min, dt.date.max):
        for text in ("trước 1/1", "tháng 12", "6 tháng cuối năm", "trước ngày 1/1/1900", "cuối năm"):
            assert_sane(text, ref)


def _megabyte_inputs() -> dict[str, str]:
    rng = random.Random(2025)
    return {
        "quý": "quý " * 250_000,
        "1/": "1/" * 500_000,
        "digits": "".join(rng.choice("0123456789/.- ") for _ in range(1_000_000)),
        "1.1.": "1.1." * 250_000,
        "spaces": " " * 1_000_000,
        "combining": "a\u0301" * 500_000,
        "ngày": "ngày " * 200_000,
        "trước": "trước " * 170_000,
    }


def test_megabyte_inputs_are_parsed_quickly() -> None:
    # Linear-time patterns: one megabyte of worst-case text stays well under a second each.
    # CPU time of this process, so that other work on the machine does not count.
    for name, text in _megabyte_inputs().items():
        started = time.process_time()
        assert_sane(text, REF)
        elapsed = time.process_time() - started
        assert elapsed < 1.0, f"{name}: {elapsed:.2f}s"


def test_a_deadline_after_a_long_prefix_is_still_found() -> None:
    text = "Nội dung " * 20_000 + "hoàn thành trước ngày 30/6/2025"
    deadline = parse_deadline(text, REF)
    assert deadline.due == dt.date(2025, 6, 29)
    assert deadline.span is not None
    assert text[deadline.span[0] : deadline.span[1]] == "trước ngày 30/6/2025"


def _without_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@settings(max_examples=300, deadline=None)
@given(phrases, dates)
def test_diacritics_and_case_do_not_change_the_reading(text: str, ref: dt.date) -> None:
    plain = parse_deadline(text, ref)
    for variant in (_without_marks(text), text.upper()):
        other = parse_deadline(variant, ref)
        assert (other.kind, other.due, other.recurrence, other.start) == (
            plain.kind,
            plain.due,
            plain.recurrence,
            plain.start,
        )
