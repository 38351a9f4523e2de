"""Rate budgets: a round defers what does not fit (never fails) and the next round catches up.

Tweets are published by one sandbox account and read through another
("reader") that has made no request yet, so the reader's rate-limit window
starts with the first metrics call (X tweets are public: any user context
may read them).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from sandbox.testing import wait_for
from scheduler.domain.engagement import PlatformProfile
from scheduler.services.engagement.collection import refresh_round
from scheduler.services.engagement.config import EngagementConfig


def utcnow() -> datetime:
    return datetime.now(UTC)


def _setup(site: Any, slug: str, kelurahan_index: int, posts: int = 5) -> tuple[int, list[int]]:
    from scheduler.store.tables import post_targets as T

    site.add_kim(slug, site.kelurahan[kelurahan_index])
    site.add_account(f"{slug}_pub", slug, "x")
    reader = site.add_account(f"{slug}_reader", slug, "x")
    published = utcnow() - timedelta(hours=1)
    ids = []
    for n in range(posts):
        post = site.publish(f"{slug}_pub", f"Wisata kampung {slug} hari ke-{n}", published + timedelta(minutes=n))
        ids.append(post["target_id"])
    with site.engine.begin() as c:
        c.execute(sa.update(T).where(T.c.id.in_(ids)).values(account_id=reader))
    return reader, ids


def _measured(site: Any, ids: list[int]) -> dict[int, int]:
    from scheduler.store.tables import engagement_snapshots as S

    with site.engine.connect() as c:
        rows = c.execute(
            sa.select(S.c.target_id, sa.func.count()).where(S.c.target_id.in_(ids)).group_by(S.c.target_id)
        ).all()
    return {i: dict(rows).get(i, 0) for i in ids}


def _metrics_requests(sandbox: Any) -> int:
    return int(sandbox.request_counts("x")["kinds"].get("metrics", 0))


def test_sandbox_rate_limit_defers_and_next_round_catches_up(site, sandbox):
    from scheduler.store.engagement_tables import engagement_budgets as B

    reader, ids = _setup(site, "kim-rl", 3)
    config = EngagementConfig(profiles={"x": PlatformProfile(batch_size=2, calls=100, window=timedelta(minutes=15))})
    sandbox.set_rate_limits("x", account_limit=2, window_s=2)
    try:
        # this KIM's posts only: other tests of the module leave due posts of their own
        first = refresh_round(site.pipeline(), config, kim_slug="kim-rl")
        # 5 posts, 2 ids a call: calls 1 and 2 pass, call 3 is answered 429.
        assert (first.measured, first.deferred_rate_limited, first.failed, first.missing) == (4, 1, 0, 0)
        counts = _measured(site, ids)
        waiting = [i for i, n in counts.items() if n == 0]
        assert len(waiting) == 1

        with site.engine.connect() as c:
            paused_until = c.execute(sa.select(B.c.paused_until).where(B.c.account_id == reader)).scalar_one()
        assert paused_until is not None and paused_until > first.started_at - timedelta(seconds=1)

        before = _metrics_requests(sandbox)
        second = refresh_round(site.pipeline(), config, kim_slug="kim-rl")  # still paused: nothing is sent
        assert (second.measured, second.waiting_budget, second.calls) == (0, 1, 0)
        assert _metrics_requests(sandbox) == before

        wait_for(lambda: utcnow() >= paused_until, 10, "the sandbox's rate-limit reset")
        third = refresh_round(site.pipeline(), config, kim_slug="kim-rl")
        assert (third.measured, third.deferred_rate_limited, third.failed) == (1, 0, 0)
        assert all(n >= 1 for n in _measured(site, ids).values())
    finally:
        sandbox.set_rate_limits("x", account_limit=100_000, window_s=900)


def test_own_budget_defers_oldest_due_first_and_catches_up(site, sandbox):
    reader, ids = _setup(site, "kim-budget", 4)
    config = EngagementConfig(profiles={"x": PlatformProfile(batch_size=2, calls=2, window=timedelta(minutes=15))})
    clock = [utcnow()]
    pipeline = site.pipeline(clock=lambda: clock[0])

    before = _metrics_requests(sandbox)
    first = refresh_round(pipeline, config, kim_slug="kim-budget")
    assert (first.measured, first.waiting_budget, first.calls, first.failed) == (4, 1, 2, 0)
    assert _metrics_requests(sandbox) - before == 2  # the budget, not the platform, stopped it
    waiting = [i for i, n in _measured(site, ids).items() if n == 0]
    assert waiting == [ids[-1]]  # the most recently due waits; nothing failed

    clock[0] += timedelta(minutes=1)
    second = refresh_round(pipeline, config, kim_slug="kim-budget")
    assert (second.measured, second.waiting_budget, second.calls) == (0, 1, 0)

    clock[0] += timedelta(minutes=15)  # a new window; the 4 others are due again too
    third = refresh_round(pipeline, config, kim_slug="kim-budget")
    assert third.calls == 2 and third.measured == 4 and third.waiting_budget == 1
    # The post that waited longest went first: it is measured now.
    assert _measured(site, [ids[-1]])[ids[-1]] == 1


@pytest.mark.parametrize("max_age_days", [90])
def test_refresh_stops_after_max_age(site, max_age_days):
    from scheduler.store.tables import post_targets as T

    site.add_kim("kim-old", site.kelurahan[5])
    site.add_account("old_x", "kim-old", "x")
    post = site.publish("old_x", "Kopi Malang lama", utcnow() - timedelta(days=max_age_days, hours=1))
    report = refresh_round(site.pipeline(), EngagementConfig(), kim_slug="kim-old")
    assert report.measured == 1  # one last reading
    with site.engine.connect() as c:
        due = c.execute(sa.select(T.c.engagement_due_at).where(T.c.id == post["target_id"])).scalar_one()
    assert due is None
    again = refresh_round(site.pipeline(), EngagementConfig(), kim_slug="kim-old", force=True)
    assert again.due == 0
