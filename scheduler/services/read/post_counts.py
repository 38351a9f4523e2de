"""Post counts per kelurahan, added to the engagement service's coverage on ``GET /api/v1/kelurahan``.

``services.engagement.coverage`` says which kelurahan have a KIM, since when,
how many accounts and how active in the last 30 days; this adds the KIM's
totals since it joined Siar: posts (every review state except canceled) and
published targets. One grouped query each; staff and superadmin only.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from scheduler.domain.model import ReviewState, TargetState
from scheduler.services.people.actors import Actor
from scheduler.services.people.authz import Cap, authorize
from scheduler.store import tables as t


@dataclass(frozen=True)
class PostCounts:
    posts: int
    published: int


def post_counts(engine: sa.Engine, actor: Actor) -> dict[str, PostCounts]:
    """Kelurahan code -> its KIM's post counts (kelurahan without a KIM are absent)."""
    authorize(actor, Cap.MANAGE_REGISTRY)
    posts_per_kim = (
        sa.select(t.posts.c.kim_id, sa.func.count().label("n"))
        .where(t.posts.c.review_state != ReviewState.CANCELED.value)
        .group_by(t.posts.c.kim_id)
        .subquery()
    )
    published_per_kim = (
        sa.select(t.posts.c.kim_id, sa.func.count().label("n"))
        .select_from(t.post_targets.join(t.posts, t.posts.c.id == t.post_targets.c.post_id))
        .where(t.post_targets.c.state == TargetState.PUBLISHED.value)
        .group_by(t.posts.c.kim_id)
        .subquery()
    )
    query = sa.select(
        t.kims.c.kelurahan_code, sa.func.coalesce(posts_per_kim.c.n, 0), sa.func.coalesce(published_per_kim.c.n, 0)
    ).select_from(
        t.kims.outerjoin(posts_per_kim, posts_per_kim.c.kim_id == t.kims.c.id).outerjoin(
            published_per_kim, published_per_kim.c.kim_id == t.kims.c.id
        )
    )
    with engine.connect() as conn:
        return {code: PostCounts(int(n_posts), int(n_published)) for code, n_posts, n_published in conn.execute(query)}
