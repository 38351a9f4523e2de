"""Alembic: empty -> head on both databases, and the result equals the ORM metadata."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from scheduler.store import migrate
from scheduler.store.db import make_engine
from scheduler.store.schema import ALL_METADATA, table_names


def _diff(url: str) -> list:
    engine = make_engine(url, sqlite_begin="deferred")
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return compare_metadata(context, ALL_METADATA)
    finally:
        engine.dispose()


def test_upgrade_from_empty_to_head(empty_url):
    assert migrate.current(empty_url) is None
    head = migrate.upgrade(empty_url)
    assert head == migrate.head() and head is not None
    engine = make_engine(empty_url)
    try:
        tables = set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert table_names() <= tables
    assert {
        "kecamatan",
        "kelurahan",
        "kims",
        "users",
        "api_tokens",
        "social_accounts",
        "umkm",
        "products",
        "destinations",
        "media_assets",
        "media_variants",
        "posts",
        "post_targets",
        "publish_attempts",
        "engagement_snapshots",
        "audit_events",
        "heartbeats",
        "post_media",
    } <= table_names()
    # A second run is a no-op.
    assert migrate.upgrade(empty_url) == head


def test_migrated_schema_equals_orm_metadata(migrated_url):
    assert _diff(migrated_url) == []


def test_comparison_is_not_vacuous(migrated_url):
    """Drop one partial index by hand: the comparison must notice."""
    engine = make_engine(migrated_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("DROP INDEX ix_targets_due"))
    finally:
        engine.dispose()
    diff = _diff(migrated_url)
    assert [(d[0], d[1].name) for d in diff] == [("add_index", "ix_targets_due")]


def test_downgrade_to_base_and_up_again(migrated_url):
    from alembic import command

    engine = make_engine(migrated_url)
    try:
        with engine.connect() as conn:
            config = migrate.alembic_config()
            config.attributes["connection"] = conn
            command.downgrade(config, "base")
            conn.commit()
        assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
    assert migrate.upgrade(migrated_url) == migrate.head()
    assert _diff(migrated_url) == []


def test_migrations_ship_inside_the_package():
    folder = migrate.migrations_dir()
    assert (folder / "env.py").is_file()
    assert (folder / "script.py.mako").is_file()
    assert (folder / "versions" / "0001_initial.py").is_file()
    # No alembic.ini anywhere is needed: configuration is built in code.
    assert migrate.alembic_config().get_main_option("script_location") == str(folder)


def test_upgrade_works_from_any_working_directory(tmp_path):
    """Run in a subprocess whose cwd holds no project files at all."""
    url = f"sqlite:///{tmp_path / 'elsewhere' / 'x.db'}"
    code = "import sys; from scheduler.store.migrate import upgrade; print(upgrade(sys.argv[1]))"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIAR_")}
    out = subprocess.run(
        [sys.executable, "-c", code, url],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == migrate.head()
    assert Path(tmp_path / "elsewhere" / "x.db").is_file()
