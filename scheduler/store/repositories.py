"""SQLAlchemy repositories: the service ports (``scheduler.ports``) over one Session.

The domain classes are mapped imperatively (``scheduler.store.orm``), so the
queries select the entities themselves. Every repository works inside the
session of its unit of work and never commits.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from datetime import datetime
from typing import Generic, TypeVar, Unpack

import sqlalchemy as sa
from sqlalchemy.orm import Session

from scheduler import ports
from scheduler.domain.model import (
    ApiToken,
    AuditEvent,
    Destination,
    EngagementSnapshot,
    Kecamatan,
    Kelurahan,
    Kim,
    MediaAsset,
    Post,
    PostTarget,
    Product,
    PublishAttempt,
    ReviewState,
    Role,
    SocialAccount,
    TargetState,
    Umkm,
    User,
)
from scheduler.store import tables

T = TypeVar("T")


class _InSession:
    """A repository on the session of its unit of work."""

    def __init__(self, session: Session) -> None:
        self.session = session


class _Base(_InSession, Generic[T]):
    """``add`` and ``get`` by primary key for the entity ``model``."""

    model: type[T]

    def add(self, item: T) -> T:
        self.session.add(item)
        return item

    def get(self, id_: int) -> T | None:
        return self.session.get(self.model, id_)


class SqlKecamatanRepository(_InSession, ports.KecamatanRepository):
    def list(self) -> list[Kecamatan]:
        return list(self.session.scalars(sa.select(Kecamatan).order_by(tables.kecamatan.c.name)))


class SqlKelurahanRepository(_InSession, ports.KelurahanRepository):
    def get(self, code: str) -> Kelurahan | None:
        return self.session.get(Kelurahan, code)

    def list(self) -> list[Kelurahan]:
        return list(self.session.scalars(sa.select(Kelurahan).order_by(tables.kelurahan.c.name)))


class SqlKimRepository(_Base[Kim], ports.KimRepository):
    model = Kim

    def get_by_slug(self, slug: str) -> Kim | None:
        return self.session.scalars(sa.select(Kim).where(tables.kims.c.slug == slug)).first()

    def get_by_kelurahan(self, kelurahan_code: str) -> Kim | None:
        return self.session.scalars(sa.select(Kim).where(tables.kims.c.kelurahan_code == kelurahan_code)).first()

    def list(self) -> list[Kim]:
        return list(self.session.scalars(sa.select(Kim).order_by(tables.kims.c.name)))


class SqlUserRepository(_Base[User], ports.UserRepository):
    model = User

    def get_by_email(self, email: str) -> User | None:
        # lower() on both sides: correct whatever the column type does.
        return self.session.scalars(
            sa.select(User).where(sa.func.lower(tables.users.c.email) == email.strip().lower())
        ).first()

    def list_by_kim(self, kim_id: int, role: Role | None = None) -> list[User]:
        query = sa.select(User).where(tables.users.c.kim_id == kim_id)
        if role is not None:
            query = query.where(tables.users.c.role == role)
        return list(self.session.scalars(query.order_by(tables.users.c.id)))


class SqlTokenRepository(_Base[ApiToken], ports.TokenRepository):
    model = ApiToken

    def get_by_prefix(self, prefix: str) -> ApiToken | None:
        return self.session.scalars(sa.select(ApiToken).where(tables.api_tokens.c.prefix == prefix)).first()

    def list_for_user(self, user_id: int) -> list[ApiToken]:
        return list(
            self.session.scalars(
                sa.select(ApiToken).where(tables.api_tokens.c.user_id == user_id).order_by(tables.api_tokens.c.id)
            )
        )


class SqlAccountRepository(_Base[SocialAccount], ports.AccountRepository):
    model = SocialAccount

    def list_by_kim(self, kim_id: int) -> list[SocialAccount]:
        return list(
            self.session.scalars(
                sa.select(SocialAccount)
                .where(tables.social_accounts.c.kim_id == kim_id)
                .order_by(tables.social_accounts.c.id)
            )
        )


class SqlSubjectRepository(_InSession, ports.SubjectRepository):
    def add_umkm(self, umkm: Umkm) -> Umkm:
        self.session.add(umkm)
        return umkm

    def add_product(self, product: Product) -> Product:
        self.session.add(product)
        return product

    def add_destination(self, destination: Destination) -> Destination:
        self.session.add(destination)
        return destination

    def get_umkm(self, id_: int) -> Umkm | None:
        return self.session.get(Umkm, id_)

    def get_product(self, id_: int) -> Product | None:
        return self.session.get(Product, id_)

    def get_destination(self, id_: int) -> Destination | None:
        return self.session.get(Destination, id_)

    def list_products(self, kim_id: int) -> list[Product]:
        return list(
            self.session.scalars(
                sa.select(Product)
                .join(Umkm, tables.umkm.c.id == tables.products.c.umkm_id)
                .where(tables.umkm.c.kim_id == kim_id)
                .order_by(tables.products.c.id)
            )
        )

    def list_destinations(self, kim_id: int) -> list[Destination]:
        return list(
            self.session.scalars(
                sa.select(Destination).where(tables.destinations.c.kim_id == kim_id).order_by(tables.destinations.c.id)
            )
        )


class SqlMediaRepository(_Base[MediaAsset], ports.MediaRepository):
    model = MediaAsset

    def get_many(self, ids: Iterable[int]) -> list[MediaAsset]:
        wanted = list(set(ids))
        if not wanted:
            return []
        return list(self.session.scalars(sa.select(MediaAsset).where(tables.media_assets.c.id.in_(wanted))))

    def get_by_hash(self, kim_id: int, content_hash: str) -> MediaAsset | None:
        return self.session.scalars(
            sa.select(MediaAsset).where(
                tables.media_assets.c.kim_id == kim_id, tables.media_assets.c.content_hash == content_hash
            )
        ).first()


class SqlPostRepository(_Base[Post], ports.PostRepository):
    model = Post

    def get_for_update(self, id_: int) -> Post | None:
        # On SQLite FOR UPDATE is not emitted; BEGIN IMMEDIATE (store/db.py)
        # already makes the whole transaction exclusive for writers.
        post = self.session.get(Post, id_, with_for_update=True, populate_existing=True)
        if post is not None:
            self.session.scalars(
                sa.select(PostTarget)
                .where(tables.post_targets.c.post_id == id_)
                .order_by(tables.post_targets.c.id)
                .with_for_update()
                .execution_options(populate_existing=True)
            ).all()
        return post

    def list_by_kim(self, kim_id: int, state: ReviewState | None = None) -> list[Post]:
        query = sa.select(Post).where(tables.posts.c.kim_id == kim_id)
        if state is not None:
            query = query.where(tables.posts.c.review_state == state)
        return list(self.session.scalars(query.order_by(tables.posts.c.id)))

    def page(self, query: ports.PostQuery) -> tuple[list[Post], int]:
        stmt = sa.select(Post)
        if query.kim_ids is not None:
            stmt = stmt.where(tables.posts.c.kim_id.in_(list(query.kim_ids)))
        if query.review is not None:
            stmt = stmt.where(tables.posts.c.review_state == query.review)
        if query.target_state is not None:
            stmt = stmt.where(
                sa.exists().where(
                    tables.post_targets.c.post_id == tables.posts.c.id,
                    tables.post_targets.c.state == query.target_state,
                )
            )
        if query.start is not None or query.end is not None:
            when = sa.func.coalesce(
                sa.select(sa.func.min(tables.post_targets.c.scheduled_at))
                .where(tables.post_targets.c.post_id == tables.posts.c.id)
                .scalar_subquery(),
                tables.posts.c.schedule_at,
            )
            if query.start is not None:
                stmt = stmt.where(when >= query.start)
            if query.end is not None:
                stmt = stmt.where(when < query.end)
        total = self.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
        items = self.session.scalars(stmt.order_by(tables.posts.c.id.desc()).offset(query.offset).limit(query.limit))
        return list(items), int(total or 0)


class SqlTargetRepository(_InSession, ports.TargetRepository):
    def get(self, id_: int) -> PostTarget | None:
        return self.session.get(PostTarget, id_)

    def for_account_between(
        self, account_id: int, start: datetime, end: datetime, states: Iterable[TargetState] | None = None
    ) -> list[PostTarget]:
        query = sa.select(PostTarget).where(
            tables.post_targets.c.account_id == account_id,
            tables.post_targets.c.scheduled_at >= start,
            tables.post_targets.c.scheduled_at < end,
        )
        if states is not None:
            query = query.where(tables.post_targets.c.state.in_(list(states)))
        return list(self.session.scalars(query.order_by(tables.post_targets.c.scheduled_at)))

    def for_account_in_states(self, account_id: int, states: Iterable[TargetState]) -> list[PostTarget]:
        return list(
            self.session.scalars(
                sa.select(PostTarget)
                .where(tables.post_targets.c.account_id == account_id, tables.post_targets.c.state.in_(list(states)))
                .order_by(tables.post_targets.c.id)
            )
        )


class SqlAttemptRepository(_Base[PublishAttempt], ports.AttemptRepository):
    model = PublishAttempt

    def list_for_target(self, target_id: int) -> list[PublishAttempt]:
        return list(
            self.session.scalars(
                sa.select(PublishAttempt)
                .where(tables.publish_attempts.c.target_id == target_id)
                .order_by(tables.publish_attempts.c.number)
            )
        )


class SqlSnapshotRepository(_InSession, ports.SnapshotRepository):
    def add(self, snapshot: EngagementSnapshot) -> EngagementSnapshot:
        self.session.add(snapshot)
        return snapshot

    def list_for_target(self, target_id: int) -> list[EngagementSnapshot]:
        return list(
            self.session.scalars(
                sa.select(EngagementSnapshot)
                .where(tables.engagement_snapshots.c.target_id == target_id)
                .order_by(tables.engagement_snapshots.c.captured_at, tables.engagement_snapshots.c.id)
            )
        )


class SqlAuditRepository(_InSession, ports.AuditRepository):
    def add(self, event: AuditEvent) -> AuditEvent:
        self.session.add(event)
        return event

    def list(self, **filters: Unpack[ports.AuditFilter]) -> list[AuditEvent]:
        query = self._filtered(filters)
        return list(self.session.scalars(query.order_by(tables.audit_events.c.id)))

    def page(
        self, *, offset: int = 0, limit: int = 100, **filters: Unpack[ports.AuditFilter]
    ) -> tuple[builtins.list[AuditEvent], int]:
        query = self._filtered(filters)
        total = self.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
        items = self.session.scalars(
            query.order_by(tables.audit_events.c.at.desc(), tables.audit_events.c.id.desc()).offset(offset).limit(limit)
        )
        return list(items), int(total or 0)

    @staticmethod
    def _filtered(filters: ports.AuditFilter) -> sa.Select[AuditEvent]:
        kim_id, post_id, action = filters.get("kim_id"), filters.get("post_id"), filters.get("action")
        query = sa.select(AuditEvent)
        if kim_id is not None:
            query = query.where(tables.audit_events.c.kim_id == kim_id)
        if post_id is not None:
            query = query.where(tables.audit_events.c.post_id == post_id)
        if action is not None:
            query = query.where(tables.audit_events.c.action == action)
        return query
