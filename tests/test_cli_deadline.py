"""`nhacviec deadline`: real phrases through the real parser and calendar, in-process and as a subprocess."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.extract import extract_from_file
from typer.testing import CliRunner, Result

from bot.cli import app, deadline
from bot.cli.settings import forget_cli_settings
from bot.clock import SystemClock
from bot.i18n import translations

NHACVIEC = Path(sys.executable).with_name("nhacviec")
JSON_KEYS = {"text", "kind", "due", "time", "freq", "next", "effective_due", "ambiguous"}


@pytest.fixture(autouse=True)
def vietnamese_defaults(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The project's own schedules and Vietnamese output, whatever the developer's `.env` says."""
    monkeypatch.setenv("NHACVIEC_LANGUAGE", "vi")
    monkeypatch.setenv("TIMEZONE", "Asia/Ho_Chi_Minh")
    monkeypatch.delenv("SCHEDULES_DIR", raising=False)
    forget_cli_settings()
    yield
    forget_cli_settings()


def run(*args: str, stdin: str | None = None) -> Result:
    forget_cli_settings()
    return CliRunner().invoke(app, ["deadline", *args], input=stdin)


def lines(result: Result) -> list[str]:
    assert result.exit_code == 0, result.stderr
    return result.stdout.splitlines()


def error(result: Result) -> str:
    """The one-line error, after checking that it failed and printed nothing on stdout."""
    assert result.exit_code != 0
    assert result.stdout == ""
    return result.stderr.strip()


# --- Human output ------------------------------------------------------------------------------


def test_quarter_phrase_prints_its_due_date_and_weekday() -> None:
    assert lines(run("--ref", "2017-01-10", "quý II/2017")) == ["quý II/2017 → hạn 30/06/2017 (thứ Sáu)"]


def test_one_line_per_phrase_in_input_order() -> None:
    assert lines(run("--ref", "2017-01-10", "quý II/2017", "tháng 4/2017", "Quý I/2025")) == [
        "quý II/2017 → hạn 30/06/2017 (thứ Sáu)",
        "tháng 4/2017 → hạn 30/04/2017 (Chủ Nhật); hạn thực tế 03/05/2017 (thứ Tư, sau ngày nghỉ)",
        "Quý I/2025 → hạn 31/03/2025 (thứ Hai)",
    ]


def test_due_date_on_a_holiday_shows_the_effective_deadline() -> None:
    assert lines(run("--ref", "2022-01-10", "ngày 30/4/2022")) == [
        "ngày 30/4/2022 → hạn 30/04/2022 (thứ Bảy); hạn thực tế 04/05/2022 (thứ Tư, sau ngày nghỉ)"
    ]
    assert lines(run("--ref", "2026-01-10", "chậm nhất ngày 17/02/2026")) == [
        "chậm nhất ngày 17/02/2026 → hạn 17/02/2026 (thứ Ba); hạn thực tế 23/02/2026 (thứ Hai, sau ngày nghỉ)"
    ]


def test_time_of_day_is_shown() -> None:
    assert lines(run("--ref", "2017-11-01", "trước 14 giờ, ngày 05/12/2017")) == [
        "trước 14 giờ, ngày 05/12/2017 → hạn 14:00 ngày 05/12/2017 (thứ Ba)"
    ]


def test_recurring_phrase_prints_the_frequency_and_the_next_dates() -> None:
    assert lines(run("--ref", "2025-01-06", "ngày 15 hằng tháng")) == [
        "ngày 15 hằng tháng → hằng tháng; các hạn tới: "
        "15/01/2025 (thứ Tư), 15/02/2025 (thứ Bảy), 15/03/2025 (thứ Bảy)"
    ]


def test_recurring_phrase_without_a_day_gives_only_the_frequency() -> None:
    assert lines(run("--ref", "2017-01-10", "định kỳ hàng năm gửi Sở Công Thương tổng hợp")) == [
        "định kỳ hàng năm gửi Sở Công Thương tổng hợp → hằng năm (văn bản không nêu ngày cụ thể)"
    ]


def test_ambiguous_reading_is_flagged() -> None:
    assert lines(run("--ref", "2025-01-06", "giữa quý II/2025")) == [
        "giữa quý II/2025 → hạn 15/05/2025 (thứ Năm); cách hiểu chưa chắc chắn, nên kiểm tra lại"
    ]
    (line,) = lines(run("--json", "--ref", "2025-01-06", "giữa quý II/2025"))
    assert json.loads(line)["ambiguous"] is True


def test_event_relative_phrase_quotes_what_was_read() -> None:
    assert lines(run("--ref", "2025-01-06", "báo cáo khi có yêu cầu")) == [
        "báo cáo khi có yêu cầu → không xác định được hạn "
        "(hạn tính theo sự việc, không phải ngày cố định: «khi có yêu cầu»)"
    ]


def test_undated_phrases_say_what_the_text_lacks() -> None:
    assert lines(run("--ref", "2025-01-06", "ngày 31/2/2025", "trước ngày 15", "từ quý II/2025")) == [
        "ngày 31/2/2025 → không xác định được hạn («ngày 31/2/2025» không phải ngày có thật; "
        "kiểm tra lại ngày, tháng); cách hiểu chưa chắc chắn, nên kiểm tra lại",
        "trước ngày 15 → không xác định được hạn («trước ngày 15» nêu ngày nhưng không nêu tháng "
        "hay chu kỳ); cách hiểu chưa chắc chắn, nên kiểm tra lại",
        "từ quý II/2025 → không xác định được hạn («từ quý II/2025» chỉ nêu thời điểm bắt đầu, "
        "không nêu hạn); cách hiểu chưa chắc chắn, nên kiểm tra lại",
    ]


def test_continuous_and_undated_phrases() -> None:
    assert lines(
        run("--ref", "2025-11-05", "Thời gian thực hiện: Thường xuyên.", "Giao việc cho các phòng")
    ) == [
        "Thời gian thực hiện: Thường xuyên. → thường xuyên (không có hạn cố định)",
        "Giao việc cho các phòng → không xác định được hạn (không tìm thấy cụm từ chỉ thời hạn)",
    ]


def test_english_output() -> None:
    assert lines(
        run("--lang", "en", "--ref", "2017-01-10", "quý II/2017", "ngày 30/4/2022", "Thường xuyên")
    ) == [
        "quý II/2017 → due 30/06/2017 (Friday)",
        "ngày 30/4/2022 → due 30/04/2022 (Saturday); "
        "effectively due 04/05/2022 (Wednesday, after the day off)",
        "Thường xuyên → ongoing (no fixed deadline)",
    ]


def test_file_gives_one_output_line_per_input_line_blank_lines_included(tmp_path: Path) -> None:
    phrases = tmp_path / "phrases.txt"
    phrases.write_text("quý II/2017\n\ntháng 4/2017\n", encoding="utf-8")
    assert lines(run("--ref", "2017-01-10", "--file", str(phrases))) == [
        "quý II/2017 → hạn 30/06/2017 (thứ Sáu)",
        " → không xác định được hạn (dòng trống)",
        "tháng 4/2017 → hạn 30/04/2017 (Chủ Nhật); hạn thực tế 03/05/2017 (thứ Tư, sau ngày nghỉ)",
    ]


def test_file_dash_reads_standard_input() -> None:
    assert lines(run("--ref", "2017-01-10", "--file", "-", stdin="quý II/2017\n")) == [
        "quý II/2017 → hạn 30/06/2017 (thứ Sáu)"
    ]


def test_ref_defaults_to_today_in_the_office_time_zone() -> None:
    today = SystemClock().today(ZoneInfo("Asia/Ho_Chi_Minh"))
    (line,) = lines(run("--json", "ngày 15 hằng tháng"))
    upcoming = [dt.date.fromisoformat(day) for day in json.loads(line)["next"]]
    assert len(upcoming) == 3
    assert today <= upcoming[0] <= today + dt.timedelta(days=31)
    assert all(day.day == 15 for day in upcoming)


# --- JSON output -------------------------------------------------------------------------------


def test_json_has_exactly_the_agreed_keys_for_every_kind() -> None:
    phrases = ["quý II/2017", "ngày 30/4/2022", "trước ngày 15 hàng tháng", "Thường xuyên", "khi có yêu cầu"]
    objects = [json.loads(line) for line in lines(run("--json", "--ref", "2017-01-10", *phrases))]
    assert [set(obj) for obj in objects] == [JSON_KEYS] * len(phrases)
    assert [obj["text"] for obj in objects] == phrases
    quarter, holiday, monthly, continuous, on_request = objects
    assert quarter == {
        "text": "quý II/2017",
        "kind": "once",
        "due": "2017-06-30",
        "time": None,
        "freq": None,
        "next": [],
        "effective_due": "2017-06-30",
        "ambiguous": False,
    }
    assert (holiday["due"], holiday["effective_due"]) == ("2022-04-30", "2022-05-04")
    assert monthly["kind"] == "recurring"
    assert monthly["freq"] == "monthly"
    assert monthly["next"] == ["2017-01-14", "2017-02-14", "2017-03-14"]
    assert (monthly["due"], monthly["effective_due"]) == (None, None)
    assert (continuous["kind"], continuous["due"], continuous["next"]) == ("continuous", None, [])
    assert (on_request["kind"], on_request["due"], on_request["effective_due"]) == ("none", None, None)


def test_json_keeps_vietnamese_letters_and_the_time() -> None:
    (line,) = lines(run("--json", "--ref", "2017-11-01", "trước 14 giờ, ngày 05/12/2017"))
    assert "trước 14 giờ" in line  # ensure_ascii=False
    assert json.loads(line)["time"] == "14:00"
    assert json.loads(line)["due"] == "2017-12-05"


# --- Mistakes the user can make ------------------------------------------------------------------


def test_bad_ref_is_refused() -> None:
    assert error(run("--ref", "2025-13-01", "quý II/2017")) == (
        "--ref 2025-13-01: không phải ngày hợp lệ; viết theo dạng YYYY-MM-DD, ví dụ --ref 2025-01-31."
    )
    assert error(run("--ref", "10/01/2017", "quý II/2017")).startswith(
        "--ref 10/01/2017: không phải ngày hợp lệ"
    )
    assert error(run("--lang", "en", "--ref", "2025-13-01", "quý II/2017")) == (
        "--ref 2025-13-01: not a valid date; write it as YYYY-MM-DD, e.g. --ref 2025-01-31."
    )


def test_no_phrase_is_refused() -> None:
    assert error(run("--ref", "2017-01-10")) == (
        'Chưa có cụm thời hạn nào: ghi cụm từ sau lệnh, ví dụ nhacviec deadline "quý II/2017", '
        "hoặc dùng --file TỆP (mỗi dòng một cụm)."
    )


def test_missing_unreadable_or_binary_file_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "khong-co.txt"
    assert (
        error(run("--file", str(missing))) == f"--file {missing}: không có tệp này; kiểm tra lại đường dẫn."
    )
    assert error(run("--file", str(tmp_path))) == (
        f"--file {tmp_path}: không đọc được tệp (Is a directory); kiểm tra đường dẫn và quyền đọc tệp."
    )
    binary = tmp_path / "phrases.txt"
    binary.write_bytes("quý II/2017".encode("utf-16"))
    assert error(run("--file", str(binary))) == (
        f"--file {binary}: tệp không phải văn bản UTF-8; hãy lưu lại tệp với mã UTF-8."
    )


def test_unknown_language_is_refused() -> None:
    assert error(run("--lang", "fr", "quý II/2017")) == "--lang fr: chỉ dùng vi hoặc en. / Use vi or en."


def test_broken_holiday_file_is_reported_before_any_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "holidays.yaml").write_text("2026:\n  days_off:\n    - date: 2026-02-30\n      reason: x\n")
    monkeypatch.setenv("SCHEDULES_DIR", str(tmp_path))
    assert error(run("--ref", "2017-01-10", "quý II/2017")) == (
        f"{tmp_path / 'holidays.yaml'}, dòng 3 (năm 2026, days_off, mục 1): "
        "«2026-02-30» không phải ngày hợp lệ; "
        "viết YYYY-MM-DD (2026-01-02) hoặc DD/MM/YYYY (02/01/2026)."
    )


# --- As a real program ---------------------------------------------------------------------------


def run_program(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {
        key: value for key, value in os.environ.items() if key not in {"SCHEDULES_DIR", "NHACVIEC_LANGUAGE"}
    }
    return subprocess.run(
        [str(NHACVIEC), "deadline", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=env,
        timeout=60,
        check=False,
    )


@pytest.mark.slow
def test_installed_command_prints_the_same_lines(tmp_path: Path) -> None:
    done = run_program("--ref", "2017-01-10", "quý II/2017", "ngày 30/4/2022", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "quý II/2017 → hạn 30/06/2017 (thứ Sáu)",
        "ngày 30/4/2022 → hạn 30/04/2022 (thứ Bảy); hạn thực tế 04/05/2022 (thứ Tư, sau ngày nghỉ)",
    ]
    assert done.stderr == ""


@pytest.mark.slow
def test_installed_command_fails_cleanly_on_a_bad_ref(tmp_path: Path) -> None:
    done = run_program("--ref", "2025-13-01", "quý II/2017", cwd=tmp_path)
    assert done.returncode != 0
    assert done.stdout == ""
    assert done.stderr.strip() == (
        "--ref 2025-13-01: không phải ngày hợp lệ; viết theo dạng YYYY-MM-DD, ví dụ --ref 2025-01-31."
    )


def test_every_message_of_the_command_has_an_english_translation() -> None:
    english = translations("en", deadline.DOMAIN)
    source = str(Path(deadline.__file__))
    msgids = [message for _, message, _, _ in extract_from_file("python", source) if isinstance(message, str)]
    assert len(msgids) > 10
    assert [msgid for msgid in msgids if english.gettext(msgid) == msgid] == []
