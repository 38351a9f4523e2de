"""Tables of operations: the audit trail and the liveness of workers and beat."""

from __future__ import annotations

import sqlalchemy as sa

from scheduler.store.tables.columns import (
    fk_column,
    id_column,
    metadata,
)
from scheduler.store.types import JsonDict, UtcDateTime

audit_events = sa.Table(
    "audit_events",
    metadata,
    id_column(big=True),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    # SET NULL everywhere: the audit trail outlives what it talks about.
    fk_column("actor_id", "users.id", "SET NULL", nullable=True),
    fk_column("kim_id", "kims.id", "SET NULL", nullable=True),
    fk_column("post_id", "posts.id", "SET NULL", nullable=True),
    fk_column("target_id", "post_targets.id", "SET NULL", nullable=True, big=True),
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
