"""Telegram updates (as the Bot API sends them) → the conversation's `IncomingEvent`, stamped with
the moment the receiver got them (its clock's), not the message's own date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from telegram import Update

from bot.channels.events import Attachment
from bot.channels.telegram_receive import to_event

PRIVATE = {"id": 42, "type": "private"}
GROUP = {"id": -100123, "type": "supergroup", "title": "Phòng KH"}
PERSON = {"id": 42, "is_bot": False, "first_name": "Lan", "last_name": "Trần"}
NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)
"""When the receiver got the update; the messages below are dated 14/11/2023."""


def update(**fields: Any) -> Update:
    return Update.de_json({"update_id": 1, **fields}, None)


def message(chat: dict[str, Any] = PRIVATE, **fields: Any) -> dict[str, Any]:
    return {"message_id": 9, "date": 1_700_000_000, "chat": chat, "from": PERSON, **fields}


def test_a_text_reply_carries_the_reminder_it_answers() -> None:
    reminder = {"message_id": 5, "date": 1_700_000_000, "chat": PRIVATE, "text": "Nhắc việc"}
    event = to_event(update(message=message(text="xong", reply_to_message=reminder)), now=NOW)
    assert event is not None and event.received_at == NOW
    assert (event.chat_id, event.message_id, event.user_id, event.display_name) == (
        "42",
        "9",
        "42",
        "Lan Trần",
    )
    assert (event.text, event.reply_to_message_id, event.is_group) == ("xong", "5", False)


def test_photos_and_documents_become_attachments_and_the_caption_the_text() -> None:
    sizes = [
        {"file_id": "small", "file_unique_id": "s", "width": 90, "height": 90},
        {"file_id": "large", "file_unique_id": "l", "width": 1280, "height": 960},
    ]
    photo = to_event(update(message=message(photo=sizes, caption="biên bản")), now=NOW)
    assert photo is not None and photo.text == "biên bản"
    assert photo.attachments == (Attachment("photo", "large"),)
    document = {"file_id": "doc-1", "file_unique_id": "d", "file_name": "bao-cao.pdf"}
    sent = to_event(update(message=message(document=document)), now=NOW)
    assert sent is not None and sent.text is None
    assert sent.attachments == (Attachment("document", "doc-1", "bao-cao.pdf"),)


def test_a_button_press_carries_its_data_and_the_message_it_belongs_to() -> None:
    query = {
        "id": "cq-1",
        "from": PERSON,
        "chat_instance": "c",
        "data": "r:7:done",
        "message": {"message_id": 5, "date": 1_700_000_000, "chat": PRIVATE, "text": "Nhắc"},
    }
    event = to_event(update(callback_query=query), now=NOW)
    assert event is not None and event.received_at == NOW
    assert (event.callback_data, event.callback_id, event.message_id, event.text) == (
        "r:7:done",
        "cq-1",
        "5",
        None,
    )


def test_in_a_group_only_commands_for_this_bot_get_through() -> None:
    def text_of(text: str) -> str | None:
        event = to_event(update(message=message(chat=GROUP, text=text)), now=NOW, bot_username="nhacviec_bot")
        assert event is None or event.is_group
        return None if event is None else event.text

    assert text_of("/viec@NhacViec_bot") == "/viec"
    assert text_of("/start@nhacviec_bot ABCD-EFGH") == "/start ABCD-EFGH"
    assert text_of("/viec@other_bot") is None
    assert text_of("xong rồi") == "xong rồi"  # the conversation ignores non-commands in groups


def test_edits_and_other_bots_are_not_handled() -> None:
    assert to_event(update(edited_message=message(text="xong")), now=NOW) is None
    robot = {**PERSON, "is_bot": True}
    assert to_event(update(message=message(text="xong", **{"from": robot})), now=NOW) is None
