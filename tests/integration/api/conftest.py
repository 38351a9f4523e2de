"""The API against a real, migrated SQLite database (one template per session, copied per test).

``world`` builds two KIMs (A and B) with a user of every role, an API token
each, an X account per KIM, a submitted post per KIM and an image per KIM,
all through the services, so the API tests start from real rows.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from fastapi.testclient import TestClient

from connectors.fake import FakeConnector
from scheduler.services.accounts import manage as accounts
from scheduler.services.people import tokens, users
from scheduler.services.people.actors import Actor
from scheduler.services.posts import compose as posts
from scheduler.services.posts import media
from scheduler.services.posts.content import TargetSpec
from scheduler.services.posts.scheduling import ScheduleIntent
from scheduler.services.registry import kims
from scheduler.store.db import make_engine, make_session_factory
from scheduler.store.migrate import upgrade
from scheduler.store.seed import seed_malang
from scheduler.store.unit_of_work import SqlAlchemyUnitOfWork

sys.path.insert(0, str(Path(__file__).parent))
from siar_api_kit import PASSWORD, count_rows, future, png_bytes

KEEP = {"kecamatan", "kelurahan", "alembic_version"}


# One key for the whole session: the template's encrypted credentials stay readable in every copy.
SECRET_KEY = Fernet.generate_key().decode()


@dataclass(frozen=True)
class Template:
    db: Path
    data_dir: Path
    world: World


@pytest.fixture(scope="session")
def template(tmp_path_factory) -> Template:
    """A migrated, seeded SQLite database with the world in it, built once (argon2 is slow on purpose)."""
    from config.settings import get_settings

    root = tmp_path_factory.mktemp("template")
    path = root / "siar.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        seed_malang(session)
        session.commit()
    with pytest.MonkeyPatch.context() as mp:
        for name, value in _env(root / "data", url).items():
            mp.setenv(name, value)
        get_settings.cache_clear()
        world = build_world(SqlAlchemyUnitOfWork(make_session_factory(engine)), get_settings())
    get_settings.cache_clear()
    engine.dispose()  # the last connection closing folds the WAL back into the file
    return Template(path, root / "data", world)


def _env(data_dir: Path, url: str) -> dict[str, str]:
    return {"SIAR_DATA_DIR": str(data_dir), "SIAR_DATABASE_URL": url, "SIAR_SECRET_KEY": SECRET_KEY, "SIAR_ENV": "test"}


@pytest.fixture(scope="session")
def pg_api_url(postgres_url) -> str:
    """The session's PostgreSQL database, migrated and seeded once."""
    upgrade(postgres_url)
    engine = make_engine(postgres_url)
    with make_session_factory(engine)() as session:
        seed_malang(session)
        session.commit()
    engine.dispose()
    return postgres_url


def _empty_postgres(url: str) -> None:
    engine = make_engine(url)
    try:
        names = [n for n in sa.inspect(engine).get_table_names() if n not in KEEP]
        with engine.begin() as conn:
            conn.execute(
                sa.text(f"TRUNCATE {', '.join(chr(34) + n + chr(34) for n in names)} RESTART IDENTITY CASCADE")
            )
    finally:
        engine.dispose()


@pytest.fixture
def database_url(request, tmp_path) -> Iterator[str]:
    """A copy of the SQLite template (and its media), unless a test asks for "postgres"
    (indirect parametrize): then the session's PostgreSQL database, emptied."""
    if getattr(request, "param", "sqlite") == "postgres":
        url = request.getfixturevalue("pg_api_url")
        _empty_postgres(url)
        yield url
        _empty_postgres(url)
        return
    template = request.getfixturevalue("template")
    db = tmp_path / "siar.db"
    shutil.copy(template.db, db)
    shutil.copytree(template.data_dir, tmp_path / "data")
    yield f"sqlite:///{db}"


@pytest.fixture
def settings(tmp_path, monkeypatch, database_url):
    from config.settings import get_settings

    for name, value in _env(tmp_path / "data", database_url).items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SIAR_BROKER_URL", raising=False)
    monkeypatch.delenv("SIAR_SANDBOX_URL", raising=False)
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


@pytest.fixture
def engine(settings) -> Iterator[sa.Engine]:
    engine = make_engine(settings.db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def uow(engine) -> SqlAlchemyUnitOfWork:
    return SqlAlchemyUnitOfWork(make_session_factory(engine))


@pytest.fixture
def fake_connectors() -> dict[str, FakeConnector]:
    return {p: FakeConnector(p) for p in ("x", "facebook", "instagram")}


@pytest.fixture
def app(settings, engine, fake_connectors):
    from scheduler.web.app import create_app

    return create_app(settings, engine=engine, connector_for=lambda p: fake_connectors[p])


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app, base_url="https://testserver") as c:
        yield c


@dataclass
class Kim:
    id: int
    slug: str
    account_id: int
    post_id: int
    media_id: int


@dataclass
class World:
    a: Kim
    b: Kim
    tokens: dict[str, str] = field(default_factory=dict)  # "member_a" -> token
    user_ids: dict[str, int] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def kim(self, name: str) -> Kim:
        return self.a if name == "a" else self.b


@pytest.fixture
def world(request, settings) -> World:
    """The two KIMs and their people: from the template on SQLite, built afresh on PostgreSQL."""
    if settings.db_url.startswith("sqlite"):
        return request.getfixturevalue("template").world
    return build_world(request.getfixturevalue("uow"), settings)


def build_world(uow: SqlAlchemyUnitOfWork, settings: Any) -> World:
    now = datetime.now(UTC)
    system = Actor.system()
    made: dict[str, Kim] = {}
    w = World(a=None, b=None)  # type: ignore[arg-type]
    for name, kelurahan in (("a", "Polehan"), ("b", "Arjosari")):
        kim = kims.create_kim(uow, system, kelurahan_code=kelurahan, name=f"KIM {kelurahan}", now=now)
        for role in ("member", "admin", "admin2"):
            email = f"{role}_{name}@siar.test"
            user = users.add_user(
                uow,
                system,
                email=email,
                role="admin" if role == "admin2" else role,
                password=PASSWORD,
                now=now,
                kim_id=kim.id,
            )
            w.user_ids[f"{role}_{name}"], w.emails[f"{role}_{name}"] = user.id, email
            w.tokens[f"{role}_{name}"] = tokens.create_token(uow, system, user.id, now=now).token
        account = accounts.add_account(
            uow,
            system,
            kim_id=kim.id,
            platform="x",
            handle=f"kim_{name}",
            credentials={
                "consumer_key": f"ck-{name}-SECRETVALUE",
                "consumer_secret": "cs",
                "access_token": "1-at",
                "access_token_secret": "ats",
                "user_id": "1",
            },
            now=now,
            slots=[{"weekday": d, "at": "09:00"} for d in range(7)],
        )
        member = Actor(w.user_ids[f"member_{name}"], users.Role.MEMBER, kim.id)
        asset = media.upload_media(
            uow,
            member,
            kim_id=kim.id,
            filename="a.png",
            data=png_bytes(color="blue" if name == "a" else "green"),
            now=now,
            media_dir=settings.media_dir,
        )
        post = posts.compose_post(
            uow,
            member,
            kim_id=kim.id,
            text=f"Keripik tempe {name}",
            targets=[TargetSpec(account.id)],
            schedule=ScheduleIntent.at_instant(future()),
            now=now,
            submit=True,
        )
        made[name] = Kim(kim.id, kim.slug, account.id, post.id, asset.id)
    for role in ("staff", "superadmin"):
        email = f"{role}@siar.test"
        user = users.add_user(uow, system, email=email, role=role, password=PASSWORD, now=now)
        w.user_ids[role], w.emails[role] = user.id, email
        w.tokens[role] = tokens.create_token(uow, system, user.id, now=now).token
    w.a, w.b = made["a"], made["b"]
    return w


@pytest.fixture
def rows(engine):
    return lambda: count_rows(engine)
