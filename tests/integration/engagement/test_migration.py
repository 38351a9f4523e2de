"""Migration 0003 creates exactly what engagement_tables declares, and goes down cleanly."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from scheduler.store import engagement_tables, migrate
from scheduler.store.db import make_engine
from scheduler.store.tables import metadata

OURS = {engagement_tables.engagement_daily.name, engagement_tables.engagement_budgets.name}


def _table_of(diff: object) -> str | None:
    item = diff[0] if isinstance(diff, list) else diff  # modify_* entries come as lists
    for part in item[1:]:  # type: ignore[index]
        name = getattr(part, "name", None)
        table = getattr(part, "table", None)
        if table is not None and getattr(table, "name", None) in OURS:
            return table.name
        if name in OURS:
            return name
        if isinstance(part, str) and part in OURS:
            return part
    return None


def _our_diffs(url: str) -> list:
    engine = make_engine(url, sqlite_begin="deferred")
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return [d for d in compare_metadata(context, metadata) if _table_of(d)]
    finally:
        engine.dispose()


def test_migration_matches_the_tables_and_downgrades(site):
    assert migrate.current(site.url) == migrate.head()
    assert _our_diffs(site.url) == []
    engine = make_engine(site.url)
    try:
        with engine.connect() as conn:
            config = migrate.alembic_config()
            config.attributes["connection"] = conn
            command.downgrade(config, "0002")
            conn.commit()
        assert not OURS & set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()
    migrate.upgrade(site.url)
    assert _our_diffs(site.url) == []


def test_comparison_sees_a_missing_index(site):
    engine = make_engine(site.url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("DROP INDEX ix_engagement_daily_latest"))
        diffs = _our_diffs(site.url)
        assert [(d[0], d[1].name) for d in diffs] == [("add_index", "ix_engagement_daily_latest")]
        with engine.begin() as conn:
            for index in engagement_tables.engagement_daily.indexes:
                if index.name == "ix_engagement_daily_latest":
                    index.create(conn)
    finally:
        engine.dispose()
    assert _our_diffs(site.url) == []
