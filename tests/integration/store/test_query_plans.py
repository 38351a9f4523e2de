"""Finding live targets must not scan history: the planner uses the partial indexes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from scheduler.store import queries
from scheduler.store.db import make_engine
from scheduler.store.migrate import upgrade
from scheduler.store.tables import post_targets

NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
HISTORY = 20_000


def _fill(conn: sa.Connection, history: int) -> dict[str, list[int]]:
    """One KIM, account and post; ``history`` published targets plus a few live ones."""
    conn.execute(sa.text("INSERT INTO kecamatan (code, name) VALUES ('sukun', 'Sukun')"))
    conn.execute(sa.text("INSERT INTO kelurahan (code, name, kecamatan_code) VALUES ('gadang', 'Gadang', 'sukun')"))
    conn.execute(
        sa.text(
            "INSERT INTO kims (id, kelurahan_code, name, slug, timezone, allow_self_approval, created_at) "
            "VALUES (1, 'gadang', 'KIM Gadang', 'gadang', 'Asia/Jakarta', false, :t)"
        ),
        {"t": "2026-01-01"},
    )
    conn.execute(
        sa.text(
            "INSERT INTO users (id, email, name, role, password_hash, kim_id, language, active, created_at) "
            "VALUES (1, 'a@gadang.id', 'A', 'admin', '', 1, 'id', true, :t)"
        ),
        {"t": "2026-01-01"},
    )
    conn.execute(
        sa.text(
            "INSERT INTO social_accounts (id, kim_id, platform, handle, credentials_encrypted, status, timezone, "
            "slots, created_at) VALUES (1, 1, 'x', 'kim_gadang', '', 'active', 'Asia/Jakarta', '[]', :t)"
        ),
        {"t": "2026-01-01"},
    )
    conn.execute(
        sa.text(
            "INSERT INTO posts (id, kim_id, author_id, text, tags, review_state, schedule_kind, schedule_zone, "
            "as_thread, created_at, updated_at) VALUES (1, 1, 1, 'x', '[]', 'approved', 'at', 'Asia/Jakarta', "
            "false, :t, :t)"
        ),
        {"t": "2026-01-01"},
    )

    def row(occurrence: int, state: str, at: datetime, **extra) -> dict:
        return {
            "post_id": 1,
            "account_id": 1,
            "occurrence": occurrence,
            "state": state,
            "scheduled_at": at,
            "scheduled_zone": "Asia/Jakarta",
            "attempts": 0,
            "remote_missing": False,
            "created_at": at,
            "updated_at": at,
            **extra,
        }

    old = NOW - timedelta(days=400)
    history_rows = [
        row(i, "published", old + timedelta(minutes=i), engagement_due_at=NOW + timedelta(days=30))
        for i in range(history)
    ]
    if history_rows:
        conn.execute(sa.insert(post_targets), history_rows)
    live = {
        "due": [(HISTORY + i, NOW - timedelta(minutes=10 - i)) for i in range(3)],
        "future": [(HISTORY + 10 + i, NOW + timedelta(hours=i + 1)) for i in range(2)],
    }
    conn.execute(sa.insert(post_targets), [row(o, "scheduled", at) for o, at in live["due"] + live["future"]])
    for other in (
        row(HISTORY + 20, "retry_wait", NOW, next_attempt_at=NOW - timedelta(seconds=5)),
        row(HISTORY + 21, "queued", NOW, lease_token="l", lease_until=NOW - timedelta(seconds=1)),
        row(HISTORY + 22, "unknown", NOW),
    ):
        conn.execute(sa.insert(post_targets), other)
    ids = conn.execute(
        sa.select(post_targets.c.occurrence, post_targets.c.id).where(post_targets.c.occurrence >= HISTORY)
    ).all()
    by_occurrence = dict(ids)
    return {"due": [by_occurrence[o] for o, _ in live["due"]]}


def _literal_sql(conn: sa.Connection, query: sa.Select) -> str:
    return str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))


LIVE_QUERIES = [
    ("ix_targets_due", lambda: queries.due_targets_query(NOW)),
    ("ix_targets_retry", lambda: queries.retry_due_query(NOW)),
    ("ix_targets_lease", lambda: queries.expired_leases_query(NOW)),
    ("ix_targets_unknown", lambda: queries.unknown_targets_query()),
    ("ix_targets_engagement", lambda: queries.engagement_due_query(NOW)),
]


@pytest.fixture(scope="module")
def pg_history(postgres_url):
    """A migrated PostgreSQL database with 20,000 published targets, analysed (built once)."""
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    name = f"{admin.url.database}_plans"
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    try:
        upgrade(url)
        with engine.begin() as conn:
            live = _fill(conn, HISTORY)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("ANALYZE post_targets"))
        yield engine, live
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize(("index", "make_query"), LIVE_QUERIES, ids=[i for i, _ in LIVE_QUERIES])
def test_postgres_plans_use_the_partial_index(pg_history, index, make_query):
    engine, _ = pg_history
    with engine.connect() as conn:
        plan = "\n".join(conn.exec_driver_sql("EXPLAIN " + _literal_sql(conn, make_query())).scalars())
    assert index in plan, plan
    assert "Seq Scan on post_targets" not in plan, plan


@pytest.mark.postgres
def test_postgres_due_query_returns_due_rows_in_order_and_skips_locked(pg_history):
    engine, live = pg_history
    with engine.connect() as first, engine.connect() as second:
        got = first.execute(queries.due_targets_query(NOW)).scalars().all()
        assert got == live["due"]
        # A second dispatcher does not wait for, nor see, the rows the first holds.
        assert second.execute(queries.due_targets_query(NOW)).scalars().all() == []
        first.rollback()
        assert second.execute(queries.due_targets_query(NOW, 2)).scalars().all() == live["due"][:2]
        second.rollback()


def test_sqlite_plan_uses_the_due_index(tmp_path):
    url = f"sqlite:///{tmp_path / 'plans.db'}"
    upgrade(url)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            live = _fill(conn, 2_000)
            conn.exec_driver_sql("ANALYZE")
        with engine.connect() as conn:
            for index, make_query in LIVE_QUERIES:
                plan = " ".join(
                    str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + _literal_sql(conn, make_query()))
                )
                assert index in plan, (index, plan)
            assert conn.execute(queries.due_targets_query(NOW)).scalars().all() == live["due"]
    finally:
        engine.dispose()
