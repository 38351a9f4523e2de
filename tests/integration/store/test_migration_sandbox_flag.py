"""Migration 0005: the stored sandbox address becomes a flag, on SQLite and PostgreSQL, with data."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command

from scheduler.store import migrate
from scheduler.store.db import make_engine

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _columns(engine: sa.Engine) -> set[str]:
    return {c["name"] for c in sa.inspect(engine).get_columns("social_accounts")}


def _downgrade(engine: sa.Engine, revision: str) -> None:
    with engine.connect() as conn:
        config = migrate.alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, revision)
        conn.commit()


def test_sandbox_addresses_become_the_sandbox_flag_and_back(empty_url):
    migrate.upgrade(empty_url, "0004")
    engine = make_engine(empty_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO kecamatan (code, name) VALUES ('b', 'Blimbing')"))
            conn.execute(sa.text("INSERT INTO kelurahan (code, name, kecamatan_code) VALUES ('b1', 'Arjosari', 'b')"))
            kim = conn.execute(
                sa.text(
                    "INSERT INTO kims (kelurahan_code, name, slug, timezone, allow_self_approval, created_at) "
                    "VALUES ('b1', 'KIM', 'kim', 'Asia/Jakarta', false, :now) RETURNING id"
                ),
                {"now": NOW},
            ).scalar_one()
            for handle, address in (("latihan", "http://127.0.0.1:9999"), ("asli", None)):
                conn.execute(
                    sa.text(
                        "INSERT INTO social_accounts (kim_id, platform, handle, credentials_encrypted, "
                        "sandbox_base_url, status, timezone, slots, created_at) VALUES "
                        "(:kim, 'x', :handle, 'token', :address, 'active', 'Asia/Jakarta', '[]', :now)"
                    ),
                    {"kim": kim, "handle": handle, "address": address, "now": NOW},
                )
        assert migrate.upgrade(empty_url) == migrate.head()
        assert "sandbox_base_url" not in _columns(engine) and "sandbox" in _columns(engine)
        with engine.connect() as conn:
            flags = dict(conn.execute(sa.text("SELECT handle, sandbox FROM social_accounts")).all())
        assert {k: bool(v) for k, v in flags.items()} == {"latihan": True, "asli": False}

        _downgrade(engine, "0004")
        assert "sandbox" not in _columns(engine)
        with engine.connect() as conn:
            addresses = dict(conn.execute(sa.text("SELECT handle, sandbox_base_url FROM social_accounts")).all())
        assert addresses == {"latihan": "http://127.0.0.1:8765", "asli": None}
    finally:
        engine.dispose()
