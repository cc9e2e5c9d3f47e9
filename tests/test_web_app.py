"""The dashboard over real HTTP (uvicorn on a loopback port): nothing without sign-in, the
one-time link of `nhacviec web-login`, sessions and sign-out, who sees what, the filters, the
workbook download. The clock is simulated (20/11/2026); the link comes from the real command."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select
from web_support import NOW, Served, seeded_database, serve, sign_in, web_login, web_login_in_process

from bot.clock import SimulatedClock
from bot.db.models import Person, Task, WebLink, WebSession
from bot.web.links import new_sign_in_url
from bot.web.signin import hash_token

CATEGORIES = (
    "Hoàn thành đúng hạn",
    "Hoàn thành quá hạn",
    "Đang thực hiện trong hạn",
    "Đang thực hiện quá hạn",
    "Không có thời hạn",
)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("web")
    url, engine = seeded_database(folder)
    with serve(engine, url, SimulatedClock(NOW)) as running:
        yield running
    engine.dispose()


def quick_link(served: Served, person: str) -> str:
    """A link made in this process (what the command does, without its start-up time)."""
    with Session(served.engine) as session, session.begin():
        found = session.get(Person, person)
        assert found is not None
        return new_sign_in_url(
            session, found, now=served.clock.now(), base_url=served.url, ttl=dt.timedelta(minutes=15)
        )


@contextmanager
def signed_in(served: Served, person: str, tmp_path: Path) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served.url, follow_redirects=False, timeout=30) as client:
        answer = sign_in(client, quick_link(served, person))
        assert answer.status_code == 303 and answer.headers["location"] == "/", answer.text
        yield client


def task_id(served: Served, plan: str, key: str) -> int:
    with Session(served.engine) as session:
        row = session.exec(select(Task).where(Task.plan_id == plan, Task.key == key)).one()
        assert row.id is not None
        return row.id


def test_nothing_without_a_session(served: Served) -> None:
    with httpx.Client(base_url=served.url, follow_redirects=False) as client:
        for path in ("/", "/overdue", "/reports", "/digests", "/tasks/1", "/workbook.xlsx"):
            answer = client.get(path)
            assert answer.status_code == 303, path
            assert answer.headers["location"] == "/signin"
        help_page = client.get("/signin")
        assert help_page.status_code == 200
        assert "/web" in help_page.text
        client.cookies.set("nv_session", "not-a-session")
        forged = client.get("/")
        assert forged.status_code == 303


def test_the_web_login_link_signs_in_once_and_shows_the_categories(tmp_path: Path) -> None:
    url, engine = seeded_database(tmp_path)
    # The command stamps the link with the wall clock; the server's simulated clock starts at
    # that stamp (read from the database), so the test holds whatever today's date is.
    base = "http://dashboard.invalid"
    done = web_login(url, "chanh-vp", base, folder=tmp_path)
    assert done.returncode == 0, done.stderr
    printed = done.stdout.strip().splitlines()[-1]
    assert printed.startswith(f"{base}/signin/"), done.stdout
    assert "Trần Thị Bích" in done.stderr
    token = printed.rsplit("/", 1)[1]
    with Session(engine) as session:  # only the hash is stored
        assert session.exec(select(WebLink).where(WebLink.token_hash == token)).first() is None
        row = session.exec(select(WebLink).where(WebLink.token_hash == hash_token(token))).one()
        assert row.expires_at - row.created_at == dt.timedelta(minutes=15)
    with serve(engine, url, SimulatedClock(row.created_at)) as running:
        link = f"{running.url}/signin/{token}"
        with httpx.Client(base_url=running.url, follow_redirects=False) as client:
            preview = client.get(link)  # what a chat app's link preview does: the link still works
            assert preview.status_code == 200 and "Trần Thị Bích" in preview.text
            answer = sign_in(client, link)
            assert answer.status_code == 303
            cookie = answer.headers["set-cookie"]
            assert "nv_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
            assert "Max-Age=43200" in cookie
            page = client.get("/")
            assert page.status_code == 200
            for category in CATEGORIES:
                assert category in page.text
            assert page.text.count("<svg") == 2  # the chart per plan and per unit
            assert 'href="/?plan=kh-12-2026"' in page.text and 'href="/?plan=ct-05-2026"' in page.text
            assert page.headers["x-frame-options"] == "DENY"
            assert page.headers["referrer-policy"] == "no-referrer"
        with httpx.Client(base_url=running.url, follow_redirects=False) as other:
            again = other.get(link)
            assert again.status_code == 403
            assert "đã được dùng" in again.text
            replay = sign_in(other, link)
            assert replay.status_code == 403
            assert other.get("/").status_code == 303
    engine.dispose()


def test_a_link_expires_after_its_minutes(tmp_path: Path) -> None:
    url, engine = seeded_database(tmp_path)
    clock = SimulatedClock(NOW)
    with serve(engine, url, clock) as running:
        fresh, stale = quick_link(running, "chanh-vp"), quick_link(running, "cb-nv")
        clock.advance(dt.timedelta(minutes=14, seconds=59))
        with httpx.Client(base_url=running.url, follow_redirects=False) as client:
            assert sign_in(client, fresh).status_code == 303  # still in its 15 minutes
        clock.advance(dt.timedelta(seconds=1))
        with httpx.Client(base_url=running.url, follow_redirects=False) as client:
            answer = client.get(stale)
            assert answer.status_code == 403
            assert "đã hết hạn" in answer.text
    engine.dispose()


def test_sign_out_needs_the_form_token_and_ends_the_session(served: Served, tmp_path: Path) -> None:
    with signed_in(served, "chanh-vp", tmp_path) as client:
        page = client.get("/")
        assert page.status_code == 200
        refused = client.post("/signout", data={"csrf": "forged"})
        assert refused.status_code == 403
        assert client.get("/").status_code == 200
        token = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        out = client.post("/signout", data={"csrf": token})
        assert out.status_code == 303 and out.headers["location"] == "/signin"
        assert client.get("/").status_code == 303
    with Session(served.engine) as session:
        assert session.exec(select(WebSession).where(WebSession.ended_at.is_not(None))).first()  # type: ignore[union-attr]


def test_the_overdue_list_is_sorted_by_how_late_with_unit_and_leader(served: Served, tmp_path: Path) -> None:
    with signed_in(served, "chanh-vp", tmp_path) as client:
        page = client.get("/overdue")
        assert page.status_code == 200
        table = page.text.split('id="overdue"', 1)[1]
        # Task 3 (due 02/11) before 9 (05/11) before 7 (09/11): the longest overdue first.
        positions = [table.index(f"· {key}]") for key in ("3", "9", "7")]
        assert positions == sorted(positions)
        assert "Phòng Tài chính - Kế hoạch" in table
        assert "Nhiệm vụ quá hạn (3)" in page.text


def test_filters_in_the_url(served: Served, tmp_path: Path) -> None:
    with signed_in(served, "chanh-vp", tmp_path) as client:
        plan = client.get("/overdue", params={"plan": "ct-05-2026"})
        assert plan.status_code == 200 and "Nhiệm vụ quá hạn (0)" in plan.text
        period = client.get("/overdue", params={"period": "2026-11"})
        assert "Nhiệm vụ quá hạn (3)" in period.text
        october = client.get("/overdue", params={"period": "2026-Q3"})
        assert "Nhiệm vụ quá hạn (0)" in october.text
        bad = client.get("/", params={"period": "tuần sau"})
        assert bad.status_code == 400
        assert "period" in bad.text


def test_staff_see_their_unit_only(served: Served, tmp_path: Path) -> None:
    own = task_id(served, "kh-12-2026", "2")  # led by Phòng Nội vụ (p-nv)
    supported = task_id(served, "kh-12-2026", "3")  # led by Tài chính - Kế hoạch, Nội vụ supports
    other = task_id(served, "kh-12-2026", "1")  # Tài chính - Kế hoạch's alone
    with signed_in(served, "cb-nv", tmp_path) as client:
        assert client.get(f"/tasks/{own}").status_code == 200
        assert client.get(f"/tasks/{supported}").status_code == 200
        refused = client.get(f"/tasks/{other}")
        assert refused.status_code == 403
        assert "Không có quyền xem" in refused.text
        assert client.get("/", params={"unit": "p-tckh"}).status_code == 403
        overdue = client.get("/overdue")
        assert "Nhiệm vụ quá hạn (1)" in overdue.text  # task 3 only: 7 and 9 are other units'
        assert f"/tasks/{supported}" in overdue.text
        assert client.get("/workbook.xlsx").status_code == 403
        assert client.get("/digests/1.xlsx").status_code in (403, 404)


def test_a_task_page_has_its_whole_history(served: Served, tmp_path: Path) -> None:
    three = task_id(served, "kh-12-2026", "3")
    with signed_in(served, "chanh-vp", tmp_path) as client:
        page = client.get(f"/tasks/{three}")
        assert page.status_code == 200
        history = page.text.split('id="history"', 1)[1]
        assert history.count("<tr>") == 3  # header + two updates
        assert "60%" in history and "40%" in history
        assert history.index("60%") < history.index("40%")  # newest first
        assert client.get("/tasks/999999").status_code == 404


def test_the_digest_archive_gives_the_workbook(served: Served, tmp_path: Path) -> None:
    with signed_in(served, "chanh-vp", tmp_path) as client:
        archive = client.get("/digests")
        assert archive.status_code == 200
        href = archive.text.split('href="/digests/', 1)[1].split('"', 1)[0]
        answer = client.get(f"/digests/{href}")
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
        assert 'filename="digest-2026-11-20.xlsx"' in answer.headers["content-disposition"]
        book = load_workbook(io.BytesIO(answer.content), read_only=True)
        assert len(book.sheetnames) == 3  # the summary and one sheet per plan
        today = client.get("/workbook.xlsx", params={"plan": "kh-12-2026"})
        assert today.status_code == 200 and today.content[:2] == b"PK"


def test_reports_per_unit(served: Served, tmp_path: Path) -> None:
    with signed_in(served, "chanh-vp", tmp_path) as client:
        page = client.get("/reports")
        assert page.status_code == 200
        assert "Đã nộp đúng hạn" in page.text and "Chưa nộp (quá hạn)" in page.text
        assert page.text.split('id="reports"', 1)[1].count("<tr>") >= 2


def test_english_for_a_person_who_reads_english(served: Served, tmp_path: Path) -> None:
    with signed_in(served, "pct", tmp_path) as client:
        page = client.get("/")
        assert page.status_code == 200
        assert "Done on time" in page.text and "Sign out" in page.text


def test_the_web_login_command_explains_mistakes(served: Served, tmp_path: Path) -> None:
    unknown = web_login_in_process(served.database_url, "nobody", served.url, folder=tmp_path)
    assert unknown.returncode == 1 and "nobody" in unknown.stderr
    bad = web_login_in_process(served.database_url, "chanh-vp", "ftp://x", folder=tmp_path)
    assert bad.returncode == 2 and "--base-url" in bad.stderr


def test_the_sign_in_form_needs_its_own_token(served: Served) -> None:
    link = quick_link(served, "chanh-vp")
    with httpx.Client(base_url=served.url, follow_redirects=False) as client:
        forged = client.post(link, data={"csrf": "forged"})  # no form cookie: another site's form
        assert forged.status_code == 403
        assert "nv_session" not in forged.headers.get("set-cookie", "")
        garbage = client.post(link, content=b"\xff" * 10_000, headers={"content-type": "multipart/form-data"})
        assert garbage.status_code in (400, 413)
        assert sign_in(client, link).status_code == 303  # the link was not used up by either


def test_reports_and_overdue_agree_with_the_digest(served: Served) -> None:
    """The pages' own statements count periodic reports and overdue tasks as the digest does."""
    from test_digest_state import CALENDAR, CT, KH, TZ

    from bot.digest.queries import build_digest
    from bot.web import queries
    from bot.web.access import viewer_of
    from bot.web.filters import Filters

    with Session(served.engine) as session:
        chief = session.get(Person, "chanh-vp")
        assert chief is not None
        viewer = viewer_of(session, chief)
        digest = build_digest(session, [KH, CT], as_of=NOW.date(), tz=TZ, calendar=CALENDAR)
        ours = queries.reports(session.connection(), viewer, Filters(), NOW.date(), TZ)
        late, total = queries.overdue(
            session.connection(), viewer, Filters(), NOW.date(), TZ, NOW.astimezone(dt.UTC), CALENDAR
        )
    assert sorted(ours, key=lambda line: line.unit_id) == sorted(
        digest.reports, key=lambda line: line.unit_id
    )
    assert len(ours) == 3
    assert total == digest.overdue.total == 3
    assert [(line.key, line.working_days_late) for line in late] == [
        (line.key, line.working_days_overdue) for line in digest.overdue.rows
    ]
