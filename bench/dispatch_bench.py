"""Dispatch benchmark: how fast the claim is, and whether it stays cheap as history grows.

A fresh database gets ``--history`` published targets (the past) and
``--due`` targets due now, spread over ``--accounts`` accounts with no
pacing limits. The real dispatch service then claims them in batches (one
transaction and one conditional UPDATE per batch, as beat's one-second
tick does), then the real publish service runs them through an instant
in-process connector (no HTTP, no Celery): this measures Siar's own
database work per target, not the platforms'.

Printed: claim batches per second and ms per batch (p50/p95), targets
claimed per second, publish (start + record, two transactions) per second,
and the time of one empty dispatch tick with the whole history present
(the partial index ``ix_targets_due`` keeps it independent of history).

Run:

    .venv/bin/python bench/dispatch_bench.py                        # SQLite
    .venv/bin/python bench/dispatch_bench.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/dispatch_bench.py --history 200000 --due 5000

Figures depend on the machine (2 shared cores here).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sitekit import kit  # bench/sitekit.py: the pipeline tests' site kit

from connectors.base import PublishResult
from scheduler.domain.model import ReviewState, TargetState
from scheduler.services.publishing.dispatch import dispatch_due
from scheduler.services.publishing.publish import publish_target
from scheduler.services.wiring import Pipeline, PipelineConfig
from scheduler.store import tables as t
from scheduler.store.db import make_engine
from scheduler.store.migrate import upgrade

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


class InstantConnector:
    platform = "x"

    def __init__(self) -> None:
        self.n = 0

    def publish(self, account, content):  # type: ignore[no-untyped-def]
        self.n += 1
        return PublishResult(f"b{self.n}", f"https://x.test/s/b{self.n}", NOW)


def populate(engine: sa.Engine, accounts: int, history: int, due: int) -> None:
    with engine.begin() as c:
        kim, user, account_ids = kit.bare_kim(c, NOW, accounts)
        post = c.execute(
            sa.insert(t.posts)
            .values(
                kim_id=kim,
                author_id=user,
                text="Bench: keripik buah Batu",
                created_at=NOW,
                review_state=ReviewState.APPROVED,
                updated_at=NOW,
            )
            .returning(t.posts.c.id)
        ).scalar_one()
        rows = []
        for i in range(history + due):
            past = i < history
            at = (
                NOW - timedelta(days=400) + timedelta(seconds=i)
                if past
                else NOW - timedelta(seconds=(i - history) % 3600)
            )
            rows.append(
                {
                    "post_id": post,
                    "account_id": account_ids[i % accounts],
                    "occurrence": i,
                    "scheduled_at": at,
                    "created_at": NOW,
                    "updated_at": NOW,
                    "state": TargetState.PUBLISHED if past else TargetState.SCHEDULED,
                    "published_at": at if past else None,
                    "remote_id": f"old{i}" if past else None,
                }
            )
            if len(rows) == 5000:
                c.execute(sa.insert(t.post_targets), rows)
                rows = []
        if rows:
            c.execute(sa.insert(t.post_targets), rows)


def run(url: str, accounts: int, history: int, due: int, batch: int) -> None:
    upgrade(url)
    engine = make_engine(url)
    t0 = time.perf_counter()
    populate(engine, accounts, history, due)
    if engine.dialect.name == "postgresql":
        with engine.connect() as c:  # fresh statistics, as autovacuum would have them
            c.exec_driver_sql("ANALYZE")
            c.commit()
    print(
        f"database: {engine.dialect.name}; {history} published + {due} due targets on "
        f"{accounts} accounts (built in {time.perf_counter() - t0:.1f}s)"
    )
    clock = {"now": NOW}
    connector = InstantConnector()
    p = Pipeline(
        engine=engine,
        connector_for=lambda _: connector,
        decrypt=json.loads,  # type: ignore[arg-type,return-value]
        media_root=Path("."),
        config=PipelineConfig(claim_batch=batch),
        clock=lambda: clock["now"],
    )
    queue: list[tuple[int, str]] = []
    batches: list[float] = []
    start = time.perf_counter()
    while True:
        b0 = time.perf_counter()
        report = dispatch_due(p, lambda tid, tok, eta: queue.append((tid, tok)))
        batches.append(time.perf_counter() - b0)
        if not report.claimed:
            break
        # Pacing never lets one account post twice at one instant: step the clock.
        clock["now"] += timedelta(seconds=1)
    claim_s = time.perf_counter() - start
    ms = sorted(b * 1000 for b in batches[:-1]) or [0.0]
    print(
        f"claim: {len(queue)} targets in {len(batches) - 1} batches of <= {batch}: "
        f"{len(queue) / claim_s:.0f} targets/s; per batch p50 {statistics.median(ms):.1f} ms, "
        f"p95 {ms[int(len(ms) * 0.95) - 1 if len(ms) > 1 else 0]:.1f} ms"
    )
    start = time.perf_counter()
    for tid, tok in queue:
        publish_target(p, tid, tok)
    pub_s = time.perf_counter() - start
    print(f"publish (start + record, instant connector): {len(queue) / pub_s:.0f} targets/s")
    ticks = []
    for _ in range(20):
        b0 = time.perf_counter()
        dispatch_due(p, lambda *a: None)
        ticks.append((time.perf_counter() - b0) * 1000)
    print(f"empty dispatch tick with {history + due} targets in the table: p50 {statistics.median(ticks):.2f} ms")
    if engine.dialect.name == "postgresql":
        print("plan of the due-candidates query (should use ix_targets_due / ix_targets_retry):")
        for line in explain_candidates(engine, clock["now"]):
            print("   ", line)
    engine.dispose()


def explain_candidates(engine: sa.Engine, now: datetime) -> list[str]:
    """EXPLAIN ANALYZE of the due-candidates query (PostgreSQL), index lines only."""
    from scheduler.store.publishing import dispatch as dispatch_store

    T, A = dispatch_store.T, dispatch_store.A
    query = (
        sa.select(T.c.id)
        .join(A, A.c.id == T.c.account_id)
        .where(dispatch_store.due_condition(now, now), dispatch_store.account_usable(now))
        .limit(200)
    )
    sql = str(query.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
    with engine.connect() as c:
        c.exec_driver_sql("ANALYZE post_targets")
        rows = c.exec_driver_sql("EXPLAIN ANALYZE " + sql.replace("%%", "%")).all()
    return [r[0].strip() for r in rows if "Index" in r[0] or "Execution" in r[0]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", help="PostgreSQL server URL (a scratch database is made)")
    parser.add_argument("--accounts", type=int, default=50)
    parser.add_argument("--history", type=int, default=50_000)
    parser.add_argument("--due", type=int, default=2_000)
    parser.add_argument("--batch", type=int, default=50)
    args = parser.parse_args()
    if args.postgres:
        admin = sa.create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        name = f"siar_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as c:
            c.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            run(
                admin.url.set(database=name).render_as_string(hide_password=False),
                args.accounts,
                args.history,
                args.due,
                args.batch,
            )
        finally:
            with admin.connect() as c:
                c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    else:
        with tempfile.TemporaryDirectory() as tmp:
            run(f"sqlite:///{tmp}/bench.db", args.accounts, args.history, args.due, args.batch)


if __name__ == "__main__":
    main()
