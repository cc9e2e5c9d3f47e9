"""`nhacviec digest` on a SQLite file in the known state.

The text digest for a recipient runs the real installed command (a process printing the digest,
nothing on stderr, exit code 0); the others run in-process (`tests/cli_support.py`: the
environment, folder and caches a fresh process would have, without its two seconds of imports)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from test_digest_state import seed

from bot.db.engine import make_engine
from bot.db.migrate import upgrade
from tests.cli_support import CliResult, run_nhacviec

NHACVIEC = Path(sys.executable).parent / "nhacviec"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'nhacviec.db'}"
    engine = make_engine(url)
    upgrade(engine)
    seed(engine)
    engine.dispose()
    return url


def environment(url: str, cwd: Path) -> dict[str, str]:
    # An empty schedules folder: statutory holidays only, whatever schedules/holidays.yaml says.
    schedules = cwd / "schedules"
    schedules.mkdir(exist_ok=True)
    return {
        **os.environ,
        "DATABASE_URL": url,
        "SCHEDULES_DIR": str(schedules),
        "TIMEZONE": "Asia/Ho_Chi_Minh",
        "NHACVIEC_LANGUAGE": "vi",
        "COLUMNS": "300",
    }


def program(*args: str, url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`nhacviec digest ARGS` as a real process."""
    return subprocess.run(
        [str(NHACVIEC), "digest", *args],
        capture_output=True,
        text=True,
        env=environment(url, cwd),
        cwd=cwd,
        timeout=120,
    )


def run(*args: str, url: str, cwd: Path) -> CliResult:
    """`nhacviec digest ARGS` in-process."""
    return run_nhacviec("digest", *args, env=environment(url, cwd), cwd=cwd)


def test_text_for_a_recipient(database: str, tmp_path: Path) -> None:
    result = program("--to", "chanh-vp", "--as-of", "20/11/2026", url=database, cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert lines[:5] == [
        "BÁO CÁO TỔNG HỢP TÌNH HÌNH THỰC HIỆN NHIỆM VỤ",
        "Số liệu đến hết thứ Sáu, 20/11/2026",
        "Gửi: Trần Thị Bích",
        "",
        "Tổng số nhiệm vụ: 11",
    ]
    assert "• Đang thực hiện quá hạn: 3" in lines
    first = next(line for line in lines if line.startswith("1. "))
    assert first.startswith("1. [12/KH-UBND · 3]") and "quá hạn 14 ngày làm việc" in first


def test_a_recipient_gets_their_own_language(database: str, tmp_path: Path) -> None:
    result = run("--to", "pct", "--as-of", "2026-11-20", url=database, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:3] == [
        "TASK PROGRESS DIGEST",
        "Figures as of the end of Friday, 20/11/2026",
        "To: Lê Văn Cường",
    ]
    assert "Tasks: 9" in result.stdout.splitlines()  # pct receives kh-12-2026 only


def test_html_in_english_for_one_plan(database: str, tmp_path: Path) -> None:
    result = run(
        "--plan",
        "kh-12-2026",
        "--as-of",
        "2026-11-20",
        "--format",
        "html",
        "--lang",
        "en",
        url=database,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "<b>TASK PROGRESS DIGEST</b>"
    assert "<b>Tasks: 9</b>" in lines and "• Done on time: 2" in lines
    assert "&lt;có ưu tiên&gt; &amp;" in result.stdout


def test_xlsx_lands_in_the_current_folder_and_says_where(database: str, tmp_path: Path) -> None:
    result = run("--as-of", "2026-11-20", "--format", "xlsx", url=database, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Đã ghi biểu tổng hợp (Excel) vào digest-2026-11-20.xlsx.\n"
    book = load_workbook(io.BytesIO((tmp_path / "digest-2026-11-20.xlsx").read_bytes()))
    assert book.sheetnames == ["Tổng hợp", "05-CTr-UBND", "12-KH-UBND"]
    assert [cell.value for cell in book["Tổng hợp"][5]] == ["Tổng cộng", 11, 2, 2, 3, 3, 1]


def test_png_to_a_chosen_file(database: str, tmp_path: Path) -> None:
    target = tmp_path / "chart.png"
    result = run(
        "--as-of",
        "2026-11-20",
        "--format",
        "png",
        "--out",
        str(target),
        "--lang",
        "en",
        url=database,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Wrote the chart (PNG) to {target}.\n"
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["--plan", "kh-99"],
            1,
            "Không có kế hoạch «kh-99» trong cơ sở dữ liệu. Các kế hoạch hiện có: ct-05-2026, kh-12-2026. "
            "Viết đúng mã kế hoạch (tên tệp không có .yaml) sau --plan.",
        ),
        (
            ["--to", "ai-do", "--lang", "en"],
            1,
            "There is no person «ai-do» in the directory. The digest recipients are: chanh-vp, pct. "
            "Write a person id (as in plans/directory/) after --to.",
        ),
        (
            ["--to", "pct", "--plan", "ct-05-2026", "--lang", "en"],
            1,
            "Lê Văn Cường (pct) receives the digest of no plan among «ct-05-2026». Recipients are the people "
            "in a plan's digest_to, and the chiefs (role: chief) of its monitoring unit (monitor). "
            "The recipients are: chanh-vp, pct.",
        ),
        (
            ["--as-of", "31/02/2026"],
            2,
            "--as-of «31/02/2026» không phải một ngày. Viết dạng YYYY-MM-DD (ví dụ 2026-11-20) "
            "hoặc DD/MM/YYYY.",
        ),
        (
            ["--format", "xlsx", "--out", "/no/such/folder/d.xlsx", "--lang", "en"],
            1,
            "Cannot write the file /no/such/folder/d.xlsx: No such file or directory. Choose a folder that "
            "exists and is writable, e.g. --out ./digest.xlsx.",
        ),
    ],
)
def test_mistakes_say_what_exists_and_how_to_fix_them(
    database: str, tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    result = run(*args, url=database, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (code, "")
    assert " ".join(result.stderr.split()) == message


def test_an_empty_database_says_to_sync_plans(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    result = run("--lang", "en", url=url, cwd=tmp_path)
    assert result.returncode == 1
    assert " ".join(result.stderr.split()) == (
        f"The database {url} holds no plan yet. Run «nhacviec plans sync» to load the plans in the plans/ "
        "folder, then run this command again."
    )
