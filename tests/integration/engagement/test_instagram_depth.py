"""Instagram is read from the account feed: "not found" deep in the feed is not "deleted"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from connectors.base import Metrics
from connectors.fake import FakeConnector
from scheduler.domain.engagement import DEFAULT_PROFILES, PlatformProfile
from scheduler.services.engagement.collection import refresh_round
from scheduler.services.engagement.config import EngagementConfig


def test_missing_only_counts_within_the_feed_depth(site):
    from scheduler.services.accounts.secrets import encrypt_credentials
    from scheduler.store.tables import engagement_snapshots as S
    from scheduler.store.tables import post_targets as T
    from scheduler.store.tables import posts, social_accounts

    site.add_kim("kim-ig", site.kelurahan[9])
    now = datetime.now(UTC)
    fake = FakeConnector("instagram", clock=lambda: now)
    with site.engine.begin() as c:
        account_id = c.execute(
            sa.insert(social_accounts)
            .values(
                kim_id=site.kims["kim-ig"],
                platform="instagram",
                handle="kim_ig_fake",
                credentials_encrypted=encrypt_credentials({"platform": "instagram", "token": "fake-token"}, site.keys),
                status="active",
                timezone="Asia/Jakarta",
                slots=[],
                created_at=now,
            )
            .returning(social_accounts.c.id)
        ).scalar_one()
    from connectors.base import AccountRef, Content

    ref = AccountRef("instagram", "kim_ig_fake", {"token": "fake-token"})
    ids = []
    for n in range(4):  # oldest first: published 4, 3, 2, 1 hours ago
        result = fake.publish(ref, Content(text=f"Kopi Dampit {n}"))
        fake.set_metrics(result.remote_id, Metrics(likes=10 + n, comments=n))
        with site.engine.begin() as c:
            post_id = c.execute(
                sa.insert(posts)
                .values(
                    kim_id=site.kims["kim-ig"],
                    author_id=site.users["kim-ig"],
                    text="x",
                    tags=[],
                    review_state="approved",
                    schedule_kind="at",
                    schedule_zone="Asia/Jakarta",
                    as_thread=False,
                    created_at=now,
                    updated_at=now,
                )
                .returning(posts.c.id)
            ).scalar_one()
            ids.append(
                c.execute(
                    sa.insert(T)
                    .values(
                        post_id=post_id,
                        account_id=account_id,
                        scheduled_zone="Asia/Jakarta",
                        occurrence=0,
                        state="published",
                        attempts=1,
                        remote_id=result.remote_id,
                        published_at=now - timedelta(hours=4 - n),
                        remote_missing=False,
                        created_at=now,
                        updated_at=now,
                    )
                    .returning(T.c.id)
                ).scalar_one()
            )
    profile = PlatformProfile(batch_size=50, calls=10, window=timedelta(hours=1), feed_depth=2)
    config = EngagementConfig(profiles={**DEFAULT_PROFILES, "instagram": profile})
    pipeline = site.pipeline(connector_for=lambda platform: fake, clock=lambda: now)

    first = refresh_round(pipeline, config, kim_slug="kim-ig")
    assert (first.measured, first.missing, first.unconfirmed) == (4, 0, 0)

    # Every post disappears from the feed answer (e.g. the page read was too shallow).
    fake.posts.clear()
    second = refresh_round(pipeline, config, kim_slug="kim-ig", force=True)
    assert (second.missing, second.unconfirmed) == (2, 2)
    with site.engine.connect() as c:
        flags = dict(c.execute(sa.select(T.c.id, T.c.remote_missing).where(T.c.id.in_(ids))).all())
        snaps = dict(
            c.execute(
                sa.select(S.c.target_id, sa.func.count()).where(S.c.target_id.in_(ids)).group_by(S.c.target_id)
            ).all()
        )
        likes = dict(c.execute(sa.select(T.c.id, T.c.likes).where(T.c.id.in_(ids))).all())
    # The two newest are within the feed depth: really missing. The two oldest: not seen, not marked.
    assert [flags[i] for i in ids] == [False, False, True, True]
    assert [snaps[i] for i in ids] == [1, 1, 2, 2]
    assert [likes[i] for i in ids] == [10, 11, 12, 13]  # last values kept everywhere
