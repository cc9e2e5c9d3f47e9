"""Sign-in links as people get them: in chat (`/web`) and from `nhacviec web-login`.

The chat command runs inside the conversation, which knows nothing of the web settings; the
composition root (`bot.engine`) says where the dashboard is with `configure`, once, at start.
Until then `/web` answers that the dashboard is not set up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session

from bot.db.models import Person
from bot.web.messages import CHAT_LINK, CHAT_NOT_CONFIGURED, render
from bot.web.signin import issue_link


@dataclass(frozen=True, slots=True)
class LinkSettings:
    base_url: str
    ttl: dt.timedelta


_configured: list[LinkSettings] = []


def configure(settings: LinkSettings | None) -> None:
    """Where the dashboard is (None: not served by this process)."""
    _configured.clear()
    if settings is not None:
        _configured.append(settings)


def configured() -> bool:
    """Whether `/web` gives a link here (the help and the digests then mention it)."""
    return bool(_configured)


def sign_in_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/signin/{token}"


def new_sign_in_url(
    session: Session, person: Person, *, now: dt.datetime, base_url: str, ttl: dt.timedelta
) -> str:
    return sign_in_url(base_url, issue_link(session, person, now=now, ttl=ttl))


def chat_link(session: Session, person: Person, *, now: dt.datetime, lang: str) -> str:
    """The `/web` answer: a fresh one-time link, or why there is none."""
    if not _configured:
        return render(lang, CHAT_NOT_CONFIGURED)
    settings = _configured[0]
    url = new_sign_in_url(session, person, now=now, base_url=settings.base_url, ttl=settings.ttl)
    return render(lang, CHAT_LINK, minutes=int(settings.ttl.total_seconds() // 60), url=url)
