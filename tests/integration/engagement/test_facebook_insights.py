"""With Page insights switched on, an engagement round stores Facebook views and reach again.

Siar used to ask for post_impressions and post_impressions_unique, which Meta
retired on 2025-11-15; one retired name makes Meta (and the sandbox) refuse the
whole request, so no Facebook figure at all was collected. The post is
published and measured through the real connector (facebook-sdk against the
sandbox).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from connectors.facebook import FacebookConnector
from connectors.registry import Registry


def test_a_round_stores_facebook_views_and_reach(site):
    from scheduler.services.engagement.collection import refresh_round
    from scheduler.store.tables import engagement_snapshots as S
    from scheduler.store.tables import post_targets as T

    site.registry = Registry()
    site.registry.register(FacebookConnector(with_insights=True, sandbox_url=site.sandbox.base_url))
    site.add_kim("kim-insights", site.kelurahan[0])
    site.add_account("fb_insights", "kim-insights", "facebook")
    post = site.publish(
        "fb_insights",
        "Festival Kampung Biru Arema: tayangan dan jangkauan",
        datetime.now(UTC) - timedelta(hours=2),
    )
    truth = {"likes": 31, "comments": 4, "shares": 3, "views": 900, "reach": 640}
    site.sandbox.set_metrics("facebook", post["remote_id"], **truth)

    report = refresh_round(site.pipeline())

    assert (report.measured, report.missing, report.failed) == (1, 0, 0)
    with site.engine.connect() as c:
        snapshot = c.execute(sa.select(S).where(S.c.target_id == post["target_id"])).one()
        target = c.execute(sa.select(T).where(T.c.id == post["target_id"])).one()
    for row in (snapshot, target):
        assert {m: getattr(row, m) for m in truth} == truth
