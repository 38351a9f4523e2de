"""A small Siar site for engagement tests: migrated database, seed, one or two KIMs,
sandbox accounts on the three platforms, posts published through the real connectors.

The database is this area's own (a fresh SQLite file, or a fresh PostgreSQL
database next to the session's ``postgres_url``), so KIMs created here never
clash with other areas' data.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

# the `sandbox` fixtures come from tests/conftest.py (pytest_plugins is allowed only there)

WIB = ZoneInfo("Asia/Jakarta")


def utcnow() -> datetime:
    return datetime.now(UTC)


def wib(day: date, hour: int, minute: int = 0) -> datetime:
    """A WIB wall-clock time as a UTC instant."""
    return datetime.combine(day, time(hour, minute), WIB).astimezone(UTC)


@dataclass
class Site:
    url: str
    engine: sa.Engine
    sandbox: Any
    keys: list[str]
    tmp: Path
    registry: Any
    kelurahan: list[str]
    kims: dict[str, int] = field(default_factory=dict)  # slug -> id
    users: dict[str, int] = field(default_factory=dict)  # kim slug -> author id
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> {id, platform, creds}
    subjects: dict[str, tuple[str, int]] = field(default_factory=dict)

    def pipeline(self, **kwargs: Any) -> Any:
        from scheduler.services.accounts.secrets import decrypt_credentials, encrypt_credentials
        from scheduler.services.wiring import Pipeline

        options: dict[str, Any] = {
            "engine": self.engine,
            "connector_for": self.registry.get,
            "decrypt": lambda token: decrypt_credentials(token, self.keys),
            "encrypt": lambda data: encrypt_credentials(data, self.keys),
            "media_root": self.tmp,
        }
        return Pipeline(**{**options, **kwargs})

    def add_kim(self, slug: str, kelurahan_code: str) -> int:
        from scheduler.store.tables import kims, users

        with self.engine.begin() as c:
            kim_id = c.execute(
                sa.insert(kims)
                .values(
                    kelurahan_code=kelurahan_code,
                    name=f"KIM {slug}",
                    slug=slug,
                    timezone="Asia/Jakarta",
                    allow_self_approval=False,
                    created_at=utcnow(),
                    formed_on=date(2024, 3, 1),
                )
                .returning(kims.c.id)
            ).scalar_one()
            user_id = c.execute(
                sa.insert(users)
                .values(
                    email=f"{slug}@example.id",
                    name=slug,
                    role="admin",
                    password_hash="",
                    kim_id=kim_id,
                    language="id",
                    active=True,
                    created_at=utcnow(),
                )
                .returning(users.c.id)
            ).scalar_one()
        self.kims[slug] = kim_id
        self.users[slug] = user_id
        return kim_id

    def add_account(self, name: str, kim: str, platform: str) -> int:
        from scheduler.services.accounts.secrets import encrypt_credentials
        from scheduler.store.tables import social_accounts

        handle = f"{name}_{uuid.uuid4().hex[:6]}"
        creds = self.sandbox.create_account(platform, handle)
        with self.engine.begin() as c:
            account_id = c.execute(
                sa.insert(social_accounts)
                .values(
                    kim_id=self.kims[kim],
                    platform=platform,
                    handle=handle,
                    credentials_encrypted=encrypt_credentials(creds, self.keys),
                    sandbox=True,
                    status="active",
                    timezone="Asia/Jakarta",
                    slots=[],
                    created_at=utcnow(),
                )
                .returning(social_accounts.c.id)
            ).scalar_one()
        self.accounts[name] = {"id": account_id, "platform": platform, "creds": creds, "kim": kim}
        return account_id

    def add_subjects(self, kim: str, kelurahan_code: str) -> None:
        from scheduler.store.tables import destinations, products, umkm

        with self.engine.begin() as c:
            umkm_id = c.execute(
                sa.insert(umkm)
                .values(
                    kelurahan_code=kelurahan_code, name="UMKM Keripik Tempe Bu Sri", owner="Sri", kim_id=self.kims[kim]
                )
                .returning(umkm.c.id)
            ).scalar_one()
            product_id = c.execute(
                sa.insert(products)
                .values(umkm_id=umkm_id, name="Keripik Tempe Sanan", category="keripik")
                .returning(products.c.id)
            ).scalar_one()
            dest_id = c.execute(
                sa.insert(destinations)
                .values(
                    kelurahan_code=kelurahan_code,
                    name="Kampung Warna-Warni Jodipan",
                    category="wisata kampung",
                    kim_id=self.kims[kim],
                )
                .returning(destinations.c.id)
            ).scalar_one()
        self.subjects["product"] = ("product", product_id)
        self.subjects["destination"] = ("destination", dest_id)

    def publish(self, account: str, text: str, published_at: datetime, subject: str | None = None) -> dict[str, Any]:
        """Publish through the real connector, then store the post and its published target."""
        from connectors.base import AccountRef, Content, MediaFile
        from connectors.testing import write_jpeg
        from scheduler.store.tables import post_targets, posts

        info = self.accounts[account]
        connector = self.registry.get(info["platform"])
        media: tuple[MediaFile, ...] = ()
        if info["platform"] == "instagram":
            path = write_jpeg(self.tmp / f"{uuid.uuid4().hex}.jpg", (1080, 1080))
            media = (MediaFile(path, "image", "image/jpeg"),)
        result = connector.publish(
            AccountRef.from_credentials(info["creds"], sandbox=True), Content(text=text, media=media)
        )
        kind, subject_id = self.subjects[subject] if subject else (None, None)
        with self.engine.begin() as c:
            post_id = c.execute(
                sa.insert(posts)
                .values(
                    kim_id=self.kims[info["kim"]],
                    author_id=self.users[info["kim"]],
                    text=text,
                    tags=[],
                    subject_kind=kind,
                    subject_id=subject_id,
                    review_state="approved",
                    schedule_kind="at",
                    schedule_at=published_at,
                    schedule_zone="Asia/Jakarta",
                    as_thread=False,
                    created_at=utcnow(),
                    updated_at=utcnow(),
                )
                .returning(posts.c.id)
            ).scalar_one()
            target_id = c.execute(
                sa.insert(post_targets)
                .values(
                    post_id=post_id,
                    account_id=info["id"],
                    scheduled_at=published_at,
                    scheduled_zone="Asia/Jakarta",
                    occurrence=0,
                    state="published",
                    attempts=1,
                    remote_id=result.remote_id,
                    permalink=result.permalink,
                    published_at=published_at,
                    remote_missing=False,
                    created_at=utcnow(),
                    updated_at=utcnow(),
                )
                .returning(post_targets.c.id)
            ).scalar_one()
        return {
            "target_id": target_id,
            "remote_id": result.remote_id,
            "platform": info["platform"],
            "account": account,
            "published_at": published_at,
            "subject": subject,
            "kim": info["kim"],
            "post_id": post_id,
        }


def _fresh_postgres(postgres_url: str) -> Iterator[str]:
    admin = sa.create_engine(sa.make_url(postgres_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = f"siar_eng_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def build_site(url: str, sandbox: Any, tmp: Path) -> Site:
    from connectors.registry import default_registry
    from scheduler.store.db import make_engine, make_session_factory
    from scheduler.store.migrate import upgrade
    from scheduler.store.seed import read_malang, seed_malang

    upgrade(url)
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        seed_malang(session)
        session.commit()
    _, kelurahan = read_malang()
    return Site(
        url=url,
        engine=engine,
        sandbox=sandbox,
        keys=[Fernet.generate_key().decode()],
        tmp=tmp,
        registry=default_registry(sandbox_url=sandbox.base_url),  # the site's SIAR_SANDBOX_URL
        kelurahan=[k.code for k in kelurahan],
    )


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def backend_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('eng') / 'siar.db'}"
        return
    postgres_url = request.getfixturevalue("postgres_url")
    yield from _fresh_postgres(postgres_url)


@pytest.fixture(scope="module")
def site(backend_url: str, sandbox: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    built = build_site(backend_url, sandbox, tmp_path_factory.mktemp("media"))
    yield built
    built.engine.dispose()


@pytest.fixture
def own_site(request: pytest.FixtureRequest, backend_url: str, sandbox: Any, tmp_path: Path) -> Iterator[Site]:
    """A site of the test's own, on the same backend as ``site``: for a test that measures again
    what the module's shared data was measured with (its changes must not reach other tests)."""
    with contextlib.ExitStack() as stack:
        if backend_url.startswith("sqlite"):
            url = f"sqlite:///{tmp_path / 'own.db'}"
        else:
            url = stack.enter_context(
                contextlib.contextmanager(_fresh_postgres)(request.getfixturevalue("postgres_url"))
            )
        built = build_site(url, sandbox, tmp_path)
        stack.callback(built.engine.dispose)
        yield built
