"""Tables of the city, the KIMs and their people, social accounts, and subjects (UMKM products, destinations)."""

from __future__ import annotations

import sqlalchemy as sa

from scheduler.domain.model import AccountStatus, Platform, Role
from scheduler.store.tables.columns import (
    created_at_column,
    fk_column,
    id_column,
    metadata,
    zone_column,
)
from scheduler.store.types import LowerCaseString, SlotList, StrEnum, UtcDateTime

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
    id_column(),
    sa.Column(
        "kelurahan_code",
        sa.String(64),
        sa.ForeignKey("kelurahan.code", ondelete="RESTRICT"),
        nullable=False,
    ),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("slug", sa.String(100), nullable=False),
    sa.Column("formed_on", sa.Date, nullable=True),
    zone_column(),
    sa.Column("allow_self_approval", sa.Boolean, nullable=False, default=False),
    created_at_column(),
    # One KIM per kelurahan (docs/design.md#domain).
    sa.UniqueConstraint("kelurahan_code"),
    sa.UniqueConstraint("slug"),
)

users = sa.Table(
    "users",
    metadata,
    id_column(),
    # Stored lower-cased by the type, so this UNIQUE is case-insensitive.
    sa.Column("email", LowerCaseString(254), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("role", StrEnum(Role, 20), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False, default=""),
    # RESTRICT: deleting a KIM must not silently turn its members into KIM-less users.
    fk_column("kim_id", "kims.id", "RESTRICT", nullable=True),
    sa.Column("language", sa.String(8), nullable=False, default="id"),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    created_at_column(),
    sa.UniqueConstraint("email"),
    sa.Index(None, "kim_id"),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    id_column(),
    fk_column("user_id", "users.id", "CASCADE", nullable=False),
    sa.Column("token_hash", sa.String(255), nullable=False),
    sa.Column("prefix", sa.String(32), nullable=False),
    sa.Column("name", sa.String(100), nullable=False, default=""),
    created_at_column(),
    sa.Column("revoked_at", UtcDateTime, nullable=True),
    sa.Column("last_used_at", UtcDateTime, nullable=True),
    sa.UniqueConstraint("prefix"),
    sa.Index(None, "user_id"),
)

social_accounts = sa.Table(
    "social_accounts",
    metadata,
    id_column(),
    fk_column("kim_id", "kims.id", "RESTRICT", nullable=False),
    sa.Column("platform", StrEnum(Platform, 20), nullable=False),
    sa.Column("handle", sa.String(100), nullable=False),
    sa.Column("credentials_encrypted", sa.Text, nullable=False, default=""),
    # A training account: its requests go to the configured sandbox (SIAR_SANDBOX_URL), never
    # to the platform. No address is stored with an account (migration 0005).
    sa.Column("sandbox", sa.Boolean, nullable=False, default=False, server_default=sa.false()),
    sa.Column("status", StrEnum(AccountStatus, 20), nullable=False, default=AccountStatus.ACTIVE),
    sa.Column("paused_until", UtcDateTime, nullable=True),
    sa.Column("status_reason", sa.Text, nullable=True),
    zone_column(),
    sa.Column("slots", SlotList(), nullable=False, default=list),
    sa.Column("min_spacing_seconds", sa.Integer, nullable=True),
    sa.Column("daily_cap", sa.Integer, nullable=True),
    created_at_column(),
    # The same handle connected twice to one KIM would publish everything twice.
    sa.UniqueConstraint("kim_id", "platform", "handle"),
    sa.CheckConstraint("min_spacing_seconds IS NULL OR min_spacing_seconds >= 0", name="spacing"),
    sa.CheckConstraint("daily_cap IS NULL OR daily_cap >= 0", name="daily_cap"),
)

# -- subjects: UMKM products and destinations ---------------------------

umkm = sa.Table(
    "umkm",
    metadata,
    id_column(),
    sa.Column(
        "kelurahan_code",
        sa.String(64),
        sa.ForeignKey("kelurahan.code", ondelete="RESTRICT"),
        nullable=False,
        index=True,
    ),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("owner", sa.String(200), nullable=False, default=""),
    fk_column("kim_id", "kims.id", "SET NULL", nullable=True),
    sa.Index(None, "kim_id"),
)

products = sa.Table(
    "products",
    metadata,
    id_column(),
    fk_column("umkm_id", "umkm.id", "CASCADE", nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("category", sa.String(100), nullable=False, default=""),
    sa.Index(None, "umkm_id"),
)

destinations = sa.Table(
    "destinations",
    metadata,
    id_column(),
    sa.Column(
        "kelurahan_code",
        sa.String(64),
        sa.ForeignKey("kelurahan.code", ondelete="RESTRICT"),
        nullable=False,
        index=True,
    ),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("category", sa.String(100), nullable=False, default=""),
    fk_column("kim_id", "kims.id", "SET NULL", nullable=True),
    sa.Index(None, "kim_id"),
)
