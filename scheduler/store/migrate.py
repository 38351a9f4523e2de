"""Run Alembic migrations from code: ``upgrade(url)``, ``current(url)``.

Alembic is configured here rather than in an alembic.ini, from the
migrations directory inside the installed package, so it works from any
working directory and from a wheel.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.pool import NullPool

from scheduler.store.db import configured_url, make_engine, sqlite_path


def migrations_dir() -> Path:
    """Where ``env.py`` and ``versions/`` live (inside the installed package)."""
    return Path(str(resources.files("scheduler.store") / "migrations"))


def alembic_config(url: str | sa.URL | None = None) -> Config:
    """An Alembic ``Config`` for Siar's migrations (no ini file)."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("path_separator", "os")
    if url is not None:
        # Only used by offline (--sql) mode; escape % for configparser.
        rendered = sa.make_url(url).render_as_string(hide_password=False)
        config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return config


def head() -> str:
    """The newest revision shipped with this version of Siar."""
    script = ScriptDirectory.from_config(alembic_config())
    revision = script.get_current_head()
    assert revision is not None
    return revision


def upgrade(url: str | sa.URL | None = None, revision: str = "head") -> str | None:
    """Migrate the database at ``url`` (default: the configured one) to ``revision``.

    Creates the directory of a SQLite file if needed. Returns the revision
    the database is at afterwards.
    """
    url = url or configured_url()
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                # Batch migrations copy and drop tables; with foreign keys ON,
                # dropping a referenced table would cascade or fail. The pragma
                # only works outside a transaction, hence the driver level.
                driver = connection.connection.driver_connection
                if driver is None:
                    raise RuntimeError("the SQLite connection is closed")
                driver.execute("PRAGMA foreign_keys=OFF")
            config = alembic_config(url)
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            connection.commit()
            if connection.dialect.name == "sqlite":
                problems = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                connection.rollback()
                if problems:
                    raise RuntimeError(
                        f"Migrasi meninggalkan kunci asing yang rusak: {problems[:5]} "
                        f"/ The migration left broken foreign keys: {problems[:5]}"
                    )
        return current(url)
    finally:
        engine.dispose()


def current(url: str | sa.URL | None = None) -> str | None:
    """The revision the database at ``url`` is at (None: never migrated)."""
    url = url or configured_url()
    path = sqlite_path(url)
    if path is not None and not path.exists():
        return None  # do not create an empty file just by looking
    engine = make_engine(url, poolclass=NullPool, sqlite_begin="deferred")
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
