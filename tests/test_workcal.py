"""The working-day calendar: Tết breaks, swaps, Điều 148 shifts, arithmetic, and the override file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import holidays
import pytest
from babel.messages.extract import extract_from_file
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import paths
from bot.i18n import translations
from bot.settings import Settings
from bot.workcal import HolidayFileError, WorkCalendar, load_overrides, overrides

D = dt.date
PROJECT_FILE = paths.SCHEDULES_DIR / "holidays.yaml"


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


@pytest.fixture(scope="module")
def plain() -> WorkCalendar:
    return WorkCalendar()


@pytest.fixture(scope="module")
def project() -> WorkCalendar:
    return WorkCalendar.from_file(PROJECT_FILE)


# --- Tết and the other announced breaks -------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "first", "last", "after"),
    [
        # Tết Ất Tỵ: Sat 25/1 – Sun 2/2/2025 (Thông báo 6150/TB-BLĐTBXH).
        (D(2025, 1, 24), D(2025, 1, 25), D(2025, 2, 2), D(2025, 2, 3)),
        # Tết Bính Ngọ: Sat 14/2 – Sun 22/2/2026, 9 days (Thông báo 9441/TB-BNV).
        (D(2026, 2, 13), D(2026, 2, 14), D(2026, 2, 22), D(2026, 2, 23)),
    ],
)
def test_every_day_of_the_tet_break_is_off_and_the_days_around_are_worked(
    project: WorkCalendar, before: dt.date, first: dt.date, last: dt.date, after: dt.date
) -> None:
    assert [d for d in days(first, last) if project.is_working_day(d)] == []
    assert len(days(first, last)) == 9
    assert project.is_working_day(before)
    assert project.is_working_day(after)


def test_tet_days_are_named(project: WorkCalendar) -> None:
    assert project.holiday_name(D(2026, 2, 17)) == "Tết Nguyên Đán"
    assert project.holiday_name(D(2025, 1, 28)) == "Giao thừa Tết Nguyên Đán"
    assert project.holiday_name(D(2026, 2, 14)) is None  # an ordinary Saturday of the break
    assert project.holiday_name(D(2026, 2, 23)) is None


@pytest.mark.parametrize(
    ("saturday", "day_off"),
    [(D(2025, 4, 26), D(2025, 5, 2)), (D(2026, 8, 22), D(2026, 8, 31))],
)
def test_swapped_saturday_is_worked_and_the_weekday_given_in_exchange_is_off(
    plain: WorkCalendar, saturday: dt.date, day_off: dt.date
) -> None:
    assert saturday.weekday() == 5
    assert plain.is_working_day(saturday)
    assert not plain.is_working_day(day_off)
    assert saturday.strftime("%d/%m/%Y") in (plain.holiday_name(day_off) or "")
    assert not plain.is_working_day(saturday + dt.timedelta(days=7))


def test_new_year_2026_swap_comes_from_the_project_override_file(
    plain: WorkCalendar, project: WorkCalendar
) -> None:
    # 12729/VPCP-KGVX: off Friday 2/1/2026, worked Saturday 10/1/2026; `holidays` does not know it.
    assert plain.is_working_day(D(2026, 1, 2)) and not plain.is_working_day(D(2026, 1, 10))
    assert not project.is_working_day(D(2026, 1, 2))
    assert project.is_working_day(D(2026, 1, 10))
    assert "12729/VPCP-KGVX" in (project.holiday_name(D(2026, 1, 2)) or "")
    assert project.holiday_name(D(2026, 1, 10)) is None


def test_calendar_without_overrides_agrees_with_holidays_package(plain: WorkCalendar) -> None:
    reference = holidays.country_holidays("VN", years=range(2024, 2028))
    disagreements = [
        d
        for d in days(D(2024, 1, 1), D(2027, 12, 31))
        if plain.is_working_day(d) != reference.is_working_day(d)
    ]
    assert disagreements == []


# --- Điều 148 khoản 5: a deadline on a day off moves to the next working day --------------------


@pytest.mark.parametrize(
    ("due", "effective"),
    [
        (D(2025, 6, 28), D(2025, 6, 30)),  # Saturday → Monday
        (D(2025, 6, 29), D(2025, 6, 30)),  # Sunday → Monday
        (D(2026, 2, 17), D(2026, 2, 23)),  # Tết Bính Ngọ → first day after the break
        (D(2025, 1, 29), D(2025, 2, 3)),  # Tết Ất Tỵ
        (D(2022, 4, 30), D(2022, 5, 4)),  # 30/4 on a Saturday; 1/5 on Sunday; both substituted
        (D(2025, 4, 30), D(2025, 5, 5)),  # 30/4, 1/5, swapped 2/5, weekend
        (D(2025, 5, 1), D(2025, 5, 5)),
        (D(2025, 9, 2), D(2025, 9, 3)),  # Quốc khánh
        (D(2026, 9, 2), D(2026, 9, 3)),
        (D(2026, 1, 1), D(2026, 1, 5)),  # 1/1 + the announced 2/1 + weekend
        (D(2025, 6, 30), D(2025, 6, 30)),  # a working day stays
        (D(2026, 1, 10), D(2026, 1, 10)),  # a working Saturday stays
    ],
)
def test_effective_deadline_follows_dieu_148(project: WorkCalendar, due: dt.date, effective: dt.date) -> None:
    assert project.effective_deadline(due) == effective
    assert project.next_working_day(due) == effective


def test_previous_working_day_is_the_day_itself_or_the_last_one_before(project: WorkCalendar) -> None:
    assert project.previous_working_day(D(2026, 2, 20)) == D(2026, 2, 13)
    assert project.previous_working_day(D(2026, 1, 4)) == D(2025, 12, 31)
    assert project.previous_working_day(D(2026, 2, 13)) == D(2026, 2, 13)


# --- Arithmetic ---------------------------------------------------------------------------------


def test_add_working_days_across_tet(project: WorkCalendar) -> None:
    assert project.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 23)
    assert project.add_working_days(D(2026, 2, 12), 3) == D(2026, 2, 24)
    assert project.add_working_days(D(2026, 2, 23), -1) == D(2026, 2, 13)
    assert project.add_working_days(D(2026, 2, 24), -3) == D(2026, 2, 12)
    # From inside the break: the first working day after / before it.
    assert project.add_working_days(D(2026, 2, 17), 1) == D(2026, 2, 23)
    assert project.add_working_days(D(2026, 2, 17), -1) == D(2026, 2, 13)
    assert project.add_working_days(D(2026, 2, 17), 0) == D(2026, 2, 17)


def test_add_working_days_across_the_new_year(project: WorkCalendar) -> None:
    assert project.add_working_days(D(2025, 12, 31), 1) == D(2026, 1, 5)
    assert project.add_working_days(D(2026, 1, 5), -1) == D(2025, 12, 31)
    # Saturday 10/1/2026 is a working day: five working days after Monday 5/1 is that Saturday.
    assert project.add_working_days(D(2026, 1, 5), 5) == D(2026, 1, 10)


def test_working_days_between_counts_the_half_open_interval(
    project: WorkCalendar, plain: WorkCalendar
) -> None:
    assert project.working_days_between(D(2026, 2, 13), D(2026, 2, 23)) == 1
    assert project.working_days_between(D(2026, 2, 23), D(2026, 2, 13)) == -1
    assert project.working_days_between(D(2026, 2, 16), D(2026, 2, 16)) == 0
    # Across the year end: 5–9/1/2026; without the override 2/1 counts too.
    assert project.working_days_between(D(2025, 12, 31), D(2026, 1, 9)) == 5
    assert plain.working_days_between(D(2025, 12, 31), D(2026, 1, 9)) == 6


def _naive_count(calendar: WorkCalendar, start: dt.date, end: dt.date) -> int:
    if end < start:
        return -_naive_count(calendar, end, start)
    return (
        sum(calendar.is_working_day(d) for d in days(start + dt.timedelta(days=1), end)) if end > start else 0
    )


def test_working_days_between_matches_a_day_by_day_count_over_several_years(project: WorkCalendar) -> None:
    start = D(2024, 11, 20)
    for end in (D(2024, 12, 31), D(2025, 1, 1), D(2026, 2, 20), D(2027, 3, 1)):
        assert project.working_days_between(start, end) == _naive_count(project, start, end)


@settings(max_examples=150, deadline=None)
@given(
    start=st.dates(min_value=D(2023, 1, 1), max_value=D(2027, 12, 31)),
    n=st.integers(min_value=-400, max_value=400),
)
def test_add_and_between_are_inverse(start: dt.date, n: int) -> None:
    calendar = WorkCalendar.from_file(PROJECT_FILE)
    moved = calendar.add_working_days(start, n)
    if n == 0:
        assert moved == start
        return
    assert calendar.is_working_day(moved)
    assert (moved > start) == (n > 0)
    if n > 0:
        assert calendar.working_days_between(start, moved) == n
    else:
        # (moved, start] holds the |n| - 1 working days in between, and `start` when it is one.
        assert calendar.working_days_between(moved, start) == -n - 1 + calendar.is_working_day(start)


# --- Overrides given in code ----------------------------------------------------------------------


def test_overrides_in_code_take_precedence_over_the_statutory_calendar() -> None:
    calendar = WorkCalendar(
        extra_days_off={D(2027, 2, 3): "Nghỉ Tết Đinh Mùi (thêm)"},
        extra_working_days={D(2027, 2, 20): "Làm bù", D(2027, 2, 5): "Trực Tết"},
    )
    assert not calendar.is_working_day(D(2027, 2, 3))
    assert calendar.holiday_name(D(2027, 2, 3)) == "Nghỉ Tết Đinh Mùi (thêm)"
    assert calendar.is_working_day(D(2027, 2, 20))
    assert calendar.is_working_day(D(2027, 2, 5))
    assert calendar.holiday_name(D(2027, 2, 5)) is None


def test_a_day_both_off_and_working_in_code_is_refused() -> None:
    with pytest.raises(ValueError, match="2027-02-03"):
        WorkCalendar(extra_days_off={D(2027, 2, 3): "a"}, extra_working_days={D(2027, 2, 3): "b"})


# --- The override file --------------------------------------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "holidays.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_override_file_with_a_range_and_both_date_styles(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
2027:
  days_off:
    - from: 2027-02-03
      to: 04/02/2027
      reason: Nghỉ Tết Đinh Mùi
      decision: 1/TB-BNV
  working_days:
    - date: 20/02/2027
      reason: Làm bù
2028:
""",
    )
    calendar = WorkCalendar.from_file(path)
    assert not calendar.is_working_day(D(2027, 2, 3))
    assert not calendar.is_working_day(D(2027, 2, 4))
    assert calendar.holiday_name(D(2027, 2, 4)) == "Nghỉ Tết Đinh Mùi (1/TB-BNV)"
    assert calendar.is_working_day(D(2027, 2, 20))
    assert calendar.is_working_day(D(2027, 2, 2))


def test_missing_or_no_override_file_means_no_overrides(tmp_path: Path) -> None:
    for calendar in (WorkCalendar.from_file(None), WorkCalendar.from_file(tmp_path / "none.yaml")):
        assert calendar.is_working_day(D(2026, 1, 2))
    assert load_overrides(write(tmp_path, "# chưa có gì\n")).days_off == {}


def test_the_installation_calendar_reads_holidays_yaml_in_the_settings_schedules_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "2027:\n  days_off:\n    - date: 2027-03-03\n      reason: Nghỉ thử\n")
    monkeypatch.setenv("SCHEDULES_DIR", str(tmp_path))
    calendar = WorkCalendar.in_folder(Settings().schedules_dir)
    assert calendar.holiday_name(D(2027, 3, 3)) == "Nghỉ thử"


ERRORS = [
    (
        "2026:\n  days_off:\n    - date: 2026-02-30\n      reason: x\n",
        "{f}, dòng 3 (năm 2026, days_off, mục 1): «2026-02-30» không phải ngày hợp lệ; "
        "viết YYYY-MM-DD (2026-01-02) hoặc DD/MM/YYYY (02/01/2026).",
    ),
    (
        "2026:\n  days_off:\n    - date: 31/4/2026\n      reason: x\n",
        "{f}, dòng 3 (năm 2026, days_off, mục 1): «31/4/2026» không phải ngày hợp lệ; "
        "viết YYYY-MM-DD (2026-01-02) hoặc DD/MM/YYYY (02/01/2026).",
    ),
    (
        "2026:\n  days_off:\n    - date: 2026-01-02\n      reson: x\n",
        "{f}, dòng 4 (năm 2026, days_off, mục 1): khóa «reson» không hợp lệ; "
        "các khóa được dùng ở đây: date, from, to, reason, decision.",
    ),
    (
        "2026:\n  holidays:\n    - date: 2026-01-02\n",
        "{f}, dòng 2 (năm 2026): khóa «holidays» không hợp lệ; "
        "các khóa được dùng ở đây: days_off, working_days.",
    ),
    (
        "2026:\n  days_off:\n    - date: 2026-01-02\n",
        "{f}, dòng 3 (năm 2026, days_off, mục 1): thiếu «reason» "
        "(lý do nghỉ hoặc làm bù, ví dụ «reason: Nghỉ Tết»).",
    ),
    (
        "2026:\n  days_off:\n    - date: 2026-01-02\n      reason: ''\n",
        "{f}, dòng 4 (năm 2026, days_off, mục 1): «reason» đang để trống; hãy ghi lý do.",
    ),
    (
        "2026:\n  days_off:\n    - reason: Nghỉ\n",
        "{f}, dòng 3 (năm 2026, days_off, mục 1): thiếu ngày; ghi «date:» cho một ngày, "
        "hoặc «from:» và «to:» cho một khoảng ngày.",
    ),
    (
        "2026:\n  days_off:\n    - date: 2026-01-02\n"
        "      from: 2026-01-02\n      to: 2026-01-03\n      reason: x\n",
        "{f}, dòng 3 (năm 2026, days_off, mục 1): ghi «date:» cho một ngày, hoặc «from:» và «to:» "
        "cho một khoảng ngày, không ghi cả hai.",
    ),
    (
        "2026:\n  days_off:\n    - from: 2026-01-05\n      to: 2026-01-02\n      reason: x\n",
        "{f}, dòng 3 (năm 2026, days_off, mục 1): «from» (2026-01-05) sau «to» (2026-01-02); "
        "đổi lại cho đúng thứ tự.",
    ),
    (
        "2026:\n  days_off:\n    - date: 2026-01-02\n      reason: a\n"
        "  working_days:\n    - from: 01/01/2026\n      to: 03/01/2026\n      reason: b\n",
        "{f}: ngày 02/01/2026 vừa là ngày nghỉ (dòng 3) vừa là ngày làm việc (dòng 6); "
        "xóa một trong hai mục.",
    ),
    (
        "2026:\n  working_days:\n    - date: 2027-01-09\n      reason: a\n",
        "{f}, dòng 3 (năm 2026, working_days, mục 1): ngày 09/01/2027 không thuộc năm 2026; "
        "sửa ngày hoặc chuyển mục này sang năm 2027.",
    ),
    (
        "năm 2026:\n  days_off: []\n",
        "{f}, dòng 1: «năm 2026» không phải là năm; ghi năm bằng 4 chữ số, ví dụ «2026:».",
    ),
    (
        "2026:\n  days_off: 2026-01-02\n",
        "{f}, dòng 2 (năm 2026, days_off): «days_off» phải là danh sách, mỗi mục bắt đầu bằng «- date: …».",
    ),
    (
        "2026:\n  days_off:\n    - 2026-01-02\n",
        "{f}, dòng 3 (năm 2026, days_off, mục 1): phải là một mục có «date:» và «reason:».",
    ),
    (
        "2026: [2026-01-02]\n",
        "{f}, dòng 1 (năm 2026): bên dưới năm phải là «days_off:» và/hoặc «working_days:».",
    ),
    (
        "- 2026-01-02\n",
        "{f}: cấp ngoài cùng phải là các năm, ví dụ «2026:», và bên dưới mỗi năm là "
        "«days_off:» (ngày nghỉ thêm) và/hoặc «working_days:» (ngày làm bù).",
    ),
    (
        "2026:\n  days_off:\n  - date: 2026-01-02\n   reason: a\n",
        "{f}, dòng 4, cột 4: lỗi cú pháp YAML (expected <block end>, but found '<block mapping start>'). "
        "Kiểm tra thụt lề, dấu hai chấm và dấu gạch đầu dòng.",
    ),
]


@pytest.mark.parametrize(("text", "message"), ERRORS)
def test_override_file_errors_name_the_file_the_line_and_the_entry(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(HolidayFileError) as caught:
        WorkCalendar.from_file(path)
    assert str(caught.value) == message.format(f=path)


def test_override_file_that_is_not_utf8_or_not_a_file(tmp_path: Path) -> None:
    path = tmp_path / "holidays.yaml"
    path.write_bytes("2026:\n  days_off:\n    - date: 2026-01-02\n      reason: Nghỉ\n".encode("utf-16"))
    with pytest.raises(HolidayFileError) as caught:
        load_overrides(path)
    assert (
        str(caught.value) == f"Tệp ngày nghỉ {path} không phải văn bản UTF-8; hãy lưu lại tệp với mã UTF-8."
    )
    with pytest.raises(HolidayFileError) as caught:
        load_overrides(tmp_path)
    assert str(caught.value) == (
        f"Không đọc được tệp ngày nghỉ {tmp_path}: Is a directory. Kiểm tra đường dẫn và quyền đọc tệp."
    )


def test_override_file_errors_in_english(tmp_path: Path) -> None:
    path = write(tmp_path, ERRORS[0][0])
    with pytest.raises(HolidayFileError) as caught:
        WorkCalendar.from_file(path, lang="en")
    assert str(caught.value) == (
        f"{path}, line 3 (year 2026, days_off, entry 1): «2026-02-30» is not a valid date; "
        "write YYYY-MM-DD (2026-01-02) or DD/MM/YYYY (02/01/2026)."
    )
    path = write(tmp_path, ERRORS[9][0])
    with pytest.raises(HolidayFileError) as caught:
        load_overrides(path, "en")
    assert str(caught.value) == (
        f"{path}: 02/01/2026 is both a day off (line 3) and a working day (line 6); "
        "remove one of the two entries."
    )


def test_every_override_file_message_has_an_english_translation() -> None:
    source = Path(overrides.__file__)
    english = translations("en", overrides.DOMAIN)
    msgids = [
        message for _, message, _, _ in extract_from_file("python", str(source)) if isinstance(message, str)
    ]
    assert len(msgids) > 10
    assert [msgid for msgid in msgids if english.gettext(msgid) == msgid] == []
