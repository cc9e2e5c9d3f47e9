"""The button wire format, built and parsed here only: what a pressed button sends back.

- `r:<outbox id>:<action>`: an answer to a reminder (`REMINDER_ACTIONS`);
- `c:<token>:<n>`: the n-th choice (from 1) of the open question whose token it carries.
Telegram allows 1–64 bytes of callback data; the receiver never trusts it (the conversation
checks every press against the database).
"""

from __future__ import annotations

from dataclasses import dataclass

REMINDER_ACTIONS = ("done", "doing", "blocked", "snooze", "extend", "open")
"""`extend`: a report's «Xin lùi hạn»; `open`: a check-in item's button, which shows that item's
own choices."""
MAX_BYTES = 64


@dataclass(frozen=True, slots=True)
class ReminderPress:
    outbox_id: int
    action: str


@dataclass(frozen=True, slots=True)
class ChoicePress:
    token: str
    index: int
    """From 1; 0 when the data carried no usable number (the question then counts as expired)."""


def reminder_data(outbox_id: int, action: str) -> str:
    return _checked(f"r:{outbox_id}:{action}")


def choice_data(token: str, index: int) -> str:
    return _checked(f"c:{token}:{index}")


def parse_press(data: str) -> ReminderPress | ChoicePress | None:
    """What a button's data says; None for data this bot never sent."""
    parts = data.split(":")
    if len(parts) != 3:
        return None
    kind, key, value = parts
    if kind == "c":
        return ChoicePress(key, int(value) if value.isdigit() and len(value) < 4 else 0)
    if kind == "r" and value in REMINDER_ACTIONS and key.isdigit() and len(key) <= 18:
        return ReminderPress(int(key), value)
    return None


def _checked(data: str) -> str:
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data
