"""Kelurahan coverage: which of the city's kelurahan have a KIM, since when, how active.

One grouped query per question (read-only; staff and superadmins): posts per
KIM (every review state except canceled) and published targets per KIM.
Kelurahan without a KIM are listed too; that gap is what staff track.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from scheduler.domain.model import ReviewState, TargetState
from scheduler.services.actors import Actor
from scheduler.services.authz import Cap, authorize
from scheduler.store import tables as t


@dataclass(frozen=True)
class KelurahanCoverage:
    code: str
    name: str
    kecamatan_code: str
    kecamatan_name: str
    kim_id: int | None
    kim_name: str | None
    kim_slug: str | None
    kim_formed_on: date | None
    posts: int
    published: int


def coverage(engine: sa.Engine, actor: Actor) -> list[KelurahanCoverage]:
    """Every kelurahan with its KIM (or none) and that KIM's post counts."""
    authorize(actor, Cap.MANAGE_REGISTRY)
    posts_per_kim = (sa.select(t.posts.c.kim_id, sa.func.count().label("n"))
                     .where(t.posts.c.review_state != ReviewState.CANCELED.value)
                     .group_by(t.posts.c.kim_id).subquery())
    published_per_kim = (sa.select(t.posts.c.kim_id, sa.func.count().label("n"))
                         .select_from(t.post_targets.join(t.posts, t.posts.c.id == t.post_targets.c.post_id))
                         .where(t.post_targets.c.state == TargetState.PUBLISHED.value)
                         .group_by(t.posts.c.kim_id).subquery())
    query = (
        sa.select(t.kelurahan.c.code, t.kelurahan.c.name, t.kelurahan.c.kecamatan_code,
                  t.kecamatan.c.name, t.kims.c.id, t.kims.c.name, t.kims.c.slug, t.kims.c.formed_on,
                  sa.func.coalesce(posts_per_kim.c.n, 0), sa.func.coalesce(published_per_kim.c.n, 0))
        .select_from(t.kelurahan.join(t.kecamatan, t.kecamatan.c.code == t.kelurahan.c.kecamatan_code)
                     .outerjoin(t.kims, t.kims.c.kelurahan_code == t.kelurahan.c.code)
                     .outerjoin(posts_per_kim, posts_per_kim.c.kim_id == t.kims.c.id)
                     .outerjoin(published_per_kim, published_per_kim.c.kim_id == t.kims.c.id))
        .order_by(t.kecamatan.c.name, t.kelurahan.c.name)
    )
    with engine.connect() as conn:
        return [KelurahanCoverage(*row) for row in conn.execute(query)]
