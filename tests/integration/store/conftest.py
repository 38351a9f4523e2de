"""Store fixtures: an empty database per test, on SQLite (a file) and PostgreSQL.

PostgreSQL databases are created next to the session's ``postgres_url`` (so a
missing server fails under CI=true through that fixture) and dropped after
the test; the session database itself is left to other areas.
"""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from scheduler.store.db import make_engine, make_session_factory
from scheduler.store.migrate import upgrade

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture
def pg_database(postgres_url):
    """A factory of fresh, empty PostgreSQL databases on the test server."""
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    created: list[str] = []

    def create() -> str:
        name = f"siar_store_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return admin.url.set(database=name).render_as_string(hide_password=False)

    yield create
    with admin.connect() as conn:
        for name in created:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def empty_url(request, tmp_path) -> str:
    """The URL of an empty database (never migrated)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store' / 'siar.db'}"
    return request.getfixturevalue("pg_database")()


@pytest.fixture
def migrated_url(empty_url) -> str:
    upgrade(empty_url)
    return empty_url


@pytest.fixture
def engine(migrated_url):
    engine = make_engine(migrated_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(engine):
    return make_session_factory(engine)
