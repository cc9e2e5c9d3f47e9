"""Short polite messages as civil servants send them: thanks alone get no answer (each answer
spends the chat's small quota) and change nothing; words after a `/viec` listing that name no
task are pointed at its numbers; «đang làm 50» records 50%."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.engine import Engine

from bot.channels.events import Attachment
from bot.chat.conversation import ChatConversation
from bot.db.models import TaskStatus
from tests.test_conversation_office import Office, event, texts

Dump = Callable[[Engine], dict[str, list[tuple[object, ...]]]]


@pytest.mark.parametrize("channel", ["telegram", "zalo"])
def test_thanks_alone_get_no_answer_and_change_nothing(
    office: Office, talk: ChatConversation, dump: Dump, channel: str
) -> None:
    office.bind("701", channel=channel)
    before = dump(office.engine)
    for text in ("cảm ơn", "Dạ em cảm ơn ạ!", "ok 👍", "cam on bot nhe"):
        assert talk.respond(event("701", text, channel=channel)) == [], text
    assert dump(office.engine) == before


def test_a_file_sent_with_thanks_is_still_answered(office: Office, talk: ChatConversation) -> None:
    """A photo captioned «cảm ơn anh» is not filed anywhere: the sender hears so."""
    office.bind("706", channel="zalo")
    photo = Attachment(kind="photo", file_id="zalo-photo-9")
    said = texts(talk.respond(event("706", "cảm ơn anh", channel="zalo", attachments=(photo,))))
    assert "chưa biết tin nhắn này về nhiệm vụ nào" in said


def test_thanks_after_a_reminder_of_one_task_are_not_taken_for_an_answer(
    office: Office, talk: ChatConversation, dump: Dump
) -> None:
    person = office.bind("702", channel="zalo")
    office.reminder(person, "702", channel="zalo")
    before = dump(office.engine)
    assert talk.respond(event("702", "vâng, em cảm ơn ạ", channel="zalo")) == []
    assert dump(office.engine) == before
    # Words that may be an answer are still asked about, never recorded on a guess.
    asked = texts(talk.respond(event("702", "ok em sẽ làm", channel="zalo")))
    assert "phải không" in asked and office.updates() == []


def test_ok_quoting_a_reminder_is_still_asked_back(office: Office, talk: ChatConversation) -> None:
    person = office.bind("703")
    office.reminder(person, "703", message_id="730")
    asked = texts(talk.respond(event("703", "ok", reply_to_message_id="730")))
    assert "hoàn thành" in asked and office.updates() == []


def test_words_naming_no_task_after_a_listing_point_at_its_numbers(
    office: Office, talk: ChatConversation, dump: Dump
) -> None:
    office.bind("704", channel="zalo")
    assert "1. III.1.c" in texts(talk.respond(event("704", "/viec", channel="zalo")))
    before = dump(office.engine)
    said = texts(talk.respond(event("704", "da xong het roi", channel="zalo")))
    assert said.startswith("Chưa ghi nhận gì") and "«1 xong»" in said, said
    assert dump(office.engine) == before


def test_a_percentage_without_its_sign_is_recorded(office: Office, talk: ChatConversation) -> None:
    office.bind("705", channel="zalo")
    talk.respond(event("705", "/viec", channel="zalo"))
    said = texts(talk.respond(event("705", "2 dang lam 50", channel="zalo")))
    assert "đang thực hiện (50%)" in said, said
    (update,) = office.updates()
    assert (update.status, update.percent) == (TaskStatus.IN_PROGRESS, 50)
