"""Read models for the media library, and the one place a stored file is opened for display."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from scheduler.domain.model import MediaAsset
from scheduler.ports import AbstractUnitOfWork
from scheduler.services.people.actors import Actor
from scheduler.services.people.authz import Cap, authorize, not_found
from scheduler.services.read.scope import kim_scope, restrict
from scheduler.store.tables import kims, media_assets, post_media

M = media_assets.c


@dataclass(frozen=True)
class MediaRow:
    id: int
    kim_slug: str
    kind: str
    mime_type: str
    size_bytes: int
    width: int | None
    height: int | None
    created_at: datetime | None
    used_in: int  # posts using it


def library(engine: sa.Engine, actor: Actor, *, kim: int | str | None = None, limit: int = 120) -> list[MediaRow]:
    """The newest media of the visible KIMs, with how many posts use each."""
    used = sa.select(sa.func.count()).select_from(post_media).where(post_media.c.media_id == M.id).scalar_subquery()
    with engine.connect() as conn:
        scope = kim_scope(conn, actor, kim)
        query = restrict(
            sa.select(
                M.id,
                kims.c.slug,
                M.kind,
                M.mime_type,
                M.size_bytes,
                M.width,
                M.height,
                M.created_at,
                used.label("used"),
            ).select_from(media_assets.join(kims, kims.c.id == M.kim_id)),
            M.kim_id,
            scope,
        )
        rows = conn.execute(query.order_by(M.id.desc()).limit(max(1, min(limit, 500))))
        return [
            MediaRow(
                r.id,
                r.slug,
                str(r.kind),
                r.mime_type,
                int(r.size_bytes),
                r.width,
                r.height,
                r.created_at,
                int(r.used or 0),
            )
            for r in rows
        ]


def media_file(uow: AbstractUnitOfWork, actor: Actor, media_id: int, media_dir: Path) -> tuple[Path, MediaAsset]:
    """The stored file of a visible asset (another KIM's asset is "not found")."""
    with uow:
        asset = uow.media.get(media_id)
        if asset is None:
            raise not_found("media", "media")
        authorize(actor, Cap.READ_KIM, asset.kim_id, what="media")
    root = Path(media_dir).resolve()
    path = (root / asset.storage_key).resolve()
    if root not in path.parents or not path.is_file():  # a key never leaves the media folder
        raise not_found("media", "media")
    return path, asset
