"""Daily rollups across local days: cumulative at day end, growth per day, missing keeps last values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from connectors.base import Metrics, Missing
from scheduler.domain.engagement import RefreshPolicy
from scheduler.services.engagement.recording import DueTarget, record_results


def test_rollup_days_deltas_and_missing(site):
    from scheduler.store.engagement_tables import engagement_daily as D

    site.add_kim("kim-roll", site.kelurahan[7])
    site.add_account("roll_x", "kim-roll", "x")
    published = datetime(2026, 11, 1, 16, 30, tzinfo=UTC)  # 23:30 WIB, 1 Nov
    post = site.publish("roll_x", "Keripik buah Batu, enak!", published)
    target = DueTarget(
        post["target_id"],
        site.accounts["roll_x"]["id"],
        "x",
        post["remote_id"],
        published,
        None,
        False,
        site.kims["kim-roll"],
        "Asia/Jakarta",
        None,
        None,
    )
    rid = post["remote_id"]
    steps = [
        (published + timedelta(minutes=15), Metrics(likes=5, comments=1, shares=0, views=100)),  # 1 Nov WIB
        (published + timedelta(hours=2), Metrics(likes=8, comments=1, shares=1, views=150)),  # 2 Nov WIB
        (published + timedelta(hours=5), Metrics(likes=9, comments=2, shares=1, views=170)),  # 2 Nov WIB
        (published + timedelta(days=1, hours=2), Missing(rid)),  # 3 Nov WIB
    ]
    for at, result in steps:
        with site.engine.begin() as conn:
            record_results(conn, at, [target], {rid: result}, RefreshPolicy())
    with site.engine.connect() as conn:
        rows = conn.execute(sa.select(D).where(D.c.target_id == target.id).order_by(D.c.day)).all()
    assert [r.day.isoformat() for r in rows] == ["2026-11-01", "2026-11-02", "2026-11-03"]
    assert [r.published_day.isoformat() for r in rows] == ["2026-11-01"] * 3
    assert [(r.likes, r.d_likes, r.views, r.d_views) for r in rows] == [
        (5, 5, 100, 100),
        (9, 4, 170, 70),
        (9, 0, 170, 0),
    ]
    assert [r.comments for r in rows] == [1, 2, 2] and [r.d_comments for r in rows] == [1, 1, 0]
    assert [r.is_latest for r in rows] == [False, False, True]
    assert [r.remote_missing for r in rows] == [False, False, True]
    # Growth over the three days adds up to the last cumulative values.
    assert sum(r.d_likes for r in rows) == rows[-1].likes
