"""The claim under contention, on real SQLite and PostgreSQL.

Several dispatchers (threads, each its own connection) claim the same due
targets at once: every target must be claimed exactly once. On PostgreSQL a
row locked by someone else (an admin editing the target) is skipped, not
waited for (``FOR UPDATE SKIP LOCKED``).
"""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from pipeline_sitekit import bare_kim

from scheduler.domain.model import ReviewState, TargetState
from scheduler.services.publishing.dispatch import dispatch_due
from scheduler.services.wiring import Pipeline, PipelineConfig
from scheduler.store import tables as t
from scheduler.store.db import make_engine
from scheduler.store.migrate import upgrade

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'claims.db'}"
        return
    admin = sa.create_engine(request.getfixturevalue("postgres_url"), isolation_level="AUTOCOMMIT")
    name = f"siar_claims_{uuid.uuid4().hex[:10]}"
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield admin.url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as c:
        c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _populate(engine: sa.Engine, accounts: int, per_account: int) -> list[int]:
    ids = []
    with engine.begin() as c:
        kim, user, account_ids = bare_kim(c, NOW, accounts)
        for a, acc in enumerate(account_ids):
            for i in range(per_account):
                at = NOW - timedelta(seconds=per_account - i)
                post = c.execute(
                    sa.insert(t.posts)
                    .values(
                        kim_id=kim,
                        author_id=user,
                        text=f"p{a}-{i}",
                        review_state=ReviewState.APPROVED,
                        created_at=NOW,
                        updated_at=NOW,
                    )
                    .returning(t.posts.c.id)
                ).scalar_one()
                ids.append(
                    c.execute(
                        sa.insert(t.post_targets)
                        .values(
                            post_id=post,
                            account_id=acc,
                            scheduled_at=at,
                            state=TargetState.SCHEDULED,
                            created_at=NOW,
                            updated_at=NOW,
                        )
                        .returning(t.post_targets.c.id)
                    ).scalar_one()
                )
    return ids


def _pipeline(engine: sa.Engine, clock) -> Pipeline:
    return Pipeline(
        engine=engine,
        connector_for=lambda p: None,
        decrypt=json.loads,  # type: ignore[arg-type,return-value]
        media_root=None,
        config=PipelineConfig(claim_batch=7),
        clock=clock,
    )  # type: ignore[arg-type]


def test_concurrent_dispatchers_claim_each_target_once(db_url):
    upgrade(db_url)
    engine = make_engine(db_url, pool_size=8) if db_url.startswith("postgresql") else make_engine(db_url)
    try:
        ids = _populate(engine, accounts=20, per_account=3)
        # Each tick moves the clock one second, so an account's next target may go.
        tick = {"n": 0}
        lock = threading.Lock()

        def clock():
            with lock:
                return NOW + timedelta(seconds=tick["n"])

        sent: list[int] = []
        errors: list[BaseException] = []

        def run():
            p = _pipeline(engine, clock)
            try:
                for _ in range(40):
                    dispatch_due(p, lambda tid, tok, eta: sent.append(tid))
                    with lock:
                        tick["n"] += 1
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=run) for _ in range(4)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(120)
        assert not errors, errors
        assert sorted(sent) == sorted(ids), "every target claimed exactly once"
        with engine.connect() as c:
            states = c.execute(
                sa.select(t.post_targets.c.state, sa.func.count()).group_by(t.post_targets.c.state)
            ).all()
        assert dict(states) == {TargetState.QUEUED: len(ids)}
    finally:
        engine.dispose()


@pytest.fixture
def pg_url(postgres_url):
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    name = f"siar_claims_{uuid.uuid4().hex[:10]}"
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield admin.url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as c:
        c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_postgres_skips_a_row_someone_else_holds(pg_url):
    upgrade(pg_url)
    engine = make_engine(pg_url)
    # Were dispatch to wait for the lock, it would fail after 2 s instead of claiming.
    impatient = make_engine(pg_url, connect_args={"options": "-c lock_timeout=2000"})
    try:
        ids = _populate(engine, accounts=3, per_account=1)
        held = ids[0]
        with engine.connect() as editor:
            tx = editor.begin()
            editor.execute(sa.select(t.post_targets.c.id).where(t.post_targets.c.id == held).with_for_update())
            sent: list[int] = []
            dispatch_due(_pipeline(impatient, lambda: NOW), lambda tid, tok, eta: sent.append(tid))
            assert sorted(sent) == sorted(ids[1:])
            tx.rollback()
        sent.clear()
        dispatch_due(_pipeline(impatient, lambda: NOW), lambda tid, tok, eta: sent.append(tid))
        assert sent == [held]
    finally:
        engine.dispose()
        impatient.dispose()
