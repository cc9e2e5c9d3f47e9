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
from tests.test_conversation_office import NOW, Office, event


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
