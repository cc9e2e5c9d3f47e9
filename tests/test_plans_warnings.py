"""Warnings: the plan loads, but something in it may not mean what the clerk intended."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.plans.loader import load_workspace

GOOD = Path(__file__).parent / "data" / "plans" / "good"

HEADER = """\
issuer: UBND tỉnh Thanh Hóa
number: 04/KH-UBND
issued: 2017-01-10
title: Kế hoạch thử
tasks:
"""


@pytest.fixture
def plans_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "plans"
    shutil.copytree(GOOD / "directory", folder / "directory")
    return folder


def warnings(plans_dir: Path, tasks: str, *, lang: str = "vi", extra: str = "") -> list[str]:
    (plans_dir / "kh.yaml").write_text(HEADER + tasks + extra, encoding="utf-8")
    workspace = load_workspace([plans_dir], lang=lang)
    assert workspace.errors == []
    assert "kh" in workspace.plans  # warnings never keep a plan out
    return [problem.format().removeprefix(f"{plans_dir}/") for problem in workspace.warnings]


def task(timing: str, *, extra: str = "") -> str:
    return f"  - id: I.1\n    title: Việc một\n    lead: so-tc\n    timing: {timing}\n{extra}"


def test_clear_timings_give_no_warning(plans_dir: Path) -> None:
    assert warnings(plans_dir, task("Quý II/2017")) == []
    assert warnings(plans_dir, task("Thường xuyên")) == []
    assert warnings(plans_dir, task("trước ngày 15 hàng tháng")) == []


def test_timing_without_a_date(plans_dir: Path) -> None:
    assert warnings(plans_dir, task("khi có yêu cầu")) == [
        "kh.yaml:9:5: tasks[1].timing: không xác định được ngày hạn từ «khi có yêu cầu»: sẽ không có nhắc "
        "hạn theo ngày. Nếu văn bản có ngày cụ thể, ghi thêm «due: YYYY-MM-DD»."
    ]
    assert warnings(plans_dir, task("kịp thời"), lang="en") == [
        "kh.yaml:9:5: tasks[1].timing: no deadline can be read from «kịp thời»: there will be no dated "
        "reminders. If the document gives a date, add «due: YYYY-MM-DD»."
    ]


def test_an_explicit_due_silences_the_timing_warning(plans_dir: Path) -> None:
    assert warnings(plans_dir, task("khi có yêu cầu", extra="    due: 2017-03-31\n")) == []


def test_ambiguous_timing(plans_dir: Path) -> None:
    assert warnings(plans_dir, task("ngày 15 và ngày 20 hằng tháng")) == [
        "kh.yaml:9:5: tasks[1].timing: cụm thời hạn «ngày 15 và ngày 20 hằng tháng» có thể hiểu nhiều "
        "cách; bot hiểu là định kỳ. Nếu không đúng, ghi «due: YYYY-MM-DD»."
    ]


def test_deadline_before_the_issue_date(plans_dir: Path) -> None:
    assert warnings(plans_dir, task("trước ngày 30/6/2016")) == [
        "kh.yaml:9:5: tasks[1].timing: hạn 29/06/2016 sớm hơn ngày ban hành 10/01/2017. Kiểm tra lại hạn "
        "hoặc ngày ban hành (issued)."
    ]
    assert warnings(plans_dir, task("Quý II/2017", extra="    due: 31/12/2016\n"), lang="en") == [
        "kh.yaml:10:5: tasks[1].due: the deadline 31/12/2016 is before the issue date 10/01/2017. Check the "
        "deadline or the issue date (issued)."
    ]


def test_task_with_neither_lead_nor_timing(plans_dir: Path) -> None:
    assert warnings(plans_dir, "  - id: I.1\n    title: Việc một\n") == [
        "kh.yaml:6:5: tasks[1]: nhiệm vụ không có đơn vị chủ trì (lead) và không có thời hạn (timing, due): "
        "bot không biết nhắc ai, vào lúc nào. Thêm «lead:» và «timing:» nếu văn bản có ghi."
    ]
    assert warnings(plans_dir, "  - id: I.1\n    title: Việc một\n    lead: so-tc\n") == []


def test_reporting_cycle_without_a_date(plans_dir: Path) -> None:
    reporting = (
        "reporting:\n  - id: IV.1\n    text: Báo cáo\n    who: so-tc\n    to: vp-ubnd\n    cycle: đột xuất\n"
    )
    assert warnings(plans_dir, task("Quý II/2017"), extra=reporting) == [
        "kh.yaml:15:5: reporting[1].cycle: không xác định được kỳ báo cáo từ «đột xuất»: sẽ không có nhắc "
        "nộp báo cáo. Nếu văn bản nêu kỳ, ghi rõ như «trước ngày 15 hằng tháng» hoặc «hằng quý»."
    ]
