"""Real Celery worker and beat processes publish scheduled posts once each, on time.

Two backends: the server-less default (SQLite + kombu's file broker) and
production's (PostgreSQL + Redis). Each module-scoped ``site`` runs
``siar worker`` and ``siar beat`` as subprocesses against the session sandbox.
"""
from __future__ import annotations

import importlib.util
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

_spec = importlib.util.spec_from_file_location(
    "pipeline_site", Path(__file__).with_name("conftest.py"))
site_mod = sys.modules.get("pipeline_site")
if site_mod is None:
    site_mod = importlib.util.module_from_spec(_spec)
    sys.modules["pipeline_site"] = site_mod
    _spec.loader.exec_module(site_mod)

build_site, wait_until, utcnow, group_alive = (
    site_mod.build_site, site_mod.wait_until, site_mod.utcnow, site_mod.group_alive)

pytestmark = pytest.mark.slow
BACKENDS = ["sqlite+filesystem", "postgresql+redis"]


@pytest.fixture(scope="module", params=BACKENDS)
def site(request, tmp_path_factory, sandbox, restore_env):
    tmp = tmp_path_factory.mktemp("site")
    if request.param == "sqlite+filesystem":
        db_url, broker = f"sqlite:///{tmp / 'siar.db'}", None
    else:
        admin_url = request.getfixturevalue("postgres_url")
        redis_url = request.getfixturevalue("redis_url")
        db_url = _fresh_pg_database(admin_url)
        broker = redis_url
        _flush_redis(redis_url)
    s = build_site(tmp, db_url, broker, sandbox)
    s.backend = request.param
    try:
        s.start_worker("w1", concurrency=2)
        s.start_beat()
        wait_until(lambda: {h.kind for h in s.heartbeats()} >= {"worker", "beat"}, 60,
                   "worker and beat heartbeats\n" + s.log("w1")[-3000:])
        yield s
    finally:
        pgids = [p.pid for p in s.procs.values()]
        codes = s.stop_all()
        assert not any(group_alive(g) for g in pgids), "worker/beat processes left behind"
        assert codes == {"w1": 0, "beat": 0}, codes  # clean (warm) shutdown on SIGTERM
        for name in ("w1", "beat"):
            log = s.log(name)
            assert "Traceback" not in log and "ERROR/" not in log, log[-4000:]
        assert not [h for h in s.heartbeats() if h.kind == "worker"], "worker row not removed"
        s.engine.dispose()
        if broker:
            _flush_redis(broker)


def _fresh_pg_database(server_url: str) -> str:
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    name = f"siar_pipe_{uuid.uuid4().hex[:10]}"
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    admin.dispose()
    return url


def _flush_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()


def test_scheduled_posts_publish_once_each_on_time(site):
    sandbox = site.sandbox
    # Instagram needs media, which `siar post add` cannot upload yet: X and Facebook here.
    accounts = [site.add_account(p, min_spacing_seconds=0, daily_cap=100)
                for p in ("x", "x", "facebook", "facebook")]
    plan = []  # (post id, due, text)
    for i, account in enumerate(accounts):
        due = (utcnow() + timedelta(seconds=6)).replace(microsecond=0)
        text = f"Keripik tempe Sanan #{i} {uuid.uuid4().hex[:6]}: renyah, gurih, oleh-oleh khas Malang!"
        plan.append((site.post(account, text=text, at=due), due, text))

    def all_published():
        rows = [r for post_id, _, _ in plan for r in site.targets(post_id)]
        return rows if all(r.state == "published" for r in rows) else None

    rows = wait_until(all_published, 60, "every target published\n" + site.log("w1")[-4000:])
    by_post = {r.post_id: r for r in rows}
    for post_id, due, text in plan:
        row = by_post[post_id]
        lag = (row.published_at - due).total_seconds()
        print(f"[{site.backend}] post {post_id} due {due.time()} published {row.published_at.time()}"
              f" lag {lag:+.3f}s remote {row.remote_id}")
        assert row.remote_id and row.permalink.startswith("http")
        assert -1.0 <= lag <= 5.0, f"published {lag:.2f}s from its time"
        assert row.attempts == 1
    remote = {p["text"]: p for p in sandbox.posts()}
    for post_id, _, text in plan:
        assert remote[text]["create_requests"] == 1, remote[text]
        assert str(remote[text]["id"]) == by_post[post_id].remote_id


def test_status_reports_live_worker_and_beat(site):
    import subprocess

    out = subprocess.run([site_mod.SIAR, "status"], env=site.env, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert "Worker aktif: 1" in out.stdout
    assert "Beat: hidup" in out.stdout
