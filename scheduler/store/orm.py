"""Imperative mapping of the domain dataclasses onto ``scheduler.store.tables``.

The domain stays plain Python (cosmicpython style): nothing in
``scheduler/domain`` knows about SQLAlchemy; this module attaches the ORM from
the outside. Call :func:`start_mappers` once at start-up (it is idempotent).

``Post.media_ids`` is an ordered list of media-asset ids backed by the
``post_media`` association table (FKs to posts and media_assets) through an
association proxy: ``post.media_ids = [3, 1]`` or ``post.media_ids.append(7)``
work like on a plain list and are written as rows with positions 0, 1, ...
"""

from __future__ import annotations

import threading

import sqlalchemy as sa
from sqlalchemy.ext.associationproxy import association_proxy
from sqlalchemy.ext.orderinglist import ordering_list
from sqlalchemy.orm import registry, relationship

from scheduler.domain import model
from scheduler.store import tables

mapper_registry = registry(metadata=tables.metadata)

_lock = threading.Lock()
_started = False


class PostMedia:
    """One row of ``post_media``: media ``media_id`` at ``position`` in a post (store-internal)."""

    def __init__(self, media_id: int, position: int | None = None) -> None:
        self.media_id = media_id
        if position is not None:
            self.position = position

    def __repr__(self) -> str:
        return f"PostMedia(media_id={self.media_id!r}, position={getattr(self, 'position', None)!r})"


# Plain column mappings: table -> entity (columns named like the attributes).
_SIMPLE: list[tuple[type, sa.Table]] = [
    (model.Kecamatan, tables.kecamatan),
    (model.Kelurahan, tables.kelurahan),
    (model.Kim, tables.kims),
    (model.User, tables.users),
    (model.ApiToken, tables.api_tokens),
    (model.SocialAccount, tables.social_accounts),
    (model.Umkm, tables.umkm),
    (model.Product, tables.products),
    (model.Destination, tables.destinations),
    (model.MediaAsset, tables.media_assets),
    (model.MediaVariant, tables.media_variants),
    (model.PostTarget, tables.post_targets),
    (model.PublishAttempt, tables.publish_attempts),
    (model.EngagementSnapshot, tables.engagement_snapshots),
    (model.AuditEvent, tables.audit_events),
]


def start_mappers() -> None:
    """Map every entity of ``scheduler.domain.model``; safe to call more than once."""
    global _started
    with _lock:
        if _started:
            return
        for entity, table in _SIMPLE:
            mapper_registry.map_imperatively(entity, table)
        mapper_registry.map_imperatively(PostMedia, tables.post_media)
        mapper_registry.map_imperatively(
            model.Post,
            tables.posts,
            properties={
                "targets": relationship(
                    model.PostTarget,
                    order_by=[tables.post_targets.c.occurrence, tables.post_targets.c.id],
                    cascade="all, delete-orphan",
                    passive_deletes=True,
                ),
                "_media_links": relationship(
                    PostMedia,
                    order_by=tables.post_media.c.position,
                    collection_class=ordering_list("position"),
                    cascade="all, delete-orphan",
                    passive_deletes=True,
                ),
            },
        )
        # The dataclass field stays a plain list to the domain; the proxy
        # turns it into post_media rows. Assigned after mapping so the
        # dataclass __init__ (media_ids=[]) goes through the proxy.
        model.Post.media_ids = association_proxy(  # type: ignore[assignment]  # the proxy replaces the list field
            "_media_links", "media_id", creator=lambda media_id: PostMedia(media_id)
        )
        sa.orm.configure_mappers()
        _started = True


def mappers_started() -> bool:
    """True once :func:`start_mappers` has run in this process."""
    return _started
