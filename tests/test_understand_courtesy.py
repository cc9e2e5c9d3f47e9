"""`only_courtesy`: thanks or an acknowledgement alone, which the bot leaves unanswered outside a
question or a quoted reminder."""

from __future__ import annotations

import pytest

from bot.understand.courtesy import only_courtesy


@pytest.mark.parametrize(
    "text",
    [
        "cảm ơn",
        "Dạ em cảm ơn ạ!",
        "cam on nhieu",
        "cám ơn bot nhé",
        "ok",
        "ok 👍",
        "🙏",
        "vâng, em nhận rồi ạ",
        "Thanks",
    ],
)
def test_thanks_and_acknowledgements_alone_are_courtesy(text: str) -> None:
    assert only_courtesy(text)


@pytest.mark.parametrize(
    "text",
    [
        "ok xong",  # a status
        "da xong, em cam on anh",
        "cảm ơn, mai em gửi",  # a promise: read as words about the task
        "ok em sẽ làm",
        "cảm ơn anh Hùng",  # a name: not the bot's thanks alone
        "cam onn",  # a typo is read through, so never taken as courtesy
        "",
        "1",
    ],
)
def test_anything_more_is_not(text: str) -> None:
    assert not only_courtesy(text)
