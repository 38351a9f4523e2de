"""Publish lag benchmark: real worker and beat processes, a burst of due posts, the sandbox.

``--posts`` posts on ``--accounts`` sandbox accounts (X and Facebook in
turn, no pacing limits) are scheduled for the same few seconds; a real
``siar worker`` (``--concurrency``) and ``siar beat`` publish them. Printed:
lag (platform's published_at minus the scheduled time) p50 / p95 / max, how
many create requests the sandbox saw per post (must be 1), and when the last
one went out.

It reuses the integration tests' site kit (tests/integration/pipeline/sitekit.py)
so the set-up is exactly what the tests run.

Run:

    .venv/bin/python bench/publish_lag_bench.py                       # SQLite + file broker
    .venv/bin/python bench/publish_lag_bench.py --redis redis://127.0.0.1:6379/15 \\
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres

Figures depend on the machine (2 shared cores here).
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location(
    "pipeline_sitekit", ROOT / "tests" / "integration" / "pipeline" / "sitekit.py"
)
kit = importlib.util.module_from_spec(_spec)
sys.modules["pipeline_sitekit"] = kit
_spec.loader.exec_module(kit)  # type: ignore[union-attr]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=40)
    parser.add_argument("--accounts", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--postgres", help="PostgreSQL server URL (a scratch database is made)")
    parser.add_argument("--redis", help="Redis URL for the broker (default: file broker)")
    args = parser.parse_args()

    from sandbox.testing import running_sandbox

    with tempfile.TemporaryDirectory() as tmp, running_sandbox() as sandbox:
        db_url = kit._fresh_pg_database(args.postgres) if args.postgres else f"sqlite:///{tmp}/siar.db"
        site = kit.build_site(Path(tmp), db_url, args.redis, sandbox)
        try:
            run(site, args)
        finally:
            site.stop_all()
            site.engine.dispose()
            if args.redis:
                kit._flush_redis(args.redis, site.broker_prefix())
            if args.postgres:
                admin = sa.create_engine(args.postgres, isolation_level="AUTOCOMMIT")
                with admin.connect() as c:
                    c.execute(sa.text(f'DROP DATABASE IF EXISTS "{sa.make_url(db_url).database}" WITH (FORCE)'))
                admin.dispose()


def run(site, args) -> None:  # type: ignore[no-untyped-def]
    from scheduler.services.people.actors import Actor
    from scheduler.services.posts.compose import compose_post
    from scheduler.services.posts.review import approve_post
    from scheduler.services.posts.scheduling import ScheduleIntent
    from scheduler.store.unit_of_work import SqlAlchemyUnitOfWork

    accounts = [
        site.add_account(("x", "facebook")[i % 2], min_spacing_seconds=0, daily_cap=1000) for i in range(args.accounts)
    ]
    site.start_worker("w1", concurrency=args.concurrency)
    site.start_beat()
    kit.wait_until(lambda: {h.kind for h in site.heartbeats()} >= {"worker", "beat"}, 60, "worker and beat")
    author = Actor(user_id=site.admin_id, role="admin", kim_id=site.kim_id)  # type: ignore[arg-type]
    base = (kit.utcnow() + timedelta(seconds=15)).replace(microsecond=0)
    plan = {}
    for i in range(args.posts):
        # Posts of one account are one second apart (two at one instant are never allowed).
        due = base + timedelta(seconds=i // args.accounts)
        text = f"Bench {i} {uuid.uuid4().hex[:8]}: keripik tempe Sanan, oleh-oleh khas Malang"
        post = compose_post(
            SqlAlchemyUnitOfWork.from_url(site.db_url),
            author,
            kim_id=site.kim_id,
            text=text,
            targets=[accounts[i % args.accounts]],
            schedule=ScheduleIntent.at_instant(due),
            now=kit.utcnow(),
            submit=True,
        )
        approve_post(SqlAlchemyUnitOfWork.from_url(site.db_url), Actor.system(), post.id, now=kit.utcnow())
        plan[post.id] = (due, text)
    assert kit.utcnow() < base, "set-up took longer than the lead time; lower --posts"

    def rows():
        out = [site.targets(pid)[0] for pid in plan]
        return out if all(r.state == "published" for r in out) else None

    done = kit.wait_until(rows, 120, "every post published")
    span = (max(r.published_at for r in done) - base).total_seconds()
    lags = sorted((r.published_at - plan[r.post_id][0]).total_seconds() for r in done)
    remote = {p["text"]: p for p in site.sandbox.posts()}
    creates = [remote[plan[r.post_id][1]]["create_requests"] for r in done]
    broker = "redis" if site.env.get("SIAR_BROKER_URL") else "file"
    print(
        f"{args.posts} posts on {args.accounts} accounts, {site.engine.dialect.name} + {broker} "
        f"broker, worker concurrency {args.concurrency}"
    )
    print(
        f"lag p50 {statistics.median(lags):+.3f}s  p95 {lags[int(len(lags) * 0.95) - 1]:+.3f}s"
        f"  max {lags[-1]:+.3f}s  (negative: platform clock rounding)"
    )
    print(f"create requests per post: {sorted(set(creates))} (must be [1])")
    last_due = max(due for due, _ in plan.values())
    print(
        f"posts due over {(last_due - base).total_seconds():.0f}s; the last published "
        f"{span:.1f}s after the first was due"
    )


if __name__ == "__main__":
    main()
