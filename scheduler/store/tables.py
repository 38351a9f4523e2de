"""Every table of Siar, as SQLAlchemy Core ``Table`` objects on one ``metadata``.

Column names equal the attribute names of ``scheduler.domain.model`` so the
imperative mapping (``orm.py``) needs no renames. Constraint names follow the
naming convention below, so Alembic (and SQLite batch mode) can address them.

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

from datetime import UTC, datetime

import sqlalchemy as sa

from scheduler.domain.model import (
    DEFAULT_TIMEZONE,
    AccountStatus,
    AttemptOutcome,
    MediaKind,
    Platform,
    ReviewState,
    Role,
    ScheduleKind,
    SubjectKind,
    TargetState,
)
from scheduler.store.types import (
    JsonDict,
    JsonList,
    LowerCaseString,
    SlotList,
    StrEnum,
    UtcDateTime,
)

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

# Append-only tables that may grow past 2**31 rows get BIGINT ids; SQLite
# only autoincrements a column declared exactly INTEGER PRIMARY KEY.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def utcnow() -> datetime:
    """Default for created_at/updated_at (the store may read the clock; the domain may not)."""
    return datetime.now(UTC)


def _id(big: bool = False) -> sa.Column:
    return sa.Column("id", BigId if big else sa.Integer, primary_key=True, autoincrement=True)


def _created_at() -> sa.Column:
    return sa.Column("created_at", UtcDateTime, nullable=False, default=utcnow)


def _zone() -> sa.Column:
    return sa.Column("timezone", sa.String(64), nullable=False, default=DEFAULT_TIMEZONE)


def _fk(column: str, target: str, ondelete: str, *, nullable: bool, big: bool = False) -> sa.Column:
    return sa.Column(
        column,
        BigId if big else sa.Integer,
        sa.ForeignKey(target, ondelete=ondelete),
        nullable=nullable,
    )


def _metrics() -> list[sa.Column]:
    return [
        sa.Column(name, sa.BigInteger, nullable=True)
        for name in ("likes", "comments", "shares", "views", "reach", "saves")
    ]


# -- the city: shipped as seed data ---------------------------------------

kecamatan = sa.Table(
    "kecamatan",
    metadata,
    sa.Column("code", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
)

kelurahan = sa.Table(
    "kelurahan",
    metadata,
    sa.Column("code", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column(
        "kecamatan_code",
        sa.String(64),
        sa.ForeignKey("kecamatan.code", ondelete="RESTRICT"),
        nullable=False,
        index=True,
    ),
)

# -- tenants and people ----------------------------------------------------

kims = sa.Table(
    "kims",
    metadata,
    _id(),
    sa.Column(
        "kelurahan_code",
        sa.String(64),
        sa.ForeignKey("kelurahan.code", ondelete="RESTRICT"),
        nullable=False,
    ),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("slug", sa.String(100), nullable=False),
    sa.Column("formed_on", sa.Date, nullable=True),
    _zone(),
    sa.Column("allow_self_approval", sa.Boolean, nullable=False, default=False),
    _created_at(),
    # One KIM per kelurahan (docs/design.md#domain).
    sa.UniqueConstraint("kelurahan_code"),
    sa.UniqueConstraint("slug"),
)

users = sa.Table(
    "users",
    metadata,
    _id(),
    # Stored lower-cased by the type, so this UNIQUE is case-insensitive.
    sa.Column("email", LowerCaseString(254), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("role", StrEnum(Role, 20), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False, default=""),
    # RESTRICT: deleting a KIM must not silently turn its members into KIM-less users.
    _fk("kim_id", "kims.id", "RESTRICT", nullable=True),
    sa.Column("language", sa.String(8), nullable=False, default="id"),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    _created_at(),
    sa.UniqueConstraint("email"),
    sa.Index(None, "kim_id"),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    _id(),
    _fk("user_id", "users.id", "CASCADE", nullable=False),
    sa.Column("token_hash", sa.String(255), nullable=False),
    sa.Column("prefix", sa.String(32), nullable=False),
    sa.Column("name", sa.String(100), nullable=False, default=""),
    _created_at(),
    sa.Column("revoked_at", UtcDateTime, nullable=True),
    sa.Column("last_used_at", UtcDateTime, nullable=True),
    sa.UniqueConstraint("prefix"),
    sa.Index(None, "user_id"),
)

social_accounts = sa.Table(
    "social_accounts",
    metadata,
    _id(),
    _fk("kim_id", "kims.id", "RESTRICT", nullable=False),
    sa.Column("platform", StrEnum(Platform, 20), nullable=False),
    sa.Column("handle", sa.String(100), nullable=False),
    sa.Column("credentials_encrypted", sa.Text, nullable=False, default=""),
    # A training account: its requests go to the configured sandbox (SIAR_SANDBOX_URL), never
    # to the platform. No address is stored with an account (migration 0005).
    sa.Column("sandbox", sa.Boolean, nullable=False, default=False, server_default=sa.false()),
    sa.Column("status", StrEnum(AccountStatus, 20), nullable=False, default=AccountStatus.ACTIVE),
    sa.Column("paused_until", UtcDateTime, nullable=True),
    sa.Column("status_reason", sa.Text, nullable=True),
    _zone(),
    sa.Column("slots", SlotList(), nullable=False, default=list),
    sa.Column("min_spacing_seconds", sa.Integer, nullable=True),
    sa.Column("daily_cap", sa.Integer, nullable=True),
    _created_at(),
    # The same handle connected twice to one KIM would publish everything twice.
    sa.UniqueConstraint("kim_id", "platform", "handle"),
    sa.CheckConstraint("min_spacing_seconds IS NULL OR min_spacing_seconds >= 0", name="spacing"),
    sa.CheckConstraint("daily_cap IS NULL OR daily_cap >= 0", name="daily_cap"),
)

# -- subjects: UMKM products and destinations ---------------------------

umkm = sa.Table(
    "umkm",
    metadata,
    _id(),
    sa.Column(
        "kelurahan_code",
        sa.String(64),
        sa.ForeignKey("kelurahan.code", ondelete="RESTRICT"),
        nullable=False,
        index=True,
    ),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("owner", sa.String(200), nullable=False, default=""),
    _fk("kim_id", "kims.id", "SET NULL", nullable=True),
    sa.Index(None, "kim_id"),
)

products = sa.Table(
    "products",
    metadata,
    _id(),
    _fk("umkm_id", "umkm.id", "CASCADE", nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("category", sa.String(100), nullable=False, default=""),
    sa.Index(None, "umkm_id"),
)

destinations = sa.Table(
    "destinations",
    metadata,
    _id(),
    sa.Column(
        "kelurahan_code",
        sa.String(64),
        sa.ForeignKey("kelurahan.code", ondelete="RESTRICT"),
        nullable=False,
        index=True,
    ),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("category", sa.String(100), nullable=False, default=""),
    _fk("kim_id", "kims.id", "SET NULL", nullable=True),
    sa.Index(None, "kim_id"),
)

# -- media -----------------------------------------------------------------

media_assets = sa.Table(
    "media_assets",
    metadata,
    _id(),
    _fk("kim_id", "kims.id", "RESTRICT", nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("kind", StrEnum(MediaKind, 10), nullable=False),
    sa.Column("mime_type", sa.String(100), nullable=False),
    sa.Column("size_bytes", sa.BigInteger, nullable=False),
    sa.Column("storage_key", sa.String(500), nullable=False),
    sa.Column("width", sa.Integer, nullable=True),
    sa.Column("height", sa.Integer, nullable=True),
    sa.Column("duration_seconds", sa.Float, nullable=True),
    _fk("uploaded_by", "users.id", "SET NULL", nullable=True),
    _created_at(),
    # Not unique: services decide whether an identical upload reuses the asset.
    sa.Index(None, "kim_id", "content_hash"),
    sa.CheckConstraint("size_bytes >= 0", name="size"),
)

media_variants = sa.Table(
    "media_variants",
    metadata,
    _id(),
    _fk("asset_id", "media_assets.id", "CASCADE", nullable=False),
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
    _id(),
    _fk("kim_id", "kims.id", "RESTRICT", nullable=False),
    _fk("author_id", "users.id", "RESTRICT", nullable=False),
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
    _fk("reviewed_by", "users.id", "SET NULL", nullable=True),
    sa.Column("reviewed_at", UtcDateTime, nullable=True),
    sa.Column("rejection_reason", sa.Text, nullable=True),
    _created_at(),
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
    _id(),
    _fk("post_id", "posts.id", "CASCADE", nullable=False),
    _fk("media_id", "media_assets.id", "RESTRICT", nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Index(None, "post_id", "position"),
    sa.Index(None, "media_id"),
)

_LIVE_LEASE = "state IN ('queued', 'publishing')"

post_targets = sa.Table(
    "post_targets",
    metadata,
    _id(big=True),
    _fk("post_id", "posts.id", "CASCADE", nullable=False),
    _fk("account_id", "social_accounts.id", "RESTRICT", nullable=False),
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
    *_metrics(),
    sa.Column("metrics_captured_at", UtcDateTime, nullable=True),
    sa.Column("remote_missing", sa.Boolean, nullable=False, default=False),
    sa.Column("engagement_due_at", UtcDateTime, nullable=True),
    _created_at(),
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
        postgresql_where=sa.text(_LIVE_LEASE),
        sqlite_where=sa.text(_LIVE_LEASE),
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
    _id(big=True),
    _fk("target_id", "post_targets.id", "CASCADE", nullable=False, big=True),
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
    _id(big=True),
    _fk("target_id", "post_targets.id", "CASCADE", nullable=False, big=True),
    sa.Column("captured_at", UtcDateTime, nullable=False),
    *_metrics(),
    sa.Column("remote_missing", sa.Boolean, nullable=False, default=False),
    sa.Column("raw", JsonDict(), nullable=False, default=dict),
    sa.Index("ix_snapshots_target_captured", "target_id", "captured_at"),
)

audit_events = sa.Table(
    "audit_events",
    metadata,
    _id(big=True),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    # SET NULL everywhere: the audit trail outlives what it talks about.
    _fk("actor_id", "users.id", "SET NULL", nullable=True),
    _fk("kim_id", "kims.id", "SET NULL", nullable=True),
    _fk("post_id", "posts.id", "SET NULL", nullable=True),
    _fk("target_id", "post_targets.id", "SET NULL", nullable=True, big=True),
    sa.Column("detail", JsonDict(), nullable=False, default=dict),
    sa.Index("ix_audit_post_at", "post_id", "at"),
    sa.Index("ix_audit_kim_at", "kim_id", "at"),
    sa.Index("ix_audit_actor", "actor_id"),
    sa.Index("ix_audit_target", "target_id"),
)

# -- operations ---------------------------------------------------------------

# Liveness of workers and beat (written by them, read by `siar status` and /health).
heartbeats = sa.Table(
    "heartbeats",
    metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("hostname", sa.String(255), nullable=False),
    sa.Column("pid", sa.Integer, nullable=False),
    sa.Column("seen_at", UtcDateTime, nullable=False),
    sa.CheckConstraint("kind IN ('worker', 'beat')", name="kind"),
)
