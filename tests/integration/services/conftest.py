"""Real databases for the service flows: SQLite (a file) and PostgreSQL.

Both are migrated with the store's Alembic ``upgrade(url)`` and seeded with the
Malang kecamatan/kelurahan. PostgreSQL is one database per test session
(``postgres_url``); its non-seed tables are emptied after each test.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from PIL import Image

from scheduler.domain.model import Role
from scheduler.services.accounts import manage as accounts
from scheduler.services.people import users
from scheduler.services.people.actors import Actor
from scheduler.services.posts import media
from scheduler.services.registry import kims
from scheduler.store.db import make_engine, make_session_factory
from scheduler.store.migrate import upgrade
from scheduler.store.seed import seed_malang
from scheduler.store.tables import metadata
from scheduler.store.unit_of_work import SqlAlchemyUnitOfWork

NOW = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # Monday 08:00 WIB
SYSTEM = Actor.system()
KEEP = {"kecamatan", "kelurahan", "alembic_version"}


@pytest.fixture(autouse=True)
def secret_key(monkeypatch, tmp_path):
    from config.settings import get_settings

    monkeypatch.setenv("SIAR_SECRET_KEY", Fernet.generate_key().decode())
    monkeypatch.setenv("SIAR_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _migrate_and_seed(url: str) -> sa.Engine:
    upgrade(url)
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        seed_malang(session)
        session.commit()
    return engine


@pytest.fixture(scope="session")
def pg_engine(postgres_url):
    engine = _migrate_and_seed(postgres_url)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request, tmp_path):
    """A migrated, seeded engine on each database."""
    if request.param == "sqlite":
        engine = _migrate_and_seed(f"sqlite:///{tmp_path / 'siar.db'}")
        yield engine
        engine.dispose()
        return
    engine = request.getfixturevalue("pg_engine")
    yield engine
    names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables if t.name not in KEEP)
    with engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
def uow(engine):
    return SqlAlchemyUnitOfWork(make_session_factory(engine))


def count_rows(engine: sa.Engine) -> dict[str, int]:
    """Rows per table (seed tables excluded): for "nothing was written" checks."""
    with engine.connect() as conn:
        return {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
            if t.name not in KEEP
        }


@pytest.fixture
def rows(engine):
    return lambda: count_rows(engine)


def _setup_kim(uow, kelurahan="arjosari", slug="kim-arjosari"):
    """A KIM with a member, an admin, X and Instagram accounts and one uploaded image."""
    kim = kims.create_kim(uow, SYSTEM, kelurahan_code=kelurahan, name=f"KIM {slug}", slug=slug, now=NOW)
    member = users.add_user(
        uow, SYSTEM, email=f"anggota@{slug}.id", role=Role.MEMBER, password="rahasia-123", kim_id=kim.id, now=NOW
    )
    admin = users.add_user(
        uow, SYSTEM, email=f"admin@{slug}.id", role=Role.ADMIN, password="rahasia-123", kim_id=kim.id, now=NOW
    )
    x = accounts.add_account(
        uow,
        Actor.of(admin),
        kim_id=kim.id,
        platform="x",
        handle=f"{slug}_x",
        credentials={
            "consumer_key": "ck",
            "consumer_secret": "cs",
            "access_token": "sekret-x",
            "access_token_secret": "ats",
            "user_id": "1",
        },
        now=NOW,
    )
    ig = accounts.add_account(
        uow,
        Actor.of(admin),
        kim_id=kim.id,
        platform="instagram",
        handle=f"{slug}.ig",
        credentials={
            "username": f"{slug}.ig",
            "password": "sandi",
            "settings": {"authorization_data": {"sessionid": "sekret-ig"}},
        },
        now=NOW,
    )
    buf = io.BytesIO()
    Image.new("RGB", (1080, 1350), (180, 90, 30)).save(buf, "JPEG")
    image = media.upload_media(
        uow, Actor.of(member), kim_id=kim.id, filename="keripik.jpg", data=buf.getvalue(), now=NOW
    )
    return kim, Actor.of(member), Actor.of(admin), x, ig, image


@pytest.fixture
def setup_kim(uow):
    return lambda **kw: _setup_kim(uow, **kw)
