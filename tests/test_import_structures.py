"""The plan structures of issue #13, each from a realistic snippet in `tests/data/import/structures/`:
labelled blocks on their own lines, unit headings that own the bullets under them, a timing line
after each bullet, `Tổ chức thực hiện` items led by their heading's unit, collective leads, and
appendix tables (text exports with tabs or ` | `, DOCX with merged cells, quarter-range cells)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import pytest

from bot.importer.draft import import_document
from bot.importer.model import Draft, DraftTask
from bot.importer.render_json import draft_to_json

TODAY = dt.date(2026, 12, 1)
"""Stands in for the issue date of a document that shows none (never the wall clock)."""
DATA = Path(__file__).parent / "data" / "import" / "structures"


def _tasks(draft: Draft) -> dict[str, DraftTask]:
    return {task.id: task for task in draft.tasks}


def _row(task: DraftTask) -> tuple[str | None, list[str], str | None, dt.date | None]:
    return (
        task.lead.written if task.lead else None,
        [ref.written for ref in task.support],
        task.timing.text if task.timing else None,
        task.timing.due if task.timing else None,
    )


@pytest.fixture(scope="module")
def labelled() -> dict[str, DraftTask]:
    return _tasks(import_document(DATA / "labelled_lines.txt", today=TODAY))


def test_labelled_points_under_an_item_are_its_fields(labelled: dict[str, DraftTask]) -> None:
    # 1. … / a) Nội dung: … / b) Cơ quan thực hiện: / - Đơn vị chủ trì: … / - Đơn vị phối hợp: …
    # / c) Thời gian thực hiện: …
    task = labelled["II.1"]
    assert task.text == "Rà soát, chỉnh lý hồ sơ địa chính các xã, phường."
    assert _row(task) == (
        "Sở Nông nghiệp và Môi trường",
        ["Sở Tài chính", "UBND các xã, phường"],
        "Quý III/2026",
        dt.date(2026, 9, 30),
    )
    assert not [task_id for task_id in labelled if task_id.startswith("II.1.")]


def test_labelled_lines_under_an_item(labelled: dict[str, DraftTask]) -> None:
    assert _row(labelled["II.2"]) == (
        "Sở Tài chính",
        ["Sở Nông nghiệp và Môi trường"],
        "Năm 2026",
        dt.date(2026, 12, 31),
    )


def test_one_line_of_who_leads_and_who_supports(labelled: dict[str, DraftTask]) -> None:
    # Cơ quan thực hiện: Sở Nội vụ chủ trì, phối hợp với Sở Tư pháp, Văn phòng UBND tỉnh.
    assert _row(labelled["II.3"]) == (
        "Sở Nội vụ",
        ["Sở Tư pháp", "Văn phòng UBND tỉnh"],
        "Tháng 9/2026",
        dt.date(2026, 9, 30),
    )


def test_a_collective_lead_is_kept_as_written(labelled: dict[str, DraftTask]) -> None:
    task = labelled["II.4"]
    assert _row(task)[:3] == ("Các cơ quan, đơn vị liên quan", [], "Thường xuyên")
    assert "nhóm đơn vị" in task.notes["lead"]


@pytest.fixture(scope="module")
def headings() -> Draft:
    return import_document(DATA / "unit_headings.txt", today=TODAY)


def test_unit_headings_own_the_bullets_under_them(headings: Draft) -> None:
    tasks = _tasks(headings)
    # The headings themselves (`1. Sở Tài chính:`, `a) Chủ trì, phối hợp:`) are not tasks.
    assert [task_id for task_id in tasks if task_id.startswith("II.")] == [
        "II.1.-1",
        "II.1.-2",
        "II.2.a.-1",
        "II.2.a.-2",
        "II.2.b.-1",
        "II.3.-1",
        "II.4.-1",
    ]
    assert _row(tasks["II.1.-1"]) == ("Sở Tài chính", [], "Quý I/2026", dt.date(2026, 3, 31))
    assert _row(tasks["II.2.a.-1"])[:2] == ("Sở Khoa học và Công nghệ", [])
    # b) Phối hợp với Sở Nội vụ: the heading's unit leads, the sub-heading's supports.
    assert _row(tasks["II.2.b.-1"]) == (
        "Sở Khoa học và Công nghệ",
        ["Sở Nội vụ"],
        "Tháng 11/2026",
        dt.date(2026, 11, 30),
    )
    assert _row(tasks["II.3.-1"])[:3] == ("Các sở, ban, ngành", [], "Thường xuyên")
    assert _row(tasks["II.4.-1"]) == ("UBND các xã, phường", [], "Năm 2026", dt.date(2026, 12, 31))


def test_a_timing_line_after_a_bullet_is_that_bullets_only(headings: Draft) -> None:
    tasks = _tasks(headings)
    first, second = tasks["II.1.-1"], tasks["II.1.-2"]
    assert first.timing is not None and first.timing.text == "Quý I/2026"
    assert second.timing is not None and second.timing.text == "trước ngày 15/7 hằng năm"
    assert second.timing.recurrence == "annual"
    round_clock = tasks["II.2.a.-2"]  # `… 24/7.` with no timing line: continuous, not 24 July
    assert round_clock.timing is not None and round_clock.timing.recurrence == "continuous"


def test_organisation_items_are_led_by_their_heading(headings: Draft) -> None:
    tasks = _tasks(headings)
    monitor = tasks["III.1"]  # `1. Sở Nội vụ:` then what it must do
    assert monitor.lead is not None and monitor.lead.written == "Sở Nội vụ"
    assert "Theo dõi, đôn đốc" in monitor.text
    assert monitor.timing is not None and monitor.timing.recurrence == "annual"
    yearly = tasks["III.3"]  # `Định kỳ hằng năm, … trước ngày 05/12`: annual, not one date
    assert yearly.lead is not None and yearly.lead.written == "các sở, ban, ngành"
    assert yearly.timing is not None and yearly.timing.recurrence == "annual"
    reports = {report.who[0].written: report for report in headings.reporting}
    assert reports["các sở, ban, ngành"].to is not None
    assert reports["các sở, ban, ngành"].to.written == "Sở Nội vụ"


def test_a_tab_separated_appendix_with_groups_and_a_merged_sub_row() -> None:
    tasks = _tasks(import_document(DATA / "text_tables.txt", today=TODAY))
    table = {task_id: _row(task) for task_id, task in tasks.items() if task_id.startswith("PL")}
    assert table == {
        "PL.1": ("Sở Tư pháp", ["Các sở, ban, ngành"], "Quý III/2026 - Quý I/2027", dt.date(2027, 3, 31)),
        "PL.2": ("Sở Tư pháp", ["Văn phòng UBND tỉnh"], "Quí II-2026", dt.date(2026, 6, 30)),
        # no TT of its own: a sub-task of row 2, its empty (merged) cells are row 2's
        "PL.2.-1": ("Sở Tư pháp", ["Văn phòng UBND tỉnh"], "Quý III/2026", dt.date(2026, 9, 30)),
        "PL.3": ("Văn phòng UBND tỉnh", ["Các sở, ban, ngành"], "Hằng năm", None),
        "PL.4": ("Văn phòng UBND tỉnh", [], "Thường xuyên", None),
        "PL.5": ("Sở Nội vụ", ["UBND các xã, phường"], "2026", dt.date(2026, 12, 31)),
    }


def test_a_table_exported_with_bars_between_cells() -> None:
    draft = import_document(DATA / "pipe_table.txt", today=TODAY)
    rows = [(task["ref"], task["lead"], task["due"]) for task in draft_to_json(draft)["tasks"]]
    assert rows == [
        ("PL.1", "Sở Văn hóa, Thể thao và Du lịch", "2026-06-30"),
        ("PL.2", "Sở Văn hóa, Thể thao và Du lịch", "2026-06-30"),
        ("PL.3", "Sở Văn hóa, Thể thao và Du lịch", None),
    ]


def test_a_docx_appendix_with_vertically_and_horizontally_merged_cells(tmp_path: Path) -> None:
    document = docx.Document()
    for line in ("UBND TỈNH THANH HÓA", "Số: 116/KH-UBND", "Thanh Hóa, ngày 20 tháng 3 năm 2026", "KẾ HOẠCH"):
        document.add_paragraph(line)
    document.add_paragraph("PHỤ LỤC")
    rows = [
        ("TT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"),
        ("I", "CẢI CÁCH THỂ CHẾ", "", "", ""),
        ("1", "Xây dựng quy chế phối hợp", "Sở Tư pháp", "Văn phòng UBND tỉnh", "Quý II/2026"),
        ("", "Trình UBND tỉnh ban hành quy chế", "", "", "Quý III/2026"),
        ("2", "Đánh giá chỉ số cải cách hành chính", "Sở Nội vụ", "", "2026"),
    ]
    table = document.add_table(rows=len(rows), cols=5)
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    for column in (0, 2, 3):  # TT, lead and support span rows 1 and its sub-row
        table.cell(2, column).merge(table.cell(3, column))
    table.cell(1, 1).merge(table.cell(1, 4))  # the group row spans the table
    table.cell(4, 2).merge(table.cell(4, 3))  # one unit leads alone, its cell spans two columns
    path = tmp_path / "phu-luc.docx"
    document.save(str(path))
    tasks = _tasks(import_document(path, today=TODAY))
    assert {task_id: _row(task) for task_id, task in tasks.items()} == {
        "PL.1": ("Sở Tư pháp", ["Văn phòng UBND tỉnh"], "Quý II/2026", dt.date(2026, 6, 30)),
        "PL.1.-1": ("Sở Tư pháp", ["Văn phòng UBND tỉnh"], "Quý III/2026", dt.date(2026, 9, 30)),
        "PL.2": ("Sở Nội vụ", [], "2026", dt.date(2026, 12, 31)),
    }
