"""The digest's attachments: the XLSX workbook (opened with openpyxl) and the PNG chart."""

from __future__ import annotations

import datetime as dt
import io
import struct

import matplotlib.image
import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session
from test_digest_state import AS_OF, CALENDAR, CT, KH, TZ, seed

from bot.digest.chart import MAX_BARS, chart_bars, chart_size, status_chart_png
from bot.digest.model import Digest, StandingCounts, UnitSummary
from bot.digest.queries import TaskRow, build_digest, plan_task_rows
from bot.digest.xlsx import digest_workbook


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Digest, dict[str, list[TaskRow]]]:
    from bot.db.engine import make_engine
    from bot.db.migrate import upgrade

    engine: Engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('files') / 'nhacviec.db'}")
    upgrade(engine)
    seed(engine)
    with Session(engine) as session:
        digest = build_digest(session, [CT, KH], as_of=AS_OF, tz=TZ, calendar=CALENDAR)
        tasks = {plan: plan_task_rows(session, plan, as_of=AS_OF, tz=TZ) for plan in (CT, KH)}
    engine.dispose()
    return digest, tasks


def test_workbook_summary_sheet(built: tuple[Digest, dict[str, list[TaskRow]]]) -> None:
    digest, tasks = built
    book = load_workbook(io.BytesIO(digest_workbook(digest, tasks, lang="vi", tz=TZ)))
    assert book.sheetnames == ["Tổng hợp", "05-CTr-UBND", "12-KH-UBND"]
    sheet = book["Tổng hợp"]
    assert sheet["A1"].value == "BIỂU TỔNG HỢP TÌNH HÌNH THỰC HIỆN NHIỆM VỤ (đến hết ngày 20/11/2026)"
    assert "A1:G1" in {str(merged) for merged in sheet.merged_cells.ranges}
    assert [cell.value for cell in sheet[2]] == [
        "Kế hoạch",
        "Tổng số nhiệm vụ",
        "Hoàn thành đúng hạn",
        "Hoàn thành quá hạn",
        "Đang thực hiện trong hạn",
        "Đang thực hiện quá hạn",
        "Không có thời hạn",
    ]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    assert rows == [
        ["05/CTr-UBND — Chương trình chuyển đổi số năm 2026", 2, 0, 1, 1, 0, 0],
        ["12/KH-UBND — Kế hoạch cải cách hành chính năm 2026", 9, 2, 1, 2, 3, 1],
        ["Tổng cộng", 11, 2, 2, 3, 3, 1],
    ]
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == "A2:G5"
    assert sheet["A5"].font.b and sheet["A2"].font.b


def test_workbook_plan_sheet(built: tuple[Digest, dict[str, list[TaskRow]]]) -> None:
    digest, tasks = built
    book = load_workbook(io.BytesIO(digest_workbook(digest, tasks, lang="vi", tz=TZ)))
    sheet = book["12-KH-UBND"]
    assert sheet["A1"].value == (
        "12/KH-UBND: Kế hoạch cải cách hành chính năm 2026 — tình hình thực hiện đến hết ngày 20/11/2026"
    )
    assert [cell.value for cell in sheet[2]] == [
        "TT",
        "Nội dung nhiệm vụ",
        "Cơ quan chủ trì",
        "Cơ quan phối hợp",
        "Thời hạn",
        "Tình trạng",
        "Tiến độ (%)",
        "Cập nhật gần nhất",
    ]
    third = [cell.value for cell in sheet[5]]
    assert third == [
        3,
        "Xây dựng dự toán ngân sách năm 2027 <có ưu tiên> & kế hoạch đầu tư công",
        "Phòng Tài chính - Kế hoạch",
        "Phòng Nội vụ; Văn phòng HĐND và UBND huyện",
        dt.datetime(2026, 11, 2),
        "Đang thực hiện quá hạn",
        60,
        dt.datetime(2026, 11, 17, 14, 30),
    ]
    assert sheet["E5"].is_date and sheet["E5"].number_format == "DD/MM/YYYY"
    assert sheet["H5"].is_date
    assert sheet["E7"].value == "Thường xuyên"  # task 5: no date, the timing as written
    assert sheet["F10"].value == "Hoàn thành đúng hạn"  # task 8, done at 23:30 on its due day
    assert sheet.max_row == 2 + 9
    assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref == "A2:H11"
    assert sheet["B5"].alignment.wrap_text
    assert sheet.column_dimensions["B"].width == 60


def test_workbook_in_english(built: tuple[Digest, dict[str, list[TaskRow]]]) -> None:
    digest, tasks = built
    book = load_workbook(io.BytesIO(digest_workbook(digest, tasks, lang="en", tz=TZ)))
    assert book.sheetnames[0] == "Summary"
    assert [cell.value for cell in book["12-KH-UBND"][2]][:3] == ["No.", "Task", "Lead unit"]
    assert book["Summary"]["A5"].value == "Total"


def test_chart_is_a_png_of_the_announced_size(built: tuple[Digest, dict[str, list[TaskRow]]]) -> None:
    digest, _ = built
    png = status_chart_png(digest.units, as_of=AS_OF, lang="vi")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == chart_size(4) == (1200, 380)
    pixels = matplotlib.image.imread(io.BytesIO(png), format="png")
    assert pixels.shape[:2] == (380, 1200)
    assert pixels[..., :3].std() > 0.05  # bars and text, not a blank canvas


def test_chart_keeps_the_biggest_units_and_sums_the_rest() -> None:
    units = [
        UnitSummary(f"u{n}", f"Phòng {n}", StandingCounts(open_overdue=1, no_deadline=n)) for n in range(20)
    ]
    bars = chart_bars(units, "vi")
    assert len(bars) == MAX_BARS + 1
    others = StandingCounts(open_overdue=5, no_deadline=15 + 16 + 17 + 18 + 19)
    assert bars[-1] == ("Các đơn vị khác (5)", others)
    png = status_chart_png(units, as_of=AS_OF, lang="en")
    assert struct.unpack(">II", png[16:24]) == chart_size(MAX_BARS + 1)
