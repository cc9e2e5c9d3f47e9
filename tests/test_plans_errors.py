"""Every error a clerk can make in a plan or the directory, with its exact message and position."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.plans.loader import Problem, load_workspace

GOOD = Path(__file__).parent / "data" / "plans" / "good"

HEADER = """\
issuer: UBND tỉnh Thanh Hóa
number: 04/KH-UBND
issued: 2017-01-10
title: Kế hoạch thử
"""
TASK = """\
tasks:
  - id: I.1
    title: Việc một
    lead: Sở KH&ĐT
    timing: Quý II/2017
"""


@pytest.fixture
def plans_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "plans"
    shutil.copytree(GOOD / "directory", folder / "directory")
    return folder


def errors(plans_dir: Path, text: str, *, lang: str = "vi", name: str = "kh.yaml") -> list[str]:
    (plans_dir / name).write_text(text, encoding="utf-8")
    workspace = load_workspace([plans_dir], lang=lang)
    assert name.removesuffix(".yaml") not in workspace.plans
    return [_short(problem, plans_dir) for problem in workspace.errors]


def _short(problem: Problem, folder: Path) -> str:
    return problem.format().removeprefix(f"{folder}/")


def test_the_valid_base_plan_has_no_errors(plans_dir: Path) -> None:
    (plans_dir / "kh.yaml").write_text(HEADER + TASK, encoding="utf-8")
    workspace = load_workspace([plans_dir])
    assert workspace.errors == []
    assert workspace.plans["kh"].plan.tasks[0].lead == "so-khdt"


def test_tab_in_indentation(plans_dir: Path) -> None:
    assert errors(plans_dir, HEADER + "tasks:\n\t- id: I.1\n") == [
        "kh.yaml:6:1: có ký tự Tab; YAML chỉ cho phép thụt lề bằng dấu cách. "
        "Thay Tab bằng dấu cách (mỗi cấp 2 dấu cách)."
    ]
    assert errors(plans_dir, HEADER + "tasks:\n\t- id: I.1\n", lang="en") == [
        "kh.yaml:6:1: a Tab character; YAML indents with spaces only. Replace the Tab with spaces "
        "(2 per level)."
    ]


def test_unclosed_quote_points_at_the_opening_quote(plans_dir: Path) -> None:
    text = 'issuer: "UBND tỉnh Thanh Hóa\nnumber: 04/KH-UBND\n'
    assert errors(plans_dir, text) == [
        'kh.yaml:1:9: dấu ngoặc " mở ở đây không được đóng. Thêm dấu " ở cuối giá trị.'
    ]
    assert errors(plans_dir, "title: 'Kế hoạch\n", lang="en") == [
        "kh.yaml:1:8: the ' quote opened here is never closed. Add a ' at the end of the value."
    ]


def test_colon_inside_an_unquoted_value(plans_dir: Path) -> None:
    text = HEADER.replace("title: Kế hoạch thử", "title: Kế hoạch: thử nghiệm") + TASK
    assert errors(plans_dir, text) == [
        "kh.yaml:4:16: có dấu «: » trong một giá trị không nằm trong ngoặc kép. Đặt cả giá trị trong "
        'dấu ngoặc kép, ví dụ: title: "Kế hoạch: …".'
    ]


def test_misaligned_indentation(plans_dir: Path) -> None:
    text = HEADER + "tasks:\n  - id: I.1\n   title: Việc một\n"
    assert errors(plans_dir, text) == [
        "kh.yaml:7:4: thụt lề không khớp với các dòng phía trên. Các khóa cùng cấp phải thẳng cột với "
        "nhau, mỗi mục của danh sách bắt đầu bằng «- » ở cùng một cột."
    ]


def test_duplicate_key(plans_dir: Path) -> None:
    text = HEADER + TASK + "    timing: Quý III/2017\n"
    assert errors(plans_dir, text) == [
        "kh.yaml:10:5: tasks[1].timing: khóa «timing» bị lặp (lần đầu ở dòng 9). YAML chỉ giữ giá trị "
        "sau cùng: xóa hoặc gộp một trong hai."
    ]
    assert errors(plans_dir, text, lang="en") == [
        "kh.yaml:10:5: tasks[1].timing: the key «timing» is written twice (first on line 9). YAML keeps "
        "only the last value: delete or merge one of them."
    ]


def test_impossible_issue_date(plans_dir: Path) -> None:
    text = HEADER.replace("issued: 2017-01-10", "issued: 32/13/2017") + TASK
    assert errors(plans_dir, text) == [
        "kh.yaml:3:1: issued: «32/13/2017» không phải ngày hợp lệ. Viết ngày theo dạng 2017-01-10 "
        "hoặc 10/01/2017."
    ]
    assert errors(plans_dir, text, lang="en") == [
        "kh.yaml:3:1: issued: «32/13/2017» is not a valid date. Write dates as 2017-01-10 or 10/01/2017."
    ]


def test_a_phrase_under_due_points_to_timing(plans_dir: Path) -> None:
    text = HEADER + TASK + "    due: Quý II/2017\n"
    assert errors(plans_dir, text) == [
        "kh.yaml:10:5: tasks[1].due: «Quý II/2017» không phải ngày. «due» chỉ ghi ngày cụ thể (2017-06-30 "
        "hoặc 30/06/2017); cụm thời hạn như văn bản viết thì ghi vào «timing»."
    ]


def test_wrong_types(plans_dir: Path) -> None:
    text = (
        HEADER
        + TASK
        + "    support:\n      name: Sở Tài chính\n"
        + ("reminders:\n  before: [7, ba]\n  send_at: 8 giờ\n  overdue_every: 0\n  notify_support: có\n")
    )
    assert errors(plans_dir, text) == [
        "kh.yaml:10:5: tasks[1].support: cần một danh sách, ví dụ [a, b], hoặc mỗi mục một dòng «- …».",
        "kh.yaml:13:15: reminders.before[2]: «ba» không phải số nguyên. Viết một số, ví dụ 3.",
        "kh.yaml:14:3: reminders.send_at: «8 giờ» không phải giờ hợp lệ. Viết giờ theo dạng 08:00.",
        "kh.yaml:15:3: reminders.overdue_every: «0» quá nhỏ: giá trị phải từ 1 trở lên.",
        "kh.yaml:16:3: reminders.notify_support: «có» không phải giá trị có/không. Viết true hoặc false.",
    ]


def test_a_single_string_is_accepted_where_a_list_is_expected(plans_dir: Path) -> None:
    (plans_dir / "kh.yaml").write_text(HEADER + TASK + "    support: Sở Tài chính\n", encoding="utf-8")
    workspace = load_workspace([plans_dir])
    assert workspace.errors == []
    assert workspace.plans["kh"].plan.tasks[0].support == ["so-tc"]


def test_text_expected_but_a_list_given(plans_dir: Path) -> None:
    text = HEADER + TASK.replace("lead: Sở KH&ĐT", "lead: [Sở KH&ĐT, Sở Tài chính]")
    assert errors(plans_dir, text) == [
        "kh.yaml:8:5: tasks[1].lead: cần một giá trị dạng chữ, không phải danh sách hay nhóm khóa con."
    ]


@pytest.mark.parametrize(
    ("line", "key", "suggestion_vi", "suggestion_en"),
    [
        ("    lead_unit: Sở Tài chính", "lead_unit", "«lead»", "«lead»"),
        ("    deadline: 30/6/2017", "deadline", "«timing» hoặc «due»", "«timing» or «due»"),
        ("    tilte: Việc hai", "tilte", "«title»", "«title»"),
    ],
)
def test_unknown_key_with_did_you_mean(
    plans_dir: Path, line: str, key: str, suggestion_vi: str, suggestion_en: str
) -> None:
    text = HEADER + TASK + line + "\n"
    assert errors(plans_dir, text) == [
        f"kh.yaml:10:5: tasks[1].{key}: khóa «{key}» không có trong mẫu. Có phải ý bạn là {suggestion_vi}?"
    ]
    assert errors(plans_dir, text, lang="en") == [
        f"kh.yaml:10:5: tasks[1].{key}: the key «{key}» is not part of the format. "
        f"Did you mean {suggestion_en}?"
    ]


def test_unknown_key_without_a_close_match_lists_the_allowed_keys(plans_dir: Path) -> None:
    text = HEADER + TASK + "reminders:\n  xyz: 1\n"
    assert errors(plans_dir, text) == [
        "kh.yaml:11:3: reminders.xyz: khóa «xyz» không có trong mẫu. Các khóa dùng được ở đây: before, "
        "send_at, overdue_every, overdue_max, escalate_after, notify_support."
    ]


def test_unknown_unit_with_did_you_mean(plans_dir: Path) -> None:
    text = HEADER + TASK.replace("lead: Sở KH&ĐT", "lead: Sở KHĐT")
    assert errors(plans_dir, text) == [
        "kh.yaml:8:5: tasks[1].lead: không tìm thấy đơn vị «Sở KHĐT». Có phải ý bạn là «so-khdt» "
        "(Sở Kế hoạch và Đầu tư)? Thêm đơn vị vào plans/directory/ nếu đây là đơn vị mới."
    ]
    assert errors(plans_dir, text, lang="en") == [
        "kh.yaml:8:5: tasks[1].lead: unit «Sở KHĐT» not found. Did you mean «so-khdt» "
        "(Sở Kế hoạch và Đầu tư)? Add the unit to plans/directory/ if it is a new one."
    ]


def test_unknown_unit_in_a_list_and_without_any_close_match(plans_dir: Path) -> None:
    text = HEADER + TASK + "    support: [Sở Tài chánh, Bộ Quốc phòng]\n"
    assert errors(plans_dir, text) == [
        "kh.yaml:10:15: tasks[1].support[1]: không tìm thấy đơn vị «Sở Tài chánh». Có phải ý bạn là "
        "«so-tc» (Sở Tài chính)? Thêm đơn vị vào plans/directory/ nếu đây là đơn vị mới.",
        "kh.yaml:10:29: tasks[1].support[2]: không tìm thấy đơn vị «Bộ Quốc phòng». Thêm đơn vị vào "
        "plans/directory/ nếu đây là đơn vị mới.",
    ]


def test_several_units_in_one_value_are_told_to_be_a_list(plans_dir: Path) -> None:
    text = HEADER + TASK + "    support: Sở Tài chính, VP UBND\n"
    assert errors(plans_dir, text) == [
        "kh.yaml:10:5: tasks[1].support: không tìm thấy đơn vị «Sở Tài chính, VP UBND». Nếu đây là nhiều "
        "đơn vị, viết thành danh sách: [Sở Tài chính, VP UBND]. Thêm đơn vị vào plans/directory/ nếu đây "
        "là đơn vị mới."
    ]
    assert errors(plans_dir, text, lang="en") == [
        "kh.yaml:10:5: tasks[1].support: unit «Sở Tài chính, VP UBND» not found. If these are several "
        "units, write them as a list: [Sở Tài chính, VP UBND]. Add the unit to plans/directory/ if it is a "
        "new one."
    ]


def test_unknown_person_in_digest_to(plans_dir: Path) -> None:
    text = HEADER + "digest_to: Nguyễn Văn A\n" + TASK
    assert errors(plans_dir, text) == [
        "kh.yaml:5:1: digest_to: không tìm thấy người «Nguyễn Văn A» trong danh bạ. Có phải ý bạn là "
        "«nguyen-van-a» (Nguyễn Văn A)? Thêm người vào danh sách people: trong plans/directory/."
    ]


def test_empty_plan(plans_dir: Path) -> None:
    assert errors(plans_dir, HEADER + "tasks: []\n") == [
        "kh.yaml:1:1: kế hoạch không có nhiệm vụ, chỉ tiêu hay chế độ báo cáo nào. Thêm ít nhất một mục "
        "vào tasks:, targets: hoặc reporting:."
    ]
    assert errors(plans_dir, HEADER, lang="en") == [
        "kh.yaml:1:1: the plan has no tasks, targets or reporting obligations. Add at least one item under "
        "tasks:, targets: or reporting:."
    ]


def test_empty_file_and_a_file_that_is_not_key_value_lines(plans_dir: Path) -> None:
    assert errors(plans_dir, "# chỉ có ghi chú\n") == [
        "kh.yaml:1:1: tệp trống. Viết nội dung theo mẫu trong plans/README.md."
    ]
    assert errors(plans_dir, "- issuer: UBND\n") == [
        "kh.yaml:1:1: nội dung tệp phải là các dòng «khóa: giá trị» (issuer:, number:, issued:, title:, "
        "source:, monitor:, digest_to:, reminders:, tasks:, targets:, reporting:). Xem mẫu trong "
        "plans/README.md."
    ]


def test_missing_required_keys(plans_dir: Path) -> None:
    text = "issuer: UBND tỉnh\nissued: 2017-01-10\n" + TASK.replace("    title: Việc một\n", "")
    assert errors(plans_dir, text) == [
        "kh.yaml:1:1: number: thiếu khóa bắt buộc «number». Thêm dòng «number: …» (xem mẫu trong "
        "plans/README.md).",
        "kh.yaml:1:1: title: thiếu khóa bắt buộc «title». Thêm dòng «title: …» (xem mẫu trong "
        "plans/README.md).",
        "kh.yaml:4:5: tasks[1].title: thiếu khóa bắt buộc «title». Thêm dòng «title: …» (xem mẫu trong "
        "plans/README.md).",
    ]
    assert errors(plans_dir, text.replace("issuer: UBND tỉnh", "issuer:"), lang="en")[0] == (
        "kh.yaml:1:1: issuer: must not be empty."
    )


def test_reporting_needs_at_least_one_unit(plans_dir: Path) -> None:
    text = (
        HEADER
        + "reporting:\n  - id: IV.1\n    text: Báo cáo\n    who: []\n    to: vp-ubnd\n    cycle: hằng năm\n"
    )
    assert errors(plans_dir, text) == ["kh.yaml:8:5: reporting[1].who: cần ít nhất một mục."]


def test_duplicate_ids_within_a_plan(plans_dir: Path) -> None:
    second = "  - id: I.1\n    title: Việc hai\n    lead: so-tc\n    timing: Quý III/2017\n"
    assert errors(plans_dir, HEADER + TASK + second) == [
        "kh.yaml:10:5: tasks[2].id: mã «I.1» trùng với tasks[1] (dòng 6). Mỗi mục cần một mã riêng: "
        "đánh lại theo số thứ tự trong văn bản."
    ]


def test_file_name_must_be_a_plan_id(plans_dir: Path) -> None:
    assert errors(plans_dir, HEADER + TASK, name="KH 04.yaml") == [
        "KH 04.yaml: tên tệp «KH 04.yaml» không dùng được làm mã kế hoạch: chỉ dùng chữ thường không dấu, "
        "số và - . _. Đổi tên tệp, ví dụ «kh-04.yaml»."
    ]


def test_missing_path_and_missing_directory(tmp_path: Path) -> None:
    workspace = load_workspace([tmp_path / "khong-co"])
    assert [p.format() for p in workspace.errors] == [
        f"{tmp_path / 'khong-co'}: không tìm thấy tệp hay thư mục này. Kiểm tra lại đường dẫn."
    ]
    (tmp_path / "kh.yaml").write_text(HEADER + TASK, encoding="utf-8")
    workspace = load_workspace([tmp_path], lang="en")
    assert [p.format() for p in workspace.errors] == [
        f"{tmp_path / 'directory'}: the unit directory folder is missing. Create it and list the units "
        "(units:) as in plans/README.md.",
        f"{tmp_path / 'kh.yaml'}:8:5: tasks[1].lead: unit «Sở KH&ĐT» not found. Add the unit to "
        "plans/directory/ if it is a new one.",
    ]


def test_directory_errors(plans_dir: Path) -> None:
    (plans_dir / "directory" / "xa.yaml").write_text(
        "units:\n"
        "  - id: so-tc\n    name: Sở Tài chính (trùng mã)\n"
        "  - id: Sở Y tế\n    name: Sở Y tế\n"
        "  - id: so-tc-2\n    name: Sở Công Thương\n"
        "people:\n  - id: tran-b\n    name: Trần B\n    unit: Sở Tài chánh\n"
        "  - id: le-c\n    name: Lê C\n    unit: vp-ubnd\n    role: boss\n"
        "groups: []\n",
        encoding="utf-8",
    )
    workspace = load_workspace([plans_dir])
    units_file = plans_dir / "directory" / "units.yaml"
    assert [_short(p, plans_dir) for p in workspace.errors] == [
        f"directory/xa.yaml:2:5: units[1].id: mã «so-tc» đã dùng ở {units_file}:10. Mỗi đơn vị, mỗi người "
        "cần một mã riêng.",
        "directory/xa.yaml:4:5: units[2].id: mã «Sở Y tế» không hợp lệ: chỉ dùng chữ thường không dấu, "
        "số và - . _ (ví dụ «so-y-te»).",
        "directory/xa.yaml:7:5: units[3].name: tên «Sở Công Thương» trùng với tên của đơn vị «so-ct» "
        f"({units_file}:12). Sửa hoặc bỏ một trong hai, nếu không sẽ không biết tên này chỉ đơn vị nào.",
        "directory/xa.yaml:11:5: people[1].unit: không tìm thấy đơn vị «Sở Tài chánh». Có phải ý bạn là "
        "«so-tc» (Sở Tài chính)? Thêm đơn vị vào plans/directory/ nếu đây là đơn vị mới.",
        "directory/xa.yaml:15:5: people[2].role: «boss» không phải giá trị cho phép. Chọn một trong: "
        "staff, head, chief, admin.",
        "directory/xa.yaml:16:1: groups: khóa «groups» không có trong mẫu. Các khóa dùng được ở đây: "
        "units, people.",
    ]


def test_same_plan_id_in_two_folders(plans_dir: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (plans_dir / "kh.yaml").write_text(HEADER + TASK, encoding="utf-8")
    (other / "kh.yaml").write_text(HEADER + TASK, encoding="utf-8")
    workspace = load_workspace([plans_dir, other], directory_dir=plans_dir / "directory")
    assert [p.format() for p in workspace.errors] == [
        f"{other / 'kh.yaml'}: mã kế hoạch «kh» trùng với tệp {plans_dir / 'kh.yaml'}. "
        "Đổi tên một trong hai tệp."
    ]
    assert workspace.plans["kh"].path == plans_dir / "kh.yaml"


def test_file_that_is_not_utf8(plans_dir: Path) -> None:
    # Notepad's "Unicode" is UTF-16: a clerk can save a plan that way by mistake.
    (plans_dir / "kh.yaml").write_bytes((HEADER + TASK).encode("utf-16"))
    workspace = load_workspace([plans_dir])
    assert [(p.code, p.line) for p in workspace.errors] == [("unreadable", 0)]
    assert workspace.errors[0].message.startswith("không đọc được tệp (")
    assert workspace.errors[0].message.endswith("). Lưu lại tệp dạng văn bản với bảng mã UTF-8.")


@pytest.mark.parametrize(
    ("line", "position", "message"),
    [
        (
            "title: [Kế hoạch thử",
            "4:8",
            "dấu «[» mở ở đây không được đóng. Thêm «]» ở cuối.",
        ),
        (
            "title: @UBND",
            "4:8",
            "giá trị bắt đầu bằng ký tự «@», là ký tự đặc biệt của YAML. Đặt cả giá trị trong dấu ngoặc kép, "
            'ví dụ: "@…".',
        ),
        (
            'title: "C:\\kehoach\\thu"',
            "4:12",
            "dấu «\\» trong ngoặc kép mở đầu một ký tự đặc biệt. Dùng ngoặc đơn '…' cho giá trị này, "
            "hoặc viết «\\\\» thay cho «\\».",
        ),
    ],
)
def test_other_syntax_mistakes_say_what_to_do(
    plans_dir: Path, line: str, position: str, message: str
) -> None:
    text = HEADER.replace("title: Kế hoạch thử", line) + TASK
    assert errors(plans_dir, text) == [f"kh.yaml:{position}: {message}"]


def test_syntax_mistake_in_english(plans_dir: Path) -> None:
    text = HEADER.replace("title: Kế hoạch thử", "title: [Kế hoạch thử") + TASK
    assert errors(plans_dir, text, lang="en") == [
        "kh.yaml:4:8: the «[» opened here is never closed. Add «]» at the end."
    ]
