"""`nhacviec plans import`: the files it writes (checked by the real plan loader), the JSON shape,
the review comments, the summary, and every refusal with its message and nothing written."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner, Result

from bot.cli import app
from bot.cli.settings import forget_cli_settings
from bot.importer.draft import import_document
from bot.plans.loader import load_directory, load_workspace
from bot.plans.model import Plan

TODAY = dt.date(2026, 12, 1)
"""Stands in for the issue date of a document that shows none (never the wall clock)."""

DATA = Path(__file__).parent / "data" / "import"
DIRECTORY = DATA / "directory"
NHACVIEC = Path(sys.executable).with_name("nhacviec")
TASK_KEYS = {"ref", "text", "lead", "support", "timing", "due", "recurrence"}


@pytest.fixture(autouse=True)
def vietnamese(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("NHACVIEC_LANGUAGE", "vi")
    forget_cli_settings()
    yield
    forget_cli_settings()


def run(*args: str) -> Result:
    return CliRunner().invoke(app, ["plans", "import", *args, "--directory", str(DIRECTORY)])


def test_yaml_file_passes_the_plan_checker(tmp_path: Path) -> None:
    output = tmp_path / "kh-13.yaml"
    result = run(str(DATA / "labelled_blocks.txt"), "-o", str(output))
    assert result.exit_code == 0, result.stderr
    workspace = load_workspace([output], directory_dir=DIRECTORY)
    assert workspace.errors == []
    plan = workspace.plans["kh-13"].plan
    assert [(task.id, task.lead, task.support, task.timing) for task in plan.tasks] == [
        ("I.1", "so-tc", ["so-tp", "so-nv"], "Quý III/2017"),
        ("I.2", "so-khdt", [], "Hằng năm"),
    ]
    assert (plan.issuer, plan.number, plan.issued.isoformat()) == (
        "UBND tỉnh Thanh Hóa",
        "13/KH-UBND",
        "2017-02-15",
    )


def test_summary_line(tmp_path: Path) -> None:
    output = tmp_path / "kh-12.yaml"
    result = run(str(DATA / "prose.txt"), "-o", str(output))
    assert result.exit_code == 0, result.stderr
    units, _ = load_directory(DIRECTORY)
    draft = import_document(DATA / "prose.txt", units, today=TODAY)
    leads = sum(task.lead is not None for task in draft.tasks)
    timings = sum(task.timing is not None for task in draft.tasks)
    expected = (
        f"{len(draft.tasks)} nhiệm vụ, {leads} có đơn vị chủ trì, {timings} có thời hạn, "
        f"{draft.review_count()} mục cần kiểm tra lại"
    )
    assert result.stdout.splitlines() == [
        f"Đã ghi {output}.",
        f"{expected} (2 chỉ tiêu, 1 chế độ báo cáo, 1 đơn vị đề xuất thêm vào danh bạ).",
    ]
    assert expected.startswith("7 nhiệm vụ, 7 có đơn vị chủ trì, 6 có thời hạn")  # IV.2 has none


def test_review_comments_and_unit_proposals(tmp_path: Path) -> None:
    output = tmp_path / "kh-12.yaml"
    assert run(str(DATA / "prose.txt"), "-o", str(output)).exit_code == 0
    text = output.read_text(encoding="utf-8")
    lead_line = next(
        line for line in text.splitlines() if "thanhhoa.so-du-lich-bien" in line and "lead:" in line
    )
    assert "# kiểm tra lại: «Sở Du lịch Biển» chưa có trong danh bạ" in lead_line
    assert "#   - id: thanhhoa.so-du-lich-bien\n#     name: Sở Du lịch Biển\n" in text
    plan = Plan.model_validate(yaml.safe_load(text))  # comments aside, a valid plan file
    assert [task.id for task in plan.tasks][:3] == ["III.1.a", "III.1.b", "III.1.c"]
    problems = load_workspace([output], directory_dir=DIRECTORY).errors
    assert [(problem.code, problem.field) for problem in problems] == [("unknown-unit", "tasks[5].lead")]


def test_header_that_is_missing_is_flagged(tmp_path: Path) -> None:
    source = tmp_path / "khong-dau.txt"
    body = (DATA / "footers_no_diacritics.txt").read_text(encoding="utf-8").split("I. CAC NHIEM VU", 1)[1]
    source.write_text("I. CAC NHIEM VU" + body, encoding="utf-8")
    output = tmp_path / "nhap.yaml"
    assert run(str(source), "-o", str(output)).exit_code == 0
    lines = output.read_text(encoding="utf-8").splitlines()
    number = next(line for line in lines if line.startswith("number:"))
    assert number.startswith("number: '?'  # kiểm tra lại: không tìm thấy số, ký hiệu")
    issued = next(line for line in lines if line.startswith("issued:"))
    assert "# kiểm tra lại: không tìm thấy ngày ban hành" in issued


def test_json_has_exactly_the_documented_keys() -> None:
    result = run(str(DATA / "prose.txt"), "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"issuer", "number", "issued", "title", "tasks", "reporting"}
    assert all(set(task) == TASK_KEYS for task in data["tasks"])
    assert all(set(report) == {"text", "who", "to", "cycle"} for report in data["reporting"])
    first = data["tasks"][0]
    assert first == {
        "ref": "III.1.a",
        "text": "Sở Tư pháp chủ trì, phối hợp với Sở Nội vụ rà soát văn bản quy phạm pháp luật, "
        "báo cáo UBND tỉnh trong quý II/2017.",
        "lead": "Sở Tư pháp",
        "support": ["Sở Nội vụ"],
        "timing": "trong quý II/2017",
        "due": "2017-06-30",
        "recurrence": None,
    }
    kinds = {task["ref"]: task["recurrence"] for task in data["tasks"]}
    assert (kinds["III.2.-1"], kinds["IV.1"]) == ("continuous", "quarterly")
    assert data["issued"] == "2017-01-10"
    assert "nhiệm vụ" in result.stderr  # the summary goes to stderr: stdout stays one JSON object


def test_existing_file_is_kept_without_force(tmp_path: Path) -> None:
    output = tmp_path / "kh.yaml"
    output.write_text("# bản của văn thư\n", encoding="utf-8")
    result = run(str(DATA / "prose.txt"), "-o", str(output))
    assert result.exit_code != 0
    assert "tệp đã có, không ghi đè" in result.stderr and "--force" in result.stderr
    assert output.read_text(encoding="utf-8") == "# bản của văn thư\n"
    forced = run(str(DATA / "prose.txt"), "-o", str(output), "--force")
    assert forced.exit_code == 0, forced.stderr
    assert output.read_text(encoding="utf-8").startswith("# Bản nháp do `nhacviec plans import`")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("ke-hoach.odt", b"PK\x03\x04", ".txt, .docx hoặc .pdf"),
        ("hong.docx", b"not a zip", "không phải DOCX hợp lệ"),
        ("cu.txt", b"K\xea ho\xb8ch s\xe8 04", "không phải UTF-8"),
        ("rong.txt", "Văn bản không có nhiệm vụ nào.\n".encode(), "không tìm thấy nhiệm vụ"),
    ],
)
def test_bad_input_writes_nothing(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    output = tmp_path / "ket-qua.yaml"
    result = run(str(source), "-o", str(output))
    assert result.exit_code != 0
    assert message in result.stderr and name in result.stderr
    assert not output.exists()
    assert sorted(path.name for path in tmp_path.iterdir()) == [name]


def test_missing_output_folder(tmp_path: Path) -> None:
    result = run(str(DATA / "prose.txt"), "-o", str(tmp_path / "khong-co" / "kh.yaml"))
    assert result.exit_code != 0
    assert "thư mục" in result.stderr and "không tồn tại" in result.stderr
    assert not (tmp_path / "khong-co").exists()


@pytest.mark.slow
def test_real_command_on_a_scanned_pdf(tmp_path: Path) -> None:
    """The installed `nhacviec` in a subprocess: a PDF without text says it needs OCR first."""
    import matplotlib

    matplotlib.use("pdf")
    from matplotlib.figure import Figure

    figure = Figure()
    figure.figimage([[0.0, 1.0], [1.0, 0.0]] * 20)
    source = tmp_path / "ban-quet.pdf"
    figure.savefig(str(source))
    shutil.copytree(DIRECTORY, tmp_path / "directory")
    completed = subprocess.run(
        [
            str(NHACVIEC),
            "plans",
            "import",
            str(source),
            "-o",
            str(tmp_path / "kh.yaml"),
            "--directory",
            str(tmp_path / "directory"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode != 0
    assert "không có lớp chữ" in completed.stderr and "OCR" in completed.stderr
    assert not (tmp_path / "kh.yaml").exists()


def test_json_nulls_what_the_document_does_not_say(tmp_path: Path) -> None:
    source = tmp_path / "khong-dau.txt"
    source.write_text("I. NHIỆM VỤ\n1. Sở Nội vụ chủ trì kiện toàn bộ máy.\n", encoding="utf-8")
    result = run(str(source), "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["issuer"], data["number"], data["issued"], data["title"]) == (None, None, None, None)
    assert data["tasks"] == [
        {
            "ref": "I.1",
            "text": "Sở Nội vụ chủ trì kiện toàn bộ máy.",
            "lead": "Sở Nội vụ",
            "support": [],
            "timing": None,
            "due": None,
            "recurrence": None,
        }
    ]
    assert data["reporting"] == []
