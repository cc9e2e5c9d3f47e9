"""`/web` in chat: a one-time sign-in link to the dashboard, stored hashed, that expires with
WEB_LINK_TTL_MINUTES; before the dashboard has an address, the answer says what to set."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlmodel import Session, select

from bot.chat.conversation import ChatConversation
from bot.db.models import WebLink
from bot.web import links
from bot.web.signin import check_link, hash_token
from tests.test_conversation_office import NOW, Office, event, texts


@pytest.fixture
def configured() -> Iterator[None]:
    links.configure(links.LinkSettings("https://nhacviec.example.gov.vn/", dt.timedelta(minutes=15)))
    yield
    links.configure(None)


def test_web_gives_a_one_time_link(office: Office, talk: ChatConversation, configured: None) -> None:
    office.bind("104")
    (reply,) = talk.respond(event("104", "/web"))
    text = reply.message.text or ""
    assert "15 phút" in text
    url = text.splitlines()[-1]
    assert url.startswith("https://nhacviec.example.gov.vn/signin/")
    token = url.rsplit("/", 1)[1]
    with Session(office.engine) as session:
        row = session.exec(select(WebLink)).one()
        assert row.token_hash == hash_token(token) != token
        assert row.expires_at == NOW + dt.timedelta(minutes=15)
        assert check_link(session, token, now=NOW).refusal is None
        assert check_link(session, token, now=NOW + dt.timedelta(minutes=15)).refusal == "expired"
    (again,) = talk.respond(event("104", "/web"))
    assert (again.message.text or "").splitlines()[-1] != url  # a new link each time


def test_web_without_a_dashboard_says_what_to_set(office: Office, talk: ChatConversation) -> None:
    links.configure(None)
    office.bind("104")
    (reply,) = talk.respond(event("104", "/web"))
    assert "WEB_BASE_URL" in (reply.message.text or "")
    with Session(office.engine) as session:
        assert session.exec(select(WebLink)).first() is None


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_help_names_web_only_where_the_dashboard_is_served(
    office: Office, talk: ChatConversation, configured: None, lang: str
) -> None:
    office.bind("105", lang=lang)
    with_web = texts(talk.respond(event("105", "/huongdan")))
    web_line = next(line for line in with_web.splitlines() if line.startswith("/web"))
    lines = with_web.splitlines()
    # Among the commands, before the paragraph on answering reminders.
    assert lines.index(web_line) == max(i for i, line in enumerate(lines) if line.startswith("/"))
    links.configure(None)
    without = texts(talk.respond(event("105", "/huongdan")))
    assert "/web" not in without and without.splitlines() == [line for line in lines if line != web_line]


def test_the_digest_says_how_to_open_the_dashboard_where_it_is_served(
    office: Office, talk: ChatConversation, configured: None
) -> None:
    for chat, channel in (("106", "telegram"), ("107", "zalo")):
        office.bind(chat, role="chief", unit="vp-ubnd", channel=channel)
        said = texts(talk.respond(event(chat, "/tonghop", channel=channel)))
        assert said.rstrip().endswith("Xem đầy đủ trên trang theo dõi: gõ /web để nhận đường dẫn đăng nhập.")
    links.configure(None)
    assert "/web" not in texts(talk.respond(event("106", "/tonghop")))
