"""Engagement benchmark: API calls per refresh round, and summary query time on PostgreSQL.

Part 1 -- calls. 10,000 published targets (30 accounts: 10 KIMs x X,
Facebook, Instagram) in a fresh SQLite database are refreshed in one forced
round by the real collection service (``refresh_round``). The connectors
are a *counting fake* with the real batch limits (X 100 ids a call,
Facebook 50, Instagram one feed page of 50; a bigger batch raises), so a
call here is one HTTP request of the real connector. Compared with one call
per post. Default budgets are raised for the run so the whole backlog fits
one round (in production the budgets spread it over windows).

Part 2 -- summaries. A fresh PostgreSQL database gets 100,000 published
targets and 2,000,000 snapshots (20 per target) by bulk ``INSERT ... SELECT
generate_series``, and the daily rollups derived from them in SQL (as the
service would have written them). Then the services answer "posts published
in one month, by kelurahan" (totals) and "engagement gained in one month,
by kelurahan" (growth), 60 times each; p50/p95 are printed.

Run:

    .venv/bin/python bench/engagement_bench.py
    .venv/bin/python bench/engagement_bench.py --skip-postgres
    SIAR_BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/engagement_bench.py

Figures depend on the machine (2 shared cores here).
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from connectors.base import AccountRef, Metrics, Missing  # noqa: E402
from scheduler.domain.engagement import DEFAULT_PROFILES, PlatformProfile  # noqa: E402

UTC = UTC
BATCH = {"x": 100, "facebook": 50, "instagram": 50}


class CountingConnector:
    """Counts metrics calls; refuses batches bigger than the platform's real limit."""

    def __init__(self, platform: str) -> None:
        self.platform = platform
        self.calls = 0
        self.ids = 0

    def fetch_metrics(self, account: AccountRef, remote_ids: list[str]) -> dict[str, Metrics | Missing]:
        if len(remote_ids) > BATCH[self.platform]:
            raise AssertionError(f"{self.platform}: {len(remote_ids)} ids in one call")
        self.calls += 1
        self.ids += len(remote_ids)
        return {
            rid: Metrics(
                likes=int(rid) % 97,
                comments=int(rid) % 13,
                shares=int(rid) % 7,
                views=None if self.platform == "facebook" else 1000 + int(rid) % 500,
            )
            for rid in remote_ids
        }


def part_calls(targets: int, kims: int) -> dict[str, Any]:
    from cryptography.fernet import Fernet

    from scheduler.services.accounts.secrets import decrypt_credentials, encrypt_credentials
    from scheduler.services.engagement.collection import refresh_round
    from scheduler.services.engagement.config import EngagementConfig
    from scheduler.services.wiring import Pipeline
    from scheduler.store.db import make_engine, make_session_factory
    from scheduler.store.migrate import upgrade
    from scheduler.store.seed import seed_malang
    from scheduler.store.tables import kelurahan, post_targets, posts, social_accounts, users
    from scheduler.store.tables import kims as kims_t

    tmp = Path(tempfile.mkdtemp(prefix="siar-eng-bench-"))
    url = f"sqlite:///{tmp / 'siar.db'}"
    upgrade(url)
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        seed_malang(session)
        session.commit()
    keys = [Fernet.generate_key().decode()]
    now = datetime.now(UTC)
    platforms = ("x", "facebook", "instagram")
    with engine.begin() as c:
        codes = [r.code for r in c.execute(sa.select(kelurahan.c.code).order_by(kelurahan.c.code).limit(kims))]
        accounts = []
        for i, code in enumerate(codes):
            kim_id = c.execute(
                sa.insert(kims_t)
                .values(
                    kelurahan_code=code,
                    name=f"KIM {code}",
                    slug=f"kim-{code}",
                    timezone="Asia/Jakarta",
                    allow_self_approval=False,
                    created_at=now,
                )
                .returning(kims_t.c.id)
            ).scalar_one()
            user_id = c.execute(
                sa.insert(users)
                .values(
                    email=f"admin{i}@example.id",
                    name="admin",
                    role="admin",
                    password_hash="",
                    kim_id=kim_id,
                    language="id",
                    active=True,
                    created_at=now,
                )
                .returning(users.c.id)
            ).scalar_one()
            for platform in platforms:
                account_id = c.execute(
                    sa.insert(social_accounts)
                    .values(
                        kim_id=kim_id,
                        platform=platform,
                        handle=f"{code}_{platform}",
                        credentials_encrypted=encrypt_credentials({"platform": platform, "handle": code}, keys),
                        status="active",
                        timezone="Asia/Jakarta",
                        slots=[],
                        created_at=now,
                    )
                    .returning(social_accounts.c.id)
                ).scalar_one()
                accounts.append((kim_id, user_id, account_id, platform))
        post_rows, target_rows = [], []
        for n in range(targets):
            kim_id, user_id, account_id, platform = accounts[n % len(accounts)]
            post_rows.append(
                {
                    "id": n + 1,
                    "kim_id": kim_id,
                    "author_id": user_id,
                    "text": f"post {n}",
                    "tags": [],
                    "review_state": "approved",
                    "schedule_kind": "at",
                    "schedule_zone": "Asia/Jakarta",
                    "as_thread": False,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            published = now - timedelta(days=(n % 80) + 1)
            target_rows.append(
                {
                    "post_id": n + 1,
                    "account_id": account_id,
                    "scheduled_zone": "Asia/Jakarta",
                    "occurrence": 0,
                    "state": "published",
                    "attempts": 1,
                    "remote_id": str(n + 1),
                    "published_at": published,
                    "scheduled_at": published,
                    "remote_missing": False,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        c.execute(sa.insert(posts), post_rows)
        c.execute(sa.insert(post_targets), target_rows)
    connectors = {p: CountingConnector(p) for p in platforms}
    pipeline = Pipeline(
        engine=engine,
        connector_for=connectors.__getitem__,
        decrypt=lambda token: decrypt_credentials(token, keys),
        media_root=tmp,
    )
    # Budgets big enough for the whole backlog in one round (batch sizes unchanged).
    profiles = {
        p: PlatformProfile(
            DEFAULT_PROFILES[p].batch_size, 10_000, DEFAULT_PROFILES[p].window, DEFAULT_PROFILES[p].per_missing_cost
        )
        for p in platforms
    }
    started = time.perf_counter()
    report = refresh_round(pipeline, EngagementConfig(profiles=profiles), force=True)
    elapsed = time.perf_counter() - started
    per_platform = Counter(t["account_id"] for t in target_rows)
    posts_by_platform = Counter(a[3] for a in accounts for _ in range(per_platform[a[2]]))
    engine.dispose()
    return {
        "report": report,
        "connectors": connectors,
        "posts": posts_by_platform,
        "elapsed": elapsed,
        "accounts": len(accounts),
    }


# -- part 2: PostgreSQL -----------------------------------------------------------

GENERATE = [
    # 40 KIMs on the first 40 kelurahan, one admin each, X/Facebook/Instagram accounts.
    """INSERT INTO kims (kelurahan_code, name, slug, timezone, allow_self_approval, created_at)
       SELECT code, 'KIM ' || name, 'kim-' || code, 'Asia/Jakarta', false, now()
       FROM (SELECT code, name FROM kelurahan ORDER BY code LIMIT 40) k""",
    """INSERT INTO users (email, name, role, password_hash, kim_id, language, active, created_at)
       SELECT 'admin-' || id || '@example.id', 'admin', 'admin', '', id, 'id', true, now() FROM kims""",
    """INSERT INTO social_accounts (kim_id, platform, handle, credentials_encrypted, status, timezone, slots,
                                    created_at)
       SELECT k.id, p.platform, k.slug || '_' || p.platform, '', 'active', 'Asia/Jakarta', '[]'::jsonb, now()
       FROM kims k CROSS JOIN (VALUES ('x'), ('facebook'), ('instagram')) AS p(platform)""",
    # 100,000 posts and published targets over the last 365 days.
    """INSERT INTO posts (id, kim_id, author_id, text, tags, review_state, schedule_kind, schedule_zone,
                          as_thread, created_at, updated_at)
       SELECT g, a.kim_id, u.id, 'Promo UMKM #' || g, '[]'::jsonb, 'approved', 'at', 'Asia/Jakarta', false,
              now(), now()
       FROM generate_series(1, :targets) g
       JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, kim_id FROM social_accounts) a
         ON a.n = g % (SELECT count(*) FROM social_accounts)
       JOIN users u ON u.kim_id = a.kim_id""",
    """INSERT INTO post_targets (id, post_id, account_id, scheduled_at, scheduled_zone, occurrence, state, attempts,
                                 remote_id, published_at, remote_missing, created_at, updated_at)
       SELECT g, g, a.id, ts, 'Asia/Jakarta', 0, 'published', 1, g::text, ts, false, now(), now()
       FROM (SELECT g, now() - make_interval(secs => (g * 7919 % (365 * 86400))) AS ts
             FROM generate_series(1, :targets) g) s
       JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM social_accounts) a
         ON a.n = s.g % (SELECT count(*) FROM social_accounts)""",
    # 20 snapshots per target on a decaying schedule (k^2 hours after publication), growing to a cap.
    """INSERT INTO engagement_snapshots (target_id, captured_at, likes, comments, shares, views, reach, saves,
                                         remote_missing, raw)
       SELECT t.id, t.published_at + make_interval(hours => k * k),
              floor((t.id % 200) * (1 - exp(-k / 4.0)))::bigint,
              floor((t.id % 30) * (1 - exp(-k / 4.0)))::bigint,
              floor((t.id % 15) * (1 - exp(-k / 4.0)))::bigint,
              floor((500 + t.id % 5000) * (1 - exp(-k / 4.0)))::bigint,
              NULL, NULL, false, '{}'::jsonb
       FROM post_targets t CROSS JOIN generate_series(0, :per_target - 1) k""",
    # The daily rollups those snapshots would have produced (last value of each local day, growth).
    """INSERT INTO engagement_daily (target_id, day, kim_id, account_id, platform, subject_kind, subject_id,
            published_at, published_day, likes, comments, shares, views, reach, saves,
            d_likes, d_comments, d_shares, d_views, d_reach, d_saves, remote_missing, is_latest, captured_at)
       SELECT x.target_id, x.day, x.kim_id, x.account_id, x.platform, NULL, NULL, x.published_at,
              (x.published_at AT TIME ZONE 'Asia/Jakarta')::date,
              x.likes, x.comments, x.shares, x.views, NULL, NULL,
              x.likes - coalesce(lag(x.likes) OVER w, 0), x.comments - coalesce(lag(x.comments) OVER w, 0),
              x.shares - coalesce(lag(x.shares) OVER w, 0), x.views - coalesce(lag(x.views) OVER w, 0), 0, 0,
              false, row_number() OVER (PARTITION BY x.target_id ORDER BY x.day DESC) = 1, x.captured_at
       FROM (SELECT DISTINCT ON (s.target_id, (s.captured_at AT TIME ZONE 'Asia/Jakarta')::date)
                    s.target_id, (s.captured_at AT TIME ZONE 'Asia/Jakarta')::date AS day, p.kim_id,
                    t.account_id, a.platform, t.published_at, s.likes, s.comments, s.shares, s.views,
                    s.captured_at
             FROM engagement_snapshots s
             JOIN post_targets t ON t.id = s.target_id
             JOIN posts p ON p.id = t.post_id
             JOIN social_accounts a ON a.id = t.account_id
             ORDER BY s.target_id, (s.captured_at AT TIME ZONE 'Asia/Jakarta')::date, s.captured_at DESC) x
       WINDOW w AS (PARTITION BY x.target_id ORDER BY x.day)""",
]


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(pct / 100 * len(ordered)) - 1)]


def part_postgres(admin_url: str, targets: int, per_target: int, repeat: int, keep: bool) -> dict[str, Any]:
    from scheduler.domain.model import Role
    from scheduler.services.engagement.summaries import engagement_growth, engagement_summary
    from scheduler.services.people.actors import Actor
    from scheduler.store.db import make_engine, make_session_factory
    from scheduler.store.migrate import upgrade
    from scheduler.store.seed import seed_malang

    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"siar_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    out: dict[str, Any] = {"database": name}
    try:
        upgrade(url)
        engine = make_engine(url)
        with make_session_factory(engine)() as session:
            seed_malang(session)
            session.commit()
        started = time.perf_counter()
        with engine.begin() as c:
            for statement in GENERATE:
                c.execute(sa.text(statement), {"targets": targets, "per_target": per_target})
        out["generate_s"] = time.perf_counter() - started
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(sa.text("VACUUM ANALYZE"))
            out["counts"] = {
                t: c.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
                for t in ("post_targets", "engagement_snapshots", "engagement_daily")
            }
            latest = c.execute(sa.text("SELECT max(published_day) FROM engagement_daily")).scalar_one()
        last_month_end = latest.replace(day=1) - timedelta(days=1)
        first, last = last_month_end.replace(day=1), last_month_end
        out["period"] = (first, last)
        staff = Actor(user_id=None, role=Role.STAFF)
        for label, call in (
            (
                "totals by kelurahan",
                lambda: engagement_summary(engine, staff, group_by="kelurahan", first=first, last=last),
            ),
            (
                "growth by kelurahan (this and the previous month)",
                lambda: engagement_growth(engine, staff, group_by="kelurahan", first=first, last=last),
            ),
        ):
            call()  # warm the cache and the plan
            times = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                result = call()
                times.append((time.perf_counter() - t0) * 1000)
            rows = result.rows if hasattr(result, "rows") else result.current.rows
            out[label] = {
                "p50": statistics.median(times),
                "p95": _percentile(times, 95),
                "max": max(times),
                "groups": len(rows),
            }
        with engine.connect() as c:
            from scheduler.store import summary_queries as q

            query = q.totals_query("kelurahan", first, last)
            compiled = query.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True})
            plan = c.execute(sa.text(f"EXPLAIN ANALYZE {compiled}")).scalars().all()
            out["plan"] = [line for line in plan if "Scan" in line or "Execution" in line]
        engine.dispose()
    finally:
        if not keep:
            with admin.connect() as c:
                c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=10_000, help="targets to refresh (part 1)")
    parser.add_argument("--kims", type=int, default=10, help="KIMs (3 accounts each) in part 1")
    parser.add_argument("--pg-targets", type=int, default=100_000)
    parser.add_argument("--snapshots-per-target", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL bench database")
    args = parser.parse_args()

    print(
        f"== 1. Calls to refresh {args.targets:,} published targets "
        f"({args.kims} KIMs x 3 accounts; counting fake connector with the real batch limits) =="
    )
    calls = part_calls(args.targets, args.kims)
    report = calls["report"]
    total_calls = 0
    for platform, connector in calls["connectors"].items():
        posts = calls["posts"][platform]
        total_calls += connector.calls
        print(
            f"  {platform:<10} {posts:>6} posts: {connector.calls:>4} calls vs {posts:>6} one-per-post "
            f"-> {posts / max(connector.calls, 1):5.1f}x fewer"
        )
    print(
        f"  all        {args.targets:>6} posts: {total_calls:>4} calls -> "
        f"{args.targets / max(total_calls, 1):5.1f}x fewer; round measured {report.measured}, "
        f"failed {report.failed}, took {calls['elapsed']:.1f} s on SQLite"
    )

    if args.skip_postgres:
        return
    admin_url = os.environ.get(
        "SIAR_BENCH_POSTGRES_URL",
        os.environ.get("SIAR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
    )
    print(
        f"\n== 2. Summary query time on PostgreSQL ({args.pg_targets:,} targets, "
        f"{args.pg_targets * args.snapshots_per_target:,} snapshots) =="
    )
    pg = part_postgres(admin_url, args.pg_targets, args.snapshots_per_target, args.repeat, args.keep)
    print(f"  generated in {pg['generate_s']:.1f} s: {pg['counts']}")
    first, last = pg["period"]
    for label in ("totals by kelurahan", "growth by kelurahan (this and the previous month)"):
        r = pg[label]
        print(
            f"  {label} for {first}..{last}: p50 {r['p50']:.1f} ms, p95 {r['p95']:.1f} ms, "
            f"max {r['max']:.1f} ms over {args.repeat} runs ({r['groups']} kelurahan)"
        )
    for line in pg["plan"]:
        print(f"    plan: {line.strip()}")


if __name__ == "__main__":
    main()
