"""Real Celery worker and beat processes publish scheduled posts once each, on time.

Two backends: the server-less default (SQLite + kombu's file broker) and
production's (PostgreSQL + Redis). Each module-scoped ``site`` runs
``siar worker`` and ``siar beat`` as subprocesses against the session sandbox.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from pipeline_sitekit import SIAR, running_site, utcnow, wait_until

pytestmark = pytest.mark.slow
BACKENDS = ["sqlite+filesystem", "postgresql+redis"]


@pytest.fixture(scope="module", params=BACKENDS)
def site(request, tmp_path_factory, sandbox, restore_env):
    with running_site(request, request.param, tmp_path_factory.mktemp("site"), sandbox) as s:
        yield s


def test_scheduled_posts_publish_once_each_on_time(site):
    sandbox = site.sandbox
    # Instagram needs media, which `siar post add` cannot upload yet: X and Facebook here.
    accounts = [site.add_account(p, min_spacing_seconds=0, daily_cap=100) for p in ("x", "x", "facebook", "facebook")]
    plan = []  # (post id, due, text)
    # All due at the same instant: they travel in one siar.publish_batch message (decision 0007).
    due = (utcnow() + timedelta(seconds=6)).replace(microsecond=0)
    for i, account in enumerate(accounts):
        text = f"Keripik tempe Sanan #{i} {uuid.uuid4().hex[:6]}: renyah, gurih, oleh-oleh khas Malang!"
        plan.append((site.post(account, text=text, at=due), due, text))

    def all_published():
        rows = [r for post_id, _, _ in plan for r in site.targets(post_id)]
        return rows if all(r.state == "published" for r in rows) else None

    rows = wait_until(all_published, 60, lambda: "\n".join(site.explain(post_id) for post_id, _, _ in plan))
    by_post = {r.post_id: r for r in rows}
    for post_id, due, _text in plan:
        row = by_post[post_id]
        lag = (row.published_at - due).total_seconds()
        print(
            f"[{site.backend}] post {post_id} due {due.time()} published {row.published_at.time()}"
            f" lag {lag:+.3f}s remote {row.remote_id}"
        )
        assert row.remote_id and row.permalink.startswith("http")
        assert -1.0 <= lag <= 5.0, f"published {lag:.2f}s from its time"
        assert row.attempts == 1
    remote = {p["text"]: p for p in sandbox.posts()}
    for post_id, _, text in plan:
        assert remote[text]["create_requests"] == 1, remote[text]
        assert str(remote[text]["id"]) == by_post[post_id].remote_id


def test_one_post_with_a_photo_on_three_platforms(site, tmp_path):
    """Cross-posting: X, Facebook and Instagram (which needs the photo), one create each."""
    from PIL import Image

    photo = tmp_path / "keripik.jpg"
    Image.new("RGB", (1080, 1350), (200, 140, 60)).save(photo, "JPEG", quality=85)
    accounts = [site.add_account(p, min_spacing_seconds=0, daily_cap=100) for p in ("x", "facebook", "instagram")]
    text = f"Kopi Dampit dari UMKM Kelurahan Bareng {uuid.uuid4().hex[:6]} #kopimalang"
    due = (utcnow() + timedelta(seconds=6)).replace(microsecond=0)
    post_id = site.post(*accounts, text=text, at=due, media=(photo,))

    def done():
        rows = site.targets(post_id)
        return rows if rows and all(r.state in ("published", "failed") for r in rows) else None

    rows = wait_until(done, 90, lambda: site.explain(post_id))
    for row in rows:
        print(
            f"[{site.backend}] target {row.id} account {row.account_id}: {row.state} "
            f"lag {(row.published_at - due).total_seconds() if row.published_at else None}"
            f" {row.last_error_code or ''} {row.last_error_message or ''}"
        )
    assert [r.state for r in rows] == ["published"] * 3
    remote = [p for p in site.sandbox.posts() if text.split()[0] in p["text"] and text.split()[-2] in p["text"]]
    assert len(remote) == 3 and all(p["create_requests"] == 1 for p in remote), remote
    assert all(p.get("media_count", 1) == 1 for p in remote), remote


def test_status_reports_live_worker_and_beat(site):
    import subprocess

    out = subprocess.run([SIAR, "status"], env=site.env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "Worker aktif: 1" in out.stdout
    assert "Beat: hidup" in out.stdout
