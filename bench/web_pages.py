"""Render time of the calendar, queue and engagement pages with 10,000 posts.

    .venv/bin/python bench/web_pages.py [--posts 10000] [--runs 30] [--database-url URL]

Builds a throw-away site (SQLite in a temp folder by default; or an empty
PostgreSQL database given with ``--database-url``): the Malang seed, three
KIMs with three accounts each, ``--posts`` posts spread over 120 days around
today with one to three targets each (past ones published, with an
engagement rollup row; future ones scheduled), then signs in as an admin and
as a staff member and requests each page ``--runs`` times through the real
ASGI app (Starlette's TestClient: routing, session check, queries, Jinja2,
pygal). Prints p50/p95/max per page in milliseconds; the aim is p95 under
200 ms. Data is written with bulk inserts (not through the services) because
only the reading side is measured here.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "rahasia-sekali-123"


def build(url: str, posts_wanted: int, seed: int = 8) -> dict[str, str]:
    import sqlalchemy as sa

    from scheduler.services.people.actors import Actor
    from scheduler.services.people.users import add_user
    from scheduler.services.registry.kims import create_kim
    from scheduler.store.db import make_engine, make_session_factory
    from scheduler.store.engagement_tables import engagement_daily
    from scheduler.store.migrate import upgrade
    from scheduler.store.seed import read_malang, seed_malang
    from scheduler.store.tables import post_targets, posts, social_accounts
    from scheduler.store.unit_of_work import SqlAlchemyUnitOfWork

    rng = random.Random(seed)
    upgrade(url)
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        seed_malang(session)
        session.commit()
    _, kelurahan = read_malang()
    now = datetime.now(UTC)
    system = Actor.system()
    kim_ids = [
        create_kim(
            SqlAlchemyUnitOfWork.from_url(url),
            system,
            kelurahan_code=kelurahan[i].code,
            name=f"KIM Bench {i + 1}",
            now=now,
        ).id
        for i in range(3)
    ]
    admin = add_user(
        SqlAlchemyUnitOfWork.from_url(url),
        system,
        email="admin@bench.id",
        role="admin",
        password=PASSWORD,
        now=now,
        name="Admin Bench",
        kim_id=kim_ids[0],
    )
    add_user(
        SqlAlchemyUnitOfWork.from_url(url),
        system,
        email="staf@bench.id",
        role="staff",
        password=PASSWORD,
        now=now,
        name="Staf Bench",
    )
    accounts: dict[int, list[tuple[int, str]]] = {}
    with engine.begin() as conn:
        for kim_id in kim_ids:
            for platform in ("x", "facebook", "instagram"):
                account_id = conn.execute(
                    social_accounts.insert().values(
                        kim_id=kim_id,
                        platform=platform,
                        handle=f"kim{kim_id}_{platform}",
                        credentials_encrypted="",
                        status="active",
                        timezone="Asia/Jakarta",
                        slots=[],
                        created_at=now,
                    )
                ).inserted_primary_key[0]
                accounts.setdefault(kim_id, []).append((account_id, platform))
    post_rows, target_rows, daily_rows = [], [], []
    post_id, target_id = 0, 0
    for i in range(posts_wanted):
        kim_id = kim_ids[i % 3] if i % 5 else kim_ids[0]  # the admin's KIM holds about half
        at = now + timedelta(minutes=rng.randint(-90 * 24 * 60, 30 * 24 * 60))
        post_id += 1
        past = at < now
        post_rows.append(
            dict(
                id=post_id,
                kim_id=kim_id,
                author_id=admin.id,
                text=f"Promo keripik tempe Sanan #{i} — pesan lewat KIM! #UMKMMalang",
                tags=[],
                review_state="approved",
                schedule_kind="at",
                schedule_at=at,
                schedule_zone="Asia/Jakarta",
                as_thread=False,
                created_at=at - timedelta(days=1),
                updated_at=at,
            )
        )
        for account_id, platform in rng.sample(accounts[kim_id], rng.randint(1, 3)):
            target_id += 1
            likes, comments, shares = rng.randint(0, 80), rng.randint(0, 15), rng.randint(0, 8)
            state = "published" if past else "scheduled"
            if past and rng.random() < 0.02:
                state = "failed"
            target_rows.append(
                dict(
                    id=target_id,
                    post_id=post_id,
                    account_id=account_id,
                    scheduled_at=at,
                    scheduled_zone="Asia/Jakarta",
                    occurrence=0,
                    state=state,
                    attempts=1 if past else 0,
                    published_at=at if state == "published" else None,
                    last_error_code="rejected" if state == "failed" else None,
                    last_error_message="Foto terlalu kecil untuk Instagram." if state == "failed" else None,
                    likes=likes if state == "published" else None,
                    created_at=at,
                    updated_at=at,
                )
            )
            if state == "published":
                local_day = (at + timedelta(hours=7)).date()
                daily_rows.append(
                    dict(
                        target_id=target_id,
                        day=min(local_day + timedelta(days=1), date.today()),
                        kim_id=kim_id,
                        account_id=account_id,
                        platform=platform,
                        published_at=at,
                        published_day=local_day,
                        likes=likes,
                        comments=comments,
                        shares=shares,
                        views=rng.randint(100, 3000),
                        reach=rng.randint(80, 2500),
                        saves=0,
                        d_likes=likes,
                        d_comments=comments,
                        d_shares=shares,
                        d_views=0,
                        d_reach=0,
                        d_saves=0,
                        remote_missing=False,
                        is_latest=True,
                        captured_at=at + timedelta(hours=12),
                    )
                )
    with engine.begin() as conn:
        for table, rows in ((posts, post_rows), (post_targets, target_rows), (engagement_daily, daily_rows)):
            for start in range(0, len(rows), 2000):
                conn.execute(table.insert(), rows[start : start + 2000])
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(sa.text("SELECT setval(pg_get_serial_sequence('posts', 'id'), :n)"), {"n": post_id})
            conn.execute(sa.text("ANALYZE"))
    engine.dispose()
    print(f"site: {len(post_rows)} posts, {len(target_rows)} targets, {len(daily_rows)} engagement rows", flush=True)
    return {"admin": "admin@bench.id", "staff": "staf@bench.id"}


def measure(users: dict[str, str], runs: int) -> list[tuple[str, list[float]]]:
    from fastapi.testclient import TestClient

    from config.settings import get_settings
    from scheduler.web.app import create_app

    get_settings.cache_clear()
    app = create_app()
    pages = [
        ("admin", "/calendar"),
        ("admin", "/calendar?view=week"),
        ("admin", "/queue"),
        ("admin", "/engagement"),
        ("staff", "/calendar"),
        ("staff", "/queue"),
        ("staff", "/engagement"),
        ("staff", "/engagement?group_by=kelurahan"),
    ]
    clients = {}
    for role, email in users.items():
        client = TestClient(app, base_url="http://127.0.0.1")
        response = client.post("/auth/login", json={"email": email, "password": PASSWORD})
        assert response.status_code == 200, response.text
        clients[role] = client
    results = []
    for role, path in pages:
        client = clients[role]
        assert client.get(path).status_code == 200, path  # warm-up (templates, catalogues)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        results.append((f"{role:5} {path}", times))
    return results


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database-url", default=None, help="an empty database (default: SQLite in a temp folder)")
    args = parser.parse_args()
    from cryptography.fernet import Fernet

    tmp = Path(tempfile.mkdtemp(prefix="siar-bench-web-"))
    os.environ.update(
        SIAR_ENV="test",
        SIAR_DATA_DIR=str(tmp),
        SIAR_SECRET_KEY=Fernet.generate_key().decode(),
        SIAR_SESSION_COOKIE_SECURE="false",
        SIAR_DATABASE_URL=args.database_url or f"sqlite:///{tmp / 'bench.db'}",
    )
    users = build(os.environ["SIAR_DATABASE_URL"], args.posts)
    print(f"{'page':42} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    worst = 0.0
    for name, times in measure(users, args.runs):
        worst = max(worst, p95(times))
        print(f"{name:42} {statistics.median(times):8.1f} {p95(times):8.1f} {max(times):8.1f}", flush=True)
    print(f"worst p95: {worst:.1f} ms (aim: under 200 ms)")


if __name__ == "__main__":
    main()
