"""An update Telegram delivers a second time (handled, then the process died before the next poll
confirmed it) is recognised and changes nothing: «1 xong» is filed once. The mark is written in
the transaction that does the work, so what was refused or rolled back is handled again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.chat.conversation import ChatConversation
from bot.chat.conversation.received import RECEIVED_KEPT
from bot.db.models import ReceivedUpdate, TaskStatus
from tests.test_conversation_office import NOW, Office, event, texts

Dump = Callable[[Engine], dict[str, list[tuple[object, ...]]]]


def marks(engine: Engine) -> list[tuple[str, str]]:
    with Session(engine) as session:
        return [(row.channel, row.delivery_id) for row in session.exec(select(ReceivedUpdate)).all()]


def test_a_status_reply_delivered_twice_is_filed_once(
    office: Office, talk: ChatConversation, dump: Dump
) -> None:
    office.bind("601")
    listing = texts(talk.respond(event("601", "/viec", delivery_id="42:1")))
    assert "1. <b>III.1.c</b>" in listing
    done = event("601", "1 xong", delivery_id="42:2")
    assert "hoàn thành" in texts(talk.respond(done))
    assert [u.status for u in office.updates()] == [TaskStatus.DONE]
    before = dump(office.engine)

    assert talk.respond(done) == []  # the same update again: no reply, nothing filed
    assert dump(office.engine) == before

    # The same words in a new update are a new message, read as one.
    again = texts(talk.respond(event("601", "1 xong", delivery_id="42:3")))
    assert "đã hoàn thành hoặc đã đóng; không cần báo cáo thêm" in again
    assert "đang thực hiện (50%)" in texts(talk.respond(event("601", "2 đang làm 50%", delivery_id="42:4")))
    assert [u.status for u in office.updates()] == [TaskStatus.DONE, TaskStatus.IN_PROGRESS]


def test_updates_of_other_bots_or_without_an_id_are_never_taken_for_a_second_delivery(
    office: Office, talk: ChatConversation
) -> None:
    office.bind("602")
    assert "1. <b>III.1.c</b>" in texts(talk.respond(event("602", "/viec", delivery_id="42:9")))
    # Another bot token on the same database counts its own update ids.
    assert "1. <b>III.1.c</b>" in texts(talk.respond(event("602", "/viec", delivery_id="43:9")))
    # Channels that never deliver twice (Zalo's poll, the console) carry no id.
    assert "1. <b>III.1.c</b>" in texts(talk.respond(event("602", "/viec")))
    assert "1. <b>III.1.c</b>" in texts(talk.respond(event("602", "/viec")))
    assert marks(office.engine) == [("telegram", "42:9"), ("telegram", "43:9")]


def test_a_refused_update_leaves_no_mark_and_is_answered_again(
    office: Office, talk: ChatConversation, dump: Dump
) -> None:
    office.bind("603")  # staff: may not ask for the digest
    before = dump(office.engine)
    refused = event("603", "/tonghop", delivery_id="42:20")
    first = texts(talk.respond(refused))
    assert first and first == texts(talk.respond(refused))
    assert dump(office.engine) == before


def test_marks_older_than_telegram_keeps_an_update_are_dropped(
    office: Office, talk: ChatConversation
) -> None:
    office.bind("604")
    talk.respond(event("604", "/viec", delivery_id="42:30"))
    later = NOW + RECEIVED_KEPT + dt.timedelta(minutes=1)
    talk.respond(event("604", "/viec", delivery_id="42:31", at=later))
    assert marks(office.engine) == [("telegram", "42:31")]
