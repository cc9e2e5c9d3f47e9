"""Invites: creating codes, redeeming them from a chat, and who a chat belongs to (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.db.models import ChatBinding, Invite, Person
from bot.db.roles import Role
from bot.people import (
    AttemptLimiter,
    DirectoryError,
    InviteRefused,
    RefusalReason,
    create_invite,
    hash_code,
    normalize_code,
    redeem_invite,
    welcome_message,
    who_is,
)
from bot.people.codes import ALPHABET, generate_code
from bot.plans.loader import load_workspace
from bot.plans.sync import sync_workspace
from bot.workcal import WorkCalendar

PLAN_V1 = Path(__file__).parent / "data" / "sync" / "v1"
NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)
DumpDatabase = Callable[[Engine], dict[str, list[tuple[object, ...]]]]


@pytest.fixture
def synced(engine: Engine) -> Engine:
    """The cut-down Kế hoạch 04/KH-UBND and its directory (units so-ct, so-khdt, so-tc, vp-ubnd…)."""
    workspace = load_workspace([PLAN_V1])
    assert workspace.errors == []
    with Session(engine) as session, session.begin():
        sync_workspace(session, workspace, NOW - dt.timedelta(days=30), calendar=WorkCalendar())
    return engine


def invite(engine: Engine, **kwargs: object) -> str:
    arguments: dict[str, object] = {"unit_id": None, "role": None, "now": NOW, "ttl_days": 7, **kwargs}
    with Session(engine) as session, session.begin():
        return create_invite(session, **arguments).code  # type: ignore[arg-type]


def redeem(
    engine: Engine,
    code: str,
    *,
    chat: str = "1001",
    limiter: AttemptLimiter | None = None,
    now: dt.datetime = NOW,
    name: str | None = "Trần Thị B",
) -> Person:
    with Session(engine, expire_on_commit=False) as session, session.begin():
        return redeem_invite(
            session,
            code=code,
            channel="telegram",
            chat_id=chat,
            user_id=f"u{chat}",
            display_name=name,
            now=now,
            limiter=limiter or AttemptLimiter(),
        )


def refusal(engine: Engine, code: str, **kwargs: object) -> InviteRefused:
    with pytest.raises(InviteRefused) as caught:
        redeem(engine, code, **kwargs)  # type: ignore[arg-type]
    return caught.value


# --- codes ---------------------------------------------------------------------------------------


def test_codes_are_eight_unambiguous_symbols_in_two_groups() -> None:
    codes = {generate_code() for _ in range(50)}
    assert len(codes) == 50
    for code in codes:
        head, tail = code.split("-")
        assert len(head) == len(tail) == 4
        assert set(head + tail) <= set(ALPHABET)
    assert not set("0O1IAEUYDW") & set(ALPHABET)


@pytest.mark.parametrize(
    "typed", ["bkq7-m2xh", " BKQ7 M2XH ", "BKQ7M2XH", "ＢＫＱ７－Ｍ２ＸＨ", "bkq7_m2xh.", "/start BKQ7-M2XH"]
)
def test_codes_are_read_however_they_are_typed(typed: str) -> None:
    assert normalize_code(typed) == "BKQ7M2XH"


@pytest.mark.parametrize("typed", ["", "BKQ7-M2X", "BKQ7-M2XHH", "BKQ0-M2XH", "đkq7-m2xh", "xin chào bot"])
def test_text_that_cannot_be_a_code_is_not_one(typed: str) -> None:
    assert normalize_code(typed) is None


# --- creating ------------------------------------------------------------------------------------


def test_an_invite_for_a_new_person_creates_them_in_the_unit_and_stores_only_the_hash(synced: Engine) -> None:
    code = invite(synced, unit_id="so-ct", role="staff", name="Trần Thị Bình")
    with Session(synced) as session:
        stored = session.exec(select(Invite)).one()
        person = session.get(Person, stored.person_id)
        assert person is not None
        assert (person.unit_id, person.role, person.origin, person.name) == (
            "so-ct",
            Role.STAFF,
            "invite",
            "Trần Thị Bình",
        )
        assert person.id.startswith("inv-tran-thi-binh-")
        assert stored.code_hash == hash_code(normalize_code(code) or "") != code
        assert stored.expires_at == NOW + dt.timedelta(days=7)
        assert stored.used_at is None


def test_an_invite_for_a_directory_person_keeps_their_unit_and_role(synced: Engine) -> None:
    with Session(synced) as session, session.begin():
        code, created = create_invite(
            session, unit_id=None, role=None, person_id="nguyen-van-a", now=NOW, ttl_days=7
        )
        assert normalize_code(code) is not None
        created_id = created.id
    with Session(synced) as session:
        stored = session.exec(select(Invite)).one()
        assert stored.id == created_id
        assert stored.person_id == "nguyen-van-a"
        assert len(session.exec(select(Person)).all()) == 2  # nobody new


def test_a_unit_may_be_named_by_its_name_without_diacritics(synced: Engine) -> None:
    invite(synced, unit_id="so tai chinh", role="head", name="Lê Văn C")
    with Session(synced) as session:
        person = session.exec(select(Person).where(Person.origin == "invite")).one()
        assert (person.unit_id, person.role) == ("so-tc", Role.HEAD)


def test_an_unknown_unit_suggests_the_closest_and_lists_the_units(synced: Engine) -> None:
    with pytest.raises(DirectoryError) as caught:
        invite(synced, unit_id="so-khd", role="staff")
    assert caught.value.message("vi") == (
        "Không có đơn vị «so-khd» trong cơ sở dữ liệu. Có phải ý bạn là «so-khdt» (Sở Kế hoạch và Đầu tư)? "
        "Các đơn vị hiện có: so-ct, so-khdt, so-tc, ubnd-tinh, vp-ubnd."
    )
    assert caught.value.message("en") == (
        "There is no unit «so-khd» in the database. Did you mean «so-khdt» (Sở Kế hoạch và Đầu tư)? "
        "Units: so-ct, so-khdt, so-tc, ubnd-tinh, vp-ubnd."
    )


def test_an_unknown_role_or_person_says_what_exists(synced: Engine) -> None:
    with pytest.raises(DirectoryError) as role:
        invite(synced, unit_id="so-ct", role="staf")
    assert role.value.message("vi") == (
        "Vai trò «staf» không hợp lệ. Có phải ý bạn là «staff»? Chọn một trong: staff, head, chief, admin."
    )
    with pytest.raises(DirectoryError) as person:
        invite(synced, person_id="nguyen-van")
    assert "Có phải ý bạn là «nguyen-van-a» (Nguyễn Văn A)?" in person.value.message("vi")
    assert "le-anh-tuan, nguyen-van-a" in person.value.message("vi")


def test_a_directory_person_cannot_be_invited_into_another_unit(synced: Engine) -> None:
    with pytest.raises(DirectoryError) as caught:
        invite(synced, person_id="nguyen-van-a", unit_id="so-ct")
    assert caught.value.message("vi").startswith(
        "Nguyễn Văn A thuộc vp-ubnd với vai trò «chief» theo danh bạ"
    )


def test_a_new_person_needs_unit_and_role(synced: Engine) -> None:
    with pytest.raises(DirectoryError) as caught:
        invite(synced, unit_id="so-ct")
    assert "--unit và --role" in caught.value.message("vi")


# --- redeeming -----------------------------------------------------------------------------------


def test_redeeming_binds_the_chat_and_names_an_unnamed_person(synced: Engine) -> None:
    code = invite(synced, unit_id="so-ct", role="staff")
    person = redeem(synced, code.lower().replace("-", " "), name="Trần Thị B")
    assert person.name == "Trần Thị B"
    with Session(synced) as session:
        binding = session.exec(select(ChatBinding)).one()
        stored = session.exec(select(Invite)).one()
        assert (binding.person_id, binding.channel, binding.chat_id, binding.user_id) == (
            person.id,
            "telegram",
            "1001",
            "u1001",
        )
        assert (stored.used_at, stored.binding_id) == (NOW, binding.id)
        found = who_is(session, "telegram", "1001")
        assert found is not None and found.id == person.id
        assert who_is(session, "telegram", "9999") is None
        assert who_is(session, "zalo", "1001") is None


def test_a_code_is_single_use_but_the_same_chat_may_send_it_again(synced: Engine) -> None:
    code = invite(synced, person_id="nguyen-van-a")
    assert redeem(synced, code).id == "nguyen-van-a"
    assert redeem(synced, code).id == "nguyen-van-a"  # Start pressed twice
    refused = refusal(synced, code, chat="2002")
    assert refused.reason is RefusalReason.USED
    assert refused.message("vi") == (
        "Mã mời này đã được dùng rồi; mỗi mã chỉ dùng được một lần. Để nhận mã mới, hãy nhờ quản trị viên "
        "của cơ quan chạy lệnh «nhacviec invite» rồi gửi mã cho bot."
    )


def test_unknown_and_expired_codes_are_refused_politely(synced: Engine, dump: DumpDatabase) -> None:
    code = invite(synced, unit_id="so-ct", role="staff")
    before = dump(synced)
    unknown = refusal(synced, "BBBB-CCCC")
    assert unknown.reason is RefusalReason.UNKNOWN
    assert unknown.message("en") == (
        "The invite code «BBBB-CCCC» is not right. Check the code (8 characters, like ABCD-EFGH). To get a "
        "new code, ask your office's administrator to run «nhacviec invite» and send the code to the bot."
    )
    expired = refusal(synced, code, now=NOW + dt.timedelta(days=7))
    assert expired.reason is RefusalReason.EXPIRED
    assert "nhacviec invite" in expired.message("vi")
    assert dump(synced) == before


def test_a_chat_bound_to_someone_else_is_not_taken_over(synced: Engine) -> None:
    first = invite(synced, person_id="nguyen-van-a")
    second = invite(synced, person_id="le-anh-tuan")
    redeem(synced, first)
    refused = refusal(synced, second)
    assert refused.reason is RefusalReason.CHAT_BOUND
    assert refused.message("vi").startswith("Cuộc trò chuyện này đã được đăng ký cho Nguyễn Văn A.")
    with Session(synced) as session:
        unused = session.exec(select(Invite).where(Invite.person_id == "le-anh-tuan")).one()
        assert unused.used_at is None


def test_five_wrong_codes_in_an_hour_make_the_chat_wait(synced: Engine) -> None:
    code = invite(synced, unit_id="so-ct", role="staff")
    limiter = AttemptLimiter()
    for minute in range(5):
        wrong = refusal(synced, "BBBB-CCCC", limiter=limiter, now=NOW + dt.timedelta(minutes=minute))
        assert wrong.reason is RefusalReason.UNKNOWN
    blocked = refusal(synced, code, limiter=limiter, now=NOW + dt.timedelta(minutes=10))
    assert blocked.reason is RefusalReason.TOO_MANY_ATTEMPTS
    assert "đợi 50 phút" in blocked.message("vi")
    # Another chat is not affected; and an hour after the first failure this chat may try again.
    assert refusal(synced, "BBBB-CCCC", limiter=limiter, chat="3003").reason is RefusalReason.UNKNOWN
    assert redeem(synced, code, limiter=limiter, now=NOW + dt.timedelta(minutes=61)).unit_id == "so-ct"


# --- the race --------------------------------------------------------------------------------------


@pytest.mark.postgres
def test_two_redeems_of_one_code_at_once_exactly_one_wins(postgres_database: str) -> None:
    from bot.db.engine import make_engine
    from bot.db.migrate import upgrade

    engine = make_engine(postgres_database)
    upgrade(engine)
    try:
        synced_engine = _sync(engine)
        code = invite(synced_engine, person_id="nguyen-van-a")
        barrier = threading.Barrier(2)
        outcomes: dict[str, str] = {}

        def attempt(chat: str) -> None:
            with Session(engine) as session:
                session.exec(select(Invite)).all()  # both have read the unused invite
                barrier.wait()
                try:
                    with session.begin_nested():
                        redeem_invite(
                            session,
                            code=code,
                            channel="telegram",
                            chat_id=chat,
                            user_id=None,
                            display_name=None,
                            now=NOW,
                            limiter=AttemptLimiter(),
                        )
                    session.commit()
                    outcomes[chat] = "bound"
                except InviteRefused as refused:
                    session.rollback()
                    outcomes[chat] = refused.reason.value

        threads = [threading.Thread(target=attempt, args=(chat,)) for chat in ("a", "b")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(outcomes.values()) == ["bound", "used"]
        with Session(engine) as session:
            assert len(session.exec(select(ChatBinding)).all()) == 1
            assert (
                session.exec(
                    select(sa.func.count()).select_from(Invite).where(col(Invite.used_at).is_not(None))
                ).one()
                == 1
            )
    finally:
        engine.dispose()


def _sync(engine: Engine) -> Engine:
    workspace = load_workspace([PLAN_V1])
    with Session(engine) as session, session.begin():
        sync_workspace(session, workspace, NOW - dt.timedelta(days=30), calendar=WorkCalendar())
    return engine


def test_the_welcome_names_the_person_and_their_unit(synced: Engine) -> None:
    code = invite(synced, person_id="nguyen-van-a")
    person = redeem(synced, f"/start {code}")
    with Session(synced) as session:
        assert welcome_message(session, person, "vi") == (
            "Chào Nguyễn Văn A (Văn phòng UBND tỉnh). "
            "Đăng ký xong: từ nay bot sẽ nhắc việc của anh/chị tại đây."
        )
        assert welcome_message(session, person, "en").startswith("Hello Nguyễn Văn A (Văn phòng UBND tỉnh).")
