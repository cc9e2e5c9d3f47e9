"""The dashboard in a real browser (Playwright for Python with Debian's Chromium): sign in with a
link, see the overdue list, open a task, download the workbook, be refused another unit's task.
Screenshots of the main pages land in tests/artifacts/ (git-ignored) for a person to look at.

Skipped, with the reason, when Playwright or Chromium is missing, unless NHACVIEC_TEST_BROWSER=1
(CI sets it): then a missing browser fails the test instead.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select
from web_support import ARTIFACTS, NOW, Served, seeded_database, serve

from bot.clock import SimulatedClock
from bot.db.models import Person, Task
from bot.web.links import new_sign_in_url

CHROMIUM = os.environ.get("NHACVIEC_CHROMIUM", "/usr/bin/chromium")
REQUIRED = os.environ.get("NHACVIEC_TEST_BROWSER") == "1"


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[dev]')"
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        return f"no Chromium at {CHROMIUM} (apt-get install -y chromium, or set NHACVIEC_CHROMIUM)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    reason = _missing()
    if reason is not None:
        if REQUIRED:
            pytest.fail(f"NHACVIEC_TEST_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    url, engine = seeded_database(tmp_path_factory.mktemp("browser"))
    with serve(engine, url, SimulatedClock(NOW)) as running:
        yield running
    engine.dispose()


def link(served: Served, person: str) -> str:
    with Session(served.engine) as session, session.begin():
        found = session.get(Person, person)
        assert found is not None
        return new_sign_in_url(
            session, found, now=served.clock.now(), base_url=served.url, ttl=dt.timedelta(minutes=15)
        )


def task_id(served: Served, plan: str, key: str) -> int:
    with Session(served.engine) as session:
        found = session.exec(select(Task).where(Task.plan_id == plan, Task.key == key)).one()
        assert found.id is not None
        return found.id


def shot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5000
    return path


def test_a_chief_signs_in_and_follows_the_overdue_list_to_a_task_and_the_workbook(
    browser: Any, served: Served
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    try:
        signin = link(served, "chanh-vp")
        page.goto(signin)
        shot(page, "signin")
        page.click("#signin")
        page.wait_for_url(f"{served.url}/")
        for category in ("Hoàn thành đúng hạn", "Đang thực hiện quá hạn", "Không có thời hạn"):
            assert page.get_by_text(category).first.is_visible()
        assert page.locator("svg.chart").count() == 2
        shot(page, "overview")

        page.click("text=Quá hạn")
        page.wait_for_url(f"{served.url}/overdue")
        rows = page.locator("#overdue tr")
        assert rows.count() == 4  # the header and three overdue tasks
        first = rows.nth(1)
        assert "Phòng Tài chính - Kế hoạch" in first.inner_text()
        shot(page, "overdue")

        first.locator("a").click()
        page.wait_for_url(f"{served.url}/tasks/*")
        assert page.locator("#history tr").count() == 3
        shot(page, "task")

        page.click("text=Bản tổng hợp")
        page.wait_for_url(f"{served.url}/digests")
        shot(page, "digests")
        with page.expect_download() as info:
            page.click("#digests a")
        download = info.value
        assert download.suggested_filename == "digest-2026-11-20.xlsx"
        saved = ARTIFACTS / download.suggested_filename
        download.save_as(str(saved))
        assert saved.read_bytes()[:2] == b"PK"

        page.goto(signin)  # the link again: refused
        assert page.locator("#refusal").inner_text().startswith("Liên kết này đã được dùng.")
    finally:
        context.close()


def test_staff_are_refused_another_units_task(browser: Any, served: Served) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(link(served, "cb-nv"))
        page.click("#signin")
        page.wait_for_url(f"{served.url}/")
        shot(page, "overview-staff")
        answer = page.goto(f"{served.url}/tasks/{task_id(served, 'kh-12-2026', '1')}")
        assert answer is not None and answer.status == 403
        assert page.get_by_text("Không có quyền xem").is_visible()
        shot(page, "refused")
    finally:
        context.close()


def test_the_overview_in_english(browser: Any, served: Served) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(link(served, "pct"))
        page.click("#signin")
        page.wait_for_url(f"{served.url}/")
        assert page.get_by_text("Done on time").first.is_visible()
        shot(page, "overview-en")
    finally:
        context.close()
