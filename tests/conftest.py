"""Shared fixtures: real services, found through the environment.

``.ci/run`` starts PostgreSQL and Redis and exports their URLs. Under
``CI=true`` a service that cannot be reached fails the test (never skips it);
on a developer's machine without the service the test is skipped with a
reason that says which service is missing.
"""

from __future__ import annotations

import os
import uuid

import pytest

# One sandbox server for the whole run (fixtures `sandbox`, `clean_sandbox`).
pytest_plugins = ["sandbox.pytest_plugin"]

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
POSTGRES_ADMIN_URL = os.environ.get("SIAR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("SIAR_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
AMQP_URL = os.environ.get("SIAR_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")


def service_missing(name: str, error: Exception) -> None:
    message = f"{name} is not reachable: {error}"
    if IN_CI:
        pytest.fail(message + " (CI=true: a missing service fails the run)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_url():
    """A fresh, empty PostgreSQL database for this test session, dropped afterwards."""
    import sqlalchemy as sa

    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    name = f"siar_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        service_missing("PostgreSQL", exc)
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def redis_url():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except Exception as exc:
        service_missing("Redis", exc)
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture
def siar_env(tmp_path, monkeypatch):
    """Point Settings at a throw-away data directory (SQLite, file broker)."""
    from config.settings import get_settings

    monkeypatch.setenv("SIAR_DATA_DIR", str(tmp_path / "siar"))
    monkeypatch.setenv("SIAR_ENV", "test")
    for var in ("SIAR_DATABASE_URL", "SIAR_BROKER_URL", "SIAR_SECRET_KEY"):
        monkeypatch.delenv(var, raising=False)
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()
