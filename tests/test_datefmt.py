import datetime as dt

from bot.datefmt import long_date, short_date


def test_vietnamese_long_date_reads_as_in_running_text() -> None:
    assert long_date(dt.date(2017, 6, 30)) == "thứ Sáu, 30/06/2017"
    assert long_date(dt.date(2025, 1, 5)) == "Chủ Nhật, 05/01/2025"


def test_english_long_date() -> None:
    assert long_date(dt.date(2017, 6, 30), "en") == "Friday, 30/06/2017"
    assert short_date(dt.date(2017, 6, 30), "en") == "30/06/2017"
