"""The same pipeline with RabbitMQ as the broker (``SIAR_BROKER_URL=amqp://...``).

A throw-away virtual host per run keeps it apart from anything else on the server.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from pipeline_sitekit import running_site, utcnow, wait_until

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(request, tmp_path_factory, sandbox, restore_env):
    with running_site(request, "sqlite+rabbitmq", tmp_path_factory.mktemp("amqp"), sandbox) as s:
        yield s


def test_rabbitmq_publishes_once_on_time(site):
    plan = []
    for platform in ("x", "facebook"):
        account = site.add_account(platform, min_spacing_seconds=0, daily_cap=100)
        text = f"Taman Merbabu, Kelurahan Oro-oro Dowo {uuid.uuid4().hex[:6]}"
        due = (utcnow() + timedelta(seconds=5)).replace(microsecond=0)
        plan.append((site.post(account, text=text, at=due), due, text))

    def done():
        rows = [site.targets(post_id)[0] for post_id, _, _ in plan]
        return rows if all(r.state == "published" for r in rows) else None

    rows = wait_until(done, 60, lambda: "\n".join(site.explain(p) for p, _, _ in plan))
    remote = {p["text"]: p for p in site.sandbox.posts()}
    for row, (post_id, due, text) in zip(rows, plan, strict=True):
        lag = (row.published_at - due).total_seconds()
        print(f"[rabbitmq] post {post_id} lag {lag:+.3f}s")
        assert -1.0 <= lag <= 5.0
        assert remote[text]["create_requests"] == 1 and str(remote[text]["id"]) == row.remote_id
