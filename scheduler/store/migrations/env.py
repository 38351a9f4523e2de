"""Alembic environment for Siar.

Run through ``scheduler.store.migrate`` (which passes an open connection in
``config.attributes["connection"]``); there is no alembic.ini. Migrations are
rendered in batch mode so SQLite can alter tables.
"""

from __future__ import annotations

from typing import Any, Literal

import sqlalchemy as sa
from alembic import context
from alembic.autogenerate.api import AutogenContext

from scheduler.store import types as store_types
from scheduler.store.schema import ALL_METADATA

config = context.config

# A fixed key for pg_advisory_xact_lock: two `siar db upgrade` started at once
# (several machines deploying) run one after the other, not interleaved.
PG_MIGRATION_LOCK = 73_150_042


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Render the store's column types as plain SQLAlchemy types.

    A migration must keep meaning the same DDL when ``types.py`` changes later,
    so it never imports the project's own types.
    """
    if type_ != "type":
        return False
    if isinstance(obj, store_types.UtcDateTime):
        return "sa.DateTime(timezone=True)"
    if isinstance(obj, (store_types.StrEnum, store_types.LowerCaseString)):
        return f"sa.String(length={store_types.string_length(obj)})"
    if isinstance(obj, store_types.JsonType):
        autogen_context.imports.add("from sqlalchemy.dialects import postgresql")
        return "sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')"
    return False


def _configure(**kwargs: Any) -> None:
    context.configure(
        target_metadata=ALL_METADATA,
        render_item=render_item,
        compare_type=True,
        render_as_batch=True,
        **kwargs,
    )


def run_offline() -> None:
    """``--sql`` mode: print the DDL instead of running it."""
    _configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection: sa.Connection | None = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError(
            "Jalankan migrasi lewat scheduler.store.migrate / `siar db upgrade`. "
            "/ Run migrations through scheduler.store.migrate or `siar db upgrade`."
        )
    _configure(connection=connection)
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK})
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
