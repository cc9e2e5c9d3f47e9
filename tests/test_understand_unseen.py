"""Replies the reader was not written against (issue #12: ≥ 95% right, ≤ 1% confidently wrong on
unseen replies). `replies_unseen_2.tsv` was written before its fixes and used to find the errors;
`replies_unseen_3.tsv` after them: first measured at 66/68 right with 1 confident wrong answer (a
report read with a second period from `từ tháng 6`, "since June"); the fix of that kind, checked on
examples of its own below, brings it to 67/68 and none. The floors are what the reader achieves now:
the figures may only get better.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_understand_accuracy import compared, measure, record

DATA = Path(__file__).parent / "data"

FLOORS = {
    # file: (least share read right, most confidently wrong answers)
    "replies_unseen_2.tsv": (162 / 165, 2),
    "replies_unseen_3.tsv": (67 / 68, 0),
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_unseen_replies_are_read_at_least_as_well_as_when_they_were_added(name: str) -> None:
    rows, figures = measure(DATA / name)
    least_right, most_confident = FLOORS[name]
    print(f"\n{name}: {figures.summary()}")
    assert len(rows) >= 60
    assert sum(row.text.isascii() for row in rows) >= len(rows) / 2
    assert len({row.text for row in rows}) == len(rows)
    assert len(figures.confident) <= most_confident, "\n".join(figures.errors(figures.confident))
    assert figures.share >= least_right - 1e-9, "\n".join(figures.errors(rows))


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_no_unseen_reply_is_wrongly_recorded_as_done(name: str) -> None:
    """The worst error: a task closed that the person did not say was finished."""
    _, figures = measure(DATA / name)
    closed = [
        row
        for row in figures.confident
        if compared(figures.found[row.text])["status"] == "done" and row.expected["status"] != "done"
    ]
    assert closed == [], "\n".join(figures.errors(closed))


def _reading(text: str) -> tuple[str | None, bool, str | None]:
    found = record(text)
    return found["status"], found["ask_back"], found["snooze_until"]


@pytest.mark.parametrize(
    ("text", "status", "ask_back"),
    [
        # `không …` phrases are found under the ways `không` is typed (ko, k, kg, hok)
        ("hok kịp tiến độ", "blocked", False),
        ("kg phai viec cua phong em", None, False),
        ("k lam duoc gi ca", "not_started", False),
        # nothing left is no work left
        ("ko con gi nua, hoan thanh roi", "done", False),
        # a completion denied after the word: asked, never done
        ("xong ko duoc a", None, True),
        # `đâu` after a negation stresses it, asks nothing
        ("dang lam, chua xong dau", "in_progress", False),
        # the task handed over with the task named between verb and receiver
        ("da giao nhiem vu nay cho chi Thu", None, False),
        # remind another office: a hand-off, no snooze
        ("anh nhac ben phong Tai chinh nhe", None, False),
        # a question with no status word in it is still a question
        ("cai nay cua ai vay?", None, False),
        # `đụng vào` is starting
        ("chua dung vao", "not_started", False),
    ],
)
def test_the_kinds_of_error_fixed_on_the_unseen_set(text: str, status: str | None, ask_back: bool) -> None:
    found_status, found_ask, found_snooze = _reading(text)
    assert (found_status, found_ask, found_snooze) == (status, ask_back, None)


def test_the_time_next_to_the_promise_to_report_is_the_snooze() -> None:
    """`đi tập huấn đến thứ Sáu, thứ Hai em báo cáo`: not Friday, the end of the training."""
    found = record("em di tap huan den thu 6, thu 2 tuan sau em bao cao")
    assert found["status"] is None and not found["ask_back"]
    assert compared(found)["snooze_until"] == "2026-11-23T08:00"


def test_a_report_named_first_then_submitted() -> None:
    found = record("bao cao thang 10 don vi em da nop tu tuan truoc")
    assert (found["status"], found["report_period"]) == ("done", "2026-10")  # `từ tuần trước`: when sent
    assert record("da nop bc t10 roi")["report_period"] == "2026-10"
