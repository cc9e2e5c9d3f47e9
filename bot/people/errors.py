"""Errors a person can cause, each carrying its message (rendered in the language asked for)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, runtime_checkable

from bot.people.messages import render


@runtime_checkable
class Localized(Protocol):
    """A value shown in a message that has its own wording per language."""

    def render(self, lang: str) -> str: ...


@dataclass(frozen=True)
class Msg:
    """A message id and its values; a value may itself be `Localized` (a `Msg`, a period…)."""

    template: str
    values: dict[str, object] = field(default_factory=dict)

    def render(self, lang: str) -> str:
        values = {
            key: value.render(lang) if isinstance(value, Localized) else value
            for key, value in self.values.items()
        }
        return render(lang, self.template, **values)


def msg(template: str, **values: object) -> Msg:
    return Msg(template, values)


class PeopleError(Exception):
    """A refusal with a message that says what is wrong and how to fix it."""

    def __init__(self, template: str, **values: object) -> None:
        self.msg = Msg(template, values)
        super().__init__(self.msg.render("vi"))

    def message(self, lang: str) -> str:
        return self.msg.render(lang)


class DirectoryError(PeopleError):
    """Unknown or archived unit, person or role (`nhacviec invite`)."""


class RefusalReason(StrEnum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"
    CHAT_BOUND = "chat_bound"
    TOO_MANY_ATTEMPTS = "too_many_attempts"


class InviteRefused(PeopleError):
    """`redeem_invite` said no; `message(lang)` is the polite refusal to send to the chat."""

    def __init__(self, reason: RefusalReason, template: str, **values: object) -> None:
        super().__init__(template, **values)
        self.reason = reason


class NotAllowed(PeopleError):
    """The person may not do this (checked on the server for every action)."""


class NotUnderstood(PeopleError):
    """The message does not say a status: nothing was recorded."""
