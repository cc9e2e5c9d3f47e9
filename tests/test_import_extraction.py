"""`bot.importer`: what a plan document says, on small crafted documents and on seed 003 (OCR)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.importer.draft import import_document
from bot.importer.model import Draft, DraftTask
from bot.plans.loader import load_directory
from bot.plans.model import Directory

TODAY = dt.date(2026, 12, 1)
"""Stands in for the issue date of a document that shows none (never the wall clock)."""

DATA = Path(__file__).parent / "data" / "import"


@pytest.fixture(scope="module")
def directory() -> Directory:
    units, problems = load_directory(DATA / "directory")
    assert problems == []
    return units


def _tasks(draft: Draft) -> dict[str, DraftTask]:
    return {task.id: task for task in draft.tasks}


def _lead(task: DraftTask) -> str | None:
    return task.lead.id if task.lead else None


def test_header_is_read(directory: Directory) -> None:
    header = import_document(DATA / "prose.txt", directory, today=TODAY).header
    assert (header.issuer, header.number, header.issued) == (
        "UBND tỉnh Thanh Hóa",
        "12/KH-UBND",
        dt.date(2017, 1, 10),
    )
    assert header.title == "Kế hoạch triển khai thực hiện Đề án thu hút đầu tư"
    assert header.notes == {}


def test_numbering_gives_the_task_ids_of_the_convention(directory: Directory) -> None:
    draft = import_document(DATA / "prose.txt", directory, today=TODAY)
    assert [task.id for task in draft.tasks] == [
        "III.1.a",
        "III.1.b",
        "III.1.c",
        "III.2.-1",
        "III.2.-2",
        "IV.1",
        "IV.2",
    ]
    # Section I (Mục đích, yêu cầu) is background; section II holds targets, not tasks.
    assert [target.id for target in draft.targets] == ["II.1", "II.2"]


def test_prose_chu_tri_phoi_hop(directory: Directory) -> None:
    task = _tasks(import_document(DATA / "prose.txt", directory, today=TODAY))["III.1.a"]
    assert _lead(task) == "so-tp"
    assert [ref.id for ref in task.support] == ["so-nv"]
    assert task.timing is not None
    assert (task.timing.text, task.timing.due) == ("trong quý II/2017", dt.date(2017, 6, 30))


def test_prose_giao_and_tham_muu(directory: Directory) -> None:
    tasks = _tasks(import_document(DATA / "prose.txt", directory, today=TODAY))
    giao, tham_muu = tasks["III.1.b"], tasks["III.1.c"]
    assert _lead(giao) == "so-khdt"
    assert giao.timing is not None and giao.timing.due == dt.date(2017, 6, 29)  # `trước ngày 30/6`
    assert _lead(tham_muu) == "so-tc"
    assert tham_muu.timing is not None and tham_muu.timing.due == dt.date(2017, 4, 30)


def test_bullets_are_numbered_by_position(directory: Directory) -> None:
    tasks = _tasks(import_document(DATA / "prose.txt", directory, today=TODAY))
    first, second = tasks["III.2.-1"], tasks["III.2.-2"]
    assert _lead(first) == "so-vhttdl"
    assert first.timing is not None and first.timing.recurrence == "continuous"
    assert second.timing is not None and second.timing.due == dt.date(2017, 12, 31)


def test_unknown_unit_is_proposed_with_an_id(directory: Directory) -> None:
    draft = import_document(DATA / "prose.txt", directory, today=TODAY)
    task = _tasks(draft)["III.2.-2"]
    assert task.lead is not None and task.lead.unit_id is None
    assert task.lead.written == "Sở Du lịch Biển"
    assert draft.proposals() == {"thanhhoa.so-du-lich-bien": "Sở Du lịch Biển"}
    assert "chưa có trong danh bạ" in task.notes["lead"]


def test_targets_keep_their_horizon(directory: Directory) -> None:
    targets = import_document(DATA / "prose.txt", directory, today=TODAY).targets
    assert [(target.id, target.horizon) for target in targets] == [
        ("II.1", "Đến năm 2020"),
        ("II.2", "Hằng năm"),
    ]


def test_organisation_section_gives_reporting_and_monitor(directory: Directory) -> None:
    draft = import_document(DATA / "prose.txt", directory, today=TODAY)
    assert draft.monitor is not None and draft.monitor.id == "vp-ubnd"
    [report] = draft.reporting
    assert report.id == "IV.1"
    assert [ref.id for ref in report.who] == ["cac-so-nganh"]
    assert report.to is not None and report.to.id == "so-khdt"
    assert "tháng cuối quý" in report.cycle
    task = _tasks(draft)["IV.1"]
    assert task.timing is not None and task.timing.recurrence == "quarterly"


def test_labelled_blocks_under_an_item(directory: Directory) -> None:
    tasks = _tasks(import_document(DATA / "labelled_blocks.txt", directory, today=TODAY))
    first, second = tasks["I.1"], tasks["I.2"]
    assert first.text == "Số hóa hồ sơ địa chính toàn tỉnh."  # `Nhiệm vụ:` is the task's text
    assert _lead(first) == "so-tc"
    assert [ref.id for ref in first.support] == ["so-tp", "so-nv"]
    assert first.timing is not None
    assert (first.timing.text, first.timing.due) == ("Quý III/2017", dt.date(2017, 9, 30))
    assert _lead(second) == "so-khdt"
    assert second.timing is not None and second.timing.recurrence == "annual"


def test_section_footers_apply_to_every_point_without_diacritics(directory: Directory) -> None:
    draft = import_document(DATA / "footers_no_diacritics.txt", directory, today=TODAY)
    tasks = _tasks(draft)
    assert list(tasks) == ["I.1.-1.-1", "I.1.-1.-2", "I.2.-1"]
    for task_id in ("I.1.-1.-1", "I.1.-1.-2"):
        assert _lead(tasks[task_id]) == "so-khdt"
        assert [ref.id for ref in tasks[task_id].support] == ["so-tc"]
    assert _lead(tasks["I.2.-1"]) == "so-nv"
    assert all(task.timing is not None and task.timing.recurrence == "continuous" for task in draft.tasks)
    assert draft.header.issued == dt.date(2017, 3, 20)


def test_seed_003_ocr_text() -> None:
    """Seed 003 lost its diacritics to OCR: numbering, footers and the header must still read."""
    draft = import_document(DATA / "seed003_donghai_ocr.txt", today=TODAY)
    assert draft.lost_diacritics  # flagged at the top of the YAML draft
    assert not import_document(DATA / "seed002_thanhhoa.txt", today=TODAY).lost_diacritics
    header = draft.header
    assert (header.number, header.issued) == ("103/KH-UBND", dt.date(2025, 11, 5))
    tasks = _tasks(draft)
    # The paragraphs under `* Về phát triển công nghiệp:` of III.1.2 are its points.
    first = tasks["III.1.2.-1.-1"]
    assert first.text.startswith("Tang cuong thu hat von dau tu")
    # `Phân công thực hiện: … giao phong Kinh té, Ha ting va D6 thi ch tri, phdi hop v6i Thué co so 1 …`
    assert first.lead is not None and first.lead.written == "phong Kinh té, Ha ting va D6 thi"
    assert [ref.written for ref in first.support][:2] == [
        "Thué co so 1 thanh phd Hai Phong",
        "Ban Quan 1y du 4n khu vuc Hai An",
    ]
    in_section_iii = [task for task in draft.tasks if task.id.startswith("III.")]
    assert in_section_iii and all(
        task.timing is not None and task.timing.recurrence == "continuous" for task in in_section_iii
    )
    justice = tasks["III.8.-1"]  # `Phan cong thuc hien: Van phong HDND va UBND phuong cha tri, …`
    assert justice.lead is not None and justice.lead.written == "Van phong HDND va UBND phuong"


def test_co_leads_of_a_footer_are_chosen_by_topic(tmp_path: Path) -> None:
    """`Giao Ban Chỉ huy quân sự, Công an phường chủ trì`: the military points go to the first,
    the public-order points to the second (as seed 003's section III.7 reads)."""
    path = tmp_path / "quoc-phong.txt"
    path.write_text(
        "I. NHIEM VU\n1. Bao dam quoc phong, an ninh\n"
        "* Ve cong tac quan su:\nHuan luyen luc luong dan quan.\n"
        "* Ve cong tac an ninh trat tu:\nDau tranh phong chong toi pham.\n"
        "Phan cong thuc hien: Giao Ban Chi huy quan su phuong, Cong an phuong chu tri, phoi hop voi cac "
        "don vi lien quan.\nThoi gian thuc hien: Thuong xuyen.\n",
        encoding="utf-8",
    )
    tasks = _tasks(import_document(path, today=TODAY))
    military, police = tasks["I.1.-1.-1"], tasks["I.1.-2.-1"]
    assert military.lead is not None and military.lead.written == "Ban Chi huy quan su phuong"
    # The group (`các đơn vị liên quan`) stays a supporting unit, as written (issue #13).
    assert [ref.written for ref in military.support] == ["Cong an phuong", "cac don vi lien quan"]
    assert police.lead is not None and police.lead.written == "Cong an phuong"
    assert [ref.written for ref in police.support] == ["Ban Chi huy quan su phuong", "cac don vi lien quan"]
    assert "theo tiêu đề" in police.notes["lead"]


def test_several_labelled_blocks_in_one_paragraph(tmp_path: Path, directory: Directory) -> None:
    path = tmp_path / "mot-doan.txt"
    path.write_text(
        "Số: 5/KH-UBND\nThanh Hóa, ngày 3 tháng 1 năm 2018\nI. NHIỆM VỤ\n"
        "1. Xây dựng đề án chuyển đổi số. Cơ quan chủ trì: Sở Nội vụ; cơ quan phối hợp: Sở Tư pháp, "
        "Sở Tài chính; thời gian hoàn thành: quý II/2018.\n",
        encoding="utf-8",
    )
    [task] = import_document(path, directory, today=TODAY).tasks
    assert (task.id, task.text) == ("I.1", "Xây dựng đề án chuyển đổi số.")
    assert _lead(task) == "so-nv"
    assert [ref.id for ref in task.support] == ["so-tp", "so-tc"]
    assert task.timing is not None
    assert (task.timing.text, task.timing.due) == ("quý II/2018", dt.date(2018, 6, 30))


def test_a_point_with_two_deadlines_is_flagged(tmp_path: Path, directory: Directory) -> None:
    path = tmp_path / "hai-moc.txt"
    path.write_text(
        "Số: 6/KH-UBND\nThanh Hóa, ngày 10 tháng 01 năm 2017\nI. NHIỆM VỤ\n"
        "1. Sở Kế hoạch và Đầu tư hoàn thành bước dự thảo quy hoạch vào tháng 4/2017; tham mưu giải pháp "
        "hỗ trợ hộ kinh doanh, báo cáo UBND tỉnh trong quý II/2017.\n",
        encoding="utf-8",
    )
    [task] = import_document(path, directory, today=TODAY).tasks
    assert task.timing is not None and task.timing.text == "vào tháng 4/2017"  # the first deadline
    assert task.notes["title"] == (
        "đoạn có 2 mốc thời gian (30/04/2017, 30/06/2017): có thể cần tách thành nhiều nhiệm vụ"
    )


def test_a_target_that_commits_work_to_a_date_is_also_a_task(tmp_path: Path) -> None:
    path = tmp_path / "chi-tieu.txt"
    path.write_text(
        "Số: 8/CTr-TU\nĐức Phổ, ngày 01 tháng 12 năm 2021\nII. CHỈ TIÊU CHỦ YẾU\n"
        "(1) Hằng năm, 100% văn bản quy phạm pháp luật được ban hành đúng quy định.\n"
        "(2) Trong năm 2022, hoàn thành việc xây dựng Đề án vị trí việc làm.\n"
        "III. NHIỆM VỤ\n1. Tiếp tục rà soát thủ tục hành chính.\n",
        encoding="utf-8",
    )
    draft = import_document(path, today=TODAY)
    assert [(target.id, target.horizon) for target in draft.targets] == [
        ("II.(1)", "Hằng năm"),
        ("II.(2)", "Trong năm 2022"),
    ]
    committed = _tasks(draft)["II.(2)"]
    assert committed.timing is not None
    assert (committed.timing.text, committed.timing.due) == ("Trong năm 2022", dt.date(2022, 12, 31))
    assert "II.(1)" not in _tasks(draft)  # a yearly target is not work with a deadline
