"""Invites: a one-time code that binds a chat (Telegram, Zalo) to a person.

`create_invite` is what `nhacviec invite` runs; `redeem_invite` is what the chat handlers run
when someone sends a code (or opens the Telegram deep link). Neither commits: the caller owns the
transaction. A refused redeem writes nothing (its writes happen in a savepoint).
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from collections import deque
from typing import NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, col, select

from bot.db.models import ChatBinding, Invite, Person, Unit
from bot.db.roles import Role
from bot.people.codes import generate_code, hash_code, normalize_code
from bot.people.directory import find_person, find_unit, parse_role
from bot.people.errors import DirectoryError, InviteRefused, Msg, RefusalReason, msg
from bot.people.messages import (
    CHAT_BOUND,
    CODE_EXPIRED,
    CODE_UNKNOWN,
    CODE_USED,
    HOW_TO_GET_INVITE,
    NAME_TOO_LONG,
    PERSON_MISMATCH,
    SOMEONE_ELSE,
    TOO_MANY_ATTEMPTS,
    UNIT_OR_ROLE_MISSING,
    UNNAMED,
    WELCOME,
    render,
)
from bot.plans.names import slugify

NAME_LIMIT = 120
INVITED = "invite"
"""`people.origin` of a person created by an invite (sync never archives them)."""
UNNAMED_NAME = UNNAMED
"""The name of a person invited without one, until they redeem and their chat name replaces it."""


class AttemptLimiter:
    """At most `limit` wrong codes per chat in `window`; then the chat waits.

    Kept in memory, per process: the bot receives each channel's messages in one process (a
    single poller or webhook), and a restart forgetting the count costs an attacker at most a few
    more guesses against ~2 × 10¹¹ codes. Thread-safe, so a webhook server may share one.
    """

    def __init__(self, limit: int = 5, window: dt.timedelta = dt.timedelta(hours=1)) -> None:
        self.limit = limit
        self.window = window
        self._failures: dict[tuple[str, str], deque[dt.datetime]] = {}
        self._lock = threading.Lock()

    def wait_needed(self, channel: str, chat_id: str, now: dt.datetime) -> dt.timedelta | None:
        """How long the chat must still wait, or None when it may try."""
        with self._lock:
            failures = self._recent(channel, chat_id, now)
            if len(failures) < self.limit:
                return None
            return failures[0] + self.window - now

    def failed(self, channel: str, chat_id: str, now: dt.datetime) -> None:
        with self._lock:
            self._recent(channel, chat_id, now).append(now)

    def succeeded(self, channel: str, chat_id: str) -> None:
        with self._lock:
            self._failures.pop((channel, chat_id), None)

    def _recent(self, channel: str, chat_id: str, now: dt.datetime) -> deque[dt.datetime]:
        failures = self._failures.setdefault((channel, chat_id), deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures


DEFAULT_LIMITER = AttemptLimiter()


class NewInvite(NamedTuple):
    """`(code, invite)`."""

    code: str
    """`BKQ7-M2XH`: shown once, never stored."""
    invite: Invite


def create_invite(
    session: Session,
    *,
    unit_id: str | None,
    role: Role | str | None,
    name: str | None = None,
    person_id: str | None = None,
    now: dt.datetime,
    ttl_days: int = 7,
) -> NewInvite:
    """`(code, invite)`: a new single-use code for a directory person (`person_id`), or for a new
    person of `unit_id` with `role` (created now, `origin = "invite"`, id `inv-<name>-<hex>`).
    Raises `DirectoryError` (unknown unit, person or role: with a suggestion and what exists)."""
    if person_id is not None:
        person = find_person(session, person_id)
        _check_matches_directory(session, person, unit_id, role)
    else:
        if unit_id is None or role is None:
            raise DirectoryError(UNIT_OR_ROLE_MISSING)
        unit = find_unit(session, unit_id)
        person = _new_person(session, unit.id, parse_role(role), name, now)
    code = generate_code()
    invite = Invite(
        code_hash=hash_code(normalize_code(code) or ""),
        person_id=person.id,
        created_at=now,
        expires_at=now + dt.timedelta(days=ttl_days),
    )
    session.add(invite)
    session.flush()
    return NewInvite(code=code, invite=invite)


def _check_matches_directory(
    session: Session, person: Person, unit_id: str | None, role: Role | str | None
) -> None:
    unit_ok = unit_id is None or find_unit(session, unit_id).id == person.unit_id
    role_ok = role is None or parse_role(role) == person.role
    if not (unit_ok and role_ok):
        raise DirectoryError(PERSON_MISMATCH, name=person.name, unit=person.unit_id, role=person.role.value)


def _new_person(session: Session, unit_id: str, role: Role, name: str | None, now: dt.datetime) -> Person:
    clean = " ".join((name or "").split())
    if len(clean) > NAME_LIMIT:
        raise DirectoryError(NAME_TOO_LONG, name=clean[:40] + "…", length=len(clean), limit=NAME_LIMIT)
    stem = slugify(clean)[:40].strip("-") if clean else unit_id
    while True:
        person_id = f"inv-{stem or 'nguoi'}-{secrets.token_hex(2)}"
        if session.get(Person, person_id) is None:
            break
    person = Person(
        id=person_id,
        name=clean or UNNAMED_NAME,
        unit_id=unit_id,
        role=role,
        origin=INVITED,
        created_at=now,
        updated_at=now,
    )
    session.add(person)
    session.flush()  # the models declare no relationships, so the invite must not be inserted first
    return person


def redeem_invite(
    session: Session,
    *,
    code: str,
    channel: str,
    chat_id: str,
    user_id: str | None,
    display_name: str | None,
    now: dt.datetime,
    limiter: AttemptLimiter = DEFAULT_LIMITER,
) -> Person:
    """Bind the chat to the invite's person and use the invite up.

    Raises `InviteRefused`, whose `message(lang)` is the polite refusal (it says how to get an
    invite). Every check runs before the first write, so a refusal has written nothing — except
    when another redeem wins a race at the same moment; the caller rolls its transaction back on
    any refusal (`with session.begin():` does). Wrong codes count against the chat (`limiter`).
    """
    how = msg(HOW_TO_GET_INVITE)
    wait = limiter.wait_needed(channel, chat_id, now)
    if wait is not None:
        minutes = max(1, -(-int(wait.total_seconds()) // 60))
        raise InviteRefused(
            RefusalReason.TOO_MANY_ATTEMPTS, TOO_MANY_ATTEMPTS, count=limiter.limit, minutes=minutes, how=how
        )
    try:
        person = _redeem(session, code, channel, chat_id, user_id, display_name, now, how)
    except InviteRefused as refusal:
        if refusal.reason is not RefusalReason.CHAT_BOUND:
            limiter.failed(channel, chat_id, now)
        raise
    limiter.succeeded(channel, chat_id)
    return person


def _redeem(
    session: Session,
    code: str,
    channel: str,
    chat_id: str,
    user_id: str | None,
    display_name: str | None,
    now: dt.datetime,
    how: Msg,
) -> Person:
    symbols = normalize_code(code)
    invite = None
    if symbols is not None:
        invite = session.exec(select(Invite).where(Invite.code_hash == hash_code(symbols))).first()
    if invite is None:
        raise InviteRefused(RefusalReason.UNKNOWN, CODE_UNKNOWN, code=" ".join(code.split())[:24], how=how)
    binding = session.exec(
        select(ChatBinding).where(ChatBinding.channel == channel, ChatBinding.chat_id == chat_id)
    ).first()
    person = session.get(Person, invite.person_id)
    assert person is not None  # a foreign key
    if invite.used_at is not None:
        if binding is not None and binding.id == invite.binding_id:
            return person  # the same chat sent its code again (Telegram's Start pressed twice)
        raise InviteRefused(RefusalReason.USED, CODE_USED, how=how)
    if invite.expires_at <= now or person.archived_at is not None:
        raise InviteRefused(RefusalReason.EXPIRED, CODE_EXPIRED, how=how)
    if binding is not None and binding.person_id != person.id:
        owner = session.get(Person, binding.person_id)
        name = owner.name if owner is not None else binding.person_id
        raise InviteRefused(RefusalReason.CHAT_BOUND, CHAT_BOUND, name=name)

    # The claim is one conditional UPDATE: of two redeems racing for one code, the second waits
    # for the first's row lock, then matches no row.
    claimed = session.connection().execute(
        sa.update(Invite)
        .where(col(Invite.id) == invite.id, col(Invite.used_at).is_(None))
        .values(used_at=now)
    )
    if claimed.rowcount != 1:
        raise InviteRefused(RefusalReason.USED, CODE_USED, how=how)
    if binding is None:
        binding = ChatBinding(
            person_id=person.id,
            channel=channel,
            chat_id=chat_id,
            user_id=user_id,
            display_name=display_name,
            bound_at=now,
        )
        session.add(binding)
        try:
            session.flush()
        except sa.exc.IntegrityError:
            raise InviteRefused(RefusalReason.CHAT_BOUND, CHAT_BOUND, name=msg(SOMEONE_ELSE)) from None
    else:
        binding.blocked_at = None
        binding.user_id = user_id or binding.user_id
        binding.display_name = display_name or binding.display_name
    invite.used_at = now
    invite.binding_id = binding.id
    if person.origin == INVITED and person.name == UNNAMED_NAME and display_name and display_name.strip():
        person.name = " ".join(display_name.split())[:NAME_LIMIT]
        person.updated_at = now
    session.flush()
    return person


def welcome_message(session: Session, person: Person, lang: str) -> str:
    """What the bot says once a chat is bound."""
    unit = session.get(Unit, person.unit_id)
    return render(lang, WELCOME, name=person.name, unit=unit.name if unit is not None else person.unit_id)


def who_is(session: Session, channel: str, chat_id: str) -> Person | None:
    """The person this chat belongs to; None for a stranger or someone no longer in the directory."""
    binding = session.exec(
        select(ChatBinding).where(ChatBinding.channel == channel, ChatBinding.chat_id == chat_id)
    ).first()
    if binding is None:
        return None
    person = session.get(Person, binding.person_id)
    if person is None or person.archived_at is not None:
        return None
    return person
