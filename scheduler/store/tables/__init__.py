"""Every table of Siar, as SQLAlchemy Core ``Table`` objects on one ``metadata``.

The tables are defined by role and all re-exported here (import them from
``scheduler.store.tables``):

- ``columns``: the ``metadata``, its naming convention, the repeated column shapes;
- ``registry``: the city, KIMs, users and API tokens, social accounts, subjects;
- ``posts``: media, posts, targets, publish attempts, engagement snapshots;
- ``operations``: the audit trail and heartbeats.

Column names equal the attribute names of ``scheduler.domain.model`` so the
imperative mapping (``orm.py``) needs no renames. Constraint names follow the
naming convention in ``columns``, so Alembic (and SQLite batch mode) can address them.

ON DELETE policy: rows that are history or money-of-record (KIMs, accounts,
posts, media in use) are RESTRICTed; parts that cannot live without their
owner (targets of a post, attempts/snapshots of a target, variants of an
asset, tokens of a user) CASCADE; optional references (the reviewer, the actor
of an audit event) are SET NULL so history survives.

The partial indexes on ``post_targets`` are what keep dispatch O(due rows):
each covers only the rows in one live state, so a million published targets
do not make "what is due now?" slower.
"""

from __future__ import annotations

from scheduler.store.tables.columns import NAMING_CONVENTION, BigId, metadata, utcnow
from scheduler.store.tables.operations import audit_events, heartbeats
from scheduler.store.tables.posts import (
    LIVE_LEASE,
    engagement_snapshots,
    media_assets,
    media_variants,
    post_media,
    post_targets,
    posts,
    publish_attempts,
)
from scheduler.store.tables.registry import (
    api_tokens,
    destinations,
    kecamatan,
    kelurahan,
    kims,
    products,
    social_accounts,
    umkm,
    users,
)

__all__ = [
    "LIVE_LEASE",
    "NAMING_CONVENTION",
    "BigId",
    "api_tokens",
    "audit_events",
    "destinations",
    "engagement_snapshots",
    "heartbeats",
    "kecamatan",
    "kelurahan",
    "kims",
    "media_assets",
    "media_variants",
    "metadata",
    "post_media",
    "post_targets",
    "posts",
    "products",
    "publish_attempts",
    "social_accounts",
    "umkm",
    "users",
    "utcnow",
]
