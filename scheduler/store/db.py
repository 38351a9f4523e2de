"""Engines and sessions for PostgreSQL (production) and SQLite (dev, demo, tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000


def configured_url() -> str:
    """The database URL from the settings (``SIAR_DATABASE_URL`` or SQLite in ``SIAR_DATA_DIR``)."""
    from config.settings import get_settings

    return get_settings().db_url


def sqlite_path(url: str | sa.URL) -> Path | None:
    """The file of a SQLite URL, or None (in-memory or not SQLite)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def make_engine(
    url: str | sa.URL | None = None,
    *,
    sqlite_begin: Literal["immediate", "deferred"] = "immediate",
    **kwargs: Any,
) -> sa.Engine:
    """Create an engine for ``url`` (default: the configured database).

    SQLite: WAL journal, foreign keys ON, a busy timeout, usable from several
    threads, and transactions started by an explicit ``BEGIN IMMEDIATE`` (the
    default) so that a read-then-write transaction waits for the write lock
    instead of failing with "database is locked" when another process wrote in
    between; pass ``sqlite_begin="deferred"`` for read-mostly engines.
    PostgreSQL: ``pool_pre_ping`` so a restarted server costs no request.
    """
    url = make_url(url or configured_url())
    if url.get_backend_name() == "sqlite":
        connect_args = dict(kwargs.pop("connect_args", {}))
        connect_args.setdefault("check_same_thread", False)
        connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
        engine = sa.create_engine(url, connect_args=connect_args, **kwargs)
        _configure_sqlite(engine, sqlite_begin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return sa.create_engine(url, **kwargs)


def _configure_sqlite(engine: sa.Engine, begin: str) -> None:
    begin_sql = "BEGIN IMMEDIATE" if begin == "immediate" else "BEGIN"
    in_memory = sqlite_path(engine.url) is None

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite (which starts
        # transactions lazily and only before DML) and emit BEGIN ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            if not in_memory:
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql(begin_sql)


def make_session_factory(engine: sa.Engine | None = None) -> sessionmaker[Session]:
    """A session factory bound to ``engine`` (default: a new engine on the configured URL).

    ``expire_on_commit=False``: entities stay readable after commit (services
    return them to the web layer after the unit of work has closed).
    Also makes sure the mappers are started.
    """
    from scheduler.store.orm import start_mappers

    start_mappers()
    return sessionmaker(bind=engine or make_engine(), expire_on_commit=False)
