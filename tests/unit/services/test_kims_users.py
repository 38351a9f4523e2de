"""KIM registry and users: happy paths, refusals, and nothing written on refusal."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from scheduler.domain.errors import Conflict, InvalidInput, NotAllowed, NotFound
from scheduler.domain.model import Role
from scheduler.services.people import users
from scheduler.services.registry import kims


def test_staff_registers_a_kim_with_a_slug_from_its_name(world, now):
    kim = kims.create_kim(
        world.uow,
        world.staff,
        kelurahan_code="blimbing-polowijen",
        name="KIM Polowijen Berdaya",
        now=now,
        formed_on=date(2021, 3, 1),
    )
    assert kim.id is not None and kim.slug == "kim-polowijen-berdaya"
    assert kim.timezone == "Asia/Jakarta"
    stored = world.uow.kims.get_by_kelurahan("blimbing-polowijen")
    assert stored.name == "KIM Polowijen Berdaya"
    [event] = world.uow.audit.list(action="kim.create")
    assert event.kim_id == kim.id and event.actor_id == world.staff.user_id


def test_a_name_without_letters_or_digits_gets_the_kelurahan_code_as_slug(world, now):
    kim = kims.create_kim(world.uow, world.staff, kelurahan_code="blimbing-polowijen", name="★ ★", now=now)
    assert kim.slug == "blimbing-polowijen"


def test_formation_date_is_checked_against_today_in_the_kims_zone(world):
    """At 01:00 WIB on 2 March it is still 1 March in UTC: the day in Malang counts."""
    one_am_wib = datetime(2026, 3, 1, 18, 0, tzinfo=UTC)
    kim = kims.create_kim(
        world.uow,
        world.staff,
        kelurahan_code="blimbing-polowijen",
        name="KIM P",
        now=one_am_wib,
        formed_on=date(2026, 3, 2),
    )
    assert kim.formed_on == date(2026, 3, 2)


def test_kelurahan_may_be_named_instead_of_coded(world, now):
    kim = kims.create_kim(
        world.uow, world.superadmin, kelurahan_code="Blimbing Polowijen", name="KIM Polowijen", now=now
    )
    assert kim.kelurahan_code == "blimbing-polowijen"


@pytest.mark.parametrize(
    "kwargs, error, field",
    [
        ({"kelurahan_code": "klojen-kauman", "name": "KIM Kauman 2"}, Conflict, "kelurahan"),
        ({"kelurahan_code": "nowhere", "name": "KIM X"}, NotFound, "kelurahan"),
        (
            {"kelurahan_code": "blimbing-polowijen", "name": "KIM P", "timezone": "Asia/Malang"},
            InvalidInput,
            "timezone",
        ),
        ({"kelurahan_code": "blimbing-polowijen", "name": "  "}, InvalidInput, "name"),
        ({"kelurahan_code": "blimbing-polowijen", "name": "KIM P", "slug": "kim-kauman"}, Conflict, "slug"),
        (
            {"kelurahan_code": "blimbing-polowijen", "name": "KIM P", "formed_on": date(2030, 1, 1)},
            InvalidInput,
            "formed_on",
        ),
        ({"kelurahan_code": "blimbing-polowijen", "name": "KIM P", "slug": "!!"}, InvalidInput, "slug"),
    ],
)
def test_bad_kim_input_is_refused_and_writes_nothing(world, now, kwargs, error, field):
    before = world.uow.snapshot()
    with pytest.raises(error) as caught:
        kims.create_kim(world.uow, world.staff, now=now, **kwargs)
    assert caught.value.field == field
    assert caught.value.message_id and caught.value.message_en
    assert world.uow.data == before


@pytest.mark.parametrize("who", ["member_a", "admin_a"])
def test_kim_members_and_admins_cannot_register_kims(world, now, who):
    with pytest.raises(NotAllowed):
        kims.create_kim(world.uow, world.actor(who), kelurahan_code="blimbing-polowijen", name="KIM P", now=now)


def test_get_kim_of_another_kim_is_not_found(world):
    assert kims.get_kim(world.uow, world.member_a, slug="kim-arjosari").id == world.kim_a.id
    with pytest.raises(NotFound):
        kims.get_kim(world.uow, world.member_a, slug="kim-kauman")
    assert kims.get_kim(world.uow, world.staff, slug="kim-kauman").id == world.kim_b.id
    assert [k.id for k in kims.list_kims(world.uow, world.admin_b)] == [world.kim_b.id]


def test_add_user_hashes_with_argon2_and_lowercases_email(world, now):
    user = users.add_user(
        world.uow,
        world.admin_a,
        email=" Hana@Example.ID ",
        role="member",
        password="rahasia-123",
        kim_id=world.kim_a.id,
        now=now,
    )
    assert user.email == "hana@example.id"
    assert user.password_hash.startswith("$argon2id$")
    assert "rahasia" not in repr(world.uow.audit.list(action="user.add"))
    signed_in = users.authenticate(world.uow, email="HANA@example.id", password="rahasia-123", now=now)
    assert signed_in.id == user.id
    with pytest.raises(NotAllowed) as wrong:
        users.authenticate(world.uow, email="hana@example.id", password="salah-salah", now=now)
    with pytest.raises(NotAllowed) as unknown:
        users.authenticate(world.uow, email="nobody@example.id", password="salah-salah", now=now)
    assert wrong.value.message_en == unknown.value.message_en  # no account enumeration


@pytest.mark.parametrize(
    "kwargs, error, field",
    [
        (
            {"email": "ANI@kim-arjosari.id", "role": "member", "kim_slug": "kim-arjosari"},
            Conflict,
            "email",
        ),  # duplicate, case-insensitive
        ({"email": "new@x.id", "role": "member"}, InvalidInput, "kim"),
        ({"email": "new@x.id", "role": "staff", "kim_slug": "kim-arjosari"}, InvalidInput, "kim"),
        ({"email": "new@x.id", "role": "boss"}, InvalidInput, "role"),
        ({"email": "not-an-email", "role": "staff"}, InvalidInput, "email"),
        ({"email": "new@x.id", "role": "staff", "password": "short"}, InvalidInput, "password"),
        ({"email": "new@x.id", "role": "member", "kim_slug": "no-such-kim"}, NotFound, "kim"),
    ],
)
def test_bad_user_input_is_refused_and_writes_nothing(world, now, kwargs, error, field):
    before = world.uow.snapshot()
    kwargs.setdefault("password", "cukup-panjang")
    with pytest.raises(error) as caught:
        users.add_user(world.uow, world.superadmin, now=now, **kwargs)
    assert caught.value.field == field
    assert world.uow.data == before


@pytest.mark.parametrize(
    "who, role, kim, outcome",
    [
        ("admin_a", Role.MEMBER, "a", None),
        ("admin_a", Role.ADMIN, "a", None),
        ("admin_a", Role.MEMBER, "b", NotFound),  # other KIM: does not leak
        ("admin_a", Role.STAFF, None, NotAllowed),
        ("member_a", Role.MEMBER, "a", NotAllowed),
        ("member_a", Role.MEMBER, "b", NotFound),
        ("staff", Role.MEMBER, "b", None),
        ("staff", Role.STAFF, None, None),
        ("staff", Role.SUPERADMIN, None, NotAllowed),
        ("superadmin", Role.SUPERADMIN, None, None),
    ],
)
def test_who_may_add_whom(world, now, who, role, kim, outcome):
    kim_id = {"a": world.kim_a.id, "b": world.kim_b.id, None: None}[kim]

    def call():
        return users.add_user(
            world.uow,
            world.actor(who),
            email="new@x.id",
            role=role,
            password="cukup-panjang",
            kim_id=kim_id,
            now=now,
        )

    if outcome is None:
        assert call().role == role
    else:
        before = world.uow.snapshot()
        with pytest.raises(outcome):
            call()
        assert world.uow.data == before
