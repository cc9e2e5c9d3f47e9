"""Properties of `parse_deadline` on arbitrary input: never raises, sane results, linear time."""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.deadlines import Freq, Kind, occurrences_between, parse_deadline
from bot.deadlines.periods import month_length

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
    "trở đi",
    "các năm tiếp theo",
    "của năm sau",
    "năm liền kề",
    "riêng tháng Hai là",
    "ngày cuối tháng",
    "của tháng báo cáo",
    "báo cáo năm",
    "24/7",
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


# The phrase families of issue #13 (domain.md §2), over all the numbers they may carry.

days = st.integers(min_value=2, max_value=28)
months = st.integers(min_value=1, max_value=12)
years = st.integers(min_value=2000, max_value=2150)
refs = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2150, 12, 31))


@settings(max_examples=200, deadline=None)
@given(days, days, st.lists(months, min_size=2, max_size=2, unique=True).map(sorted), refs)
def test_two_yearly_dates_keep_their_own_days(first: int, second: int, pair: list[int], ref: dt.date) -> None:
    early, late = pair
    text = f"báo cáo 6 tháng trước ngày {first}/{early} và báo cáo năm trước ngày {second}/{late} hằng năm"
    deadline = parse_deadline(text, ref)
    assert deadline.kind is Kind.RECURRING and not deadline.ambiguous, deadline
    assert deadline.recurrence is not None
    year = ref.year + 1
    dues = occurrences_between(deadline.recurrence, dt.date(year, 1, 1), dt.date(year, 12, 31))
    assert dues == [dt.date(year, early, first - 1), dt.date(year, late, second - 1)]


@settings(max_examples=100, deadline=None)
@given(
    days, months, st.sampled_from(["của năm sau", "năm tiếp theo", "của năm liền kề", "năm liền kề"]), refs
)
def test_a_date_of_the_following_year_is_annual(day: int, month: int, tail: str, ref: dt.date) -> None:
    deadline = parse_deadline(f"trước ngày {day} tháng {month:02d} {tail}", ref)
    assert deadline.kind is Kind.RECURRING, deadline
    assert deadline.recurrence is not None
    assert deadline.recurrence.freq is Freq.ANNUAL
    assert (deadline.recurrence.months, deadline.recurrence.day) == ((month,), day - 1)


@settings(max_examples=100, deadline=None)
@given(
    years,
    st.sampled_from(["từ năm {y} trở đi", "năm {y} và các năm tiếp theo", "Năm {y} và những năm tiếp theo"]),
    refs,
)
def test_a_start_and_onward_is_continuous(year: int, form: str, ref: dt.date) -> None:
    text = form.format(y=year)
    for variant in (text, _without_marks(text), text.upper()):
        deadline = parse_deadline(variant, ref)
        assert (deadline.kind, deadline.start, deadline.due) == (Kind.CONTINUOUS, dt.date(year, 1, 1), None)


@settings(max_examples=100, deadline=None)
@given(days, st.booleans(), refs)
def test_the_reporting_month_is_monthly(day: int, before: bool, ref: dt.date) -> None:
    deadline = parse_deadline(f"{'trước ' if before else ''}ngày {day} của tháng báo cáo", ref)
    assert deadline.recurrence is not None, deadline
    assert deadline.recurrence.freq is Freq.MONTHLY
    assert deadline.recurrence.day == (day - 1 if before else day)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1, max_value=31), refs)
def test_february_alone_takes_its_last_day(day: int, ref: dt.date) -> None:
    deadline = parse_deadline(f"ngày {day} hằng tháng, riêng tháng Hai là ngày cuối tháng", ref)
    assert deadline.recurrence is not None and not deadline.ambiguous, deadline
    for due in occurrences_between(deadline.recurrence, ref, ref + dt.timedelta(days=800)):
        if due.month == 2:
            assert due.day == month_length(due.year, 2)
        else:
            assert due.day == min(day, month_length(due.year, due.month))


FILLER = [
    "các sở, ban, ngành",
    "báo cáo kết quả thực hiện",
    "về Sở Nội vụ",
    "để tổng hợp,",
    "UBND tỉnh",
    "gửi",
]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(FILLER), max_size=12).map(" ".join), days, months, refs)
def test_hang_nam_first_then_a_far_date_is_annual(filler: str, day: int, month: int, ref: dt.date) -> None:
    deadline = parse_deadline(f"Hằng năm, {filler} chậm nhất ngày {day} tháng {month}", ref)
    assert deadline.kind is Kind.RECURRING and not deadline.ambiguous, deadline
    assert deadline.recurrence is not None
    assert (deadline.recurrence.months, deadline.recurrence.day) == ((month,), day)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(["duy trì", "vận hành", "hệ thống", "trực", "hoạt động", "ổn định"]), max_size=5
    ).map(" ".join),
    st.sampled_from(["24/7", "24/24", "24/24 giờ"]),
)
def test_round_the_clock_is_continuous(words: str, clock: str) -> None:
    deadline = parse_deadline(f"{words} {clock}", REF)
    assert deadline.kind is Kind.CONTINUOUS, deadline
