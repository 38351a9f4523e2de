"""Tables of media, posts, their targets, publish attempts and engagement snapshots.

The partial indexes on ``post_targets`` are what keep dispatch O(due rows):
each covers only the rows in one live state, so a million published targets
do not make "what is due now?" slower.
"""

from __future__ import annotations

import sqlalchemy as sa

from scheduler.domain.model import (
    DEFAULT_TIMEZONE,
    AttemptOutcome,
    MediaKind,
    Platform,
    ReviewState,
    ScheduleKind,
    SubjectKind,
    TargetState,
)
from scheduler.store.tables.columns import (
    created_at_column,
    fk_column,
    id_column,
    metadata,
    metric_columns,
    utcnow,
)
from scheduler.store.types import JsonDict, JsonList, StrEnum, UtcDateTime

# -- media -----------------------------------------------------------------

media_assets = sa.Table(
    "media_assets",
    metadata,
    id_column(),
    fk_column("kim_id", "kims.id", "RESTRICT", nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("kind", StrEnum(MediaKind, 10), nullable=False),
    sa.Column("mime_type", sa.String(100), nullable=False),
    sa.Column("size_bytes", sa.BigInteger, nullable=False),
    sa.Column("storage_key", sa.String(500), nullable=False),
    sa.Column("width", sa.Integer, nullable=True),
    sa.Column("height", sa.Integer, nullable=True),
    sa.Column("duration_seconds", sa.Float, nullable=True),
    fk_column("uploaded_by", "users.id", "SET NULL", nullable=True),
    created_at_column(),
    # Not unique: services decide whether an identical upload reuses the asset.
    sa.Index(None, "kim_id", "content_hash"),
    sa.CheckConstraint("size_bytes >= 0", name="size"),
)

media_variants = sa.Table(
    "media_variants",
    metadata,
    id_column(),
    fk_column("asset_id", "media_assets.id", "CASCADE", nullable=False),
    sa.Column("platform", StrEnum(Platform, 20), nullable=False),
    sa.Column("storage_key", sa.String(500), nullable=False),
    sa.Column("mime_type", sa.String(100), nullable=False),
    sa.Column("size_bytes", sa.BigInteger, nullable=False),
    sa.Column("width", sa.Integer, nullable=True),
    sa.Column("height", sa.Integer, nullable=True),
    sa.UniqueConstraint("asset_id", "platform"),
)

# -- posts and their targets ----------------------------------------------

posts = sa.Table(
    "posts",
    metadata,
    id_column(),
    fk_column("kim_id", "kims.id", "RESTRICT", nullable=False),
    fk_column("author_id", "users.id", "RESTRICT", nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("tags", JsonList(), nullable=False, default=list),
    sa.Column("subject_kind", StrEnum(SubjectKind, 20), nullable=True),
    # Polymorphic (products.id or destinations.id by subject_kind): no FK.
    sa.Column("subject_id", sa.Integer, nullable=True),
    sa.Column("review_state", StrEnum(ReviewState, 20), nullable=False, default=ReviewState.DRAFT),
    sa.Column("schedule_kind", StrEnum(ScheduleKind, 20), nullable=False, default=ScheduleKind.AT),
    sa.Column("schedule_at", UtcDateTime, nullable=True),
    sa.Column("schedule_zone", sa.String(64), nullable=False, default=DEFAULT_TIMEZONE),
    sa.Column("recurrence_rule", sa.Text, nullable=True),
    sa.Column("recurrence_until", UtcDateTime, nullable=True),
    sa.Column("expanded_until", UtcDateTime, nullable=True),
    sa.Column("as_thread", sa.Boolean, nullable=False, default=False),
    sa.Column("dedupe_key", sa.String(200), nullable=True),
    fk_column("reviewed_by", "users.id", "SET NULL", nullable=True),
    sa.Column("reviewed_at", UtcDateTime, nullable=True),
    sa.Column("rejection_reason", sa.Text, nullable=True),
    created_at_column(),
    sa.Column("updated_at", UtcDateTime, nullable=False, default=utcnow, onupdate=utcnow),
    sa.CheckConstraint("(subject_kind IS NULL) = (subject_id IS NULL)", name="subject_pair"),
    sa.Index(None, "kim_id", "created_at"),
    sa.Index(None, "author_id"),
    # CSV import: the same row twice creates nothing.
    sa.Index(
        "uq_posts_kim_dedupe_key",
        "kim_id",
        "dedupe_key",
        unique=True,
        postgresql_where=sa.text("dedupe_key IS NOT NULL"),
        sqlite_where=sa.text("dedupe_key IS NOT NULL"),
    ),
    # Recurrence expansion: approved recurring posts whose horizon needs extending.
    sa.Index(
        "ix_posts_recurring",
        "expanded_until",
        postgresql_where=sa.text("schedule_kind = 'recurring' AND review_state = 'approved'"),
        sqlite_where=sa.text("schedule_kind = 'recurring' AND review_state = 'approved'"),
    ),
)

# Post.media_ids: an ordered association, so a post can only name media that
# exist, and an asset in use cannot be deleted (RESTRICT). A surrogate id
# (not PRIMARY KEY (post_id, position)) lets the ORM reorder or replace the
# list in one flush without transient key collisions.
post_media = sa.Table(
    "post_media",
    metadata,
    id_column(),
    fk_column("post_id", "posts.id", "CASCADE", nullable=False),
    fk_column("media_id", "media_assets.id", "RESTRICT", nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Index(None, "post_id", "position"),
    sa.Index(None, "media_id"),
)

#: The live states that hold a lease (the predicate of ``ix_targets_lease``).
LIVE_LEASE = "state IN ('queued', 'publishing')"

post_targets = sa.Table(
    "post_targets",
    metadata,
    id_column(big=True),
    fk_column("post_id", "posts.id", "CASCADE", nullable=False),
    fk_column("account_id", "social_accounts.id", "RESTRICT", nullable=False),
    sa.Column("text_override", sa.Text, nullable=True),
    # X: the tweets it publishes, as validated (PostTarget.thread_parts); [] elsewhere.
    sa.Column("thread_parts", JsonList(), nullable=False, default=list, server_default=sa.text("'[]'")),
    sa.Column("scheduled_at", UtcDateTime, nullable=True),
    sa.Column("scheduled_zone", sa.String(64), nullable=False, default=DEFAULT_TIMEZONE),
    sa.Column("occurrence", sa.Integer, nullable=False, default=0),
    sa.Column("state", StrEnum(TargetState, 20), nullable=False, default=TargetState.PENDING),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", UtcDateTime, nullable=True),
    sa.Column("lease_token", sa.String(64), nullable=True),
    sa.Column("lease_until", UtcDateTime, nullable=True),
    sa.Column("content_fingerprint", sa.String(128), nullable=True),
    sa.Column("remote_id", sa.String(128), nullable=True),
    sa.Column("permalink", sa.String(500), nullable=True),
    sa.Column("published_at", UtcDateTime, nullable=True),
    sa.Column("last_error_code", sa.String(64), nullable=True),
    sa.Column("last_error_message", sa.Text, nullable=True),
    *metric_columns(),
    sa.Column("metrics_captured_at", UtcDateTime, nullable=True),
    sa.Column("remote_missing", sa.Boolean, nullable=False, default=False),
    sa.Column("engagement_due_at", UtcDateTime, nullable=True),
    created_at_column(),
    sa.Column("updated_at", UtcDateTime, nullable=False, default=utcnow, onupdate=utcnow),
    sa.UniqueConstraint("post_id", "account_id", "occurrence"),
    sa.CheckConstraint("attempts >= 0", name="attempts"),
    sa.CheckConstraint("occurrence >= 0", name="occurrence"),
    # Per-account pacing ("what did this account publish/plan around T?"); also the account FK index.
    sa.Index("ix_targets_account_scheduled", "account_id", "scheduled_at"),
    # Dispatch and sweeps: each partial index holds only rows in a live state.
    sa.Index(
        "ix_targets_due",
        "scheduled_at",
        postgresql_where=sa.text("state = 'scheduled'"),
        sqlite_where=sa.text("state = 'scheduled'"),
    ),
    sa.Index(
        "ix_targets_retry",
        "next_attempt_at",
        postgresql_where=sa.text("state = 'retry_wait'"),
        sqlite_where=sa.text("state = 'retry_wait'"),
    ),
    sa.Index(
        "ix_targets_lease",
        "lease_until",
        postgresql_where=sa.text(LIVE_LEASE),
        sqlite_where=sa.text(LIVE_LEASE),
    ),
    sa.Index(
        "ix_targets_unknown",
        "updated_at",
        postgresql_where=sa.text("state = 'unknown'"),
        sqlite_where=sa.text("state = 'unknown'"),
    ),
    sa.Index(
        "ix_targets_engagement",
        "engagement_due_at",
        postgresql_where=sa.text("state = 'published'"),
        sqlite_where=sa.text("state = 'published'"),
    ),
    # Reports by publication day.
    sa.Index("ix_targets_published_at", "published_at"),
)

publish_attempts = sa.Table(
    "publish_attempts",
    metadata,
    id_column(big=True),
    fk_column("target_id", "post_targets.id", "CASCADE", nullable=False, big=True),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("started_at", UtcDateTime, nullable=False),
    sa.Column("lease_token", sa.String(64), nullable=True),
    sa.Column("finished_at", UtcDateTime, nullable=True),
    sa.Column("outcome", StrEnum(AttemptOutcome, 20), nullable=False, default=AttemptOutcome.STARTED),
    sa.Column("error_code", sa.String(64), nullable=True),
    sa.Column("error_message", sa.Text, nullable=True),
    sa.UniqueConstraint("target_id", "number"),
    sa.CheckConstraint("number >= 1", name="number"),
)

engagement_snapshots = sa.Table(
    "engagement_snapshots",
    metadata,
    id_column(big=True),
    fk_column("target_id", "post_targets.id", "CASCADE", nullable=False, big=True),
    sa.Column("captured_at", UtcDateTime, nullable=False),
    *metric_columns(),
    sa.Column("remote_missing", sa.Boolean, nullable=False, default=False),
    sa.Column("raw", JsonDict(), nullable=False, default=dict),
    sa.Index("ix_snapshots_target_captured", "target_id", "captured_at"),
)
