"""`/viec` and `/quahan` go ten tasks a page, each page one short message (Zalo takes 2000
characters): a unit leading 58 tasks got three messages of 30 long lines. `/viec 2` shows the
next page, numbered on from the first, and its numbers answer «12 xong»."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.engine import Engine

from bot.chat.conversation import ChatConversation
from bot.db.models import TaskStatus
from tests.test_conversation_office import Office, event, texts

Dump = Callable[[Engine], dict[str, list[tuple[object, ...]]]]
LONG = "về chuyển đổi số trong quản lý nhà nước, xây dựng cơ sở dữ liệu dùng chung của phường " * 3


def numbers(text: str) -> list[int]:
    return [int(line.split(".")[0]) for line in text.splitlines() if line[:1].isdigit()]


@pytest.mark.parametrize("channel", ["zalo", "telegram"])
def test_tasks_go_ten_a_page_each_page_one_message(
    office: Office, talk: ChatConversation, channel: str
) -> None:
    office.add_tasks(20, about=LONG)
    office.bind("801", channel=channel)
    first = talk.respond(event("801", "/viec", channel=channel))
    assert len(first) == 1 and len(first[0].message.text or "") <= 2000
    said = texts(first)
    assert "(23)" in said and numbers(said) == list(range(1, 11))
    assert "Trang 1/3: gõ «/viec 2» để xem 10 nhiệm vụ tiếp theo." in said
    second = texts(talk.respond(event("801", "/viec 2", channel=channel)))
    assert numbers(second) == list(range(11, 21)) and "«/viec 3»" in second
    assert "ví dụ «11 xong», «12 đang làm 60%»" in second  # the page's own numbers
    third = texts(talk.respond(event("801", "/viec 3", channel=channel)))
    assert numbers(third) == [21, 22, 23] and "Trang 3/3: trang cuối." in third


def test_the_numbers_of_a_later_page_answer_and_the_first_pages_no_longer_do(
    office: Office, talk: ChatConversation, dump: Dump
) -> None:
    office.add_tasks(20, about=LONG)
    office.bind("802", channel="zalo")
    talk.respond(event("802", "/viec", channel="zalo"))
    page = texts(talk.respond(event("802", "/viec 2", channel="zalo")))
    twelfth = next(line for line in page.splitlines() if line.startswith("12. "))
    key = twelfth.split()[1]
    said = texts(talk.respond(event("802", "12 xong", channel="zalo")))
    assert f"Đã ghi nhận Nhiệm vụ {key} " in said and "hoàn thành" in said
    (update,) = office.updates()
    assert (update.task_id, update.status) == (office.task(key).id, TaskStatus.DONE)
    before = dump(office.engine)
    refused = texts(talk.respond(event("802", "5 xong", channel="zalo")))
    assert "không có mục số 5 (chỉ có từ 11 đến 20)" in refused and "«11 xong»" in refused
    assert dump(office.engine) == before


def test_a_page_past_the_last_is_refused_with_the_last_one(office: Office, talk: ChatConversation) -> None:
    office.bind("803")
    said = texts(talk.respond(event("803", "/viec 2")))
    assert said == "Danh sách chỉ có 1 trang: gõ «/viec 1» để xem trang cuối."
    one_page = texts(talk.respond(event("803", "/viec")))
    assert numbers(one_page) == [1, 2, 3] and "Trang" not in one_page


def test_overdue_tasks_page_the_same_way(office: Office, talk: ChatConversation) -> None:
    office.add_tasks(14, about=LONG, late=True)
    office.bind("804", channel="zalo")
    first = texts(talk.respond(event("804", "/quahan", channel="zalo")))
    assert numbers(first) == list(range(1, 11)) and "«/quahan 2»" in first and len(first) <= 2000
    second = texts(talk.respond(event("804", "/quahan 2", channel="zalo")))
    assert numbers(second)[0] == 11 and "trang cuối" in second
