"""Sign-in without passwords: one-time links and browser sessions, stored hashed.

A link (`/signin/<token>`) works once and until it expires (WEB_LINK_TTL_MINUTES); using it starts
a session whose token lives only in the browser's cookie: the database keeps the SHA-256 of each
token, so a leaked database opens nothing. The CSRF token of a session is derived from the session
token (HMAC), so every form can be checked without storing anything more.
Times come from the clock the caller passes; nothing here reads the wall clock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session, col, select

from bot.db.models import Person, WebLink, WebSession

TOKEN_BYTES = 32
"""256 bits: a link or a session cannot be guessed."""


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def csrf_token(session_token: str) -> str:
    """The session's form token: known to whoever holds the cookie, never stored."""
    return hmac.new(session_token.encode("utf-8"), b"nhacviec-csrf", hashlib.sha256).hexdigest()


def csrf_matches(session_token: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(csrf_token(session_token), str(given))


# --- links -----------------------------------------------------------------------------------


def issue_link(session: Session, person: Person, *, now: dt.datetime, ttl: dt.timedelta) -> str:
    """A new one-time link token for `person` (the caller commits)."""
    token = new_token()
    session.add(
        WebLink(token_hash=hash_token(token), person_id=person.id, created_at=now, expires_at=now + ttl)
    )
    session.flush()
    return token


class LinkRefusal(StrEnum):
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    GONE = "gone"
    """The person left the directory."""


@dataclass(frozen=True, slots=True)
class LinkCheck:
    link: WebLink | None
    person: Person | None
    refusal: LinkRefusal | None


def check_link(session: Session, token: str, *, now: dt.datetime) -> LinkCheck:
    """What a link token is worth now, without using it."""
    link = session.exec(select(WebLink).where(WebLink.token_hash == hash_token(token))).first()
    if link is None:
        return LinkCheck(None, None, LinkRefusal.UNKNOWN)
    if link.used_at is not None:
        return LinkCheck(link, None, LinkRefusal.USED)
    if link.expires_at <= now:
        return LinkCheck(link, None, LinkRefusal.EXPIRED)
    person = session.get(Person, link.person_id)
    if person is None or person.archived_at is not None:
        return LinkCheck(link, None, LinkRefusal.GONE)
    return LinkCheck(link, person, None)


def use_link(
    session: Session, token: str, *, now: dt.datetime, lifetime: dt.timedelta
) -> tuple[str, Person] | LinkRefusal:
    """Use a link: the session token and its person, or why not. The link is marked used by a
    conditional UPDATE, so two browsers racing with one link get one session between them."""
    checked = check_link(session, token, now=now)
    if checked.refusal is not None or checked.link is None or checked.person is None:
        return checked.refusal or LinkRefusal.UNKNOWN
    taken = session.execute(
        WebLink.__table__.update()  # type: ignore[attr-defined]
        .where(WebLink.__table__.c.id == checked.link.id, WebLink.__table__.c.used_at.is_(None))  # type: ignore[attr-defined]
        .values(used_at=now)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        return LinkRefusal.USED
    session_token = new_token()
    session.add(
        WebSession(
            token_hash=hash_token(session_token),
            person_id=checked.person.id,
            link_id=checked.link.id,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    session.flush()
    return session_token, checked.person


# --- sessions --------------------------------------------------------------------------------


def session_person(session: Session, token: str | None, *, now: dt.datetime) -> Person | None:
    """The signed-in person of a session cookie, None when it is unknown, ended or expired, or
    when the person has left the directory."""
    if not token:
        return None
    row = session.exec(
        select(WebSession).where(
            WebSession.token_hash == hash_token(token),
            col(WebSession.ended_at).is_(None),
            WebSession.expires_at > now,
        )
    ).first()
    if row is None:
        return None
    person = session.get(Person, row.person_id)
    if person is None or person.archived_at is not None:
        return None
    return person


def end_session(session: Session, token: str, *, now: dt.datetime) -> None:
    row = session.exec(select(WebSession).where(WebSession.token_hash == hash_token(token))).first()
    if row is not None and row.ended_at is None:
        row.ended_at = now
        session.add(row)
