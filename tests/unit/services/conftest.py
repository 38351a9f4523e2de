"""Fixtures for the service tests: a fixed clock, a fake unit of work, a small world.

``fakes.py`` is loaded under the unique module name ``service_fakes`` (pytest
runs with --import-mode=importlib, so sibling modules are not importable by
their bare name and a bare ``fakes`` could clash with another area's).
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

_spec = importlib.util.spec_from_file_location("service_fakes", Path(__file__).with_name("fakes.py"))
service_fakes = importlib.util.module_from_spec(_spec)
sys.modules["service_fakes"] = service_fakes
_spec.loader.exec_module(service_fakes)

from scheduler.domain.model import (  # noqa: E402
    Kecamatan,
    Kelurahan,
    Kim,
    MediaAsset,
    MediaKind,
    Platform,
    PostingSlot,
    Role,
    SocialAccount,
    User,
)
from scheduler.services.accounts.secrets import encrypt_credentials  # noqa: E402
from scheduler.services.people.actors import Actor  # noqa: E402

# Monday 30 November 2026, 08:00 WIB.
NOW = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def secret_key(monkeypatch, tmp_path):
    """A throw-away Fernet key, so nothing touches the developer's data directory."""
    from config.settings import get_settings

    key = Fernet.generate_key().decode()
    monkeypatch.setenv("SIAR_SECRET_KEY", key)
    monkeypatch.setenv("SIAR_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield key
    get_settings.cache_clear()


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def uow():
    return service_fakes.FakeUnitOfWork()


@dataclass
class World:
    uow: object
    kim_a: Kim
    kim_b: Kim
    member_a: Actor
    member_a2: Actor
    admin_a: Actor
    admin_a2: Actor
    member_b: Actor
    admin_b: Actor
    staff: Actor
    superadmin: Actor
    x_a: SocialAccount
    fb_a: SocialAccount
    ig_a: SocialAccount
    x_b: SocialAccount
    image_a: MediaAsset
    image_a2: MediaAsset
    image_b: MediaAsset

    def actor(self, name: str) -> Actor:
        return getattr(self, name)


def _image(kim_id: int, n: int) -> MediaAsset:
    return MediaAsset(
        kim_id=kim_id,
        content_hash=f"{n:064x}",
        kind=MediaKind.IMAGE,
        mime_type="image/jpeg",
        size_bytes=200_000,
        storage_key=f"m/{n}.jpg",
        width=1080,
        height=1350,
        created_at=NOW,
    )


@pytest.fixture
def world(uow) -> World:
    """Two KIMs (A with X, Facebook and Instagram accounts; B with X), people of
    every role, a few images. Written straight into the fake store."""
    d = uow.data
    d.kecamatan += [Kecamatan("blimbing", "Blimbing"), Kecamatan("klojen", "Klojen")]
    d.kelurahan += [
        Kelurahan("blimbing-arjosari", "Arjosari", "blimbing"),
        Kelurahan("blimbing-polowijen", "Polowijen", "blimbing"),
        Kelurahan("klojen-kauman", "Kauman", "klojen"),
    ]
    kim_a = uow.kims.add(
        Kim("blimbing-arjosari", "KIM Arjosari", "kim-arjosari", formed_on=date(2020, 5, 1), created_at=NOW)
    )
    kim_b = uow.kims.add(Kim("klojen-kauman", "KIM Kauman", "kim-kauman", created_at=NOW))

    def person(email: str, role: Role, kim: Kim | None) -> Actor:
        user = uow.users.add(
            User(email=email, name=email.split("@")[0], role=role, kim_id=kim.id if kim else None, created_at=NOW)
        )
        return Actor.of(user)

    creds = encrypt_credentials({"access_token": "s3cret"})

    def account(kim: Kim, platform: Platform, handle: str) -> SocialAccount:
        slots = [
            PostingSlot(d, t)
            for d in range(7)
            for t in (datetime(2000, 1, 1, 9).time(), datetime(2000, 1, 1, 19).time())
        ]
        return uow.accounts.add(
            SocialAccount(
                kim_id=kim.id,
                platform=platform,
                handle=handle,
                credentials_encrypted=creds,
                slots=slots,
                created_at=NOW,
            )
        )

    w = World(
        uow=uow,
        kim_a=kim_a,
        kim_b=kim_b,
        member_a=person("ani@kim-arjosari.id", Role.MEMBER, kim_a),
        member_a2=person("budi@kim-arjosari.id", Role.MEMBER, kim_a),
        admin_a=person("citra@kim-arjosari.id", Role.ADMIN, kim_a),
        admin_a2=person("dedi@kim-arjosari.id", Role.ADMIN, kim_a),
        member_b=person("eka@kim-kauman.id", Role.MEMBER, kim_b),
        admin_b=person("fajar@kim-kauman.id", Role.ADMIN, kim_b),
        staff=person("gita@malangkota.go.id", Role.STAFF, None),
        superadmin=person("root@malangkota.go.id", Role.SUPERADMIN, None),
        x_a=account(kim_a, Platform.X, "kimarjosari"),
        fb_a=account(kim_a, Platform.FACEBOOK, "kimarjosari.fb"),
        ig_a=account(kim_a, Platform.INSTAGRAM, "kim.arjosari"),
        x_b=account(kim_b, Platform.X, "kimkauman"),
        image_a=uow.media.add(_image(kim_a.id, 1)),
        image_a2=uow.media.add(_image(kim_a.id, 2)),
        image_b=uow.media.add(_image(kim_b.id, 3)),
    )
    uow.commit()
    return w
