"""Pipeline benchmark (issue 5): throughput, lag, floor, the common design, claim cost. One run, one table.

Sections (all in one run, real ``siar worker`` / ``siar beat`` processes, the
sandbox in its own process answering with 50 ms latency):

1. burst: 5,000 targets on 500 sandbox accounts due at one instant; publishes
   per second (targets / (last receipt - first receipt)) and lag from the
   scheduled time to the sandbox's receipt (its post ``created_at``)
   p50/p95/p99, on SQLite + file broker and on PostgreSQL + Redis;
2. steady: 600 targets spread evenly over 5 minutes (PostgreSQL + Redis): lag p50/p99;
3. floor: bare Celery no-op tasks per second, same broker, same worker settings;
4. the common design (``bench/pipeline_bench_tasks.py``: ``apply_async(eta=
   scheduled_at)``, a task that calls the connector, no claim or lease) under
   the burst load, once undisturbed and once with one of two workers
   SIGKILLed mid-run and restarted; then the same kill for Siar's pipeline.
   Counted: duplicates (sandbox create_requests > 1 for a content) and
   losses (never published by the end of the wait);
5. claim cost: the dispatcher's claim of 500 due targets with 1,000 and with
   1,000,000 finished targets in the table (PostgreSQL; the million rows
   bulk-inserted with INSERT ... SELECT generate_series).

Worker settings: ``--pool prefork --concurrency 4`` by default (2 cores, but
the tasks mostly wait on the sandbox's 50 ms), the same for every section.

Run (takes ~20-30 minutes; ``--quick`` scales counts and durations down
for a smoke run, its figures are not the reported ones):

    .venv/bin/python bench/pipeline_bench.py \\
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        --redis redis://127.0.0.1:6379/15

Prints one table; writes JSON to ``bench/results/pipeline-<UTC time>.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sitekit import kit  # bench/sitekit.py: the pipeline tests' site kit

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent

CELERY = str(Path(sys.executable).with_name("celery"))
LEASE = "30"  # seconds: a killed worker's targets come back within a minute or two


def log(msg: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {msg}", flush=True)


def pct(values: list[float], q: float) -> float:
    """The q-quantile (nearest rank) of ``values``."""
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(q * len(s))) - 1))]


# -- sites -------------------------------------------------------------------------------------
@contextlib.contextmanager
def site_for(backend: str, args: argparse.Namespace, sandbox: Any) -> Iterator[Any]:
    """A fresh site (database + broker) on ``backend``; everything removed afterwards."""
    with tempfile.TemporaryDirectory() as tmp:
        if backend == "sqlite+file":
            db_url, broker = f"sqlite:///{tmp}/siar.db", None
        else:
            db_url, broker = kit._fresh_pg_database(args.postgres), args.redis
        env = {
            "SIAR_LEASE_SECONDS": LEASE,
            "SIAR_LOG_LEVEL": "WARNING",
            "PYTHONPATH": os.pathsep.join([str(BENCH), str(ROOT)]),
        }
        site = kit.build_site(Path(tmp), db_url, broker, sandbox, env)
        site.backend = backend
        try:
            yield site
        finally:
            site.stop_all()
            site.engine.dispose()
            if broker:
                kit._flush_redis(broker, site.broker_prefix())
                _drop_database(args.postgres, db_url)


def _drop_database(server: str, db_url: str) -> None:
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'DROP DATABASE IF EXISTS "{sa.make_url(db_url).database}" WITH (FORCE)'))
    admin.dispose()


def add_accounts(site: Any, n: int) -> list[int]:
    """``n`` sandbox accounts (X and Facebook in turn), pacing limits lifted."""
    from scheduler.services.accounts.credentials import issued_by_sandbox
    from scheduler.services.accounts.manage import add_account
    from scheduler.services.people.actors import Actor
    from scheduler.store.db import make_session_factory
    from scheduler.store.tables import social_accounts as A
    from scheduler.store.unit_of_work import SqlAlchemyUnitOfWork

    sessions = make_session_factory(site.engine)
    ids = []
    for i in range(n):
        platform = ("x", "facebook")[i % 2]
        handle = f"b{uuid.uuid4().hex[:10]}"
        creds = issued_by_sandbox(platform, site.sandbox.create_account(platform, handle))
        ids.append(
            add_account(
                SqlAlchemyUnitOfWork(sessions),
                Actor.system(),
                kim_id=site.kim_id,
                platform=platform,
                handle=handle,
                credentials=creds,
                now=kit.utcnow(),
                sandbox=True,
            ).id
        )
    with site.engine.begin() as c:
        c.execute(sa.update(A).where(A.c.id.in_(ids)).values(min_spacing_seconds=0, daily_cap=100_000))
    return ids


def add_targets(
    site: Any, accounts: list[int], dues: list[datetime], state: str = "scheduled", tag: str = ""
) -> dict[int, tuple[datetime, str]]:
    """One approved post with one target per due time (bulk insert); target id -> (due, text)."""
    from scheduler.store import tables as t

    now = kit.utcnow()
    run = uuid.uuid4().hex[:6]
    texts = [
        f"Bench {tag}{run}-{i}: keripik tempe Sanan dan apel Batu, oleh-oleh khas Malang" for i in range(len(dues))
    ]
    out: dict[int, tuple[datetime, str]] = {}
    with site.engine.begin() as c:
        post_ids = (
            c.execute(
                sa.insert(t.posts).returning(t.posts.c.id, sort_by_parameter_order=True),
                [
                    {
                        "kim_id": site.kim_id,
                        "author_id": site.admin_id,
                        "text": text,
                        "created_at": now,
                        "updated_at": now,
                        "review_state": "approved",
                    }
                    for text in texts
                ],
            )
            .scalars()
            .all()
        )
        rows = [
            {
                "post_id": pid,
                "account_id": accounts[i % len(accounts)],
                "occurrence": 0,
                "scheduled_at": dues[i],
                "created_at": now,
                "updated_at": now,
                "state": state,
            }
            for i, pid in enumerate(post_ids)
        ]
        target_ids = (
            c.execute(sa.insert(t.post_targets).returning(t.post_targets.c.id, sort_by_parameter_order=True), rows)
            .scalars()
            .all()
        )
    for i, tid in enumerate(target_ids):
        out[tid] = (dues[i], texts[i])
    return out


def start_workers(
    site: Any,
    args: argparse.Namespace,
    names: tuple[str, ...] = ("w1",),
    app: str | None = None,
    queues: str | None = None,
) -> None:
    """Start workers (``siar worker``, or ``celery -A app worker``) with the bench's settings."""
    for name in names:
        conc = str(args.concurrency // len(names) if len(names) > 1 else args.concurrency)
        node = f"{name}-{uuid.uuid4().hex[:6]}@%h"
        if app:
            site.logs[name] = Path(site.env["SIAR_DATA_DIR"]) / f"{name}.log"
            import subprocess

            site.procs[name] = subprocess.Popen(
                [
                    CELERY,
                    "-A",
                    app,
                    "worker",
                    "-Q",
                    queues or "bench",
                    "--pool",
                    args.pool,
                    "--concurrency",
                    conc,
                    "-n",
                    node,
                    "--loglevel",
                    "WARNING",
                ],
                env=site.env,
                stdout=site.logs[name].open("ab"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
                cwd=str(BENCH),
            )
        else:
            site.start(
                name,
                "worker",
                "--pool",
                args.pool,
                "--concurrency",
                conc,
                "--hostname",
                node,
                "--loglevel",
                "WARNING",
                *(["--queues", queues] if queues else []),
            )


def wait_workers_ready(site: Any, n: int, timeout: float = 90) -> None:
    kit.wait_until(
        lambda: len([h for h in site.heartbeats() if h.kind == "worker"]) >= n,
        timeout,
        lambda: f"{n} worker heartbeat(s)\n" + "\n".join(site.log(k)[-2000:] for k in site.logs),
    )


def receipts(site: Any, plan: dict[int, tuple[datetime, str]]) -> dict[str, Any]:
    """Sandbox posts of ``plan``'s texts: text -> (created_at, create_requests)."""
    texts = {text for _, text in plan.values()}
    out = {}
    for p in site.sandbox.posts():
        if p["text"] in texts:
            out[p["text"]] = (
                datetime.fromisoformat(p["created_at"]),
                p["create_requests"],
                out.get(p["text"], (None, 0, 0))[2] + 1,
            )
    return out


def open_count(site: Any, ids: list[int]) -> int:
    from scheduler.store.tables import post_targets as T

    with site.engine.connect() as c:
        return c.execute(
            sa.select(sa.func.count())
            .select_from(T)
            .where(T.c.id.in_(ids), T.c.state.notin_(("published", "failed", "canceled")))
        ).scalar_one()


def lag_figures(plan: dict[int, tuple[datetime, str]], got: dict[str, Any]) -> dict[str, Any]:
    lags = [(got[text][0] - due).total_seconds() for due, text in plan.values() if text in got]
    stamps = sorted(got[text][0] for _, text in plan.values() if text in got)
    span = (stamps[-1] - stamps[0]).total_seconds() if len(stamps) > 1 else float("nan")
    return {
        "n": len(plan),
        "published": len(lags),
        "per_s": round(len(lags) / span, 1) if span and span > 0 else None,
        "lag_p50": round(pct(lags, 0.50), 3),
        "lag_p95": round(pct(lags, 0.95), 3),
        "lag_p99": round(pct(lags, 0.99), 3),
        "lag_max": round(max(lags), 3) if lags else None,
        "duplicates": sum(1 for v in got.values() if v[1] > 1 or v[2] > 1),
        "lost": len(plan) - len(lags),
    }


# -- 1, 2, 4 (Siar) ------------------------------------------------------------------------------
def run_siar(
    site: Any,
    args: argparse.Namespace,
    accounts: list[int],
    n: int,
    spread_s: float,
    kill: bool = False,
    label: str = "",
) -> dict[str, Any]:
    """``n`` targets due over ``spread_s`` (0: one instant); real workers + beat publish them."""
    lead = 20.0
    start = (kit.utcnow() + timedelta(seconds=lead)).replace(microsecond=0)
    step = spread_s / n if spread_s else 0.0
    dues = [start + timedelta(seconds=i * step) for i in range(n)]
    plan = add_targets(site, accounts, dues, tag=label)
    names = ("w1", "w2") if kill else ("w1",)
    start_workers(site, args, names)
    site.start_beat()
    wait_workers_ready(site, len(names))
    if kit.utcnow() > start:
        log(f"  set-up ran {(kit.utcnow() - start).total_seconds():.1f}s past the due time")
    ids = list(plan)
    killed_at = None
    if kill:
        target = n * 0.4
        kit.wait_until(lambda: n - open_count(site, ids) >= target, spread_s + 600, "40% published", every=0.5)
        site.stop("w1", signal.SIGKILL)
        killed_at = kit.utcnow()
        start_workers(site, args, ("w1",))
    wait = spread_s + (900 if not args.quick else 300)
    kit.wait_until(
        lambda: open_count(site, ids) == 0,
        wait,
        lambda: f"{label}: all published ({open_count(site, ids)} open)",
        every=1.0,
    )
    site.stop_all()
    got = receipts(site, plan)
    fig = lag_figures(plan, got)
    if killed_at:
        fig["recovered_s"] = round((max(v[0] for v in got.values()) - killed_at).total_seconds(), 1)
    log(f"  {label}: {fig}")
    return fig


# -- 3 floor -----------------------------------------------------------------------------------
def queue_size(app: Any, queue: str) -> int:
    """Messages waiting on ``queue`` (Redis: LLEN of the prefixed key; file broker: kombu)."""
    url = app.conf.broker_url
    if url.startswith("redis://"):
        import redis

        client = redis.Redis.from_url(url)
        try:
            prefix = app.conf.broker_transport_options.get("global_keyprefix", "")
            return int(client.llen(prefix + queue))
        finally:
            client.close()
    with app.connection_for_write() as conn:
        return conn.default_channel.queue_declare(queue, passive=True).message_count


def run_floor(site: Any, args: argparse.Namespace, n: int) -> dict[str, Any]:
    """Send ``n`` no-op messages, then start the worker and time how fast the queue drains."""
    sys.path.insert(0, str(BENCH))
    import importlib

    import pipeline_bench_tasks as tasks

    tasks = importlib.reload(tasks)  # this site's settings
    for i in range(n):
        tasks.noop.apply_async((i,), queue="bench")
    kit.wait_until(lambda: queue_size(tasks.app, "bench") >= n * 0.99, 60, "messages on the broker")
    start_workers(site, args, ("f1",), app="pipeline_bench_tasks")
    kit.wait_until(lambda: queue_size(tasks.app, "bench") < n, 90, "the worker to start consuming", every=0.02)
    t0 = time.perf_counter()
    left0 = queue_size(tasks.app, "bench")
    kit.wait_until(lambda: queue_size(tasks.app, "bench") == 0, 600, "the queue to drain", every=0.05)
    elapsed = time.perf_counter() - t0
    site.stop("f1")
    fig = {"n": n, "per_s": round(left0 / elapsed, 1)}
    log(f"  floor: {fig}")
    return fig


# -- 4 the common design ------------------------------------------------------------------------
def run_naive(site: Any, args: argparse.Namespace, accounts: list[int], n: int, kill: bool) -> dict[str, Any]:
    """Burst of ``n`` sent at once with ``apply_async(eta=due)``; optionally kill w1 mid-run."""
    sys.path.insert(0, str(BENCH))
    import importlib

    import pipeline_bench_tasks as tasks

    tasks = importlib.reload(tasks)
    start = (kit.utcnow() + timedelta(seconds=20)).replace(microsecond=0)
    plan = add_targets(site, accounts, [start] * n, state="canceled", tag="naive")  # Siar ignores
    for tid, (due, _) in plan.items():
        tasks.naive_publish.apply_async((tid,), eta=due, queue="bench")
    names = ("n1", "n2") if kill else ("n1",)
    start_workers(site, args, names, app="pipeline_bench_tasks")
    ids = list(plan)

    def done() -> int:
        from scheduler.store.tables import post_targets as T

        with site.engine.connect() as c:
            return c.execute(
                sa.select(sa.func.count()).select_from(T).where(T.c.id.in_(ids), T.c.state == "published")
            ).scalar_one()

    if kill:
        kit.wait_until(lambda: done() >= n * 0.4, 600, "40% published (naive)", every=0.5)
        site.stop("n1", signal.SIGKILL)
        start_workers(site, args, ("n1",), app="pipeline_bench_tasks")
    # Nothing in this design brings a lost message back before Redis's visibility timeout
    # (an hour): wait until it is all done or nothing moved for 60 s.
    while kit.utcnow() < start + timedelta(seconds=2):
        time.sleep(0.5)
    last, still = -1, time.monotonic()
    while True:
        now_done = done()
        if now_done >= n:
            break
        if now_done != last:
            last, still = now_done, time.monotonic()
        elif time.monotonic() - still > (60 if not args.quick else 20):
            break
        time.sleep(1)
    site.stop_all()
    with tasks.app.connection_for_write() as conn:  # what a stopped worker gave back: not ours now
        conn.default_channel.queue_purge("bench")
    fig = lag_figures(plan, receipts(site, plan))
    log(f"  naive{' + kill' if kill else ''}: {fig}")
    return fig


# -- 5 claim cost ------------------------------------------------------------------------------
def run_claim_cost(args: argparse.Namespace, big: int) -> dict[str, Any]:
    """ms for the dispatcher's claim of 500 due targets with 1,000 and ``big`` finished rows."""
    from connectors.base import PublishResult  # noqa: F401  (the import chain the worker has)
    from scheduler.services.publishing.dispatch import dispatch_due
    from scheduler.services.wiring import Pipeline, PipelineConfig
    from scheduler.store import tables as t
    from scheduler.store.db import make_engine
    from scheduler.store.migrate import upgrade

    db_url = kit._fresh_pg_database(args.postgres)
    try:
        upgrade(db_url)
        engine = make_engine(db_url)
        now = datetime.now(UTC).replace(microsecond=0)
        with engine.begin() as c:
            kim, user, acc = kit.bare_kim(c, now, 500, daily_cap=100_000)
            post = c.execute(
                sa.insert(t.posts)
                .values(
                    kim_id=kim,
                    author_id=user,
                    text="Bench: keripik buah Batu",
                    created_at=now,
                    review_state="approved",
                    updated_at=now,
                )
                .returning(t.posts.c.id)
            ).scalar_one()
            due_ids = (
                c.execute(
                    sa.insert(t.post_targets).returning(t.post_targets.c.id, sort_by_parameter_order=True),
                    [
                        {
                            "post_id": post,
                            "account_id": acc[i],
                            "occurrence": i,
                            "scheduled_at": now,
                            "created_at": now,
                            "updated_at": now,
                            "state": "scheduled",
                        }
                        for i in range(500)
                    ],
                )
                .scalars()
                .all()
            )

        def add_history(upto: int) -> None:
            # Finished targets (published, 400 days ago), bulk-inserted by the server itself.
            with engine.begin() as c:
                have = c.execute(
                    sa.select(sa.func.count()).select_from(t.post_targets).where(t.post_targets.c.state == "published")
                ).scalar_one()
                c.exec_driver_sql(
                    "INSERT INTO post_targets (post_id, account_id, occurrence, scheduled_at, "
                    "created_at, updated_at, state, published_at, remote_id, scheduled_zone, attempts, "
                    "remote_missing) "
                    f"SELECT {post}, {acc[0]} + (g %% 500), 1000 + g, "
                    f"%(old)s + g * interval '1 second', %(old)s, %(old)s, 'published', "
                    f"%(old)s + g * interval '1 second', 'old' || g, 'Asia/Jakarta', 1, false "
                    f"FROM generate_series({have}, {upto - 1}) AS g",
                    {"old": now - timedelta(days=400)},
                )
            with engine.connect() as c:
                c.exec_driver_sql("ANALYZE post_targets")
                c.commit()

        p = Pipeline(
            engine=engine,
            connector_for=lambda _: None,
            decrypt=json.loads,  # type: ignore[arg-type,return-value]
            media_root=Path("."),
            config=PipelineConfig(claim_batch=500),
            clock=lambda: now,
        )

        def measure() -> float:
            times = []
            for _ in range(7):
                with engine.begin() as c:
                    c.execute(
                        sa.update(t.post_targets)
                        .where(t.post_targets.c.id.in_(due_ids))
                        .values(state="scheduled", lease_token=None, lease_until=None)
                    )
                t0 = time.perf_counter()
                report = dispatch_due(p, lambda *a: None)
                times.append((time.perf_counter() - t0) * 1000)
                assert len(report.claimed) == 500, len(report.claimed)
            return round(statistics.median(times[1:]), 1)  # first run warms the caches

        add_history(1_000)
        small = measure()
        t0 = time.perf_counter()
        add_history(big)
        built = time.perf_counter() - t0
        large = measure()
        engine.dispose()
        fig = {
            "claim_500_ms_with_1k": small,
            f"claim_500_ms_with_{big}": large,
            "ratio": round(large / small, 2),
            "bulk_insert_s": round(built, 1),
            "big": big,
        }
        log(f"  claim cost: {fig}")
        return fig
    finally:
        _drop_database(args.postgres, db_url)


# -- the table --------------------------------------------------------------------------------
def table(r: dict[str, Any], args: argparse.Namespace) -> str:
    def g(d: dict[str, Any] | None, k: str, fmt: str = "{}") -> str:
        v = (d or {}).get(k)
        return "-" if v is None else fmt.format(v)

    lines = []
    add = lines.append
    add(
        f"Siar pipeline benchmark {r['started']} ({'QUICK, not reportable' if args.quick else 'full'};"
        f" worker pool {args.pool}, concurrency {args.concurrency}; sandbox latency 50 ms;"
        f" lease {LEASE} s)"
    )
    add(f"{'run':44} {'n':>6} {'pub/s':>8} {'p50 s':>8} {'p95 s':>8} {'p99 s':>8} {'dup':>5} {'lost':>5}")
    for key, name in (
        ("burst_sqlite", "1 burst, SQLite + file broker"),
        ("burst_pg", "1 burst, PostgreSQL + Redis"),
        ("steady_pg", "2 steady over 5 min, PostgreSQL + Redis"),
        ("naive_pg", "4 common design (eta), PostgreSQL + Redis"),
        ("naive_kill_pg", "4 common design + SIGKILL of 1 of 2 workers"),
        ("siar_kill_pg", "4 Siar + SIGKILL of 1 of 2 workers"),
    ):
        d = r.get(key)
        if d is None:
            continue
        add(
            f"{name:44} {g(d, 'n'):>6} {g(d, 'per_s'):>8} {g(d, 'lag_p50'):>8} {g(d, 'lag_p95'):>8}"
            f" {g(d, 'lag_p99'):>8} {g(d, 'duplicates'):>5} {g(d, 'lost'):>5}"
        )
    for key, name in (("floor_sqlite", "3 no-op floor, file broker"), ("floor_pg", "3 no-op floor, Redis")):
        if key in r:
            add(f"{name:44} {g(r[key], 'n'):>6} {g(r[key], 'per_s'):>8}")
    c = r.get("claim")
    if c:
        large = c["claim_500_ms_with_" + str(c["big"])]
        add(
            f"5 claim of 500 due (PostgreSQL): {c['claim_500_ms_with_1k']} ms with 1,000 finished; "
            f"{large} ms with {c['big']:,} finished (x{c['ratio']})"
        )
    add("Targets (PostgreSQL + Redis):")
    checks = []
    bp, fp = r.get("burst_pg", {}), r.get("floor_pg", {})
    if bp.get("per_s") and fp.get("per_s"):
        checks.append(
            (
                f"burst publish/s >= half the no-op floor ({bp['per_s']} vs {fp['per_s'] / 2:.1f})",
                bp["per_s"] >= fp["per_s"] / 2,
            )
        )
    sp = r.get("steady_pg")
    if sp:
        checks.append((f"steady lag p99 <= 1 s ({sp['lag_p99']} s)", sp["lag_p99"] <= 1.0))
    if c:
        checks.append((f"claim with {c['big']:,} rows <= 2x with 1,000 (x{c['ratio']})", c["ratio"] <= 2.0))
    sk, nk = r.get("siar_kill_pg"), r.get("naive_kill_pg")
    if sk and nk:
        shows = nk["duplicates"] + nk["lost"] > 0
        checks.append(
            (
                f"Siar kill: 0 duplicates, 0 lost ({sk['duplicates']}, {sk['lost']}); "
                f"common design kill shows {nk['duplicates']} dup, {nk['lost']} lost",
                sk["duplicates"] == 0 and sk["lost"] == 0 and shows,
            )
        )
    for text, ok in checks:
        add(f"  [{'met' if ok else 'MISSED'}] {text}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--postgres",
        default=os.environ.get("SIAR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--redis", default=os.environ.get("SIAR_TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--pool", default="prefork", choices=("prefork", "threads"))
    parser.add_argument("--quick", action="store_true", help="smoke run: everything scaled down")
    parser.add_argument("--only", default="burst,steady,floor,naive,claim", help="comma-separated sections")
    parser.add_argument(
        "--backends",
        default="sqlite+file,postgresql+redis",
        help="comma-separated sites to run (for a partial, exploratory run)",
    )
    args = parser.parse_args()
    q = args.quick
    n_burst, n_accounts = (500, 100) if q else (5000, 500)
    n_steady, steady_s = (60, 30.0) if q else (600, 300.0)
    n_floor = 500 if q else 5000
    big = 50_000 if q else 1_000_000
    only = set(args.only.split(","))

    from sandbox.testing import running_sandbox

    results: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "args": vars(args),
        "machine_cpus": os.cpu_count(),
    }
    with running_sandbox(subprocess=True) as sandbox:
        for platform in ("x", "facebook"):
            sandbox.set_faults(platform, latency_ms=50)
        for backend, suffix in (("sqlite+file", "sqlite"), ("postgresql+redis", "pg")):
            if backend not in args.backends.split(","):
                continue
            with site_for(backend, args, sandbox) as site:
                log(f"{backend}: {n_accounts} accounts")
                accounts = add_accounts(site, n_accounts)
                if "burst" in only:
                    log(f"{backend}: burst of {n_burst}")
                    results[f"burst_{suffix}"] = run_siar(site, args, accounts, n_burst, 0, label="burst")
                if "floor" in only:
                    log(f"{backend}: no-op floor")
                    results[f"floor_{suffix}"] = run_floor(site, args, n_floor)
                if suffix == "pg" and "steady" in only:
                    log(f"{backend}: steady {n_steady} over {steady_s:.0f}s")
                    results["steady_pg"] = run_siar(site, args, accounts, n_steady, steady_s, label="steady")
                if suffix == "pg" and "naive" in only:
                    log(f"{backend}: common design, then kills")
                    results["naive_pg"] = run_naive(site, args, accounts, n_burst, kill=False)
                    results["naive_kill_pg"] = run_naive(site, args, accounts, n_burst, kill=True)
                    results["siar_kill_pg"] = run_siar(site, args, accounts, n_burst, 0, kill=True, label="siar-kill")
    if "claim" in only:
        log("claim cost")
        results["claim"] = run_claim_cost(args, big)
    text = table(results, args)
    results["table"] = text
    out = BENCH / "results"
    out.mkdir(exist_ok=True)
    path = out / f"pipeline-{datetime.now(UTC):%Y%m%dT%H%M%SZ}{'-quick' if q else ''}.json"
    path.write_text(json.dumps(results, indent=2, default=str))
    print(text)
    print(f"(JSON: {path.relative_to(ROOT)})")


if __name__ == "__main__":
    main()
