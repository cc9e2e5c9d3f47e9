"""The labelled replies (`tests/data/replies_labelled.tsv`): read right at ≥ 97%, never a confident
wrong answer; and `nhacviec understand --json` gives the same records in a real process.

A reply is *right* when status, percent, report period(s), snooze and ask-back all equal the
label (and the note, where one is labelled). It is *confidently wrong* when the bot would record
something (it does not ask back) that differs from the label: a wrong status, percentage, report
or snooze — the error that writes something false.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.understand import WORKDAY_START, understand_reply
from bot.understand.view import KEYS, as_record
from bot.workcal import WorkCalendar
from tests.cli_support import run_nhacviec
from tests.fakes.processes import NHACVIEC

LABELLED = Path(__file__).parent / "data" / "replies_labelled.tsv"
TODAY = dt.date(2026, 11, 19)
"""Thursday; 24/11/2026 (Tuesday) is a day off, Ngày Văn hóa Việt Nam."""
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime.combine(TODAY, WORKDAY_START, tzinfo=TZ)
CALENDAR = WorkCalendar()
ENV = {**os.environ, "NHACVIEC_LANGUAGE": "vi"}
"""The command runs in a folder without `.env`: the default settings (Asia/Ho_Chi_Minh)."""
COMPARED = ("status", "percent", "report_period", "snooze_until", "ask_back")


@dataclass(frozen=True)
class Row:
    text: str
    expected: dict[str, Any]
    note: str
    """`-` none, `*` any, else the note exactly."""


def load_rows(path: Path = LABELLED) -> list[Row]:
    """The labelled rows of any file in the format of `replies_labelled.tsv`."""
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    rows = []
    for raw in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
        period = raw["report_period"]
        expected = {
            "status": None if raw["status"] == "-" else raw["status"],
            "percent": None if raw["percent"] == "-" else int(raw["percent"]),
            "report_period": None if period == "-" else (period.split(",") if "," in period else period),
            "snooze_until": None if raw["snooze_until"] == "-" else raw["snooze_until"],
            "ask_back": raw["ask_back"] == "yes",
        }
        rows.append(Row(raw["text"], expected, raw["note"]))
    return rows


ROWS = load_rows()


def record(text: str) -> dict[str, Any]:
    understanding = understand_reply(text, now_date=TODAY, now_time=WORKDAY_START)
    return as_record(
        text, understanding, now=NOW, next_working_day=CALENDAR.next_working_day, default_time=WORKDAY_START
    )


def compared(found: dict[str, Any]) -> dict[str, Any]:
    """The labelled keys, the snooze as local `YYYY-MM-DDTHH:MM` like the labels."""
    values = {key: found[key] for key in COMPARED}
    if values["snooze_until"] is not None:
        values["snooze_until"] = (
            dt.datetime.fromisoformat(values["snooze_until"]).astimezone(TZ).strftime("%Y-%m-%dT%H:%M")
        )
    return values


def right(row: Row, found: dict[str, Any]) -> bool:
    note_right = row.note == "*" or found["note"] == (None if row.note == "-" else row.note)
    return compared(found) == row.expected and note_right


def confidently_wrong(row: Row, found: dict[str, Any]) -> bool:
    got = compared(found)
    if got["ask_back"]:
        return False
    recorded = ("status", "percent", "report_period", "snooze_until")
    return any(got[key] != row.expected[key] for key in recorded) or row.expected["ask_back"]


@dataclass(frozen=True)
class Figures:
    """How one labelled file is read: the rows read right, confidently wrong, and asked back."""

    total: int
    right: list[Row]
    confident: list[Row]
    asked: int
    found: dict[str, dict[str, Any]]

    @property
    def share(self) -> float:
        return len(self.right) / self.total

    def summary(self) -> str:
        return (
            f"{self.total} replies: {self.share:.1%} right, "
            f"{len(self.confident)} confidently wrong, {self.asked} asked back"
        )

    def errors(self, rows: list[Row]) -> list[str]:
        """Each row of `rows` not read right: what was expected and what was read."""
        lines = []
        for row in rows:
            if row in self.right:
                continue
            found = self.found[row.text]
            lines.append(
                f"{row.text!r}: expected {row.expected} note {row.note!r}, "
                f"got {compared(found)} note {found['note']!r}"
            )
        return lines


def measure(path: Path) -> tuple[list[Row], Figures]:
    """Reads every reply of a labelled file and counts right / confidently wrong / asked back."""
    rows = load_rows(path)
    found = {row.text: record(row.text) for row in rows}
    figures = Figures(
        total=len(rows),
        right=[row for row in rows if right(row, found[row.text])],
        confident=[row for row in rows if confidently_wrong(row, found[row.text])],
        asked=sum(found[row.text]["ask_back"] for row in rows),
        found=found,
    )
    return rows, figures


def test_the_set_is_large_varied_and_half_without_diacritics() -> None:
    assert len(ROWS) >= 300
    assert len({row.text for row in ROWS}) == len(ROWS)
    assert sum(row.text.isascii() for row in ROWS) >= len(ROWS) / 2
    statuses = {row.expected["status"] for row in ROWS}
    assert statuses == {None, "done", "in_progress", "blocked", "not_started"}
    assert sum(len(row.text) > 80 for row in ROWS) >= 10  # long, polite messages
    assert sum(row.expected["ask_back"] for row in ROWS) >= 30
    assert sum(row.expected["snooze_until"] is not None for row in ROWS) >= 40
    assert sum(row.expected["report_period"] is not None for row in ROWS) >= 30


def test_the_set_is_read_right_with_no_confident_wrong_answer() -> None:
    found = {row.text: record(row.text) for row in ROWS}
    wrong = [row for row in ROWS if not right(row, found[row.text])]
    confident = [row for row in ROWS if confidently_wrong(row, found[row.text])]
    asked = sum(found[row.text]["ask_back"] for row in ROWS)
    share = 1 - len(wrong) / len(ROWS)
    print(f"\n{len(ROWS)} replies: {share:.1%} right, {len(confident)} confidently wrong, {asked} asked back")
    details = [f"{row.text!r}: expected {row.expected}, got {compared(found[row.text])}" for row in confident]
    assert confident == [], "\n".join(details)
    assert share >= 0.97, "\n".join(f"{row.text!r}: {compared(found[row.text])}" for row in wrong)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("đơn vị em chưa nhận được số liệu", None),  # `đơn vị` folds to `don`: never «done»
        ("don vi em dang tong hop", "in_progress"),
        ("👍", None),
        ("✅", None),
        ("gần xong, còn phần tổng hợp", "in_progress"),
        ("mostly done, one part left", "in_progress"),
        ("Dạ phòng em vẫn chưa nhận được số liệu từ các xã nên chưa thể tổng hợp được ạ", "blocked"),
    ],
)
def test_the_trial_s_confident_wrong_answers_are_gone(text: str, status: str | None) -> None:
    found = record(text)
    assert found["status"] == status
    assert found["status"] != "done"


def test_the_command_line_prints_the_same_records_with_exactly_the_keys(tmp_path: Path) -> None:
    sample = [row.text for row in ROWS[::15]]
    replies = tmp_path / "replies.txt"
    replies.write_text("\n".join(sample) + "\n", encoding="utf-8")
    result = subprocess.run(
        [*NHACVIEC, "understand", "--today", TODAY.isoformat(), "--json", "--file", str(replies)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        env=ENV,
    )
    assert result.returncode == 0, result.stderr
    printed = [json.loads(line) for line in result.stdout.splitlines()]
    assert [list(item) for item in printed] == [list(KEYS)] * len(sample)
    assert printed == [record(text) for text in sample]


def test_the_command_line_says_what_it_read_in_words(tmp_path: Path) -> None:
    """In-process (`tests/cli_support.py`: what a fresh process would see); the JSON test above
    runs the real process."""
    result = run_nhacviec(
        "understand", "--today", "2026-11-19T15:00", "để thứ Hai 8h nhắc lại", "xong", env=ENV, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "để thứ Hai 8h nhắc lại → nhắc lại lúc 08:00 thứ Hai, 23/11/2026",
        "xong → hoàn thành",
    ]
    wrong = run_nhacviec("understand", "--today", "19/11/2026", "xong", env=ENV, cwd=tmp_path)
    assert wrong.returncode == 2 and "YYYY-MM-DD" in wrong.stderr
