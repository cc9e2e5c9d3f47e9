"""`nhacviec invite` on a SQLite file synced from a small plan.

The first invite runs the real installed command (a process that prints the code and exits 0);
the others run in-process (`tests/cli_support.py`: the environment, folder and caches a fresh
process would have, without its two seconds of imports)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from bot.db.engine import make_engine
from bot.db.models import Invite, Person
from bot.people import hash_code, normalize_code
from tests.cli_support import CliResult, run_nhacviec

NHACVIEC = Path(sys.executable).with_name("nhacviec")
PLAN_V1 = Path(__file__).parent / "data" / "sync" / "v1"
CODE = re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}$")

pytestmark = pytest.mark.slow


def environment(tmp_path: Path, **env: str) -> dict[str, str]:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("TELEGRAM_", "ZALO_"))
    }
    return environment | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'nhacviec.db'}",
        "COLUMNS": "300",
        "NHACVIEC_LANGUAGE": "vi",
        **env,
    }


def program(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`nhacviec ARGS` as a real process."""
    return subprocess.run(
        [str(NHACVIEC), *args],
        capture_output=True,
        text=True,
        env=environment(tmp_path, **env),
        cwd=tmp_path,
        timeout=60,
    )


def run(tmp_path: Path, *args: str, **env: str) -> CliResult:
    """`nhacviec ARGS` in-process."""
    return run_nhacviec(*args, env=environment(tmp_path, **env), cwd=tmp_path)


@pytest.fixture(scope="module")
def synced_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The plan synced by the real command, once for the file (each test gets a copy)."""
    folder = tmp_path_factory.mktemp("synced")
    plans = folder / "plans"
    shutil.copytree(PLAN_V1, plans)
    result = run(folder, "plans", "sync", str(plans))
    assert result.returncode == 0, result.stderr
    return folder


@pytest.fixture
def synced(synced_once: Path, tmp_path: Path) -> Path:
    shutil.copytree(synced_once, tmp_path, dirs_exist_ok=True)
    return tmp_path


def stored(folder: Path) -> list[tuple[Invite, Person]]:
    engine = make_engine(f"sqlite:///{folder / 'nhacviec.db'}")
    try:
        with Session(engine) as session:
            rows = session.exec(select(Invite, Person).where(Invite.person_id == Person.id)).all()
            session.expunge_all()
            return [(invite, person) for invite, person in rows]
    finally:
        engine.dispose()


def test_an_invite_prints_the_code_once_its_local_expiry_and_how_to_use_it(synced: Path) -> None:
    result = program(
        synced,
        "invite",
        "--unit",
        "so-khdt",
        "--role",
        "staff",
        "--name",
        "Trần Thị Bình [VP]",
        INVITE_TTL_DAYS="3",
    )
    assert (result.returncode, result.stderr) == (0, "")
    header, code, expiry, usage = result.stdout.splitlines()
    assert header == "Mã mời cho Trần Thị Bình [VP] — Sở Kế hoạch và Đầu tư, vai trò chuyên viên:"
    assert CODE.match(code)
    [(invite, person)] = stored(synced)
    assert invite.code_hash == hash_code(normalize_code(code) or "")
    assert (person.name, person.unit_id, person.origin) == ("Trần Thị Bình [VP]", "so-khdt", "invite")
    assert invite.expires_at - invite.created_at == dt.timedelta(days=3)
    local = invite.expires_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert expiry == (
        f"Hết hạn lúc {local:%H:%M, %d/%m/%Y} (Asia/Ho_Chi_Minh). "
        "Mã chỉ hiện lần này và chỉ dùng được một lần."
    )
    assert usage == (
        f"Cách dùng: người được mời nhắn tin cho bot (Zalo hoặc Telegram) rồi gửi mã này cho bot: «{code}»."
    )
    assert code not in (synced / "nhacviec.db").read_bytes().decode("latin-1")


def test_a_directory_person_is_invited_with_their_own_unit_and_role_in_english(synced: Path) -> None:
    result = run(synced, "invite", "--person", "nguyen-van-a", "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.splitlines()[0]
        == "Invite code for Nguyễn Văn A — Văn phòng UBND tỉnh, role office chief:"
    )
    assert [person.id for _, person in stored(synced)] == ["nguyen-van-a"]


def test_an_unknown_unit_says_what_exists_and_creates_nothing(synced: Path) -> None:
    result = run(synced, "invite", "--unit", "so-tai-chinh", "--role", "staff", "--lang", "en")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip() == (
        "There is no unit «so-tai-chinh» in the database. Did you mean «so-tc» (Sở Tài chính)? "
        "Units: so-ct, so-khdt, so-tc, ubnd-tinh, vp-ubnd."
    )
    assert stored(synced) == []


def test_an_unknown_role_suggests_the_closest(synced: Path) -> None:
    result = run(synced, "invite", "--unit", "so-tc", "--role", "hed")
    assert result.returncode == 1
    assert "Vai trò «hed» không hợp lệ. Có phải ý bạn là «head»?" in result.stderr


def test_an_empty_database_asks_for_plans_sync_first(tmp_path: Path) -> None:
    result = run(tmp_path, "invite", "--unit", "so-tc", "--role", "staff")
    assert result.returncode == 1
    assert "Chạy «nhacviec plans sync»" in result.stderr


TELEGRAM_REPLIES: dict[str, tuple[int, dict[str, object]]] = {
    "/botGOOD-TOKEN/getMe": (
        200,
        {"ok": True, "result": {"id": 1, "is_bot": True, "username": "nhacviec_bot"}},
    ),
    "/botBAD-TOKEN/getMe": (401, {"ok": False, "error_code": 401, "description": "Unauthorized"}),
}


class _FakeTelegram(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status, body = TELEGRAM_REPLIES.get(self.path, (404, {"ok": False, "description": "Not Found"}))
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def telegram_api() -> Iterator[str]:
    """A local stand-in for the Bot API server (its base URL is a setting: it can be self-hosted)."""
    server = HTTPServer(("127.0.0.1", 0), _FakeTelegram)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_with_a_telegram_token_the_invite_has_a_deep_link(synced: Path, telegram_api: str) -> None:
    result = run(
        synced,
        "invite",
        "--unit",
        "so-ct",
        "--role",
        "head",
        TELEGRAM_BOT_TOKEN="GOOD-TOKEN",
        TELEGRAM_API_URL=telegram_api,
    )
    assert result.returncode == 0, result.stderr
    code = result.stdout.splitlines()[1]
    assert (
        "Telegram: gửi liên kết này cho người được mời, họ bấm vào rồi bấm Bắt đầu (Start): "
        f"https://t.me/nhacviec_bot?start={code}"
    ) in result.stdout.splitlines()


def test_a_failing_getme_still_gives_the_code_and_never_shows_the_token(
    synced: Path, telegram_api: str
) -> None:
    result = run(
        synced,
        "invite",
        "--unit",
        "so-ct",
        "--role",
        "head",
        TELEGRAM_BOT_TOKEN="BAD-TOKEN",
        TELEGRAM_API_URL=telegram_api,
    )
    assert result.returncode == 0
    assert "Unauthorized" in result.stderr and "BAD-TOKEN" not in result.stderr + result.stdout
    assert CODE.match(result.stdout.splitlines()[1])
    assert "t.me" not in result.stdout
