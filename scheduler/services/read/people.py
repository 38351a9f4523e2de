"""Read models for the users page and the KIM registry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from scheduler.services.people.actors import Actor
from scheduler.services.people.authz import Cap, authorize
from scheduler.services.read.scope import kim_scope
from scheduler.store.tables import kecamatan, kelurahan, kims, posts, social_accounts, users

U = users.c


@dataclass(frozen=True)
class UserRow:
    id: int
    name: str
    email: str
    role: str
    kim_slug: str | None
    kim_name: str | None
    active: bool
    created_at: datetime | None


def list_users(engine: sa.Engine, actor: Actor) -> list[UserRow]:
    """Staff: everyone; a KIM admin: the people of their KIM."""
    authorize(actor, Cap.MANAGE_MEMBERS, actor.kim_id if actor.is_kim_bound else None)
    with engine.connect() as conn:
        scope = kim_scope(conn, actor)
        query = (
            sa.select(U.id, U.name, U.email, U.role, kims.c.slug, kims.c.name.label("kim_name"), U.active, U.created_at)
            .select_from(users.outerjoin(kims, kims.c.id == U.kim_id))
            .order_by(U.kim_id, U.name)
        )
        if scope is not None:
            query = query.where(U.kim_id.in_(scope))
        return [
            UserRow(r.id, r.name, r.email, str(r.role), r.slug, r.kim_name, bool(r.active), r.created_at)
            for r in conn.execute(query)
        ]


@dataclass(frozen=True)
class KimRow:
    id: int
    slug: str
    name: str
    kelurahan: str
    kecamatan: str
    formed_on: date | None
    accounts: int
    posts: int


def kim_registry(engine: sa.Engine, actor: Actor) -> list[KimRow]:
    """Every KIM with its kelurahan, accounts and posts (staff)."""
    authorize(actor, Cap.MANAGE_REGISTRY)
    accounts = (
        sa.select(sa.func.count())
        .select_from(social_accounts)
        .where(social_accounts.c.kim_id == kims.c.id)
        .scalar_subquery()
    )
    post_count = sa.select(sa.func.count()).select_from(posts).where(posts.c.kim_id == kims.c.id).scalar_subquery()
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                kims.c.id,
                kims.c.slug,
                kims.c.name,
                kelurahan.c.name.label("kel"),
                kecamatan.c.name.label("kec"),
                kims.c.formed_on,
                accounts.label("accounts"),
                post_count.label("posts"),
            )
            .select_from(
                kims.join(kelurahan, kelurahan.c.code == kims.c.kelurahan_code).join(
                    kecamatan, kecamatan.c.code == kelurahan.c.kecamatan_code
                )
            )
            .order_by(kecamatan.c.name, kelurahan.c.name)
        )
        return [KimRow(r.id, r.slug, r.name, r.kel, r.kec, r.formed_on, int(r.accounts), int(r.posts)) for r in rows]


def kelurahan_without_kim(engine: sa.Engine) -> list[tuple[str, str]]:
    """(code, "Kelurahan — Kecamatan") of every kelurahan that has no KIM yet."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(kelurahan.c.code, kelurahan.c.name, kecamatan.c.name.label("kec"))
            .select_from(
                kelurahan.join(kecamatan, kecamatan.c.code == kelurahan.c.kecamatan_code).outerjoin(
                    kims, kims.c.kelurahan_code == kelurahan.c.code
                )
            )
            .where(kims.c.id.is_(None))
            .order_by(kelurahan.c.name)
        )
        return [(r.code, f"{r.name} — {r.kec}") for r in rows]
