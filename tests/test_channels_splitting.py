"""Over-long messages are cut at line boundaries, and HTML parts stay valid on their own."""

from __future__ import annotations

import re

import pytest

from bot.channels.base import ParseMode
from bot.channels.splitting import split_text

TAG = re.compile(r"<(/?)(\w+)[^>]*>")


def balanced(part: str) -> bool:
    stack: list[str] = []
    for closing, name in TAG.findall(part):
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return False
    return not stack


def test_short_text_is_one_part() -> None:
    assert split_text("Nhắc việc", 20) == ["Nhắc việc"]


def test_plain_text_is_cut_at_line_ends_and_nothing_is_lost() -> None:
    lines = [f"Dòng {i}: nhiệm vụ số {i} của kế hoạch" for i in range(40)]
    text = "\n".join(lines)
    parts = split_text(text, 200)
    assert len(parts) > 1
    assert all(len(part) <= 200 for part in parts)
    assert "".join(parts) == text
    # Every part but the last ends exactly at the end of a line.
    assert all(part.endswith("\n") for part in parts[:-1])


def test_a_line_longer_than_the_limit_is_cut_between_words() -> None:
    text = " ".join(["quy hoạch"] * 100)
    parts = split_text(text, 50)
    assert all(len(part) <= 50 for part in parts)
    assert "".join(parts) == text
    assert all(not part.endswith("qu") for part in parts)


def test_html_is_never_cut_inside_a_tag_and_open_tags_are_closed_and_reopened() -> None:
    body = "\n".join(f"Nhiệm vụ {i}: Rà soát &amp; báo cáo &lt;{i}&gt;" for i in range(60))
    text = f'<b>Kế hoạch 04/KH-UBND</b>\n<i>{body}</i>\n<a href="https://example.org/x">chi tiết</a>'
    parts = split_text(text, 400, ParseMode.HTML)
    assert len(parts) > 2
    for part in parts:
        assert len(part) <= 400
        assert balanced(part), part
        assert not re.search(r"<[^>]*$", part), "cut inside a tag"
        assert not re.search(r"&\w*$", part), "cut inside an entity"
    assert parts[1].startswith("<i>")
    rejoined = re.sub(r"</?i>", "", "".join(parts))
    assert rejoined == re.sub(r"</?i>", "", text)


@pytest.mark.parametrize("limit", [0, -5])
def test_the_limit_must_be_positive(limit: int) -> None:
    with pytest.raises(ValueError, match="positive"):
        split_text("x" * 10, limit)
