"""instagrapi sleeps by design; against the sandbox nothing may sleep (and no configure is repeated)."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

from connectors.base import AccountRef
from connectors.instagram import InstagramConnector


def test_instagram_publishes_reads_and_relogs_in_without_sleeping(sandbox, content_for, monkeypatch):
    slept: list[float] = []
    real_sleep = time.sleep

    def watching_sleep(seconds: float) -> None:
        if seconds > 0:
            slept.append(seconds)
        real_sleep(seconds)

    account = AccountRef.from_credentials(
        sandbox.create_account("instagram", f"kim_{uuid.uuid4().hex[:10]}"), sandbox=True
    )
    connector = InstagramConnector(sandbox_url=sandbox.base_url)
    since = datetime.now(UTC) - timedelta(minutes=1)
    sandbox.set_account_state("instagram", account.handle, session_dead=True)  # forces one fresh login too
    monkeypatch.setattr(time, "sleep", watching_sleep)
    started = time.monotonic()
    ids = [connector.publish(account, content_for(kind)).remote_id for kind in ("photo", "album", "video")]
    connector.find_recent(account, since)
    connector.fetch_metrics(account, ids)
    connector.check(account)
    monkeypatch.setattr(time, "sleep", real_sleep)

    assert slept == [], f"instagrapi slept {slept}"
    assert time.monotonic() - started < 10
    posts = sandbox.posts("instagram", account.handle)
    assert sorted(p["create_requests"] for p in posts) == [1, 1, 1]
